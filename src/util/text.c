#include "util/text.h"

#include <string.h>

bool utf8_valid(const char *s, size_t n, size_t *codepoints)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, cps = 0;
	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		unsigned cp;
		if (c < 0x80) {
			len = 1;
			cp = c;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += len;
		cps++;
	}
	if (codepoints)
		*codepoints = cps;
	return true;
}

bool public_id_valid(const char *s, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (strncmp(s, prefix, pl) != 0 || s[pl] != '_')
		return false;
	size_t n = 0;
	for (const char *p = s + pl + 1; *p; p++, n++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return n >= 1 && n <= 36;
}

bool serial_valid(const char *s)
{
	size_t n = 0;
	for (const char *p = s; *p; p++, n++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
			return false;
	return n >= 1 && n <= 40;
}

const char *text_problem(const char *s, size_t n, size_t max, const char *allowed, size_t *chars)
{
	size_t cps = 0;
	if (chars != NULL)
		*chars = 0;
	if (memchr(s, '\0', n) != NULL)
		return "contains a NUL byte";
	if (!utf8_valid(s, n, &cps))
		return "is not valid UTF-8";
	if (chars != NULL)
		*chars = cps;
	if (cps > max)
		return "is too long";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 || c == 0x7f) && (c == 0 || strchr(allowed, c) == NULL))
			return "contains control characters";
	}
	return NULL;
}
