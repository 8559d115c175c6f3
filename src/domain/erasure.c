#include "domain/erasure.h"

#include <string.h>

#include "db/audit.h"
#include "util/log.h"

struct tx {
	const struct actor *who;
	const char *public_id;
	const char *action; /* "erase", "legal_hold" or "legal_hold_lift" */
	bool art17;         /* erase: a GDPR Art. 17 request */
	const char *note;
	struct erasure_outcome *out;
	enum err result; /* committed either way */
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
	return audit(db, a, t, t->out->st.customer_id);
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
	memset(out, 0, sizeof(*out));
	struct tx t = {who, public_id, "erase", art17, note, out, ERR_OK};
	return run(db, a, &t);
}

enum err erasure_hold(struct db *db, struct arena *a, const struct actor *who,
                      const char *public_id, bool hold, const char *note,
                      struct erasure_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct tx t = {who, public_id, hold ? "legal_hold" : "legal_hold_lift", false, note,
	               out, ERR_OK};
	return run(db, a, &t);
}
