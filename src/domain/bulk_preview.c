/* Bulk previews: what a run would do to each candidate, changing nothing. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/bulk.h"
#include "domain/search.h"
#include "util/fmt.h"

static void fill_from_customer(struct arena *a, struct bulk_row *row, const struct bulk_customer *c)
{
	row->id = c->id;
	row->public_id = c->public_id;
	row->email = c->email;
	row->name = arena_printf(a, "%s %s", c->first_name, c->last_name);
	row->created = c->created_at;
	row->state = c->status == CUSTOMER_ACTIVE ? BULK_ELIGIBLE : BULK_INACTIVE;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

struct id_index {
	uint64_t id;
	size_t row;
};

static int cmp_index(const void *x, const void *y)
{
	const struct id_index *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* The bulk check of each prerequisite (same order). */
static const enum bulk_check check_of[PREREQ__MAX] = {
    [PREREQ_ACTIVE_SUBSCRIPTIONS] = BULK_CHECK_SUBSCRIPTIONS,
    [PREREQ_PENDING_ORDERS] = BULK_CHECK_ORDERS,
    [PREREQ_UNRETURNED_DEVICES] = BULK_CHECK_DEVICES,
};

/* Adds the blocking counts of every eligible row, BULK_CHUNK customers
 * per query, and settles each row's state and the totals. */
