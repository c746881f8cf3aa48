// SPDX-License-Identifier: MIT
/*
 * test_dt_iommu.c - the iommu-addresses binding (dt/dt-iommu.h), checked
 * the way Linux reads it (of_iommu_get_resv_regions(),
 * of_pci_find_child_device(), of_translate_dma_region()): each child of a
 * direct range with devices has a phandle and one iommu-addresses entry
 * per device equal to its reg; each device node, found by devfn under the
 * host bridge, lists the child in memory-region after what it had; every
 * phandle is unique; trees where Linux would ignore it are refused; and
 * the output reads back as the same direct ranges and devices.
 */
#include <libfdt.h>
#include "core_helpers.h"
#include "memcarve-dt.h"

#define SMMU_PHANDLE 0x10
#define OLD_REGION 0x11
#define DEV2_PHANDLE 0x12

struct base_opts {
	bool iommu_map, smmu_disabled, dma_ranges;
};

/*
 * A VMM tree: memory, an SMMU, a PCIe host bridge routing RIDs 0-0xff to
 * it, a device 00:02.0 with a phandle and a memory-region of its own
 * (pointing at an existing child), and /reserved-memory with that child.
 */
static void *make_base(const struct base_opts *b)
{
	size_t size = 8192;
	void *fdt = malloc(size);
	fdt64_t mem[2] = { cpu_to_fdt64(0x40000000), cpu_to_fdt64(0x40000000) };
	fdt64_t old[2] = { cpu_to_fdt64(0x7f000000), cpu_to_fdt64(0x1000) };
	fdt32_t map[4] = { cpu_to_fdt32(0), cpu_to_fdt32(SMMU_PHANDLE),
			   cpu_to_fdt32(0), cpu_to_fdt32(0x100) };
	fdt32_t dev2[5] = { cpu_to_fdt32(2 << 11), 0, 0, 0, 0 };
	fdt32_t dma[7] = { cpu_to_fdt32(0x02000000), 0, 0, 0, 0, 0,
			   cpu_to_fdt32(0x1000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)size), 0);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	fdt_property(fdt, "reg", mem, sizeof(mem));
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "smmuv3@9050000");
	fdt_property_u32(fdt, "#iommu-cells", 1);
	if (b->smmu_disabled)
		fdt_property_string(fdt, "status", "disabled");
	fdt_property_u32(fdt, "phandle", SMMU_PHANDLE);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pcie@10000000");
	fdt_property_string(fdt, "device_type", "pci");
	fdt_property_u32(fdt, "#address-cells", 3);
	fdt_property_u32(fdt, "#size-cells", 2);
	if (b->iommu_map)
		fdt_property(fdt, "iommu-map", map, sizeof(map));
	if (b->dma_ranges)
		fdt_property(fdt, "dma-ranges", dma, sizeof(dma));
	fdt_begin_node(fdt, "ethernet@2");
	fdt_property(fdt, "reg", dev2, sizeof(dev2));
	fdt_property_u32(fdt, "memory-region", OLD_REGION);
	fdt_property_u32(fdt, "phandle", DEV2_PHANDLE);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "reserved-memory");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property(fdt, "ranges", NULL, 0);
	fdt_begin_node(fdt, "ring@7f000000");
	fdt_property(fdt, "reg", old, sizeof(old));
	fdt_property_u32(fdt, "phandle", OLD_REGION);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

static const char *const MAP =
	"arch arm64\n"
	"ram 0x40000000 1G\n"
	"reserved 0x48000000 16M type=direct policy=overlay name=fw "
	"devices=00:02.0,00:03.1\n"
	"reserved 0x50000000 64K type=direct-relaxable name=fb "
	"devices=00:03.1\n"
	"reserved 0x51000000 64K type=msi name=doorbell\n";

static int build(const char *map_text, const struct base_opts *b,
		 bool no_binding, void **out, char *msg, size_t msg_len)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *map = map_carved(map_text);
	void *base = make_base(b);
	size_t len;
	int err;

	opt.base = base;
	opt.base_len = fdt_totalsize(base);
	opt.no_iommu_addresses = no_binding;
	err = mc_dt_build_alloc(map, &opt, out, &len);
	snprintf(msg, msg_len, "%s", first_error(map));
	if (!err)
		assert_int_equal(fdt_check_full(*out, len), 0);
	mc_map_free(map);
	free(base);
	return err;
}

/* The device node Linux gives devfn @devfn under the host bridge. */
static int pci_child(const void *fdt, int devfn)
{
	int bridge = fdt_path_offset(fdt, "/pcie@10000000"), node;

	fdt_for_each_subnode(node, fdt, bridge) {
		const fdt32_t *reg;
		int len;

		reg = fdt_getprop(fdt, node, "reg", &len);
		if (reg && len >= 20 && ((fdt32_ld(reg) >> 8) & 0xff) == (uint32_t)devfn)
			return node;
	}
	return -1;
}

