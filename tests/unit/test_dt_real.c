// SPDX-License-Identifier: MIT
/*
 * test_dt_real.c - patch mode on the shapes real device trees have (issue
 * 15), one defect class per test, each on a minimal tree written here:
 *
 *  1. node names dtc accepts (a leading digit, __symbols__, long names)
 *  2. a root memory@ node without device_type
 *  3. reserved-memory@0 as the /reserved-memory node
 *  4. disabled memory nodes (QEMU virt,secure=on's secram)
 *  5. --memory-nodes one and NUMA nodes; phandles on memory nodes
 *  6. the base's /memreserve/ entries as reservations
 *  7. inherited properties, each decided
 *
 * and the free space (--pad) and the fresh root's model/compatible.
 */
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-dt.h"

#define TREE_SIZE 65536

/* A base under construction with libfdt's sequential writer. */
static void *tree_begin(uint64_t rsv_addr, uint64_t rsv_size)
{
	void *fdt = malloc(TREE_SIZE);

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, TREE_SIZE), 0);
	if (rsv_size)
		fdt_add_reservemap_entry(fdt, rsv_addr, rsv_size);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	return fdt;
}

static void prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };

	fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* A memory node; @type NULL for none, @status NULL for none. */
static void memory(void *fdt, const char *name, const char *type,
		   uint64_t addr, uint64_t size, const char *status)
{
	fdt_begin_node(fdt, name);
	if (type)
		fdt_property_string(fdt, "device_type", type);
	prop_reg(fdt, addr, size);
	if (status)
		fdt_property_string(fdt, "status", status);
}

static void resv_node(void *fdt, const char *name)
{
	fdt_begin_node(fdt, name);
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property(fdt, "ranges", NULL, 0);
}

static void *tree_end(void *fdt)
{
	fdt_end_node(fdt);	/* the root */
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

/* Patch @base with @map_text; returns the output (free it) or NULL. */
static void *patch(const char *map_text, const void *base,
		   struct mc_dt_opts *opt, int want, const char *says)
{
	struct mc_map *map = map_carved(map_text);
	void *out = NULL;
	size_t len = 0;
	int err;

	opt->base = base;
	opt->base_len = fdt_totalsize(base);
	err = mc_dt_build_alloc(map, opt, &out, &len);
	if (err != want)
		fail_msg("want %d, got %d: %s", want, err,
			 mc_map_error_count(map) ? first_error(map) : "");
	if (says && !strstr(first_error(map), says))
		fail_msg("'%s' does not say '%s'", first_error(map), says);
	if (!err)
		assert_int_equal(fdt_check_full(out, len), 0);
	mc_map_free(map);
	return out;
}

static int count_named(const void *fdt, int parent, const char *name)
{
	int node, n = 0;

	fdt_for_each_subnode(node, fdt, parent)
		n += strcmp(fdt_get_name(fdt, node, NULL), name) == 0;
	return n;
}

static uint32_t u32_of(const void *fdt, const char *path, const char *prop)
{
	const fdt32_t *v = fdt_getprop(fdt, fdt_path_offset(fdt, path), prop,
				       NULL);

	assert_non_null(v);
	return fdt32_ld(v);
}

static bool has(const void *fdt, const char *path, const char *prop)
{
	int node = fdt_path_offset(fdt, path);

	assert_true(node >= 0);
	return fdt_getprop(fdt, node, prop, NULL) != NULL;
}

static const char *const RAM_1G = "arch arm64\nram 0x40000000 1G\n";

/* 1. Names dtc and Linux accept are kept; only ours follow the spec. */
static void test_1_base_names_dtc_accepts(void **state)
{
	struct mc_dt_opts opt = { 0 };
	void *fdt = tree_begin(0, 0), *out;

	(void)state;
	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30, NULL);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "3p3v");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "i2c@1000");
	fdt_begin_node(fdt, "24c02@50");
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "a-regulator-name-of-forty-two-characters");
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "__symbols__");
	fdt_property_string(fdt, "uart0", "/uart@9000000");
	fdt_end_node(fdt);
	tree_end(fdt);
	out = patch(RAM_1G, fdt, &opt, 0, NULL);
	assert_true(fdt_path_offset(out, "/3p3v") >= 0);
	assert_true(fdt_path_offset(out, "/i2c@1000/24c02@50") >= 0);
	assert_true(fdt_path_offset(
		out, "/a-regulator-name-of-forty-two-characters") >= 0);
	assert_true(has(out, "/__symbols__", "uart0"));
	free(out);
	patch("arch arm64\nram 0x40000000 1G\n"
	      "reserved 0x48000000 1M type=msi name=3msi\n", fdt, &opt,
	      MC_EINVAL, "'3msi' is not a device-tree node name");
	/* 31 characters at most: the DT's limit, not the map file's. */
	patch("arch arm64\nram 0x40000000 1G\n"
	      "reserved 0x48000000 1M type=msi "
	      "name=abcdefghijklmnopqrstuvwxyz0123456\n", fdt, &opt, MC_EINVAL,
	      "'abcdefghijklmnopqrstuvwxyz0123456' is not a device-tree node name");
	free(fdt);
}

