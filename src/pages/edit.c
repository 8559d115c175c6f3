/* GET, POST /customers/{id}/edit: the profile edit form */
#include <string.h>

#include "domain/profile.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"
#include "util/text.h"

/* The input key of each profile field. */
static const enum key field_key[PF__MAX] = {KEY_FIRST_NAME, KEY_LAST_NAME, KEY_COMPANY, KEY_PHONE,
                                            KEY_EDIT_TYPE};

/* What the form shows: the values on file (GET) or as submitted (a 400). */
struct form_values {
	const char *field[PF__MAX];
	const char *address[ADDRESS_KIND__MAX][AM__MAX];
};

static const char *const type_labels[CUSTOMER_TYPE__MAX] = {
    [CUSTOMER_INDIVIDUAL] = "Individual", [CUSTOMER_BUSINESS] = "Business"};

static const char *member_of(const struct address_row *x, enum address_member m)
{
	const char *v[AM__MAX] = {[AM_CONTACT] = x->contact_name, [AM_COMPANY] = x->company,
	                          [AM_BUILDING] = x->building,    [AM_STREET] = x->street,
	                          [AM_LOCALITY] = x->locality,    [AM_CITY] = x->city,
	                          [AM_ADMIN] = x->admin_area,     [AM_POSTAL] = x->postal_code,
	                          [AM_COUNTRY] = x->country};
	return v[m];
}

static void values_on_file(const struct customer_overview *o, struct form_values *v)
{
	const struct customer_row *c = &o->customer;
	memset(v, 0, sizeof(*v));
	v->field[PF_FIRST_NAME] = c->first_name;
	v->field[PF_LAST_NAME] = c->last_name;
	v->field[PF_COMPANY] = c->company;
	v->field[PF_PHONE] = c->phone;
	v->field[PF_TYPE] = customer_type_name[c->type];
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		if (o->addresses.present[k])
			for (int m = 0; m < AM__MAX; m++)
				v->address[k][m] =
				    member_of(&o->addresses.of[k], (enum address_member)m);
}

/* A submitted value as the form can show it again: "" for invalid UTF-8,
 * control characters as U+FFFD (the field's error says why). */
static const char *shown(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	size_t n = strlen(s), chars;
	if (!utf8_valid(s, n, &chars))
		return "";
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += (unsigned char)s[i] < 0x20 || s[i] == 0x7f;
	if (bad == 0)
		return s;
	char *out = arena_alloc(a, n + 2 * bad + 1), *p = out;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
		} else {
			*p++ = s[i];
		}
	}
	*p = '\0';
	return out;
}

/* The problem of the field at path, or NULL. */
static const struct profile_problem *problem_at(const struct profile_problems *ps, const char *path)
{
	for (size_t i = 0; ps != NULL && i < ps->n; i++)
		if (strcmp(ps->p[i].path, path) == 0)
			return &ps->p[i];
	return NULL;
}

/* "First name: is required ..." from "firstName: is required ...". */
static const char *problem_text(struct arena *a, const struct profile_problem *p)
{
	size_t n = strlen(p->path);
	const char *rest = p->message;
	if (strncmp(rest, p->path, n) == 0 && rest[n] == ':')
		rest += n + 1;
	while (*rest == ' ')
		rest++;
	return arena_printf(a, "%s: %s", profile_path_label(a, p->path), rest);
}

/* The element id of the field at path: "f-billingAddress-city". */
static const char *field_id(struct arena *a, const char *path)
{
	char *id = arena_printf(a, "f-%s", path);
	for (char *p = id; *p; p++)
		if (*p == '.')
			*p = '-';
	return id;
}

/* One text input (section of d): label, value, hint, error and the
 * attributes that tie them together. */
