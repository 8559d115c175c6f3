#include "db/db.h"

#include <errmsg.h>
#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/sql.h"
#include "db/stmt_cache.h"
#include "util/log.h"
#include "util/metrics.h"

#define DB_MAX_PARAMS 4096 /* bulk inserts bind 4 x 500 */
#define DB_FMT_PARAMS 48   /* db_exec() formats */

/* A connection and the statements prepared on it, by their SQL text. */
struct conn {
	MYSQL *m;
	struct stmt_cache *stmts;
	int endpoint;  /* the endpoint in use */
	int preferred; /* the endpoint tried first */
	int avoid;     /* the endpoint that just failed: tried last (-1: none) */
	time_t connected_at;
	bool reads;  /* the read connection (db_read_spread) */
	bool opened; /* connected once already: the next is a reconnect */
};

struct db {
	const struct config *cfg;
	struct conn w; /* writes, transactions, and every read unless spread */
	struct conn r; /* reads outside transactions when db_read_spread is on */
	bool in_tx;
	bool no_server; /* the last statement found no endpoint that answered */
	unsigned err;
	char errmsg[256];
	unsigned long long affected;
	unsigned long long insert_id;
	unsigned queries;
	double wait_ms;
	bool explain;
	struct db_res plan; /* explain mode: the last statement's plan */
};

/* The SQL of every named statement, gathered from the family files. */
static const char *stmt_text[STMT__MAX];

static void sql_table_load(void)
{
	static bool loaded;
	if (loaded)
		return;
	const struct {
		const struct stmt_sql *t;
		size_t n;
	} families[] = {
	    {db_sql_session, db_sql_session_n},     {db_sql_tenants, db_sql_tenants_n},
	    {db_sql_customers, db_sql_customers_n}, {db_sql_records, db_sql_records_n},
	    {db_sql_retention, db_sql_retention_n}, {db_sql_audit, db_sql_audit_n},
	    {db_sql_notes, db_sql_notes_n},         {db_sql_bulk, db_sql_bulk_n},
	    {db_sql_actions, db_sql_actions_n},     {db_sql_closures, db_sql_closures_n},
	    {db_sql_merge, db_sql_merge_n},         {db_sql_webhooks, db_sql_webhooks_n},
	    {db_sql_erasure, db_sql_erasure_n},     {db_sql_ops, db_sql_ops_n},
	    {db_sql_operators, db_sql_operators_n},
	};
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++)
		for (size_t i = 0; i < families[f].n; i++) {
			const struct stmt_sql *s = &families[f].t[i];
			if (stmt_text[s->id] != NULL)
				log_error("statement %d defined twice", (int)s->id);
			stmt_text[s->id] = s->sql;
		}
	for (int i = 0; i < STMT__MAX; i++)
		if (stmt_text[i] == NULL)
			log_error("statement %d has no SQL", i);
	loaded = true;
}

const char *db_stmt_sql(enum stmt id)
{
	sql_table_load();
	return stmt_text[id];
}

static void close_stmt(void *st)
{
	mysql_stmt_close(st);
}

struct db *db_new(const struct config *cfg)
{
	struct db *db = calloc(1, sizeof(*db));
	if (db == NULL)
		return NULL;
	db->cfg = cfg;
	size_t cap = cfg->db_statement_cache > 0 ? (size_t)cfg->db_statement_cache : 128;
	db->w.stmts = stmt_cache_new(cap, close_stmt, NULL);
	db->r.stmts = stmt_cache_new(cap, close_stmt, NULL);
	if (db->w.stmts == NULL || db->r.stmts == NULL) {
		stmt_cache_free(db->w.stmts);
		stmt_cache_free(db->r.stmts);
		free(db);
		return NULL;
	}
	/* Writes prefer the first endpoint (one writer at a time avoids
	 * certification conflicts on Galera); spread reads start from an
	 * endpoint chosen by process so the workers share the nodes. */
	db->w.preferred = 0;
	db->r.preferred = cfg->ndb > 0 ? (int)(getpid() % cfg->ndb) : 0;
	db->r.reads = true;
	db->w.avoid = db->r.avoid = -1;
	sql_table_load();
	return db;
}

