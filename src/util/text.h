#ifndef CUSTODIAN_TEXT_H
#define CUSTODIAN_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Checks on text shared by input validation, the JSON API, bulk parsing and
 * the key tool. */

/* True when s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF); the number of code points goes to
 * *codepoints when it is not NULL. NUL counts as a character. */
bool utf8_valid(const char *s, size_t n, size_t *codepoints);

/* True when s is prefix "_" and 1 to 36 of [A-Za-z0-9_] (cus_0a1b2c3d4e). */
bool public_id_valid(const char *s, const char *prefix);

#endif
