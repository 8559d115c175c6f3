#include "http/input.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "db/customers.h"
#include "db/orders.h"
#include "db/types.h"
#include "domain/keys.h"
#include "domain/merge.h"
#include "domain/notes.h"
#include "domain/profile.h"
#include "domain/webhooks.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/text.h"

_Static_assert(KEY_ADDRESS_LAST - KEY_ADDRESS_FIRST + 1 == ADDRESS_KIND__MAX * AM__MAX,
               "nine address keys per kind");

/* A value an enum-like field accepts, and what it means. */
struct choice {
	const char *name;
	int value;
};

struct field_def;
typedef const char *(*validator)(const struct field_def *d, const char *v, size_t n,
                                 long long *ival);

struct field_def {
	const char *name;
	validator check;
	size_t max;                   /* characters (text) or bytes (tokens) */
	const struct choice *choices; /* for v_enum, ended by a NULL name */
	const char *const *names;     /* for v_name: a vocabulary table (db/types.h) */
	size_t nnames;
	long long min, imax; /* for v_int */
	const char *prefix;  /* for v_public_id */
	bool repeats;
};

static const char *v_text(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	return text_problem(v, n, d->max, "", NULL);
}

static const char *v_multiline(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	return text_problem(v, n, d->max, "\n\r\t", NULL);
}

/* Free text of several lines (a note's summary): valid UTF-8, no control
 * characters but line breaks (CR, LF), at most max characters, and more
 * than white space. */
static const char *v_summary(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	const char *why = text_problem(v, n, d->max, "\n\r", NULL);
	if (why != NULL)
		return why;
	for (size_t i = 0; i < n; i++)
		if (v[i] != ' ' && v[i] != '\n' && v[i] != '\r')
			return NULL;
	return "is empty";
}

static const char *v_enum(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	for (size_t i = 0; d->choices[i].name != NULL; i++)
		if (strlen(d->choices[i].name) == n && memcmp(d->choices[i].name, v, n) == 0) {
			*iv = d->choices[i].value;
			return NULL;
		}
	return "is not one of the allowed values";
}

/* One of a vocabulary's names; the value is its enum (its index). */
static const char *v_name(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	for (size_t i = 0; i < d->nnames; i++)
		if (strlen(d->names[i]) == n && memcmp(d->names[i], v, n) == 0) {
			*iv = (long long)i;
			return NULL;
		}
	return "is not one of the allowed values";
}

static const char *v_int(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	if (n == 0 || n > 19)
		return "is not a number";
	long long x = 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return "is not a number";
		if (x > (LLONG_MAX - (v[i] - '0')) / 10)
			return "is out of range";
		x = x * 10 + (v[i] - '0');
	}
	if (x < d->min || x > d->imax)
		return "is out of range";
	*iv = x;
	return NULL;
}

/* Cursors, tokens, nonces: a restricted alphabet and a length. */
static const char *v_token(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n == 0 || n > d->max)
		return "has the wrong length";
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return "is malformed";
	}
	return NULL;
}

static const char *v_date(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)d;
	if (n != 10 || v[4] != '-' || v[7] != '-')
		return "must be a date (YYYY-MM-DD)";
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
			return "must be a date (YYYY-MM-DD)";
	int y = atoi(v), m = atoi(v + 5), day = atoi(v + 8);
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || y > 2999 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
		return "is not a valid date";
	if (m == 2 && day == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return "is not a valid date";
	*iv = (long long)y * 10000 + m * 100 + day;
	return NULL;
}

static const char *v_public_id(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n > 48 || memchr(v, '\0', n) != NULL || !public_id_valid(v, d->prefix))
		return "is not a valid id";
	return NULL;
}

/* "cus_dup>cus_keep": a duplicate and the customer it merges into. */
static const char *v_pair(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	const char *gt = memchr(v, '>', n);
	if (gt == NULL || n > 97 || memchr(v, '\0', n) != NULL)
		return "must name a duplicate and the customer kept (cus_a>cus_b)";
	char left[49];
	size_t k = (size_t)(gt - v);
	if (k >= sizeof(left))
		return "is not a valid id";
	memcpy(left, v, k);
	left[k] = '\0';
	const char *why = v_public_id(d, left, k, iv);
	return why ? why : v_public_id(d, gt + 1, n - k - 1, iv);
}

