#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ctype { C_STR, C_INT, C_SIZE, C_MODE };

struct ckey {
	const char *name;
	enum ctype type;
	size_t offset;
	size_t size; /* for strings */
	long min, max;
};

#define S(field)         C_STR, offsetof(struct config, field), sizeof(((struct config *)0)->field), 0, 0
#define I(field, lo, hi) C_INT, offsetof(struct config, field), 0, lo, hi

static const struct ckey keys[] = {
    {"socket", S(socket)},
    {"socket_mode", C_MODE, offsetof(struct config, socket_mode), 0, 0, 07777},
    {"backlog", I(backlog, 1, 65535)},
    {"workers", I(workers, 0, 256)},
    {"job_workers", I(job_workers, 0, 16)},
    {"templates", S(templates)},
    {"log", S(log)},
    {"db_name", S(db_name)},
    {"db_user", S(db_user)},
    {"db_password", S(db_password)},
    {"db_connect_timeout", I(db_connect_timeout, 1, 300)},
    {"db_rw_timeout", I(db_rw_timeout, 1, 3600)},
    {"lock_wait_timeout", I(lock_wait_timeout, 1, 3600)},
    {"deadlock_retries", I(deadlock_retries, 1, 100)},
    {"db_read_spread", I(db_read_spread, 0, 1)},
    {"db_sync_wait", I(db_sync_wait, 0, 15)},
    {"db_statement_cache", I(db_statement_cache, 8, 4096)},
    {"csrf_ttl", I(csrf_ttl, 60, 86400 * 7)},
    {"max_body", C_SIZE, offsetof(struct config, max_body), 0, 1024, 1L << 30},
    {"api_rate_limit", I(api_rate_limit, 0, 10000000)},
    {"bulk_max", I(bulk_max, 1, 1000000)},
    {"closure_sweep_seconds", I(closure_sweep_seconds, 1, 86400)},
    {"retention_policy_seconds", I(retention_policy_seconds, 1, 86400)},
    {"webhook_timeout_ms", I(webhook_timeout_ms, 100, 60000)},
    {"webhook_connect_timeout_ms", I(webhook_connect_timeout_ms, 100, 30000)},
    {"webhook_retry_base_ms", I(webhook_retry_base_ms, 10, 3600000)},
    {"webhook_retry_max_ms", I(webhook_retry_max_ms, 10, 86400000)},
    {"webhook_max_attempts", I(webhook_max_attempts, 1, 100)},
    {"webhook_lease_seconds", I(webhook_lease_seconds, 1, 3600)},
    {"metrics", I(metrics, 0, 1)},
    {"metrics_allow", S(metrics_allow)},
};

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->socket, sizeof(cfg->socket), "/run/custodian/app.sock");
	cfg->socket_mode = 0660;
	cfg->backlog = 1024;
	cfg->workers = 0;
	cfg->job_workers = 2;
	snprintf(cfg->templates, sizeof(cfg->templates), "/usr/share/custodian/templates");
	snprintf(cfg->log, sizeof(cfg->log), "/var/log/custodian/app.log");
	snprintf(cfg->db_name, sizeof(cfg->db_name), "custodian");
	snprintf(cfg->db_user, sizeof(cfg->db_user), "custodian_app");
	cfg->db_connect_timeout = 2;
	cfg->db_rw_timeout = 30;
	cfg->lock_wait_timeout = 5;
	cfg->deadlock_retries = 5;
	cfg->db_statement_cache = 128;
	cfg->csrf_ttl = 7200;
	cfg->max_body = 4 * 1024 * 1024;
	cfg->api_rate_limit = 600;
	cfg->bulk_max = 10000;
	cfg->closure_sweep_seconds = 60;
	cfg->retention_policy_seconds = 3600;
	cfg->webhook_timeout_ms = 5000;
	cfg->webhook_connect_timeout_ms = 2000;
	cfg->webhook_retry_base_ms = 10000;
	cfg->webhook_retry_max_ms = 3600000;
	cfg->webhook_max_attempts = 12;
	cfg->webhook_lease_seconds = 30;
	cfg->metrics = 1;
	snprintf(cfg->metrics_allow, sizeof(cfg->metrics_allow), "127.0.0.0/8, ::1");
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Reads the first line of a file (a secret), without its newline. */
static int read_secret_file(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	if (fgets(out, (int)outlen, f) == NULL)
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\r\n")] = '\0';
	return out[0] == '\0' ? -1 : 0;
}

