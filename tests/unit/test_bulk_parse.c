/*
 * The bulk paste parser (src/domain/bulk_parse.c), with no database: lines
 * trimmed and classified, blank lines skipped, repeats dropped (ids exactly,
 * e-mails whatever their case), and the limits named with their line;
 * the file upload's CSV reader (util/csv_read.c), header and column
 * (bulk_parse_file) and the multipart/form-data parser (http/multipart.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "domain/bulk_parse.h"
#include "http/multipart.h"
#include "util/csv.h"

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

static enum csv_rc read_csv(struct arena *a, const char *s, struct csv_table *t,
                            struct csv_error *e)
{
	return csv_read(a, s, strlen(s), 100, t, e);
}

static void csv_separators_quotes_and_lines(void **state)
{
	struct csv_table t;
	struct csv_error e;
	assert_int_equal(read_csv(*state,
	                          "\xef\xbb\xbf"
	                          "a;b,c;\"x;y\"\r\n\r\n1;\"q \"\"r\"\"\n s\";\r\n",
	                          &t, &e),
	                 CSV_OK);
	assert_true(t.bom);
	assert_int_equal(t.sep, ';');
	assert_int_equal(t.n, 2);
	assert_int_equal(t.ncols, 3);
	assert_string_equal(t.rows[0].fields[1], "b,c");
	assert_string_equal(t.rows[0].fields[2], "x;y");
	assert_int_equal(t.rows[1].line, 3);
	assert_string_equal(t.rows[1].fields[1], "q \"r\"\n s");
	assert_string_equal(t.rows[1].fields[2], "");
	/* tabs win a tie; no separator: one column, commas and all */
	assert_int_equal(read_csv(*state, "a\tb,c\n", &t, &e), CSV_OK);
	assert_int_equal(t.sep, '\t');
	assert_int_equal(read_csv(*state, "x@y.z\rcus_a, b\r\n\n  \n", &t, &e), CSV_OK);
	assert_int_equal(t.sep, 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.rows[1].fields[0], "cus_a, b");
	assert_int_equal(t.rows[1].line, 2);
}

static void csv_refusals_name_the_line(void **state)
{
	struct csv_table t;
	struct csv_error e;
	assert_int_equal(read_csv(*state, "a,b\n1,\"open\n2,3\n", &t, &e), CSV_UNTERMINATED);
	assert_int_equal(e.line, 2);
	assert_int_equal(read_csv(*state, "a\nb\n\xc3\x28\n", &t, &e), CSV_NOT_UTF8);
	assert_int_equal(e.line, 3);
	assert_int_equal(read_csv(*state, "a,b\n1,x\"y\n", &t, &e), CSV_BAD_QUOTE);
	assert_int_equal(read_csv(*state, "a,b\n\"1\"x,y\n", &t, &e), CSV_AFTER_QUOTE);
	assert_int_equal(read_csv(*state, "a,b\n1,2,3\n", &t, &e), CSV_FIELD_COUNT);
	assert_int_equal(e.line, 2);
	assert_string_equal(e.problem, "3 fields where the first line has 2");
	assert_int_equal(t.n, 0);
	assert_int_equal(csv_read(*state, "a\0b", 3, 100, &t, &e), CSV_CONTROL);
	assert_int_equal(read_csv(*state, "\xef\xbb\xbf\r\n", &t, &e), CSV_EMPTY);
	assert_int_equal(csv_read(*state, "1\n2\n3\n4\n", 8, 3, &t, &e), CSV_TOO_MANY_RECORDS);
	assert_int_equal(e.line, 4);
	assert_int_equal(t.n, 3); /* the records before it stay */
}

static void file_header_and_column(void **state)
{
	struct bulk_file file;
	struct failure f;
	static const char csv[] = "Name,E-Mail,ID\nAnna,a@x.example,7\nBo,b@x.example,8\n";
	assert_int_equal(bulk_parse_file(*state, csv, strlen(csv), 10, &file, &f), ERR_OK);
	assert_true(file.header);
	assert_int_equal(file.auto_column, 2); /* e-mail before a bare id */
	assert_string_equal(bulk_file_column_name(*state, &file, 3), "ID");
	struct paste p;
	assert_int_equal(bulk_parse_column(*state, &file, 2, 10, &p, &f), ERR_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.lines[1].no, 3);
	assert_int_equal(p.lines[1].kind, PASTE_EMAIL);
	assert_int_equal(bulk_parse_column(*state, &file, 4, 10, &p, &f), ERR_INVALID);
	/* no header: the first line holds an e-mail */
	static const char plain[] = "a@x.example\ncus_abc\n";
	assert_int_equal(bulk_parse_file(*state, plain, strlen(plain), 10, &file, &f), ERR_OK);
	assert_false(file.header);
	assert_int_equal(file.auto_column, 1);
	assert_string_equal(bulk_file_column_name(*state, &file, 1), "column 1");
	/* too many: the first one too many, with and without a header */
	assert_int_equal(bulk_parse_file(*state, "email\n1\n2\n3\n", 12, 2, &file, &f),
	                 ERR_INVALID);
	assert_string_equal(f.code, "TOO_MANY_LINES");
	assert_non_null(strstr(f.message, "line 4 is one too many"));
	assert_int_equal(bulk_parse_file(*state, "a@b\n2\n3\n", 8, 2, &file, &f), ERR_INVALID);
	assert_non_null(strstr(f.message, "line 3 is one too many"));
}