/* A webhook event an endpoint may choose (webhook_event_names), or "*":
 * every event. */
static const char *v_event(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)d;
	if (n == 1 && v[0] == '*') {
		*iv = -1;
		return NULL;
	}
	for (unsigned i = 0; i < webhook_event_count; i++)
		if (strlen(webhook_event_names[i]) == n &&
		    memcmp(webhook_event_names[i], v, n) == 0) {
			*iv = (long long)i;
			return NULL;
		}
	return "is not one of the webhook events";
}

static const char *v_serial(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)d;
	(void)iv;
	if (n > 40 || memchr(v, '\0', n) != NULL || !serial_valid(v))
		return "is not a serial number (1 to 40 letters, digits, '-', '_' or '.')";
	return NULL;
}

static const char *v_email(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	const char *why = text_problem(v, n, d->max, "", NULL);
	if (why)
		return why;
	const char *at = memchr(v, '@', n);
	if (at == NULL || at == v || at == v + n - 1 || memchr(v, ' ', n) != NULL)
		return "is not an e-mail address";
	return NULL;
}

/* A field whose rules live in the domain (the profile edit form): only
 * its size is bounded here (bytes), and NUL refused; the handler checks
 * the rest and names each bad field on the form. */
static const char *v_bounded(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (memchr(v, '\0', n) != NULL)
		return "contains a NUL byte";
	return n > d->max ? "is too long" : NULL;
}

/* Bytes of any kind, at most max (an uploaded file: the reader of its
 * format names the line of any bad byte). */
static const char *v_bytes(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)v;
	(void)iv;
	return n > d->max ? "is larger than 3,000,000 bytes; split the file" : NULL;
}

/* A domain name for the bulk filter: letters, digits, '-', '.'. */
static const char *v_domain(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)iv;
	if (n == 0 || n > d->max)
		return "has the wrong length";
	for (size_t i = 0; i < n; i++) {
		char c = v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.'))
			return "is not a domain name";
	}
	return NULL;
}

/* An amount of money, at most 1,000,000.00, with up to two decimals; the
 * value is in cents. */
static const char *v_money(const struct field_def *d, const char *v, size_t n, long long *iv)
{
	(void)d;
	long long units = 0, cents = 0;
	size_t i = 0, digits = 0, decimals = 0;
	for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++) {
		if (digits >= 7)
			return "is out of range";
		units = units * 10 + (v[i] - '0');
	}
	if (i < n && v[i] == '.')
		for (i++; i < n && v[i] >= '0' && v[i] <= '9'; i++, decimals++) {
			if (decimals >= 2)
				return "has more than two decimals";
			cents = cents * 10 + (v[i] - '0');
		}
	if (i != n || digits == 0)
		return "is not an amount (like 49.00)";
	if (decimals == 1)
		cents *= 10;
	if (units * 100 + cents > 100000000LL)
		return "is out of range";
	*iv = units * 100 + cents;
	return NULL;
}

/* The choices of each enum-like field, each with the value it stands for:
 * the handlers see values, never positions or strings. */
#define ALL -1
static const struct choice statuses[] = {
    {"active", CUSTOMER_ACTIVE}, {"inactive", CUSTOMER_INACTIVE}, {"all", ALL}, {NULL, 0}};
static const struct choice types[] = {
    {"individual", CUSTOMER_INDIVIDUAL}, {"business", CUSTOMER_BUSINESS}, {"all", ALL}, {NULL, 0}};
static const struct choice sorts[] = {{"createdAt", CSORT_CREATED},
                                      {"name", CSORT_NAME},
                                      {"email", CSORT_EMAIL},
                                      {"mrr", CSORT_MRR},
                                      {"devices", CSORT_DEVICES},
                                      {"firstName", CSORT_FIRST},
                                      {NULL, 0}};
