#include "domain/bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db/sql.h"
#include "util/crypto.h"
#include "util/fmt.h"
#include "util/log.h"
#include "util/text.h"

static void set_err(struct bulk_error *e, int status, const char *code, const char *message)
{
	e->status = status;
	e->code = code;
	e->message = message;
}

static void db_err(struct bulk_error *e, enum err rc)
{
	if (rc == ERR_UNAVAILABLE || rc == ERR_RETRY)
		set_err(e, 503, "UNAVAILABLE",
		        "The database is not answering right now. Nothing was changed; try again.");
	else
		set_err(e, 500, "INTERNAL", "Something went wrong on our side; it was logged.");
}

static void fill_from_customer(struct arena *a, struct bulk_row *row, const struct db_res *r,
                               size_t i)
{
	row->id = strtoull(DB_V(r, i, BC_ID), NULL, 10);
	row->public_id = DB_V(r, i, BC_PUBLIC_ID);
	row->email = DB_V(r, i, BC_EMAIL);
	row->name = arena_printf(a, "%s %s", DB_V(r, i, BC_FIRST), DB_V(r, i, BC_LAST));
	row->created = DB_V(r, i, BC_CREATED);
	row->state = strcmp(DB_V(r, i, BC_STATUS), "active") == 0 ? BULK_ELIGIBLE : BULK_INACTIVE;
}

static int cmp_u64(const void *x, const void *y)
{
	unsigned long long a = *(const unsigned long long *)x, b = *(const unsigned long long *)y;
	return a < b ? -1 : a > b;
}

struct id_index {
	unsigned long long id;
	size_t row;
};

static int cmp_index(const void *x, const void *y)
{
	const struct id_index *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Adds the blocking counts of every eligible row, BULK_CHUNK customers
 * per query, and settles each row's state and the totals. */
static enum err classify(struct db *db, struct arena *a, struct bulk_preview *p)
{
	size_t n = 0;
	struct id_index *index = arena_alloc(a, sizeof(*index) * (p->n + 1));
	unsigned long long *ids = arena_alloc(a, sizeof(*ids) * (p->n + 1));
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].state == BULK_ELIGIBLE) {
			index[n] = (struct id_index){p->rows[i].id, i};
			ids[n++] = p->rows[i].id;
		}
	qsort(index, n, sizeof(*index), cmp_index);
	qsort(ids, n, sizeof(*ids), cmp_u64);
	for (size_t off = 0; off < n; off += BULK_CHUNK) {
		size_t k = n - off < BULK_CHUNK ? n - off : BULK_CHUNK;
		for (int check = 0; check < PREREQ__MAX; check++) {
			struct db_res r;
			enum err rc = db_bulk_blocker_counts(db, a, check, ids + off, k, &r);
			if (rc != ERR_OK)
				return rc;
			for (size_t j = 0; j < r.nrows; j++) {
				struct id_index key = {strtoull(DB_V(&r, j, 0), NULL, 10), 0};
				struct id_index *hit =
				    bsearch(&key, index, n, sizeof(*index), cmp_index);
				if (hit != NULL)
					p->rows[hit->row].counts[check] =
					    (unsigned)strtoul(DB_V(&r, j, 1), NULL, 10);
			}
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		struct bulk_row *row = &p->rows[i];
		if (row->state == BULK_ELIGIBLE) {
			for (int c = 0; c < PREREQ__MAX; c++)
				if (row->counts[c] > 0) {
					row->state = BULK_BLOCKED;
					p->blocked_by[c]++;
				}
		}
		switch (row->state) {
		case BULK_ELIGIBLE: p->eligible++; break;
		case BULK_BLOCKED: p->blocked++; break;
		case BULK_NOT_FOUND: p->not_found++; break;
		case BULK_INACTIVE: p->inactive++; break;
		}
	}
	return ERR_OK;
}

/* ---- a set of customer ids ----------------------------------------------- */

struct idset {
	unsigned long long *slots;
	size_t cap;
};