static void conn_close(struct conn *c)
{
	stmt_cache_clear(c->stmts);
	if (c->m != NULL)
		mysql_close(c->m);
	c->m = NULL;
}

void db_free(struct db *db)
{
	if (db == NULL)
		return;
	conn_close(&db->w);
	conn_close(&db->r);
	stmt_cache_free(db->w.stmts);
	stmt_cache_free(db->r.stmts);
	free(db);
}

static void set_error(struct db *db, unsigned err, const char *msg)
{
	db->err = err;
	snprintf(db->errmsg, sizeof(db->errmsg), "%s", msg ? msg : "");
}

/* Classifies a server or client error number. */
static enum err classify(unsigned err)
{
	switch (err) {
	case ER_LOCK_DEADLOCK:
	case ER_LOCK_WAIT_TIMEOUT: return ERR_RETRY;
	case ER_SIGNAL_EXCEPTION: return ERR_SIGNAL;
	case ER_DUP_ENTRY: return ERR_DUPLICATE;
	case CR_SERVER_GONE_ERROR:
	case CR_SERVER_LOST:
	case CR_CONNECTION_ERROR:
	case CR_CONN_HOST_ERROR:
	case CR_UNKNOWN_HOST:
	case CR_COMMANDS_OUT_OF_SYNC:
	case ER_SERVER_SHUTDOWN:
	case ER_CONNECTION_KILLED:
	case ER_QUERY_INTERRUPTED:
	case ER_STATEMENT_TIMEOUT:
	case ER_UNKNOWN_COM_ERROR: /* Galera node not ready (WSREP) */
	case ER_CON_COUNT_ERROR:
	case ER_TOO_MANY_USER_CONNECTIONS: return ERR_UNAVAILABLE;
	default:
		/* Client-side errors (2000-2999) mean the link is unusable. */
		if (err >= 2000 && err < 3000)
			return ERR_UNAVAILABLE;
		return ERR_INTERNAL;
	}
}

static enum err connect_endpoint(struct db *db, struct conn *c, const struct db_endpoint *e)
{
	const struct config *cfg = db->cfg;
	MYSQL *m = mysql_init(NULL);
	if (m == NULL)
		return ERR_UNAVAILABLE;
	unsigned int ct = (unsigned)cfg->db_connect_timeout;
	unsigned int rw = (unsigned)cfg->db_rw_timeout;
	my_bool off = 0;
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	mysql_options(m, MYSQL_OPT_RECONNECT, &off);
	mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	const char *host = e->socket[0] ? "localhost" : e->host;
	if (mysql_real_connect(m, host, cfg->db_user, cfg->db_password, cfg->db_name,
	                       e->port ? e->port : 3306, e->socket[0] ? e->socket : NULL,
	                       0) == NULL) {
		set_error(db, mysql_errno(m), mysql_error(m));
		mysql_close(m);
		return ERR_UNAVAILABLE;
	}
	c->m = m;
	c->connected_at = time(NULL);
	if (c->opened)
		metrics_db(METRICS_DB_RECONNECT);
	c->opened = true;
	return ERR_OK;
}

static enum err run_once(struct db *db, struct conn *c, struct arena *a, const char *sql,
                         bool cached, struct db_res *out, const struct db_param *p, size_t n);

static enum err session_setup(struct db *db, struct conn *c)
{
	struct arena *a = arena_new();
	if (a == NULL)
		return ERR_UNAVAILABLE;
	struct db_param p = {.type = DB_P_INT, .i = db->cfg->lock_wait_timeout};
	enum err rc = run_once(db, c, a, stmt_text[STMT_SESSION_LOCK_WAIT], true, NULL, &p, 1);
	/* Galera: causal reads on both connections (a page read on one node
	 * right after a write on another sees the write). */
	if (rc == ERR_OK && db->cfg->db_sync_wait > 0) {
		p.i = db->cfg->db_sync_wait;
		rc = run_once(db, c, a, stmt_text[STMT_SESSION_SYNC_WAIT], true, NULL, &p, 1);
	}
	arena_free(a);
	return rc;
}