/*
 * 2. A root memory@ node without device_type is not memory to Linux, but
 * it is where a bootloader writes memory: ours replace it, never sit
 * beside it under the same name.
 */
static void test_2_untyped_memory_node_is_replaced(void **state)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *decoded = mc_map_new();
	void *fdt = tree_begin(0, 0), *out;
	size_t n;

	(void)state;
	memory(fdt, "memory@40000000", NULL, 0x40000000, 0x10000000, NULL);
	fdt_end_node(fdt);
	tree_end(fdt);
	/* Linux's view of the base: no memory */
	assert_int_equal(mc_dt_decode(decoded, fdt, fdt_totalsize(fdt)), 0);
	mc_map_input(decoded, &n);
	assert_int_equal(n, 0);
	out = patch(RAM_1G, fdt, &opt, 0, NULL);
	assert_int_equal(count_named(out, 0, "memory@40000000"), 1);
	assert_true(has(out, "/memory@40000000", "device_type"));
	free(out);
	mc_map_free(decoded);
	free(fdt);
}

/* 3. reserved-memory@0 is the node Linux reads: ours go into it. */
static void test_3_reserved_memory_with_a_unit_address(void **state)
{
	struct mc_dt_opts opt = { 0 };
	void *fdt = tree_begin(0, 0), *two = tree_begin(0, 0), *out;

	(void)state;
	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30, NULL);
	fdt_end_node(fdt);
	resv_node(fdt, "reserved-memory@0");
	fdt_begin_node(fdt, "tee@7f000000");
	prop_reg(fdt, 0x7f000000, 0x100000);
	fdt_property(fdt, "no-map", NULL, 0);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	tree_end(fdt);
	out = patch("arch arm64\nram 0x40000000 1G\n"
		    "reserved 0x48000000 1M type=msi\n", fdt, &opt, 0, NULL);
	assert_int_equal(count_named(out, 0, "reserved-memory"), 0);
	assert_true(fdt_path_offset(out, "/reserved-memory@0/msi@48000000")
		    >= 0);
	/* libfdt (and Linux) resolve the path to that node */
	assert_true(fdt_path_offset(out, "/reserved-memory/msi@48000000") >= 0);
	assert_true(fdt_path_offset(out, "/reserved-memory/tee@7f000000") >= 0);
	free(out);

	resv_node(two, "reserved-memory");
	fdt_end_node(two);
	resv_node(two, "reserved-memory@0");
	fdt_end_node(two);
	tree_end(two);
	patch(RAM_1G, two, &opt, MC_EBADBLOB,
	      "two reserved-memory nodes ('reserved-memory' and "
	      "'reserved-memory@0')");
	free(two);
	free(fdt);
}