/* FlexPortal's sortBy names */
static const struct choice api_sorts[] = {{"createdAt", CSORT_CREATED},
                                          {"firstName", CSORT_FIRST},
                                          {"lastName", CSORT_NAME},
                                          {"email", CSORT_EMAIL},
                                          {"totalMonthlyRevenue", CSORT_MRR},
                                          {"totalDevicesRented", CSORT_DEVICES},
                                          {NULL, 0}};
/* FlexPortal's sortBy names of the order list */
static const struct choice order_sorts[] = {
    {"createdAt", OSORT_CREATED}, {"updatedAt", OSORT_UPDATED},  {"orderId", OSORT_ID},
    {"status", OSORT_STATUS},     {"totals.total", OSORT_TOTAL}, {NULL, 0}};
static const struct choice dirs[] = {{"asc", 0}, {"desc", 1}, {NULL, 0}};
static const struct choice formats[] = {{"html", FORMAT_HTML}, {"csv", FORMAT_CSV}, {NULL, 0}};
static const struct choice actions[] = {{"deactivate", 0},
                                        {"reactivate", 1},
                                        {"bulk_apply", 2},
                                        {"edit", 3},
                                        {"order_cancel", 4},
                                        {"subscription_cancel", 5},
                                        {"early_return", 6},
                                        {"device_returned", 7},
                                        {"device_sold", 8},
                                        {"device_lost", 9},
                                        {"device_available", 10},
                                        {"closure_request", 11},
                                        {"closure_withdraw", 12},
                                        {"bulk_undo", 13},
                                        {"merge", 14},
                                        {"webhook_create", 15},
                                        {"webhook_update", 16},
                                        {"webhook_test", 17},
                                        {"webhook_redeliver", 18},
                                        {"erase", 19},
                                        {"legal_hold", 20},
                                        {"legal_hold_lift", 21},
                                        {"retention_policy", 22},
                                        {"api_key_create", 23},
                                        {"api_key_revoke", 24},
                                        {"operator_add", 25},
                                        {"operator_role", 26},
                                        {"operator_disable", 27},
                                        {"operator_enable", 28},
                                        {NULL, 0}};
static const struct choice modes[] = {
    {"paste", MODE_PASTE},   {"filter", MODE_FILTER}, {"duplicates", MODE_DUPLICATES},
    {"search", MODE_SEARCH}, {"file", MODE_FILE},     {NULL, 0}};
/* what a device page may set (a new rental is the only way out) */
static const struct choice device_statuses[] = {{"returned", ASSET_RETURNED},
                                                {"sold", ASSET_SOLD},
                                                {"unavailable", ASSET_UNAVAILABLE},
                                                {NULL, 0}};
static const struct choice yes[] = {{"1", 1}, {NULL, 0}};
static const struct choice roles[] = {
    {"viewer", ROLE_VIEWER}, {"operator", ROLE_OPERATOR}, {"admin", ROLE_ADMIN}, {NULL, 0}};
static const struct choice bools[] = {{"false", 0}, {"true", 1}, {NULL, 0}};
static const struct choice zero_one[] = {{"0", 0}, {"1", 1}, {NULL, 0}};
static const struct choice closure_states[] = {{"pending", CLOSURE_PENDING},
                                               {"done", CLOSURE_DONE},
                                               {"withdrawn", CLOSURE_WITHDRAWN},
                                               {"all", ALL},
                                               {NULL, 0}};

#define BEFORE(name)                                                                               \
	{                                                                                          \
		name, .check = v_int, .min = 1, .imax = 9223372036854775807LL                      \
	}

/* The edit form's fields: four times the longest column (200
 * characters) in bytes, so that a too-long value reaches the rules and is
 * named on the form; anything longer is no typing mistake. */
#define EDIT_MAX 800
#define ADDRESS_KEY(kind, m, prefix, name)                                                         \
	[KEY_ADDRESS(kind, m)] = {prefix name, .check = v_bounded, .max = EDIT_MAX}
