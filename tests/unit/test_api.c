// SPDX-License-Identifier: MIT
/*
 * test_api.c - the library as a VMM calls it: adding regions by hand,
 * ownership of what it returns, slots, names, errors.
 */
#include "core_helpers.h"

static void a_zeroed_region_is_a_valid_start(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_region r = { 0 };

	(void)state;
	r.kind = MC_RAM;
	r.last = 0xfffff;
	assert_int_equal(mc_map_add(map, &r), 0);
	assert_int_equal(mc_map_carve(map), 0);
	assert_int_equal(mc_map_totals(map)->ram_before, 0x100000);
	mc_map_free(map);
}

static void added_strings_and_arrays_are_copied(void **state)
{
	struct mc_map *map = mc_map_new();
	char name[] = "buf";
	struct mc_pci_dev dev = { 0, 2, 0x10 };
	uint32_t sid = 0x210;
	struct mc_region r = { .first = 0x1000, .last = 0x1fff,
			       .kind = MC_RESERVED, .type = MC_RESV_DIRECT,
			       .name = name, .devices = &dev, .n_devices = 1,
			       .sids = &sid, .n_sids = 1 };
	const struct mc_region *in;
	size_t n;

	(void)state;
	assert_int_equal(mc_map_add(map, &r), 0);
	name[0] = 'X';
	dev.bus = 9;
	sid = 0;
	in = mc_map_input(map, &n);
	assert_string_equal(in[0].name, "buf");
	assert_int_equal(in[0].devices[0].bus, 2);
	assert_int_equal(in[0].sids[0], 0x210);
	/* no source given: the call's number stands for its line */
	assert_string_equal(in[0].source, "mc_map_add()");
	assert_int_equal(in[0].line, 1);
	mc_map_free(map);
}

static void bad_regions_are_refused_with_a_diagnostic(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_region r = { .first = 2, .last = 1, .kind = MC_RAM };

	(void)state;
	assert_int_equal(mc_map_add(map, &r), MC_ERANGE);
	assert_string_equal(first_error(map),
			    "mc_map_add()#1: region.last: first 0x2 is above "
			    "last 0x1: the range is empty or wraps past 2^64");
	r = (struct mc_region){ .kind = (enum mc_kind)42 };
	assert_int_equal(mc_map_add(map, &r), MC_EINVAL);
	r = (struct mc_region){ .kind = MC_MMIO, .flags = MC_F_ACCESS,
				.access = 1 };
	assert_int_equal(mc_map_add(map, &r), MC_EINVAL);
	r = (struct mc_region){ .kind = MC_RESERVED, .type = MC_RESV_DIRECT,
				.flags = MC_F_ACCESS, .access = 256 };
	assert_int_equal(mc_map_add(map, &r), MC_ERANGE);
	assert_int_equal(mc_map_set_granule(map, 3), MC_EINVAL);
	assert_int_equal(mc_map_set_granule(map, 2048), MC_EINVAL);	/* < 4K */
	assert_int_equal(mc_map_set_policy(map, MC_POLICY_DEFAULT), MC_EINVAL);
	assert_int_equal(mc_map_set_arch(map, MC_ARCH_NONE), MC_EINVAL);
	mc_map_free(map);
}

static void results_exist_only_after_carving(void **state)
{
	struct mc_map *map = map_from("ram 0 1M\n");
	struct mc_region r = { .first = 0x1000, .last = 0x1fff,
			       .kind = MC_RESERVED };
	size_t n = 99;

	(void)state;
	assert_null(mc_map_result(map, &n));
	assert_int_equal(n, 0);
	assert_null(mc_map_slots(map, &n));
	assert_null(mc_map_totals(map));
	assert_int_equal(mc_map_carve(map), 0);
	assert_non_null(mc_map_result(map, &n));
	assert_int_equal(n, 1);
	/* a change drops the result; carving again includes it */
	assert_int_equal(mc_map_add(map, &r), 0);
	assert_null(mc_map_result(map, &n));
	assert_int_equal(mc_map_carve(map), 0);
	mc_map_result(map, &n);
	assert_int_equal(n, 3);
	mc_map_free(map);
}