static void text_field(struct req *r, struct tmpl_dict *d, const char *section, const char *path,
                       const char *label, const char *value, const char *hint, bool required,
                       const char *type, const struct profile_problems *ps)
{
	struct arena *a = r->arena;
	const char *id = field_id(a, path);
	struct tmpl_dict *f = tmpl_add(d, section);
	tmpl_set(f, "FIELD_ID", id);
	tmpl_set(f, "FIELD_NAME", path);
	tmpl_set(f, "FIELD_LABEL", label);
	tmpl_set(f, "FIELD_VALUE", value);
	tmpl_set(f, "FIELD_TYPE", type);
	if (required)
		tmpl_show(f, "FIELD_REQUIRED");
	const char *described = NULL;
	if (hint != NULL) {
		tmpl_set(tmpl_add(f, "FIELD_HINT"), "HINT", hint);
		described = arena_printf(a, "%s-hint", id);
	}
	const struct profile_problem *p = problem_at(ps, path);
	if (p != NULL) {
		tmpl_set(tmpl_add(f, "FIELD_ERROR"), "ERROR_TEXT", problem_text(a, p));
		described = described ? arena_printf(a, "%s-error %s", id, described)
		                      : arena_printf(a, "%s-error", id);
	}
	if (described != NULL)
		tmpl_set(tmpl_add(f, "FIELD_DESCRIBED"), "DESCRIBED_BY", described);
}

/* The form: status 200 (GET) or 400 with the problems of the submitted
 * values. */
static void render(struct req *r, const struct customer_overview *o, const struct form_values *v,
                   const struct profile_problems *ps, int status)
{
	struct arena *a = r->arena;
	const struct customer_row *c = &o->customer;
	const char *pid = c->public_id;
	bool errors = ps != NULL && ps->n > 0;
	const char *name = customer_display_name(a, c);
	struct view view;
	struct tmpl_dict *d =
	    view_begin(r, &view, arena_printf(a, "%sEdit %s", errors ? "Error: " : "", name),
	               "edit.tpl", NAV_CUSTOMERS);
	fill_customer_head(r, d, c);
	tmpl_set(d, "ACTION_URL", arena_printf(a, "/customers/%s/edit", pid));
	fill_csrf(r, d, "edit", pid);
	if (c->status == CUSTOMER_INACTIVE)
		tmpl_set(tmpl_add(d, "INACTIVE"), "REACTIVATE_URL",
		         arena_printf(a, "/customers/%s/reactivate", pid));
	if (errors) {
		struct tmpl_dict *e = tmpl_add(d, "ERRORS");
		tmpl_set(e, "ERROR_COUNT",
		         ps->n == 1 ? "1 field needs" : arena_printf(a, "%zu fields need", ps->n));
		for (size_t i = 0; i < ps->n; i++) {
			struct tmpl_dict *s = tmpl_add(e, "SUMMARY");
			tmpl_set(s, "SUMMARY_ID", field_id(a, ps->p[i].path));
			tmpl_set(s, "SUMMARY_TEXT", problem_text(a, &ps->p[i]));
		}
	}
	for (int f = 0; f < PF__MAX; f++) {
		if (f == PF_TYPE)
			continue;
		static const char *const hints[PF__MAX] = {
		    [PF_COMPANY] = "Leave empty to clear it.",
		    [PF_PHONE] = "Digits, spaces and + - ( ) . only; leave empty to clear it."};
		text_field(r, d, "PROFILE_FIELD", profile_field_name[f], profile_field_label[f],
		           v->field[f], hints[f], f == PF_FIRST_NAME || f == PF_LAST_NAME,
		           f == PF_PHONE ? "tel" : "text", ps);
	}
	const struct profile_problem *tp = problem_at(ps, profile_field_name[PF_TYPE]);
	fill_options(d, "TYPE_OPTION", customer_type_name, type_labels, CUSTOMER_TYPE__MAX,
	             v->field[PF_TYPE]);
	if (tp != NULL)
		tmpl_set(tmpl_add(d, "TYPE_ERROR"), "ERROR_TEXT", problem_text(a, tp));
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		struct tmpl_dict *x = tmpl_add(d, "ADDRESS_FORM");
		const char *id = field_id(a, address_object_name[k]);
		tmpl_set(x, "ADDRESS_ID", id);
		tmpl_set(x, "ADDRESS_LEGEND", address_kind_label[k]);
		tmpl_set(x, "ADDRESS_HINT",
		         o->addresses.present[k]
		             ? "A changed address is saved as the customer's newest; the one it "
		               "replaces stays in the record. Contact name, street address, city "
		               "and country are required."
		             : "None on file. Leave every field empty to add none; a new address "
		               "needs contact name, street address, city and country.");
		for (int m = 0; m < AM__MAX; m++) {
			bool required =
			    m == AM_CONTACT || m == AM_STREET || m == AM_CITY || m == AM_COUNTRY;
			text_field(r, x, "MEMBER",
			           arena_printf(a, "%s.%s", address_object_name[k],
			                        address_member_name[m]),
			           address_member_label[m], v->address[k][m], NULL,
			           required && o->addresses.present[k], "text", ps);
		}
	}
	view_send(r, &view, status);
}