static enum mp_rc mp(struct arena *a, const char *ct, const char *body, struct multipart *m,
                     const char **problem)
{
	return multipart_parse(a, ct, body, strlen(body), 1 << 20, MP_MAX_PARTS, m, problem);
}

static void multipart_parts_and_file(void **state)
{
	struct multipart m;
	const char *problem;
	static const char body[] = "--xy\r\n"
	                           "Content-Disposition: form-data; name=\"mode\"\r\n\r\n"
	                           "file\r\n"
	                           "--xy\r\n"
	                           "Content-Disposition: form-data; name=\"file\"; "
	                           "filename=\"C:\\dir\\a.csv\"\r\n"
	                           "Content-Type: text/csv\r\n\r\n"
	                           "id\r\n--x\r\n\r\n"
	                           "--xy--\r\n";
	assert_int_equal(mp(*state, "multipart/form-data; boundary=xy", body, &m, &problem), MP_OK);
	assert_int_equal(m.fields.n, 2);
	assert_string_equal(m.fields.v[0].key, "mode");
	assert_string_equal(m.fields.v[0].val, "file");
	assert_string_equal(m.file_field, "file");
	assert_string_equal(m.file_name, "a.csv");
	assert_int_equal(m.fields.v[1].vlen, 9);
	assert_memory_equal(m.fields.v[1].val, "id\r\n--x\r\n\0", 10);
	assert_int_equal(mp(*state, "multipart/form-data; boundary=\"xy\"", body, &m, &problem),
	                 MP_OK);
}

static void multipart_refusals(void **state)
{
	struct multipart m;
	const char *problem;
	static const char ok[] =
	    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b--";
	assert_int_equal(mp(*state, "multipart/form-data", ok, &m, &problem), MP_NO_BOUNDARY);
	assert_int_equal(mp(*state, "multipart/form-data; boundary=\"b \"", ok, &m, &problem),
	                 MP_BAD_BOUNDARY);
	assert_int_equal(
	    mp(*state, "multipart/form-data; boundary=b; boundary=c", ok, &m, &problem),
	    MP_BAD_BOUNDARY);
	assert_int_equal(mp(*state, "multipart/form-data; boundary=b", "--b\r\n", &m, &problem),
	                 MP_MALFORMED);
	assert_int_equal(mp(*state, "multipart/form-data; boundary=b",
	                    "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", &m,
	                    &problem),
	                 MP_MALFORMED);
	assert_string_equal(problem, "form: the body ends without its final boundary.");
	assert_int_equal(m.fields.n, 0);
	assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=b", ok, strlen(ok),
	                                 strlen(ok) - 1, MP_MAX_PARTS, &m, &problem),
	                 MP_TOO_LARGE);
	assert_int_equal(multipart_parse(*state, "multipart/form-data; boundary=b", ok, strlen(ok),
	                                 1 << 20, 0, &m, &problem),
	                 MP_TOO_MANY_PARTS);
	assert_int_equal(mp(*state, "multipart/form-data; boundary=b",
	                    "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n"
	                    "Content-Type: Multipart/Mixed; boundary=c\r\n\r\n--c--\r\n--b--",
	                    &m, &problem),
	                 MP_NESTED);
	assert_int_equal(
	    mp(*state, "multipart/form-data; boundary=b",
	       "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n"
	       "1\r\n--b\r\nContent-Disposition: form-data; name=\"g\"; "
	       "filename=\"y\"\r\n\r\n2\r\n--b--",
	       &m, &problem),
	    MP_DUPLICATE_FILE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(lines_are_trimmed_and_classified, setup, teardown),
	    cmocka_unit_test_setup_teardown(repeats_keep_the_first_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(ids_differing_in_case_are_different, setup, teardown),
	    cmocka_unit_test_setup_teardown(limits_name_the_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(nothing_pasted, setup, teardown),
	    cmocka_unit_test_setup_teardown(csv_separators_quotes_and_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(csv_refusals_name_the_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(file_header_and_column, setup, teardown),
	    cmocka_unit_test_setup_teardown(multipart_parts_and_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(multipart_refusals, setup, teardown),
	};
	return cmocka_run_group_tests_name("bulk_parse", tests, NULL, NULL);
}
