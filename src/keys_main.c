/*
 * custodian-keys: creates, lists and revokes API keys. A new key is printed
 * once, on standard output; only its SHA-256 is stored.
 *
 *   custodian-keys --config FILE create --tenant SLUG --role viewer|operator|admin
 *                                       --label TEXT [--rate-limit N]
 *   custodian-keys --config FILE list
 *   custodian-keys --config FILE revoke ID
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/keys.h"
#include "db/db.h"
#include "db/sql.h"
#include "http/input.h"
#include "util/config.h"
#include "util/text.h"

static int usage(void)
{
	fprintf(stderr,
	        "usage: custodian-keys --config FILE create --tenant SLUG --role ROLE --label TEXT "
	        "[--rate-limit N]\n"
	        "       custodian-keys --config FILE list\n"
	        "       custodian-keys --config FILE revoke ID\n");
	return 2;
}

static int create(struct db *db, struct arena *a, const char *tenant, const char *role,
                  const char *label, long long rate)
{
	if (tenant == NULL || role == NULL || label == NULL)
		return usage();
	if (strcmp(role, "viewer") && strcmp(role, "operator") && strcmp(role, "admin")) {
		fprintf(stderr, "custodian-keys: role must be viewer, operator or admin\n");
		return 2;
	}
	size_t cps;
	if (strlen(label) == 0 || !utf8_valid(label, strlen(label), &cps) || cps > 100) {
		fprintf(stderr, "custodian-keys: the label must be 1 to 100 characters of UTF-8\n");
		return 2;
	}
	char key[API_KEY_LEN + 1], hash[65], prefix[API_KEY_PREFIX_LEN + 1];
	if (api_key_generate(key) != 0) {
		fprintf(stderr, "custodian-keys: no random bytes\n");
		return 1;
	}
	api_key_hash_hex(key, hash);
	memcpy(prefix, key, API_KEY_PREFIX_LEN);
	prefix[API_KEY_PREFIX_LEN] = '\0';
	enum err rc = db_exec(db, a, STMT_API_KEY_INSERT, NULL, "ssssIs", role, label, prefix, hash,
	                      rate > 0 ? &rate : NULL, tenant);
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	if (db_affected(db) != 1) {
		fprintf(stderr, "custodian-keys: no tenant '%s'\n", tenant);
		return 1;
	}
	printf("%s\n", key);
	fprintf(stderr, "created key %llu (%s, %s, \"%s\"); it is shown only this once\n",
	        db_insert_id(db), tenant, role, label);
	return 0;
}

static int list(struct db *db, struct arena *a)
{
	struct db_res r;
	if (db_exec(db, a, STMT_API_KEY_LIST, &r, "") != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	printf("%-6s %-12s %-9s %-14s %-20s %-20s %s\n", "id", "tenant", "role", "prefix",
	       "created", "revoked", "label");
	for (size_t i = 0; i < r.nrows; i++)
		printf("%-6s %-12s %-9s %-14s %-20s %-20s %s\n", DB_V(&r, i, 0), DB_V(&r, i, 1),
		       DB_V(&r, i, 2), DB_V(&r, i, 4), DB_V(&r, i, 5),
		       DB_V(&r, i, 6) ? DB_V(&r, i, 6) : "-", DB_V(&r, i, 3));
	return 0;
}

static int revoke(struct db *db, struct arena *a, const char *id)
{
	char *end;
	long long v = id ? strtoll(id, &end, 10) : 0;
	if (id == NULL || *end != '\0' || v <= 0)
		return usage();
	if (db_exec(db, a, STMT_API_KEY_REVOKE, NULL, "i", v) != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	if (db_affected(db) != 1) {
		fprintf(stderr, "custodian-keys: no active key %lld\n", v);
		return 1;
	}
	fprintf(stderr, "revoked key %lld\n", v);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},     {"tenant", required_argument, NULL, 't'},
	    {"role", required_argument, NULL, 'r'},       {"label", required_argument, NULL, 'l'},
	    {"rate-limit", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	const char *config = NULL, *tenant = NULL, *role = NULL, *label = NULL;
	long long rate = 0;
	int c;
	while ((c = getopt_long(argc, argv, "c:t:r:l:n:", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 't': tenant = optarg; break;
		case 'r': role = optarg; break;
		case 'l': label = optarg; break;
		case 'n': rate = atoll(optarg); break;
		default: return usage();
		}
	}
	if (config == NULL || optind >= argc)
		return usage();
	struct config cfg;
	char err[256];
	if (config_load(config, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "custodian-keys: %s: %s\n", config, err);
		return 1;
	}
	struct db *db = db_new(&cfg);
	struct arena *a = arena_new();
	if (db == NULL || a == NULL)
		return 1;
	if (db_connect(db) != ERR_OK) {
		fprintf(stderr, "custodian-keys: cannot connect to the database: %s\n",
		        db_error(db));
		return 1;
	}
	const char *cmd = argv[optind];
	int rc;
	if (strcmp(cmd, "create") == 0)
		rc = create(db, a, tenant, role, label, rate);
	else if (strcmp(cmd, "list") == 0)
		rc = list(db, a);
	else if (strcmp(cmd, "revoke") == 0)
		rc = revoke(db, a, optind + 1 < argc ? argv[optind + 1] : NULL);
	else
		rc = usage();
	db_free(db);
	arena_free(a);
	return rc;
}
