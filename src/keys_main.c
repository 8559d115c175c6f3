/*
 * custodian-keys: creates, lists and revokes API keys, for scripts (admins
 * have the /api-keys page too). A new key is printed once, on standard
 * output; only its SHA-256 is stored. Creation and revocation are the
 * page's rules (domain/keys.c), audited with the actor
 * "custodian-keys:<OS user>".
 *
 *   custodian-keys --config FILE create --tenant SLUG --role viewer|operator|admin
 *                                       --label TEXT [--rate-limit N]
 *   custodian-keys --config FILE list
 *   custodian-keys --config FILE revoke ID
 */
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/db.h"
#include "db/tenants.h"
#include "domain/keys.h"
#include "util/config.h"

static int usage(void)
{
	fprintf(stderr,
	        "usage: custodian-keys --config FILE create --tenant SLUG --role ROLE --label TEXT "
	        "[--rate-limit N]\n"
	        "       custodian-keys --config FILE list\n"
	        "       custodian-keys --config FILE revoke ID\n");
	return 2;
}

/* The audit log's actor: "custodian-keys:" and the OS user running it. */
static struct actor tool_actor(struct arena *a, unsigned tenant)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *user = pw && pw->pw_name ? pw->pw_name : NULL;
	struct actor who = {user ? arena_printf(a, "custodian-keys:%s", user)
	                         : arena_printf(a, "custodian-keys:uid %u", (unsigned)getuid()),
	                    tenant, CHANNEL_PAGE, NULL, 0};
	return who;
}

static int key_create(struct db *db, struct arena *a, const char *tenant, const char *role,
                      const char *label, long long rate)
{
	if (tenant == NULL || role == NULL || label == NULL)
		return usage();
	unsigned tenant_id;
	enum err rc = db_tenant_id(db, a, tenant, &tenant_id);
	if (rc == ERR_NOT_FOUND) {
		fprintf(stderr, "custodian-keys: no tenant '%s'\n", tenant);
		return 1;
	}
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	struct actor who = tool_actor(a, tenant_id);
	int r = name_index(role_name, ROLE__MAX, role);
	struct key_made k;
	struct failure f = {0};
	rc = keys_create(db, a, &who, r, label, rate, &k, &f);
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", f.message ? f.message : db_error(db));
		return rc == ERR_INVALID ? 2 : 1;
	}
	printf("%s\n", k.key);
	fprintf(stderr, "created key %llu (%s, %s, \"%s\"); it is shown only this once\n",
	        (unsigned long long)k.id, tenant, role, label);
	return 0;
}

static int key_list(struct db *db, struct arena *a)
{
	struct api_key_list keys;
	if (db_api_key_list(db, a, &keys) != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	printf("%-6s %-12s %-9s %-14s %-20s %-20s %-20s %s\n", "id", "tenant", "role", "prefix",
	       "created", "last used", "revoked", "label");
	for (size_t i = 0; i < keys.n; i++) {
		const struct api_key_info *k = &keys.rows[i];
		printf("%-6llu %-12s %-9s %-14s %-20s %-20s %-20s %s\n", (unsigned long long)k->id,
		       k->tenant_slug, role_name[k->role], k->prefix, k->created_at,
		       k->last_used_at ? k->last_used_at : "-", k->revoked_at ? k->revoked_at : "-",
		       k->label);
	}
	return 0;
}

static int key_revoke(struct db *db, struct arena *a, const char *id)
{
	char *end;
	long long v = id ? strtoll(id, &end, 10) : 0;
	if (id == NULL || *end != '\0' || v <= 0)
		return usage();
	/* tenant 0: the key tool revokes any tenant's key */
	struct actor who = tool_actor(a, 0);
	bool changed;
	const char *label;
	struct failure f = {0};
	enum err rc = keys_revoke(db, a, &who, (uint64_t)v, &changed, &label, &f);
	if (rc == ERR_NOT_FOUND || (rc == ERR_OK && !changed)) {
		fprintf(stderr, "custodian-keys: no active key %lld\n", v);
		return 1;
	}
	if (rc != ERR_OK) {
		fprintf(stderr, "custodian-keys: %s\n", db_error(db));
		return 1;
	}
	fprintf(stderr, "revoked key %lld (%s)\n", v, label);
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
		rc = key_create(db, a, tenant, role, label, rate);
	else if (strcmp(cmd, "list") == 0)
		rc = key_list(db, a);
	else if (strcmp(cmd, "revoke") == 0)
		rc = key_revoke(db, a, optind + 1 < argc ? argv[optind + 1] : NULL);
	else
		rc = usage();
	db_free(db);
	arena_free(a);
	return rc;
}
