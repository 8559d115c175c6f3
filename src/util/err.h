#ifndef CUSTODIAN_ERR_H
#define CUSTODIAN_ERR_H

/*
 * The one error type below the handlers: what db/ and domain/ return, and
 * what http/error.c maps, in one table, to an HTTP status, an error page and
 * a FlexPortal API error code. ERR_OK is 0, so "if (e)" reads "if failed".
 */
enum err {
	ERR_OK = 0,
	ERR_RETRY,       /* deadlock or lock wait timeout: the transaction runs again;
	                    returned only once the retry budget is spent (503) */
	ERR_UNAVAILABLE, /* no database connection, or it was lost or timed out (503) */
	ERR_SIGNAL,      /* a trigger refused (SQLSTATE 45000); db_error() has the code */
	ERR_DUPLICATE,   /* unique key violation */
	ERR_NOT_FOUND,   /* no such record in the caller's tenant (404) */
	ERR_INVALID,     /* the request's values are wrong (400) */
	ERR_TOO_LARGE,   /* more than a limit allows (413) */
	ERR_REFUSED,     /* the rules refuse the change; nothing changed (409) */
	ERR_FORBIDDEN,   /* the rules refuse it to this user, as they are now (403) */
	ERR_INTERNAL,    /* anything else: a bug, logged (500) */
	ERR__MAX
};

/*
 * An error with what to tell the person or script: code is the error code
 * ("NO_LINES", "CUSTOMER_HAS_PENDING_ORDERS"), message says what to do. Both
 * may be NULL for the kind's defaults (http/error.c).
 */
struct failure {
	enum err kind;
	const char *code;
	const char *message;
};

/* Fills f and returns its kind, for one-line error returns. */
enum err fail_with(struct failure *f, enum err kind, const char *code, const char *message);

#endif
