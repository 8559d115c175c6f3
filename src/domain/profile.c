#include "domain/profile.h"

#include "db/audit.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"

const char *const profile_field_name[PF__MAX] = {"firstName", "lastName", "company", "phone",
                                                 "customerType"};
const char *const address_member_name[AM__MAX] = {"contactName",   "company",    "buildingInfo",
                                                  "streetAddress", "locality",   "city",
                                                  "adminArea",     "postalCode", "country"};
const char *const address_object_name[ADDRESS_KIND__MAX] = {"billingAddress", "shippingAddress"};

/* The columns' limits, in characters. */
static const size_t field_max[PF__MAX] = {100, 100, 200, 40, 0};
static const size_t member_max[AM__MAX] = {200, 200, 100, 200, 100, 100, 100, 20, 100};
static const bool member_required[AM__MAX] = {
    [AM_CONTACT] = true, [AM_STREET] = true, [AM_CITY] = true, [AM_COUNTRY] = true};

void profile_problem_add(struct profile_problems *out, const char *path, const char *code,
                         const char *message)
{
	if (out->n < PROFILE_PROBLEMS_MAX)
		out->p[out->n++] = (struct profile_problem){path, message, code};
}

/* s without leading and trailing blanks, in a. */
static const char *trimmed(struct arena *a, const char *s)
{
	size_t n = strlen(s);
	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

/* One line of text: NULL when good, else the problem's code. */
static const char *line_problem(const char *s, size_t max, size_t *chars)
{
	const char *why = text_problem(s, strlen(s), max, "", chars);
	if (why == NULL)
		return NULL;
	return strcmp(why, "is too long") == 0 ? "too_big" : "invalid_string";
}

static bool phone_chars(const char *s)
{
	for (; *s; s++)
		if (!strchr("0123456789 +-().", *s))
			return false;
	return true;
}

/* Checks one text value at path; adds its problem; false when bad. */
static bool check_text(struct arena *a, struct profile_problems *out, const char *path,
                       const char *s, size_t max, bool required)
{
	size_t chars = 0;
	const char *code = line_problem(s, max, &chars);
	if (code == NULL && required && chars == 0)
		code = "too_small";
	if (code == NULL)
		return true;
	const char *what = strcmp(code, "too_small") == 0 ? "is required and cannot be empty"
	                   : strcmp(code, "too_big") == 0
	                       ? arena_printf(a, "at most %zu characters", max)
	                       : "one line of text (valid UTF-8, no control characters)";
	profile_problem_add(out, path, code, arena_printf(a, "%s: %s.", path, what));
	return false;
}

void profile_check(struct arena *a, struct profile_edit *e, struct profile_problems *out)
{
	for (int f = 0; f < PF__MAX; f++) {
		if (!e->set[f])
			continue;
		const char *path = profile_field_name[f];
		const char *v = e->value[f] ? trimmed(a, e->value[f]) : "";
		e->value[f] = v;
		if (f == PF_TYPE) {
			if (name_index(customer_type_name, CUSTOMER_TYPE__MAX, v) < 0)
				profile_problem_add(
				    out, path, "invalid_enum_value",
				    "customerType: must be \"individual\" or \"business\".");
			continue;
		}
		bool required = f == PF_FIRST_NAME || f == PF_LAST_NAME;
		if (check_text(a, out, path, v, field_max[f], required) && f == PF_PHONE &&
		    !phone_chars(v))
			profile_problem_add(out, path, "invalid_string",
			                    "phone: digits, spaces and + - ( ) . only.");
	}
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		if (!e->address_set[k])
			continue;
		for (int m = 0; m < AM__MAX; m++) {
			const char *path = arena_printf(a, "%s.%s", address_object_name[k],
			                                address_member_name[m]);
			const char *v = e->address[k][m];
			if (v == NULL && member_required[m]) {
				profile_problem_add(out, path, "invalid_type",
				                    arena_printf(a, "%s: is required.", path));
				continue;
			}
			if (v == NULL)
				continue;
			v = trimmed(a, v);
			e->address[k][m] = v;
			check_text(a, out, path, v, member_max[m], member_required[m]);
		}
	}
}

