/* The Operators page's rules (domain/operators.h; README "Operators"). */
#include "domain/operators.h"

#include <string.h>
#include <strings.h>

#include "db/audit.h"
#include "util/log.h"
#include "util/text.h"

#define DISPLAY_MAX 100

static const char *const change_action[] = {
    [OPERATOR_SET_ROLE] = "operator_role",
    [OPERATOR_DISABLE] = "operator_disable",
    [OPERATOR_ENABLE] = "operator_enable",
};

const char *operator_action(enum operator_change change)
{
	return change_action[change];
}

static enum err audit(struct db *db, struct arena *a, const struct actor *who, const char *subject,
                      const char *action, const char *note, const char *outcome)
{
	struct audit_entry e = {who->name, who->tenant,     0,  subject ? subject : "",
	                        action,    who->channel,    -1, note,
	                        outcome,   who->request_id, 0,  NULL};
	return db_audit_insert(db, a, &e);
}

void operator_audit_refusal(struct db *db, struct arena *a, const struct actor *who,
                            const char *username, const char *action, const char *code)
{
	if (audit(db, a, who, username, action, NULL, code) != ERR_OK)
		log_error("could not audit %s of %s (%s)", action, username ? username : "-", code);
}

/* A refusal decided before the transaction: its audit row, then f. */
static enum err refuse(struct db *db, struct arena *a, const struct actor *who, const char *subject,
                       const char *action, struct failure *f, enum err kind, const char *code,
                       const char *message)
{
	operator_audit_refusal(db, a, who, subject, action, code);
	return fail_with(f, kind, code, message);
}

static const char USERNAME_MESSAGE[] =
    "username: use 1 to 100 letters, digits, '.', '_', '-', '@' or '+', starting with a letter "
    "or a digit: the login as people sign in with it.";
static const char DISPLAY_MESSAGE[] =
    "display_name: give the name to show for this login (1 to 100 characters).";
static const char NOT_ADMIN_MESSAGE[] =
    "Your login is no longer an admin of this tenant; nothing was changed.";
static const char NOT_FOUND_MESSAGE[] = "There is no operator with this login in your tenant.";

/* What one transaction decided: ERR_OK, or a refusal (its code and
 * message, written to the audit row too). */
struct op_tx {
	const struct actor *who;
	const char *username, *display, *action;
	bool add;
	enum operator_change change;
	enum role role;
	/* out */
	bool changed;
	const char *note;
	struct failure refusal;
};

static enum err refuse_in_tx(struct db *db, struct arena *a, struct op_tx *t, enum err kind,
                             const char *code, const char *message)
{
	fail_with(&t->refusal, kind, code, message);
	return audit(db, a, t->who, t->username, t->action, t->note, code);
}

/* Whether login is among the n logins (the collation's equality: logins
 * compare without case, as the primary key does). */
static bool among(const char *const *logins, size_t n, const char *login)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(logins[i], login) == 0)
			return true;
	return false;
}

static enum err op_tx(struct db *db, struct arena *a, void *vctx)
{
	struct op_tx *t = vctx;
	t->changed = false;
	t->note = NULL;
	t->refusal = (struct failure){ERR_OK, NULL, NULL};
	unsigned tenant = t->who->tenant;
	/* the guard: a write of the tenant's row, before anything is read */
	enum err rc = db_operators_guard(db, a, tenant);
	if (rc != ERR_OK)
		return rc == ERR_NOT_FOUND ? ERR_INTERNAL : rc;
	const char **admins;
	size_t nadmins;
	if ((rc = db_operators_admins_lock(db, a, tenant, &admins, &nadmins)) != ERR_OK)
		return rc;
	if (!among(admins, nadmins, t->who->name))
		return refuse_in_tx(db, a, t, ERR_FORBIDDEN, "NOT_ADMIN", NOT_ADMIN_MESSAGE);
	struct operator_locked o;
	rc = db_operator_lock(db, a, t->username, &o);
	if (rc != ERR_OK && rc != ERR_NOT_FOUND)
		return rc;
	bool found = rc == ERR_OK;
	if (t->add) {
		t->note = arena_printf(a, "%s (%s)", t->display, role_name[t->role]);
		if (found && o.tenant == tenant)
			return refuse_in_tx(
			    db, a, t, ERR_REFUSED, "OPERATOR_EXISTS",
			    arena_printf(a,
			                 "%s is already an operator of your tenant (see the list); "
			                 "nothing was changed.",
			                 t->username));
		if (found)
			return refuse_in_tx(
			    db, a, t, ERR_REFUSED, "LOGIN_TAKEN",
			    "This login is taken. Choose another login; nothing was "
			    "changed.");
		if ((rc = db_operator_insert(db, a, tenant, t->username, t->display, t->role,
		                             t->who->name)) != ERR_OK)
			return rc;
		t->changed = true;
		return audit(db, a, t->who, t->username, t->action, t->note, "ok");
	}
	if (!found || o.tenant != tenant)
		return refuse_in_tx(db, a, t, ERR_NOT_FOUND, "NOT_FOUND", NOT_FOUND_MESSAGE);
	/* the last enabled admin stays one */
	bool enabled_admin = o.role == ROLE_ADMIN && !o.disabled;
	bool loses_admin =
	    enabled_admin && (t->change == OPERATOR_DISABLE ||
	                      (t->change == OPERATOR_SET_ROLE && t->role != ROLE_ADMIN));
	switch (t->change) {
	case OPERATOR_SET_ROLE:
		t->note = arena_printf(a, "%s -> %s", role_name[o.role], role_name[t->role]);
		if (o.role == t->role)
			return audit(db, a, t->who, t->username, t->action, t->note, "NO_CHANGE");
		break;
	case OPERATOR_DISABLE:
		if (o.disabled)
			return refuse_in_tx(
			    db, a, t, ERR_REFUSED, "ALREADY_DISABLED",
			    "This operator is already disabled; nothing was changed.");
		break;
	case OPERATOR_ENABLE:
		if (!o.disabled)
			return refuse_in_tx(
			    db, a, t, ERR_REFUSED, "ALREADY_ENABLED",
			    "This operator is already enabled; nothing was changed.");
		break;
	}
	if (loses_admin && nadmins <= 1)
		return refuse_in_tx(
		    db, a, t, ERR_REFUSED, "LAST_ADMIN",
		    "You are the tenant's only enabled admin: make another operator "
		    "an admin first. Nothing was changed.");
	rc = t->change == OPERATOR_SET_ROLE
	         ? db_operator_set_role(db, a, tenant, t->username, t->role)
	         : db_operator_set_disabled(db, a, tenant, t->username,
	                                    t->change == OPERATOR_DISABLE, t->who->name);
	if (rc != ERR_OK)
		return rc == ERR_NOT_FOUND ? ERR_INTERNAL : rc; /* the row is locked: cannot be */
	t->changed = true;
	return audit(db, a, t->who, t->username, t->action, t->note, "ok");
}

