// SPDX-License-Identifier: MIT
/*
 * test_dt_golden.c - every success case of fixtures/golden/dt.list, rebuilt
 * through the library, decompiled by dtc into its expected file, and read
 * back with libfdt the way Linux reads it:
 *
 *   drivers/of/fdt.c    memory: root children with device_type "memory",
 *                       reg in the root's #address-cells/#size-cells.
 *                       /memreserve/: the header's reserve map.
 *   drivers/of/of_reserved_mem.c
 *                       /reserved-memory needs the root's cells and a
 *                       "ranges" property; each child's reg, "no-map" and
 *                       "reusable".
 *
 * What the tree says is compared with the carved map, by rules restated
 * here from memcarve-dt.h rather than taken from the emitter:
 *   memory          = the union of the pieces RAM backs, each node one
 *                     block (per-block) or one node (one);
 *   a child per piece neither RAM nor mmio nor hotplug (a window with no
 *                     DT binding), "NAME@ADDR", NAME its name or
 *                     its reserved type or kind; no-map when unbacked;
 *                     reusable when backed and reusable; nothing when
 *                     backed acpi, or backed reserved with memreserve on;
 *                     else no-map;
 *   /memreserve/    = the base's (unless dropped), then, with memreserve
 *                     on (default on ppc64), each backed child without
 *                     no-map or reusable, by address.
 * In patch mode every base node and property outside the memory nodes is
 * found in the output unchanged, in the same order, but that a device the
 * iommu-addresses binding names gains entries after its memory-region's
 * and may gain both properties (test_dt_iommu.c, test_dt_paths.c).
 *
 * NUMA maps, read as Linux reads them (drivers/of/of_numa.c; pseries
 * arch/powerpc/mm/numa.c): every memory node has a node, numa-node-id or
 * the ibm,associativity cell the base's form of affinity picks (FORM1/2:
 * the first reference point, FORM0: the second), and every block of it
 * lies in a slot of that node; fresh --memory-nodes one writes one memory
 * node per NUMA node; a distance-map's matrix, applied as
 * of_numa_parse_distance_map_v1() applies it (A->B, and B->A when B > A,
 * later entries overriding), gives exactly the map's distances.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>
#include "memcarve-dt.h"
#include "fdt_copy.h"
#include "files.h"
#include "golden_list.h"

#define LIST "fixtures/golden/dt.list"

struct golden_case {
	const char *expected;	/* fixtures/... */
	const char *map, *resv, *base, *arch;
	bool dts, memreserve_on, memreserve_off;
	const char *compat[4];
	size_t n_compat;
	struct mc_dt_opts opt;
};

/* Options of one "dt" case; any option this test does not know fails. */
static void parse_case(const struct golden_line *g, struct golden_case *c)
{
	c->expected = g->expected;
	for (size_t i = 1; i < g->n_arg; i++) {
		const char *w = g->arg[i];
		const char *next = i + 1 < g->n_arg ? g->arg[i + 1] : "";

		if (strcmp(w, "--format") == 0)
			c->dts = strcmp(next, "dts") == 0, i++;
		else if (strcmp(w, "-o") == 0)
			i++;
		else if (strcmp(w, "--resv") == 0)
			c->resv = next, i++;
		else if (strcmp(w, "--arch") == 0)
			c->arch = next, i++;
		else if (strcmp(w, "--base") == 0)
			c->base = next, i++;
		else if (strcmp(w, "--cells") == 0)
			c->opt.cells = (unsigned int)atoi(next), i++;
		else if (strcmp(w, "--memory-nodes") == 0)
			c->opt.layout = strcmp(next, "one") == 0 ?
				MC_DT_MEMORY_ONE_NODE : MC_DT_MEMORY_PER_BLOCK, i++;
		else if (strcmp(w, "--memreserve") == 0)
			c->opt.memreserve = MC_DT_MEMRESERVE_ON;
		else if (strcmp(w, "--no-memreserve") == 0)
			c->opt.memreserve = MC_DT_MEMRESERVE_OFF;
		else if (strcmp(w, "--drop-memreserve") == 0)
			c->opt.drop_base_memreserve = true;
		else if (strcmp(w, "--no-iommu-addresses") == 0)
			c->opt.no_iommu_addresses = true;
		else if (strcmp(w, "--distance-map") == 0)
			c->opt.distance_map = true;
		else if (strcmp(w, "--max-numnodes") == 0)
			c->opt.max_numnodes = (uint32_t)strtoul(next, NULL, 0),
			i++;
		else if (strcmp(w, "--pad") == 0)
			c->opt.pad = strtoull(next, NULL, 0),
			c->opt.pad_set = true, i++;
		else if (strcmp(w, "--model") == 0)
			c->opt.model = next, i++;
		else if (strcmp(w, "--compatible") == 0 && c->n_compat < 3)
			c->compat[c->n_compat++] = next, i++,
			c->opt.compatible = c->compat;
		else if (w[0] != '-' && !c->map)
			c->map = w;
		else
			fail_msg("%s: no semantic check knows '%s'", c->expected, w);
	}
}

