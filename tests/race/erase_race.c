/*
 * erase_race: the erasure of a customer's personal data (issue 18) against
 * a concurrent reactivation and new orders, on real parallel connections.
 *
 * Each round makes an inactive customer in tenant 1, deactivated 200 days
 * ago (past the tenant's erase_min_months), with a fulfilled order and a
 * note, then forks an eraser (erasure_erase(), the code path of the page
 * and the API), a reactivator (lifecycle_reactivate()) and an inserter of
 * pending orders for the customer (until the first refusal, or a few
 * times), released together after a random 0-3 ms delay each. One of the
 * erasure and the reactivation wins, cleanly. Afterwards, per round:
 *   (a) exactly one won: the customer is erased and inactive, or active
 *       and not erased;
 *   (b) erased: the reactivation was refused ERASED, the names, e-mail and
 *       note text are gone, and no order was inserted;
 *   (c) reactivated: the erasure was refused CUSTOMER_ACTIVE and nothing
 *       of the personal data changed;
 *   (d) the stored orders are the customer's own plus every insert reported
 *       ok, and an inactive customer has none in flight;
 *   (e) one 'erase' and one 'reactivate' audit row, whose outcomes are the
 *       reports'.
 * Exit 0 only with no violation, no other error, and both winners seen.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/sql.h"
#include "domain/erasure.h"
#include "domain/lifecycle.h"
#include "procs.h"
#include "util/config.h"

#define TENANT   1
#define ATTEMPTS 15
#define NPROCS   3

static const char SQL_CUSTOMER[] =
    "INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, created_at,"
    " updated_at) VALUES (?, ?, ?, 'Erase', 'Race', UTC_TIMESTAMP() - INTERVAL 400 DAY,"
    " UTC_TIMESTAMP())";
/* once its order and note are in: deactivated 200 days ago */
static const char SQL_DEACTIVATE[] =
    "UPDATE customers SET status = 'inactive', deactivated_at = UTC_TIMESTAMP() - INTERVAL 200 DAY,"
    " deactivated_by = 'race', deactivation_reason = 'account_closure',"
    " deactivation_note = 'race note' WHERE id = ?";
static const char SQL_ORDER[] =
    "INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)"
    " VALUES (?, ?, ?, ?, 10, 'EUR', UTC_TIMESTAMP())";
static const char SQL_NOTE[] =
    "INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, created_at,"
    " created_by) VALUES (?, ?, UTC_DATE(), 'phone', 'race note text', UTC_TIMESTAMP(), 'race')";
/* status, erased, first name, e-mail, note text, orders, in flight, the
 * erase and reactivate audit rows and their outcomes */
static const char SQL_CHECK[] =
    "SELECT c.status, c.erased_at IS NOT NULL, c.first_name, c.email,"
    " (SELECT GROUP_CONCAT(n.summary) FROM customer_notes n WHERE n.customer_id = c.id),"
    " (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id),"
    " (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id"
    "   AND o.status IN ('pending','confirmed','partial')),"
    " (SELECT COUNT(*) FROM audit_log l WHERE l.customer_id = c.id AND l.action = 'erase'),"
    " (SELECT MAX(l.outcome) FROM audit_log l WHERE l.customer_id = c.id AND l.action = 'erase'),"
    " (SELECT COUNT(*) FROM audit_log l WHERE l.customer_id = c.id AND l.action = 'reactivate'),"
    " (SELECT MAX(l.outcome) FROM audit_log l WHERE l.customer_id = c.id"
    "   AND l.action = 'reactivate')"
    " FROM customers c WHERE c.id = ?";

enum part { ERASER, REACTIVATOR, INSERTER };

struct report { /* one per child, written in one write() (< PIPE_BUF) */
	int role, ok, refused, other;
	int won; /* ERASER, REACTIVATOR: it changed the customer */
	char code[40];
	char err[160];
};

struct round {
	unsigned long long id;
	char pub[64];
	int erased, reactivated, inserts_ok;
	char erase_code[40], reactivate_code[40];
};

static struct config cfg;
static char tag[24];
static int limit_s;
static int erasures, reactivations, inserts_ok, refused, other;

static void inserter(struct db *db, struct arena *a, int rnd, unsigned long long cid,
                     struct report *r)
{
	for (int i = 0; i < ATTEMPTS && !r->other; i++, arena_reset(a)) {
		char id[96];
		snprintf(id, sizeof(id), "ord_er%s_%d_%d", tag, rnd, i);
		struct db_param p[4] = {PSTR(id), PINT(TENANT), PINT(cid), PSTR("pending")};
		enum err rc = db_exec_params(db, a, SQL_ORDER, NULL, p, 4);
		if (rc == ERR_OK) {
			r->ok++;
		} else if (db_errno(db) == 1644 && strcmp(db_error(db), "CUSTOMER_INACTIVE") == 0) {
			r->refused++;
		} else if (rc != ERR_RETRY) {
			r->other = 1;
			snprintf(r->err, sizeof(r->err), "insert: %u %s", db_errno(db),
			         db_error(db));
		}
		sleep_us(200 + rand() % 400);
	}
}

