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

#include "db/db.h"
#include "db/tenants.h"
#include "util/api_key.h"
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
	int r = name_index(role_name, ROLE__MAX, role);
	if (r <= ROLE_NONE) {
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
	uint64_t id;
	enum err rc =
	    db_api_key_insert(db, a, tenant, (enum role)r, label, prefix, hash, rate, &id);
	if (rc == ERR_NOT_FOUND) {
		fprintf(stderr, "custodian-keys: no tenant '%s'\n", tenant);
		return 1;
	}
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	printf("%s\n", key);
	fprintf(stderr, "created key %llu (%s, %s, \"%s\"); it is shown only this once\n",
	        (unsigned long long)id, tenant, role, label);
	return 0;
}

static int list(struct db *db, struct arena *a)
{
	struct api_key_list keys;
	if (db_api_key_list(db, a, &keys) != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	printf("%-6s %-12s %-9s %-14s %-20s %-20s %s\n", "id", "tenant", "role", "prefix",
	       "created", "revoked", "label");
	for (size_t i = 0; i < keys.n; i++) {
		const struct api_key_info *k = &keys.rows[i];
		printf("%-6llu %-12s %-9s %-14s %-20s %-20s %s\n", (unsigned long long)k->id,
		       k->tenant_slug, role_name[k->role], k->prefix, k->created_at,
		       k->revoked_at ? k->revoked_at : "-", k->label);
	}
	return 0;
}

static int revoke(struct db *db, struct arena *a, const char *id)
{
	char *end;
	long long v = id ? strtoll(id, &end, 10) : 0;
	if (id == NULL || *end != '\0' || v <= 0)
		return usage();
	enum err rc = db_api_key_revoke(db, a, (uint64_t)v);
	if (rc == ERR_NOT_FOUND) {
		fprintf(stderr, "custodian-keys: no active key %lld\n", v);
		return 1;
	}
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
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