static void idset_init(struct arena *a, struct idset *s, size_t n)
{
	s->cap = 16;
	while (s->cap < 2 * n + 2)
		s->cap *= 2;
	s->slots = arena_calloc(a, s->cap, sizeof(*s->slots));
}

/* Adds id (non-zero); false if it was there already. */
static bool idset_add(struct idset *s, unsigned long long id)
{
	size_t i = (size_t)(id * 0x9E3779B97F4A7C15ULL) & (s->cap - 1);
	while (s->slots[i] != 0) {
		if (s->slots[i] == id)
			return false;
		i = (i + 1) & (s->cap - 1);
	}
	s->slots[i] = id;
	return true;
}

/* ---- paste --------------------------------------------------------------- */

struct line {
	unsigned no;
	const char *text;
};

static int cmp_line_text(const void *x, const void *y)
{
	const struct line *a = x, *b = y;
	int c = strcasecmp(a->text, b->text);
	return c ? c : (a->no > b->no) - (a->no < b->no);
}

static int cmp_line_no(const void *x, const void *y)
{
	const struct line *a = x, *b = y;
	return (a->no > b->no) - (a->no < b->no);
}

/* Splits text into trimmed, non-blank lines. Returns the count, or -1/-2
 * for too many lines / a line too long (with *bad the line number). */