/* A Galera node under a cross-node conflict load has been seen to answer
 * a deadlock error to the first statement of every session it gave one
 * of its cached threads, connection after connection (the cross-node race
 * test, rarely). While that connection stays open, a new one is given
 * another thread: one more try on the same endpoint, then the first is
 * closed. True when c is then connected and set up. */
static bool setup_again(struct db *db, struct conn *c, int idx)
{
	if (db->err != ER_LOCK_DEADLOCK)
		return false;
	log_error("session setup on endpoint %d refused with a deadlock error; "
	          "trying a second connection",
	          idx + 1);
	stmt_cache_clear(c->stmts);
	MYSQL *held = c->m;
	c->m = NULL;
	bool ok = connect_endpoint(db, c, &db->cfg->db[idx]) == ERR_OK;
	if (ok)
		c->endpoint = idx;
	ok = ok && session_setup(db, c) == ERR_OK;
	mysql_close(held);
	return ok;
}

/* Connects c to the first endpoint that answers, from its preferred one.
 * The endpoint that just failed is tried last: a Galera node on its way
 * down still takes connections, then refuses their statements. */
static enum err conn_open(struct db *db, struct conn *c)
{
	if (c->m != NULL)
		return ERR_OK;
	int n = db->cfg->ndb;
	/* The endpoint to try last, as it was when this call began: a failed
	 * session setup below moves c->avoid to the endpoint it failed on. */
	int last = c->avoid;
	bool avoid = n > 1 && last >= 0;
	for (int i = 0; i < n + avoid; i++) {
		int idx = i < n ? (c->preferred + i) % n : last;
		if (i < n && avoid && idx == last)
			continue;
		if (connect_endpoint(db, c, &db->cfg->db[idx]) != ERR_OK)
			continue;
		c->endpoint = idx;
		if (session_setup(db, c) == ERR_OK || setup_again(db, c, idx)) {
			c->avoid = -1;
			return ERR_OK;
		}
		conn_close(c);
	}
	return ERR_UNAVAILABLE;
}

enum err db_connect(struct db *db)
{
	return conn_open(db, &db->w);
}

/* A statement prepared from sql on connection c: the cached one, or a new
 * one (then cached when cached is true; otherwise the caller closes it). */
static MYSQL_STMT *prepare(struct db *db, struct conn *c, const char *sql, bool cached)
{
	MYSQL_STMT *st = cached ? stmt_cache_get(c->stmts, sql) : NULL;
	if (st != NULL)
		return st;
	st = mysql_stmt_init(c->m);
	if (st == NULL) {
		set_error(db, CR_OUT_OF_MEMORY, "out of memory");
		return NULL;
	}
	my_bool on = 1;
	mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on);
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql)) != 0) {
		set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
		if (classify(db->err) == ERR_INTERNAL)
			log_error("prepare failed: %s: %s", db->errmsg, sql);
		mysql_stmt_close(st);
		return NULL;
	}
	if (cached && stmt_cache_put(c->stmts, sql, st) != 0) {
		set_error(db, CR_OUT_OF_MEMORY, "out of memory");
		return NULL;
	}
	return st;
}

struct param_store {
	MYSQL_BIND *bind;
	unsigned long *lens;
	my_bool *nulls;
};

static int bind_params(struct arena *a, struct param_store *ps, const struct db_param *p, size_t n)
{
	if (n > DB_MAX_PARAMS)
		return -1;
	ps->bind = arena_calloc(a, n + 1, sizeof(MYSQL_BIND));
	ps->lens = arena_calloc(a, n + 1, sizeof(unsigned long));
	ps->nulls = arena_calloc(a, n + 1, sizeof(my_bool));
	for (size_t i = 0; i < n; i++) {
		MYSQL_BIND *b = &ps->bind[i];
		ps->nulls[i] = p[i].null;
		b->is_null = &ps->nulls[i];
		switch (p[i].type) {
		case DB_P_STR:
			b->buffer_type = MYSQL_TYPE_STRING;
			if (p[i].s == NULL) {
				ps->nulls[i] = 1;
				break;
			}
			b->buffer = (void *)(uintptr_t)p[i].s;
			ps->lens[i] = (unsigned long)strlen(p[i].s);
			b->buffer_length = ps->lens[i];
			b->length = &ps->lens[i];
			break;
		case DB_P_INT:
		case DB_P_UINT:
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = (void *)(uintptr_t)&p[i].i;
			b->is_unsigned = p[i].type == DB_P_UINT;
			break;
		case DB_P_DOUBLE:
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			b->buffer = (void *)(uintptr_t)&p[i].d;
			break;
		default: return -1;
		}
	}
	return 0;
}

