#ifndef CUSTODIAN_APP_H
#define CUSTODIAN_APP_H

#include <stdbool.h>
#include <time.h>

#include "util/config.h"

/*
 * What a worker process sets up once and every request reaches through
 * req->app: the configuration, the database connection, small caches.
 * Nothing here is written by handlers except the caches, which are
 * private to the process.
 */

struct db;

#define OPCACHE_SIZE 32
#define OPCACHE_TTL  10 /* seconds an operator's role and tenant are cached */

struct opcache_entry {
	char username[101];
	char display[101];
	char tenant_slug[41];
	char tenant_name[101];
	char currency[4];
	unsigned tenant;
	int role;
	time_t at;
};

struct app {
	struct config cfg;
	struct db *db;
	struct opcache_entry opcache[OPCACHE_SIZE];
	bool draining; /* SIGTERM seen: finish this request, then exit */
};

#endif
