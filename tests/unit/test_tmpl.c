/*
 * Unit tests for the ctemplate bridge (src/tmpl/tmpl.h): templates written
 * to a temporary directory, then the real ones in TEMPLATE_DIR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tmpl/tmpl.h"

/* ---- helpers ------------------------------------------------------------- */

/* What tmpl_expand() emitted. */
struct out {
	char *text;
	size_t len;
	int calls;
};

static void collect(void *ctx, const char *text, size_t len)
{
	struct out *o = ctx;
	char *t = realloc(o->text, o->len + len + 1);
	if (t == NULL)
		return;
	memcpy(t + o->len, text, len);
	o->len += len;
	t[o->len] = '\0';
	o->text = t;
	o->calls++;
}

/* Expands file with d into o (freed by the caller); returns the result. */
static int expand(const char *file, const struct tmpl_dict *d, struct out *o)
{
	memset(o, 0, sizeof(*o));
	return tmpl_expand(file, d, collect, o);
}

/* Expands file with d, which must succeed, and frees d. Returns the output
 * (malloc'd). */
static char *render(const char *file, struct tmpl_dict *d)
{
	struct out o;
	int rc = expand(file, d, &o);
	tmpl_dict_free(d);
	if (rc != 0)
		fail_msg("%s did not expand", file);
	assert_int_equal(o.calls, 1);
	assert_non_null(o.text);
	return o.text;
}

static char tmpdir[PATH_MAX];

/* Writes a template into the temporary directory. */
static int write_tpl(const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	int rc = fputs(text, f) < 0 ? -1 : 0;
	return fclose(f) != 0 ? -1 : rc;
}

#define HTML "{{%AUTOESCAPE context=\"HTML\"}}"

static const struct {
	const char *name, *text;
} tpls[] = {
    {"t_text.tpl", HTML "<p>{{V}}</p>"},
    {"t_attr.tpl", HTML "<a title=\"{{V}}\" class='{{V}}'>x</a>"},
    {"t_href.tpl", HTML "<a href=\"{{U}}\">x</a>"},
    {"t_sec.tpl", HTML "A{{#S}}[{{X}}]{{/S}}B{{#HIDDEN}}hidden{{/HIDDEN}}C"},
    {"t_rows.tpl", HTML "{{#ROW}}({{P}}:{{X}}){{/ROW}}"},
    {"t_parent.tpl", HTML "P={{NAME}};{{>CHILD}};end"},
    {"t_child.tpl", HTML "C={{NAME}}|{{OWN}}"},
    {"t_plain.tpl", HTML "{{V}}"},
    {"t_json.tpl", "{{%AUTOESCAPE context=\"JSON\"}}{\"v\":\"{{V}}\"}"},
    {"t_broken.tpl", HTML "{{#S}}never closed"},
    {"t_reload.tpl", HTML "version one"},
};

static int tmp_group_setup(void **state)
{
	(void)state;
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/custodian-tmpl-XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(tpls) / sizeof(tpls[0]); i++)
		if (write_tpl(tpls[i].name, tpls[i].text) != 0)
			return -1;
	return tmpl_init(tmpdir);
}