/* Converts a db_exec() format and its arguments into parameters. */
static size_t params_from_fmt(struct db_param *p, const char *fmt, va_list ap)
{
	size_t n = 0;
	for (; fmt[n] != '\0' && n < DB_FMT_PARAMS; n++) {
		memset(&p[n], 0, sizeof(p[n]));
		switch (fmt[n]) {
		case 's':
			p[n].type = DB_P_STR;
			p[n].s = va_arg(ap, const char *);
			p[n].null = p[n].s == NULL;
			break;
		case 'i':
			p[n].type = DB_P_INT;
			p[n].i = va_arg(ap, long long);
			break;
		case 'u':
			p[n].type = DB_P_UINT;
			p[n].i = (long long)va_arg(ap, unsigned long long);
			break;
		case 'I': {
			const long long *v = va_arg(ap, const long long *);
			p[n].type = DB_P_INT;
			p[n].null = v == NULL;
			p[n].i = v ? *v : 0;
			break;
		}
		case 'd':
			p[n].type = DB_P_DOUBLE;
			p[n].d = va_arg(ap, double);
			break;
		default: p[n].type = DB_P_INVALID; break;
		}
	}
	return n;
}

static enum err fail(struct db *db, MYSQL_STMT *st)
{
	set_error(db, mysql_stmt_errno(st), mysql_stmt_error(st));
	enum err rc = classify(db->err);
	if (rc == ERR_INTERNAL)
		log_error("query failed: %u %s", db->err, db->errmsg);
	return rc;
}

/* Fetches every row of st into out, all values as text. */
static enum err fetch_all(struct db *db, struct arena *a, MYSQL_STMT *st, struct db_res *out)
{
	if (mysql_stmt_store_result(st) != 0)
		return fail(db, st);
	MYSQL_RES *meta = mysql_stmt_result_metadata(st);
	if (meta == NULL) {
		mysql_stmt_free_result(st);
		return ERR_OK;
	}
	size_t ncols = mysql_num_fields(meta);
	size_t nrows = (size_t)mysql_stmt_num_rows(st);
	MYSQL_FIELD *fields = mysql_fetch_fields(meta);
	MYSQL_BIND *bind = arena_calloc(a, ncols, sizeof(MYSQL_BIND));
	unsigned long *lens = arena_calloc(a, ncols, sizeof(unsigned long));
	my_bool *nulls = arena_calloc(a, ncols, sizeof(my_bool));
	my_bool *errs = arena_calloc(a, ncols, sizeof(my_bool));
	char **bufs = arena_calloc(a, ncols, sizeof(char *));
	for (size_t c = 0; c < ncols; c++) {
		unsigned long size = fields[c].max_length;
		if (size < 64)
			size = 64;
		bufs[c] = arena_alloc(a, size + 1);
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer = bufs[c];
		bind[c].buffer_length = size + 1;
		bind[c].length = &lens[c];
		bind[c].is_null = &nulls[c];
		bind[c].error = &errs[c];
	}
	mysql_free_result(meta);
	if (mysql_stmt_bind_result(st, bind) != 0) {
		enum err rc = fail(db, st);
		mysql_stmt_free_result(st);
		return rc;
	}
	out->ncols = ncols;
	out->nrows = 0;
	out->v = arena_alloc(a, sizeof(char *) * (nrows * ncols + 1));
	out->len = arena_alloc(a, sizeof(unsigned long) * (nrows * ncols + 1));
	int r;
	while ((r = mysql_stmt_fetch(st)) == 0 || r == MYSQL_DATA_TRUNCATED) {
		if (out->nrows >= nrows)
			break;
		for (size_t c = 0; c < ncols; c++) {
			size_t i = out->nrows * ncols + c;
			if (nulls[c]) {
				out->v[i] = NULL;
				out->len[i] = 0;
				continue;
			}
			if (lens[c] < bind[c].buffer_length) {
				out->v[i] = arena_strndup(a, bufs[c], lens[c]);
			} else {
				/* Longer than the buffer: fetch the whole value. */
				char *big = arena_alloc(a, lens[c] + 1);
				MYSQL_BIND one;
				memset(&one, 0, sizeof(one));
				unsigned long got = 0;
				one.buffer_type = MYSQL_TYPE_STRING;
				one.buffer = big;
				one.buffer_length = lens[c] + 1;
				one.length = &got;
				if (mysql_stmt_fetch_column(st, &one, (unsigned)c, 0) != 0)
					got = 0;
				big[got < lens[c] ? got : lens[c]] = '\0';
				out->v[i] = big;
			}
			out->len[i] = lens[c];
		}
		out->nrows++;
	}
	enum err rc = ERR_OK;
	if (r == 1)
		rc = fail(db, st);
	mysql_stmt_free_result(st);
	return rc;
}

