#include "domain/notes.h"

#include <string.h>

#include "db/audit.h"
#include "db/customers.h"
#include "db/notes.h"
#include "util/log.h"

char *notes_normalize(struct arena *a, const char *s, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r') {
			out[k++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else {
			out[k++] = s[i];
		}
	}
	size_t b = 0;
	while (b < k && (out[b] == ' ' || out[b] == '\t' || out[b] == '\n'))
		b++;
	while (k > b && (out[k - 1] == ' ' || out[k - 1] == '\t' || out[k - 1] == '\n'))
		k--;
	memmove(out, out + b, k - b);
	out[k - b] = '\0';
	return out;
}

struct tx {
	const struct actor *who;
	const char *public_id;
	const struct note_input *in;
	const char *summary; /* normalized */
	uint64_t note_id;
	enum err result; /* ERR_OK or ERR_NOT_FOUND: committed either way */
};

static enum err audit(struct db *db, struct arena *a, const struct actor *who, uint64_t customer_id,
                      const char *subject, const char *note, const char *outcome)
{
	struct audit_entry e = {
	    who->name, who->tenant, customer_id, subject,         "note",           who->channel,
	    -1,        note,        outcome,     who->request_id, who->bulk_run_id, NULL};
	return db_audit_insert(db, a, &e);
}

/* The rule as it reads: lock the customer row, write the note, audit it. */
static enum err add_tx(struct db *db, struct arena *a, void *vctx)
{
	struct tx *t = vctx;
	t->note_id = 0;
	t->result = ERR_OK;
	struct customer_row c;
	enum err rc = db_customer_lock(db, a, t->who->tenant, t->public_id, &c);
	if (rc == ERR_NOT_FOUND) {
		t->result = ERR_NOT_FOUND;
		return audit(db, a, t->who, 0, t->public_id, NULL, "NOT_FOUND");
	}
	if (rc != ERR_OK)
		return rc;
	/* personal data erased: no text is added to it again */
	if (c.erased_at != NULL) {
		t->result = ERR_REFUSED;
		return audit(db, a, t->who, c.id, t->public_id, NULL, "ERASED");
	}
	struct note_entry e = {t->who->tenant, c.id,       t->in->noted_on,
	                       t->in->kind,    t->summary, t->in->follow_up,
	                       t->who->name};
	if ((rc = db_note_insert(db, a, &e, &t->note_id)))
		return rc;
	/* The audit row names the note; the note itself holds the text. */
	const char *what = arena_printf(a, "%s note %llu of %s%s%s", note_kind_name[t->in->kind],
	                                (unsigned long long)t->note_id, t->in->noted_on,
	                                t->in->follow_up ? ", follow up " : "",
	                                t->in->follow_up ? t->in->follow_up : "");
	return audit(db, a, t->who, c.id, t->public_id, what, "ok");
}

enum err notes_add(struct db *db, struct arena *a, const struct actor *who, const char *public_id,
                   const struct note_input *in, uint64_t *note_id)
{
	*note_id = 0;
	struct tx t = {who, public_id, in, notes_normalize(a, in->summary, in->summary_len),
	               0,   ERR_OK};
	if (t.summary[0] == '\0')
		return ERR_INVALID;
	enum err rc = db_transaction(db, a, add_tx, &t);
	if (rc == ERR_OK) {
		*note_id = t.note_id;
		return t.result;
	}
	const char *outcome = rc == ERR_RETRY         ? "LOCK_TIMEOUT"
	                      : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
	                                              : "ERROR";
	if (rc != ERR_RETRY && rc != ERR_UNAVAILABLE) {
		log_error("note on %s failed: %s", public_id, db_error(db));
		rc = ERR_INTERNAL;
	}
	lifecycle_audit_refusal(db, a, who, public_id, "note", outcome);
	return rc;
}
