/* GET /healthz: 200 "ok" when the database answers, 503 otherwise. */
#include "db/db.h"
#include "http/error.h"
#include "http/response.h"
#include "pages/pages.h"

void page_healthz(struct req *r)
{
	if (db_ping(r->app->db, r->arena) != ERR_OK) {
		http_error(r, 503, "UNAVAILABLE", "database unavailable");
		return;
	}
	resp_start(r, 200, "text/plain; charset=utf-8");
	resp_puts(r, "ok\n");
}
