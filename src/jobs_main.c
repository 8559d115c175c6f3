#include "jobs_main.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "domain/bulk.h"
#include "domain/closures.h"
#include "domain/erasure.h"
#include "domain/webhooks.h"
#include "util/log.h"

static volatile int stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleeps up to ms, returning early on a signal. */
static void nap(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int jobs_main(struct app *app)
{
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* "custodian-jobs" in ps and top (and for the tests that look for it) */
	prctl(PR_SET_NAME, "custodian-jobs", 0, 0, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART; /* database I/O carries on; the flag is read between items */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	log_open(app->cfg.log);

	char host[64] = "host";
	gethostname(host, sizeof(host) - 1);
	char worker[100];
	snprintf(worker, sizeof(worker), "%.60s:%ld", host, (long)getpid());

	app->db = db_new(&app->cfg);
	struct arena *a = arena_new();
	const struct config *c = &app->cfg;
	struct webhook_settings ws = {c->webhook_timeout_ms,    c->webhook_connect_timeout_ms,
	                              c->webhook_retry_base_ms, c->webhook_retry_max_ms,
	                              c->webhook_max_attempts,  c->webhook_lease_seconds};
	struct webhook_sender *hooks = webhook_sender_new(&ws);
	if (app->db == NULL || a == NULL || hooks == NULL)
		return 1;
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	long idle = 100;
	time_t swept = 0, policy_looked = 0;
	while (!stop) {
		enum bulk_step step = bulk_work(app->db, a, worker, &stop);
		arena_reset(a);
		/* A closure request that became due (domain/closures.c), one per
		 * round so bulk runs and closures take turns. */
		enum closure_step cstep = stop ? CLOSURE_STEP_IDLE : closure_work(app->db, a);
		arena_reset(a);
		/* The outbox's deliveries (domain/webhooks.c), a batch a round. */
		enum webhook_step wstep =
		    stop ? WEBHOOK_STEP_IDLE : webhook_work(app->db, a, hooks, worker, &stop);
		arena_reset(a);
		/* The backstop: requests nobody has looked at for a while. */
		time_t now = time(NULL);
		if (!stop && now - swept >= app->cfg.closure_sweep_seconds &&
		    closure_sweep(app->db, a, app->cfg.closure_sweep_seconds) == ERR_OK)
			swept = now;
		arena_reset(a);
		/* The retention policy's run of the day, per tenant with one
		 * (domain/erasure.c); made once whoever looks first. */
		int made = 0;
		if (!stop && now - policy_looked >= app->cfg.retention_policy_seconds &&
		    retention_policy_work(app->db, a, app->cfg.bulk_max, now, &made) == ERR_OK)
			policy_looked = now;
		arena_reset(a);
		if (made > 0)
			continue;
		if (step == BULK_STEP_WORKED || cstep == CLOSURE_STEP_WORKED ||
		    wstep == WEBHOOK_STEP_WORKED) {
			idle = 100;
			continue;
		}
		/* Nothing to do, or the database is away: wait a little longer each
		 * time, up to a second, so an idle worker costs next to nothing. */
		if (!stop)
			nap(step == BULK_STEP_FAILED || cstep == CLOSURE_STEP_FAILED ||
			            wstep == WEBHOOK_STEP_FAILED
			        ? 1000
			        : idle);
		if (idle < 1000)
			idle += 100;
	}
	webhook_sender_free(hooks);
	db_free(app->db);
	app->db = NULL;
	arena_free(a);
	return 0;
}