static int tmp_group_teardown(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	if (d != NULL) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char path[PATH_MAX + 300];
			snprintf(path, sizeof(path), "%s/%s", tmpdir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

/* ---- the bridge, on templates of our own ---------------------------------- */

static void tmpl_escape_text(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	assert_non_null(d);
	tmpl_set(d, "V", "<script>alert(\"x\")</script> & 'q'");
	char *s = render("t_text.tpl", d);
	assert_string_equal(s, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
	                       "&#39;q&#39;</p>");
	free(s);
}

static void tmpl_escape_attr(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "V", "x\" onmouseover=\"alert(1)' y");
	char *s = render("t_attr.tpl", d);
	/* The value cannot close either attribute. */
	const char *title = strstr(s, "title=\"");
	assert_non_null(title);
	title += 7;
	const char *end = strchr(title, '"');
	assert_non_null(end);
	assert_int_equal(strncmp(end, "\" class='", 9), 0);
	const char *cls = end + 9;
	assert_null(memchr(cls, '\'', strlen(cls) - strlen("'>x</a>")));
	assert_string_equal(cls + strlen(cls) - 7, "'>x</a>");
	assert_null(strstr(s, "\" onmouseover"));
	free(s);
}

static void tmpl_escape_url(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "U", "javascript:alert(1)");
	char *s = render("t_href.tpl", d);
	assert_null(strstr(s, "javascript:"));
	free(s);
	d = tmpl_dict_new();
	tmpl_set(d, "U", "/customers?q=a&b=\"c\"");
	s = render("t_href.tpl", d);
	assert_null(strstr(s, "\"c\""));
	assert_non_null(strstr(s, "/customers?q=a&amp;b="));
	free(s);
}

/* In a JSON (JavaScript) string the value cannot end the string, the
 * script element or the line. (ctemplate writes \x22-style escapes, so
 * this context suits script data, not API bodies.) */
static void tmpl_escape_json(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "V", "a\"b\\c</script>\n\x01 \u00e9");
	char *s = render("t_json.tpl", d);
	size_t n = strlen(s);
	assert_true(n > 8);
	assert_int_equal(strncmp(s, "{\"v\":\"", 6), 0);
	assert_string_equal(s + n - 2, "\"}");
	for (size_t i = 6; i < n - 2; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"' || s[i] == '<' || s[i] == '>' || s[i] == '\n' || s[i] == '\r')
			fail_msg("unescaped character %zu in %s", i, s);
	}
	free(s);
}

static void tmpl_sections(void **state)
{
	(void)state;
	/* Not shown. */
	struct tmpl_dict *d = tmpl_dict_new();
	char *s = render("t_sec.tpl", d);
	assert_string_equal(s, "ABC");
	free(s);
	/* Shown once, with the parent's values. */
	d = tmpl_dict_new();
	tmpl_set(d, "X", "x");
	tmpl_show(d, "S");
	s = render("t_sec.tpl", d);
	assert_string_equal(s, "A[x]BC");
	free(s);
	/* Added three times, each with its own value. */
	d = tmpl_dict_new();
	const char *xs[] = {"1", "<2>", "3"};
	for (int i = 0; i < 3; i++) {
		struct tmpl_dict *r = tmpl_add(d, "S");
		assert_non_null(r);
		tmpl_set(r, "X", xs[i]);
	}
	s = render("t_sec.tpl", d);
	assert_string_equal(s, "A[1][&lt;2&gt;][3]BC");
	free(s);
}

static void tmpl_section_inherits(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "P", "p");
	tmpl_set(d, "X", "parent-x");
	tmpl_set(tmpl_add(d, "ROW"), "X", "a");
	tmpl_add(d, "ROW"); /* no X of its own */
	struct tmpl_dict *r = tmpl_add(d, "ROW");
	tmpl_set(r, "X", "c");
	tmpl_set(r, "P", "own-p");
	char *s = render("t_rows.tpl", d);
	assert_string_equal(s, "(p:a)(p:parent-x)(own-p:c)");
	free(s);
}

static void tmpl_include_isolated(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "NAME", "parent");
	tmpl_set(d, "OWN", "parent-own");
	struct tmpl_dict *c = tmpl_include(d, "CHILD", "t_child.tpl");
	assert_non_null(c);
	tmpl_set(c, "OWN", "<own>");
	char *s = render("t_parent.tpl", d);
	assert_string_equal(s, "P=parent;C=|&lt;own&gt;;end");
	free(s);
	/* An include that is never filled shows nothing. */
	d = tmpl_dict_new();
	tmpl_set(d, "NAME", "n");
	s = render("t_parent.tpl", d);
	assert_string_equal(s, "P=n;;end");
	free(s);
}