#define ADDRESS_KEYS(kind, prefix)                                                                 \
	ADDRESS_KEY(kind, AM_CONTACT, prefix, "contactName"),                                      \
	    ADDRESS_KEY(kind, AM_COMPANY, prefix, "company"),                                      \
	    ADDRESS_KEY(kind, AM_BUILDING, prefix, "buildingInfo"),                                \
	    ADDRESS_KEY(kind, AM_STREET, prefix, "streetAddress"),                                 \
	    ADDRESS_KEY(kind, AM_LOCALITY, prefix, "locality"),                                    \
	    ADDRESS_KEY(kind, AM_CITY, prefix, "city"),                                            \
	    ADDRESS_KEY(kind, AM_ADMIN, prefix, "adminArea"),                                      \
	    ADDRESS_KEY(kind, AM_POSTAL, prefix, "postalCode"),                                    \
	    ADDRESS_KEY(kind, AM_COUNTRY, prefix, "country")

/* Every field: its name, then its rule and limits. */
static const struct field_def defs[KEY__MAX] = {
    [KEY_Q] = {"q", .check = v_text, .max = 100},
    [KEY_STATUS] = {"status", .check = v_enum, .choices = statuses},
    [KEY_TYPE] = {"type", .check = v_enum, .choices = types},
    [KEY_SORT] = {"sort", .check = v_enum, .choices = sorts},
    [KEY_DIR] = {"dir", .check = v_enum, .choices = dirs},
    [KEY_AFTER] = {"after", .check = v_token, .max = 700},
    [KEY_FORMAT] = {"format", .check = v_enum, .choices = formats},
    [KEY_ORDERS_BEFORE] = BEFORE("orders_before"),
    [KEY_SUBS_BEFORE] = BEFORE("subs_before"),
    [KEY_DEVICES_BEFORE] = BEFORE("devices_before"),
    [KEY_PAYMENTS_BEFORE] = BEFORE("payments_before"),
    [KEY_AUDIT_BEFORE] = BEFORE("audit_before"),
    [KEY_NOTES_BEFORE] = BEFORE("notes_before"),
    [KEY_HIGHLIGHT] = {"highlight", .check = v_token, .max = 40},
    [KEY_REASON] = {"reason", .check = v_name, .names = reason_code, .nnames = REASON__MAX},
    [KEY_NOTE] = {"note", .check = v_multiline, .max = 500},
    [KEY_CSRF] = {"csrf", .check = v_token, .max = 64},
    [KEY_KIND] = {"kind", .check = v_name, .names = note_kind_name, .nnames = NOTE_KIND__MAX},
    [KEY_NOTED_ON] = {"date", .check = v_date},
    [KEY_SUMMARY] = {"summary", .check = v_summary, .max = NOTE_SUMMARY_MAX},
    [KEY_FOLLOW_UP] = {"follow_up", .check = v_date},
    [KEY_ACTOR] = {"actor", .check = v_text, .max = 100},
    [KEY_ACTION] = {"action", .check = v_enum, .choices = actions},
    [KEY_OUTCOME] = {"outcome", .check = v_token, .max = 64},
    [KEY_FROM] = {"from", .check = v_date},
    [KEY_TO] = {"to", .check = v_date},
    [KEY_CUSTOMER] = {"customer", .check = v_public_id, .prefix = "cus"},
    [KEY_LINES] = {"lines", .check = v_multiline, .max = 4 * 1024 * 1024},
    [KEY_MODE] = {"mode", .check = v_enum, .choices = modes},
    [KEY_DOMAIN] = {"domain", .check = v_domain, .max = 253},
    [KEY_CREATED_BEFORE] = {"created_before", .check = v_date},
    [KEY_NO_ORDERS] = {"no_orders", .check = v_enum, .choices = yes},
    [KEY_IDLE_SINCE] = {"idle_since", .check = v_date},
    [KEY_SELECT] = {"select", .check = v_public_id, .prefix = "cus", .repeats = true},
    [KEY_PAIR] = {"pair", .check = v_pair, .prefix = "cus", .repeats = true},
    [KEY_NONCE] = {"nonce", .check = v_token, .max = 64},
    [KEY_SOURCE] = {"source", .check = v_text, .max = 200},
    [KEY_ITEMS_AFTER] = {"items_after", .check = v_int, .min = 0, .imax = 2147483647},
    [KEY_FILE] = {"file", .check = v_bytes, .max = BULK_FILE_MAX},
    [KEY_FILE_DATA] = {"file_data", .check = v_token, .max = B64_ENCODED_SIZE(BULK_FILE_MAX) - 1},
    [KEY_FILE_NAME] = {"file_name", .check = v_text, .max = 255},
    [KEY_COLUMN] = {"column", .check = v_int, .min = 1, .imax = CSV_MAX_COLUMNS},
    [KEY_ORDER_STATUS] = {"status", .check = v_name, .names = order_status_name,
                          .nnames = ORDER_STATUS__MAX},
    [KEY_LIMIT] = {"limit", .check = v_int, .min = 1, .imax = 100},
    [KEY_START_AFTER] = {"startAfter", .check = v_token, .max = 700},
    [KEY_CUSTOMER_TYPE] = {"customerType", .check = v_name, .names = customer_type_name,
                           .nnames = CUSTOMER_TYPE__MAX},
    [KEY_EMAIL] = {"email", .check = v_email, .max = 254},
    [KEY_SEARCH] = {"search", .check = v_text, .max = 100},
    [KEY_HAS_ACTIVE_RENTALS] = {"hasActiveRentals", .check = v_enum, .choices = bools},
    [KEY_SORT_BY] = {"sortBy", .check = v_enum, .choices = api_sorts},
    [KEY_SORT_DIR] = {"sortDir", .check = v_enum, .choices = dirs},
    [KEY_CUSTOMER_ID] = {"customerId", .check = v_public_id, .prefix = "cus"},
    [KEY_FIRST_NAME] = {"firstName", .check = v_bounded, .max = EDIT_MAX},
    [KEY_LAST_NAME] = {"lastName", .check = v_bounded, .max = EDIT_MAX},
    [KEY_COMPANY] = {"company", .check = v_bounded, .max = EDIT_MAX},
    [KEY_PHONE] = {"phone", .check = v_bounded, .max = EDIT_MAX},
    [KEY_EDIT_TYPE] = {"customerType", .check = v_bounded, .max = EDIT_MAX},
    ADDRESS_KEYS(ADDRESS_BILLING, "billingAddress."),
    ADDRESS_KEYS(ADDRESS_SHIPPING, "shippingAddress."),
    [KEY_ORDER_SORT_BY] = {"sortBy", .check = v_enum, .choices = order_sorts},
    [KEY_CANCEL_REASON] = {"cancel_reason", .check = v_name, .names = cancel_reason_name,
                           .nnames = CANCEL_REASON__MAX},
    [KEY_CONDITION] = {"condition", .check = v_name, .names = return_condition_name,
                       .nnames = COND__MAX},
    [KEY_FEE] = {"fee", .check = v_money},
    [KEY_RETURNED_ON] = {"returned_on", .check = v_date},
    [KEY_DEVICE_STATUS] = {"device_status", .check = v_enum, .choices = device_statuses},
    [KEY_REASON_TEXT] = {"reason_text", .check = v_multiline, .max = 1000},
    [KEY_NOTES] = {"notes", .check = v_multiline, .max = 1000},
    [KEY_SUB_STATUS] = {"status", .check = v_name, .names = subscription_status_name,
                        .nnames = SUB_STATUS__MAX},
    [KEY_ASSET_STATUS] = {"status", .check = v_name, .names = asset_status_name,
                          .nnames = ASSET_STATUS__MAX},
    [KEY_PAYMENT_STATUS] = {"status", .check = v_name, .names = payment_status_name,
                            .nnames = PAYMENT_STATUS__MAX},
    [KEY_ORDER_ID] = {"orderId", .check = v_public_id, .prefix = "ord"},
    [KEY_SERIAL_NUMBER] = {"serialNumber", .check = v_serial},
    [KEY_SKU] = {"sku", .check = v_token, .max = 40},
    [KEY_RENTAL_ID] = {"rentalId", .check = v_public_id, .prefix = "sub"},
    [KEY_BILLING_GROUP_ID] = {"billingGroupId", .check = v_token, .max = 64},
    [KEY_DUE_DATE_FROM] = {"dueDateFrom", .check = v_date},
    [KEY_DUE_DATE_TO] = {"dueDateTo", .check = v_date},
    [KEY_CANCEL_NOW] = {"cancel_now", .check = v_enum, .choices = yes},
    [KEY_CLOSURE_STATE] = {"state", .check = v_enum, .choices = closure_states},
    [KEY_CLOSURES_BEFORE] = BEFORE("before"),
    [KEY_WHEN_CLEAR] = {"whenClear", .check = v_enum, .choices = bools},
    [KEY_INTO] = {"into", .check = v_public_id, .prefix = "cus"},
    [KEY_TAKE] = {"take", .check = v_name, .names = merge_field_name, .nnames = MF__MAX,
                  .repeats = true},
    /* the domain checks the scheme; 500 is the column's (and the rule's) limit */
    [KEY_URL] = {"url", .check = v_text, .max = 500},
    [KEY_EVENT] = {"event", .check = v_event, .repeats = true},
    [KEY_ENABLED] = {"enabled", .check = v_enum, .choices = yes},
    [KEY_DELIVERY] = {"delivery", .check = v_int, .min = 1, .imax = 9223372036854775807LL},
    [KEY_ART17] = {"art17", .check = v_enum, .choices = yes},
    [KEY_CONFIRM] = {"confirm", .check = v_enum, .choices = yes},
    [KEY_HOLD] = {"hold", .check = v_enum, .choices = zero_one},
    [KEY_ERASE_AFTER] = {"erase_after_months", .check = v_int, .min = 0, .imax = 1200},
    [KEY_ERASE_MIN] = {"erase_min_months", .check = v_int, .min = 0, .imax = 1200},
    [KEY_FIN_YEARS] = {"financial_years", .check = v_int, .min = 1, .imax = 100},
    [KEY_KEEP_LOCATION] = {"keep_location", .check = v_enum, .choices = yes},
    [KEY_KEY_LABEL] = {"label", .check = v_text, .max = KEY_LABEL_MAX},
    [KEY_KEY_ROLE] = {"role", .check = v_name, .names = role_name, .nnames = ROLE__MAX},
    [KEY_RATE_LIMIT] = {"rate_limit", .check = v_int, .min = 1, .imax = KEY_RATE_MAX},
    /* four times the columns' 100 characters in bytes: a longer value
     * reaches the rule and is named; anything longer is no typing mistake */
    [KEY_USERNAME] = {"username", .check = v_bounded, .max = 400},
    [KEY_DISPLAY_NAME] = {"display_name", .check = v_bounded, .max = 400},
    [KEY_ROLE] = {"role", .check = v_enum, .choices = roles},
};

