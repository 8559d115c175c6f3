#ifndef CUSTODIAN_CONFIG_H
#define CUSTODIAN_CONFIG_H

#include <stddef.h>

/*
 * The configuration file: "key = value" lines, '#' comments. Every key is
 * in the table in config.c with its range, its default in config_defaults(),
 * and both in conf/custodian.conf.sample. Secrets (db_password, secret) may
 * be given inline or, better, as *_file paths.
 */

#define CONFIG_PATH_MAX     512
#define CONFIG_DB_HOSTS_MAX 8

struct db_endpoint {
	char host[256]; /* host name or IP; empty when socket is set */
	unsigned port;  /* 0: default 3306 */
	char socket[CONFIG_PATH_MAX];
};

struct config {
	char socket[CONFIG_PATH_MAX]; /* FastCGI listen: a path, or host:port */
	int socket_mode;              /* chmod of a unix socket */
	int backlog;
	int workers;     /* FastCGI worker processes; 0 = number of cores */
	int job_workers; /* bulk-run processes (0 disables) */
	char templates[CONFIG_PATH_MAX];
	char log[CONFIG_PATH_MAX];

	struct db_endpoint db[CONFIG_DB_HOSTS_MAX]; /* tried in order */
	int ndb;
	char db_name[64];
	char db_user[64];
	char db_password[256];
	int db_connect_timeout; /* seconds */
	int db_rw_timeout;      /* seconds, per read or write on the socket */
	int lock_wait_timeout;  /* innodb_lock_wait_timeout for the session */
	int deadlock_retries;   /* attempts of a transaction on deadlock */
	int db_read_spread;     /* 1: reads outside transactions on a second
	                           connection, workers spread over the endpoints */
	int db_sync_wait;       /* wsrep_sync_wait of every connection (Galera) */
	int db_statement_cache; /* prepared statements kept per connection */

	unsigned char secret[128]; /* HMAC key for CSRF tokens and cursors */
	size_t secretlen;
	int csrf_ttl; /* seconds a form stays valid */

	size_t max_body;              /* bytes; larger bodies get 413 */
	int api_rate_limit;           /* requests per key per minute (0 = off) */
	int bulk_max;                 /* lines/customers per bulk run */
	int closure_sweep_seconds;    /* pending closures not checked this long are checked again */
	int retention_policy_seconds; /* how often a job worker looks whether today's retention
	                                 policy runs are made */
	/* webhooks (README "Webhooks") */
	int webhook_timeout_ms;         /* a delivery's whole request */
	int webhook_connect_timeout_ms; /* its connection */
	int webhook_retry_base_ms;      /* the first retry's delay, doubled each time */
	int webhook_retry_max_ms;       /* the longest delay */
	int webhook_max_attempts;       /* then the delivery is failed */
	int webhook_lease_seconds;      /* a claimed delivery is claimed again after this */
	/* watching (README "Watching Custodian") */
	int metrics;             /* 1: count requests for /metrics and /status */
	char metrics_allow[256]; /* the networks /metrics answers (CIDRs) */
	int log_json;            /* log_format = json: one JSON object per request */
};

/* Fills cfg with defaults, then the file's values. Returns 0, or -1 with a
 * message naming the line in err. */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);

/* Sets every default (also used by tests). */
void config_defaults(struct config *cfg);

#endif
