#ifndef CUSTODIAN_RATELIMIT_H
#define CUSTODIAN_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Per-key request counting in fixed one-minute windows, shared by all the
 * workers of one app host through an anonymous shared mapping made by the
 * supervisor before it forks. Lock-free (C11 atomics). With several app
 * hosts, each counts its own share (see README, "Scaling out").
 */

struct ratelimit;

/* Maps the table; NULL on failure (then nothing is limited). */
struct ratelimit *ratelimit_new(void);

/* Counts one call of key; true if within limit calls this minute. On
 * false, *retry_after is the seconds until the window ends. NULL rl
 * allows everything. */
bool ratelimit_take(struct ratelimit *rl, uint64_t key, int limit, int *retry_after);

#endif
