#ifndef CUSTODIAN_DOMAIN_NOTES_H
#define CUSTODIAN_DOMAIN_NOTES_H

#include <stddef.h>
#include <stdint.h>

#include "db/types.h"
#include "domain/lifecycle.h"

/*
 * Notes on a customer: a contact (e-mail, phone call, meeting) on a day,
 * what it was about, and optionally a day to follow up. Append-only: a note
 * is never changed or removed (the database account cannot), and it is
 * kept, like every other record, through deactivation and reactivation.
 * Inactive customers take notes too (README "Decisions").
 */

/* The longest summary, in characters (customer_notes.summary). */
#define NOTE_SUMMARY_MAX 2000

/* A note as the form gives it, each field already checked by the input
 * table (http/input.c): dates are real YYYY-MM-DD dates, the summary valid
 * UTF-8 of at most NOTE_SUMMARY_MAX characters without control characters
 * other than line breaks. */
struct note_input {
	const char *noted_on; /* the day of the contact */
	enum note_kind kind;
	const char *summary;
	size_t summary_len;
	const char *follow_up; /* NULL: none */
};

/*
 * Adds a note to the customer public_id of who's tenant, in one
 * transaction: lock the customer row, insert the note, write its audit row
 * (action "note"), commit. The summary is stored with its line breaks as
 * "\n" and without leading or trailing white space.
 *
 * Returns ERR_OK and sets *note_id; ERR_INVALID when the summary is empty
 * once trimmed (nothing written); ERR_NOT_FOUND when the tenant has no
 * such customer (audited as NOT_FOUND, nothing else written); ERR_REFUSED
 * when its personal data was erased (audited as ERASED, nothing written);
 * ERR_UNAVAILABLE, ERR_RETRY or ERR_INTERNAL when the database fails
 * (nothing written but, when it can be, the attempt's audit row).
 */
enum err notes_add(struct db *db, struct arena *a, const struct actor *who, const char *public_id,
                   const struct note_input *in, uint64_t *note_id);

/* The summary as it is stored: CRLF and lone CR become LF, leading and
 * trailing spaces, tabs and line breaks go. Returns it in the arena (""
 * when nothing is left). */
char *notes_normalize(struct arena *a, const char *s, size_t n);

#endif