static void child(enum part role, int rnd, const struct round *rd, int ready_w, int go_r, int res_w)
{
	alarm((unsigned)limit_s);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	struct report r = {.role = role};
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	if ((r.other = db == NULL || a == NULL || db_connect(db) != ERR_OK))
		snprintf(r.err, sizeof(r.err), "connect: %s", db ? db_error(db) : "out of memory");
	char c = 'r';
	if (write(ready_w, &c, 1) != 1 || read(go_r, &c, 1) != 0)
		_exit(2);
	char rid[32];
	snprintf(rid, sizeof(rid), "erase-race-%d", rnd);
	struct actor who = {"race", TENANT, CHANNEL_PAGE, rid, 0};
	if (!r.other) {
		sleep_us(rand() % 3001);
		enum err rc = ERR_OK;
		const char *code = "-";
		if (role == ERASER) {
			struct erasure_outcome out;
			rc = erasure_erase(db, a, &who, rd->pub, false, NULL, &out);
			r.won = rc == ERR_OK && out.changed;
			code = out.outcome ? out.outcome : "-";
		} else if (role == REACTIVATOR) {
			struct lifecycle_outcome out = {0};
			rc = lifecycle_reactivate(db, a, &who, rd->pub, NULL, &out);
			r.won = rc == ERR_OK && out.changed;
			code = out.outcome ? out.outcome : "-";
		} else {
			inserter(db, a, rnd, rd->id, &r);
		}
		snprintf(r.code, sizeof(r.code), "%s", code);
		if (role != INSERTER && rc != ERR_OK && rc != ERR_REFUSED) {
			r.other = 1;
			snprintf(r.err, sizeof(r.err), "%s gave %d (%s): %s",
			         role == ERASER ? "erase" : "reactivate", (int)rc, code,
			         db_error(db));
		}
	}
	_exit(write(res_w, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 2);
}

static int make(struct db *db, struct arena *a, int rnd, struct round *rd)
{
	char email[96], oid[96];
	snprintf(rd->pub, sizeof(rd->pub), "cus_er_%s_%d", tag, rnd);
	snprintf(email, sizeof(email), "erase_race_%s_%d@example.test", tag, rnd);
	struct db_param p[3] = {PSTR(rd->pub), PINT(TENANT), PSTR(email)};
	if (db_exec_params(db, a, SQL_CUSTOMER, NULL, p, 3) != ERR_OK)
		return -1;
	rd->id = db_insert_id(db);
	snprintf(oid, sizeof(oid), "ord_er%s_%d_own", tag, rnd);
	struct db_param o[4] = {PSTR(oid), PINT(TENANT), PINT(rd->id), PSTR("fulfilled")};
	struct db_param n[2] = {PINT(TENANT), PINT(rd->id)};
	struct db_param d[1] = {PINT(rd->id)};
	return db_exec_params(db, a, SQL_ORDER, NULL, o, 4) == ERR_OK &&
	               db_exec_params(db, a, SQL_NOTE, NULL, n, 2) == ERR_OK &&
	               db_exec_params(db, a, SQL_DEACTIVATE, NULL, d, 1) == ERR_OK
	           ? 0
	           : -1;
}

static int round_run(struct db *db, struct arena *a, int rnd, struct round *rd)
{
	if (make(db, a, rnd, rd) != 0) {
		printf("round %d: cannot create the customer: %s\n", rnd, db_error(db));
		return -1;
	}
	int ready[2], go[2], res[2], rc = 0;
	pid_t pids[NPROCS];
	if (pipe(ready) != 0 || pipe(go) != 0 || pipe(res) != 0)
		return -1;
	fflush(stdout);
	int started = 0;
	for (; started < NPROCS && (pids[started] = fork()) >= 0; started++)
		if (pids[started] == 0) {
			close(ready[0]), close(go[1]), close(res[0]);
			child((enum part)started, rnd, rd, ready[1], go[0], res[1]);
		}
	close(ready[1]), close(go[0]), close(res[1]);
	char buf[NPROCS];
	if (started < NPROCS ||
	    read_within(ready[0], buf, (size_t)NPROCS, limit_s * 1000) != (size_t)NPROCS) {
		printf("round %d: children did not start\n", rnd);
		rc = -1;
	}
	close(go[1]);
	for (int i = 0; rc == 0 && i < NPROCS; i++) {
		struct report r;
		if (read_within(res[0], &r, sizeof(r), limit_s * 1000) != sizeof(r)) {
			printf("round %d: a child did not report in time\n", rnd);
			rc = -1;
			break;
		}
		if (r.role == ERASER) {
			rd->erased = r.won;
			snprintf(rd->erase_code, sizeof(rd->erase_code), "%s", r.code);
		} else if (r.role == REACTIVATOR) {
			rd->reactivated = r.won;
			snprintf(rd->reactivate_code, sizeof(rd->reactivate_code), "%s", r.code);
		} else {
			rd->inserts_ok = r.ok;
			refused += r.refused;
		}
		other += r.other;
		if (r.other)
			printf("round %d: %s\n", rnd, r.err);
	}
	reap(pids, started, rc == 0 ? limit_s * 1000 : 0);
	close(ready[0]), close(res[0]);
	erasures += rd->erased, reactivations += rd->reactivated, inserts_ok += rd->inserts_ok;
	return rc;
}

static int verify(struct db *db, struct arena *a, int rnd, const struct round *rd)
{
	struct db_param p[1] = {PINT(rd->id)};
	struct db_res r;
	if (db_exec_params(db, a, SQL_CHECK, &r, p, 1) != ERR_OK || r.nrows != 1) {
		printf("violation: round %d: customer %llu unreadable: %s\n", rnd, rd->id,
		       db_error(db));
		return 1;
	}
	bool active = strcmp(DB_V(&r, 0, 0), "active") == 0;
	bool erased = strcmp(DB_V(&r, 0, 1), "1") == 0;
	const char *first = DB_V(&r, 0, 2), *email = DB_V(&r, 0, 3), *note = DB_V(&r, 0, 4);
	long orders = atol(DB_V(&r, 0, 5)), in_flight = atol(DB_V(&r, 0, 6));
	long erase_rows = atol(DB_V(&r, 0, 7)), react_rows = atol(DB_V(&r, 0, 9));
	const char *erase_out = DB_V(&r, 0, 8), *react_out = DB_V(&r, 0, 10);
	const char *bad[10];
	int nbad = 0;
	if (erased == active || rd->erased + rd->reactivated != 1 || rd->erased != erased)
		bad[nbad++] = "(a) not exactly one of the erasure and the reactivation won";
	if (erased && (strcmp(rd->reactivate_code, "ERASED") != 0 || strcmp(first, "Erased") != 0 ||
	               strstr(email, "@erased.invalid") == NULL || strcmp(note, "") != 0 ||
	               rd->inserts_ok != 0))
		bad[nbad++] = "(b) erased, but not cleanly";
	if (active && (strcmp(rd->erase_code, "CUSTOMER_ACTIVE") != 0 || strcmp(first, "Erase") ||
	               strcmp(note, "race note text") != 0))
		bad[nbad++] = "(c) reactivated, but the erasure changed something";
	if (orders != 1 + rd->inserts_ok || (!active && in_flight != 0))
		bad[nbad++] = "(d) orders lost, made up, or in flight on an inactive customer";
	if (erase_rows != 1 || react_rows != 1 || strcmp(erase_out, rd->erase_code) != 0 ||
	    strcmp(react_out, rd->reactivate_code) != 0)
		bad[nbad++] = "(e) not one audit row per attempt with its outcome";
	for (int i = 0; i < nbad; i++)
		printf(
		    "violation: round %d (customer %llu): %s (status=%s erased=%d first='%s' "
		    "erase=%s/%s reactivate=%s/%s orders=%ld ok=%d in_flight=%ld audits=%ld+%ld)\n",
		    rnd, rd->id, bad[i], DB_V(&r, 0, 0), erased, first, rd->erase_code, erase_out,
		    rd->reactivate_code, react_out, orders, rd->inserts_ok, in_flight, erase_rows,
		    react_rows);
	return nbad;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int rounds = 0, r = 0, violations = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--config") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = atoi(argv[i + 1]);
	}
	char err[256];
	if (path == NULL || rounds < 1) {
		fprintf(stderr, "usage: erase_race --config FILE --rounds N\n");
		return 2;
	}
	if (config_load(path, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "erase_race: %s\n", err);
		return 2;
	}
	limit_s = 3 * cfg.lock_wait_timeout + 2 * cfg.db_connect_timeout + 10;
	snprintf(tag, sizeof(tag), "%x_%lx", (unsigned)getpid(), (unsigned long)time(NULL));
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	struct round *rd = calloc((size_t)rounds, sizeof(*rd));
	if (db == NULL || a == NULL || rd == NULL)
		return 2;
	for (; r < rounds; r++, arena_reset(a))
		if (round_run(db, a, r, &rd[r]) != 0) {
			other++;
			break;
		}
	for (int i = 0; i < r; i++, arena_reset(a))
		violations += verify(db, a, i, &rd[i]);
	int covered = erasures > 0 && reactivations > 0;
	if (!covered)
		printf("erase_race: not both winners seen: the test proves nothing\n");
	printf("erase_race: rounds=%d erased=%d reactivated=%d inserts_ok=%d inserts_refused=%d "
	       "other_errors=%d violations=%d\n",
	       r, erasures, reactivations, inserts_ok, refused, other, violations);
	db_free(db);
	arena_free(a);
	free(rd);
	return violations == 0 && other == 0 && covered ? 0 : 1;
}