bool profile_edit_empty(const struct profile_edit *e)
{
	for (int f = 0; f < PF__MAX; f++)
		if (e->set[f])
			return false;
	for (int k = 0; k < ADDRESS_KIND__MAX; k++)
		if (e->address_set[k])
			return false;
	return true;
}

/* "" and NULL are the same: no value. */
static const char *value_or_null(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : NULL;
}

static bool same(const char *x, const char *y)
{
	x = value_or_null(x);
	y = value_or_null(y);
	return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

static void note_change(struct profile_changes *out, const char *path, const char *old_value,
                        const char *new_value)
{
	out->c[out->n++] =
	    (struct audit_change){path, value_or_null(old_value), value_or_null(new_value)};
}

static const char *member_of(const struct address_row *x, enum address_member m)
{
	switch (m) {
	case AM_CONTACT: return x->contact_name;
	case AM_COMPANY: return x->company;
	case AM_BUILDING: return x->building;
	case AM_STREET: return x->street;
	case AM_LOCALITY: return x->locality;
	case AM_CITY: return x->city;
	case AM_ADMIN: return x->admin_area;
	case AM_POSTAL: return x->postal_code;
	case AM_COUNTRY: return x->country;
	default: return NULL;
	}
}

static void set_member(struct address_row *x, enum address_member m, const char *v)
{
	const char **slot[AM__MAX] = {
	    [AM_CONTACT] = &x->contact_name, [AM_COMPANY] = &x->company,
	    [AM_BUILDING] = &x->building,    [AM_STREET] = &x->street,
	    [AM_LOCALITY] = &x->locality,    [AM_CITY] = &x->city,
	    [AM_ADMIN] = &x->admin_area,     [AM_POSTAL] = &x->postal_code,
	    [AM_COUNTRY] = &x->country};
	*slot[m] = value_or_null(v);
}

void profile_apply(struct arena *a, const struct profile_edit *e, const struct customer_row *cur,
                   const struct customer_addresses *cur_addresses, struct customer_row *next,
                   struct address_row next_address[ADDRESS_KIND__MAX], struct profile_changes *out)
{
	memset(out, 0, sizeof(*out));
	*next = *cur;
	const char *old_values[PF__MAX] = {cur->first_name, cur->last_name, cur->company,
	                                   cur->phone, customer_type_name[cur->type]};
	for (int f = 0; f < PF__MAX; f++) {
		if (!e->set[f] || same(old_values[f], e->value[f]))
			continue;
		note_change(out, profile_field_name[f], old_values[f], e->value[f]);
		switch (f) {
		case PF_FIRST_NAME: next->first_name = e->value[f]; break;
		case PF_LAST_NAME: next->last_name = e->value[f]; break;
		case PF_COMPANY: next->company = value_or_null(e->value[f]); break;
		case PF_PHONE: next->phone = value_or_null(e->value[f]); break;
		default:
			next->type = (enum customer_type)name_index(
			    customer_type_name, CUSTOMER_TYPE__MAX, e->value[f]);
		}
	}
	for (int k = 0; k < ADDRESS_KIND__MAX; k++) {
		memset(&next_address[k], 0, sizeof(next_address[k]));
		next_address[k].kind = (enum address_kind)k;
		if (!e->address_set[k])
			continue;
		static const struct address_row none;
		const struct address_row *old =
		    cur_addresses->present[k] ? &cur_addresses->of[k] : &none;
		for (int m = 0; m < AM__MAX; m++) {
			set_member(&next_address[k], (enum address_member)m, e->address[k][m]);
			if (same(member_of(old, (enum address_member)m), e->address[k][m]))
				continue;
			note_change(out,
			            arena_printf(a, "%s.%s", address_object_name[k],
			                         address_member_name[m]),
			            member_of(old, (enum address_member)m), e->address[k][m]);
			out->address_changed[k] = true;
		}
	}
}

const char *profile_changes_json(struct arena *a, const struct profile_changes *c)
{
	return audit_changes_json(a, c->c, c->n);
}
