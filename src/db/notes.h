#ifndef CUSTODIAN_DB_NOTES_H
#define CUSTODIAN_DB_NOTES_H

#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * customer_notes: append-only (the application account may SELECT and
 * INSERT, nothing more). The customer page reads them with its history
 * sections (db_sections() in db/records.c), the retention figures count
 * them (db/retention.c); this file writes them.
 */

/* One note as written: everything already validated (domain/notes.c). */
struct note_entry {
	unsigned tenant;
	uint64_t customer_id;
	const char *noted_on; /* "YYYY-MM-DD", the day of the contact */
	enum note_kind kind;
	const char *summary;
	const char *follow_up; /* "YYYY-MM-DD", or NULL */
	const char *created_by;
};

/* Inserts e (created_at = now, UTC) and sets *id to the new note's id.
 * Returns the database's error and sets *id to 0 on failure. */
enum err db_note_insert(struct db *db, struct arena *a, const struct note_entry *e, uint64_t *id);

#endif
