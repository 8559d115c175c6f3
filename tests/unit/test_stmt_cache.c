/*
 * The prepared-statement cache (src/db/stmt_cache.c) without a database:
 * statements are tokens, "closing" one records it. Two different texts never
 * share a statement, even when their hashes collide; a full cache closes the
 * least recently used statement, and only that one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "db/stmt_cache.h"

static int closed[64];
static int nclosed;

static void record_close(void *stmt)
{
	closed[nclosed++] = (int)(intptr_t)stmt;
}

static uint64_t always_7(const char *sql, size_t len)
{
	(void)sql;
	(void)len;
	return 7;
}

#define TOKEN(n) ((void *)(intptr_t)(n))

static int setup(void **state)
{
	(void)state;
	nclosed = 0;
	memset(closed, 0, sizeof(closed));
	return 0;
}

static void different_texts_never_share(void **state)
{
	(void)state;
	/* every text hashes alike: only the full comparison tells them apart */
	struct stmt_cache *c = stmt_cache_new(8, record_close, always_7);
	assert_non_null(c);
	assert_int_equal(stmt_cache_put(c, "SELECT 1", TOKEN(1)), 0);
	assert_int_equal(stmt_cache_put(c, "SELECT 1 ", TOKEN(2)), 0);
	assert_int_equal(stmt_cache_put(c, "SELECT 2", TOKEN(3)), 0);
	assert_int_equal(stmt_cache_put(c, "SELECT", TOKEN(4)), 0);
	assert_ptr_equal(stmt_cache_get(c, "SELECT 1"), TOKEN(1));
	assert_ptr_equal(stmt_cache_get(c, "SELECT 1 "), TOKEN(2));
	assert_ptr_equal(stmt_cache_get(c, "SELECT 2"), TOKEN(3));
	assert_ptr_equal(stmt_cache_get(c, "SELECT"), TOKEN(4));
	assert_null(stmt_cache_get(c, "SELECT 3"));
	assert_null(stmt_cache_get(c, "select 1"));
	assert_null(stmt_cache_get(c, ""));
	assert_int_equal(stmt_cache_count(c), 4);
	assert_int_equal(nclosed, 0);
	stmt_cache_free(c);
	assert_int_equal(nclosed, 4);
}

static void texts_built_at_runtime(void **state)
{
	(void)state;
	/* the customer list builds its SQL into a buffer: the same text from
	 * another buffer finds the same statement */
	struct stmt_cache *c = stmt_cache_new(16, record_close, NULL);
	char a[64], b[64];
	snprintf(a, sizeof(a), "SELECT id FROM customers ORDER BY %s LIMIT ?", "email");
	assert_int_equal(stmt_cache_put(c, a, TOKEN(10)), 0);
	snprintf(b, sizeof(b), "SELECT id FROM customers ORDER BY %s LIMIT ?", "email");
	assert_ptr_equal(stmt_cache_get(c, b), TOKEN(10));
	snprintf(b, sizeof(b), "SELECT id FROM customers ORDER BY %s LIMIT ?", "mrr");
	assert_null(stmt_cache_get(c, b));
	/* the cache keeps its own copy of the text */
	memset(a, 'x', sizeof(a) - 1);
	snprintf(b, sizeof(b), "SELECT id FROM customers ORDER BY %s LIMIT ?", "email");
	assert_ptr_equal(stmt_cache_get(c, b), TOKEN(10));
	stmt_cache_free(c);
}

