/*
 * actions_race: the actions that clear a deactivation's blockers
 * (domain/actions.c) against each other and against a deactivation, on real
 * parallel connections (issue 14).
 *
 * Six cases. Each round makes fresh records in tenant 1 by SQL, then forks
 * two children (the two operators), released together through a pipe
 * barrier after a random 0-3 ms delay each:
 *   1 return-vs-deactivate: a device's return (its subscription already
 *     ended) against the deactivation of its customer, whose only blocker is
 *     that device. Either the return commits first and the deactivation
 *     succeeds, or the deactivation is refused (CUSTOMER_HAS_UNRETURNED_
 *     DEVICES) and the return still succeeds.
 *   2 cancel-vs-cancel: two operators cancel the same pending order. One
 *     gets "ok", the other ALREADY_CANCELLED; the order is cancelled once,
 *     by the winner.
 *   3 cancel-vs-early-return: a subscription cancel and an early return of
 *     the same subscription (with its device out and two pending payments).
 *     One wins; the status is the winner's; the two pending payments are
 *     cancelled once, the processing and paid ones left alone; the early
 *     return's fee is charged only when it won; the device is coming back.
 *   4 cancel-vs-deactivate: a subscription cancel (no device) against the
 *     deactivation of its customer, whose only blocker it is.
 *   5 return-vs-rental-cancel: a device's return against the cancel of its
 *     active rental. The return is refused (ASSET_IN_USE) when it runs
 *     first and succeeds when it runs after; a refusal audited after the
 *     cancel's row (the audit rows are written under the customer's lock,
 *     so their ids are the order the two ran in) re-checked a stale rental.
 *   6 closure-vs-new-order: a customer with a pending closure request
 *     (domain/closures.c) waits only for a device; one operator records its
 *     return and then works the due closures (closure_work(), as the job
 *     workers do, which run too) while a new order arrives for the
 *     customer. Either the closure completes first and the order is
 *     refused (CUSTOMER_INACTIVE), or the order commits first and the
 *     request stays pending, waiting for it; never both. A completed
 *     request has exactly one 'ok' deactivate audit row, by its requester.
 * After every round, for its customer and records:
 *   - never an inactive customer with a device out, an active subscription
 *     or an order in flight; the deactivation's result matches the status;
 *   - every attempt has exactly one audit row (its actor, action, subject,
 *     customer and outcome), and the round no other;
 *   - customers.mrr_cents and devices_out equal what SQL recomputes from
 *     the subscriptions and assets (the triggers keep them);
 *   - the case's own checks above.
 * Prints per case its rounds, each ordering's count and the violations.
 * Exit 0 only with no violation, no other error, and both orderings of every
 * case seen.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/sql.h"
#include "domain/actions.h"
#include "domain/closures.h"
#include "domain/lifecycle.h"
#include "procs.h"
#include "util/config.h"

#define TENANT 1
#define FEE    2500 /* the early return's fee, in cents */

/* Prepared statements (db_exec_params), never SQL built from data. */
static const char SQL_CUSTOMER[] =
    "INSERT INTO customers (public_id, tenant_id, email, first_name, last_name, created_at,"
    " updated_at) VALUES (?, ?, ?, 'Race', 'Actions', UTC_TIMESTAMP(), UTC_TIMESTAMP())";
/* serial, customer, coming back (its rental already ended) */
static const char SQL_ASSET[] =
    "INSERT INTO assets (serial_number, tenant_id, sku, product_name, status, customer_id,"
    " return_expected_at, created_at) VALUES (?, 1, 'RACE-DEV', 'Race device', 'rented_out', ?,"
    " IF(?, UTC_TIMESTAMP(), NULL), UTC_TIMESTAMP())";
/* public id, customer, serial (or NULL), status, status */
static const char SQL_SUB[] =
    "INSERT INTO subscriptions (public_id, tenant_id, customer_id, asset_serial, status,"
    " monthly_amount, start_date, end_date, created_at)"
    " VALUES (?, 1, ?, ?, ?, 19.99, UTC_DATE() - INTERVAL 3 MONTH,"
    " IF(? = 'active', NULL, UTC_DATE()), UTC_TIMESTAMP())";
/* public id, customer, subscription, status */
static const char SQL_PAYMENT[] =
    "INSERT INTO payments (public_id, tenant_id, customer_id, subscription_id, amount, currency,"
    " status, created_at) VALUES (?, 1, ?, ?, 19.99, 'EUR', ?, UTC_TIMESTAMP())";
static const char SQL_ORDER[] =
    "INSERT INTO orders (public_id, tenant_id, customer_id, status, total, currency, created_at)"
    " VALUES (?, 1, ?, 'pending', 0, 'EUR', UTC_TIMESTAMP())";
static const char SQL_ORDER_LINE[] =
    "INSERT INTO order_items (order_id, kind, sku, product_name, quantity, unit_price,"
    " contract_length) VALUES (?, 'device', 'RACE-DEV', 'Race device', 2, 19.99, 12)";

/* Every round: the customer's status, its aggregates and what SQL recomputes
 * for them, its blockers left, and the round's audit rows (subject the
 * customer or the record). */