/* ---- reading a tree back ------------------------------------------------ */

static uint64_t cells(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < 4 * n; i++)
		v = v << 8 | p[i];
	return v;
}

static int root_cells(const void *fdt, const char *name)
{
	const fdt32_t *v = fdt_getprop(fdt, 0, name, NULL);

	assert_non_null(v);
	return (int)fdt32_ld(v);
}

struct range {
	uint64_t first, last;
};

/* The reg entries of @node; returns how many. */
static size_t regs(const void *fdt, int node, struct range *out, size_t max)
{
	int ac = root_cells(fdt, "#address-cells");
	int sc = root_cells(fdt, "#size-cells");
	const unsigned char *reg;
	size_t n = 0;
	int len;

	reg = fdt_getprop(fdt, node, "reg", &len);
	assert_non_null(reg);
	assert_int_equal(len % (4 * (ac + sc)), 0);
	for (int at = 0; at < len && n < max; at += 4 * (ac + sc), n++) {
		uint64_t size = cells(reg + at + 4 * ac, sc);

		assert_true(size > 0);
		out[n].first = cells(reg + at, ac);
		out[n].last = out[n].first + (size - 1);
	}
	return n;
}

static int by_first(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static bool is_memory(const void *fdt, int node)
{
	int len;
	const char *t = fdt_getprop(fdt, node, "device_type", &len);

	return t && len == 7 && strcmp(t, "memory") == 0;
}

/* ---- the checks ---------------------------------------------------------- */

/* The NUMA nodes with RAM in the tree (1 when the map is not NUMA). */
static size_t numa_nodes(const struct mc_map *map)
{
	const struct mc_slot *s;
	size_t n, count = 0;

	s = mc_map_slots(map, &n);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i; j++)
			seen = seen || s[j].node == s[i].node;
		count += !seen;
	}
	return mc_map_is_numa(map) ? count : 1;
}

/* pseries: the cell of ibm,associativity that holds the node. */
static unsigned int primary_index(const void *fdt)
{
	const unsigned char *vec5 = NULL;
	const fdt32_t *ref;
	int chosen = fdt_path_offset(fdt, "/chosen"), len = 0, form = 0;

	if (chosen >= 0)
		vec5 = fdt_getprop(fdt, chosen, "ibm,architecture-vec-5", &len);
	if (vec5 && len > 5 && (vec5[5] & 0xa0))	/* FORM1 0x80, FORM2 0x20 */
		form = 1;
	ref = fdt_getprop(fdt, fdt_path_offset(fdt, "/rtas"),
			  "ibm,associativity-reference-points", &len);
	assert_non_null(ref);
	assert_true(len >= (form ? 4 : 8));
	return fdt32_ld(&ref[form ? 0 : 1]);
}

