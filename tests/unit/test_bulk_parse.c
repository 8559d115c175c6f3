/*
 * The bulk paste parser (src/domain/bulk_parse.c), with no database: lines
 * trimmed and classified, blank lines skipped, repeats dropped (ids exactly,
 * e-mails whatever their case), and the limits named with their line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/bulk_parse.h"

static int setup(void **state)
{
	*state = arena_new();
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static enum err parse(struct arena *a, const char *text, int max, struct paste *p,
                      struct failure *f)
{
	return bulk_parse_paste(a, text, strlen(text), max, p, f);
}

static void lines_are_trimmed_and_classified(void **state)
{
	struct paste p;
	struct failure f;
	assert_int_equal(parse(*state,
	                       "  cus_a1 \r\n\n\tjane@example.com\t\nnot an id\n\n  \ncus_b2", 100,
	                       &p, &f),
	                 ERR_OK);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.nonblank, 4);
	assert_int_equal(p.repeated, 0);
	assert_string_equal(p.lines[0].text, "cus_a1");
	assert_int_equal(p.lines[0].no, 1);
	assert_int_equal(p.lines[0].kind, PASTE_ID);
	assert_string_equal(p.lines[1].text, "jane@example.com");
	assert_int_equal(p.lines[1].no, 3);
	assert_int_equal(p.lines[1].kind, PASTE_EMAIL);
	assert_string_equal(p.lines[2].text, "not an id");
	assert_int_equal(p.lines[2].kind, PASTE_OTHER);
	assert_int_equal(p.lines[3].no, 7);
	assert_int_equal(p.lines[3].kind, PASTE_ID);
}

static void repeats_keep_the_first_line(void **state)
{
	struct paste p;
	struct failure f;
	assert_int_equal(parse(*state,
	                       "Jane@Example.com\ncus_a1\njane@example.COM\ncus_a1\nCUS_A1\nx\nx",
	                       100, &p, &f),
	                 ERR_OK);
	/* e-mails match whatever their case; ids only exactly (CUS_A1 is not
	 * even an id: the prefix is lower-case) */
	assert_int_equal(p.nonblank, 7);
	assert_int_equal(p.repeated, 3);
	assert_int_equal(p.n, 4);
	assert_string_equal(p.lines[0].text, "Jane@Example.com");
	assert_int_equal(p.lines[0].no, 1);
	assert_string_equal(p.lines[1].text, "cus_a1");
	assert_int_equal(p.lines[1].no, 2);
	assert_string_equal(p.lines[2].text, "CUS_A1");
	assert_int_equal(p.lines[2].kind, PASTE_OTHER);
	assert_string_equal(p.lines[3].text, "x");
	assert_int_equal(p.lines[3].no, 6);
}

static void ids_differing_in_case_are_different(void **state)
{
	struct paste p;
	struct failure f;
	assert_int_equal(parse(*state, "cus_Ab\ncus_aB\ncus_Ab", 100, &p, &f), ERR_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.repeated, 1);
	assert_string_equal(p.lines[0].text, "cus_Ab");
	assert_string_equal(p.lines[1].text, "cus_aB");
}

static void limits_name_the_line(void **state)
{
	struct paste p;
	struct failure f;
	assert_int_equal(parse(*state, "a@x\n\nb@x\nc@x\nd@x", 3, &p, &f), ERR_TOO_LARGE);
	assert_string_equal(f.code, "TOO_MANY_LINES");
	assert_non_null(strstr(f.message, "line 5 is one too many"));
	/* exactly the limit is fine */
	assert_int_equal(parse(*state, "a@x\nb@x\nc@x\n\n", 3, &p, &f), ERR_OK);
	char longline[400];
	memset(longline, 'a', 255);
	strcpy(longline + 255, "\nok@x");
	char text[500];
	snprintf(text, sizeof(text), "ok@x\n%s", longline);
	assert_int_equal(parse(*state, text, 100, &p, &f), ERR_INVALID);
	assert_string_equal(f.code, "LINE_TOO_LONG");
	assert_non_null(strstr(f.message, "line 2 "));
	/* 254 characters are fine, counted as characters, not bytes */
	char accents[600] = "";
	for (int i = 0; i < 254; i++)
		strcat(accents, "\xc3\xa9");
	assert_int_equal(parse(*state, accents, 100, &p, &f), ERR_OK);
	strcat(accents, "\xc3\xa9");
	assert_int_equal(parse(*state, accents, 100, &p, &f), ERR_INVALID);
}

static void nothing_pasted(void **state)
{
	struct paste p;
	struct failure f;
	assert_int_equal(parse(*state, "", 100, &p, &f), ERR_INVALID);
	assert_string_equal(f.code, "NO_LINES");
	assert_int_equal(parse(*state, " \n\t\r\n\n", 100, &p, &f), ERR_INVALID);
	assert_int_equal(bulk_parse_paste(*state, NULL, 10, 100, &p, &f), ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lines_are_trimmed_and_classified, setup, teardown),
	    cmocka_unit_test_setup_teardown(repeats_keep_the_first_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(ids_differing_in_case_are_different, setup, teardown),
	    cmocka_unit_test_setup_teardown(limits_name_the_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(nothing_pasted, setup, teardown),
	};
	return cmocka_run_group_tests_name("bulk_parse", tests, NULL, NULL);
}
