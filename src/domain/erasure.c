#include "domain/erasure.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/audit.h"
#include "domain/bulk.h"
#include "util/log.h"

struct tx {
	const struct actor *who;
	const char *public_id;
	const char *action; /* "erase", "legal_hold" or "legal_hold_lift" */
	bool art17;         /* erase: a GDPR Art. 17 request */
	const char *note;
	struct erasure_outcome *out;
	enum err result;                   /* committed either way */
	const struct lifecycle_hook *hook; /* a bulk run's item: its outcome, in the transaction */
};

const char *erasure_refusal(struct arena *a, const struct erasure_state *st, bool art17)
{
	const char *codes[4];
	size_t n = 0;
	if (st->active)
		codes[n++] = "CUSTOMER_ACTIVE";
	if (st->legal_hold)
		codes[n++] = "LEGAL_HOLD";
	if (st->payments_open > 0)
		codes[n++] = "PAYMENT_PENDING";
	if (!st->active && st->in_window && !art17)
		codes[n++] = "RETENTION_PERIOD";
	if (n == 0)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += strlen(codes[i]) + 1;
	char *s = arena_alloc(a, len);
	if (s == NULL)
		return "ERROR";
	s[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, ",");
		strcat(s, codes[i]);
	}
	return s;
}

enum err erasure_preview(struct db *db, struct arena *a, unsigned tenant, const char *public_id,
                         struct erasure_state *out)
{
	return db_erasure_state(db, a, tenant, public_id, false, true, out);
}

static enum err audit(struct db *db, struct arena *a, const struct tx *t, uint64_t customer_id)
{
	/* An erasure's row says whether it was an Art. 17 request. */
	struct audit_change art17 = {"gdprArticle17", NULL, t->art17 ? "true" : "false"};
	const char *changes = strcmp(t->action, "erase") == 0 && t->out->changed
	                          ? audit_changes_json(a, &art17, 1)
	                          : NULL;
	struct audit_entry e = {t->who->name,
	                        t->who->tenant,
	                        customer_id,
	                        t->public_id,
	                        t->action,
	                        t->who->channel,
	                        -1,
	                        t->note,
	                        t->out->outcome,
	                        t->who->request_id,
	                        t->who->bulk_run_id,
	                        .changes = changes};
	return db_audit_insert(db, a, &e);
}

static enum err finish(struct db *db, struct arena *a, struct tx *t, enum err result)
{
	t->result = result;
	enum err rc = audit(db, a, t, t->out->st.customer_id);
	if (rc == ERR_OK && t->hook != NULL) {
		struct lifecycle_outcome lo = {.changed = t->out->changed,
		                               .customer_id = t->out->st.customer_id,
		                               .outcome = t->out->outcome};
		rc = t->hook->fn(db, a, &lo, t->hook->ctx);
	}
	return rc;
}

static enum err erase_tx(struct db *db, struct arena *a, void *vctx)
{
	struct tx *t = vctx;
	struct erasure_outcome *out = t->out;
	out->changed = false;
	out->outcome = NULL;
	enum err rc = db_erasure_state(db, a, t->who->tenant, t->public_id, true, false, &out->st);
	if (rc == ERR_NOT_FOUND) {
		out->outcome = "NOT_FOUND";
		return finish(db, a, t, ERR_NOT_FOUND);
	}
	if (rc != ERR_OK)
		return rc;
	if (out->st.erased) {
		out->outcome = "ALREADY_ERASED";
		return finish(db, a, t, strcmp(t->action, "erase") == 0 ? ERR_OK : ERR_REFUSED);
	}
	if (strcmp(t->action, "erase") != 0) {
		bool hold = strcmp(t->action, "legal_hold") == 0;
		if ((rc = db_erasure_hold(db, a, out->st.customer_id, hold, &out->changed)) !=
		    ERR_OK)
			return rc;
		out->outcome = out->changed ? "ok" : hold ? "ALREADY_HELD" : "NOT_HELD";
		return finish(db, a, t, ERR_OK);
	}
	const char *refused = erasure_refusal(a, &out->st, t->art17);
	if (refused != NULL) {
		out->outcome = refused;
		return finish(db, a, t, ERR_REFUSED);
	}
	rc = db_erasure_erase(db, a, out->st.customer_id, out->st.keep_location, t->who->name);
	if (rc != ERR_OK)
		return rc;
	out->changed = true;
	out->outcome = "ok";
	return finish(db, a, t, ERR_OK);
}

static enum err run(struct db *db, struct arena *a, struct tx *t)
{
	enum err rc = db_transaction(db, a, erase_tx, t);
	if (rc == ERR_OK)
		return t->result;
	if (rc == ERR_DUPLICATE && t->hook != NULL) {
		t->out->changed = false; /* the item was recorded already */
		return ERR_DUPLICATE;
	}
	struct erasure_outcome *out = t->out;
	out->changed = false;
	if (rc == ERR_RETRY || rc == ERR_UNAVAILABLE) {
		out->outcome = rc == ERR_RETRY ? "LOCK_TIMEOUT" : "UNAVAILABLE";
	} else {
		log_error("%s %s failed: %s", t->action, t->public_id, db_error(db));
		out->outcome = "ERROR";
		rc = ERR_INTERNAL;
	}
	/* Still one audit row for the attempt, on its own, when the database
	 * lets us. */
	lifecycle_audit_refusal(db, a, t->who, t->public_id, t->action, out->outcome);
	return rc;
}