/* db_host = host[:port] or db_socket = path; each adds an endpoint. */
static int add_endpoint(struct config *cfg, const char *key, const char *value)
{
	if (cfg->ndb >= CONFIG_DB_HOSTS_MAX)
		return -1;
	struct db_endpoint *e = &cfg->db[cfg->ndb];
	memset(e, 0, sizeof(*e));
	if (strcmp(key, "db_socket") == 0) {
		if (strlen(value) >= sizeof(e->socket))
			return -1;
		strcpy(e->socket, value);
	} else {
		const char *colon = strrchr(value, ':');
		size_t hlen = colon ? (size_t)(colon - value) : strlen(value);
		if (hlen == 0 || hlen >= sizeof(e->host))
			return -1;
		memcpy(e->host, value, hlen);
		e->host[hlen] = '\0';
		if (colon) {
			char *end;
			long port = strtol(colon + 1, &end, 10);
			if (*end != '\0' || port < 1 || port > 65535)
				return -1;
			e->port = (unsigned)port;
		}
	}
	cfg->ndb++;
	return 0;
}

static int set_key(struct config *cfg, const char *key, const char *value, char *err, size_t errlen,
                   int lineno)
{
	if (strcmp(key, "db_socket") == 0 || strcmp(key, "db_host") == 0) {
		if (add_endpoint(cfg, key, value) == 0)
			return 0;
		snprintf(err, errlen, "line %d: bad or too many database endpoints", lineno);
		return -1;
	}
	if (strcmp(key, "log_format") == 0) {
		if (strcmp(value, "text") == 0 || strcmp(value, "json") == 0) {
			cfg->log_json = strcmp(value, "json") == 0;
			return 0;
		}
		snprintf(err, errlen, "line %d: log_format must be text or json", lineno);
		return -1;
	}
	if (strcmp(key, "db_password_file") == 0) {
		if (read_secret_file(value, cfg->db_password, sizeof(cfg->db_password)) == 0)
			return 0;
		snprintf(err, errlen, "line %d: cannot read %s", lineno, value);
		return -1;
	}
	if (strcmp(key, "secret_file") == 0 || strcmp(key, "secret") == 0) {
		char tmp[sizeof(cfg->secret) + 1];
		if (strcmp(key, "secret") == 0)
			snprintf(tmp, sizeof(tmp), "%s", value);
		else if (read_secret_file(value, tmp, sizeof(tmp)) != 0) {
			snprintf(err, errlen, "line %d: cannot read %s", lineno, value);
			return -1;
		}
		if (strlen(tmp) < 16) {
			snprintf(err, errlen, "line %d: secret must be at least 16 characters",
			         lineno);
			return -1;
		}
		cfg->secretlen = strlen(tmp);
		memcpy(cfg->secret, tmp, cfg->secretlen);
		return 0;
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct ckey *k = &keys[i];
		if (strcmp(k->name, key) != 0)
			continue;
		char *field = (char *)cfg + k->offset;
		if (k->type == C_STR) {
			if (strlen(value) >= k->size) {
				snprintf(err, errlen, "line %d: %s is too long", lineno, key);
				return -1;
			}
			strcpy(field, value);
			return 0;
		}
		char *end;
		errno = 0;
		long v = strtol(value, &end, k->type == C_MODE ? 8 : 10);
		if (errno != 0 || end == value || *end != '\0' || v < k->min || v > k->max) {
			snprintf(err, errlen, "line %d: %s must be a number from %ld to %ld",
			         lineno, key, k->min, k->max);
			return -1;
		}
		if (k->type == C_SIZE)
			*(size_t *)(void *)field = (size_t)v;
		else
			*(int *)(void *)field = (int)v;
		return 0;
	}
	snprintf(err, errlen, "line %d: unknown key '%s'", lineno, key);
	return -1;
}

int config_load(const char *path, struct config *cfg, char *err, size_t errlen)
{
	config_defaults(cfg);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			snprintf(err, errlen, "line %d: expected key = value", lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		if (set_key(cfg, trim(s), trim(eq + 1), err, errlen, lineno) != 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	if (rc == 0 && cfg->secretlen == 0) {
		snprintf(err, errlen, "no secret or secret_file configured");
		rc = -1;
	}
	if (rc == 0 && cfg->ndb == 0)
		add_endpoint(cfg, "db_socket", "/run/mysqld/mysqld.sock");
	return rc;
}