static const char SQL_CUSTOMER_CHECK[] =
    "SELECT c.status, c.mrr_cents,"
    " (SELECT COALESCE(SUM(ROUND(s.monthly_amount * 100)), 0) FROM subscriptions s"
    "   WHERE s.customer_id = c.id AND s.status = 'active'),"
    " c.devices_out,"
    " (SELECT COUNT(*) FROM assets x WHERE x.customer_id = c.id AND x.status = 'rented_out'),"
    " (SELECT COUNT(*) FROM subscriptions s WHERE s.customer_id = c.id AND s.status = 'active'),"
    " (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id"
    "   AND o.status IN ('pending','confirmed','partial')),"
    " (SELECT COUNT(*) FROM audit_log l WHERE l.tenant_id = c.tenant_id"
    "   AND l.subject IN (c.public_id, ?, ?)),"
    " (SELECT COUNT(*) FROM audit_log l WHERE l.tenant_id = c.tenant_id"
    "   AND l.action = 'deactivate' AND l.subject = c.public_id AND l.outcome = 'ok')"
    " FROM customers c WHERE c.id = ? AND c.tenant_id = 1";
/* One attempt's audit rows: actor, action, subject, customer, outcome. */
static const char SQL_AUDIT_CHECK[] =
    "SELECT COUNT(*), SUM(l.customer_id <=> ? AND l.outcome = ?), MAX(l.id) FROM audit_log l"
    " WHERE l.tenant_id = 1 AND l.actor = ? AND l.action = ? AND l.subject = ?";
/* case 1: the device */
static const char SQL_ASSET_CHECK[] =
    "SELECT x.status, x.customer_id IS NULL, x.returned_on <=> DATE(x.updated_at),"
    " x.return_expected_at IS NULL, x.return_condition <=> 'good'"
    " FROM assets x WHERE x.serial_number = ?";
/* case 2: the order */
static const char SQL_ORDER_CHECK[] =
    "SELECT o.status, o.cancelled_by, o.cancelled_at IS NOT NULL, o.total,"
    " (SELECT SUM(i.cancelled_quantity) FROM order_items i WHERE i.order_id = o.id)"
    " FROM orders o WHERE o.id = ?";
/* cases 3 and 4: the subscription, its payments, its device */
static const char SQL_SUB_CHECK[] =
    "SELECT s.status, s.end_date IS NOT NULL, s.cancel_reason IS NOT NULL,"
    " s.early_return_fee IS NOT NULL,"
    " (SELECT COUNT(*) FROM payments p WHERE p.subscription_id = s.id"
    "   AND p.status = 'cancelled' AND p.cancelled_at IS NOT NULL),"
    " (SELECT COUNT(*) FROM payments p WHERE p.subscription_id = s.id AND p.status = 'pending'),"
    " (SELECT COUNT(*) FROM payments p WHERE p.subscription_id = s.id AND p.status = 'pending'"
    "   AND p.amount = 25.00),"
    " (SELECT COUNT(*) FROM payments p WHERE p.subscription_id = s.id"
    "   AND p.status IN ('processing','paid')),"
    " x.status, x.customer_id <=> s.customer_id, x.return_expected_at IS NOT NULL"
    " FROM subscriptions s LEFT JOIN assets x ON x.serial_number = s.asset_serial"
    " WHERE s.id = ?";

enum kase {
	CASE_RETURN_DEACT,
	CASE_CANCEL_CANCEL,
	CASE_CANCEL_EARLY,
	CASE_CANCEL_DEACT,
	CASE_RETURN_CANCEL,
	CASE_CLOSURE_ORDER,
	CASE__N
};

struct case_def {
	const char *name;
	const char *ordering[2]; /* what each ordering is called in the summary */
};
static const struct case_def cases[CASE__N] = {
    [CASE_RETURN_DEACT] = {"return-vs-deactivate", {"returned_first", "deactivation_first"}},
    [CASE_CANCEL_CANCEL] = {"cancel-vs-cancel", {"a_won", "b_won"}},
    [CASE_CANCEL_EARLY] = {"cancel-vs-early-return", {"cancel_won", "early_return_won"}},
    [CASE_CANCEL_DEACT] = {"cancel-vs-deactivate", {"cancel_first", "deactivation_first"}},
    [CASE_RETURN_CANCEL] = {"return-vs-rental-cancel", {"cancel_first", "return_first"}},
    [CASE_CLOSURE_ORDER] = {"closure-vs-new-order", {"closure_first", "order_first"}},
};

/* case 6: the request (its state, what it waits for) and its deactivations */
static const char SQL_CLOSURE_CHECK[] =
    "SELECT k.state, COALESCE(k.waiting_for, ''),"
    " (SELECT COUNT(*) FROM audit_log l WHERE l.subject = c.public_id AND l.tenant_id = 1"
    "   AND l.action = 'deactivate' AND l.outcome = 'ok' AND l.actor = 'race-requester'),"
    " (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id)"
    " FROM closure_requests k JOIN customers c ON c.id = k.customer_id WHERE k.public_id = ?";
/* case 6: settled when a worker has looked at it since it became due */
static const char SQL_CLOSURE_SETTLED[] =
    "SELECT state <> 'pending' OR due_at IS NULL FROM closure_requests WHERE public_id = ?";

