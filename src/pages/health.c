/* GET /healthz: 200 "ok" when the database answers, 503 otherwise. */
#include "db/db.h"
#include "http/response.h"
#include "http/view.h"
#include "pages/pages.h"

void page_healthz(struct req *r)
{
	if (db_exec(r->app->db, r->arena, STMT_PING, NULL, "") != ERR_OK) {
		resp_header(r, "Retry-After", "5");
		resp_start(r, 503, "text/plain; charset=utf-8");
		resp_puts(r, "database unavailable\n");
		return;
	}
	resp_start(r, 200, "text/plain; charset=utf-8");
	resp_puts(r, "ok\n");
}