static enum err classify(struct db *db, struct arena *a, struct bulk_preview *p)
{
	size_t n = 0;
	struct id_index *index = arena_alloc(a, sizeof(*index) * (p->n + 1));
	uint64_t *ids = arena_alloc(a, sizeof(*ids) * (p->n + 1));
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
			struct blocker_counts r;
			enum err rc =
			    db_bulk_blocker_counts(db, a, check_of[check], ids + off, k, &r);
			if (rc != ERR_OK)
				return rc;
			for (size_t j = 0; j < r.n; j++) {
				struct id_index key = {r.rows[j].customer_id, 0};
				struct id_index *hit =
				    bsearch(&key, index, n, sizeof(*index), cmp_index);
				if (hit != NULL)
					p->rows[hit->row].counts[check] = (unsigned)r.rows[j].n;
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
	uint64_t *slots;
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
static bool idset_add(struct idset *s, uint64_t id)
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

/* A customer found for a key (public id or e-mail). */
struct match {
	enum paste_kind kind;
	const char *key;
	const struct bulk_customer *c;
};

static int cmp_match(const void *x, const void *y)
{
	const struct match *a = x, *b = y;
	if (a->kind != b->kind)
		return (int)a->kind - (int)b->kind;
	return a->kind == PASTE_EMAIL ? strcasecmp(a->key, b->key) : strcmp(a->key, b->key);
}

/* The rows of a parsed list (pasted, or a file's column): each line's
 * customers, looked up by id and by e-mail, classified. */
static enum err preview_lines(struct db *db, struct arena *a, unsigned tenant,
                              const struct paste *pp, struct bulk_preview *out, struct failure *f)
{
	const struct paste p = *pp;
	enum err rc;
	out->merged = p.repeated;
	const char **keys[2];
	size_t nkeys[2] = {0, 0};
	keys[PASTE_ID] = arena_alloc(a, sizeof(char *) * (p.n + 1));
	keys[PASTE_EMAIL] = arena_alloc(a, sizeof(char *) * (p.n + 1));
	for (size_t i = 0; i < p.n; i++)
		if (p.lines[i].kind != PASTE_OTHER)
			keys[p.lines[i].kind][nkeys[p.lines[i].kind]++] = p.lines[i].text;
	/* Look everything up, BULK_CHUNK at a time; index the results by key. */
	size_t chunks = nkeys[0] / BULK_CHUNK + nkeys[1] / BULK_CHUNK + 2;
	struct bulk_customers *found = arena_calloc(a, chunks, sizeof(*found));
	enum paste_kind *found_kind = arena_calloc(a, chunks, sizeof(*found_kind));
	size_t nfound = 0, nmatches = 0;
	for (int kind = PASTE_ID; kind <= PASTE_EMAIL; kind++) {
		for (size_t off = 0; off < nkeys[kind]; off += BULK_CHUNK) {
			size_t k = nkeys[kind] - off < BULK_CHUNK ? nkeys[kind] - off : BULK_CHUNK;
			rc = kind == PASTE_ID
			         ? db_bulk_by_public_ids(db, a, tenant, keys[kind] + off, k,
			                                 &found[nfound])
			         : db_bulk_by_emails(db, a, tenant, keys[kind] + off, k,
			                             &found[nfound]);
			if (rc != ERR_OK)
				return fail_with(f, rc, NULL, NULL);
			found_kind[nfound] = (enum paste_kind)kind;
			nmatches += found[nfound].n;
			nfound++;
		}
	}
	struct match *m = arena_alloc(a, sizeof(*m) * (nmatches + 1));
	size_t nm = 0;
	for (size_t i = 0; i < nfound; i++)
		for (size_t r = 0; r < found[i].n; r++) {
			const struct bulk_customer *c = &found[i].rows[r];
			m[nm++] = (struct match){
			    found_kind[i], found_kind[i] == PASTE_ID ? c->public_id : c->email, c};
		}
	qsort(m, nm, sizeof(*m), cmp_match);

	/* One row per line in input order; an e-mail may match several
	 * customers; a customer matched by two lines is listed once. */
	out->rows = arena_calloc(a, p.n + nm + 1, sizeof(struct bulk_row));
	struct idset seen;
	idset_init(a, &seen, nm);
	for (size_t i = 0; i < p.n; i++) {
		const struct paste_line *l = &p.lines[i];
		struct match key = {l->kind, l->text, NULL};
		struct match *hit =
		    l->kind != PASTE_OTHER ? bsearch(&key, m, nm, sizeof(*m), cmp_match) : NULL;
		if (hit == NULL) {
			struct bulk_row *row = &out->rows[out->n++];
			row->line = l->no;
			row->input = l->text;
			row->state = BULK_NOT_FOUND;
			row->note =
			    l->kind != PASTE_OTHER ? NULL : "not a customer id or e-mail address";
			continue;
		}
		while (hit > m && cmp_match(&hit[-1], &key) == 0)
			hit--;
		for (; hit < m + nm && cmp_match(hit, &key) == 0; hit++) {
			if (!idset_add(&seen, hit->c->id)) {
				out->merged++;
				continue;
			}
			struct bulk_row *row = &out->rows[out->n++];
			row->line = l->no;
			row->input = l->text;
			fill_from_customer(a, row, hit->c);
		}
	}
	if ((rc = classify(db, a, out)))
		return fail_with(f, rc, NULL, NULL);
	return ERR_OK;
}

enum err bulk_preview_paste(struct db *db, struct arena *a, unsigned tenant, const char *text,
                            size_t len, int max, struct bulk_preview *out, struct failure *f)
{
	memset(out, 0, sizeof(*out));
	struct paste p;
	enum err rc = bulk_parse_paste(a, text, len, max, &p, f);
	if (rc != ERR_OK)
		return rc;
	out->source = arena_printf(a, "pasted list of %zu lines", p.nonblank);
	return preview_lines(db, a, tenant, &p, out, f);
}

/* At most max characters of s (whole UTF-8 sequences; "…" when cut), each
 * control character (a line break in a quoted header) made a space. */
static const char *clip(struct arena *a, const char *s, size_t max)
{
	char *c = arena_strdup(a, s);
	size_t chars = 0;
	for (size_t i = 0; c[i]; i++) {
		if ((unsigned char)c[i] < 0x20)
			c[i] = ' ';
		if (((unsigned char)c[i] & 0xc0) == 0x80)
			continue;
		if (chars == max)
			return arena_printf(a, "%.*s…", (int)i, c);
		chars++;
	}
	return c;
}

enum err bulk_preview_file(struct db *db, struct arena *a, unsigned tenant,
                           const struct bulk_file *file, int column, const char *file_name, int max,
                           struct bulk_preview *out, struct failure *f)
{
	memset(out, 0, sizeof(*out));
	struct paste p;
	enum err rc = bulk_parse_column(a, file, column, max, &p, f);
	if (rc != ERR_OK)
		return rc;
	/* The run's source is at most 200 characters: 60 + 60 + the rest. */
	out->source = arena_printf(a, "file %s (%s), %zu value%s",
	                           clip(a, file_name && file_name[0] ? file_name : "(unnamed)", 60),
	                           clip(a, bulk_file_column_name(a, file, column), 60), p.nonblank,
	                           p.nonblank == 1 ? "" : "s");
	return preview_lines(db, a, tenant, &p, out, f);
}

/* ---- filters ------------------------------------------------------------- */

/* TOO_MANY_MATCHES: more than max candidates; advice says how to narrow. */
static enum err too_many(struct arena *a, struct failure *f, const char *what, int max,
                         const char *advice)
{
	return fail_with(f, ERR_INVALID, "TOO_MANY_MATCHES",
	                 arena_printf(a, "%s: more than %s %s", what, fmt_count(a, max), advice));
}

enum err bulk_preview_filter(struct db *db, struct arena *a, unsigned tenant,
                             const struct bulk_filter *filter, int max, struct bulk_preview *out,
                             struct failure *f)
{
	memset(out, 0, sizeof(*out));
	if (!filter->domain && !filter->created_before && !filter->no_orders && !filter->idle_since)
		return fail_with(
		    f, ERR_INVALID, "NO_FILTER",
		    "filter: choose at least one criterion (domain, created before, no "
		    "orders ever, no activity since).");
	struct bulk_customers r;
	enum err rc = db_bulk_filter(db, a, tenant, filter, (unsigned)max + 1, &r);
	if (rc != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	if (r.n > (size_t)max)
		return too_many(a, f, "filter", max,
		                "customers match. Narrow the filter (add a domain or an earlier "
		                "date) and preview again.");
	out->rows = arena_calloc(a, r.n + 1, sizeof(struct bulk_row));
	for (size_t i = 0; i < r.n; i++)
		fill_from_customer(a, &out->rows[out->n++], &r.rows[i]);
	out->source = arena_printf(
	    a, "filter:%s%s%s%s%s%s%s", filter->domain ? " domain=" : "",
	    filter->domain ? filter->domain : "", filter->created_before ? " created<" : "",
	    filter->created_before ? filter->created_before : "",
	    filter->no_orders ? " no-orders" : "", filter->idle_since ? " idle-since=" : "",
	    filter->idle_since ? filter->idle_since : "");
	if ((rc = classify(db, a, out)))
		return fail_with(f, rc, NULL, NULL);
	return ERR_OK;
}

enum err bulk_preview_duplicates(struct db *db, struct arena *a, unsigned tenant, int max,
                                 struct bulk_preview *out, struct failure *f)
{
	static const char dups[] = "possible duplicates; clean up by domain or date first.";
	memset(out, 0, sizeof(*out));
	unsigned limit = (unsigned)max * 4 + 1;
	struct bulk_customers groups[2];
	for (int by = 0; by < 2; by++) {
		enum err rc = db_bulk_duplicates(db, a, tenant, by == 0, limit, &groups[by]);
		if (rc != ERR_OK)
			return fail_with(f, rc, NULL, NULL);
		if (groups[by].n >= limit)
			return too_many(a, f, "duplicates", max, dups);
	}
	out->rows = arena_calloc(a, groups[0].n + groups[1].n + 1, sizeof(struct bulk_row));
	struct idset seen;
	idset_init(a, &seen, groups[0].n + groups[1].n);
	for (int by = 0; by < 2; by++) {
		const struct bulk_customers *g = &groups[by];
		const char *kept = NULL;
		for (size_t i = 0; i < g->n; i++) {
			const struct bulk_customer *c = &g->rows[i];
			bool first =
			    i == 0 || strcasecmp(c->group_key, g->rows[i - 1].group_key) != 0;
			if (first) {
				kept = c->public_id; /* oldest of the group */
				continue;
			}
			if (c->status != CUSTOMER_ACTIVE || !idset_add(&seen, c->id))
				continue;
			if (out->n >= (size_t)max)
				return too_many(a, f, "duplicates", max, dups);
			struct bulk_row *row = &out->rows[out->n++];
			fill_from_customer(a, row, c);
			row->note = arena_printf(a, "same %s as %s (oldest, kept)",
			                         by == 0 ? "e-mail" : "name and phone", kept);
			row->merge_into = kept;
		}
	}
	out->source = "possible duplicates";
	enum err rc = classify(db, a, out);
	if (rc != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	return ERR_OK;
}

enum err bulk_preview_search(struct db *db, struct arena *a, unsigned tenant, const char *term,
                             int max, struct bulk_preview *out, struct failure *f)
{
	memset(out, 0, sizeof(*out));
	if (term == NULL)
		return fail_with(f, ERR_INVALID, "INVALID_PARAMETER",
		                 "q: type what to search for (a name, e-mail, domain, company or "
		                 "phone number).");
	int cap = max < CUSTOMER_SEARCH_CAP ? max : CUSTOMER_SEARCH_CAP;
	struct customer_list r;
	int64_t matches;
	enum err rc = search_active(db, a, tenant, term, (unsigned)cap + 1, &r, &matches);
	if (rc != ERR_OK)
		return fail_with(f, rc, NULL, NULL);
	if (matches > cap)
		return too_many(a, f, "search", cap,
		                "customers match. Type more of the name, e-mail or company and "
		                "preview again.");
	out->rows = arena_calloc(a, r.n + 1, sizeof(struct bulk_row));
	for (size_t i = 0; i < r.n; i++) {
		const struct customer_row *c = &r.rows[i];
		struct bulk_customer bc = {c->id,        c->public_id, c->email,      c->first_name,
		                           c->last_name, c->status,    c->created_at, NULL};
		fill_from_customer(a, &out->rows[out->n++], &bc);
	}
	out->source = arena_printf(a, "search: %s", term);
	if ((rc = classify(db, a, out)))
		return fail_with(f, rc, NULL, NULL);
	return ERR_OK;
}
