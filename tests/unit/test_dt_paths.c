// SPDX-License-Identifier: MIT
/*
 * test_dt_paths.c - the iommu-addresses binding for devices named by path
 * (devices=/soc/ethernet@ff0c0000), checked the way Linux reads it, by
 * rules restated here from its sources rather than taken from dt/:
 *
 *   of_iommu_get_resv_regions()   each phandle of a device node's
 *       memory-region is a /reserved-memory child; its iommu-addresses is
 *       read a cell at a time until a cell is the device's phandle, then
 *       an address and a size in the cells of the device's parent (a PCI
 *       host bridge: 3 and 2) follow, a direct region for that device
 *       when their translation equals the child's reg;
 *   of_translate_dma_region()     the address goes up from the device's
 *       parent: at each bus node below the root, an absent or empty
 *       dma-ranges is 1:1, else one window maps it to the parent's
 *       address space;
 *   of_pci_find_child_device()    a node under a host bridge is the PCI
 *       function of the devfn in its reg, on the bridge's root bus.
 *
 * Every success case of fixtures/golden/dt.list written as a DTB with a
 * base and the binding is read so, and must name exactly the (range,
 * device) pairs its carved map asks for: each direct piece with each of
 * its devices, a path naming a PCI function's node standing for that
 * function. Then the refusals the golden list does not show, and the
 * decoder's reading back of paths.
 */
#include <libfdt.h>
#include "core_helpers.h"
#include "files.h"
#include "golden_list.h"
#include "memcarve-dt.h"

#define LIST "fixtures/golden/dt.list"
#define BASE "fixtures/dt/base-arm64-smmuv3-nodes.dtb"
#define MAX_PAIRS 64

struct pair {
	uint64_t first, last;
	char dev[256];		/* "SSSS:BB:DD.F" or a node's path */
};

struct pairs {
	struct pair v[MAX_PAIRS];
	size_t n;
};

static unsigned int cells(const void *fdt, int node, const char *name,
			  unsigned int dflt)
{
	const fdt32_t *v = fdt_getprop(fdt, node, name, NULL);

	return v ? fdt32_ld(v) : dflt;
}

