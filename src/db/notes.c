/* customer_notes: append-only (the application account cannot UPDATE or
 * DELETE them). */
#include "db/notes.h"

#include "db/sql.h"

const struct stmt_sql db_sql_notes[] = {
    /* tenant, customer id, noted on, kind, summary, follow-up (NULL), by */
    {STMT_NOTE_INSERT,
     "INSERT INTO customer_notes (tenant_id, customer_id, noted_on, kind, summary, follow_up,"
     "                            created_at, created_by)"
     " VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), ?)"},
};
const size_t db_sql_notes_n = sizeof(db_sql_notes) / sizeof(db_sql_notes[0]);

enum err db_note_insert(struct db *db, struct arena *a, const struct note_entry *e, uint64_t *id)
{
	enum err rc = db_exec(db, a, STMT_NOTE_INSERT, NULL, "iusssss", (long long)e->tenant,
	                      (unsigned long long)e->customer_id, e->noted_on,
	                      note_kind_name[e->kind], e->summary, e->follow_up, e->created_by);
	*id = rc == ERR_OK ? db_insert_id(db) : 0;
	return rc;
}