/* Whether @node's memory-region holds @ph, at index *@at. */
static bool lists(const void *fdt, int node, uint32_t ph, int *at)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, "memory-region", &len);
	for (int i = 0; v && i < len / 4; i++)
		if (fdt32_ld(v + i) == ph) {
			*at = i;
			return true;
		}
	return false;
}

/* One child: iommu-addresses equal to reg for each of @devfn's nodes. */
static void check_child(const void *fdt, const char *path, const int *devfn,
			int n)
{
	int child = fdt_path_offset(fdt, path), len, at;
	const fdt32_t *v, *reg;
	uint32_t ph;

	assert_true(child >= 0);
	ph = fdt_get_phandle(fdt, child);
	assert_true(ph != 0);
	reg = fdt_getprop(fdt, child, "reg", NULL);
	v = fdt_getprop(fdt, child, "iommu-addresses", &len);
	assert_non_null(v);
	assert_int_equal(len, n * 24);
	for (int i = 0; i < n; i++, v += 6) {
		int dev = fdt_node_offset_by_phandle(fdt, fdt32_ld(v));

		assert_int_equal(dev, pci_child(fdt, devfn[i]));
		assert_true(lists(fdt, dev, ph, &at));
		/* PCI address mid:lo and size hi:lo: the child's reg, 1:1 */
		assert_memory_equal(v + 2, reg, 8);
		assert_memory_equal(v + 4, reg + 2, 8);
	}
}

static void test_binding_as_linux_reads_it(void **state)
{
	struct base_opts b = { .iommu_map = true };
	void *out = NULL;
	char msg[512];
	int dev2, dev3, at = -1;
	uint32_t seen[16] = { 0 }, n = 0;
	int node;

	(void)state;
	assert_int_equal(build(MAP, &b, false, &out, msg, sizeof(msg)), 0);
	check_child(out, "/reserved-memory/fw@48000000",
		    (const int[]){ 0x10, 0x19 }, 2);
	check_child(out, "/reserved-memory/fb@50000000",
		    (const int[]){ 0x19 }, 1);
	assert_null(fdt_getprop(out, fdt_path_offset(
			out, "/reserved-memory/doorbell@51000000"),
			"iommu-addresses", NULL));
	/* the existing device keeps its phandle and old region, first */
	dev2 = pci_child(out, 0x10);
	assert_string_equal(fdt_get_name(out, dev2, NULL), "ethernet@2");
	assert_int_equal(fdt_get_phandle(out, dev2), DEV2_PHANDLE);
	assert_true(lists(out, dev2, OLD_REGION, &at));
	assert_int_equal(at, 0);
	/* the missing one is written: device@3,1, reg per the PCI binding */
	dev3 = pci_child(out, 0x19);
	assert_string_equal(fdt_get_name(out, dev3, NULL), "device@3,1");
	/* phandles stay unique */
	for (node = fdt_next_node(out, -1, NULL); node >= 0;
	     node = fdt_next_node(out, node, NULL)) {
		uint32_t ph = fdt_get_phandle(out, node);

		for (uint32_t i = 0; ph && i < n; i++)
			assert_int_not_equal(seen[i], ph);
		if (ph && n < 16)
			seen[n++] = ph;
	}
	mc_free(out);
}

static void test_no_iommu_addresses_is_the_plain_tree(void **state)
{
	struct base_opts b = { .iommu_map = true };
	void *out = NULL;
	char msg[512];

	(void)state;
	assert_int_equal(build(MAP, &b, true, &out, msg, sizeof(msg)), 0);
	assert_null(fdt_getprop(out, fdt_path_offset(
			out, "/reserved-memory/fw@48000000"), "iommu-addresses",
			NULL));
	assert_int_equal(pci_child(out, 0x19), -1);
	mc_free(out);
	/* and a tree that would be refused is written without it */
	b.iommu_map = false;
	assert_int_equal(build(MAP, &b, true, &out, msg, sizeof(msg)), 0);
	mc_free(out);
}

static void refused(const struct base_opts *b, const char *map,
		    const char *why)
{
	void *out = NULL;
	char msg[512];

	int err = build(map, b, false, &out, msg, sizeof(msg));

	assert_true(err == MC_EINVAL || err == MC_ERANGE);
	assert_null(out);
	if (!strstr(msg, why))
		fail_msg("'%s' does not say '%s'", msg, why);
	assert_non_null(strstr(msg, "no_iommu_addresses"));
}

