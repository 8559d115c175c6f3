/*
 * Typed rows (src/db/row.c): text values of a result read once into
 * integers, cents and enums, with checked parsing; a value that does not
 * parse marks the row bad instead of giving a wrong number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "db/row.h"
#include "db/types.h"

/* A one-row result of the given values (NULL for SQL NULL). */
static struct db_res one_row(char **v, size_t n)
{
	static unsigned long len[16];
	struct db_res r = {1, n, v, len};
	return r;
}

static void integers(void **state)
{
	(void)state;
	char *v[] = {"42",
	             "-7",
	             "",
	             "12a",
	             "18446744073709551615",
	             "18446744073709551616",
	             NULL,
	             "9223372036854775808"};
	struct db_res r = one_row(v, 8);
	struct row w = row_at(&r, 0, "test");
	assert_int_equal(row_i64(&w, 0), 42);
	assert_int_equal(row_i64(&w, 1), -7);
	assert_false(w.bad);
	assert_int_equal(row_u64(&w, 4), UINT64_MAX);
	assert_int_equal(row_i64(&w, 6), 0); /* NULL */
	assert_false(w.bad);
	assert_int_equal(row_i64(&w, 2), 0);
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_i64(&w, 3);
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_u64(&w, 5);
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_i64(&w, 7); /* past INT64_MAX */
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_u64(&w, 1); /* negative */
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_str(&w, 8); /* no such column */
	assert_true(w.bad);
}

static void cents_are_exact(void **state)
{
	(void)state;
	char *v[] = {"59.00",   "0.29", "12.5", "-0.01", "1234567.89", "7",     "0.1",
	             "3.14159", "1,5",  "",     "-",     ".5",         "19.990"};
	struct db_res r = one_row(v, 13);
	struct row w = row_at(&r, 0, "test");
	assert_int_equal(row_cents(&w, 0), 5900);
	assert_int_equal(row_cents(&w, 1), 29); /* 0.29 * 100 is 28.999... as a double */
	assert_int_equal(row_cents(&w, 2), 1250);
	assert_int_equal(row_cents(&w, 3), -1);
	assert_int_equal(row_cents(&w, 4), 123456789);
	assert_int_equal(row_cents(&w, 5), 700);
	assert_int_equal(row_cents(&w, 6), 10);
	assert_int_equal(row_cents(&w, 12), 1999); /* trailing zeros are fine */
	assert_false(w.bad);
	for (size_t c = 7; c <= 11; c++) {
		w = row_at(&r, 0, "test");
		row_cents(&w, c);
		assert_true(w.bad);
	}
}

static void enums_by_name(void **state)
{
	(void)state;
	char *v[] = {"inactive", "Active", NULL, "ended_early_return"};
	struct db_res r = one_row(v, 4);
	struct row w = row_at(&r, 0, "test");
	assert_int_equal(row_enum(&w, 0, customer_status_name, CUSTOMER_STATUS__MAX, false),
	                 CUSTOMER_INACTIVE);
	assert_int_equal(row_enum(&w, 2, reason_code, REASON__MAX, true), -1);
	assert_int_equal(row_enum(&w, 3, subscription_status_name, SUB_STATUS__MAX, false),
	                 SUB_ENDED_EARLY_RETURN);
	assert_false(w.bad);
	row_enum(&w, 1, customer_status_name, CUSTOMER_STATUS__MAX, false); /* case matters */
	assert_true(w.bad);
	w = row_at(&r, 0, "test");
	row_enum(&w, 2, customer_status_name, CUSTOMER_STATUS__MAX, false); /* not nullable */
	assert_true(w.bad);
}

static void vocabulary_tables(void **state)
{
	(void)state;
	/* the names are the schema's ENUM values, in the schema's order */
	assert_string_equal(order_status_name[ORDER_PARTIAL], "partial");
	assert_string_equal(asset_status_name[ASSET_RENTED_OUT], "rented_out");
	assert_string_equal(payment_status_name[PAYMENT_PAID], "paid");
	assert_string_equal(reason_code[REASON_FRAUD_PREVENTION], "fraud_prevention");
	for (int i = 0; i < REASON__MAX; i++)
		assert_non_null(reasons[i].label);
	assert_int_equal(name_index(role_name, ROLE__MAX, "operator"), ROLE_OPERATOR);
	assert_int_equal(name_index(role_name, ROLE__MAX, "root"), -1);
	assert_int_equal(name_index(role_name, ROLE__MAX, NULL), -1);
	assert_true(order_in_flight(ORDER_PENDING) && order_in_flight(ORDER_CONFIRMED) &&
	            order_in_flight(ORDER_PARTIAL));
	assert_false(order_in_flight(ORDER_FULFILLED) || order_in_flight(ORDER_CANCELLED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(integers),
	    cmocka_unit_test(cents_are_exact),
	    cmocka_unit_test(enums_by_name),
	    cmocka_unit_test(vocabulary_tables),
	};
	return cmocka_run_group_tests_name("rows", tests, NULL, NULL);
}
