#ifndef CUSTODIAN_DB_ASSETS_H
#define CUSTODIAN_DB_ASSETS_H

#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "db/types.h"

/*
 * Devices as FlexPortal's listAssets and getAsset show them, by serial
 * number with keyset pagination on it.
 */

struct asset_query {
	unsigned tenant;
	const char *serial;   /* one device (getAsset), or NULL */
	int status;           /* enum asset_status, or -1 */
	const char *sku;      /* or NULL */
	uint64_t customer_id; /* 0: any */
	const char *rental;   /* a subscription's public id: its device, or NULL */
	const char *after;    /* the serial number after which to read, or NULL */
	unsigned limit;
};

struct asset_item {
	const char *serial;
	const char *sku;
	const char *product_name;
	enum asset_status status;
	const char *location;           /* or NULL */
	const char *notes;              /* or NULL */
	const char *customer_public_id; /* while with a customer, else NULL */
	const char *rental_public_id;   /* the active subscription that has it, or NULL */
	const char *created_at;
	const char *updated_at; /* never NULL: created_at when never updated */
};

struct asset_items {
	struct asset_item *rows;
	size_t n;
};

/* Reads at most q->limit devices of the tenant matching q, by serial
 * number. The rows live in the arena. */
enum err db_assets_list(struct db *db, struct arena *a, const struct asset_query *q,
                        struct asset_items *out);

#endif
