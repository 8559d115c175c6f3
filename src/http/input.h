#ifndef CUSTODIAN_INPUT_H
#define CUSTODIAN_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/kv.h"
#include "util/arena.h"

/*
 * Every input field the application accepts, validated once, up front, by
 * the table in input.c (name, validator, limits). Handlers see only typed,
 * already-checked values; an invalid field stops the request with 400 and
 * the field's name before any handler runs. Unknown names are ignored.
 */

enum key {
	/* lists and filters */
	KEY_Q,
	KEY_STATUS,
	KEY_TYPE,
	KEY_SORT,
	KEY_DIR,
	KEY_AFTER,
	KEY_FORMAT,
	/* customer page sections */
	KEY_ORDERS_BEFORE,
	KEY_SUBS_BEFORE,
	KEY_DEVICES_BEFORE,
	KEY_PAYMENTS_BEFORE,
	KEY_AUDIT_BEFORE,
	KEY_NOTES_BEFORE,
	KEY_HIGHLIGHT, /* the record the search box jumped to */
	/* lifecycle forms */
	KEY_REASON,
	KEY_NOTE,
	KEY_CSRF,
	/* the note form */
	KEY_KIND,
	KEY_NOTED_ON, /* "date": the day of the contact */
	KEY_SUMMARY,
	KEY_FOLLOW_UP,
	/* audit filters */
	KEY_ACTOR,
	KEY_ACTION,
	KEY_OUTCOME,
	KEY_FROM,
	KEY_TO,
	KEY_CUSTOMER,
	/* bulk */
	KEY_LINES,
	KEY_MODE,
	KEY_DOMAIN,
	KEY_CREATED_BEFORE,
	KEY_NO_ORDERS,
	KEY_IDLE_SINCE,
	KEY_SELECT,
	KEY_NONCE,
	KEY_SOURCE,
	KEY_ITEMS_AFTER,
	KEY_FILE,      /* "file": an uploaded file's bytes (mode=file) */
	KEY_FILE_DATA, /* "file_data": the same, base64url, as the column form sends it back */
	KEY_FILE_NAME, /* "file_name": its name as the browser gave it */
	KEY_COLUMN,    /* "column": the file's column of ids or e-mails, from 1 */
	/* JSON API query parameters (FlexPortal names) */
	KEY_ORDER_STATUS, /* "status" of GET /v1/orders */
	KEY_LIMIT,
	KEY_START_AFTER,
	KEY_CUSTOMER_TYPE,
	KEY_EMAIL,
	KEY_SEARCH, /* GET /v1/customers: the search box (an extension) */
	KEY_HAS_ACTIVE_RENTALS,
	KEY_SORT_BY,
	KEY_SORT_DIR,
	KEY_CUSTOMER_ID,
	/* The profile edit form, by FlexPortal's names. The rules are
	 * domain/profile.c's (the page names each bad field), so these keys
	 * only bound the size. The address keys are nine per kind, in the
	 * order of enum address_member: KEY_ADDRESS(kind, member). */
	KEY_FIRST_NAME,
	KEY_LAST_NAME,
	KEY_COMPANY,
	KEY_PHONE,
	KEY_EDIT_TYPE, /* "customerType", any text: the rules check it */
	KEY_ADDRESS_FIRST,
	KEY_ADDRESS_LAST = KEY_ADDRESS_FIRST + 2 * 9 - 1,
	KEY_ORDER_SORT_BY, /* "sortBy" of GET /v1/orders */
	/* the actions on a deactivation's blockers (pages/records.c) */
	KEY_CANCEL_REASON,
	KEY_CONDITION,
	KEY_FEE, /* money: "12.50" gives 1250 (cents) */
	KEY_RETURNED_ON,
	KEY_DEVICE_STATUS,
	KEY_REASON_TEXT,
	KEY_NOTES,
	/* the records' lists (GET /v1/subscriptions, /v1/assets, /v1/payments) */
	KEY_SUB_STATUS,     /* "status" of GET /v1/subscriptions */
	KEY_ASSET_STATUS,   /* "status" of GET /v1/assets */
	KEY_PAYMENT_STATUS, /* "status" of GET /v1/payments */
	KEY_ORDER_ID,
	KEY_SERIAL_NUMBER,
	KEY_SKU,
	KEY_RENTAL_ID,
	KEY_BILLING_GROUP_ID,
	KEY_DUE_DATE_FROM,
	KEY_DUE_DATE_TO,
	/* closure requests ("close when clear") */
	KEY_CANCEL_NOW,      /* "cancel_now": 1 */
	KEY_CLOSURE_STATE,   /* "state" of /closures */
	KEY_CLOSURES_BEFORE, /* "before" of /closures: the keyset */
	KEY_WHEN_CLEAR,      /* "whenClear" of DELETE /v1/customers/{id} */
	/* merging a duplicate (pages/merge.c) */
	KEY_INTO, /* the customer kept */
	KEY_TAKE, /* the fields taken from the duplicate, repeated */
	KEY_PAIR, /* bulk merge: "cus_dup>cus_keep", repeated */
	/* webhook endpoints (pages/webhooks.c); their delivery log's "before"
	 * is KEY_CLOSURES_BEFORE (the same name and rule) */
	KEY_URL,      /* "url": bounded text; the domain checks the scheme */
	KEY_EVENT,    /* "event": an event name or "*", repeated */
	KEY_ENABLED,  /* "enabled": 1 */
	KEY_DELIVERY, /* "delivery": a delivery's id */
	/* erasing personal data (pages/erasure.c) */
	KEY_ART17,   /* "art17": 1, a GDPR Art. 17 request */
	KEY_CONFIRM, /* "confirm": 1, the admin confirms it cannot be undone */
	KEY_HOLD,    /* "hold": 1 sets a legal hold, 0 lifts it */
	/* the retention policy (pages/retention.c) */
	KEY_ERASE_AFTER,   /* "erase_after_months": 0 (none) .. 1200 */
	KEY_ERASE_MIN,     /* "erase_min_months": 0 .. 1200 */
	KEY_FIN_YEARS,     /* "financial_years": 1 .. 100 */
	KEY_KEEP_LOCATION, /* "keep_location": 1 */
	/* the API keys page (pages/api_keys.c) */
	KEY_KEY_LABEL,  /* "label": 1 to 100 characters; the domain checks it again */
	KEY_KEY_ROLE,   /* "role": viewer, operator or admin */
	KEY_RATE_LIMIT, /* "rate_limit": calls a minute, 1 .. 1000000 (empty: the default) */
	/* the Operators page (pages/operators.c); the domain checks a login's
	 * characters and a display name's length, so these only bound them */
	KEY_USERNAME,     /* "username" */
	KEY_DISPLAY_NAME, /* "display_name" */
	KEY_ROLE,         /* "role": viewer, operator or admin (enum role) */
	KEY__MAX
};