/* QEMU virt,secure=on: secure RAM, disabled for the normal world. */
static void *secure_tree(void)
{
	void *fdt = tree_begin(0, 0);

	memory(fdt, "secram@e000000", "memory", 0xe000000, 0x1000000,
	       "disabled");
	fdt_property_string(fdt, "secure-status", "okay");
	fdt_end_node(fdt);
	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30, NULL);
	fdt_end_node(fdt);
	return tree_end(fdt);
}

/*
 * 4. A disabled memory node is not memory to Linux (nor to the decoder):
 * it is kept as it is, and memory of ours over it inherits nothing of it.
 */
static void test_4_disabled_memory_nodes_are_kept(void **state)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *decoded = mc_map_new();
	void *fdt = secure_tree(), *out;
	const struct mc_region *r;
	size_t n;

	(void)state;
	out = patch(RAM_1G, fdt, &opt, 0, NULL);
	assert_string_equal(fdt_getprop(out, fdt_path_offset(
				out, "/secram@e000000"), "status", NULL),
			    "disabled");
	assert_true(has(out, "/secram@e000000", "secure-status"));
	free(out);
	out = patch("arch arm64\nram 0xe000000 16M\nram 0x40000000 1G\n", fdt,
		    &opt, 0, NULL);
	assert_true(has(out, "/secram@e000000", "status"));
	assert_false(has(out, "/memory@e000000", "secure-status"));
	assert_false(has(out, "/memory@e000000", "status"));
	assert_int_equal(mc_dt_decode(decoded, out, fdt_totalsize(out)), 0);
	r = mc_map_input(decoded, &n);
	assert_int_equal(n, 2);		/* ours; the secram stays unread */
	assert_int_equal(r[0].first, 0xe000000);
	assert_int_equal(r[1].first, 0x40000000);
	free(out);
	mc_map_free(decoded);
	free(fdt);
}

/* Two NUMA nodes; the second memory node has a phandle. */
static void *numa_tree(const char *prop)
{
	void *fdt = tree_begin(0, 0);

	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30, NULL);
	fdt_property_u32(fdt, prop, 0);
	fdt_end_node(fdt);
	memory(fdt, "memory@80000000", "memory", 0x80000000, 1ull << 30, NULL);
	fdt_property_u32(fdt, prop, 1);
	fdt_property_u32(fdt, "phandle", 0x20);
	fdt_end_node(fdt);
	return tree_end(fdt);
}

/* 5. One node per NUMA node and phandle; never a phandle lost. */
static void test_5_one_node_keeps_numa_and_phandles(void **state)
{
	struct mc_dt_opts opt = { .layout = MC_DT_MEMORY_ONE_NODE };
	struct mc_dt_opts per_block = { 0 };
	void *fdt = numa_tree("numa-node-id"), *out;

	(void)state;
	out = patch("arch arm64\nram 0x40000000 2G\n"
		    "reserved 0x48000000 1M type=msi\n", fdt, &opt, 0, NULL);
	assert_int_equal(u32_of(out, "/memory@40000000", "numa-node-id"), 0);
	assert_int_equal(u32_of(out, "/memory@80000000", "numa-node-id"), 1);
	assert_int_equal(u32_of(out, "/memory@80000000", "phandle"), 0x20);
	assert_false(has(out, "/memory@40000000", "phandle"));
	free(out);
	/* the phandle's node gets no RAM: refused, in both layouts */
	patch(RAM_1G, fdt, &opt, MC_EINVAL,
	      "/memory@80000000 (0x80000000+0x40000000) has a phandle");
	patch(RAM_1G, fdt, &per_block, MC_EINVAL, "has a phandle");
	/* RAM outside both NUMA nodes: which node is unknown */
	patch("arch arm64\nram 0x40000000 2G\nram 0x100000000 1G\n", fdt,
	      &per_block, MC_EINVAL,
	      "memory block 0x100000000+0x40000000 lies outside every "
	      "memory node");
	free(fdt);
	fdt = numa_tree("ibm,associativity");
	out = patch("arch arm64\nram 0x40000000 2G\n", fdt, &opt, 0, NULL);
	assert_int_equal(u32_of(out, "/memory@80000000", "ibm,associativity"),
			 1);
	free(out);
	free(fdt);
}