static uint32_t node_of(const void *fdt, int node, bool ppc)
{
	const fdt32_t *v;
	int len;

	if (!ppc) {
		v = fdt_getprop(fdt, node, "numa-node-id", &len);
		assert_non_null(v);
		assert_int_equal(len, 4);
		assert_null(fdt_getprop(fdt, node, "ibm,associativity", NULL));
		return fdt32_ld(v);
	}
	v = fdt_getprop(fdt, node, "ibm,associativity", &len);
	assert_non_null(v);
	assert_null(fdt_getprop(fdt, node, "numa-node-id", NULL));
	assert_true((size_t)len / 4 > primary_index(fdt));
	assert_true(fdt32_ld(&v[0]) >= primary_index(fdt));
	return fdt32_ld(&v[primary_index(fdt)]);
}

/* Every block of every memory node lies in a slot of the node it names. */
static void check_numa_nodes(const void *fdt, const struct mc_map *map)
{
	bool ppc = mc_map_arch(map) == MC_ARCH_PPC64;
	const struct mc_slot *s;
	struct range got[64];
	size_t n_slots;
	int node;

	s = mc_map_slots(map, &n_slots);
	fdt_for_each_subnode(node, fdt, 0) {
		uint32_t nid;
		size_t n;

		if (!is_memory(fdt, node))
			continue;
		nid = node_of(fdt, node, ppc);
		n = regs(fdt, node, got, 64);
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;

			while (j < n_slots && !(s[j].guest <= got[i].first &&
						got[i].last <= s[j].guest +
						(s[j].size - 1)))
				j++;
			assert_true(j < n_slots);
			assert_int_equal(s[j].node, nid);
		}
	}
}

#define MAX_NODE 32	/* numa-node16-max32: node 16 */

/* The distances of_numa_parse_distance_map_v1() sets from the matrix. */
static void check_distance_map(const void *fdt, const struct mc_map *map)
{
	int dm = fdt_node_offset_by_compatible(fdt, -1, "numa-distance-map-v1");
	uint32_t linux_d[MAX_NODE][MAX_NODE] = { { 0 } };
	const fdt32_t *m;
	int len;

	assert_true(dm >= 0);
	m = fdt_getprop(fdt, dm, "distance-matrix", &len);
	assert_non_null(m);
	assert_int_equal(len % 12, 0);
	for (int i = 0; i < len / 12; i++) {
		uint32_t a = fdt32_ld(&m[3 * i]), b = fdt32_ld(&m[3 * i + 1]);
		uint32_t d = fdt32_ld(&m[3 * i + 2]);

		assert_true(a < MAX_NODE && b < MAX_NODE);
		assert_true(a == b ? d == 10 : d > 10 && d <= 255);
		linux_d[a][b] = d;
		if (b > a)
			linux_d[b][a] = d;
	}
	for (uint32_t a = 0; a < MAX_NODE; a++)
		for (uint32_t b = 0; b < MAX_NODE; b++)
			assert_int_equal(linux_d[a][b], mc_map_distance(map, a, b));
}

/*
 * One node per block, or with --memory-nodes one a single node; in patch
 * mode one per group of base nodes nothing tells apart (NUMA, phandles),
 * each still ascending.
 */
static void check_memory(const void *fdt, const struct mc_map *map,
			 enum mc_dt_layout layout, bool patched)
{
	const struct mc_slot *s;
	size_t n_slots, k = 0, nodes = 0;
	struct range got[4096];
	int node;