/* Loads the customer and its addresses; answers and returns false when it
 * cannot. */
static bool load(struct req *r, struct customer_overview *o)
{
	enum err rc = customer_profile(r->app->db, r->arena, r->user.tenant, r->arg, o);
	if (rc != ERR_OK)
		page_customer_failed(r, rc);
	return rc == ERR_OK;
}

void page_edit_form(struct req *r)
{
	struct customer_overview o;
	if (!load(r, &o) || page_refuse_erased(r, &o.customer))
		return;
	struct form_values v;
	values_on_file(&o, &v);
	render(r, &o, &v, NULL, 200);
}

/*
 * Every profile field is set (an empty company or phone clears it); an
 * address is set when any of its members is filled in, or when the
 * customer has one of that kind (an address is replaced, never removed:
 * emptying it is refused by the rules' required members).
 */
void page_edit(struct req *r)
{
	struct arena *a = r->arena;
	struct actor who = page_actor(r);
	struct customer_overview o;
	enum err rc = customer_profile(r->app->db, a, r->user.tenant, r->arg, &o);
	if (rc != ERR_OK) {
		/* an attempt on no customer is audited, as lifecycle_update() would */
		if (rc == ERR_NOT_FOUND)
			lifecycle_audit_refusal(r->app->db, a, &who, r->arg, "edit", "NOT_FOUND");
		page_customer_failed(r, rc);
		return;
	}
	/* refused and audited by lifecycle_update() under the row lock too */
	if (o.customer.erased_at != NULL) {
		struct lifecycle_outcome out;
		struct profile_edit none;
		memset(&none, 0, sizeof(none));
		lifecycle_update(r->app->db, a, &who, r->arg, &none, -1, -1, NULL, &out);
		page_refuse_erased(r, &o.customer);
		return;
	}
	struct profile_edit e;
	struct form_values submitted;
	memset(&e, 0, sizeof(e));
	memset(&submitted, 0, sizeof(submitted));
	for (int f = 0; f < PF__MAX; f++) {
		const char *s = req_str(r, field_key[f]);
		e.set[f] = true;
		e.value[f] = s ? s : "";
		submitted.field[f] = shown(a, s);
	}
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		bool any = false;
		for (int m = 0; m < AM__MAX; m++) {
			const char *s = req_str(r, KEY_ADDRESS(k, m));
			any |= s != NULL;
			e.address[k][m] = s ? s : "";
			submitted.address[k][m] = shown(a, s);
		}
		e.address_set[k] = any || o.addresses.present[k];
	}
	struct profile_problems problems = {.n = 0};
	profile_check(a, &e, &problems);
	if (problems.n > 0) {
		render(r, &o, &submitted, &problems, 400);
		return;
	}
	struct lifecycle_outcome out;
	rc = lifecycle_update(r->app->db, a, &who, r->arg, &e, -1, -1, NULL, &out);
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	view_flash(r, out.edited ? "customer_updated" : "nothing_changed");
	resp_redirect(r, arena_printf(a, "/customers/%s", r->arg));
}