const char *input_name(enum key k)
{
	return k < KEY__MAX ? defs[k].name : "?";
}

const char *input_check(enum key k, const char *v, size_t len)
{
	long long iv = 0;
	return defs[k].check(&defs[k], v, len, &iv);
}

const char *input_problem_code(enum key k, const struct field *f)
{
	if (k >= KEY__MAX)
		return "invalid_string";
	const struct field_def *d = &defs[k];
	if (d->check == v_enum || d->check == v_name)
		return "invalid_enum_value";
	const char *why = f->problem ? f->problem : "";
	if (d->check == v_int) {
		/* a number (digits only) is out of range, anything else no number */
		const char *v = f->given ? f->given : "";
		size_t n = strlen(v);
		if (n == 0 || strspn(v, "0123456789") != n)
			return "invalid_type";
		return n > 18 || atoll(v) > d->imax ? "too_big" : "too_small";
	}
	if (strcmp(why, "is too long") == 0)
		return "too_big";
	return "invalid_string";
}

const char *input_choice_name(enum key k, long long value)
{
	if (k >= KEY__MAX)
		return NULL;
	if (defs[k].check == v_name)
		return value >= 0 && (size_t)value < defs[k].nnames ? defs[k].names[value] : NULL;
	if (defs[k].check != v_enum)
		return NULL;
	for (size_t i = 0; defs[k].choices[i].name != NULL; i++)
		if (defs[k].choices[i].value == value)
			return defs[k].choices[i].name;
	return NULL;
}