	s = mc_map_slots(map, &n_slots);
	fdt_for_each_subnode(node, fdt, 0) {
		char want[64];
		size_t n;

		if (!is_memory(fdt, node))
			continue;
		n = regs(fdt, node, got + k, 4096 - k);
		snprintf(want, sizeof(want), "memory@%" PRIx64, got[k].first);
		assert_string_equal(fdt_get_name(fdt, node, NULL), want);
		if (layout == MC_DT_MEMORY_PER_BLOCK)
			assert_int_equal(n, 1);
		k += n;
		nodes++;
	}
	if (layout == MC_DT_MEMORY_ONE_NODE && !patched)
		assert_int_equal(nodes, numa_nodes(map));
	/* Sorted and joined where they touch, the blocks are the slots. */
	qsort(got, k, sizeof(got[0]), by_first);
	for (size_t i = 0; i + 1 < k; i++) {
		assert_true(got[i].last < got[i + 1].first);	/* no overlap */
		if (got[i].last + 1 == got[i + 1].first) {
			got[i + 1].first = got[i].first;
			got[i].first = 1;
			got[i].last = 0;			/* joined */
		}
	}
	/* Slots touch only where NUMA nodes meet: join them the same way. */
	for (size_t i = 0, j = 0; i < n_slots; i++, j++) {
		uint64_t first = s[i].guest, last = s[i].guest + (s[i].size - 1);

		while (i + 1 < n_slots && s[i + 1].guest == last + 1) {
			assert_true(s[i + 1].node != s[i].node);
			i++;
			last = s[i].guest + (s[i].size - 1);
		}
		while (j < k && got[j].first > got[j].last)
			j++;
		assert_true(j < k);
		assert_true(got[j].first == first);
		assert_true(got[j].last == last);
	}
}

static const char *default_name(const struct mc_piece *r)
{
	return r->kind == MC_RESERVED ?
		       mc_resv_type_name((enum mc_resv_type)r->type) :
		       mc_kind_name((enum mc_kind)r->kind);
}

/* Expected flag: 'n' no-map, 'r' reusable, '-' neither. */
static char expected_flag(const struct mc_piece *r, bool memreserve)
{
	if (!(r->flags & MC_F_BACKED))
		return 'n';
	if (r->flags & MC_F_REUSABLE)
		return 'r';
	if (r->kind == MC_ACPI || (r->kind == MC_RESERVED && memreserve))
		return '-';
	return 'n';
}

static int find_child(const void *fdt, int parent, const char *name)
{
	int node;

	fdt_for_each_subnode(node, fdt, parent)
		if (strcmp(fdt_get_name(fdt, node, NULL), name) == 0)
			return node;
	return -1;
}

static size_t check_children(const void *fdt, const struct mc_map *map,
			     bool memreserve, struct range *rsv)
{
	int parent = fdt_path_offset(fdt, "/reserved-memory");
	const struct mc_piece *v;
	const struct mc_region *in;
	size_t n, n_in, n_rsv = 0;

	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	for (size_t i = 0; i < n; i++) {
		const struct mc_piece *r = &v[i];
		const char *rname = in[r->origin].name;
		char name[80], flag;
		struct range got;
		int node;

		if (r->kind == MC_RAM || r->kind == MC_MMIO)
			continue;
		if (r->kind == MC_HOTPLUG) {	/* no DT binding: left out */
			snprintf(name, sizeof(name), "hotplug@%" PRIx64,
				 r->first);
			assert_true(parent < 0 ||
				    find_child(fdt, parent, name) < 0);
			continue;
		}
		assert_true(parent >= 0);
		snprintf(name, sizeof(name), "%s@%" PRIx64,
			 rname ? rname : default_name(r), r->first);
		node = find_child(fdt, parent, name);
		if (node < 0)
			fail_msg("no /reserved-memory/%s", name);
		assert_int_equal(regs(fdt, node, &got, 1), 1);
		assert_true(got.first == r->first && got.last == r->last);
		flag = expected_flag(r, memreserve);
		assert_int_equal(fdt_getprop(fdt, node, "no-map", NULL) != NULL,
				 flag == 'n');
		assert_int_equal(fdt_getprop(fdt, node, "reusable", NULL) != NULL,
				 flag == 'r');
		if (memreserve && flag == '-')
			rsv[n_rsv++] = (struct range){ r->first, r->last };
	}
	if (parent >= 0) {
		int len;

		assert_int_equal(root_cells(fdt, "#address-cells"),
				 fdt32_ld(fdt_getprop(fdt, parent, "#address-cells", NULL)));
		assert_int_equal(root_cells(fdt, "#size-cells"),
				 fdt32_ld(fdt_getprop(fdt, parent, "#size-cells", NULL)));
		assert_non_null(fdt_getprop(fdt, parent, "ranges", &len));
		assert_int_equal(len, 0);
	}
	return n_rsv;
}