static void test_refused_where_linux_would_ignore_it(void **state)
{
	(void)state;
	refused(&(struct base_opts){ 0 }, MAP, "has no iommu-map");
	refused(&(struct base_opts){ .iommu_map = true, .smmu_disabled = true },
		MAP, "is disabled");
	/* the bridge's one DMA window is bus 0+4K at CPU 0 */
	refused(&(struct base_opts){ .iommu_map = true, .dma_ranges = true },
		MAP, "not inside one dma-ranges window");
	refused(&(struct base_opts){ .iommu_map = true },
		"arch arm64\nram 0x40000000 1G\n"
		"reserved 0x48000000 1M type=direct devices=01:00.0\n",
		"not on the host bridge's root bus");
	/* segment 1: the lone host bridge names no domain, so it is 0 */
	refused(&(struct base_opts){ .iommu_map = true },
		"arch arm64\nram 0x40000000 1G\n"
		"reserved 0x48000000 1M type=direct devices=00:00.0,"
		"0001:00:00.0\n",
		"no host bridge of the base tree is that PCI segment");
}

static void test_reads_back_as_direct_with_devices(void **state)
{
	struct base_opts b = { .iommu_map = true };
	struct mc_map *back = mc_map_new();
	void *out = NULL;
	char msg[512];
	const struct mc_region *r;
	size_t n, direct = 0;

	(void)state;
	assert_int_equal(build(MAP, &b, false, &out, msg, sizeof(msg)), 0);
	assert_int_equal(mc_dt_decode(back, out, fdt_totalsize(out)), 0);
	r = mc_map_input(back, &n);
	for (size_t i = 0; i < n; i++) {
		if (r[i].type != MC_RESV_DIRECT)
			continue;
		direct++;
		if (r[i].first == 0x48000000) {
			assert_int_equal(r[i].n_devices, 2);
			assert_int_equal(r[i].devices[0].devfn, 0x10);
			assert_int_equal(r[i].devices[1].devfn, 0x19);
		} else {
			assert_int_equal(r[i].first, 0x50000000);
			assert_int_equal(r[i].n_devices, 1);
		}
	}
	assert_int_equal(direct, 2);
	mc_free(out);
	mc_map_free(back);
}

/*
 * An SoC tree: the host bridge under /soc, whose #address-cells is 1 and
 * whose dma-ranges is empty or, with @dma, not.
 */
static void *soc_base(bool dma)
{
	size_t size = 4096;
	void *fdt = malloc(size);
	fdt64_t mem[2] = { cpu_to_fdt64(0x40000000), cpu_to_fdt64(0x40000000) };
	fdt32_t map[4] = { 0, cpu_to_fdt32(SMMU_PHANDLE), 0,
			   cpu_to_fdt32(0x10000) };
	/* soc bus 0 is CPU 0x40000000, for 1 GiB */
	fdt32_t ranges[4] = { 0, 0, cpu_to_fdt32(0x40000000),
			      cpu_to_fdt32(0x40000000) };

	assert_non_null(fdt);
	assert_int_equal(fdt_create(fdt, (int)size), 0);
	fdt_finish_reservemap(fdt);
	fdt_begin_node(fdt, "");
	fdt_property_u32(fdt, "#address-cells", 2);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_begin_node(fdt, "memory@40000000");
	fdt_property_string(fdt, "device_type", "memory");
	fdt_property(fdt, "reg", mem, sizeof(mem));
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "soc");
	fdt_property_u32(fdt, "#address-cells", 1);
	fdt_property_u32(fdt, "#size-cells", 1);
	fdt_property(fdt, "dma-ranges", ranges, dma ? sizeof(ranges) : 0);
	fdt_begin_node(fdt, "smmu@9050000");
	fdt_property_u32(fdt, "phandle", SMMU_PHANDLE);
	fdt_end_node(fdt);
	fdt_begin_node(fdt, "pcie@10000000");
	fdt_property_string(fdt, "device_type", "pci");
	fdt_property_u32(fdt, "#address-cells", 3);
	fdt_property_u32(fdt, "#size-cells", 2);
	fdt_property(fdt, "iommu-map", map, sizeof(map));
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	fdt_end_node(fdt);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

/* @bus: the address iommu-addresses must hold for 0x48000000 */
static int soc_build(bool dma, const char *map_text, char *msg, size_t len,
		     uint64_t bus)
{
	struct mc_dt_opts opt = { 0 };
	struct mc_map *map = map_carved(map_text), *back = mc_map_new();
	void *base = soc_base(dma), *out = NULL;
	size_t out_len, n;
	const fdt32_t *io;
	const struct mc_region *r;
	int err;

	opt.base = base;
	opt.base_len = fdt_totalsize(base);
	err = mc_dt_build_alloc(map, &opt, &out, &out_len);
	snprintf(msg, len, "%s", first_error(map));
	if (!err) {
		assert_true(fdt_path_offset(out, "/soc/pcie@10000000/device@2")
			    >= 0);
		io = fdt_getprop(out, fdt_path_offset(
				out, "/reserved-memory/direct@48000000"),
				"iommu-addresses", NULL);
		assert_non_null(io);
		assert_int_equal((uint64_t)fdt32_ld(io + 2) << 32 |
					 fdt32_ld(io + 3), bus);
		/* and Linux's translation of it gives the range back */
		assert_int_equal(mc_dt_decode(back, out, out_len), 0);
		r = mc_map_input(back, &n);
		for (size_t i = 0; i < n; i++)
			if (r[i].first == 0x48000000)
				assert_int_equal(r[i].n_devices, 1);
	}
	mc_map_free(back);
	mc_free(out);
	free(base);
	mc_map_free(map);
	return err;
}

