#ifndef CUSTODIAN_BUF_H
#define CUSTODIAN_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/arena.h"

/*
 * A growable byte string in an arena. Always NUL-terminated after any call;
 * the bytes belong to the arena and are released with it.
 */
struct buf {
	struct arena *arena;
	char *p;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b, struct arena *a, size_t hint);
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
