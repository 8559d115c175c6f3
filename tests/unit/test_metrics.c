/*
 * The counters of /metrics (src/util/metrics.c) and the JSON request log
 * (src/util/log.c): slots written by forked processes summed by a reader,
 * kept when a process exits and its slot is given to the next; the
 * latency buckets and quantiles; who may read; the text format; one JSON
 * object per request line, its strings escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/metrics.h"

static struct metrics_totals totals;

/* A child that attaches to slot, answers n requests of route with status,
 * each taking ms, and records outcome pairs; then exits. */
static void child(int slot, int route, int status, int n, double ms, const char *action,
                  const char *code)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		metrics_attach(slot);
		for (int i = 0; i < n; i++) {
			metrics_request(route, status, ms, 3, ms / 2);
			if (action != NULL)
				metrics_outcome(action, code);
		}
		metrics_db(METRICS_DB_LOCK_TIMEOUT);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void counts_add_up_across_processes(void **state)
{
	(void)state;
	assert_int_equal(metrics_init(), 0);
	metrics_name_route(0, "customers");
	metrics_name_route(1, "unknown");
	int a = metrics_slot_take(METRICS_WORKER);
	int b = metrics_slot_take(METRICS_WORKER);
	assert_true(a >= 0 && b >= 0 && a != b);
	child(a, 0, 200, 120, 4.0, "deactivate", "OK");
	child(b, 0, 200, 80, 30.0, "deactivate", "CUSTOMER_HAS_BLOCKERS");
	child(b, 1, 404, 7, 0.5, NULL, NULL);
	/* a's process is gone; the next one given its slot counts on */
	metrics_slot_release(a);
	metrics_restarted(METRICS_WORKER);
	int again = metrics_slot_take(METRICS_WORKER);
	assert_int_equal(again, a);
	child(again, 0, 500, 5, 3000.0, "deactivate", "OK");

	metrics_read(&totals);
	assert_true(totals.enabled);
	const struct metrics_route_totals *c = &totals.route[0];
	assert_string_equal(c->name, "customers");
	assert_int_equal(c->count, 205);
	assert_int_equal(c->statements, 205 * 3);
	/* 120 at 4 ms (le 0.005), 80 at 30 ms (le 0.05), 5 past 2.5 s (+Inf) */
	assert_int_equal(c->bucket[2], 120);
	assert_int_equal(c->bucket[5], 80);
	assert_int_equal(c->bucket[METRICS_BUCKETS - 1], 5);
	assert_int_equal(c->us, 120 * 4000 + 80 * 30000 + 5 * 3000000ull);
	assert_int_equal(totals.route[1].count, 7);
	assert_int_equal(totals.db[METRICS_DB_LOCK_TIMEOUT], 4);
	assert_int_equal(totals.restarts[METRICS_WORKER], 1);
	uint64_t ok = 0, blocked = 0;
	for (int i = 0; i < totals.noutcomes; i++) {
		if (strcmp(totals.outcome[i].code, "OK") == 0)
			ok += totals.outcome[i].n;
		if (strcmp(totals.outcome[i].code, "CUSTOMER_HAS_BLOCKERS") == 0)
			blocked += totals.outcome[i].n;
	}
	assert_int_equal(ok, 125);
	assert_int_equal(blocked, 80);
	/* the 95th percentile of 205: the 195th request, in the 0.05 bucket */
	assert_true(metrics_quantile_ms(c, 0.95) == 50.0);
	assert_true(metrics_quantile_ms(c, 0.5) == 5.0);
	/* the two slots hold their last process until the supervisor reaps it */
	assert_int_equal(totals.workers_idle, 2);
	assert_int_equal(totals.workers_busy, 0);

	/* the text format: a 500 counted apart, the +Inf bucket the count */
	struct arena *ar = arena_new();
	struct buf out;
	buf_init(&out, ar, 4096);
	metrics_render(&out, &totals, 3, 1024);
	assert_non_null(strstr(
	    out.p, "custodian_http_requests_total{route=\"customers\",status=\"200\"} 200\n"));
	assert_non_null(
	    strstr(out.p, "custodian_http_requests_total{route=\"customers\",status=\"500\"} 5\n"));
	assert_non_null(
	    strstr(out.p, "custodian_http_requests_total{route=\"unknown\",status=\"404\"} 7\n"));
	assert_non_null(strstr(out.p, "custodian_http_request_duration_seconds_bucket{route="
	                              "\"customers\",le=\"+Inf\"} 205\n"));
	assert_non_null(strstr(out.p, "custodian_http_request_duration_seconds_bucket{route="
	                              "\"customers\",le=\"0.005\"} 120\n"));
	assert_non_null(strstr(out.p, "custodian_db_lock_timeouts_total 4\n"));
	assert_non_null(strstr(out.p, "\ncustodian_listen_queue 3\n"));
	assert_non_null(strstr(out.p, "\ncustodian_listen_queue_max 1024\n"));
	assert_non_null(strstr(out.p, "custodian_lifecycle_outcomes_total{action=\"deactivate\","
	                              "code=\"CUSTOMER_HAS_BLOCKERS\"} 80\n"));
	assert_non_null(strstr(out.p, "custodian_worker_restarts_total{kind=\"worker\"} 1\n"));
	arena_free(ar);
	/* reaped: no worker left, and every count stays */
	metrics_slot_release(again);
	metrics_slot_release(b);
	metrics_read(&totals);
	assert_int_equal(totals.workers_busy + totals.workers_idle, 0);
	assert_int_equal(totals.route[0].count, 205);
}