/* What one child does: a deactivation, or an action. */
struct job {
	bool deactivate;
	bool insert_order;  /* case 6: a new order for the customer (no audit row) */
	bool work_closures; /* case 6: after the action, the due closures, as a job worker */
	long extra_us;      /* waited before the random 0-3 ms: evens out a longer rival */
	struct action_request q;
	const char *actor;
	const char *subject; /* what its audit row names (an order: its id) */
	unsigned long long cid;
	const char *audit_action;
};

struct report { /* one per child, written in one write() (< PIPE_BUF) */
	int role;
	int rc; /* enum err */
	char outcome[80];
	bool changed; /* a deactivation: it deactivated */
	size_t payments_cancelled;
	bool device_coming_back;
	int other;
	char err[200]; /* set with other */
};

/* One round's records. */
struct round {
	unsigned long long cid, rec_id;
	char pub[64], rec[64]; /* the customer's public id; the record's */
	char rec2[64];         /* a second record's, or "" */
	char clo[64];          /* case 6: the closure request */
	struct job job[2];
	struct report rep[2];
};

static struct config cfg;
static char tag[24]; /* pid and time: public ids unique across runs */
static int limit_s;  /* a child's life: its lock waits, retried, and a margin */

static bool is_inactive(const char *outcome)
{
	return strcmp(outcome, "CUSTOMER_INACTIVE") == 0;
}

static void run_job(struct db *db, struct arena *a, int rnd, const struct job *j, struct report *r)
{
	char rid[32];
	snprintf(rid, sizeof(rid), "actions-race-%d", rnd);
	struct actor who = {j->actor, TENANT, CHANNEL_PAGE, rid, 0};
	enum err rc;
	const char *outcome;
	if (j->insert_order) {
		struct db_param p[2] = {PSTR(j->subject), PINT(j->cid)};
		rc = db_exec_params(db, a, SQL_ORDER, NULL, p, 2);
		/* the guard refuses an order for an inactive customer (SIGNAL) */
		outcome = rc == ERR_OK ? "ok"
		          : rc == ERR_SIGNAL && strstr(db_error(db), "CUSTOMER_INACTIVE")
		              ? "CUSTOMER_INACTIVE"
		              : "ERROR";
		if (rc == ERR_SIGNAL && is_inactive(outcome))
			rc = ERR_REFUSED;
	} else if (j->deactivate) {
		struct lifecycle_outcome out = {0};
		rc = lifecycle_deactivate(db, a, &who, j->subject, REASON_DATA_CLEANUP, NULL, &out);
		outcome = out.outcome;
		r->changed = out.changed;
	} else {
		struct action_result out = {0};
		rc = action_run(db, a, &who, &j->q, &out);
		outcome = out.outcome;
		r->payments_cancelled = out.payments_cancelled;
		r->device_coming_back = out.device_coming_back;
		/* then the due closures, until none is (the job workers run too) */
		for (int i = 0; j->work_closures && rc == ERR_OK && i < 50; i++) {
			enum closure_step st = closure_work(db, a);
			if (st == CLOSURE_STEP_IDLE)
				break;
			if (st == CLOSURE_STEP_FAILED)
				sleep_us(20000);
		}
	}
	r->rc = (int)rc;
	snprintf(r->outcome, sizeof(r->outcome), "%s", outcome ? outcome : "-");
	/* ok and refusals are the race's answers; anything else is an error */
	if ((r->other = rc != ERR_OK && rc != ERR_REFUSED))
		snprintf(r->err, sizeof(r->err), "%s gave %d (%s): %s", j->audit_action, (int)rc,
		         r->outcome, db_error(db));
}

