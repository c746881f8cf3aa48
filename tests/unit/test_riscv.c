// SPDX-License-Identifier: MIT
/*
 * test_riscv.c - riscv64 guests: the arch's numbers (kept enum value, 4K
 * granule, COMMAND_LINE_SIZE 1024 of arch/riscv's uapi setup.h in 6.12
 * and 7.x), and its device trees: OpenSBI's /reserved-memory children
 * (mmode_resv*, written by its fdt_reserved_memory_fixup()) kept as they
 * are and never overlapped, and a tree read back as a riscv64 map.
 */
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-cmdline.h"
#include "memcarve-dt.h"

static const char *const RV_MAP =
	"arch riscv64\n"
	"ram 0x80000000 512M\n"
	"reserved 0x90000000 1M type=msi name=doorbell\n"
	"reserved 0x94000000 4M policy=overlay name=pool reusable\n";

/* QEMU's riscv64 virt tree, as OpenSBI hands it on (mmode_resv0 added). */
static void *opensbi_base(void)
{
	size_t size = 4096;
	void *fdt = malloc(size);
	fdt64_t mem[2] = { cpu_to_fdt64(0x80000000), cpu_to_fdt64(0x20000000) };
	fdt64_t sbi[2] = { cpu_to_fdt64(0x80000000), cpu_to_fdt64(0x80000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)size), 0);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property_string(fdt, "compatible", "riscv-virtio");
	fdt_begin_node(fdt, "memory@80000000");
	fdt_property_string(fdt, "device_type", "memory");
	fdt_property(fdt, "reg", mem, sizeof(mem));
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "cpus");
	fdt_begin_node(fdt, "cpu@0");
	fdt_property_string(fdt, "compatible", "riscv");
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "reserved-memory");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property(fdt, "ranges", NULL, 0);
	fdt_begin_node(fdt, "mmode_resv0@80000000");
	fdt_property(fdt, "reg", sbi, sizeof(sbi));
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

/* 1. The arch's numbers. */
static void test_arch_numbers(void **state)
{
	enum mc_arch a;

	(void)state;
	/* appended: the values before it keep theirs */
	assert_int_equal(MC_ARCH_MIPS, 4);
	assert_int_equal(MC_ARCH_RISCV64, 5);
	assert_int_equal(mc_arch_parse("riscv64", &a), 0);
	assert_int_equal(a, MC_ARCH_RISCV64);
	assert_string_equal(mc_arch_name(MC_ARCH_RISCV64), "riscv64");
	assert_int_equal(mc_arch_parse("riscv", &a), MC_EINVAL);
	assert_int_equal(mc_arch_page_size(MC_ARCH_RISCV64), 4096);
	assert_int_equal(mc_cmdline_limit(MC_ARCH_RISCV64), 1024);
}

/* 2. A riscv64 map carves at 4K and gives slots like any DT guest. */
static void test_granule_and_slots(void **state)
{
	struct mc_map *map = map_carved(
		"arch riscv64\nram 0x80000000 64M\n"
		"reserved 0x80801000 4K type=msi\n");
	size_t n;
	const struct mc_slot *s = mc_map_slots(map, &n);

	(void)state;
	assert_int_equal(mc_map_granule(map), 4096);
	assert_int_equal(n, 2);
	assert_int_equal(s[0].size, 0x801000);
	assert_int_equal(s[1].guest, 0x80802000);
	mc_map_free(map);
}

/* 3. OpenSBI's child is kept, ours join it, and the tree reads back. */
static void test_opensbi_child_is_kept(void **state)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *map = map_carved(RV_MAP), *back = mc_map_new();
	void *base = opensbi_base(), *out = NULL;
	size_t len = 0, n;
	int resv;

	(void)state;
	opt.base = base;
	opt.base_len = fdt_totalsize(base);
	assert_int_equal(mc_dt_build_alloc(map, &opt, &out, &len), 0);
	resv = fdt_path_offset(out, "/reserved-memory");
	assert_true(fdt_subnode_offset(out, resv, "mmode_resv0@80000000") >= 0);
	assert_true(fdt_subnode_offset(out, resv, "doorbell@90000000") >= 0);
	assert_int_equal(mc_dt_decode(back, out, len), 0);
	assert_int_equal(mc_map_arch(back), MC_ARCH_RISCV64);
	mc_map_input(back, &n);
	assert_int_equal(n, 5);	/* 2 memory blocks, 3 children */
	mc_free(out);
	mc_map_free(back);
	mc_map_free(map);
	free(base);
}

/* 4. A reservation over OpenSBI's region is refused, naming OpenSBI. */
static void test_opensbi_overlap_is_refused(void **state)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *map = map_carved(
		"arch riscv64\nram 0x80000000 512M\n"
		"reserved 0x80040000 256K policy=overlay name=fw\n");
	void *base = opensbi_base(), *out = NULL;
	size_t len = 0;

	(void)state;
	opt.base = base;
	opt.base_len = fdt_totalsize(base);
	assert_int_equal(mc_dt_build_alloc(map, &opt, &out, &len),
			 MC_EOVERLAP);
	assert_null(out);
	assert_non_null(strstr(first_error(map), "mmode_resv0@80000000"));
	assert_non_null(strstr(first_error(map), "OpenSBI"));
	mc_map_free(map);
	free(base);
}

/* 5. A tree without a "riscv" CPU leaves the map's arch alone. */
static void test_other_trees_keep_the_arch(void **state)
{
	struct mc_map *map = map_carved("arch arm64\nram 0x40000000 1G\n");
	struct mc_map *back = mc_map_new();
	void *out = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mc_dt_build_alloc(map, NULL, &out, &len), 0);
	assert_int_equal(mc_dt_decode(back, out, len), 0);
	assert_int_equal(mc_map_arch(back), MC_ARCH_NONE);
	mc_free(out);
	mc_map_free(back);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_numbers),
		cmocka_unit_test(test_granule_and_slots),
		cmocka_unit_test(test_opensbi_child_is_kept),
		cmocka_unit_test(test_opensbi_overlap_is_refused),
		cmocka_unit_test(test_other_trees_keep_the_arch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