static void slots_are_packed_runs_of_backed_memory(void **state)
{
	struct mc_map *map;
	const struct mc_slot *s;
	size_t n;

	(void)state;
	carve_text(&map, "ram 0 640K\nram 1M 15M\nram 16M 16M\n"
			 "reserved 0x400000 1M type=msi\n"
			 "reserved 0x800000 1M type=direct\n");
	s = mc_map_slots(map, &n);
	assert_int_equal(n, 3);
	/* lowmem alone; the MSI hole splits high memory once; the overlaid
	 * direct range and the adjacent block at 16M join one slot */
	assert_int_equal(s[0].guest, 0);
	assert_int_equal(s[0].size, 640 << 10);
	assert_int_equal(s[0].offset, 0);
	assert_int_equal(s[1].guest, 1 << 20);
	assert_int_equal(s[1].size, 3 << 20);
	assert_int_equal(s[1].offset, 640 << 10);
	assert_int_equal(s[2].guest, 5 << 20);
	assert_int_equal(s[2].size, 27 << 20);
	assert_int_equal(s[2].offset, (640 << 10) + (3 << 20));
	assert_int_equal(s[2].slot, 2);
	assert_int_equal(mc_map_totals(map)->ram_after,
			 s[2].offset + s[2].size);
	mc_map_free(map);
}

static void names_round_trip(void **state)
{
	enum mc_kind k;
	enum mc_resv_type t;
	enum mc_policy p;
	enum mc_arch a;

	(void)state;
	for (int i = MC_RAM; i <= MC_PMEM; i++) {
		assert_int_equal(mc_kind_parse(mc_kind_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	for (int i = MC_RESV_RESERVED; i <= MC_RESV_DIRECT_RELAXABLE; i++) {
		assert_int_equal(mc_resv_type_parse(mc_resv_type_name(i), &t), 0);
		assert_int_equal(t, i);
	}
	for (int i = MC_POLICY_ABORT; i <= MC_POLICY_RELOCATE; i++) {
		assert_int_equal(mc_policy_parse(mc_policy_name(i), &p), 0);
		assert_int_equal(p, i);
	}
	for (int i = MC_ARCH_ARM64; i <= MC_ARCH_MIPS; i++) {
		assert_int_equal(mc_arch_parse(mc_arch_name(i), &a), 0);
		assert_int_equal(a, i);
	}
	assert_null(mc_kind_name((enum mc_kind)99));
	assert_int_equal(mc_arch_parse("none", &a), MC_EINVAL);
	assert_int_equal(mc_arch_page_size(MC_ARCH_PPC64), 0x10000);
	assert_int_equal(mc_arch_page_size(MC_ARCH_ARM64), 0x1000);
}

static void every_error_code_has_a_message(void **state)
{
	(void)state;
	assert_string_equal(mc_strerror(0), "success");
	for (int e = MC_EINVAL; e >= MC_EBADBLOB; e--)
		assert_string_not_equal(mc_strerror(e), "unknown error");
	assert_string_equal(mc_strerror(-1000), "unknown error");
}

static void parse_number_takes_the_map_syntax(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(mc_parse_number("64K", &v), 0);
	assert_int_equal(v, 0x10000);
	assert_int_equal(mc_parse_number("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(mc_parse_number("1.5G", &v), MC_EINVAL);
	assert_int_equal(mc_parse_number("99999999999999999999", &v), MC_ERANGE);
}

static void report_adds_a_diagnostic_for_emitters(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	assert_int_equal(mc_map_report(map, MC_EALIGN, "--base",
				       "0x%x is odd", 3),
			 MC_EALIGN);
	assert_string_equal(first_error(map), "--base: 0x3 is odd");
	assert_int_equal(mc_map_error(map, 0)->code, MC_EALIGN);
	mc_map_free(map);
}

static void free_accepts_null(void **state)
{
	(void)state;
	mc_map_free(NULL);
}

static void the_library_says_its_version(void **state)
{
	(void)state;
	assert_string_equal(mc_version(), MC_VERSION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_zeroed_region_is_a_valid_start),
		cmocka_unit_test(added_strings_and_arrays_are_copied),
		cmocka_unit_test(bad_regions_are_refused_with_a_diagnostic),
		cmocka_unit_test(results_exist_only_after_carving),
		cmocka_unit_test(slots_are_packed_runs_of_backed_memory),
		cmocka_unit_test(names_round_trip),
		cmocka_unit_test(every_error_code_has_a_message),
		cmocka_unit_test(parse_number_takes_the_map_syntax),
		cmocka_unit_test(report_adds_a_diagnostic_for_emitters),
		cmocka_unit_test(free_accepts_null),
		cmocka_unit_test(the_library_says_its_version),
	};

	return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