static enum err execute(struct db *db, struct conn *c, struct arena *a, MYSQL_STMT *st,
                        const char *sql, struct db_res *out, const struct db_param *p, size_t n)
{
	struct param_store ps;
	if (bind_params(a, &ps, p, n) != 0) {
		log_error("bad parameters for: %s", sql);
		return ERR_INTERNAL;
	}
	if (mysql_stmt_param_count(st) != n) {
		log_error("statement wants %lu parameters, got %zu: %s", mysql_stmt_param_count(st),
		          n, sql);
		return ERR_INTERNAL;
	}
	if (n > 0 && mysql_stmt_bind_param(st, ps.bind) != 0)
		return fail(db, st);
	if (mysql_stmt_execute(st) != 0)
		return fail(db, st);
	db->affected = (unsigned long long)mysql_stmt_affected_rows(st);
	db->insert_id = (unsigned long long)mysql_stmt_insert_id(st);
	if (mysql_stmt_field_count(st) == 0)
		return ERR_OK;
	struct db_res scratch;
	return fetch_all(db, a, st, out ? out : &scratch);
}

/* Runs sql once on c: prepared (from the cache when cached), executed,
 * its rows fetched. A lost connection is closed with its statements. */
static enum err run_once(struct db *db, struct conn *c, struct arena *a, const char *sql,
                         bool cached, struct db_res *out, const struct db_param *p, size_t n)
{
	db->no_server = false;
	if (conn_open(db, c) != ERR_OK) {
		db->no_server = true;
		return ERR_UNAVAILABLE;
	}
	MYSQL_STMT *st = prepare(db, c, sql, cached);
	if (st == NULL) {
		enum err rc = classify(db->err);
		if (rc == ERR_UNAVAILABLE) {
			c->avoid = c->endpoint;
			conn_close(c);
		}
		return rc;
	}
	enum err rc = execute(db, c, a, st, sql, out, p, n);
	if (rc == ERR_RETRY)
		metrics_db(db->err == ER_LOCK_WAIT_TIMEOUT ? METRICS_DB_LOCK_TIMEOUT
		                                           : METRICS_DB_DEADLOCK);
	if (!cached)
		mysql_stmt_close(st);
	else if (db->err == ER_NEED_REPREPARE && rc != ERR_OK)
		stmt_cache_drop(c->stmts, sql);
	if (rc == ERR_UNAVAILABLE) {
		c->avoid = c->endpoint;
		conn_close(c);
	}
	return rc;
}

/* Reads that may go to the read connection: plain SELECTs (locking reads
 * only happen inside transactions, which stay on the write connection). */
static bool is_read(const char *sql)
{
	return strncmp(sql, "SELECT", 6) == 0;
}

#define PREFERRED_RETRY_SECONDS 60
#define READ_RETRIES            4
#define READ_RETRY_PAUSE_MS     80