enum err erasure_erase(struct db *db, struct arena *a, const struct actor *who,
                       const char *public_id, bool art17, const char *note,
                       struct erasure_outcome *out)
{
	return erasure_erase_hooked(db, a, who, public_id, art17, note, NULL, out);
}

enum err erasure_erase_hooked(struct db *db, struct arena *a, const struct actor *who,
                              const char *public_id, bool art17, const char *note,
                              const struct lifecycle_hook *hook, struct erasure_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct tx t = {who, public_id, "erase", art17, note, out, ERR_OK, hook};
	return run(db, a, &t);
}

enum err erasure_hold(struct db *db, struct arena *a, const struct actor *who,
                      const char *public_id, bool hold, const char *note,
                      struct erasure_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct tx t = {who,    public_id, hold ? "legal_hold" : "legal_hold_lift", false, note, out,
	               ERR_OK, NULL};
	return run(db, a, &t);
}

/* ---- the retention policy ------------------------------------------------ */

struct policy_tx {
	const struct actor *who;
	const struct retention_policy *want;
	bool changed;
};

static void change(struct arena *a, struct audit_change *c, size_t *n, const char *field,
                   int64_t old, int64_t new)
{
	if (old == new)
		return;
	c[*n] = (struct audit_change){field, old ? arena_printf(a, "%lld", (long long)old) : NULL,
	                              new ? arena_printf(a, "%lld", (long long)new) : NULL};
	(*n)++;
}

static enum err policy_tx(struct db *db, struct arena *a, void *vctx)
{
	struct policy_tx *t = vctx;
	struct retention_policy cur;
	enum err rc = db_policy_get(db, a, t->who->tenant, &cur);
	if (rc != ERR_OK)
		return rc;
	const struct retention_policy *w = t->want;
	struct audit_change c[4];
	size_t n = 0;
	change(a, c, &n, "eraseAfterMonths", cur.erase_after_months, w->erase_after_months);
	change(a, c, &n, "eraseMinMonths", cur.erase_min_months, w->erase_min_months);
	change(a, c, &n, "keepLocation", cur.keep_location, w->keep_location);
	change(a, c, &n, "financialYears", cur.financial_years, w->financial_years);
	t->changed = n > 0;
	if (n > 0 && (rc = db_policy_set(db, a, t->who->tenant, w)) != ERR_OK)
		return rc;
	struct audit_entry e = {t->who->name,
	                        t->who->tenant,
	                        0,
	                        "",
	                        "retention_policy",
	                        t->who->channel,
	                        -1,
	                        NULL,
	                        n > 0 ? "ok" : "NO_CHANGE",
	                        t->who->request_id,
	                        0,
	                        .changes = n > 0 ? audit_changes_json(a, c, n) : NULL};
	return db_audit_insert(db, a, &e);
}

enum err retention_policy_get(struct db *db, struct arena *a, unsigned tenant,
                              struct retention_policy *out)
{
	return db_policy_get(db, a, tenant, out);
}

enum err retention_policy_set(struct db *db, struct arena *a, const struct actor *who,
                              const struct retention_policy *p, bool *changed)
{
	struct policy_tx t = {who, p, false};
	enum err rc = db_transaction(db, a, policy_tx, &t);
	*changed = rc == ERR_OK && t.changed;
	return rc;
}

enum err retention_policy_upcoming(struct db *db, struct arena *a, unsigned tenant, int days,
                                   int limit, struct policy_upcoming *out)
{
	memset(out, 0, sizeof(*out));
	struct retention_policy p;
	enum err rc = db_policy_get(db, a, tenant, &p);
	if (rc != ERR_OK || p.erase_after_months == 0)
		return rc;
	return db_policy_upcoming(db, a, tenant, p.erase_after_months, days, limit, out);
}

enum err retention_policy_work(struct db *db, struct arena *a, int max, time_t now, int *made)
{
	*made = 0;
	struct policy_tenants ts;
	enum err rc = db_policy_tenants(db, a, &ts);
	if (rc != ERR_OK)
		return rc;
	struct tm tm;
	gmtime_r(&now, &tm);
	char nonce[64];
	snprintf(nonce, sizeof(nonce), "policy-%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday);
	for (size_t i = 0; i < ts.n; i++) {
		/* one run a tenant a day: the day is the run's nonce, unique in
		 * the tenant, so two workers (or hosts) cannot both make it */
		struct actor who = {"policy", ts.tenant[i], CHANNEL_BULK, nonce, 0};
		const char *run = NULL;
		bool existing = false;
		const char **ids;
		size_t n;
		if ((rc = db_policy_due(db, a, ts.tenant[i], ts.months[i], max, &ids, &n)) !=
		    ERR_OK)
			return rc;
		if (n == 0)
			continue;
		struct failure f;
		const char *note =
		    arena_printf(a,
		                 "Retention policy: personal data erased %lld months "
		                 "after the deactivation.",
		                 (long long)ts.months[i]);
		const char *source =
		    arena_printf(a, "retention policy (%lld months)", (long long)ts.months[i]);
		rc = bulk_create_erase_run(db, a, &who, note, source, nonce, ids, n, &run,
		                           &existing, &f);
		if (rc != ERR_OK)
			return rc;
		*made += !existing;
	}
	return ERR_OK;
}
