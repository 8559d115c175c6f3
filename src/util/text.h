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

/* A staff login as the edge (nginx basic auth, SSO) passes it in
 * REMOTE_USER and the Operators page accepts it: 1 to 100 of
 * [A-Za-z0-9._@+-], starting with a letter or a digit (so a login is never
 * "." or "..", never a path step). NULL is not one. */
bool login_valid(const char *s);

/* The search's phone key: when term is a phone number (digits with spaces,
 * dashes, dots, parentheses and one leading '+'; 6 to 20 digits), writes
 * its digits reversed to out (cap >= 21) and returns true; "(+31)" counts
 * as the leading '+', and a "(0)" after it is dropped. A national
 * number's one trunk '0' ("020 555 0100") and an international "00" are
 * dropped first, so that the key is a suffix of the number however it is
 * stored ("+31 20 555 0100"). Returns false, out empty, otherwise. */
bool text_phone_key(const char *term, char *out, size_t cap);

/* A search term split as the customers' words are (customer_words_of()
 * in sql/schema.sql): words are the runs of letters and digits (ASCII
 * letters and digits, and every non-ASCII character but the Latin-1 and
 * general punctuation), of 2 to 64 characters, at most
 * TEXT_SEARCH_WORDS_MAX, each once; phrases are the space-separated
 * chunks that hold a separator between their words ("example.com",
 * "Smith-Jones", "anna.123"), which a match must hold as they are. */
#define TEXT_SEARCH_WORDS_MAX  8
#define TEXT_SEARCH_WORD_BYTES 256 /* 64 characters of up to 4 bytes */
struct search_words {
	size_t n, nphrases;
	char word[TEXT_SEARCH_WORDS_MAX][TEXT_SEARCH_WORD_BYTES + 1];
	char phrase[TEXT_SEARCH_WORDS_MAX][TEXT_SEARCH_WORD_BYTES + 1];
};

/* Fills out from term; returns out->n (0: no word to look up). */
size_t text_search_words(const char *term, struct search_words *out);

#endif
