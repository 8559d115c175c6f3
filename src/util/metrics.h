#ifndef CUSTODIAN_METRICS_H
#define CUSTODIAN_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/buf.h"

/*
 * The figures of /metrics and /status (README "Watching Custodian").
 *
 * The supervisor maps one shared, anonymous area before it forks, and
 * gives every child a slot of it. A process writes only its own slot, so
 * the hot path takes no lock and no atomic read-modify-write: each counter
 * is a relaxed load and store by its one writer. A reader sums every slot
 * ever used; a slot keeps its counts when its process exits and the next
 * process given it counts on, so every sum only grows (a scraper's rate()
 * sees no reset until the supervisor itself restarts).
 *
 * Without metrics_init() (a test program, custodian-keys) every call here
 * does nothing.
 */

/* processes alive at once: two generations of the most workers and job
 * workers the configuration allows (a reload), and room for a third */
#define METRICS_SLOTS    832
#define METRICS_ROUTES   96 /* route table entries, plus the two "unknown" */
#define METRICS_BUCKETS  12 /* latency buckets, the last one +Inf */
#define METRICS_STATUSES 25 /* the status codes counted apart, the last "other" */
#define METRICS_OUTCOMES 64 /* (action, code) pairs per slot */

enum metrics_kind { METRICS_WORKER = 1, METRICS_JOBS = 2 };
enum metrics_state { METRICS_FREE, METRICS_IDLE, METRICS_BUSY };
enum metrics_db_event {
	METRICS_DB_RETRY,        /* a transaction or read tried again */
	METRICS_DB_DEADLOCK,     /* a statement answered "deadlock" (1213) */
	METRICS_DB_LOCK_TIMEOUT, /* a statement answered "lock wait timeout" (1205) */
	METRICS_DB_RECONNECT,    /* a connection opened after the process's first */
	METRICS_DB_UNAVAILABLE,  /* a statement found no database to answer it */
	METRICS_DB__MAX
};

/* The upper bounds of the latency buckets, in seconds (the last is +Inf). */
extern const double metrics_bucket_le[METRICS_BUCKETS - 1];
/* The status codes counted apart (index METRICS_STATUSES - 1: any other). */
extern const int metrics_status_codes[METRICS_STATUSES - 1];

/* ---- the supervisor ------------------------------------------------------ */

/* Maps the shared area. Returns 0, or -1 (then nothing is counted). */
int metrics_init(void);
/* Names route index i (its label in /metrics). */
void metrics_name_route(int i, const char *name);
/* A free slot for a child about to be forked, or -1. */
int metrics_slot_take(enum metrics_kind kind);
/* The child of slot is gone: the slot's counts stay, its state is free. */
void metrics_slot_release(int slot);
/* A child died and was started again. */
void metrics_restarted(enum metrics_kind kind);

/* ---- a child --------------------------------------------------------------- */

/* This process writes slot from now on (in the child, after the fork). */
void metrics_attach(int slot);
void metrics_state(enum metrics_state s);
/* One answered request. */
void metrics_request(int route, int status, double ms, unsigned statements, double db_ms);
void metrics_db(enum metrics_db_event e);
/* One lifecycle outcome: the action of a change and its code ("OK" or
 * the refusal's). Pairs past METRICS_OUTCOMES per slot go to ("other",
 * "other"). */
void metrics_outcome(const char *action, const char *code);

/* ---- reading ----------------------------------------------------------------- */

struct metrics_route_totals {
	char name[32];
	uint64_t status[METRICS_STATUSES];
	uint64_t bucket[METRICS_BUCKETS]; /* per bucket, not cumulative */
	uint64_t count;
	uint64_t us; /* microseconds, summed */
	uint64_t statements;
	uint64_t db_us;
};

struct metrics_outcome_total {
	char action[24];
	char code[40];
	uint64_t n;
};

struct metrics_totals {
	bool enabled;
	int64_t started; /* the supervisor's start, Unix seconds */
	int nroutes;
	struct metrics_route_totals route[METRICS_ROUTES];
	uint64_t db[METRICS_DB__MAX];
	uint64_t restarts[3]; /* by enum metrics_kind */
	int workers_busy, workers_idle, jobs_alive;
	int noutcomes;
	struct metrics_outcome_total outcome[METRICS_OUTCOMES * 2];
};

/* Sums every slot into t (large: allocate it). */
void metrics_read(struct metrics_totals *t);

/* The listen socket's queue: connections waiting to be accepted, and the
 * most it takes. Returns 0, or -1 when the kernel does not say. */
int metrics_listen_queue(int fd, long *queued, long *max);

/* True when addr (REMOTE_ADDR) lies in one of the networks of list, a
 * comma- or space-separated list of CIDRs (127.0.0.0/8, ::1/128) or
 * addresses. */
bool metrics_addr_allowed(const char *list, const char *addr);

/* The Prometheus text (version 0.0.4) of t, and the listen queue. */
void metrics_render(struct buf *out, const struct metrics_totals *t, long queued, long max);

/* The p-quantile (0 < p < 1) of a route's latency from its buckets, in
 * milliseconds: the upper bound of the bucket it falls in (-1: no request,
 * or it falls in +Inf). */
double metrics_quantile_ms(const struct metrics_route_totals *r, double p);

#endif