static long split_lines(struct arena *a, const char *text, size_t len, int max, struct line **out,
                        unsigned *bad)
{
	size_t cap = 1;
	for (size_t i = 0; i < len; i++)
		cap += text[i] == '\n';
	struct line *lines = arena_alloc(a, sizeof(*lines) * cap);
	long n = 0;
	unsigned no = 0;
	for (size_t i = 0; i <= len;) {
		size_t end = i;
		while (end < len && text[end] != '\n')
			end++;
		no++;
		size_t s = i, e = end;
		while (s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
			s++;
		while (e > s && (text[e - 1] == ' ' || text[e - 1] == '\t' || text[e - 1] == '\r'))
			e--;
		if (e > s) {
			size_t chars = 0; /* the text is valid UTF-8 (checked on input) */
			for (size_t k = s; k < e; k++)
				chars += ((unsigned char)text[k] & 0xc0) != 0x80;
			if (chars > BULK_LINE_MAX) {
				*bad = no;
				return -2;
			}
			if (n >= max) {
				*bad = no;
				return -1;
			}
			lines[n].no = no;
			lines[n].text = arena_strndup(a, text + s, e - s);
			n++;
		}
		i = end + 1;
	}
	*out = lines;
	return n;
}

/* A customer found for a key (public id or e-mail). */
struct match {
	const char *key;
	const struct db_res *res;
	size_t row;
};

static int cmp_match(const void *x, const void *y)
{
	return strcasecmp(((const struct match *)x)->key, ((const struct match *)y)->key);
}

int bulk_preview_paste(struct db *db, struct arena *a, unsigned tenant, const char *text,
                       size_t len, int max, struct bulk_preview *out, struct bulk_error *err)
{
	memset(out, 0, sizeof(*out));
	struct line *lines;
	unsigned bad = 0;
	long n = split_lines(a, text ? text : "", text ? len : 0, max, &lines, &bad);
	if (n == -1) {
		set_err(
		    err, 413, "TOO_MANY_LINES",
		    arena_printf(a,
		                 "lines: more than %s ids or e-mails (line %u is one too many). "
		                 "Split the list into runs of at most %s.",
		                 fmt_count(a, max), bad, fmt_count(a, max)));
		return -1;
	}
	if (n == -2) {
		set_err(err, 400, "LINE_TOO_LONG",
		        arena_printf(a,
		                     "lines: line %u is longer than %d characters; put one id or "
		                     "e-mail address on each line.",
		                     bad, BULK_LINE_MAX));
		return -1;
	}
	if (n == 0) {
		set_err(err, 400, "NO_LINES", "lines: paste at least one customer id or e-mail.");
		return -1;
	}
	/* Repeated lines are merged (case-insensitively), keeping the first. */
	qsort(lines, (size_t)n, sizeof(*lines), cmp_line_text);
	size_t u = 0;
	for (long i = 0; i < n; i++) {
		if (u > 0 && strcasecmp(lines[u - 1].text, lines[i].text) == 0) {
			out->merged++;
			continue;
		}
		lines[u++] = lines[i];
	}
	const char **ids = arena_alloc(a, sizeof(char *) * u);
	const char **emails = arena_alloc(a, sizeof(char *) * u);
	size_t nids = 0, nemails = 0;
	for (size_t i = 0; i < u; i++) {
		if (public_id_valid(lines[i].text, "cus"))
			ids[nids++] = lines[i].text;
		else if (strchr(lines[i].text, '@') != NULL)
			emails[nemails++] = lines[i].text;
	}
	/* Look everything up, BULK_CHUNK at a time; index the results by key. */
	size_t chunks = nids / BULK_CHUNK + nemails / BULK_CHUNK + 2;
	struct db_res *found = arena_calloc(a, chunks, sizeof(*found));
	size_t nfound = 0, nmatches = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char **v = pass == 0 ? ids : emails;
		size_t count = pass == 0 ? nids : nemails;
		for (size_t off = 0; off < count; off += BULK_CHUNK) {
			size_t k = count - off < BULK_CHUNK ? count - off : BULK_CHUNK;
			enum err rc =
			    pass == 0
			        ? db_bulk_by_public_ids(db, a, tenant, v + off, k, &found[nfound])
			        : db_bulk_by_emails(db, a, tenant, v + off, k, &found[nfound]);
			if (rc != ERR_OK) {
				db_err(err, rc);
				return -1;
			}
			nmatches += found[nfound].nrows;
			nfound++;
		}
	}
	struct match *m = arena_alloc(a, sizeof(*m) * (nmatches + 1));
	size_t nm = 0;
	size_t id_chunks = (nids + BULK_CHUNK - 1) / BULK_CHUNK;
	for (size_t f = 0; f < nfound; f++)
		for (size_t r = 0; r < found[f].nrows; r++)
			m[nm++] = (struct match){
			    DB_V(&found[f], r, f < id_chunks ? BC_PUBLIC_ID : BC_EMAIL), &found[f],
			    r};
	qsort(m, nm, sizeof(*m), cmp_match);

	/* One row per line in input order; an e-mail may match several
	 * customers; a customer matched by two lines is listed once. */
	qsort(lines, u, sizeof(*lines), cmp_line_no);
	out->rows = arena_calloc(a, u + nm + 1, sizeof(struct bulk_row));
	struct idset seen;
	idset_init(a, &seen, nm);
	for (size_t i = 0; i < u; i++) {
		const struct line *l = &lines[i];
		bool known = public_id_valid(l->text, "cus") || strchr(l->text, '@') != NULL;
		struct match key = {l->text, NULL, 0};
		struct match *hit = known ? bsearch(&key, m, nm, sizeof(*m), cmp_match) : NULL;
		if (hit == NULL) {
			struct bulk_row *row = &out->rows[out->n++];
			row->line = l->no;
			row->input = l->text;
			row->state = BULK_NOT_FOUND;
			row->note = known ? NULL : "not a customer id or e-mail address";
			continue;
		}
		while (hit > m && strcasecmp(hit[-1].key, l->text) == 0)
			hit--;
		for (; hit < m + nm && strcasecmp(hit->key, l->text) == 0; hit++) {
			unsigned long long cid =
			    strtoull(DB_V(hit->res, hit->row, BC_ID), NULL, 10);
			if (!idset_add(&seen, cid)) {
				out->merged++;
				continue;
			}
			struct bulk_row *row = &out->rows[out->n++];
			row->line = l->no;
			row->input = l->text;
			fill_from_customer(a, row, hit->res, hit->row);
		}
	}
	out->source = arena_printf(a, "pasted list of %ld lines", n);
	enum err rc = classify(db, a, out);
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	return 0;
}

