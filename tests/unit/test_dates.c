/*
 * The date rules, each with an injected "now" at month and year boundaries:
 * no test here reads the machine's clock, so none passes or fails by the
 * calendar date.
 *
 *   - retention_months(): the months of averageMonthlyRevenue
 *   - profitability_of(): the average itself
 *   - fmt_relative(): "3 months ago" across a year end
 *   - csrf tokens: valid to the second of their expiry, across a year end
 *   - cursors: a created_at key at a year's last second survives the trip
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/retention.h"
#include "util/arena.h"
#include "util/csrf.h"
#include "util/cursor.h"
#include "util/fmt.h"

static time_t at(const char *s)
{
	time_t t = parse_datetime(s);
	assert_true(t >= 0);
	return t;
}

static void months_within_the_first_month(void **state)
{
	(void)state;
	assert_int_equal(retention_months("2026-03-15", at("2026-03-15 00:00:00")), 1);
	assert_int_equal(retention_months("2026-03-15", at("2026-04-14 23:59:59")), 1);
	/* the day of the month is reached again: one whole month */
	assert_int_equal(retention_months("2026-03-15", at("2026-04-15 00:00:00")), 2);
}

static void months_at_month_ends(void **state)
{
	(void)state;
	/* TIMESTAMPDIFF(MONTH, '2026-01-31', '2026-02-28') = 0 */
	assert_int_equal(retention_months("2026-01-31", at("2026-02-28 12:00:00")), 1);
	assert_int_equal(retention_months("2026-01-31", at("2026-03-01 00:00:00")), 2);
	assert_int_equal(retention_months("2026-01-31", at("2026-03-30 23:59:59")), 2);
	assert_int_equal(retention_months("2026-01-31", at("2026-03-31 00:00:00")), 3);
	assert_int_equal(retention_months("2026-01-01", at("2026-01-31 23:59:59")), 1);
	assert_int_equal(retention_months("2026-01-01", at("2026-02-01 00:00:00")), 2);
}

static void months_across_year_ends(void **state)
{
	(void)state;
	assert_int_equal(retention_months("2025-12-15", at("2026-01-14 10:00:00")), 1);
	assert_int_equal(retention_months("2025-12-15", at("2026-01-15 10:00:00")), 2);
	assert_int_equal(retention_months("2025-12-31", at("2026-01-01 00:00:00")), 1);
	assert_int_equal(retention_months("2024-06-10", at("2026-06-09 00:00:00")), 24);
	assert_int_equal(retention_months("2024-06-10", at("2026-06-10 00:00:00")), 25);
	/* the day this suite first went red: a start on the 2nd, seen on the 1st */
	assert_int_equal(retention_months("2021-01-02", at("2026-12-01 09:00:00")), 71);
	assert_int_equal(retention_months("2021-01-02", at("2026-12-02 00:00:00")), 72);
}

static void months_in_leap_years(void **state)
{
	(void)state;
	assert_int_equal(retention_months("2024-02-29", at("2025-02-28 00:00:00")), 12);
	assert_int_equal(retention_months("2024-02-29", at("2025-03-01 00:00:00")), 13);
	assert_int_equal(retention_months("2024-01-29", at("2024-02-29 00:00:00")), 2);
	assert_int_equal(retention_months("2023-01-29", at("2023-02-28 00:00:00")), 1);
}

static void months_without_a_start(void **state)
{
	(void)state;
	assert_int_equal(retention_months(NULL, at("2026-12-01 00:00:00")), 1);
	assert_int_equal(retention_months("not a date", at("2026-12-01 00:00:00")), 1);
	/* a subscription that starts next month still counts one month */
	assert_int_equal(retention_months("2027-01-15", at("2026-12-01 00:00:00")), 1);
}

static void average_monthly_revenue(void **state)
{
	(void)state;
	struct retention r;
	memset(&r, 0, sizeof(r));
	r.collected_cents = 14200;
	r.by.acquisition_cents = 20000;
	r.by.first_start = "2026-10-05";
	struct profitability p;
	/* October and November complete on 5 December: 2 + 1 months */
	profitability_of(&r, 1, at("2026-12-05 08:00:00"), &p);
	assert_true(p.average_monthly_revenue > 47.33 && p.average_monthly_revenue < 47.34);
	profitability_of(&r, 1, at("2026-12-04 23:59:59"), &p);
	assert_true(p.average_monthly_revenue > 70.99 && p.average_monthly_revenue < 71.01);
	assert_true(p.cost_recovery_percent > 70.99 && p.cost_recovery_percent < 71.01);
	r.by.first_start = NULL;
	profitability_of(&r, 0, at("2026-12-05 08:00:00"), &p);
	assert_true(p.average_monthly_revenue > 141.99 && p.average_monthly_revenue < 142.01);
}

static void relative_across_a_year_end(void **state)
{
	struct arena *a = arena_new();
	(void)state;
	time_t now = at("2026-01-01 00:00:30");
	assert_string_equal(fmt_relative(a, "2025-12-31 23:59:59", now), "just now");
	assert_string_equal(fmt_relative(a, "2025-12-31 23:59:00", now), "1 minute ago");
	assert_string_equal(fmt_relative(a, "2025-12-31 00:00:00", now), "1 day ago");
	assert_string_equal(fmt_relative(a, "2025-10-01 00:00:00", now), "3 months ago");
	assert_string_equal(fmt_relative(a, "2025-01-01 00:00:00", now), "1 year ago");
	arena_free(a);
}

static void csrf_expiry_across_a_year_end(void **state)
{
	(void)state;
	static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
	char token[CSRF_TOKEN_LEN + 1];
	time_t made = at("2025-12-31 23:00:00");
	csrf_token_make(secret, 32, "admin", "deactivate", "cus_x", made, 3600, token);
	assert_int_equal(csrf_token_check(secret, 32, "admin", "deactivate", "cus_x",
	                                  at("2025-12-31 23:59:59"), token),
	                 CSRF_OK);
	assert_int_equal(csrf_token_check(secret, 32, "admin", "deactivate", "cus_x",
	                                  at("2026-01-01 00:00:00"), token),
	                 CSRF_OK);
	assert_int_equal(csrf_token_check(secret, 32, "admin", "deactivate", "cus_x",
	                                  at("2026-01-01 00:00:01"), token),
	                 CSRF_EXPIRED);
}

static void cursor_keeps_a_year_end_timestamp(void **state)
{
	struct arena *a = arena_new();
	(void)state;
	static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
	const char *scope = "customers:createdAt:desc";
	char *c = cursor_encode(a, secret, 32, scope, "2025-12-31 23:59:59", 42);
	char *key;
	uint64_t id;
	assert_int_equal(cursor_decode(a, secret, 32, scope, c, &key, &id), 0);
	assert_string_equal(key, "2025-12-31 23:59:59");
	assert_int_equal(id, 42);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(months_within_the_first_month),
	    cmocka_unit_test(months_at_month_ends),
	    cmocka_unit_test(months_across_year_ends),
	    cmocka_unit_test(months_in_leap_years),
	    cmocka_unit_test(months_without_a_start),
	    cmocka_unit_test(average_monthly_revenue),
	    cmocka_unit_test(relative_across_a_year_end),
	    cmocka_unit_test(csrf_expiry_across_a_year_end),
	    cmocka_unit_test(cursor_keeps_a_year_end_timestamp),
	};
	return cmocka_run_group_tests_name("dates", tests, NULL, NULL);
}
