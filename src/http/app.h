#ifndef CUSTODIAN_APP_H
#define CUSTODIAN_APP_H

#include <stdbool.h>

#include "domain/access.h"
#include "util/config.h"

/*
 * What a worker process sets up once and every request reaches through
 * req->app: the configuration, the database connection, small caches.
 * Nothing here is written by handlers except the caches, which are
 * private to the process.
 */

struct db;

struct app {
	struct config cfg;
	struct db *db;
	struct operator_cache operators;
	struct key_use_memo key_uses; /* API keys' last use written this minute */
	bool draining;                /* SIGTERM seen: finish this request, then exit */
	int listen_fd;                /* the FastCGI socket (its queue is in /metrics) */
};

#endif