/* of_translate_dma_address() walks /soc too: its window, 32-bit there. */
static void test_host_bridge_below_the_root(void **state)
{
	char msg[512];

	(void)state;
	/* empty dma-ranges: 1:1 */
	assert_int_equal(soc_build(false, "arch arm64\nram 0x40000000 1G\n"
				   "reserved 0x48000000 1M type=direct "
				   "policy=overlay devices=00:02.0\n",
				   msg, sizeof(msg), 0x48000000), 0);
	/* soc's window: bus 0x08000000 is CPU 0x48000000 */
	assert_int_equal(soc_build(true, "arch arm64\nram 0x40000000 1G\n"
				   "reserved 0x48000000 1M type=direct "
				   "policy=overlay devices=00:02.0\n",
				   msg, sizeof(msg), 0x08000000), 0);
	/* across the window's end */
	assert_int_equal(soc_build(true, "arch arm64\nram 0x40000000 2G\n"
				   "reserved 0x7ff00000 2M type=direct "
				   "policy=overlay devices=00:02.0\n",
				   msg, sizeof(msg), 0), MC_ERANGE);
	assert_non_null(strstr(msg, "not inside one dma-ranges window"));
	/* past 4 GiB under soc's 1-cell addresses */
	assert_int_equal(soc_build(false, "arch arm64\nram 0x40000000 8G\n"
				   "reserved 0x148000000 1M type=direct "
				   "policy=overlay devices=00:02.0\n",
				   msg, sizeof(msg), 0), MC_ERANGE);
	assert_non_null(strstr(msg, "#address-cells = 1"));
}

/* fuzz_dt_patch found it: iommu-addresses in a tree without phandles. */
static void test_binding_without_phandles_reads_as_reserved(void **state)
{
	struct mc_map *back = mc_map_new();
	char buf[1024];
	fdt64_t reg[2] = { cpu_to_fdt64(0x48000000), cpu_to_fdt64(0x1000) };
	fdt32_t io[6] = { cpu_to_fdt32(7), cpu_to_fdt32(0x02000000), 0,
			  cpu_to_fdt32(0x48000000), 0, cpu_to_fdt32(0x1000) };
	const struct mc_region *r;
	size_t n;

	(void)state;
	assert_int_equal(fdt_create(buf, sizeof(buf)), 0);
	fdt_finish_reservemap(buf);
	fdt_begin_node(buf, "");
	fdt_property_u32(buf, "#address-cells", 2);
	fdt_property_u32(buf, "#size-cells", 2);
	fdt_begin_node(buf, "reserved-memory");
	fdt_property_u32(buf, "#address-cells", 2);
	fdt_property_u32(buf, "#size-cells", 2);
	fdt_property(buf, "ranges", NULL, 0);
	fdt_begin_node(buf, "fw@48000000");
	fdt_property(buf, "reg", reg, sizeof(reg));
	fdt_property(buf, "iommu-addresses", io, sizeof(io));
	fdt_end_node(buf);
	fdt_end_node(buf);
	fdt_end_node(buf);
	assert_int_equal(fdt_finish(buf), 0);
	assert_int_equal(mc_dt_decode(back, buf, fdt_totalsize(buf)), 0);
	r = mc_map_input(back, &n);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].type, MC_RESV_RESERVED);
	assert_int_equal(r[0].n_devices, 0);
	mc_map_free(back);
}

static void test_fresh_tree_has_no_binding(void **state)
{
	struct mc_map *map = map_carved(MAP);
	void *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(mc_dt_build_alloc(map, NULL, &out, &len), 0);
	assert_null(fdt_getprop(out, fdt_path_offset(
			out, "/reserved-memory/fw@48000000"), "iommu-addresses",
			NULL));
	mc_free(out);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binding_as_linux_reads_it),
		cmocka_unit_test(test_no_iommu_addresses_is_the_plain_tree),
		cmocka_unit_test(test_refused_where_linux_would_ignore_it),
		cmocka_unit_test(test_reads_back_as_direct_with_devices),
		cmocka_unit_test(test_host_bridge_below_the_root),
		cmocka_unit_test(test_binding_without_phandles_reads_as_reserved),
		cmocka_unit_test(test_fresh_tree_has_no_binding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
