#include "util/csv.h"

#include <string.h>

void csv_field(struct buf *b, const char *value, int first)
{
	if (!first)
		buf_putc(b, ',');
	if (value == NULL || value[0] == '\0')
		return;
	int neutralise = strchr("=+-@\t\r", value[0]) != NULL;
	int quote = neutralise || strpbrk(value, ",\"\r\n") != NULL;
	if (quote)
		buf_putc(b, '"');
	if (neutralise)
		buf_putc(b, '\'');
	for (const char *p = value; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	if (quote)
		buf_putc(b, '"');
}

void csv_end(struct buf *b)
{
	buf_puts(b, "\r\n");
}
