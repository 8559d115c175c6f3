#ifndef CUSTODIAN_ARENA_H
#define CUSTODIAN_ARENA_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Per-request memory. Everything a request allocates comes from its arena
 * and is released in one place, arena_reset(), when the request ends, so a
 * handler cannot leak on an error path.
 *
 * Allocation never returns NULL: when memory is exhausted the process logs
 * and exits, and the supervisor starts a fresh worker (the request in hand
 * gets nginx's 502). The first block is kept across resets so a typical
 * request does not touch malloc at all.
 */
struct arena;

/* Returns a new arena, or NULL if the first block cannot be allocated. */
struct arena *arena_new(void);

/* Frees every block. Accepts NULL. */
void arena_free(struct arena *a);

/* Releases everything allocated since creation, keeping the first block. */
void arena_reset(struct arena *a);

/* Returns size bytes aligned for any type; uninitialised. */
void *arena_alloc(struct arena *a, size_t size);

/* Returns size zeroed bytes. */
void *arena_calloc(struct arena *a, size_t n, size_t size);

/* Returns a NUL-terminated copy of s (NULL for NULL). */
char *arena_strdup(struct arena *a, const char *s);

/* Returns a NUL-terminated copy of the first n bytes of s. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Returns a formatted string. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Bytes currently handed out (for tests and the RSS soak). */
size_t arena_used(const struct arena *a);

#endif