static uint64_t read_cells(const fdt32_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

static bool pci_bus(const void *fdt, int node)
{
	const char *t = node >= 0 ? fdt_getprop(fdt, node, "device_type", NULL)
				  : NULL;

	return t && strcmp(t, "pci") == 0;
}

/* A PCI function's BDF, or any other node's path. */
static void name_of(const void *fdt, int node, char *buf, size_t len)
{
	int bridge = fdt_parent_offset(fdt, node);
	const fdt32_t *reg, *range, *dom;

	if (!pci_bus(fdt, bridge)) {
		assert_int_equal(fdt_get_path(fdt, node, buf, (int)len), 0);
		return;
	}
	reg = fdt_getprop(fdt, node, "reg", NULL);
	range = fdt_getprop(fdt, bridge, "bus-range", NULL);
	dom = fdt_getprop(fdt, bridge, "linux,pci-domain", NULL);
	assert_non_null(reg);
	snprintf(buf, len, "%04x:%02x:%02x.%x", dom ? fdt32_ld(dom) : 0,
		 range ? fdt32_ld(range) : 0, (fdt32_ld(reg) >> 11) & 0x1f,
		 (fdt32_ld(reg) >> 8) & 7);
}

/* One level of of_translate_dma_region(): through @bus's dma-ranges. */
static bool through(const void *fdt, int bus, uint64_t *addr)
{
	int parent = fdt_parent_offset(fdt, bus), len;
	const fdt32_t *r = fdt_getprop(fdt, bus, "dma-ranges", &len);
	unsigned int ca = cells(fdt, bus, "#address-cells", 2);
	unsigned int pa = cells(fdt, parent, "#address-cells", 2);
	unsigned int sc = cells(fdt, bus, "#size-cells", 1);
	bool pci = pci_bus(fdt, bus);

	if (!r || len == 0)
		return true;
	for (int at = 0; at + 4 * (int)(ca + pa + sc) <= len;
	     at += 4 * (int)(ca + pa + sc)) {
		const fdt32_t *e = r + at / 4;
		uint64_t child = pci ? read_cells(e + 1, 2) : read_cells(e, ca);
		uint64_t size = read_cells(e + ca + pa, sc);

		if (*addr >= child && *addr - child < size) {
			*addr = read_cells(e + ca, pa) + (*addr - child);
			return true;
		}
	}
	return false;
}

static bool translate(const void *fdt, int node, uint64_t *addr)
{
	for (int bus = fdt_parent_offset(fdt, node); bus > 0;
	     bus = fdt_parent_offset(fdt, bus))
		if (!through(fdt, bus, addr))
			return false;
	return true;
}

/* Child @child's entries for device @node that Linux reports as direct. */
static void entries(const void *fdt, int node, int child, struct pairs *out)
{
	int rm = fdt_parent_offset(fdt, child), len, at = 0;
	unsigned int ac = cells(fdt, rm, "#address-cells", 2);
	unsigned int sc = cells(fdt, rm, "#size-cells", 1);
	const fdt32_t *reg = fdt_getprop(fdt, child, "reg", NULL);
	const fdt32_t *v = fdt_getprop(fdt, child, "iommu-addresses", &len);
	uint64_t first, size;

	if (!reg || !v)
		return;
	first = read_cells(reg, ac);
	size = read_cells(reg + ac, sc);
	/* Linux's loop: a cell that is not @node's phandle is stepped over */
	while (at < len / 4) {
		int dev = fdt_node_offset_by_phandle(fdt, fdt32_ld(v + at++));
		int parent = fdt_parent_offset(fdt, node);
		unsigned int na = cells(fdt, parent, "#address-cells", 2);
		unsigned int ns = cells(fdt, parent, "#size-cells", 1);
		bool pci = pci_bus(fdt, parent);
		uint64_t addr;

		if (dev != node)
			continue;
		addr = read_cells(v + at + pci, na - pci);
		if (translate(fdt, node, &addr) && addr == first &&
		    read_cells(v + at + na, ns) == size) {
			struct pair *p = &out->v[out->n++];

			assert_true(out->n <= MAX_PAIRS);
			p->first = first;
			p->last = first + size - 1;
			name_of(fdt, node, p->dev, sizeof(p->dev));
		}
		at += (int)(na + ns);
	}
}

static void linux_view(const void *fdt, struct pairs *out)
{
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const fdt32_t *mr = fdt_getprop(fdt, node, "memory-region",
						&len);

		for (int i = 0; mr && i < len / 4; i++)
			entries(fdt, node,
				fdt_node_offset_by_phandle(fdt,
							   fdt32_ld(mr + i)),
				out);
	}
}

static void add_pair(struct pairs *out, const struct mc_piece *p,
		     const char *dev)
{
	assert_true(out->n < MAX_PAIRS);
	out->v[out->n].first = p->first;
	out->v[out->n].last = p->last;
	snprintf(out->v[out->n++].dev, sizeof(out->v[0].dev), "%s", dev);
}

/* What the map asks for: every direct piece with each of its devices. */
static void map_view(const struct mc_map *map, const void *fdt,
		     struct pairs *out)
{
	size_t n, n_in, n_paths;
	const struct mc_piece *v = mc_map_result(map, &n);
	const struct mc_region *in = mc_map_input(map, &n_in);
	char name[256];

	for (size_t i = 0; i < n; i++) {
		const struct mc_region *r = &in[v[i].origin];
		const char *const *paths;

		if (v[i].kind != MC_RESERVED || (v[i].type != MC_RESV_DIRECT &&
		    v[i].type != MC_RESV_DIRECT_RELAXABLE))
			continue;
		for (size_t d = 0; d < r->n_devices; d++) {
			snprintf(name, sizeof(name), "%04x:%02x:%02x.%x",
				 r->devices[d].segment, r->devices[d].bus,
				 r->devices[d].devfn >> 3,
				 r->devices[d].devfn & 7);
			add_pair(out, &v[i], name);
		}
		paths = mc_map_device_paths(map, v[i].origin, &n_paths);
		for (size_t d = 0; d < n_paths; d++) {
			int node = fdt_path_offset(fdt, paths[d]);

			assert_true(node >= 0);
			name_of(fdt, node, name, sizeof(name));
			add_pair(out, &v[i], name);
		}
	}
}