/* ---- filters ------------------------------------------------------------- */

int bulk_preview_filter(struct db *db, struct arena *a, unsigned tenant,
                        const struct bulk_filter *f, int max, struct bulk_preview *out,
                        struct bulk_error *err)
{
	memset(out, 0, sizeof(*out));
	if (!f->domain && !f->created_before && !f->no_orders && !f->idle_since) {
		set_err(err, 400, "NO_FILTER",
		        "filter: choose at least one criterion (domain, created before, no orders "
		        "ever, no activity since).");
		return -1;
	}
	struct db_res r;
	enum err rc = db_bulk_filter(db, a, tenant, f, (unsigned)max + 1, &r);
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	if (r.nrows > (size_t)max) {
		set_err(err, 400, "TOO_MANY_MATCHES",
		        arena_printf(a,
		                     "filter: more than %s customers match. Narrow the filter "
		                     "(add a domain or an earlier date) and preview again.",
		                     fmt_count(a, max)));
		return -1;
	}
	out->rows = arena_calloc(a, r.nrows + 1, sizeof(struct bulk_row));
	for (size_t i = 0; i < r.nrows; i++)
		fill_from_customer(a, &out->rows[out->n++], &r, i);
	out->source = arena_printf(
	    a, "filter:%s%s%s%s%s%s%s", f->domain ? " domain=" : "", f->domain ? f->domain : "",
	    f->created_before ? " created<" : "", f->created_before ? f->created_before : "",
	    f->no_orders ? " no-orders" : "", f->idle_since ? " idle-since=" : "",
	    f->idle_since ? f->idle_since : "");
	rc = classify(db, a, out);
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	return 0;
}

int bulk_preview_duplicates(struct db *db, struct arena *a, unsigned tenant, int max,
                            struct bulk_preview *out, struct bulk_error *err)
{
	memset(out, 0, sizeof(*out));
	unsigned limit = (unsigned)max * 4 + 1;
	struct db_res groups[2];
	for (int by = 0; by < 2; by++) {
		enum err rc = db_bulk_duplicates(db, a, tenant, by == 0, limit, &groups[by]);
		if (rc != ERR_OK) {
			db_err(err, rc);
			return -1;
		}
		if (groups[by].nrows >= limit) {
			set_err(err, 400, "TOO_MANY_MATCHES",
			        arena_printf(a,
			                     "duplicates: more than %s possible duplicates; clean "
			                     "up by domain or date first.",
			                     fmt_count(a, max)));
			return -1;
		}
	}
	out->rows = arena_calloc(a, groups[0].nrows + groups[1].nrows + 1, sizeof(struct bulk_row));
	struct idset seen;
	idset_init(a, &seen, groups[0].nrows + groups[1].nrows);
	for (int by = 0; by < 2; by++) {
		const struct db_res *g = &groups[by];
		const char *kept = NULL;
		for (size_t i = 0; i < g->nrows; i++) {
			bool first =
			    i == 0 || strcasecmp(DB_V(g, i, BD_KEY), DB_V(g, i - 1, BD_KEY)) != 0;
			if (first) {
				kept = DB_V(g, i, BC_PUBLIC_ID); /* oldest of the group */
				continue;
			}
			if (strcmp(DB_V(g, i, BC_STATUS), "active") != 0)
				continue;
			if (!idset_add(&seen, strtoull(DB_V(g, i, BC_ID), NULL, 10)))
				continue;
			if (out->n >= (size_t)max) {
				set_err(
				    err, 400, "TOO_MANY_MATCHES",
				    arena_printf(a,
				                 "duplicates: more than %s possible duplicates; "
				                 "clean up by domain or date first.",
				                 fmt_count(a, max)));
				return -1;
			}
			struct bulk_row *row = &out->rows[out->n++];
			fill_from_customer(a, row, g, i);
			row->note = arena_printf(a, "same %s as %s (oldest, kept)",
			                         by == 0 ? "e-mail" : "name and phone", kept);
		}
	}
	out->source = "possible duplicates";
	enum err rc = classify(db, a, out);
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	return 0;
}