static void tmpl_set_values(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "V", "first");
	tmpl_set(d, "V", "second");
	char *s = render("t_plain.tpl", d);
	assert_string_equal(s, "second");
	free(s);
	d = tmpl_dict_new();
	tmpl_set(d, "V", NULL);
	s = render("t_plain.tpl", d);
	assert_string_equal(s, "");
	free(s);
	/* Values are copied: the caller's buffer may change afterwards. */
	char buf[16];
	snprintf(buf, sizeof(buf), "original");
	d = tmpl_dict_new();
	tmpl_set(d, "V", buf);
	snprintf(buf, sizeof(buf), "changed!");
	s = render("t_plain.tpl", d);
	assert_string_equal(s, "original");
	free(s);
}

static void tmpl_set_n_len(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set_n(d, "V", "abcdef", 3);
	char *s = render("t_plain.tpl", d);
	assert_string_equal(s, "abc");
	free(s);
	/* The length is the length, NULs included. */
	d = tmpl_dict_new();
	tmpl_set_n(d, "V", "ab\0cd", 5);
	struct out o;
	assert_int_equal(expand("t_plain.tpl", d, &o), 0);
	tmpl_dict_free(d);
	assert_int_equal(o.len, 5);
	assert_memory_equal(o.text, "ab\0cd", 5);
	free(o.text);
	d = tmpl_dict_new();
	tmpl_set_n(d, "V", NULL, 7);
	tmpl_set_n(d, "W", "x<y", 0);
	s = render("t_plain.tpl", d);
	assert_string_equal(s, "");
	free(s);
	/* Escaping applies to the bytes given. */
	d = tmpl_dict_new();
	tmpl_set_n(d, "V", "<b>bold</b>", 3);
	s = render("t_plain.tpl", d);
	assert_string_equal(s, "&lt;b&gt;");
	free(s);
}

static void tmpl_set_ints(void **state)
{
	(void)state;
	static const struct {
		long long v;
		const char *s;
	} v[] = {{0, "0"},
	         {-42, "-42"},
	         {1234567, "1234567"},
	         {LLONG_MAX, "9223372036854775807"},
	         {LLONG_MIN, "-9223372036854775808"}};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct tmpl_dict *d = tmpl_dict_new();
		tmpl_set_int(d, "V", v[i].v);
		char *s = render("t_plain.tpl", d);
		assert_string_equal(s, v[i].s);
		free(s);
	}
}

static int emitted;

static void count_emit(void *ctx, const char *text, size_t len)
{
	(void)ctx;
	(void)text;
	(void)len;
	emitted++;
}

static void tmpl_missing(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "V", "x");
	emitted = 0;
	assert_int_equal(tmpl_expand("no_such_template.tpl", d, count_emit, NULL), -1);
	assert_int_equal(tmpl_expand("t_broken.tpl", d, count_emit, NULL), -1);
	assert_int_equal(tmpl_expand("../t_plain.tpl", d, count_emit, NULL), -1);
	assert_int_equal(tmpl_expand("t_plain.tpl", NULL, count_emit, NULL), -1);
	assert_int_equal(emitted, 0);
	/* The dictionary still works after the failures. */
	assert_int_equal(tmpl_expand("t_plain.tpl", d, count_emit, NULL), 0);
	assert_int_equal(emitted, 1);
	tmpl_dict_free(d);
}

static void tmpl_null_dicts(void **state)
{
	(void)state;
	tmpl_set(NULL, "V", "x");
	tmpl_set_n(NULL, "V", "x", 1);
	tmpl_set_int(NULL, "V", 1);
	tmpl_show(NULL, "S");
	assert_null(tmpl_add(NULL, "S"));
	assert_null(tmpl_include(NULL, "CHILD", "t_child.tpl"));
	tmpl_dict_free(NULL);
	/* Sub-dictionaries go with their parent (no double free). */
	struct tmpl_dict *d = tmpl_dict_new();
	struct tmpl_dict *r = tmpl_add(d, "S");
	tmpl_set(tmpl_add(r, "INNER"), "X", "y");
	tmpl_set(tmpl_include(d, "CHILD", "t_child.tpl"), "OWN", "z");
	tmpl_dict_free(d);
}