/* Runs the transaction; its refusal, or the database's failure, in f. */
static enum err run(struct db *db, struct arena *a, struct op_tx *t, struct failure *f)
{
	enum err rc = db_transaction(db, a, op_tx, t);
	if (rc == ERR_DUPLICATE && t->add) {
		/* the same login added at once elsewhere (another tenant's admin) */
		return refuse(db, a, t->who, t->username, t->action, f, ERR_REFUSED, "LOGIN_TAKEN",
		              "This login is taken. Choose another login; nothing was changed.");
	}
	if (rc != ERR_OK) {
		const char *code = rc == ERR_RETRY         ? "LOCK_TIMEOUT"
		                   : rc == ERR_UNAVAILABLE ? "UNAVAILABLE"
		                                           : "ERROR";
		if (rc != ERR_RETRY && rc != ERR_UNAVAILABLE)
			log_error("%s %s failed: %s", t->action, t->username, db_error(db));
		operator_audit_refusal(db, a, t->who, t->username, t->action, code);
		return fail_with(f, rc == ERR_RETRY || rc == ERR_UNAVAILABLE ? rc : ERR_INTERNAL,
		                 NULL, NULL);
	}
	if (t->refusal.kind != ERR_OK) {
		*f = t->refusal;
		return f->kind;
	}
	return ERR_OK;
}

/* 1 to DISPLAY_MAX characters, not only spaces (the input table has
 * refused control characters and bad UTF-8 already). */
static bool display_ok(const char *s)
{
	if (s == NULL)
		return false;
	size_t chars;
	if (text_problem(s, strlen(s), DISPLAY_MAX, "", &chars) != NULL || chars == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (*p != ' ')
			return true;
	return false;
}

enum err operator_add(struct db *db, struct arena *a, const struct actor *who, const char *username,
                      const char *display, enum role role, struct failure *f)
{
	static const char action[] = "operator_add";
	if (!login_valid(username))
		return refuse(db, a, who, username, action, f, ERR_INVALID, "INVALID_USERNAME",
		              USERNAME_MESSAGE);
	if (!display_ok(display))
		return refuse(db, a, who, username, action, f, ERR_INVALID, "INVALID_DISPLAY_NAME",
		              DISPLAY_MESSAGE);
	if (role <= ROLE_NONE || role >= ROLE__MAX)
		return refuse(db, a, who, username, action, f, ERR_INVALID, "INVALID_ROLE",
		              "role: choose viewer, operator or admin.");
	struct op_tx t = {.who = who,
	                  .username = username,
	                  .display = display,
	                  .action = action,
	                  .add = true,
	                  .role = role};
	return run(db, a, &t, f);
}

enum err operator_change(struct db *db, struct arena *a, const struct actor *who,
                         const char *username, enum operator_change change, enum role role,
                         bool *changed, struct failure *f)
{
	*changed = false;
	const char *action = change_action[change];
	if (!login_valid(username))
		return refuse(db, a, who, username, action, f, ERR_NOT_FOUND, "NOT_FOUND",
		              NOT_FOUND_MESSAGE);
	if (change == OPERATOR_SET_ROLE && (role <= ROLE_NONE || role >= ROLE__MAX))
		return refuse(db, a, who, username, action, f, ERR_INVALID, "INVALID_ROLE",
		              "role: choose viewer, operator or admin.");
	struct op_tx t = {
	    .who = who, .username = username, .action = action, .change = change, .role = role};
	enum err rc = run(db, a, &t, f);
	*changed = rc == ERR_OK && t.changed;
	return rc;
}
