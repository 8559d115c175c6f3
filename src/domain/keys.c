/* API keys made and revoked (domain/keys.h; README "API keys"). */
#include "domain/keys.h"

#include <string.h>

#include "db/audit.h"
#include "util/log.h"
#include "util/text.h"

static enum err audit(struct db *db, struct arena *a, const struct actor *who, unsigned tenant,
                      const char *action, const char *subject, const char *outcome)
{
	struct audit_entry e = {who->name, tenant, 0,       subject,         action, who->channel,
	                        -1,        NULL,   outcome, who->request_id, 0,      NULL};
	return db_audit_insert(db, a, &e);
}

static const char *subject_of(struct arena *a, uint64_t id, const char *label)
{
	if (id == 0)
		return label ? arena_printf(a, "new key (%s)", label) : "new key";
	return label ? arena_printf(a, "key %llu (%s)", (unsigned long long)id, label)
	             : arena_printf(a, "key %llu", (unsigned long long)id);
}

/* A refusal decided before any transaction: its audit row (best effort,
 * when there is a tenant to write it under), then f. */
static enum err refuse(struct db *db, struct arena *a, const struct actor *who, unsigned tenant,
                       const char *action, const char *subject, struct failure *f, enum err kind,
                       const char *code, const char *message)
{
	if (tenant != 0 && audit(db, a, who, tenant, action, subject, code) != ERR_OK)
		log_error("%s %s: the refusal's audit row failed", action, subject);
	return fail_with(f, kind, code, message);
}

/* 1..KEY_LABEL_MAX characters of UTF-8, no control characters, not only
 * spaces. */
static bool label_ok(const char *label)
{
	if (label == NULL)
		return false;
	size_t n = strlen(label), chars;
	if (n == 0 || text_problem(label, n, KEY_LABEL_MAX, "", &chars) != NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (label[i] != ' ')
			return true;
	return false;
}

struct create_tx {
	const struct actor *who;
	enum role role;
	const char *label, *hash;
	long long rate;
	struct key_made *out;
};

static enum err create_tx(struct db *db, struct arena *a, void *vctx)
{
	struct create_tx *t = vctx;
	enum err rc = db_api_key_insert(db, a, t->who->tenant, t->role, t->label, t->out->prefix,
	                                t->hash, t->rate, t->who->name, &t->out->id);
	if (rc != ERR_OK)
		return rc;
	return audit(db, a, t->who, t->who->tenant, "api_key_create",
	             subject_of(a, t->out->id, t->label), "ok");
}

static const char LABEL_MESSAGE[] =
    "label: give the key a name of 1 to 100 characters (letters, digits, spaces, "
    "punctuation), so that you can tell it from the others.";
static const char ROLE_MESSAGE[] = "role: choose viewer, operator or admin.";
static const char RATE_MESSAGE[] =
    "rate_limit: leave it empty for the default, or give a whole number of calls a minute "
    "from 1 to 1000000.";

enum err keys_create(struct db *db, struct arena *a, const struct actor *who, int role,
                     const char *label, long long rate_limit, struct key_made *out,
                     struct failure *f)
{
	memset(out, 0, sizeof(*out));
	const char *subject = subject_of(a, 0, label_ok(label) ? label : NULL);
	if (!label_ok(label))
		return refuse(db, a, who, who->tenant, "api_key_create", subject, f, ERR_INVALID,
		              "INVALID_LABEL", LABEL_MESSAGE);
	if (role <= ROLE_NONE || role >= ROLE__MAX)
		return refuse(db, a, who, who->tenant, "api_key_create", subject, f, ERR_INVALID,
		              "INVALID_ROLE", ROLE_MESSAGE);
	if (rate_limit < 0 || rate_limit > KEY_RATE_MAX)
		return refuse(db, a, who, who->tenant, "api_key_create", subject, f, ERR_INVALID,
		              "INVALID_RATE_LIMIT", RATE_MESSAGE);
	if (api_key_generate(out->key) != 0) {
		log_error("api_key_create: no random bytes");
		return fail_with(f, ERR_INTERNAL, NULL, NULL);
	}
	char hash[65];
	api_key_hash_hex(out->key, hash);
	memcpy(out->prefix, out->key, API_KEY_PREFIX_LEN);
	out->prefix[API_KEY_PREFIX_LEN] = '\0';
	struct create_tx t = {who, (enum role)role, label, hash, rate_limit, out};
	enum err rc = db_transaction(db, a, create_tx, &t);
	if (rc != ERR_OK) {
		log_error("api_key_create %s failed: %s", subject, db_error(db));
		memset(out, 0, sizeof(*out));
		/* the attempt still has its row, on its own */
		const char *code = rc == ERR_RETRY         ? "LOCK_TIMEOUT"
		                   : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
		                                           : "ERROR";
		return refuse(db, a, who, who->tenant, "api_key_create", subject, f, rc, code,
		              NULL);
	}
	return ERR_OK;
}

struct revoke_tx {
	const struct actor *who;
	uint64_t id;
	bool changed, found;
	unsigned tenant; /* the key's */
	const char *label, *outcome;
};

static enum err revoke_tx(struct db *db, struct arena *a, void *vctx)
{
	struct revoke_tx *t = vctx;
	t->changed = t->found = false;
	t->label = NULL;
	struct api_key_locked k;
	enum err rc = db_api_key_lock(db, a, t->id, &k);
	if (rc == ERR_NOT_FOUND ||
	    (rc == ERR_OK && t->who->tenant != 0 && k.tenant != t->who->tenant))
		return ERR_NOT_FOUND; /* another tenant's key is a missing one */
	if (rc != ERR_OK)
		return rc;
	t->found = true;
	t->tenant = k.tenant;
	t->label = k.label;
	if (k.revoked) {
		t->outcome = "ALREADY_REVOKED";
	} else {
		rc = db_api_key_revoke(db, a, t->id);
		if (rc != ERR_OK)
			return rc;
		t->changed = true;
		t->outcome = "ok";
	}
	return audit(db, a, t->who, k.tenant, "api_key_revoke", subject_of(a, t->id, k.label),
	             t->outcome);
}

enum err keys_revoke(struct db *db, struct arena *a, const struct actor *who, uint64_t id,
                     bool *changed, const char **label, struct failure *f)
{
	*changed = false;
	*label = NULL;
	struct revoke_tx t = {who, id, false, false, 0, NULL, NULL};
	enum err rc = db_transaction(db, a, revoke_tx, &t);
	if (rc == ERR_NOT_FOUND)
		return refuse(db, a, who, who->tenant, "api_key_revoke", subject_of(a, id, NULL), f,
		              ERR_NOT_FOUND, "NOT_FOUND", "There is no API key with this id.");
	if (rc != ERR_OK) {
		log_error("api_key_revoke %llu failed: %s", (unsigned long long)id, db_error(db));
		const char *code = rc == ERR_RETRY         ? "LOCK_TIMEOUT"
		                   : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
		                                           : "ERROR";
		return refuse(db, a, who, who->tenant, "api_key_revoke", subject_of(a, id, NULL), f,
		              rc, code, NULL);
	}
	*changed = t.changed;
	*label = t.label;
	return ERR_OK;
}

void keys_audit_refusal(struct db *db, struct arena *a, const struct actor *who, const char *action,
                        uint64_t id, const char *outcome)
{
	const char *subject = subject_of(a, id, NULL);
	if (audit(db, a, who, who->tenant, action, subject, outcome) != ERR_OK)
		log_error("could not audit %s of %s (%s)", action, subject, outcome);
}