/*
 * 7 (NUMA): relocated RAM lies outside every base node; it is on the NUMA
 * node its input range was on, and refused when that range spans two.
 */
static void test_7_relocated_memory_keeps_its_numa_node(void **state)
{
	struct mc_dt_opts opt = { 0 };
	void *fdt = numa_tree("ibm,associativity"), *out;

	(void)state;
	out = patch("arch arm64\npolicy relocate\nram 0x40000000 1G\n"
		    "ram 0x80000000 1G\nreserved 0x48000000 16M type=msi\n",
		    fdt, &opt, 0, NULL);
	assert_int_equal(u32_of(out, "/memory@c0000000", "ibm,associativity"),
			 0);
	assert_false(has(out, "/memory@c0000000", "phandle"));
	free(out);
	patch("arch arm64\npolicy relocate\nram 0x40000000 2G\n"
	      "reserved 0x48000000 16M type=msi\n", fdt, &opt, MC_EINVAL,
	      "memory block 0xc0000000+0x1000000 lies outside every memory "
	      "node");
	free(fdt);
}

/* 6. A base /memreserve/ entry is a reservation like a child. */
static void test_6_base_memreserve_is_checked(void **state)
{
	struct mc_dt_opts opt = { 0 }, dropped = {
		.drop_base_memreserve = true };
	struct mc_dt_opts listed = { .memreserve = MC_DT_MEMRESERVE_ON };
	void *fdt = tree_begin(0x80000000, 0x10000), *out;

	(void)state;
	memory(fdt, "memory@80000000", "memory", 0x80000000, 1ull << 30, NULL);
	fdt_end_node(fdt);
	tree_end(fdt);
	patch("arch arm64\nram 0x80000000 1G\n"
	      "reserved 0x80008000 4K type=msi\n", fdt, &opt, MC_EOVERLAP,
	      "overlaps the base's /memreserve/ entry 0x80000000+0x10000");
	patch("arch arm64\nram 0x80000000 1G\n"
	      "reserved 0x80000000 64K type=direct policy=overlay\n", fdt,
	      &listed, MC_EOVERLAP, "0x80000000+0x10000");
	out = patch("arch arm64\nram 0x80000000 1G\n"
		    "reserved 0x80000000 64K type=direct policy=overlay\n",
		    fdt, &dropped, 0, NULL);
	assert_int_equal(fdt_num_mem_rsv(out), 0);
	free(out);
	out = patch("arch arm64\nram 0x80000000 1G\n"
		    "reserved 0x90000000 64K type=direct policy=overlay\n",
		    fdt, &listed, 0, NULL);
	assert_int_equal(fdt_num_mem_rsv(out), 2);	/* theirs, ours */
	free(out);
	free(fdt);
}

/* 7. Each inherited property: kept, dropped, or refused. */
static void test_7_inherited_properties(void **state)
{
	struct mc_dt_opts opt = { 0 };
	void *fdt = tree_begin(0, 0), *out;
	fdt64_t avail[2] = { cpu_to_fdt64(0x40100000),
			     cpu_to_fdt64(0x3ff00000) };

	(void)state;
	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30,
	       "okay");
	fdt_property(fdt, "available", avail, sizeof(avail));	/* OLPC */
	fdt_property(fdt, "linux,usable-memory", avail, sizeof(avail));
	fdt_property(fdt, "hotpluggable", NULL, 0);
	fdt_property_u32(fdt, "numa-node-id", 2);
	fdt_end_node(fdt);
	tree_end(fdt);
	out = patch("arch arm64\nram 0x40000000 1G\nram 0x100000000 1G\n"
		    "reserved 0x40000000 1M type=msi\n", fdt, &opt, 0, NULL);
	assert_false(has(out, "/memory@40100000", "available"));
	assert_false(has(out, "/memory@40100000", "linux,usable-memory"));
	assert_false(has(out, "/memory@40100000", "status"));
	assert_true(has(out, "/memory@40100000", "hotpluggable"));
	assert_int_equal(u32_of(out, "/memory@40100000", "numa-node-id"), 2);
	/* outside the node, on the base's one NUMA node: its id only */
	assert_int_equal(u32_of(out, "/memory@100000000", "numa-node-id"), 2);
	assert_false(has(out, "/memory@100000000", "hotpluggable"));
	free(out);
	free(fdt);
}