/* ---- apply ---------------------------------------------------------------- */

struct create_ctx {
	const struct actor *who;
	const char *reason, *note, *source, *nonce;
	const char *const *ids;
	size_t n;
	const char *public_id;
};

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static enum err create_tx(struct db *db, struct arena *a, void *vctx)
{
	struct create_ctx *c = vctx;
	unsigned char raw[5];
	char hex[11];
	if (random_bytes(raw, sizeof(raw)) != 0)
		return ERR_INTERNAL;
	hex_encode(raw, sizeof(raw), hex);
	c->public_id = arena_printf(a, "run_%s", hex);
	enum err rc = db_exec(db, a, STMT_BULK_RUN_INSERT, NULL, "sisssssis", c->public_id,
	                      (long long)c->who->tenant, c->who->name, c->reason, c->note,
	                      c->source, c->nonce, (long long)c->n, c->who->request_id);
	if (rc != ERR_OK)
		return rc;
	unsigned long long run = db_insert_id(db);
	unsigned long long *cids = arena_calloc(a, c->n + 1, sizeof(*cids));
	for (size_t off = 0; off < c->n; off += BULK_CHUNK) {
		size_t k = c->n - off < BULK_CHUNK ? c->n - off : BULK_CHUNK;
		struct db_res r;
		rc = db_bulk_by_public_ids(db, a, c->who->tenant, c->ids + off, k, &r);
		if (rc != ERR_OK)
			return rc;
		for (size_t i = 0; i < k; i++)
			for (size_t j = 0; j < r.nrows; j++)
				if (strcasecmp(DB_V(&r, j, BC_PUBLIC_ID), c->ids[off + i]) == 0)
					cids[off + i] = strtoull(DB_V(&r, j, BC_ID), NULL, 10);
	}
	return db_bulk_insert_items(db, a, run, 1, cids, c->ids, c->n);
}