static int by_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return strcmp(x->dev, y->dev);
}

static void same_pairs(struct pairs *got, struct pairs *want,
		       const char *what)
{
	qsort(got->v, got->n, sizeof(got->v[0]), by_pair);
	qsort(want->v, want->n, sizeof(want->v[0]), by_pair);
	for (size_t i = 0; i < got->n || i < want->n; i++)
		if (i >= got->n || i >= want->n ||
		    by_pair(&got->v[i], &want->v[i]))
			fail_msg("%s: pair %zu: the guest sees %s, the map "
				 "asks for %s", what, i,
				 i < got->n ? got->v[i].dev : "nothing",
				 i < want->n ? want->v[i].dev : "nothing");
}

/*
 * A golden DTB written with a base and the binding, read as Linux does;
 * adds the pairs found to *@n_pairs.
 */
static bool check_golden(const struct golden_line *g, size_t *n_pairs)
{
	const char *map_file = NULL, *resv = NULL, *arch = NULL;
	bool base = false, out = false;
	struct pairs got = { .n = 0 }, want = { .n = 0 };
	struct mc_map *map;
	void *dtb;

	static const char *const valued[] = {
		"--format", "--resv", "--arch", "--base", "--cells",
		"--memory-nodes", "--pad", "--model", "--compatible", "-o",
		"--max-numnodes",
	};
	static const char *const flags[] = {
		"--memreserve", "--no-memreserve", "--drop-memreserve",
		"--no-iommu-addresses", "--distance-map",
	};

	for (size_t i = 1; i < g->n_arg; i++) {
		const char *w = g->arg[i], *next = g->arg[i + 1];
		bool known = w[0] != '-';

		if (!strcmp(w, "--no-iommu-addresses") ||
		    !strcmp(w, "--format"))
			return false;	/* no binding, or not a DTB */
		for (size_t k = 0; k < sizeof(flags) / sizeof(*flags); k++)
			known = known || !strcmp(w, flags[k]);
		for (size_t k = 0; k < sizeof(valued) / sizeof(*valued) && !known;
		     k++)
			if (!strcmp(w, valued[k]) && i + 1 < g->n_arg) {
				known = true;
				i++;
			}
		if (!known)
			fail_msg("%s: option %s unknown to this check",
				 g->expected, w);
		base = base || !strcmp(w, "--base");
		out = out || !strcmp(w, "-o");
		resv = !strcmp(w, "--resv") ? next : resv;
		arch = !strcmp(w, "--arch") ? next : arch;
		map_file = w[0] != '-' ? w : map_file;
	}
	if (!base || !out)
		return false;
	map = golden_map(map_file, resv, arch);
	dtb = slurp(g->expected, NULL);
	linux_view(dtb, &got);
	map_view(map, dtb, &want);
	same_pairs(&got, &want, g->expected);
	*n_pairs += got.n;
	free(dtb);
	mc_map_free(map);
	return true;
}

static void test_golden_binding_as_linux_reads_it(void **state)
{
	FILE *f = fopen(LIST, "r");
	struct golden_line g;
	size_t n = 0, n_pairs = 0;

	(void)state;
	assert_non_null(f);
	while (golden_next(f, &g))
		if (golden_runs(&g, "dt") && check_golden(&g, &n_pairs))
			n++;
	fclose(f);
	print_message("the binding of %zu golden DTBs read as Linux does: "
		      "%zu direct (range, device) pairs\n", n, n_pairs);
	assert_true(n >= 2 && n_pairs >= 9);
}

/* The fixture base, with room to change it. */
static void *base_copy(void)
{
	size_t len;
	void *in = slurp(BASE, &len), *out = malloc(len + 4096);

	assert_non_null(out);
	assert_int_equal(fdt_open_into(in, out, (int)len + 4096), 0);
	free(in);
	return out;
}

