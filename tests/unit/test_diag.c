// SPDX-License-Identifier: MIT
/*
 * test_diag.c - every diagnostic has one of three shapes (internal/diag.h):
 *
 *   SOURCE:LINE: KIND BASE+SIZE[ type=TYPE][ name=NAME]: message
 *   SOURCE:LINE: KIND BASE+SIZE...: overlaps KIND BASE+SIZE... (SOURCE:LINE)
 *	(why)
 *   [SOURCE[:LINE]: ][FIELD: ]message
 *
 * SOURCE is a map file, a reserved_regions file, or "mc_map_add()#N".
 */
#include "core_helpers.h"
#include "internal/diag.h"

/* Load @text from @source into @map; fails the test on a parse error. */
static void load(struct mc_map *map, const char *source, const char *text)
{
	if (mc_map_load(map, source, text, strlen(text)))
		fail_msg("parse failed: %s", first_error(map));
}

static void a_range_from_a_map_file_names_its_file_and_line(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	load(map, "vm.map", "policy relocate\n"
			    "ram 0xfffffffffff00000 1M name=top\n"
			    "reserved 0xfffffffffff80000 4K\n");
	assert_int_equal(mc_map_carve(map), MC_ENOROOM);
	assert_string_equal(first_error(map),
			    "vm.map:2: ram 0xfffffffffff00000+0x100000 "
			    "name=top: no free space above it for the 0x1000 "
			    "bytes relocate carved out of it");
	assert_string_equal(mc_map_error(map, 0)->source, "vm.map");
	assert_int_equal(mc_map_error(map, 0)->line, 2);
	mc_map_free(map);
}

static void an_overlap_names_both_ranges_and_their_lines(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	load(map, "vm.map", "policy abort\n"
			    "# RAM first\n"
			    "ram 0 256M name=dram\n"
			    "reserved 0x8000000 1M type=msi name=its\n");
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "vm.map:4: reserved 0x8000000+0x100000 type=msi "
			    "name=its: overlaps ram 0x0+0x10000000 name=dram "
			    "(vm.map:3) (policy abort)");
	mc_map_free(map);
}

static void a_range_from_a_resv_file_names_that_file(void **state)
{
	static const char resv[] =
		"0x00000000fee00000 0x00000000feefffff reserved\n"
		"0x0000000008000000 0x00000000080fffff msi\n";
	struct mc_map *map = mc_map_new();
	const struct mc_region *r;
	size_t n;

	(void)state;
	load(map, "vm.map", "policy abort\nram 0 256M\n");
	assert_int_equal(mc_map_load_resv(map, "group7.resv", resv,
					  strlen(resv)), 0);
	r = mc_map_input(map, &n);
	assert_string_equal(r[2].source, "group7.resv");
	assert_int_equal(r[2].line, 2);
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "group7.resv:2: reserved 0x8000000+0x100000 "
			    "type=msi: overlaps ram 0x0+0x10000000 (vm.map:2) "
			    "(policy abort)");
	mc_map_free(map);
}

static void a_range_from_mc_map_add_is_numbered_by_its_call(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_region ram = { .first = 0, .last = 0xfffffff };
	struct mc_region bad = { .first = 2, .last = 1 };
	struct mc_region msi = { .first = 0x8000000, .last = 0x80fffff,
				 .kind = MC_RESERVED, .type = MC_RESV_MSI,
				 .policy = MC_POLICY_ABORT };
	const struct mc_region *r;
	size_t n;

	(void)state;
	assert_int_equal(mc_map_add(map, &ram), 0);
	assert_int_equal(mc_map_add(map, &bad), MC_ERANGE);	/* call 2 */
	assert_string_equal(first_error(map),
			    "mc_map_add()#2: region.last: first 0x2 is above "
			    "last 0x1: the range is empty or wraps past 2^64");
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_add(map, &msi), 0);		/* call 3 */
	r = mc_map_input(map, &n);
	assert_string_equal(r[1].source, "mc_map_add()");
	assert_int_equal(r[1].line, 3);
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "mc_map_add()#3: reserved 0x8000000+0x100000 "
			    "type=msi: overlaps ram 0x0+0x10000000 "
			    "(mc_map_add()#1) (policy abort)");
	mc_map_free(map);
}

static void a_callers_own_source_is_copied_and_named(void **state)
{
	struct mc_map *map = mc_map_new();
	char source[] = "vmm.toml";
	struct mc_region ram = { .first = 0, .last = 0xfffffff,
				 .source = source, .line = 12 };
	struct mc_region dev = { .first = 0x4000000, .last = 0x4000fff,
				 .kind = MC_MMIO, .policy = MC_POLICY_ABORT,
				 .name = "uart", .source = source,
				 .line = 15 };

	(void)state;
	assert_int_equal(mc_map_add(map, &ram), 0);
	assert_int_equal(mc_map_add(map, &dev), 0);
	source[0] = 'X';
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "vmm.toml:15: mmio 0x4000000+0x1000 name=uart: "
			    "overlaps ram 0x0+0x10000000 (vmm.toml:12) "
			    "(policy abort)");
	mc_map_free(map);
}

