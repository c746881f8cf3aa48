// SPDX-License-Identifier: MIT
/*
 * test_resv.c - /sys/kernel/iommu_groups/N/reserved_regions as the kernel
 * prints it: "0x%016llx 0x%016llx %s\n", start, inclusive end, type.
 */
#include "core_helpers.h"

static const char host_group[] =
	"0x0000000008000000 0x00000000080fffff msi\n"
	"0x000000003e2e0000 0x000000003e2fffff direct\n"
	"0x00000000fee00000 0x00000000feefffff reserved\n"
	"0x00000000b0000000 0x00000000b0ffffff direct-relaxable\n";

static void each_line_is_an_unnamed_reserved_range(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load_resv(map, "group7", host_group,
					  strlen(host_group)),
			 0);
	r = mc_map_input(map, &n);
	assert_int_equal(n, 4);
	assert_int_equal(r[0].kind, MC_RESERVED);
	assert_int_equal(r[0].type, MC_RESV_MSI);
	assert_int_equal(r[0].first, 0x8000000);
	assert_int_equal(r[0].last, 0x80fffff);	/* inclusive, as given */
	assert_null(r[0].name);
	assert_int_equal(r[1].type, MC_RESV_DIRECT);
	assert_int_equal(r[2].type, MC_RESV_RESERVED);
	assert_int_equal(r[3].type, MC_RESV_DIRECT_RELAXABLE);
	assert_int_equal(r[3].line, 4);
	mc_map_free(map);
}

static void a_range_may_end_at_the_top_of_the_space(void **state)
{
	const char *text = "0x0000000000000000 0xffffffffffffffff reserved\n";
	struct mc_map *map = mc_map_new();
	const struct mc_piece *r;
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load_resv(map, "g", text, strlen(text)), 0);
	assert_int_equal(mc_map_carve(map), 0);
	r = mc_map_result(map, &n);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].first, 0);
	assert_int_equal(r[0].last, UINT64_MAX);
	mc_map_free(map);
}

static void groups_repeating_the_msi_window_give_one_range(void **state)
{
	const char *g1 = "0x00000000fee00000 0x00000000feefffff msi\n";
	const char *g2 = "0x00000000fee00000 0x00000000feefffff msi\n"
			 "0x000000003e2e0000 0x000000003e2fffff direct\n";
	struct mc_map *map = map_from("ram 0 4G name=r\n");

	(void)state;
	assert_int_equal(mc_map_load_resv(map, "g1", g1, strlen(g1)), 0);
	assert_int_equal(mc_map_load_resv(map, "g2", g2, strlen(g2)), 0);
	assert_int_equal(mc_map_carve(map), 0);
	assert_string_equal(render(map),
			    "0x0-0x3e2dffff ram r\n"
			    "0x3e2e0000-0x3e2fffff reserved/direct backed -\n"
			    "0x3e300000-0xfedfffff ram r\n"
			    "0xfee00000-0xfeefffff reserved/msi carved -\n"
			    "0xfef00000-0xffffffff ram r\n");
	mc_map_free(map);
}

struct bad {
	const char *text;
	const char *msg;
};

static const struct bad bad[] = {
	{ "0x1000 0x1fff doorbell",
	  "g:1: type: 'doorbell' is not one of direct, direct-relaxable, "
	  "reserved, msi" },
	{ "0x1000 0x1fff sw-msi",	/* sysfs never says sw-msi */
	  "g:1: type: 'sw-msi' is not one of direct, direct-relaxable, "
	  "reserved, msi" },
	{ "0x1000 0x1fff", "g:1: type: missing (expected: 0xSTART 0xEND TYPE)" },
	{ "0x1000", "g:1: end: missing (expected: 0xSTART 0xEND TYPE)" },
	{ "0x2000 0x1fff msi", "g:1: end: 0x1fff is below the start 0x2000" },
	{ "0x1000 0x1fff msi extra", "g:1: extra text 'extra' after the type" },
	{ "start 0x1fff msi",
	  "g:1: start: 'start' is not a number (decimal or 0x hex)" },
	{ "0x1000 4K msi", "g:1: end: '4K' is not a number (decimal or 0x hex)" },
};

static void bad_lines_name_the_line_and_field(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mc_map *map = mc_map_new();

		print_message("%s\n", bad[i].text);
		assert_true(mc_map_load_resv(map, "g", bad[i].text,
					     strlen(bad[i].text)) < 0);
		assert_string_equal(first_error(map), bad[i].msg);
		mc_map_free(map);
	}
}

static void blank_lines_are_ignored(void **state)
{
	const char *text = "\n0x1000 0x1fff msi\n\n";
	struct mc_map *map = mc_map_new();
	size_t n;

	(void)state;
	assert_int_equal(mc_map_load_resv(map, "g", text, strlen(text)), 0);
	mc_map_input(map, &n);
	assert_int_equal(n, 1);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_line_is_an_unnamed_reserved_range),
		cmocka_unit_test(a_range_may_end_at_the_top_of_the_space),
		cmocka_unit_test(groups_repeating_the_msi_window_give_one_range),
		cmocka_unit_test(bad_lines_name_the_line_and_field),
		cmocka_unit_test(blank_lines_are_ignored),
	};

	return cmocka_run_group_tests_name("resv", tests, NULL, NULL);
}
