// SPDX-License-Identifier: MIT
/*
 * test_dt_alloc.c - mc_dt_build_alloc() and the bytes behind it: the
 * one-shot entry point gives what the caller-buffer one gives, refuses
 * what it refuses, and every blob is what libfdt's own sequential-write
 * functions write for the same tree (the emitter writes libfdt's layout
 * itself, name table included).
 */
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-dt.h"
#include "fdt_copy.h"

static const char *const KINDS =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"mmio 0x08000000 16M name=gic\n"
	"acpi 0x40100000 1M name=acpi-tables\n"
	"nvs 0x40200000 64K\n"
	"reserved 0x41000000 2M policy=overlay name=fw-log\n"
	"reserved 0x42000000 32M policy=overlay name=pool reusable\n"
	"reserved 0x48000000 1M type=msi name=hole\n"
	"pmem 0x100000000 1G name=nvdimm\n";

/*
 * A base whose property names are tails of one another ("reg" of "xreg",
 * then of "some,reg", added after "reg" is in use), which the name table
 * shares, with a memory node to inherit from, a /memreserve/ entry and a
 * /reserved-memory child of its own.
 */
static void *make_base(size_t *len)
{
	size_t size = 4096;
	char *fdt = malloc(size);
	fdt32_t two = cpu_to_fdt32(2);
	fdt64_t reg[2] = { cpu_to_fdt64(0x40000000),
			   cpu_to_fdt64(0x40000000) };
	fdt64_t fw[2] = { cpu_to_fdt64(0x10000000000), cpu_to_fdt64(0x1000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)size), 0);
	fdt_add_reservemap_entry(fdt, 0x1000, 0x1000);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "device-reg", 1);
	fdt_property_u32(fdt, "xreg", 2);
	fdt_property(fdt, "#address-cells", &two, 4);
	fdt_property(fdt, "#size-cells", &two, 4);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_u32(fdt, "numa-node-id", 1);
	fdt_property(fdt, "reg", reg, sizeof(reg));
	fdt_property_string(fdt, "device_type", "memory");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "dev@9000000");
	fdt_property_string(fdt, "status", "okay");
	fdt_property_u32(fdt, "some,reg", 3);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "reserved-memory");
	fdt_property(fdt, "#address-cells", &two, 4);
	fdt_property(fdt, "#size-cells", &two, 4);
	fdt_property(fdt, "ranges", NULL, 0);
	fdt_begin_node(fdt, "fw@10000000000");
	fdt_property(fdt, "reg", fw, sizeof(fw));
	fdt_property(fdt, "no-map", NULL, 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	*len = fdt_totalsize(fdt);
	return fdt;
}

/* Both entry points give the same blob, and it is libfdt's. */
static void check_same(struct mc_map *map, const struct mc_dt_opts *opt)
{
	size_t need = 0, len = 0, alloc_len = 0, copy_len = 0;
	void *buf, *blob = NULL, *copy;

	need = 0;
	assert_int_equal(mc_dt_build(map, opt, NULL, &need), MC_ENOSPC);
	buf = malloc(need);
	assert_non_null(buf);
	len = need;
	assert_int_equal(mc_dt_build(map, opt, buf, &len), 0);
	if (mc_dt_build_alloc(map, opt, &blob, &alloc_len))
		fail_msg("mc_dt_build_alloc: %s", first_error(map));
	assert_non_null(blob);
	assert_int_equal(alloc_len, len);
	assert_memory_equal(blob, buf, len);
	assert_int_equal(fdt_check_full(blob, alloc_len), 0);
	copy = libfdt_copy(blob, &copy_len);
	assert_int_equal(copy_len, alloc_len);
	assert_memory_equal(copy, blob, alloc_len);
	free(copy);
	mc_free(blob);
	free(buf);
}

static void test_fresh_same_bytes(void **state)
{
	struct mc_map *map = map_carved(KINDS);
	struct mc_dt_opts one = { .layout = MC_DT_MEMORY_ONE_NODE,
				     .memreserve = MC_DT_MEMRESERVE_ON };

	(void)state;
	check_same(map, NULL);
	check_same(map, &one);
	mc_map_free(map);
}

static void test_patch_same_bytes(void **state)
{
	struct mc_map *map = map_carved(KINDS);
	struct mc_dt_opts opt = { .memreserve = MC_DT_MEMRESERVE_ON };
	void *base = make_base(&opt.base_len);

	(void)state;
	opt.base = base;
	check_same(map, &opt);
	opt.layout = MC_DT_MEMORY_ONE_NODE;
	opt.drop_base_memreserve = true;
	check_same(map, &opt);
	free(base);
	mc_map_free(map);
}

/* Each refusal: the code, a diagnostic, no blob. */
static void refused(struct mc_map *map, const struct mc_dt_opts *opt,
		    int code, const char *says)
{
	void *blob = (void *)1;
	size_t len = 1;

	mc_map_clear_errors(map);
	assert_int_equal(mc_dt_build_alloc(map, opt, &blob, &len), code);
	assert_null(blob);
	assert_int_equal(len, 0);
	assert_non_null(strstr(first_error(map), says));
	mc_free(blob);	/* NULL is fine */
}

static void test_alloc_refusals(void **state)
{
	struct mc_map *raw = map_from(KINDS), *map = map_carved(KINDS);
	struct mc_map *clash = map_carved("arch arm64\nram 0x40000000 1G\n"
				      "reserved 0x10000000000 4K name=fw\n");
	struct mc_dt_opts bad = { .cells = 3 }, one = { .cells = 1 };
	struct mc_dt_opts patch = { 0 };
	unsigned char junk[64] = { 0 };
	void *base = make_base(&patch.base_len);

	(void)state;
	refused(raw, NULL, MC_ESTATE, "not carved");
	refused(map, &bad, MC_EINVAL, "1 or 2 cells");
	refused(map, &one, MC_ERANGE, "does not fit");
	patch.base = base;
	refused(clash, &patch, MC_EOVERLAP, "overlaps the base's");
	patch.base = junk;
	patch.base_len = sizeof(junk);
	refused(map, &patch, MC_EBADBLOB, "not a valid DTB");
	free(base);
	mc_map_free(clash);
	mc_map_free(map);
	mc_map_free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_same_bytes),
		cmocka_unit_test(test_patch_same_bytes),
		cmocka_unit_test(test_alloc_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