static void tmpl_reload_changed(void **state)
{
	(void)state;
	struct tmpl_dict *d = tmpl_dict_new();
	char *s = render("t_reload.tpl", tmpl_dict_new());
	assert_string_equal(s, "version one");
	free(s);
	assert_int_equal(write_tpl("t_reload.tpl", HTML "version two"), 0);
	/* Make sure the change is visible in the file's time. */
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/t_reload.tpl", tmpdir);
	struct timespec ts[2] = {{time(NULL) + 10, 0}, {time(NULL) + 10, 0}};
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
	tmpl_reload();
	s = render("t_reload.tpl", d);
	assert_string_equal(s, "version two");
	free(s);
}

/* ---- the real templates -------------------------------------------------- */

static char realdir[PATH_MAX];

static int real_group_setup(void **state)
{
	(void)state;
	const char *t = getenv("TEMPLATE_DIR");
	snprintf(realdir, sizeof(realdir), "%s", t ? t : "templates");
	struct stat st;
	if (stat(realdir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "no template directory %s (set TEMPLATE_DIR)\n", realdir);
		return -1;
	}
	return tmpl_init(realdir);
}

/* A layout page with the error body, as http_error() fills it. */
static struct tmpl_dict *error_page(const char *title, const char *message)
{
	struct tmpl_dict *d = tmpl_dict_new();
	tmpl_set(d, "TITLE", title);
	tmpl_set(d, "REQUEST_ID", "rid-1");
	struct tmpl_dict *b = tmpl_include(d, "BODY", "error.tpl");
	tmpl_set_int(b, "STATUS", 404);
	tmpl_set(b, "REASON", "Not Found");
	tmpl_set(b, "CODE", "NOT_FOUND");
	tmpl_set(b, "MESSAGE", message);
	return d;
}

static void real_layout(void **state)
{
	(void)state;
	char *s =
	    render("layout.tpl", error_page("404 Not Found", "There is no page at this address."));
	assert_int_equal(strncmp(s, "<!DOCTYPE html>", 15), 0);
	assert_non_null(strstr(s, "<title>404 Not Found · Custodian</title>"));
	assert_non_null(strstr(s, "<h1 id=\"err-title\">404 Not Found</h1>"));
	assert_non_null(strstr(s, "<code>NOT_FOUND</code>"));
	assert_non_null(strstr(s, "There is no page at this address."));
	assert_non_null(strstr(s, "request rid-1"));
	/* The body is inside main, and nobody is signed in. */
	const char *main_start = strstr(s, "<main"), *main_end = strstr(s, "</main>");
	const char *h1 = strstr(s, "<h1");
	assert_true(main_start != NULL && main_end != NULL && h1 > main_start && h1 < main_end);
	assert_null(strstr(s, "<nav"));
	assert_null(strstr(s, "http-equiv=\"refresh\""));
	assert_non_null(strstr(s, "</html>"));
	free(s);
}

static void real_layout_hostile(void **state)
{
	(void)state;
	const char *evil = "</title><script>alert(\"pwned\")</script>";
	char *s = render("layout.tpl", error_page(evil, "<img src=x onerror=alert(1)>"));
	assert_null(strstr(s, "<script>alert"));
	assert_null(strstr(s, "</title><script>"));
	assert_null(strstr(s, "<img src=x"));
	assert_non_null(strstr(s, "&lt;/title&gt;&lt;script&gt;alert(&quot;pwned&quot;)"
	                          "&lt;/script&gt; · Custodian</title>"));
	assert_non_null(strstr(s, "&lt;img src=x onerror=alert(1)&gt;"));
	/* Exactly one title element. */
	assert_non_null(strstr(s, "<title>"));
	assert_null(strstr(strstr(s, "<title>") + 1, "<title>"));
	free(s);
}

