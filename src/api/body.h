#ifndef CUSTODIAN_API_BODY_H
#define CUSTODIAN_API_BODY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct req;

/*
 * The JSON body of a record's write (cancel, early return, asset update),
 * read member by member against FlexPortal's request schema. Every problem
 * is collected; body_close() answers 400 VALIDATION_ERROR naming each one
 * (path, message, code in FlexPortal's vocabulary). Strings are copied to
 * the request's arena.
 */
struct api_body {
	struct req *r;
	json_t *root;    /* the object, or NULL for an empty body */
	json_t *details; /* the problems so far */
	const char *first;
};

/*
 * Opens r's body: known lists the member names the operation takes
 * (others are unrecognized_keys). An empty body is {} when allow_empty.
 * Returns false after answering 415 (not application/json) or 400 (not a
 * JSON object).
 */
bool body_open(struct req *r, bool allow_empty, const char *const *known, struct api_body *b);

/* Adds a problem about path. */
void body_problem(struct api_body *b, const char *path, const char *code, const char *message);

/* A string member of at most max characters (no control characters but
 * line breaks and tabs; min_one: not empty); NULL when absent, or after a
 * problem. */
const char *body_string(struct api_body *b, const char *name, bool required, size_t max,
                        bool min_one);

/* A member that must be one of names[0..n): its index, -1 when absent or
 * after a problem. */
int body_enum(struct api_body *b, const char *name, bool required, const char *const *names, int n);

/* A number member as cents (at most two decimals, below 100,000,000):
 * true and *cents when present and valid; a negative number is left to
 * the caller (*negative set). */
bool body_cents(struct api_body *b, const char *name, int64_t *cents, bool *negative);

/* Frees the body; when there were problems answers 400 and returns false. */
bool body_close(struct api_body *b);

#endif
