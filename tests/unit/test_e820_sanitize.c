// SPDX-License-Identifier: MIT
/*
 * test_e820_sanitize.c - mc_e820_sanitize() against the rules of Linux's
 * e820__update_table(): sorted output, the highest type wins an overlap,
 * touching entries of one type merge, zero sizes vanish, PRAM and
 * SOFT_RESERVED never merge; plus the ends of the 64-bit space.
 *
 * Tables are written "ADDR+SIZE:TYPE ..." and results "FIRST-LAST:TYPE ...",
 * inclusive like the kernel's printout.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve-e820.h"

#define MAX 64

static size_t parse(const char *spec, struct mc_e820_entry *e)
{
	size_t n = 0;
	const char *p = spec;
	char *end;

	while (*p) {
		e[n].addr = strtoull(p, &end, 0);
		assert_true(*end == '+');
		e[n].size = strtoull(end + 1, &end, 0);
		assert_true(*end == ':');
		e[n].type = (uint32_t)strtoul(end + 1, &end, 0);
		n++;
		p = end + strspn(end, " ");
	}
	return n;
}

static const char *render(const struct mc_e820_entry *e, size_t n)
{
	static char buf[4096];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"%s0x%" PRIx64 "-0x%" PRIx64 ":%" PRIu32,
					i ? " " : "", e[i].addr,
					e[i].addr + (e[i].size - 1), e[i].type);
	return buf;
}

/* The sanitized table of @spec, rendered; fails on an error. */
static const char *sanitized(const char *spec)
{
	struct mc_e820_entry in[MAX], out[MAX];
	size_t n = parse(spec, in), count;

	count = MAX;
	assert_int_equal(mc_e820_sanitize(in, n, out, &count), 0);
	return render(out, count);
}

static int sanitize_err(const char *spec)
{
	struct mc_e820_entry in[MAX], out[MAX];
	size_t count = MAX;

	return mc_e820_sanitize(in, parse(spec, in), out, &count);
}

/*
 * A table drawn as rows of 24 columns of one page each: a digit is the
 * type of that row's entry at that page, '_' is outside it.
 */
static size_t draw(const char *const *rows, struct mc_e820_entry *e)
{
	size_t n = 0;

	for (; *rows; rows++) {
		const char *r = *rows;
		size_t first = strcspn(r, "0123456789");
		size_t len = strspn(r + first, "0123456789");

		e[n++] = (struct mc_e820_entry){ first * 0x1000, len * 0x1000,
						 (uint32_t)(r[first] - '0') };
	}
	return n;
}

static void the_kernels_own_sample_map_comes_out_as_it_says(void **state)
{
	static const char *const in_rows[] = {
		"____22__________________", "______________________4_",
		"____1111________________", "_44_____________________",
		"11111111________________", "____________________33__",
		"___________44___________", "__________33333_________",
		"______________22________", "___________________2222_",
		"_________111111111______", "_____________________11_",
		"_________________4______", NULL,
	};
	static const char *const want_rows[] = {
		"1_______________________", "_44_____________________",
		"___1____________________", "____22__________________",
		"______11________________", "_________1______________",
		"__________3_____________", "___________44___________",
		"_____________33_________", "_______________2________",
		"________________1_______", "_________________4______",
		"___________________2____", "____________________33__",
		"______________________4_", NULL,
	};
	struct mc_e820_entry in[MAX], want[MAX], out[MAX];
	size_t n_in = draw(in_rows, in), n_want = draw(want_rows, want), n;

	(void)state;
	n = MAX;
	assert_int_equal(mc_e820_sanitize(in, n_in, out, &n), 0);
	assert_string_equal(render(out, n), render(want, n_want));
}

static void entries_come_out_sorted(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x100000+0x1000:2 0x0+0x1000:1 "
				      "0x8000+0x1000:3"),
			    "0x0-0xfff:1 0x8000-0x8fff:3 0x100000-0x100fff:2");
}

/*
 * PRAM (12) is never merged, so while it is the winning type every change
 * point starts a new entry, even the end of a lower entry beneath it:
 * @split names such a boundary, "" when the kernel merges across it.
 */
