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

bool login_valid(const char *s)
{
	if (s == NULL ||
	    !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
		return false;
	size_t n = 0;
	for (const char *p = s; *p; p++, n++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.' ||
		      *p == '@' || *p == '+'))
			return false;
	return n <= 100;
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

bool text_phone_key(const char *term, char *out, size_t cap)
{
	char digits[24];
	size_t n = 0;
	bool plus = false;
	out[0] = '\0';
	const char *p = term;
	while (*p == ' ')
		p++;
	/* "+31 …", and "(+31) …" as people write a country code too */
	if (*p == '+' || (p[0] == '(' && p[1] == '+')) {
		plus = true;
		p += *p == '+' ? 1 : 2;
	}
	for (; *p; p++) {
		/* "+31 (0)20 …": the national trunk 0 written beside the country
		 * code is not dialled with it */
		if (plus && p[0] == '(' && p[1] == '0' && p[2] == ')') {
			p += 2;
			continue;
		}
		if (*p >= '0' && *p <= '9') {
			if (n >= 20)
				return false;
			digits[n++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '.' && *p != '(' && *p != ')') {
			return false;
		}
	}
	size_t skip = 0;
	if (!plus && n >= 2 && digits[0] == '0' && digits[1] == '0')
		skip = 2; /* 0031 ... : the international prefix */
	else if (!plus && n >= 1 && digits[0] == '0')
		skip = 1; /* 020 ...: the national trunk prefix */
	if (n - skip < 6 || cap < n - skip + 1)
		return false;
	size_t o = 0;
	for (size_t i = n; i > skip; i--)
		out[o++] = digits[i - 1];
	out[o] = '\0';
	return true;
}

/* The length of the separator at p (0: p starts a word character, or
 * the end). Separators: ASCII other than letters and digits, U+0080 to
 * U+00BF but for the letters and digits among them (ª ² ³ µ ¹ º ¼ ½ ¾),
 * × and ÷, and U+2000 to U+207F (spaces, dashes, quotes, ...). */
static size_t separator_len(const unsigned char *p)
{
	unsigned char c = p[0];
	if (c == '\0')
		return 0;
	if (c < 0x80)
		return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		           ? 0
		           : 1;
	if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0xBF)
		return strchr("\xAA\xB2\xB3\xB5\xB9\xBA\xBC\xBD\xBE", p[1]) ? 0 : 2;
	if (c == 0xC3 && (p[1] == 0x97 || p[1] == 0xB7))
		return 2;
	if (c == 0xE2 && (p[1] == 0x80 || p[1] == 0x81) && p[2] >= 0x80 && p[2] <= 0xBF)
		return 3;
	return 0;
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends s[0..len) to list (of n entries) unless it is there. */
static bool add_unique(char (*list)[TEXT_SEARCH_WORD_BYTES + 1], size_t *n, const char *s,
                       size_t len)
{
	if (*n >= TEXT_SEARCH_WORDS_MAX || len > TEXT_SEARCH_WORD_BYTES)
		return false;
	for (size_t i = 0; i < *n; i++)
		if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
			return true;
	memcpy(list[*n], s, len);
	list[*n][len] = '\0';
	(*n)++;
	return true;
}

size_t text_search_words(const char *term, struct search_words *out)
{
	out->n = out->nphrases = 0;
	const unsigned char *p = (const unsigned char *)term;
	while (*p) {
		while (is_space(*p))
			p++;
		const unsigned char *chunk = p;
		size_t words_in_chunk = 0;
		bool inner_sep = false;
		while (*p && !is_space(*p)) {
			size_t sep = separator_len(p);
			if (sep) {
				p += sep;
				continue;
			}
			const unsigned char *start = p;
			size_t chars = 0;
			while (*p && !is_space(*p) && separator_len(p) == 0) {
				if ((*p & 0xC0) != 0x80)
					chars++;
				p++;
			}
			if (words_in_chunk > 0)
				inner_sep = true;
			words_in_chunk++;
			if (chars >= 2 && chars <= 64)
				add_unique(out->word, &out->n, (const char *)start,
				           (size_t)(p - start));
		}
		/* a chunk with a separator between two of its words is a phrase:
		 * trimmed of the separators around it */
		if (inner_sep) {
			const unsigned char *end = p;
			while (chunk < end && separator_len(chunk))
				chunk += separator_len(chunk);
			while (end > chunk && end[-1] < 0x80 && separator_len(end - 1))
				end--;
			add_unique(out->phrase, &out->nphrases, (const char *)chunk,
			           (size_t)(end - chunk));
		}
	}
	return out->n;
}
