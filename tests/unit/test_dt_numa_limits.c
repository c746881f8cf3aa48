// SPDX-License-Identifier: MIT
/*
 * test_dt_numa_limits.c - a NUMA tree within the guest's MAX_NUMNODES
 * (mc_dt_opts.max_numnodes; 0: Debian's CONFIG_NODES_SHIFT, 16 on arm64,
 * 4 on riscv64): a node at or above it is refused (of_numa turns NUMA
 * off), so is a distance-map triple naming one, and on arm64 and riscv64
 * more than 2 x MAX_NUMNODES reg ranges (numa_memblks, Linux 6.12+:
 * "too many memblk ranges"). Each refusal names the field and the limit.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-dt.h"

static struct mc_map *carved(const char *text)
{
	struct mc_map *map = map_from(text);

	if (mc_map_carve(map))
		fail_msg("carve: %s", first_error(map));
	return map;
}

static void accepted(const char *text, const struct mc_dt_opts *opt)
{
	struct mc_map *map = carved(text);
	void *blob;
	size_t len;

	if (mc_dt_build_alloc(map, opt, &blob, &len))
		fail_msg("mc_dt_build: %s", first_error(map));
	assert_int_equal(fdt_check_full(blob, len), 0);
	mc_free(blob);
	mc_map_free(map);
}

/* Refused with MC_EINVAL, the message holding every string of @says. */
static void refused(const char *text, const struct mc_dt_opts *opt,
		    const char *const *says)
{
	struct mc_map *map = carved(text);
	void *blob;
	size_t len;
	const char *msg;

	assert_int_equal(mc_dt_build_alloc(map, opt, &blob, &len), MC_EINVAL);
	assert_null(blob);
	msg = first_error(map);
	print_message("refused: %s\n", msg);
	for (; *says; says++)
		if (!strstr(msg, *says))
			fail_msg("'%s' not in: %s", *says, msg);
	mc_map_free(map);
}

/* A map of @n 2 MiB RAM ranges with 2 MiB holes, all on node 0. */
static const char *ranges(const char *arch, unsigned int n, bool numa)
{
	static char text[8192];
	size_t at = (size_t)snprintf(text, sizeof(text), "arch %s\n", arch);

	for (unsigned int i = 0; i < n; i++)
		at += (size_t)snprintf(text + at, sizeof(text) - at,
				       "ram %#x 2M%s\n", 0x80000000u + i * 0x400000u,
				       numa ? " node=0" : "");
	return text;
}

static void test_node_past_debian_arm64(void **state)
{
	static const char *const says[] = {
		"opts.max_numnodes", "16 (not given: Debian's arm64 kernels')",
		"memory block 0x80000000+0x10000000 is on NUMA node 16",
		"Node id ... exceeds maximum value", "turns NUMA off", NULL };
	struct mc_dt_opts opt;

	(void)state;
	mc_dt_opts_init(&opt);
	accepted("arch arm64\nram 0x40000000 256M node=0\n"
		 "ram 0x80000000 256M node=15\n", &opt);
	refused("arch arm64\nram 0x40000000 256M node=0\n"
		"ram 0x80000000 256M node=16\n", &opt, says);
}

static void test_node_past_debian_riscv64(void **state)
{
	static const char *const says[] = {
		"opts.max_numnodes", "4 (not given: Debian's riscv64 kernels')",
		"NUMA node 4", NULL };
	struct mc_dt_opts opt;

	(void)state;
	mc_dt_opts_init(&opt);
	accepted("arch riscv64\nram 0x80000000 256M node=0\n"
		 "ram 0x90000000 256M node=3\n", &opt);
	refused("arch riscv64\nram 0x80000000 256M node=0\n"
		"ram 0x90000000 256M node=4\n", &opt, says);
}

/* The caller's kernel: max_numnodes = 64 takes node 20, not node 64. */
static void test_override(void **state)
{
	static const char *const says[] = {
		"opts.max_numnodes", "64: memory block", "NUMA node 64",
		"number the nodes below 64", NULL };
	struct mc_dt_opts opt;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.max_numnodes = 64;
	accepted("arch arm64\nram 0x40000000 256M node=0\n"
		 "ram 0x80000000 256M node=20\n", &opt);
	refused("arch arm64\nram 0x40000000 256M node=0\n"
		"ram 0x80000000 256M node=64\n", &opt, says);
}

static void test_distance_naming_a_node_past_it(void **state)
{
	static const char *const says[] = {
		"opts.max_numnodes", "distance-map names node 20",
		"(distance 0 20 30)", "node ids are out of bound", NULL };
	struct mc_dt_opts opt;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.distance_map = true;
	refused("arch arm64\nram 0x40000000 256M node=0\n"
		"ram 0x80000000 256M node=20\n"
		"distance 0 20 30\n", &opt, says);
	opt.max_numnodes = 32;
	accepted("arch arm64\nram 0x40000000 256M node=0\n"
		 "ram 0x80000000 256M node=20\n"
		 "distance 0 20 30\n", &opt);
}

/* numa_memblks (6.12+): NR_NODE_MEMBLKS = 2 x MAX_NUMNODES reg ranges. */
static void test_too_many_ranges(void **state)
{
	static const char *const arm64[] = {
		"opts.max_numnodes", "33 reg ranges",
		"2 x MAX_NUMNODES = 32", "from 6.12", "too many memblk ranges",
		NULL };
	static const char *const riscv64[] = {
		"9 reg ranges", "2 x MAX_NUMNODES = 8", NULL };
	struct mc_dt_opts opt;

	(void)state;
	mc_dt_opts_init(&opt);
	accepted(ranges("arm64", 32, true), &opt);
	refused(ranges("arm64", 33, true), &opt, arm64);
	opt.layout = MC_DT_MEMORY_ONE_NODE;	/* one node, 33 reg entries */
	refused(ranges("arm64", 33, true), &opt, arm64);
	accepted(ranges("riscv64", 8, true), &opt);
	refused(ranges("riscv64", 9, true), &opt, riscv64);
	mc_dt_opts_init(&opt);
	opt.max_numnodes = 32;
	accepted(ranges("arm64", 33, true), &opt);
	/* not NUMA: Linux fakes one node over all of RAM (one memblk) */
	mc_dt_opts_init(&opt);
	accepted(ranges("arm64", 33, false), &opt);
}

static void test_bad_values(void **state)
{
	static const uint32_t bad[] = { 1, 3, 24, 2048, 0x80000000u };
	static const char *const says[] = {
		"opts.max_numnodes", "power of two, 2..1024", NULL };
	struct mc_dt_opts opt;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mc_dt_opts_init(&opt);
		opt.max_numnodes = bad[i];
		refused("arch arm64\nram 0x40000000 256M node=0\n", &opt,
			says);
	}
	opt.max_numnodes = 2;
	accepted("arch arm64\nram 0x40000000 256M node=1\n", &opt);
	opt.max_numnodes = 1024;
	accepted("arch arm64\nram 0x40000000 256M node=1023\n", &opt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_past_debian_arm64),
		cmocka_unit_test(test_node_past_debian_riscv64),
		cmocka_unit_test(test_override),
		cmocka_unit_test(test_distance_naming_a_node_past_it),
		cmocka_unit_test(test_too_many_ranges),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