static int node(void *fdt, const char *path)
{
	int n = fdt_path_offset(fdt, path);

	assert_true(n >= 0);
	return n;
}

/* @devices on a direct range, built on @fdt; returns the error. */
static int build(void *fdt, const char *devices, struct mc_map **out)
{
	char text[512];
	struct mc_dt_opts o;
	void *blob;
	size_t len;
	int err;

	snprintf(text, sizeof(text),
		 "arch arm64\nram 0x40000000 1G\nreserved 0x48000000 1M "
		 "type=direct policy=overlay devices=%s\n", devices);
	*out = map_carved(text);
	mc_dt_opts_init(&o);
	o.base = fdt;
	o.base_len = fdt_totalsize(fdt);
	err = mc_dt_build_alloc(*out, &o, &blob, &len);
	if (!err) {
		struct pairs got = { .n = 0 }, want = { .n = 0 };

		linux_view(blob, &got);
		map_view(*out, blob, &want);
		same_pairs(&got, &want, devices);
		mc_free(blob);
	}
	return err;
}

static void refused(void *fdt, const char *devices, int code,
		    const char *why)
{
	struct mc_map *map;

	if (build(fdt, devices, &map) != code)
		fail_msg("%s: not refused with %d: '%s'", devices, code,
			 first_error(map));
	assert_string_equal(mc_map_error(map, 0)->field, "region.devices");
	if (!strstr(first_error(map), why))
		fail_msg("%s: '%s' lacks '%s'", devices, first_error(map), why);
	mc_map_free(map);
	free(fdt);
}

static void test_refused_where_linux_would_ignore_it(void **state)
{
	const char *eth = "/soc/ethernet@ff0c0000";
	fdt32_t bad_iommus[2] = { cpu_to_fdt32(0x7777), cpu_to_fdt32(0) };
	fdt32_t reg[5] = { cpu_to_fdt32(0x800), 0, 0, 0, 0 };
	struct mc_map *map;
	void *fdt;
	int n;

	(void)state;
	fdt = base_copy();
	fdt_setprop_string(fdt, node(fdt, eth), "interconnect-names",
			   "dma-mem");
	refused(fdt, eth, MC_EINVAL, "interconnect (\"dma-mem\")");

	fdt = base_copy();
	fdt_delprop(fdt, node(fdt, "/soc"), "#size-cells");
	refused(fdt, eth, MC_EINVAL, "lacks an #address-cells or #size-cells");

	fdt = base_copy();
	fdt_setprop(fdt, node(fdt, eth), "iommus", bad_iommus,
		    sizeof(bad_iommus));
	refused(fdt, eth, MC_EINVAL, "names a phandle no node has");

	fdt = base_copy();
	fdt_delprop(fdt, node(fdt, "/smmuv3@9050000"), "#iommu-cells");
	refused(fdt, eth, MC_EINVAL, "has no #iommu-cells");

	/* the window of /soc's dma-ranges ends at CPU 0x7fffffff */
	fdt = base_copy();
	fdt_setprop_u32(fdt, node(fdt, "/soc"), "dma-ranges", 0);
	refused(fdt, eth, MC_ERANGE, "cannot translate it");

	/* a function's node under a PCI-PCI bridge's */
	fdt = base_copy();
	n = node(fdt, "/pcie@10000000/pci@1,0");
	fdt_setprop_string(fdt, n, "device_type", "pci");
	n = fdt_add_subnode(fdt, n, "dev@0,0");
	fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
	refused(fdt, "/pcie@10000000/pci@1,0/dev@0,0", MC_EINVAL,
		"PCI-PCI bridge");

	/* a node under the host bridge that is no function */
	fdt = base_copy();
	fdt_add_subnode(fdt, node(fdt, "/pcie@10000000"), "widget");
	refused(fdt, "/pcie@10000000/widget", MC_EINVAL, "5-cell reg");

	/*
	 * Linux gives 00:01.0 the first child with its devfn: libfdt adds
	 * pci@1,1 before pci@1,0, so it is named, and pci@1,0 refused.
	 */
	fdt = base_copy();
	n = fdt_add_subnode(fdt, node(fdt, "/pcie@10000000"), "pci@1,1");
	fdt_setprop(fdt, n, "reg", reg, sizeof(reg));
	assert_int_equal(build(fdt, "/pcie@10000000/pci@1,1", &map), 0);
	mc_map_free(map);
	refused(fdt, "/pcie@10000000/pci@1,0", MC_EINVAL,
		"another node of the host bridge");

	fdt = base_copy();
	refused(fdt, "/soc", MC_EINVAL, "no iommus property");

	/*
	 * Linux steps over the ethernet's entry <phandle 0x8000000 0x100000>
	 * a cell at a time: with that phandle, the virtio node would read
	 * the ethernet's bus address as its own entry.
	 */
	fdt = base_copy();
	fdt_setprop_u32(fdt, node(fdt, "/virtio_mmio@a000000"), "phandle",
			0x8000000);
	refused(fdt, "/soc/ethernet@ff0c0000,/virtio_mmio@a000000",
		MC_EINVAL, "one cell at a time");
}

