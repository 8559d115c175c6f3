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

/* Why s[0..n) is not acceptable text, or NULL: "contains a NUL byte", "is
 * not valid UTF-8", "is too long" (more than max code points) or "contains
 * control characters" (other than those in allowed, e.g. "\n\r\t"). The
 * code points go to *chars when it is not NULL. One rule for the input
 * table's text fields and the profile rules. */
const char *text_problem(const char *s, size_t n, size_t max, const char *allowed, size_t *chars);

/* True when s is prefix "_" and 1 to 36 of [A-Za-z0-9_] (cus_0a1b2c3d4e). */
bool public_id_valid(const char *s, const char *prefix);

/* A device's serial number: 1 to 40 of [A-Za-z0-9._-]. */
bool serial_valid(const char *s);

#endif