/* A set of keys (a route's), and the set of every key but those that
 * share a name with another (KEY_ORDER_STATUS, KEY_EDIT_TYPE,
 * KEY_ORDER_SORT_BY and the records' statuses). With the
 * edit form's fields a uint64_t has no bit to spare (and KEYS_ALL shifts
 * by KEY__MAX), so a key set is GCC's and Clang's 128-bit integer
 * (__extension__ keeps -Wpedantic quiet about it). */
__extension__ typedef unsigned __int128 key_set;
_Static_assert(KEY__MAX < 128, "key_set has a bit for every key");
#define KEYS(k) ((key_set)1 << (k))
#define KEYS_ALL                                                                                   \
	((((key_set)1 << KEY__MAX) - 1) &                                                          \
	 ~(KEYS(KEY_ORDER_STATUS) | KEYS(KEY_EDIT_TYPE) | KEYS(KEY_ORDER_SORT_BY) |                \
	   KEYS(KEY_SUB_STATUS) | KEYS(KEY_ASSET_STATUS) | KEYS(KEY_PAYMENT_STATUS)))
/* The keys first..last. */
#define KEYS_RANGE(first, last)                                                                    \
	((((key_set)1 << ((last) + 1)) - 1) & ~(((key_set)1 << (first)) - 1))
/* The key of an address member (enum address_kind, enum address_member). */
#define KEY_ADDRESS(kind, member) ((enum key)(KEY_ADDRESS_FIRST + (kind)*9 + (member)))

/* The values of the enum-like fields that are not database vocabulary
 * (those are db/types.h's enums). */
enum format { FORMAT_HTML, FORMAT_CSV };
enum bulk_mode { MODE_PASTE, MODE_FILTER, MODE_DUPLICATES, MODE_SEARCH, MODE_FILE };

/* The largest file a bulk run takes (bytes): base64url, as the column form
 * sends it back, it still fits the default 4 MiB body limit. */
#define BULK_FILE_MAX 3000000

enum field_state { FIELD_ABSENT = 0, FIELD_OK, FIELD_INVALID };

struct field {
	enum field_state state;
	const char *s; /* the value (last one given) */
	size_t len;
	long long i;        /* integer fields: the number; choices: the choice's value */
	const char **multi; /* every value, for fields that repeat */
	size_t nmulti;
	const char *problem; /* why it is invalid */
	const char *given;   /* the invalid value (never handed to handlers) */
};

/* The name of a key as it appears in URLs and forms. */
const char *input_name(enum key k);

/*
 * Validates the values of qs then form (a form value wins over a query
 * value of the same name) into fields. Returns the first invalid key, or
 * KEY__MAX when every present field is valid.
 */
enum key input_validate(struct arena *a, const struct kvlist *qs, const struct kvlist *form,
                        struct field fields[KEY__MAX]);

/* The same for a route that reads the keys of set: where two keys share a
 * name ("status" of customers and of orders), set decides which applies;
 * every other key is validated too. */
enum key input_validate_keys(struct arena *a, const struct kvlist *qs, const struct kvlist *form,
                             key_set set, struct field fields[KEY__MAX]);

/* Marks every key of required that is absent from fields as invalid ("is
 * required"). Returns the first such key, or KEY__MAX. */
enum key input_require(key_set required, struct field fields[KEY__MAX]);

/* The problems of every invalid field, "name: problem." joined by " ". */
const char *input_problems(struct arena *a, const struct field fields[KEY__MAX]);

/* The name of a choice of an enum-like key by its value ("desc" for
 * KEY_DIR 1), or NULL. */
const char *input_choice_name(enum key k, long long value);

/* What kind of problem an invalid field has, in FlexPortal's (zod's)
 * vocabulary: "invalid_enum_value", "invalid_type", "too_small", "too_big"
 * or "invalid_string". */
const char *input_problem_code(enum key k, const struct field *f);

/* Checks one value against a key's rules: NULL if valid, else why not. */
const char *input_check(enum key k, const char *v, size_t len);

#endif