/* An existing phandle is used, not doubled; a new one follows the base's. */
static void test_phandles(void **state)
{
	void *fdt = base_copy();
	struct mc_map *map;

	(void)state;
	fdt_setprop_u32(fdt, node(fdt, "/soc/ethernet@ff0c0000"), "phandle",
			0x9000);
	assert_int_equal(build(fdt, "/soc/ethernet@ff0c0000,"
				    "/virtio_mmio@a000000", &map), 0);
	mc_map_free(map);
	free(fdt);
}

/*
 * The decoder reads a platform device's entry back as its path, and a
 * PCI function's node as its BDF; an entry in cells it cannot read back
 * leaves a plain reservation.
 */
static void test_reads_back(void **state)
{
	void *fdt = base_copy(), *blob;
	struct mc_map *map, *back = mc_map_new();
	struct mc_dt_opts o;
	const struct mc_region *in;
	const char *const *paths;
	size_t len, n, n_paths;

	(void)state;
	map = map_carved("arch arm64\nram 0x40000000 1G\n"
			 "reserved 0x48000000 1M type=direct policy=overlay "
			 "devices=/soc/ethernet@ff0c0000,"
			 "/pcie@10000000/pci@1,0\n");
	mc_dt_opts_init(&o);
	o.base = fdt;
	o.base_len = fdt_totalsize(fdt);
	assert_int_equal(mc_dt_build_alloc(map, &o, &blob, &len), 0);
	assert_int_equal(mc_dt_decode(back, blob, len), 0);
	in = mc_map_input(back, &n);
	for (size_t i = 0; i < n; i++) {
		if (in[i].first != 0x48000000)
			continue;
		assert_int_equal(in[i].type, MC_RESV_DIRECT);
		assert_int_equal(in[i].n_devices, 1);
		assert_int_equal(in[i].devices[0].devfn, 1 << 3);
		paths = mc_map_device_paths(back, i, &n_paths);
		assert_int_equal(n_paths, 1);
		assert_string_equal(paths[0], "/soc/ethernet@ff0c0000");
	}
	mc_map_free(back);
	/* /soc without its cells: not an entry the decoder can read */
	assert_int_equal(fdt_open_into(blob, blob, (int)len), 0);
	back = mc_map_new();
	fdt_delprop(blob, node(blob, "/soc"), "#address-cells");
	assert_int_equal(mc_dt_decode(back, blob, len), 0);
	in = mc_map_input(back, &n);
	for (size_t i = 0; i < n; i++)
		if (in[i].first == 0x48000000)
			assert_int_equal(in[i].type, MC_RESV_RESERVED);
	mc_map_free(back);
	mc_free(blob);
	mc_map_free(map);
	free(fdt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_binding_as_linux_reads_it),
		cmocka_unit_test(test_refused_where_linux_would_ignore_it),
		cmocka_unit_test(test_phandles),
		cmocka_unit_test(test_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