static void real_layout_signed_in(void **state)
{
	(void)state;
	struct tmpl_dict *d = error_page("Customers", "m");
	struct tmpl_dict *u = tmpl_add(d, "SIGNED_IN");
	tmpl_set(u, "USER_DISPLAY", "Zoë \"Z\" <Admin>");
	tmpl_set(u, "ROLE", "operator");
	tmpl_set(u, "TENANT_NAME", "Acme & Co");
	tmpl_show(u, "NAV_CUSTOMERS");
	tmpl_set_int(tmpl_add(d, "REFRESH"), "SECONDS", 5);
	struct tmpl_dict *fl = tmpl_add(d, "FLASH");
	tmpl_set(fl, "FLASH_KIND", "success");
	tmpl_set(fl, "FLASH_TEXT", "Done & dusted");
	char *s = render("layout.tpl", d);
	assert_non_null(strstr(s, "<nav"));
	assert_non_null(strstr(s, "Zoë &quot;Z&quot; &lt;Admin&gt;"));
	assert_non_null(strstr(s, "Acme &amp; Co"));
	assert_non_null(strstr(s, "role-operator"));
	/* Only the current section is marked. */
	const char *cur = strstr(s, "aria-current=\"page\"");
	assert_non_null(cur);
	assert_null(strstr(cur + 1, "aria-current"));
	assert_true(strstr(s, "href=\"/customers\" aria-current") != NULL);
	assert_non_null(strstr(s, "content=\"5\""));
	assert_non_null(strstr(s, "flash-success"));
	assert_non_null(strstr(s, "Done &amp; dusted"));
	free(s);
}

/* Every template in the directory parses, and declares its escaping. */
static void real_all_parse(void **state)
{
	(void)state;
	DIR *dir = opendir(realdir);
	assert_non_null(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 5 || strcmp(e->d_name + len - 4, ".tpl") != 0)
			continue;
		char path[PATH_MAX + 300];
		snprintf(path, sizeof(path), "%s/%s", realdir, e->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char first[64] = "";
		if (fgets(first, sizeof(first), f) == NULL)
			first[0] = '\0';
		fclose(f);
		if (strncmp(first, "{{%AUTOESCAPE context=", 22) != 0)
			fail_msg("%s does not start with {{%%AUTOESCAPE", e->d_name);
		struct tmpl_dict *d = tmpl_dict_new();
		struct out o;
		int rc = expand(e->d_name, d, &o);
		tmpl_dict_free(d);
		free(o.text);
		if (rc != 0)
			fail_msg("%s does not expand", e->d_name);
		n++;
	}
	closedir(dir);
	assert_true(n >= 10);
}

int main(void)
{
	const struct CMUnitTest tmp_tests[] = {
	    cmocka_unit_test(tmpl_escape_text),      cmocka_unit_test(tmpl_escape_attr),
	    cmocka_unit_test(tmpl_escape_url),       cmocka_unit_test(tmpl_escape_json),
	    cmocka_unit_test(tmpl_sections),         cmocka_unit_test(tmpl_section_inherits),
	    cmocka_unit_test(tmpl_include_isolated), cmocka_unit_test(tmpl_set_values),
	    cmocka_unit_test(tmpl_set_n_len),        cmocka_unit_test(tmpl_set_ints),
	    cmocka_unit_test(tmpl_missing),          cmocka_unit_test(tmpl_null_dicts),
	    cmocka_unit_test(tmpl_reload_changed),
	};
	const struct CMUnitTest real_tests[] = {
	    cmocka_unit_test(real_layout),
	    cmocka_unit_test(real_layout_hostile),
	    cmocka_unit_test(real_layout_signed_in),
	    cmocka_unit_test(real_all_parse),
	};
	int failed = 0;
	failed +=
	    cmocka_run_group_tests_name("tmpl", tmp_tests, tmp_group_setup, tmp_group_teardown);
	failed += cmocka_run_group_tests_name("templates", real_tests, real_group_setup, NULL);
	return failed == 0 ? 0 : 1;
}
