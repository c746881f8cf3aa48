// SPDX-License-Identifier: MIT
/*
 * test_ram_total.c - ppc64 guests keep only a 16 MiB multiple of RAM:
 * Linux's early_init_devtree() (arch/powerpc/kernel/prom.c) rounds the
 * device tree's memory total down to 16 MiB and drops the rest from the
 * top (seen on Debian's 6.12 and 7.2). ppc64 therefore carves in 16 MiB
 * granules by default, and a map whose carved RAM is no such multiple is
 * refused, naming the bytes the guest would lose.
 */
#include "core_helpers.h"

#define SZ_16M 0x1000000ull

static void ppc64_carves_in_16m_granules_by_default(void **state)
{
	struct mc_map *map = map_from("arch ppc64\nram 0 1G\n");

	(void)state;
	assert_int_equal(mc_map_granule(map), SZ_16M);
	assert_int_equal(mc_arch_page_size(MC_ARCH_PPC64), 0x10000);
	mc_map_free(map);
	map = map_from("arch arm64\nram 0 1G\n");
	assert_int_equal(mc_map_granule(map), 0x1000);
	mc_map_free(map);
}

/* The case: a 64K hole at 256M of 1G RAM. */
static void a_small_hole_costs_16m_and_the_total_stays_a_multiple(void **state)
{
	struct mc_map *map;
	const struct mc_totals *t;
	const char *got = carve_text(&map, "arch ppc64\nram 0 1G name=dram\n"
				     "reserved 0x10000000 64K type=msi name=db\n");

	(void)state;
	assert_string_equal(got, "0x0-0xfffffff ram dram\n"
				 "0x10000000-0x10ffffff reserved/msi carved db\n"
				 "0x11000000-0x3fffffff ram dram\n");
	t = mc_map_totals(map);
	assert_int_equal(t->ram_after, 0x3f000000);
	assert_int_equal(t->ram_after % SZ_16M, 0);
	assert_int_equal(t->lost_to_rounding, SZ_16M - 0x10000);
	mc_map_free(map);
}

/* Backed ranges stay memory in the tree: they do not change the total. */
static void overlaid_ranges_keep_the_total(void **state)
{
	struct mc_map *map = map_carved("arch ppc64\nram 0 1G\n"
					"nvs 0x12000000 1M\n"
					"reserved 0x16000000 1M policy=overlay\n");

	(void)state;
	assert_int_equal(mc_map_totals(map)->ram_after, 0x40000000);
	mc_map_free(map);
}

static void a_smaller_granule_that_breaks_the_multiple_is_refused(void **state)
{
	struct mc_map *map = map_from("arch ppc64\ngranule 64K\nram 0 1G\n"
				      "reserved 0x10000000 64K type=msi\n");
	const char *msg;

	(void)state;
	assert_int_equal(mc_map_carve(map), MC_EALIGN);
	msg = first_error(map);
	assert_non_null(strstr(msg, "RAM totals 0x3fff0000 bytes, not a "
				    "multiple of 16 MiB"));
	assert_non_null(strstr(msg, "early_init_devtree()"));
	/* The top 0xff0000 bytes: what the guest printed as lost. */
	assert_non_null(strstr(msg, "drop 0x3f010000+0xff0000"));
	assert_null(mc_map_result(map, &(size_t){ 0 }));
	mc_map_free(map);
}

/* The lost bytes may span more than the top block. */
static void the_dropped_range_starts_in_a_lower_block(void **state)
{
	struct mc_map *map = map_from("arch ppc64\ngranule 64K\n"
				      "ram 0 0x1000000\n"
				      "ram 0x10000000 0x800000\n"
				      "ram 0x20000000 0x10000\n");

	(void)state;
	assert_int_equal(mc_map_carve(map), MC_EALIGN);
	/* 0x810000 over 16M: all of the top block, 0x800000 of the one below */
	assert_non_null(strstr(first_error(map),
			       "drop 0x10000000+0x10010000, the top 0x810000"));
	mc_map_free(map);
}

/* A multiple of 16 MiB passes whatever the granule. */
static void a_multiple_passes_with_any_granule(void **state)
{
	struct mc_map *map = map_carved("arch ppc64\ngranule 64K\n"
					"ram 0 0x10000000\n"
					"ram 0x10010000 0x1000000\n");

	(void)state;
	assert_int_equal(mc_map_totals(map)->ram_after, 0x11000000);
	mc_map_free(map);
}

/* Only ppc64's kernel has the rule. */
static void other_arches_keep_any_total(void **state)
{
	struct mc_map *map = map_carved("arch arm64\nram 0x40000000 1G\n"
					"reserved 0x50000000 64K type=msi\n");

	(void)state;
	assert_int_equal(mc_map_totals(map)->ram_after, 0x3fff0000);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ppc64_carves_in_16m_granules_by_default),
		cmocka_unit_test(a_small_hole_costs_16m_and_the_total_stays_a_multiple),
		cmocka_unit_test(overlaid_ranges_keep_the_total),
		cmocka_unit_test(a_smaller_granule_that_breaks_the_multiple_is_refused),
		cmocka_unit_test(the_dropped_range_starts_in_a_lower_block),
		cmocka_unit_test(a_multiple_passes_with_any_granule),
		cmocka_unit_test(other_arches_keep_any_total),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