static void on_overlap_the_higher_type_wins_for_every_pair(void **state)
{
	static const uint32_t types[] = { 1, 2, 3, 4, 5, 7, 12 };
	const size_t n = sizeof(types) / sizeof(types[0]);
	char spec[128], want[160];

	(void)state;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			uint32_t lo = types[i], hi = types[j];
			bool split = hi == MC_E820_PRAM;

			/* [0, 2 pages) of lo overlapped by [1, 3 pages) of hi */
			snprintf(want, sizeof(want), split ?
				 "0x0-0xfff:%u 0x1000-0x1fff:%u 0x2000-0x2fff:%u" :
				 "0x0-0xfff:%u 0x1000-0x2fff:%u", lo, hi, hi);
			snprintf(spec, sizeof(spec), "0x0+0x2000:%u "
				 "0x1000+0x2000:%u", lo, hi);
			assert_string_equal(sanitized(spec), want);
			snprintf(spec, sizeof(spec), "0x1000+0x2000:%u "
				 "0x0+0x2000:%u", hi, lo);
			assert_string_equal(sanitized(spec), want);
			/* hi inside lo: lo resumes after it */
			snprintf(spec, sizeof(spec), "0x0+0x3000:%u "
				 "0x1000+0x1000:%u", lo, hi);
			snprintf(want, sizeof(want), "0x0-0xfff:%u "
				 "0x1000-0x1fff:%u 0x2000-0x2fff:%u", lo, hi,
				 lo);
			assert_string_equal(sanitized(spec), want);
			/* lo inside hi: lo vanishes */
			snprintf(spec, sizeof(spec), "0x0+0x3000:%u "
				 "0x1000+0x1000:%u", hi, lo);
			snprintf(want, sizeof(want), split ?
				 "0x0-0xfff:%u 0x1000-0x1fff:%u 0x2000-0x2fff:%u" :
				 "0x0-0x2fff:%u", hi, hi, hi);
			assert_string_equal(sanitized(spec), want);
		}
	}
}

static void touching_or_overlapping_entries_of_one_type_merge(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x1000:1 0x1000+0x1000:1"),
			    "0x0-0x1fff:1");
	assert_string_equal(sanitized("0x0+0x2000:2 0x1000+0x2000:2"),
			    "0x0-0x2fff:2");
	assert_string_equal(sanitized("0x0+0x1000:1 0x1000+0x1000:1 "
				      "0x2000+0x1000:1 0x3000+0x1000:2"),
			    "0x0-0x2fff:1 0x3000-0x3fff:2");
}

static void touching_entries_of_different_types_stay_apart(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x1000:1 0x1000+0x1000:3"),
			    "0x0-0xfff:1 0x1000-0x1fff:3");
}

static void gaps_stay_gaps(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x1000:1 0x2000+0x1000:1"),
			    "0x0-0xfff:1 0x2000-0x2fff:1");
}

static void pram_and_soft_reserved_never_merge(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x1000:12 0x1000+0x1000:12"),
			    "0x0-0xfff:12 0x1000-0x1fff:12");
	/* overlapping ones split at every change point */
	assert_string_equal(sanitized("0x0+0x2000:12 0x1000+0x2000:12"),
			    "0x0-0xfff:12 0x1000-0x1fff:12 0x2000-0x2fff:12");
	assert_string_equal(sanitized("0x0+0x1000:0xefffffff "
				      "0x1000+0x1000:0xefffffff"),
			    "0x0-0xfff:4026531839 0x1000-0x1fff:4026531839");
}

static void soft_reserved_outranks_every_other_type(void **state)
{
	(void)state;
	/* and, never merged either, splits where the PRAM below it ends */
	assert_string_equal(sanitized("0x0+0x2000:12 0x1000+0x2000:0xefffffff"),
			    "0x0-0xfff:12 0x1000-0x1fff:4026531839 "
			    "0x2000-0x2fff:4026531839");
}

static void zero_size_entries_are_dropped(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x1000:1 0x5000+0:2 "
				      "0x1000+0x1000:1"),
			    "0x0-0x1fff:1");
	/* a zero-size entry between two of one type does not split them */
	assert_string_equal(sanitized("0x0+0x1000:1 0x1000+0:2 "
				      "0x1000+0x1000:1"),
			    "0x0-0x1fff:1");
}

static void type_zero_describes_nothing(void **state)
{
	(void)state;
	assert_string_equal(sanitized("0x0+0x3000:0 0x1000+0x1000:1"),
			    "0x1000-0x1fff:1");
}