int bulk_create_run(struct db *db, struct arena *a, const struct actor *who, const char *reason,
                    const char *note, const char *source, const char *nonce,
                    const char *const *selected, size_t n, const char **run_public_id,
                    bool *existing, struct bulk_error *err)
{
	*existing = false;
	/* the same form again: its run, not a second one */
	struct db_res r;
	enum err rc =
	    db_exec(db, a, STMT_BULK_RUN_BY_NONCE, &r, "is", (long long)who->tenant, nonce);
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	if (r.nrows == 1) {
		*existing = true;
		*run_public_id = DB_V(&r, 0, 0);
		return 0;
	}
	const char **ids = arena_alloc(a, sizeof(char *) * (n + 1));
	memcpy(ids, selected, sizeof(char *) * n);
	qsort(ids, n, sizeof(char *), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (k == 0 || strcmp(ids[k - 1], ids[i]) != 0)
			ids[k++] = ids[i];
	struct create_ctx c = {who, reason, note, source, nonce, ids, k, NULL};
	rc = db_transaction(db, a, create_tx, &c);
	if (rc == ERR_DUPLICATE) {
		/* a concurrent submission of the same form won the race */
		if (db_exec(db, a, STMT_BULK_RUN_BY_NONCE, &r, "is", (long long)who->tenant,
		            nonce) == ERR_OK &&
		    r.nrows == 1) {
			*existing = true;
			*run_public_id = DB_V(&r, 0, 0);
			return 0;
		}
	}
	if (rc != ERR_OK) {
		db_err(err, rc);
		return -1;
	}
	*run_public_id = c.public_id;
	return 0;
}

/* ---- the job ------------------------------------------------------------- */

#define CLAIM_SECONDS 30
#define CLAIM_BATCH   50

struct item_ctx {
	unsigned long long run;
	long long seq;
};

/* Inside the item's lifecycle transaction: record its outcome, once. */
static enum err record_item(struct db *db, struct arena *a, const struct lifecycle_outcome *out,
                            void *vctx)
{
	struct item_ctx *c = vctx;
	enum err rc =
	    db_exec(db, a, STMT_BULK_ITEM_DONE, NULL, "sui", out->outcome, c->run, c->seq);
	if (rc != ERR_OK)
		return rc;
	return db_affected(db) == 1 ? ERR_OK : ERR_DUPLICATE;
}

enum bulk_step bulk_work(struct db *db, struct arena *a, const char *worker, volatile int *stop)
{
	struct db_res r;
	if (db_exec(db, a, STMT_BULK_CLAIM_FIND, &r, "") != ERR_OK)
		return BULK_STEP_FAILED;
	if (r.nrows == 0 || DB_V(&r, 0, 0) == NULL)
		return BULK_STEP_IDLE;
	unsigned long long run = strtoull(DB_V(&r, 0, 0), NULL, 10);
	if (db_exec(db, a, STMT_BULK_CLAIM, NULL, "siui", worker, (long long)CLAIM_SECONDS, run,
	            (long long)CLAIM_BATCH) != ERR_OK)
		return BULK_STEP_FAILED;
	if (db_affected(db) == 0) {
		/* Nothing left to claim: done if nothing is pending either (the
		 * statement checks), otherwise other workers hold the rest. */
		if (db_exec(db, a, STMT_BULK_FINISH, NULL, "uu", run, run) != ERR_OK)
			return BULK_STEP_FAILED;
		return db_affected(db) == 1 ? BULK_STEP_WORKED : BULK_STEP_IDLE;
	}
	db_exec(db, a, STMT_BULK_RENEW, NULL, "u", run);
	struct db_res job, items;
	if (db_exec(db, a, STMT_BULK_RUN_FOR_JOB, &job, "u", run) != ERR_OK || job.nrows != 1 ||
	    db_exec(db, a, STMT_BULK_PENDING_ITEMS, &items, "us", run, worker) != ERR_OK)
		return BULK_STEP_FAILED;
	struct actor who = {
	    .name = DB_V(&job, 0, BJ_ACTOR),
	    .tenant = (unsigned)strtoul(DB_V(&job, 0, BJ_TENANT), NULL, 10),
	    .channel = "bulk",
	    .request_id = DB_V(&job, 0, BJ_REQUEST_ID),
	    .bulk_run_id = run,
	};
	const char *reason = DB_V(&job, 0, BJ_REASON);
	const char *note = DB_V(&job, 0, BJ_NOTE);
	struct arena *item_arena = arena_new();
	if (item_arena == NULL)
		return BULK_STEP_FAILED;
	bool failed = false;
	for (size_t i = 0; i < items.nrows && !*stop && !failed; i++) {
		struct item_ctx ctx = {run, atoll(DB_V(&items, i, BPI_SEQ))};
		struct lifecycle_hook hook = {record_item, &ctx};
		struct lifecycle_outcome out;
		enum lifecycle_result res = lifecycle_deactivate_hooked(
		    db, item_arena, &who, DB_V(&items, i, BPI_SUBJECT), reason, note, &hook, &out);
		arena_reset(item_arena);
		if (res == LC_ERROR) {
			/* Not transient (logged): record it so it cannot hold the run. */
			db_exec(db, item_arena, STMT_BULK_ITEM_DONE, NULL, "sui", "ERROR", run,
			        ctx.seq);
			arena_reset(item_arena);
		}
		/* Database away or locks not granted: the item stays pending, its
		 * claim runs out and it is tried again. */
		failed = res == LC_UNAVAILABLE;
	}
	arena_free(item_arena);
	if (*stop || failed)
		db_exec(db, a, STMT_BULK_RELEASE, NULL, "us", run, worker);
	else if (items.nrows < CLAIM_BATCH)
		db_exec(db, a, STMT_BULK_FINISH, NULL, "uu", run, run);
	return failed ? BULK_STEP_FAILED : BULK_STEP_WORKED;
}