/* A read's failure that another try may not meet: the node is gone or not
 * ready (ERR_UNAVAILABLE, unless no endpoint answered at all), or the
 * cluster aborted it (a deadlock, or a causal wait that timed out). */
static bool read_retryable(const struct db *db, enum err rc)
{
	if (rc == ERR_UNAVAILABLE)
		return db->cfg->ndb > 1 || !db->no_server;
	return rc == ERR_RETRY && (db->err == ER_LOCK_DEADLOCK || db->err == ER_LOCK_WAIT_TIMEOUT);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static enum err run_timed(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                          const struct db_param *p, size_t n);

static enum err run(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                    const struct db_param *p, size_t n)
{
	double t0 = now_ms();
	enum err rc = run_timed(db, a, sql, out, p, n);
	db->wait_ms += now_ms() - t0;
	db->queries++;
	return rc;
}

/* Explain mode: EXPLAIN the statement on a statement handle of its own. */
static enum err run_explain(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                            const struct db_param *p, size_t n)
{
	return run_once(db, &db->w, a, arena_printf(a, "EXPLAIN %s", sql), false, out, p, n);
}

void db_set_explain(struct db *db, bool on)
{
	db->explain = on;
}

bool db_explaining(const struct db *db)
{
	return db->explain;
}

const struct db_res *db_explain_plan(const struct db *db)
{
	return &db->plan;
}

static enum err run_timed(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                          const struct db_param *p, size_t n)
{
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (db->explain)
		return run_explain(db, a, sql, &db->plan, p, n);
	bool in_tx = db->in_tx;
	struct conn *c = &db->w;
	if (db->cfg->db_read_spread && !in_tx && is_read(sql))
		c = &db->r;
	/* After a failover, go back to the preferred endpoint now and then. */
	if (!in_tx && c->m != NULL && c->endpoint != c->preferred &&
	    time(NULL) - c->connected_at > PREFERRED_RETRY_SECONDS)
		conn_close(c);
	bool had_conn = c->m != NULL;
	enum err rc = run_once(db, c, a, sql, true, out, p, n);
	/* Outside a transaction, one fresh try on another connection (from
	 * the next endpoint): for a connection that went stale while idle, or
	 * a read refused by a node on its way down. A write on a connection
	 * that was just opened is not tried again: it may have run. */
	if (rc == ERR_UNAVAILABLE && !in_tx && (had_conn || (is_read(sql) && !db->no_server))) {
		log_error("statement failed on endpoint %d (%u: %s); trying again", c->endpoint + 1,
		          db->err, db->errmsg);
		metrics_db(METRICS_DB_RETRY);
		rc = run_once(db, c, a, sql, true, out, p, n);
	}
	/* A plain read outside a transaction changes nothing, so it may go on
	 * trying while a cluster changes its membership: the node that left
	 * is avoided, and a node still installing the new view (refusing, or
	 * aborting reads with a deadlock or a causal-wait timeout) is given a
	 * short pause. Bounded: a few tries, under a second of pauses. */
	if (!in_tx && is_read(sql)) {
		for (int t = 0; t < READ_RETRIES && read_retryable(db, rc); t++) {
			log_error("read failed on endpoint %d (%u: %s); trying again (%d of %d)",
			          c->endpoint + 1, db->err, db->errmsg, t + 1, READ_RETRIES);
			metrics_db(METRICS_DB_RETRY);
			struct timespec pause = {0, (long)(t + 1) * READ_RETRY_PAUSE_MS * 1000000L};
			if (t > 0 || rc == ERR_RETRY)
				nanosleep(&pause, NULL);
			rc = run_once(db, c, a, sql, true, out, p, n);
		}
	}
	if (rc == ERR_UNAVAILABLE && !in_tx && !db->no_server)
		log_error("statement gave up on endpoint %d (%u: %s)", c->endpoint + 1, db->err,
		          db->errmsg);
	if (rc == ERR_UNAVAILABLE)
		metrics_db(METRICS_DB_UNAVAILABLE);
	if (rc == ERR_UNAVAILABLE && c == &db->w)
		db->in_tx = false;
	/* Galera can abort a transaction for a conflict without reporting it
	 * to the next statement (seen with prepared statements on MariaDB
	 * 10.11; the cross-node race test found it): the server then runs
	 * that statement and the rest on their own, in autocommit. The status
	 * of every answer says whether a transaction is still open. A read
	 * that finds none gives the attempt up, so no decision rests on it;
	 * a write that already ran alone cannot be undone, and the writes
	 * that decide something re-check their conditions themselves. */
	if (rc == ERR_OK && in_tx && c == &db->w && sql != stmt_text[STMT_COMMIT] &&
	    sql != stmt_text[STMT_ROLLBACK] && c->m != NULL &&
	    !(c->m->server_status & SERVER_STATUS_IN_TRANS)) {
		log_error("transaction aborted by the cluster without an error, before: %.60s",
		          sql);
		if (is_read(sql))
			return db_fail_retry(db, "transaction aborted by a cluster conflict");
	}
	return rc;
}

enum err db_exec(struct db *db, struct arena *a, enum stmt id, struct db_res *out, const char *fmt,
                 ...)
{
	struct db_param p[DB_FMT_PARAMS];
	va_list ap;
	va_start(ap, fmt);
	size_t n = params_from_fmt(p, fmt, ap);
	va_end(ap);
	return run(db, a, stmt_text[id], out, p, n);
}

enum err db_exec_params(struct db *db, struct arena *a, const char *sql, struct db_res *out,
                        const struct db_param *p, size_t n)
{
	return run(db, a, sql, out, p, n);
}

enum err db_ping(struct db *db, struct arena *a)
{
	return db_exec(db, a, STMT_PING, NULL, "");
}

enum err db_fail_retry(struct db *db, const char *why)
{
	set_error(db, ER_LOCK_DEADLOCK, why);
	return ERR_RETRY;
}

unsigned long long db_affected(const struct db *db)
{
	return db->affected;
}

unsigned long long db_insert_id(const struct db *db)
{
	return db->insert_id;
}

const char *db_error(const struct db *db)
{
	return db->errmsg;
}

unsigned db_errno(const struct db *db)
{
	return db->err;
}

void db_stats(const struct db *db, unsigned *queries, double *ms)
{
	*queries = db->queries;
	*ms = db->wait_ms;
}

void db_stats_reset(struct db *db)
{
	db->queries = 0;
	db->wait_ms = 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void backoff(int attempt)
{
	/* 2, 4, 8 ... ms, capped, with jitter so that two losers of the same
	 * deadlock do not collide again. */
	long ms = 2L << (attempt < 6 ? attempt : 6);
	ms += rand() % (ms + 1);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

enum err db_transaction(struct db *db, struct arena *a, db_tx_fn fn, void *ctx)
{
	double start = now_seconds();
	double budget = db->cfg->lock_wait_timeout;
	enum err rc = ERR_RETRY;
	for (int attempt = 0; attempt < db->cfg->deadlock_retries; attempt++) {
		rc = db_exec(db, a, STMT_BEGIN, NULL, "");
		if (rc != ERR_OK)
			return rc;
		db->in_tx = true;
		rc = fn(db, a, ctx);
		if (rc == ERR_OK) {
			rc = db_exec(db, a, STMT_COMMIT, NULL, "");
			if (rc == ERR_OK) {
				db->in_tx = false;
				return ERR_OK;
			}
		}
		if (db->in_tx) {
			unsigned err = db->err;
			char msg[sizeof(db->errmsg)];
			memcpy(msg, db->errmsg, sizeof(msg));
			db_exec(db, a, STMT_ROLLBACK, NULL, "");
			db->err = err; /* keep the cause, not the rollback's */
			memcpy(db->errmsg, msg, sizeof(msg));
		}
		db->in_tx = false;
		if (rc != ERR_RETRY)
			return rc;
		/* Lock waits already spent their time; do not wait past the budget. */
		if (now_seconds() - start >= budget || attempt + 1 == db->cfg->deadlock_retries)
			break;
		metrics_db(METRICS_DB_RETRY);
		backoff(attempt);
	}
	return ERR_RETRY;
}