/* A child: connect, pass the barrier, wait 0-3 ms, act, report, exit. */
static void child(int role, int rnd, const struct job *j, int ready_w, int go_r, int res_w)
{
	alarm((unsigned)limit_s);
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	struct report r = {.role = role};
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	if ((r.other = db == NULL || a == NULL || db_connect(db) != ERR_OK))
		snprintf(r.err, sizeof(r.err), "connect: %s", db ? db_error(db) : "out of memory");
	char c = 'r';
	if (write(ready_w, &c, 1) != 1 || read(go_r, &c, 1) != 0) /* EOF is the start */
		_exit(2);
	if (!r.other) {
		sleep_us(j->extra_us + rand() % 3001);
		run_job(db, a, rnd, j, &r);
	}
	_exit(write(res_w, &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 2);
}

/* Reaps the children, killing those still there after ms. */
/* Runs the round's two jobs at once; -1 when the harness itself failed. */
static int race(int rnd, struct round *rd)
{
	int ready[2], go[2], res[2], n = 0, rc = 0;
	pid_t pids[2];
	if (pipe(ready) != 0 || pipe(go) != 0 || pipe(res) != 0)
		return -1;
	fflush(stdout);
	for (; n < 2 && (pids[n] = fork()) >= 0; n++) {
		if (pids[n] == 0) {
			close(ready[0]), close(go[1]), close(res[0]);
			child(n, rnd, &rd->job[n], ready[1], go[0], res[1]);
		}
	}
	close(ready[1]), close(go[0]), close(res[1]);
	char buf[2];
	if (n < 2 || read_within(ready[0], buf, 2, limit_s * 1000) != 2) {
		printf("round %d: children did not start\n", rnd);
		rc = -1;
	}
	close(go[1]); /* the start: every child's read() returns 0 */
	for (int i = 0; rc == 0 && i < 2; i++) {
		struct report r;
		if (read_within(res[0], &r, sizeof(r), limit_s * 1000) != sizeof(r) || r.role < 0 ||
		    r.role > 1) {
			printf("round %d: a child did not report in time\n", rnd);
			rc = -1;
			break;
		}
		rd->rep[r.role] = r;
	}
	reap(pids, n, rc == 0 ? limit_s * 1000 : 0);
	close(ready[0]), close(res[0]);
	return rc;
}

/* ---- the records of each case, made by SQL ------------------------------ */

static int exec(struct db *db, struct arena *a, const char *sql, const struct db_param *p, size_t n,
                unsigned long long *id)
{
	if (db_exec_params(db, a, sql, NULL, p, n) != ERR_OK) {
		printf("setup: %s\n", db_error(db));
		return -1;
	}
	if (id != NULL)
		*id = db_insert_id(db);
	return 0;
}

static int make_customer(struct db *db, struct arena *a, int k, int rnd, struct round *rd)
{
	char email[96];
	snprintf(rd->pub, sizeof(rd->pub), "cus_ar_%s_%d_%d", tag, k, rnd);
	snprintf(email, sizeof(email), "ar_%s_%d_%d@example.test", tag, k, rnd);
	struct db_param p[3] = {PSTR(rd->pub), PINT(TENANT), PSTR(email)};
	return exec(db, a, SQL_CUSTOMER, p, 3, &rd->cid);
}

static int make_asset(struct db *db, struct arena *a, const struct round *rd, const char *serial,
                      bool coming_back)
{
	struct db_param p[3] = {PSTR(serial), PINT(rd->cid), PINT(coming_back)};
	return exec(db, a, SQL_ASSET, p, 3, NULL);
}

static int make_sub(struct db *db, struct arena *a, const struct round *rd, const char *id,
                    const char *serial, const char *status, unsigned long long *sid)
{
	struct db_param p[5] = {PSTR(id), PINT(rd->cid), PSTR(serial), PSTR(status), PSTR(status)};
	return exec(db, a, SQL_SUB, p, 5, sid);
}

static int make_payments(struct db *db, struct arena *a, const struct round *rd, int k, int rnd,
                         unsigned long long sid, const char *const *statuses, int n)
{
	for (int i = 0; i < n; i++) {
		char id[64];
		snprintf(id, sizeof(id), "pay_ar_%s_%d_%d_%d", tag, k, rnd, i);
		struct db_param p[4] = {PSTR(id), PINT(rd->cid), PINT(sid), PSTR(statuses[i])};
		if (exec(db, a, SQL_PAYMENT, p, 4, NULL) != 0)
			return -1;
	}
	return 0;
}

static struct job deactivation(const struct round *rd, const char *actor)
{
	return (struct job){
	    .deactivate = true, .actor = actor, .subject = rd->pub, .audit_action = "deactivate"};
}

static struct job action(const struct round *rd, const char *actor, struct action_request q)
{
	q.record = rd->rec;
	struct job j = {.q = q, .actor = actor, .subject = rd->rec};
	j.audit_action = action_audit_name(&j.q);
	return j;
}

static const struct action_request SUB_CANCEL = {.action = ACTION_SUBSCRIPTION_CANCEL,
                                                 .cancel_reason = CANCEL_CUSTOMER_REQUEST,
                                                 .condition = -1,
                                                 .fee_cents = -1};

static const struct action_request DEVICE_RETURN = {.action = ACTION_DEVICE_STATUS,
                                                    .asset_status = ASSET_RETURNED,
                                                    .condition = COND_GOOD,
                                                    .fee_cents = -1};

/* Waits until a worker has looked at the request since it became due
 * (within 20 s: the lease of a claim is 15); -1 when none did. */
static int closure_settle(struct db *db, struct arena *a, const char *clo)
{
	for (int i = 0; i < 400; i++) {
		struct db_res r;
		struct db_param p[1] = {PSTR(clo)};
		if (db_exec_params(db, a, SQL_CLOSURE_SETTLED, &r, p, 1) != ERR_OK || r.nrows != 1)
			break;
		if (strcmp(DB_V(&r, 0, 0), "1") == 0)
			return 0;
		sleep_us(50000);
	}
	printf("setup: closure %s never settled: %s\n", clo, db_error(db));
	return -1;
}

/* The round's records and its two jobs; -1 when they could not be made. */
static int setup(struct db *db, struct arena *a, enum kase k, int rnd, struct round *rd)
{
	static const char *const payments[] = {"pending", "pending", "processing", "paid"};
	char sub[64];
	if (make_customer(db, a, k, rnd, rd) != 0)
		return -1;
	switch (k) {
	case CASE_RETURN_DEACT: /* a device still out, its rental ended */
		snprintf(rd->rec, sizeof(rd->rec), "AR-%s-%d-%d", tag, k, rnd);
		snprintf(sub, sizeof(sub), "sub_ar_%s_%d_%d", tag, k, rnd);
		if (make_asset(db, a, rd, rd->rec, true) != 0 ||
		    make_sub(db, a, rd, sub, rd->rec, "ended_early_return", NULL) != 0)
			return -1;
		rd->job[0] = action(rd, "race-a", DEVICE_RETURN);
		rd->job[1] = deactivation(rd, "race-b");
		return 0;
	case CASE_CANCEL_CANCEL: { /* a pending order of two units */
		snprintf(rd->rec, sizeof(rd->rec), "ord_ar_%s_%d_%d", tag, k, rnd);
		struct db_param p[2] = {PSTR(rd->rec), PINT(rd->cid)};
		if (exec(db, a, SQL_ORDER, p, 2, &rd->rec_id) != 0)
			return -1;
		struct db_param l[1] = {PINT(rd->rec_id)};
		if (exec(db, a, SQL_ORDER_LINE, l, 1, NULL) != 0)
			return -1;
		struct action_request q = {.action = ACTION_ORDER_CANCEL,
		                           .reason = "race",
		                           .condition = -1,
		                           .fee_cents = -1};
		rd->job[0] = action(rd, "race-a", q);
		rd->job[1] = action(rd, "race-b", q);
		return 0;
	}
	case CASE_CANCEL_EARLY: /* an active rental with its device out and payments */
		snprintf(rd->rec, sizeof(rd->rec), "sub_ar_%s_%d_%d", tag, k, rnd);
		snprintf(sub, sizeof(sub), "AR-%s-%d-%d", tag, k, rnd);
		if (make_asset(db, a, rd, sub, false) != 0 ||
		    make_sub(db, a, rd, rd->rec, sub, "active", &rd->rec_id) != 0 ||
		    make_payments(db, a, rd, k, rnd, rd->rec_id, payments, 4) != 0)
			return -1;
		rd->job[0] = action(rd, "race-a", SUB_CANCEL);
		rd->job[1] = action(rd, "race-b",
		                    (struct action_request){.action = ACTION_EARLY_RETURN,
		                                            .reason = "race",
		                                            .condition = COND_GOOD,
		                                            .fee_cents = FEE});
		return 0;
	case CASE_CANCEL_DEACT: /* an active plan without a device, one payment due */
		snprintf(rd->rec, sizeof(rd->rec), "sub_ar_%s_%d_%d", tag, k, rnd);
		if (make_sub(db, a, rd, rd->rec, NULL, "active", &rd->rec_id) != 0 ||
		    make_payments(db, a, rd, k, rnd, rd->rec_id, payments, 1) != 0)
			return -1;
		rd->job[0] = action(rd, "race-a", SUB_CANCEL);
		rd->job[1] = deactivation(rd, "race-b");
		return 0;
	case CASE_RETURN_CANCEL: /* a device out on an active rental */
		snprintf(rd->rec, sizeof(rd->rec), "AR-%s-%d-%d", tag, k, rnd);
		snprintf(rd->rec2, sizeof(rd->rec2), "sub_ar_%s_%d_%d", tag, k, rnd);
		if (make_asset(db, a, rd, rd->rec, false) != 0 ||
		    make_sub(db, a, rd, rd->rec2, rd->rec, "active", &rd->rec_id) != 0)
			return -1;
		rd->job[0] = action(rd, "race-a", DEVICE_RETURN);
		rd->job[1] = action(rd, "race-b", SUB_CANCEL);
		rd->job[1].q.record = rd->job[1].subject = rd->rec2;
		return 0;
	case CASE_CLOSURE_ORDER: { /* a closure request waiting only for a device */
		snprintf(rd->rec, sizeof(rd->rec), "AR-%s-%d-%d", tag, k, rnd);
		snprintf(sub, sizeof(sub), "sub_ar_%s_%d_%d", tag, k, rnd);
		snprintf(rd->rec2, sizeof(rd->rec2), "ord_ar_%s_%d_%d", tag, k, rnd);
		if (make_asset(db, a, rd, rd->rec, true) != 0 ||
		    make_sub(db, a, rd, sub, rd->rec, "cancelled", NULL) != 0)
			return -1;
		struct actor who = {"race-requester", TENANT, CHANNEL_PAGE, "actions-race", 0};
		struct closure_filed f;
		if (closure_file(db, a, &who, rd->pub, REASON_ACCOUNT_CLOSURE, "race", false, &f) !=
		    ERR_OK) {
			printf("setup: closure_file: %s\n", f.outcome ? f.outcome : db_error(db));
			return -1;
		}
		snprintf(rd->clo, sizeof(rd->clo), "%s", f.public_id);
		if (closure_settle(db, a, rd->clo) != 0)
			return -1;
		rd->job[0] = action(rd, "race-a", DEVICE_RETURN);
		rd->job[0].work_closures = true;
		rd->job[1] = (struct job){.insert_order = true,
		                          .actor = "race-b",
		                          .subject = rd->rec2,
		                          .cid = rd->cid,
		                          /* the return, a claim and the deactivation take longer
		                           * than one insert, by how much depends on the build
		                           * (a sanitizer's is several times slower): the insert
		                           * waits 3 to 31 ms, swept over the rounds, so that both
		                           * orderings come on any machine, the nearest ones
		                           * racing for real */
		                          .extra_us = 3000 + (rnd % 8) * 4000L,
		                          .audit_action = "order"};
		return 0;
	}
	default: return -1;
	}
}

/* ---- the checks --------------------------------------------------------- */

struct verdict {
	const char *bad[16];
	int n;
};

static void expect(struct verdict *v, bool ok, const char *what)
{
	if (!ok && v->n < (int)(sizeof(v->bad) / sizeof(v->bad[0])))
		v->bad[v->n++] = what;
}

static bool is(const char *s, const char *want)
{
	return s != NULL && strcmp(s, want) == 0;
}

/* Runs a check query with one integer or text key; false when unreadable. */
static bool query(struct db *db, struct arena *a, const char *sql, const struct db_param *p,
                  size_t n, struct db_res *r)
{
	return db_exec_params(db, a, sql, r, p, n) == ERR_OK && r->nrows == 1;
}

/* Which ordering the round showed (0 or 1), -1 when neither. */
static int ordering(enum kase k, const struct round *rd)
{
	const struct report *r = rd->rep;
	switch (k) {
	case CASE_RETURN_DEACT:
		return r[1].rc == ERR_OK && r[1].changed                     ? 0
		       : is(r[1].outcome, "CUSTOMER_HAS_UNRETURNED_DEVICES") ? 1
		                                                             : -1;
	case CASE_CANCEL_CANCEL:
	case CASE_CANCEL_EARLY:
		return is(r[0].outcome, "ok") == is(r[1].outcome, "ok") ? -1
		       : is(r[0].outcome, "ok")                         ? 0
		                                                        : 1;
	case CASE_CANCEL_DEACT:
		return r[1].rc == ERR_OK && r[1].changed                       ? 0
		       : is(r[1].outcome, "CUSTOMER_HAS_ACTIVE_SUBSCRIPTIONS") ? 1
		                                                               : -1;
	case CASE_CLOSURE_ORDER:
		return !is(r[0].outcome, "ok")                 ? -1
		       : is(r[1].outcome, "CUSTOMER_INACTIVE") ? 0
		       : is(r[1].outcome, "ok")                ? 1
		                                               : -1;
	case CASE_RETURN_CANCEL:
		return !is(r[1].outcome, "ok")            ? -1
		       : is(r[0].outcome, "ok")           ? 0
		       : is(r[0].outcome, "ASSET_IN_USE") ? 1
		                                          : -1;
	default: return -1;
	}
}

/* The case's own checks on its record. */
static void verify_record(struct db *db, struct arena *a, enum kase k, const struct round *rd,
                          int won, const unsigned long long *audit_id, struct verdict *v)
{
	const struct report *r = rd->rep;
	struct db_res x;
	switch (k) {
	case CASE_RETURN_DEACT: {
		expect(v, is(r[0].outcome, "ok"), "the return was not ok in either ordering");
		struct db_param p[1] = {PSTR(rd->rec)};
		if (!query(db, a, SQL_ASSET_CHECK, p, 1, &x)) {
			expect(v, false, "the device is unreadable");
			return;
		}
		expect(v, is(DB_V(&x, 0, 0), "returned") && is(DB_V(&x, 0, 1), "1"),
		       "the device is not returned and off the customer");
		expect(v, is(DB_V(&x, 0, 2), "1") && is(DB_V(&x, 0, 4), "1"),
		       "the return's day or condition is not recorded");
		expect(v, is(DB_V(&x, 0, 3), "1"), "the returned device is still expected back");
		return;
	}
	case CASE_CANCEL_CANCEL: {
		expect(v, won < 0 || is(r[1 - won].outcome, "ALREADY_CANCELLED"),
		       "the loser's outcome is not ALREADY_CANCELLED");
		struct db_param p[1] = {PINT(rd->rec_id)};
		if (!query(db, a, SQL_ORDER_CHECK, p, 1, &x)) {
			expect(v, false, "the order is unreadable");
			return;
		}
		expect(v, is(DB_V(&x, 0, 0), "cancelled") && is(DB_V(&x, 0, 2), "1"),
		       "the order is not cancelled");
		expect(v, won < 0 || is(DB_V(&x, 0, 1), rd->job[won].actor),
		       "the order's cancelled_by is not the winner");
		expect(v, is(DB_V(&x, 0, 3), "39.98") && is(DB_V(&x, 0, 4), "0"),
		       "the cancelled order's lines or total changed");
		return;
	}
	case CASE_CANCEL_EARLY:
	case CASE_CANCEL_DEACT: {
		bool early = k == CASE_CANCEL_EARLY && won == 1;
		int pending = k == CASE_CANCEL_EARLY ? 2 : 1;
		const struct report *w = k == CASE_CANCEL_DEACT ? &r[0] : won >= 0 ? &r[won] : NULL;
		if (k == CASE_CANCEL_EARLY)
			expect(v,
			       won < 0 ||
			           is(r[1 - won].outcome,
			              won == 0 ? "SUBSCRIPTION_NOT_ACTIVE" : "ALREADY_ENDED"),
			       "the loser's outcome is not the refusal of an ended subscription");
		else
			expect(v, is(r[0].outcome, "ok"),
			       "the cancel was not ok in either ordering");
		expect(v, w == NULL || (w->payments_cancelled == (size_t)pending),
		       "the winner did not report the pending payments cancelled");
		expect(v, w == NULL || w->device_coming_back == (k == CASE_CANCEL_EARLY),
		       "the winner's device_coming_back is wrong");
		struct db_param p[1] = {PINT(rd->rec_id)};
		if (!query(db, a, SQL_SUB_CHECK, p, 1, &x)) {
			expect(v, false, "the subscription is unreadable");
			return;
		}
		expect(v, is(DB_V(&x, 0, 0), early ? "ended_early_return" : "cancelled"),
		       "the subscription's status is not the winner's");
		expect(v, is(DB_V(&x, 0, 1), "1"), "the subscription has no end date");
		expect(v,
		       is(DB_V(&x, 0, 2), early ? "0" : "1") &&
		           is(DB_V(&x, 0, 3), early ? "1" : "0"),
		       "the subscription carries the loser's details");
		expect(v, atoi(DB_V(&x, 0, 4)) == pending,
		       "the pending payments were not cancelled exactly once");
		expect(
		    v, atoi(DB_V(&x, 0, 5)) == early && atoi(DB_V(&x, 0, 6)) == early,
		    "a pending payment left, or the fee charged without the early return winning");
		expect(v, k == CASE_CANCEL_DEACT || atoi(DB_V(&x, 0, 7)) == 2,
		       "a processing or paid payment changed");
		if (k == CASE_CANCEL_EARLY)
			expect(v,
			       is(DB_V(&x, 0, 8), "rented_out") && is(DB_V(&x, 0, 9), "1") &&
			           is(DB_V(&x, 0, 10), "1"),
			       "the device is not marked coming back");
		return;
	}
	case CASE_RETURN_CANCEL: {
		/* The audit rows are written under the customer's lock, so their
		 * ids are the order the two transactions ran in. */
		expect(v, won != 1 || audit_id[0] < audit_id[1],
		       "the return was refused for a rental that had ended before it ran");
		struct db_param p[1] = {PSTR(rd->rec)};
		if (!query(db, a, SQL_ASSET_CHECK, p, 1, &x)) {
			expect(v, false, "the device is unreadable");
			return;
		}
		if (won == 0)
			expect(v, is(DB_V(&x, 0, 0), "returned") && is(DB_V(&x, 0, 1), "1"),
			       "the device is not returned and off the customer");
		if (won == 1)
			expect(v, is(DB_V(&x, 0, 0), "rented_out") && !is(DB_V(&x, 0, 3), "1"),
			       "the refused return's device is not out and coming back");
		struct db_param s[1] = {PINT(rd->rec_id)};
		expect(v, query(db, a, SQL_SUB_CHECK, s, 1, &x) && is(DB_V(&x, 0, 0), "cancelled"),
		       "the rental is not cancelled");
		return;
	}
	case CASE_CLOSURE_ORDER: {
		struct db_param p[1] = {PSTR(rd->clo)};
		if (!query(db, a, SQL_CLOSURE_CHECK, p, 1, &x)) {
			expect(v, false, "the closure request is unreadable");
			return;
		}
		bool done = is(DB_V(&x, 0, 0), "done");
		expect(v, won != 0 || (done && is(DB_V(&x, 0, 2), "1")),
		       "the order was refused but the closure did not complete exactly once");
		expect(v, won != 1 || (is(DB_V(&x, 0, 0), "pending") && is(DB_V(&x, 0, 2), "0")),
		       "the order came first but the closure completed anyway");
		expect(v, won != 1 || strstr(DB_V(&x, 0, 1), "CUSTOMER_HAS_PENDING_ORDERS") != NULL,
		       "the pending request does not say it waits for the new order");
		expect(v, atoi(DB_V(&x, 0, 3)) == (won == 1),
		       "the orders stored are not the one accepted");
		return;
	}
	default: return;
	}
}

/* Checks one round; returns the number of violations (printed). */
static int verify(struct db *db, struct arena *a, enum kase k, int rnd, const struct round *rd,
                  int won)
{
	struct verdict v = {0};
	struct db_res c;
	if (k == CASE_CLOSURE_ORDER && closure_settle(db, a, rd->clo) != 0)
		return 1;
	/* no second record: NULL, which matches no subject (other tests write
	 * audit rows whose subject is "", e.g. a refused bulk apply) */
	struct db_param p[3] = {PSTR(rd->rec),
	                        rd->rec2[0] ? PSTR(rd->rec2)
	                                    : (struct db_param){.type = DB_P_STR, .null = true},
	                        PINT(rd->cid)};
	if (!query(db, a, SQL_CUSTOMER_CHECK, p, 3, &c)) {
		printf("violation: %s round %d: customer %llu unreadable: %s\n", cases[k].name, rnd,
		       rd->cid, db_error(db));
		return 1;
	}
	bool inactive = is(DB_V(&c, 0, 0), "inactive");
	long devices = atol(DB_V(&c, 0, 4)), subs = atol(DB_V(&c, 0, 5)),
	     orders = atol(DB_V(&c, 0, 6));
	expect(&v, won >= 0, "neither ordering: an unexpected pair of outcomes");
	expect(&v, !(inactive && devices > 0), "inactive with a device out");
	expect(&v, !(inactive && subs > 0), "inactive with an active subscription");
	expect(&v, !(inactive && orders > 0), "inactive with an order in flight");
	expect(&v, is(DB_V(&c, 0, 1), DB_V(&c, 0, 2)),
	       "mrr_cents differs from what SQL recomputes");
	expect(&v, is(DB_V(&c, 0, 3), DB_V(&c, 0, 4)),
	       "devices_out differs from what SQL recomputes");
	/* case 6: the return's row, and the closure's deactivation when it completed
	 * (the order writes none) */
	long rows = k == CASE_CLOSURE_ORDER ? 1 + inactive : 2;
	expect(&v, atol(DB_V(&c, 0, 7)) == rows, "the round's audit rows are not one per attempt");
	bool deactivated = false;
	unsigned long long audit_id[2] = {0, 0};
	for (int i = 0; i < 2; i++) {
		const struct job *j = &rd->job[i];
		const struct report *r = &rd->rep[i];
		if (j->insert_order)
			continue;
		struct db_param q[5] = {PINT(rd->cid), PSTR(r->outcome), PSTR(j->actor),
		                        PSTR(j->audit_action), PSTR(j->subject)};
		struct db_res x;
		expect(&v,
		       query(db, a, SQL_AUDIT_CHECK, q, 5, &x) && is(DB_V(&x, 0, 0), "1") &&
		           is(DB_V(&x, 0, 1), "1"),
		       "an attempt has not exactly one audit row with its customer and outcome");
		if (x.nrows == 1 && DB_V(&x, 0, 2) != NULL)
			audit_id[i] = strtoull(DB_V(&x, 0, 2), NULL, 10);
		deactivated |= j->deactivate && r->rc == ERR_OK && r->changed;
	}
	if (k != CASE_CLOSURE_ORDER) /* there the closure deactivates: verify_record() */
		expect(&v, deactivated == inactive,
		       "the deactivation's result does not match the status");
	expect(&v, atol(DB_V(&c, 0, 8)) == inactive,
	       "'ok' deactivate audit rows do not match the status");
	verify_record(db, a, k, rd, won, audit_id, &v);
	for (int i = 0; i < v.n; i++)
		printf("violation: %s round %d customer %s: %s (a=%s b=%s customer=%s)\n",
		       cases[k].name, rnd, rd->pub, v.bad[i], rd->rep[0].outcome,
		       rd->rep[1].outcome, DB_V(&c, 0, 0));
	return v.n;
}

/* One case, many rounds; returns the number of failures (violations, errors,
 * an ordering never seen). */
static int run_case(struct db *db, struct arena *a, enum kase k, int rounds)
{
	int seen[2] = {0, 0}, violations = 0, other = 0, r = 0;
	for (; r < rounds; r++, arena_reset(a)) {
		struct round rd = {0};
		if (setup(db, a, k, r, &rd) != 0 || race(r, &rd) != 0) {
			other++;
			break;
		}
		for (int i = 0; i < 2; i++)
			if (rd.rep[i].other) {
				printf("%s round %d: %s\n", cases[k].name, r, rd.rep[i].err);
				other++;
			}
		int won = ordering(k, &rd);
		if (won >= 0)
			seen[won]++;
		violations += verify(db, a, k, r, &rd, won);
	}
	bool covered = seen[0] > 0 && seen[1] > 0;
	if (!covered)
		printf("actions_race: %s: not both orderings seen: the case proves nothing\n",
		       cases[k].name);
	printf("actions_race: case=%s rounds=%d %s=%d %s=%d other_errors=%d violations=%d\n",
	       cases[k].name, r, cases[k].ordering[0], seen[0], cases[k].ordering[1], seen[1],
	       other, violations);
	return violations + other + !covered;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int rounds = 0, only = -1, failures = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--config") == 0)
			path = argv[i + 1];
		else if (strcmp(argv[i], "--rounds") == 0)
			rounds = atoi(argv[i + 1]);
		else if (strcmp(argv[i], "--case") == 0)
			only = atoi(argv[i + 1]);
	}
	char err[256];
	if (path == NULL || rounds < 1 || (only != -1 && (only < 1 || only > CASE__N))) {
		fprintf(stderr, "usage: actions_race --config FILE --rounds N [--case 1-%d]\n",
		        CASE__N);
		return 2;
	} else if (config_load(path, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "actions_race: %s\n", err);
		return 2;
	}
	limit_s = 3 * cfg.lock_wait_timeout + 2 * cfg.db_connect_timeout + 10;
	snprintf(tag, sizeof(tag), "%x_%lx", (unsigned)getpid(), (unsigned long)time(NULL));
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	if (db == NULL || a == NULL)
		return 2;
	for (int k = 0; k < CASE__N; k++)
		if (only == -1 || only == k + 1)
			failures += run_case(db, a, (enum kase)k, rounds);
	db_free(db);
	arena_free(a);
	return failures == 0 ? 0 : 1;
}