/* Validates one value as key k into its field. */
static void take_one(struct arena *a, enum key k, const struct kv *kv, size_t cap,
                     struct field fields[KEY__MAX])
{
	struct field *f = &fields[k];
	if (f->state == FIELD_INVALID)
		return;
	const struct field_def *d = &defs[k];
	long long iv = 0;
	const char *why = d->check(d, kv->val, kv->vlen, &iv);
	if (why != NULL) {
		f->state = FIELD_INVALID;
		f->problem = why;
		f->given = kv->val; /* for input_problem_code() only */
		return;
	}
	f->state = FIELD_OK;
	f->s = kv->val;
	f->len = kv->vlen;
	f->i = iv;
	if (d->repeats) {
		if (f->multi == NULL)
			f->multi = arena_alloc(a, sizeof(char *) * (cap + 1));
		f->multi[f->nmulti++] = kv->val;
	}
}

/* cap bounds how many values a repeating field can collect over both
 * lists, so the first allocation is large enough for all of them. */
static void take(struct arena *a, const struct kvlist *l, size_t cap, key_set set,
                 struct field fields[KEY__MAX])
{
	for (size_t i = 0; i < l->n; i++) {
		/* An empty value means "not given" (blank form fields). */
		if (l->v[i].vlen == 0)
			continue;
		for (int k = 0; k < KEY__MAX; k++)
			if ((set & KEYS(k)) && strcmp(defs[k].name, l->v[i].key) == 0)
				take_one(a, (enum key)k, &l->v[i], cap, fields);
	}
}

