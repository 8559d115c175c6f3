/* POST /customers/{id}/notes: a note on the customer (the form is on the
 * customer page, pages/customers.c). */
#include <string.h>

#include "domain/notes.h"
#include "http/error.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/common.h"
#include "pages/pages.h"

void page_note_add(struct req *r)
{
	/* kind, date and summary are required by the route; all three are
	 * checked by the input table before this runs. */
	const char *summary = req_str(r, KEY_SUMMARY);
	struct note_input in = {
	    .noted_on = req_str(r, KEY_NOTED_ON),
	    .kind = (enum note_kind)req_int(r, KEY_KIND, NOTE_EMAIL),
	    .summary = summary,
	    .summary_len = r->fields[KEY_SUMMARY].len,
	    .follow_up = req_str(r, KEY_FOLLOW_UP),
	};
	struct actor who = page_actor(r);
	uint64_t id;
	enum err rc = notes_add(r->app->db, r->arena, &who, r->arg, &in, &id);
	if (rc == ERR_INVALID) {
		http_error(r, 400, "INVALID_PARAMETER", "summary: is empty.");
		return;
	}
	if (rc == ERR_REFUSED) {
		page_erased(r);
		return;
	}
	if (rc != ERR_OK) {
		page_customer_failed(r, rc);
		return;
	}
	view_flash(r, "note_added");
	resp_redirect(r, arena_printf(r->arena, "/customers/%s#notes", r->arg));
}