static void outcomes_past_the_table_are_kept(void **state)
{
	(void)state;
	int s = metrics_slot_take(METRICS_WORKER);
	pid_t pid = fork();
	if (pid == 0) {
		metrics_attach(s);
		char code[32];
		for (int i = 0; i < METRICS_OUTCOMES + 10; i++) {
			snprintf(code, sizeof(code), "CODE_%d", i);
			metrics_outcome("merge", code);
		}
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	metrics_read(&totals);
	uint64_t merge = 0, other = 0;
	for (int i = 0; i < totals.noutcomes; i++) {
		if (strcmp(totals.outcome[i].action, "merge") == 0)
			merge += totals.outcome[i].n;
		if (strcmp(totals.outcome[i].action, "other") == 0)
			other += totals.outcome[i].n;
	}
	/* none lost: the last entry of the slot stands for the rest (the slot,
	 * used by the test before, had entries of its own already) */
	assert_int_equal(merge + other, METRICS_OUTCOMES + 10);
	assert_true(other >= 11 && merge >= METRICS_OUTCOMES - 2);
}

static void who_may_read(void **state)
{
	(void)state;
	const char *list = "127.0.0.0/8, ::1, 10.20.0.0/16 192.168.1.7";
	assert_true(metrics_addr_allowed(list, "127.0.0.1"));
	assert_true(metrics_addr_allowed(list, "127.0.0.2"));
	assert_true(metrics_addr_allowed(list, "::1"));
	assert_true(metrics_addr_allowed(list, "::ffff:127.0.0.1"));
	assert_true(metrics_addr_allowed(list, "10.20.255.1"));
	assert_true(metrics_addr_allowed(list, "192.168.1.7"));
	assert_false(metrics_addr_allowed(list, "192.168.1.8"));
	assert_false(metrics_addr_allowed(list, "10.21.0.1"));
	assert_false(metrics_addr_allowed(list, "128.0.0.1"));
	assert_false(metrics_addr_allowed(list, "::2"));
	assert_false(metrics_addr_allowed(list, ""));
	assert_false(metrics_addr_allowed(list, NULL));
	assert_false(metrics_addr_allowed(list, "unix:"));
	assert_false(metrics_addr_allowed("", "127.0.0.1"));
	assert_false(metrics_addr_allowed("10.0.0.0/33", "10.0.0.1"));
	assert_false(metrics_addr_allowed("10.0.0.0/x", "10.0.0.1"));
	assert_true(metrics_addr_allowed("10.0.0.0/7", "11.255.0.1"));
	assert_true(metrics_addr_allowed("fd00::/8", "fd12::1"));
	assert_false(metrics_addr_allowed("fd00::/8", "fe80::1"));
	assert_true(metrics_addr_allowed("0.0.0.0/0", "203.0.113.9"));
}

static void json_log_lines(void **state)
{
	(void)state;
	char path[] = "/tmp/custodian-log-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(path), 0);
	log_set_json(true);
	log_request("abc123", "an \"odd\\\" user", "GET", "customers", 200, 1.25, 4, 0.5);
	log_request(NULL, "J\xc3\xbcrgen", "POST", "deactivate", 409, 10, 7, 2.25);
	log_request("r", "bad\xff\xfeutf8", "GET", "customers", 200, 1, 1, 1);
	log_set_json(false);
	log_request("abc124", "admin", "GET", "customers", 200, 1.25, 4, 0.5);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char line[1024];
	json_error_t e;

	assert_non_null(fgets(line, sizeof(line), f));
	json_t *o = json_loads(line, 0, &e);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "rid")), "abc123");
	/* what the text line would write, escaped for JSON: spaces become '_' */
	assert_string_equal(json_string_value(json_object_get(o, "user")), "an_\"odd\\\"_user");
	assert_int_equal(json_integer_value(json_object_get(o, "status")), 200);
	assert_true(json_real_value(json_object_get(o, "ms")) == 1.25);
	assert_int_equal(json_integer_value(json_object_get(o, "db_statements")), 4);
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), getpid());
	json_decref(o);

	assert_non_null(fgets(line, sizeof(line), f));
	o = json_loads(line, 0, &e);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "rid")), "-");
	/* as in the text line, every byte past printable ASCII is '_' */
	assert_string_equal(json_string_value(json_object_get(o, "user")), "J__rgen");
	assert_string_equal(json_string_value(json_object_get(o, "route")), "deactivate");
	json_decref(o);

	assert_non_null(fgets(line, sizeof(line), f));
	o = json_loads(line, 0, &e);
	assert_non_null(o); /* never invalid UTF-8, which would make the line unreadable */
	assert_string_equal(json_string_value(json_object_get(o, "user")), "bad__utf8");
	json_decref(o);

	assert_non_null(fgets(line, sizeof(line), f));
	assert_non_null(
	    strstr(line, " rid=abc124 user=admin GET customers status=200 ms=1.25 db=4/0.50 "));
	fclose(f);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(counts_add_up_across_processes),
	    cmocka_unit_test(outcomes_past_the_table_are_kept),
	    cmocka_unit_test(who_may_read),
	    cmocka_unit_test(json_log_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
