#ifndef CUSTODIAN_RACE_PROCS_H
#define CUSTODIAN_RACE_PROCS_H

/* The race programs' process plumbing (tests/race/race.c, actions_race.c):
 * sleeping, reading a pipe with a deadline, reaping children. */

#include <stddef.h>
#include <sys/types.h>

#include "db/sql.h"

/* A statement's parameters, for db_exec_params(). */
#define PSTR(v) ((struct db_param){.type = DB_P_STR, .s = (v)})
#define PINT(v) ((struct db_param){.type = DB_P_INT, .i = (long long)(v)})

/* Sleeps us microseconds, through signals. */
void sleep_us(long us);

/* Reads n bytes within ms; returns the bytes read (short on EOF or timeout). */
size_t read_within(int fd, void *buf, size_t n, int ms);

/* Waits up to ms for each child, then kills what is left. */
void reap(const pid_t *pids, int n, int ms);

#endif