static void check_memreserve(const void *fdt, const void *base, bool drop,
			     const struct range *ours, size_t n_ours)
{
	int n_base = base && !drop ? fdt_num_mem_rsv(base) : 0;
	uint64_t a, s, ba, bs;

	assert_int_equal(fdt_num_mem_rsv(fdt), n_base + (int)n_ours);
	for (int i = 0; i < n_base; i++) {
		fdt_get_mem_rsv(fdt, i, &a, &s);
		fdt_get_mem_rsv(base, i, &ba, &bs);
		assert_true(a == ba && s == bs);
	}
	for (size_t i = 0; i < n_ours; i++) {
		fdt_get_mem_rsv(fdt, n_base + (int)i, &a, &s);
		assert_true(a == ours[i].first);
		assert_true(s == ours[i].last - ours[i].first + 1);
	}
}

/*
 * A base property kept: the same bytes, but that the iommu-addresses
 * binding extends a device's memory-region after its own entries.
 */
static bool binding_kept(const char *name, const void *bval, int blen,
			 const void *val, int len)
{
	if (strcmp(name, "memory-region") == 0)
		return len >= blen && len % 4 == 0 && !memcmp(bval, val, blen);
	return blen == len && !memcmp(bval, val, len);
}

/*
 * Same property names, values and order (a device's memory-region
 * extended, its phandle added: the binding); base subnodes first, in
 * order.
 */
static void check_kept(const void *base, int bnode, const void *fdt, int node,
		       const char *path)
{
	int bp, p = fdt_first_property_offset(fdt, node), child;

	fdt_for_each_property_offset(bp, base, bnode) {
		const char *bname, *name;
		int blen, len;
		const void *bval = fdt_getprop_by_offset(base, bp, &bname, &blen);
		const void *val;

		if (p < 0)
			fail_msg("%s: property %s missing", path, bname);
		val = fdt_getprop_by_offset(fdt, p, &name, &len);
		if (strcmp(bname, name) || !binding_kept(bname, bval, blen, val,
							 len))
			fail_msg("%s: property %s changed", path, bname);
		p = fdt_next_property_offset(fdt, p);
	}
	/* no property added to a kept node, but the binding's */
	for (; p >= 0; p = fdt_next_property_offset(fdt, p)) {
		const char *name;

		fdt_getprop_by_offset(fdt, p, &name, NULL);
		if (strcmp(name, "memory-region") && strcmp(name, "phandle"))
			fail_msg("%s: property %s added", path, name);
	}
	child = fdt_first_subnode(fdt, node);
	fdt_for_each_subnode(bp, base, bnode) {
		const char *name = fdt_get_name(base, bp, NULL);
		char sub[512];

		if (bnode == 0 && is_memory(base, bp))
			continue;
		while (bnode == 0 && child >= 0 && is_memory(fdt, child))
			child = fdt_next_subnode(fdt, child);
		if (child < 0 || strcmp(name, fdt_get_name(fdt, child, NULL)))
			fail_msg("%s: node %s missing or moved", path, name);
		snprintf(sub, sizeof(sub), "%s/%s", path, name);
		check_kept(base, bp, fdt, child, sub);
		child = fdt_next_subnode(fdt, child);
	}
}