static void a_range_ending_at_the_top_says_its_size_whole(void **state)
{
	struct mc_map *map = mc_map_new();
	struct mc_map *all = mc_map_new();
	struct mc_region ram = { .first = 0, .last = 0xfffffff };
	struct mc_region top = { .first = 0, .last = UINT64_MAX,
				 .kind = MC_RESERVED,
				 .policy = MC_POLICY_ABORT };
	char buf[MC_RANGE_STR];

	(void)state;
	assert_string_equal(mc_range_str(buf, 0, UINT64_MAX),
			    "0x0+0x10000000000000000");
	assert_string_equal(mc_range_str(buf, 0x1000, UINT64_MAX),
			    "0x1000+0xfffffffffffff000");
	assert_int_equal(mc_map_add(map, &ram), 0);
	assert_int_equal(mc_map_add(map, &top), 0);
	assert_int_equal(mc_map_carve(map), MC_EOVERLAP);
	assert_string_equal(first_error(map),
			    "mc_map_add()#2: reserved 0x0+0x10000000000000000: "
			    "overlaps ram 0x0+0x10000000 (mc_map_add()#1) "
			    "(policy abort)");
	/* RAM of all 2^64 bytes: the one size 64 bits cannot hold */
	load(all, "vm.map", "ram 0 0x8000000000000000\n"
			    "ram 0x8000000000000000 0x8000000000000000\n");
	assert_int_equal(mc_map_carve(all), MC_ERANGE);
	assert_string_equal(first_error(all),
			    "vm.map:2: ram 0x8000000000000000+0x8000000000000000: "
			    "total RAM exceeds 2^64 - 1 bytes");
	mc_map_free(all);
	mc_map_free(map);
}

static void other_messages_name_their_field(void **state)
{
	struct mc_map *map = mc_map_new();
	const struct mc_error *e;

	(void)state;
	assert_int_equal(mc_map_set_granule(map, 3), MC_EINVAL);
	e = mc_map_error(map, 0);
	assert_string_equal(e->msg, "granule: 0x3 is not a power of two");
	assert_string_equal(e->source, "");
	assert_string_equal(e->field, "granule");
	assert_int_equal(e->line, 0);
	assert_int_equal(mc_map_load(map, "vm.map", "ram 0 0\n", 8), MC_EINVAL);
	e = mc_map_error(map, 1);
	assert_string_equal(e->msg, "vm.map:1: size: '0' is zero");
	assert_string_equal(e->field, "size");
	mc_map_free(map);
}

static void messages_are_whole_up_to_the_cap_and_kept_until_cleared(
	void **state)
{
	struct mc_map *map = mc_map_new();
	char long_text[1500];

	(void)state;
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	mc_map_report(map, MC_EINVAL, "opts.model", "%s", long_text);
	/* longer than the 512 bytes a 0.x message held */
	assert_int_equal(strlen(first_error(map)),
			 strlen("opts.model: ") + sizeof(long_text) - 1);
	mc_map_report(map, MC_EINVAL, NULL, "%s%s", long_text, long_text);
	assert_int_equal(strlen(mc_map_error(map, 1)->msg), MC_DIAG_MAX - 1);
	assert_string_equal(mc_map_error(map, 1)->msg + MC_DIAG_MAX - 4, "...");
	mc_map_report(map, MC_EINVAL, NULL, "bell \a here");
	assert_string_equal(mc_map_error(map, 2)->msg, "bell \\x07 here");
	mc_map_clear_errors(map);
	assert_int_equal(mc_map_error_count(map), 0);
	assert_null(mc_map_error(map, 0));
	mc_map_free(map);
}

static void diagnostics_beyond_the_limit_are_counted(void **state)
{
	struct mc_map *map = mc_map_new();

	(void)state;
	for (int i = 0; i < MC_MAX_ERRORS + 3; i++)
		mc_map_report(map, MC_EINVAL, NULL, "error %d", i);
	assert_int_equal(mc_map_error_count(map), MC_MAX_ERRORS);
	assert_int_equal(mc_map_errors_dropped(map), 3);
	assert_string_equal(mc_map_error(map, MC_MAX_ERRORS - 1)->msg,
			    "error 31");
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_range_from_a_map_file_names_its_file_and_line),
		cmocka_unit_test(an_overlap_names_both_ranges_and_their_lines),
		cmocka_unit_test(a_range_from_a_resv_file_names_that_file),
		cmocka_unit_test(a_range_from_mc_map_add_is_numbered_by_its_call),
		cmocka_unit_test(a_callers_own_source_is_copied_and_named),
		cmocka_unit_test(a_range_ending_at_the_top_says_its_size_whole),
		cmocka_unit_test(other_messages_name_their_field),
		cmocka_unit_test(
			messages_are_whole_up_to_the_cap_and_kept_until_cleared),
		cmocka_unit_test(diagnostics_beyond_the_limit_are_counted),
	};

	return cmocka_run_group_tests_name("diag", tests, NULL, NULL);
}