/* The keys validated for a route that reads set: its own, and every other
 * key whose name none of its own uses (a value that no handler reads is
 * still refused when it is malformed). */
static key_set effective(key_set set)
{
	key_set eff = set | KEYS_ALL;
	for (int k = 0; k < KEY__MAX; k++)
		if (set & KEYS(k))
			for (int j = 0; j < KEY__MAX; j++)
				if (j != k && !(set & KEYS(j)) &&
				    strcmp(defs[j].name, defs[k].name) == 0)
					eff &= ~KEYS(j);
	return eff;
}

enum key input_validate_keys(struct arena *a, const struct kvlist *qs, const struct kvlist *form,
                             key_set set, struct field fields[KEY__MAX])
{
	set = effective(set);
	memset(fields, 0, sizeof(struct field) * KEY__MAX);
	size_t cap = qs->n + form->n;
	take(a, qs, cap, set, fields);
	take(a, form, cap, set, fields);
	for (int k = 0; k < KEY__MAX; k++)
		if (fields[k].state == FIELD_INVALID)
			return (enum key)k;
	return KEY__MAX;
}

enum key input_require(key_set required, struct field fields[KEY__MAX])
{
	enum key first = KEY__MAX;
	for (int k = 0; k < KEY__MAX; k++)
		if ((required & KEYS(k)) && fields[k].state == FIELD_ABSENT) {
			fields[k].state = FIELD_INVALID;
			fields[k].problem = "is required";
			fields[k].given = "";
			if (first == KEY__MAX)
				first = (enum key)k;
		}
	return first;
}

const char *input_problems(struct arena *a, const struct field fields[KEY__MAX])
{
	struct buf b;
	buf_init(&b, a, 128);
	for (int k = 0; k < KEY__MAX; k++)
		if (fields[k].state == FIELD_INVALID)
			buf_printf(&b, "%s%s: %s.", b.len ? " " : "", defs[k].name,
			           fields[k].problem);
	return b.p;
}

enum key input_validate(struct arena *a, const struct kvlist *qs, const struct kvlist *form,
                        struct field fields[KEY__MAX])
{
	return input_validate_keys(a, qs, form, KEYS_ALL, fields);
}