static void full_cache_evicts_the_least_recently_used(void **state)
{
	(void)state;
	struct stmt_cache *c = stmt_cache_new(3, record_close, NULL);
	assert_int_equal(stmt_cache_put(c, "A", TOKEN(1)), 0);
	assert_int_equal(stmt_cache_put(c, "B", TOKEN(2)), 0);
	assert_int_equal(stmt_cache_put(c, "C", TOKEN(3)), 0);
	/* A is used again, so B is now the oldest */
	assert_ptr_equal(stmt_cache_get(c, "A"), TOKEN(1));
	assert_int_equal(stmt_cache_put(c, "D", TOKEN(4)), 0);
	assert_int_equal(nclosed, 1);
	assert_int_equal(closed[0], 2);
	assert_null(stmt_cache_get(c, "B"));
	assert_ptr_equal(stmt_cache_get(c, "A"), TOKEN(1));
	assert_ptr_equal(stmt_cache_get(c, "C"), TOKEN(3));
	assert_ptr_equal(stmt_cache_get(c, "D"), TOKEN(4));
	assert_int_equal(stmt_cache_count(c), 3);
	assert_int_equal(stmt_cache_evictions(c), 1);
	/* now A, C, D were used in that order: A goes next */
	assert_int_equal(stmt_cache_put(c, "E", TOKEN(5)), 0);
	assert_int_equal(closed[1], 1);
	assert_null(stmt_cache_get(c, "A"));
	assert_ptr_equal(stmt_cache_get(c, "E"), TOKEN(5));
	stmt_cache_free(c);
	assert_int_equal(nclosed, 5);
}

static void eviction_with_colliding_hashes(void **state)
{
	(void)state;
	struct stmt_cache *c = stmt_cache_new(2, record_close, always_7);
	assert_int_equal(stmt_cache_put(c, "one", TOKEN(1)), 0);
	assert_int_equal(stmt_cache_put(c, "two", TOKEN(2)), 0);
	assert_int_equal(stmt_cache_put(c, "three", TOKEN(3)), 0);
	assert_int_equal(closed[0], 1);
	assert_null(stmt_cache_get(c, "one"));
	assert_ptr_equal(stmt_cache_get(c, "two"), TOKEN(2));
	assert_ptr_equal(stmt_cache_get(c, "three"), TOKEN(3));
	/* many more than fit, all in one bucket chain */
	char sql[32];
	for (int i = 0; i < 40; i++) {
		snprintf(sql, sizeof(sql), "SELECT %d", i);
		assert_int_equal(stmt_cache_put(c, sql, TOKEN(100 + i)), 0);
	}
	assert_int_equal(stmt_cache_count(c), 2);
	assert_ptr_equal(stmt_cache_get(c, "SELECT 39"), TOKEN(139));
	assert_ptr_equal(stmt_cache_get(c, "SELECT 38"), TOKEN(138));
	assert_null(stmt_cache_get(c, "SELECT 37"));
	stmt_cache_free(c);
	assert_int_equal(nclosed, 43);
}

static void drop_and_clear(void **state)
{
	(void)state;
	struct stmt_cache *c = stmt_cache_new(4, record_close, NULL);
	stmt_cache_put(c, "A", TOKEN(1));
	stmt_cache_put(c, "B", TOKEN(2));
	stmt_cache_drop(c, "A");
	stmt_cache_drop(c, "not there");
	assert_int_equal(nclosed, 1);
	assert_null(stmt_cache_get(c, "A"));
	assert_ptr_equal(stmt_cache_get(c, "B"), TOKEN(2));
	/* a dropped text can be prepared again */
	assert_int_equal(stmt_cache_put(c, "A", TOKEN(3)), 0);
	assert_ptr_equal(stmt_cache_get(c, "A"), TOKEN(3));
	stmt_cache_clear(c);
	assert_int_equal(stmt_cache_count(c), 0);
	assert_int_equal(nclosed, 3);
	assert_null(stmt_cache_get(c, "B"));
	stmt_cache_free(c);
	stmt_cache_free(NULL);
	assert_null(stmt_cache_new(0, record_close, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(different_texts_never_share, setup),
	    cmocka_unit_test_setup(texts_built_at_runtime, setup),
	    cmocka_unit_test_setup(full_cache_evicts_the_least_recently_used, setup),
	    cmocka_unit_test_setup(eviction_with_colliding_hashes, setup),
	    cmocka_unit_test_setup(drop_and_clear, setup),
	};
	return cmocka_run_group_tests_name("stmt_cache", tests, NULL, NULL);
}