static void a_table_of_fewer_than_two_is_left_alone(void **state)
{
	struct mc_e820_entry in[1] = { { 0x5000, 0, 2 } }, out[1];
	size_t n;

	(void)state;
	n = 1;
	assert_int_equal(mc_e820_sanitize(in, 1, out, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].size, 0);
	n = 0;
	assert_int_equal(mc_e820_sanitize(in, 0, NULL, &n), 0);
	assert_int_equal(n, 0);
}

static void entries_may_end_at_the_last_byte(void **state)
{
	(void)state;
	assert_string_equal(
		sanitized("0xffffffff00000000+0x100000000:1 "
			  "0xfffffffffff00000+0x100000:2"),
		"0xffffffff00000000-0xffffffffffefffff:1 "
		"0xfffffffffff00000-0xffffffffffffffff:2");
	assert_string_equal(
		sanitized("0xfffffffffff00000+0x100000:2 "
			  "0xffffffffffe00000+0x100000:2 0x0+0x1000:1"),
		"0x0-0xfff:1 0xffffffffffe00000-0xffffffffffffffff:2");
	/* the highest type wins right up to the end */
	assert_string_equal(
		sanitized("0xfffffffffff00000+0x100000:1 "
			  "0xfffffffffff80000+0x80000:4"),
		"0xfffffffffff00000-0xfffffffffff7ffff:1 "
		"0xfffffffffff80000-0xffffffffffffffff:4");
}

static void entries_that_wrap_past_two_to_the_64_are_refused(void **state)
{
	(void)state;
	assert_int_equal(sanitize_err("0x0+0x1000:1 "
				      "0xfffffffffff00000+0x100001:2"),
			 MC_ERANGE);
	assert_int_equal(sanitize_err("0xffffffffffffffff+2:1"), MC_ERANGE);
}

static void a_result_covering_all_of_the_space_is_refused(void **state)
{
	(void)state;
	/* [0, 2^64) has a size one bit too wide for the size field */
	assert_int_equal(sanitize_err("0x0+0x8000000000000000:1 "
				      "0x8000000000000000+0x8000000000000000:1"),
			 MC_ERANGE);
}

static void a_small_buffer_gets_enospc_and_the_count_needed(void **state)
{
	struct mc_e820_entry in[MAX], out[2];
	size_t n = parse("0x0+0x3000:1 0x1000+0x1000:2", in), count;

	(void)state;
	count = 0;
	assert_int_equal(mc_e820_sanitize(in, n, NULL, &count), MC_ENOSPC);
	assert_int_equal(count, 3);
	count = 2;
	assert_int_equal(mc_e820_sanitize(in, n, out, &count), MC_ENOSPC);
	assert_int_equal(count, 3);
	assert_string_equal(render(out, 2), "0x0-0xfff:1 0x1000-0x1fff:2");
}

static void a_sanitized_table_is_a_fixed_point(void **state)
{
	const char *once = "0x0-0x9ffff:1 0xa0000-0xfffff:2 "
			   "0x100000-0xfebfffff:1 0xfee00000-0xfeefffff:2";

	(void)state;
	assert_string_equal(sanitized("0x0+0xa0000:1 0xa0000+0x60000:2 "
				      "0x100000+0xfeb00000:1 "
				      "0xfee00000+0x100000:2"),
			    once);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_kernels_own_sample_map_comes_out_as_it_says),
		cmocka_unit_test(entries_come_out_sorted),
		cmocka_unit_test(on_overlap_the_higher_type_wins_for_every_pair),
		cmocka_unit_test(touching_or_overlapping_entries_of_one_type_merge),
		cmocka_unit_test(touching_entries_of_different_types_stay_apart),
		cmocka_unit_test(gaps_stay_gaps),
		cmocka_unit_test(pram_and_soft_reserved_never_merge),
		cmocka_unit_test(soft_reserved_outranks_every_other_type),
		cmocka_unit_test(zero_size_entries_are_dropped),
		cmocka_unit_test(type_zero_describes_nothing),
		cmocka_unit_test(a_table_of_fewer_than_two_is_left_alone),
		cmocka_unit_test(entries_may_end_at_the_last_byte),
		cmocka_unit_test(entries_that_wrap_past_two_to_the_64_are_refused),
		cmocka_unit_test(a_result_covering_all_of_the_space_is_refused),
		cmocka_unit_test(a_small_buffer_gets_enospc_and_the_count_needed),
		cmocka_unit_test(a_sanitized_table_is_a_fixed_point),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