/* The free space a VMM left in its tree stays, unless --pad says. */
static void test_pad_keeps_the_base_free_space(void **state)
{
	struct mc_dt_opts opt = { 0 }, none = { .pad_set = true };
	struct mc_dt_opts four_k = { .pad = 4096, .pad_set = true };
	void *fdt = tree_begin(0, 0), *roomy = malloc(1 << 20), *out, *tight;
	size_t used;

	(void)state;
	memory(fdt, "memory@40000000", "memory", 0x40000000, 1ull << 30, NULL);
	fdt_end_node(fdt);
	tree_end(fdt);
	assert_int_equal(fdt_open_into(fdt, roomy, 1 << 20), 0);
	tight = patch(RAM_1G, roomy, &none, 0, NULL);
	used = fdt_totalsize(tight);
	out = patch(RAM_1G, roomy, &opt, 0, NULL);
	assert_int_equal(fdt_totalsize(out), used + (1 << 20) -
			 fdt_totalsize(fdt));
	/* the same tree after the header's totalsize, then zeros */
	assert_memory_equal((char *)out + 8, (char *)tight + 8, used - 8);
	for (size_t i = used; i < fdt_totalsize(out); i++)
		assert_int_equal(((unsigned char *)out)[i], 0);
	free(out);
	out = patch(RAM_1G, roomy, &four_k, 0, NULL);
	assert_int_equal(fdt_totalsize(out), used + 4096);
	free(out);
	free(tight);
	free(roomy);
	free(fdt);
}

/* A fresh tree is a fragment: no model or compatible unless asked. */
static void test_fresh_root_model_only_when_asked(void **state)
{
	static const char *const compat[] = { "acme,board", "acme,soc", NULL };
	struct mc_dt_opts asked = { .model = "Acme board",
				       .compatible = compat };
	struct mc_map *map = map_carved(RAM_1G);
	void *out;
	size_t len;
	int compat_len;

	(void)state;
	assert_int_equal(mc_dt_build_alloc(map, NULL, &out, &len), 0);
	assert_null(fdt_getprop(out, 0, "model", NULL));
	assert_null(fdt_getprop(out, 0, "compatible", NULL));
	mc_free(out);
	assert_int_equal(mc_dt_build_alloc(map, &asked, &out, &len), 0);
	assert_string_equal(fdt_getprop(out, 0, "model", NULL), "Acme board");
	assert_memory_equal(fdt_getprop(out, 0, "compatible", &compat_len),
			    "acme,board\0acme,soc", 20);
	assert_int_equal(compat_len, 20);
	mc_free(out);
	asked.base = out;	/* any base: refused before it is read */
	asked.base_len = 1;
	assert_int_equal(mc_dt_build_alloc(map, &asked, &out, &len),
			 MC_EINVAL);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_1_base_names_dtc_accepts),
		cmocka_unit_test(test_2_untyped_memory_node_is_replaced),
		cmocka_unit_test(test_3_reserved_memory_with_a_unit_address),
		cmocka_unit_test(test_4_disabled_memory_nodes_are_kept),
		cmocka_unit_test(test_5_one_node_keeps_numa_and_phandles),
		cmocka_unit_test(test_6_base_memreserve_is_checked),
		cmocka_unit_test(test_7_inherited_properties),
		cmocka_unit_test(test_7_relocated_memory_keeps_its_numa_node),
		cmocka_unit_test(test_pad_keeps_the_base_free_space),
		cmocka_unit_test(test_fresh_root_model_only_when_asked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