static void check_dtc(const void *blob, size_t len, const char *expected)
{
	char path[] = "/tmp/test_dt_golden.XXXXXX", cmd[256];
	size_t want_len, got_len;
	char *want, *got;
	FILE *p;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, blob, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dtb -O dts %s", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	got = calloc(1, 1 << 20);
	assert_non_null(got);
	got_len = fread(got, 1, (1 << 20) - 1, p);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	want = slurp(expected, &want_len);
	if (got_len != want_len || memcmp(got, want, got_len))
		fail_msg("dtc's source of the library's DTB differs from %s",
			 expected);
	free(got);
	free(want);
}

static void check_root(const void *fdt, const struct golden_case *c)
{
	const char *model = fdt_getprop(fdt, 0, "model", NULL);
	const char *compat = fdt_getprop(fdt, 0, "compatible", NULL);

	if (c->opt.model)
		assert_string_equal(model, c->opt.model);
	else
		assert_null(model);
	if (c->n_compat)
		assert_string_equal(compat, c->compat[0]);
	else
		assert_null(compat);
}

static void run_case(struct golden_case *c)
{
	struct mc_map *map = golden_map(c->map, c->resv, c->arch);
	size_t need = 0, len = 0, base_len = 0, copy_len = 0;
	const char *expected = c->expected;
	char *base = NULL;
	void *copy;
	struct range rsv[256];
	bool memreserve;
	void *blob;

	if (c->base) {
		base = slurp(c->base, &base_len);
		c->opt.base = base;
		c->opt.base_len = base_len;
	}
	need = 0;
	assert_int_equal(mc_dt_build(map, &c->opt, NULL, &need), MC_ENOSPC);
	blob = malloc(need);
	assert_non_null(blob);
	len = need;
	assert_int_equal(mc_dt_build(map, &c->opt, blob, &len), 0);
	assert_int_equal(fdt_check_full(blob, len), 0);
	copy = libfdt_copy(blob, &copy_len);
	/* libfdt's bytes, then the free space (--pad): zeros */
	assert_true(copy_len <= len);
	assert_memory_equal((char *)copy + 8, (char *)blob + 8, copy_len - 8);
	for (size_t i = copy_len; i < len; i++)
		assert_int_equal(((unsigned char *)blob)[i], 0);
	if (c->opt.pad_set)
		assert_int_equal(len, copy_len + c->opt.pad);
	free(copy);
	if (c->dts) {
		check_dtc(blob, len, expected);
	} else {
		size_t want_len;
		char *want = slurp(expected, &want_len);

		assert_memory_equal(blob, want, len);
		assert_int_equal(len, want_len);
		free(want);
	}
	memreserve = c->opt.memreserve == MC_DT_MEMRESERVE_ON ||
		     (c->opt.memreserve == MC_DT_MEMRESERVE_AUTO &&
		      mc_map_arch(map) == MC_ARCH_PPC64);
	check_memory(blob, map, c->opt.layout, c->base != NULL);
	if (mc_map_is_numa(map))
		check_numa_nodes(blob, map);
	if (c->opt.distance_map)
		check_distance_map(blob, map);
	if (!c->base)	/* a fresh root: model and compatible only if asked */
		check_root(blob, c);
	check_memreserve(blob, base, c->opt.drop_base_memreserve, rsv,
			 check_children(blob, map, memreserve, rsv));
	if (base)
		check_kept(base, 0, blob, 0, "");
	else
		assert_int_equal(root_cells(blob, "#address-cells"),
				 c->opt.cells ? (int)c->opt.cells : 2);
	free(blob);
	free(base);
	mc_map_free(map);
}

static void test_every_golden_case(void **state)
{
	FILE *f = fopen(LIST, "r");
	struct golden_line g;
	struct golden_case c;
	size_t n = 0;

	(void)state;
	assert_non_null(f);
	while (golden_next(f, &g)) {
		if (!golden_runs(&g, "dt"))
			continue;
		memset(&c, 0, sizeof(c));
		parse_case(&g, &c);
		run_case(&c);
		n++;
	}
	fclose(f);
	print_message("semantic checks on %zu golden dt cases\n", n);
	assert_true(n >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_golden_case),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
