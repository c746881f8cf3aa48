// SPDX-License-Identifier: MIT
/*
 * test_dt_numa.c - a NUMA map in the device tree, one rule per test, each
 * read back the way Linux reads it (drivers/of/of_numa.c): every memory
 * node has a numa-node-id, no memory node spans two nodes, the
 * distance-map sets the map's distances, and the decoder gives back the
 * nodes and distances only when Linux would take them.
 */
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

static void *build(struct mc_map *map, const struct mc_dt_opts *opt,
		   size_t *len)
{
	void *blob;

	if (mc_dt_build_alloc(map, opt, &blob, len))
		fail_msg("mc_dt_build: %s", first_error(map));
	assert_int_equal(fdt_check_full(blob, *len), 0);
	return blob;
}

static int refusal(const char *text, const struct mc_dt_opts *opt)
{
	struct mc_map *map = carved(text);
	void *blob;
	size_t len;
	int err = mc_dt_build_alloc(map, opt, &blob, &len);

	assert_true(err < 0);
	assert_null(blob);
	assert_true(mc_map_error_count(map) > 0);
	print_message("refused: %s\n", first_error(map));
	mc_map_free(map);
	return err;
}

/* Two nodes that touch at 0x60000000, a hole in node 1, relocated. */
static const char *const TWO =
	"arch arm64\n"
	"ram 0x40000000 512M node=0\n"
	"ram 0x60000000 384M node=1\n"
	"reserved 0x64000000 16M type=msi policy=relocate\n"
	"distance 0 1 20\n"
	"distance 1 0 30\n";

static uint32_t numa_id(const void *fdt, int node)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, "numa-node-id", &len);

	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_ld(v);
}

/* Each memory node's node and its reg's first address. */
static size_t memory_nodes(const void *fdt, uint32_t *nid, uint64_t *addr,
			   int *entries, size_t max)
{
	size_t n = 0;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const fdt64_t *reg;
		int len;

		if (strncmp(fdt_get_name(fdt, node, NULL), "memory@", 7))
			continue;
		assert_true(n < max);
		reg = fdt_getprop(fdt, node, "reg", &len);
		nid[n] = numa_id(fdt, node);
		addr[n] = fdt64_ld(reg);
		entries[n++] = len / 16;
	}
	return n;
}

static void test_every_memory_node_has_its_node(void **state)
{
	struct mc_map *map = carved(TWO);
	uint32_t nid[8];
	uint64_t addr[8];
	int entries[8];
	size_t len, n;
	void *fdt = build(map, NULL, &len);

	(void)state;
	n = memory_nodes(fdt, nid, addr, entries, 8);
	/* node 0's block touches node 1's: two nodes, not one */
	assert_int_equal(n, 3);
	assert_int_equal(nid[0], 0);
	assert_true(addr[0] == 0x40000000);
	assert_int_equal(nid[1], 1);
	assert_true(addr[1] == 0x60000000);
	assert_int_equal(nid[2], 1);
	assert_true(addr[2] == 0x65000000);
	assert_true(fdt_path_offset(fdt, "/distance-map") < 0);	/* not asked */
	mc_free(fdt);
	mc_map_free(map);
}

static void test_one_memory_node_per_numa_node(void **state)
{
	struct mc_map *map = carved(TWO);
	struct mc_dt_opts opt;
	uint32_t nid[8];
	uint64_t addr[8];
	int entries[8];
	size_t len, n;
	void *fdt;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.layout = MC_DT_MEMORY_ONE_NODE;
	fdt = build(map, &opt, &len);
	n = memory_nodes(fdt, nid, addr, entries, 8);
	assert_int_equal(n, 2);
	assert_int_equal(nid[0], 0);
	assert_int_equal(entries[0], 1);
	assert_int_equal(nid[1], 1);
	assert_int_equal(entries[1], 2);	/* both of node 1's blocks */
	mc_free(fdt);
	mc_map_free(map);
}

/*
 * Linux sets B->A from (A, B) when B > A, and a later (B, A) overrides
 * it: the matrix must list (0, 1) before (1, 0) for 1->0 to read 30.
 */
static void test_distance_map_reads_back_asymmetric(void **state)
{
	struct mc_map *map = carved(TWO);
	struct mc_dt_opts opt;
	uint32_t d[2][2] = { { 0 } };
	const fdt32_t *m;
	size_t len;
	void *fdt;
	int dm, n;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.distance_map = true;
	fdt = build(map, &opt, &len);
	dm = fdt_node_offset_by_compatible(fdt, -1, "numa-distance-map-v1");
	assert_true(dm >= 0);
	m = fdt_getprop(fdt, dm, "distance-matrix", &n);
	assert_int_equal(n, 2 * 12);
	for (int i = 0; i < n / 12; i++) {
		uint32_t a = fdt32_ld(&m[3 * i]), b = fdt32_ld(&m[3 * i + 1]);

		d[a][b] = fdt32_ld(&m[3 * i + 2]);
		if (b > a)
			d[b][a] = d[a][b];
	}
	assert_int_equal(d[0][1], 20);
	assert_int_equal(d[1][0], 30);
	mc_free(fdt);
	mc_map_free(map);
}

/* inspect: the fresh tree decodes back to the map's nodes and distances. */
static void test_decode_round_trip(void **state)
{
	struct mc_map *map = carved(TWO), *back = mc_map_new();
	struct mc_dt_opts opt;
	const struct mc_region *in;
	size_t len, n;
	void *fdt;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.distance_map = true;
	fdt = build(map, &opt, &len);
	assert_int_equal(mc_dt_decode(back, fdt, len), 0);
	assert_int_equal(mc_map_is_numa(back), 1);
	in = mc_map_input(back, &n);
	for (size_t i = 0; i < n; i++) {
		if (in[i].kind != MC_RAM)
			continue;
		assert_true(in[i].flags & MC_F_NODE);
		assert_int_equal(in[i].node, in[i].first < 0x60000000 ? 0 : 1);
	}
	assert_int_equal(mc_map_distance(back, 0, 1), 20);
	assert_int_equal(mc_map_distance(back, 1, 0), 30);
	mc_free(fdt);
	mc_map_free(back);
	mc_map_free(map);
}

/* A tiny tree: two memory nodes, their ids as given (-1: none). */
static void *two_node_tree(int64_t id0, int64_t id1, const uint32_t *matrix,
			   size_t n_matrix)
{
	static char buf[4096];
	const int64_t id[2] = { id0, id1 };

	assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	assert_int_equal(fdt_setprop_u32(buf, 0, "#address-cells", 2), 0);
	assert_int_equal(fdt_setprop_u32(buf, 0, "#size-cells", 2), 0);
	for (int i = 0; i < 2; i++) {
		char name[32];
		int node;

		snprintf(name, sizeof(name), "memory@%llx",
			 0x40000000ull * (unsigned int)(i + 1));
		node = fdt_add_subnode(buf, 0, name);
		assert_true(node >= 0);
		fdt_setprop_string(buf, node, "device_type", "memory");
		fdt_setprop_u64(buf, node, "reg", 0x40000000ull * (i + 1));
		fdt_appendprop_u64(buf, node, "reg", 0x10000000);
		if (id[i] >= 0)
			fdt_setprop_u32(buf, node, "numa-node-id",
					(uint32_t)id[i]);
	}
	if (n_matrix) {
		int dm = fdt_add_subnode(buf, 0, "distance-map");

		fdt_setprop_string(buf, dm, "compatible",
				   "numa-distance-map-v1");
		for (size_t i = 0; i < n_matrix; i++)
			fdt_appendprop_u32(buf, dm, "distance-matrix",
					   matrix[i]);
	}
	return buf;
}

static int decoded_numa(const void *fdt)
{
	struct mc_map *map = mc_map_new();
	int numa;

	assert_int_equal(mc_dt_decode(map, fdt, fdt_totalsize(fdt)), 0);
	numa = mc_map_is_numa(map);
	mc_map_free(map);
	return numa;
}

/* Linux takes NUMA from a tree only when every memory node has a node. */
static void test_decode_only_what_linux_takes(void **state)
{
	static const uint32_t good[] = { 0, 1, 20 };
	static const uint32_t local_not_10[] = { 0, 0, 11 };
	static const uint32_t remote_10[] = { 0, 1, 10 };

	(void)state;
	assert_int_equal(decoded_numa(two_node_tree(0, 1, NULL, 0)), 1);
	assert_int_equal(decoded_numa(two_node_tree(0, 1, good, 3)), 1);
	/* of_numa: memory without a node leaves NUMA off */
	assert_int_equal(decoded_numa(two_node_tree(0, -1, NULL, 0)), 0);
	/* past MAX_NUMNODES (at most 1024): "Node id exceeds maximum" */
	assert_int_equal(decoded_numa(two_node_tree(0, 1024, NULL, 0)), 0);
	/* a matrix of_numa_parse_distance_map_v1() refuses: NUMA off */
	assert_int_equal(decoded_numa(two_node_tree(0, 1, local_not_10, 3)),
			 0);
	assert_int_equal(decoded_numa(two_node_tree(0, 1, remote_10, 3)), 0);
}

static void test_refusals(void **state)
{
	struct mc_dt_opts opt;
	char base[4096];

	(void)state;
	mc_dt_opts_init(&opt);
	opt.distance_map = true;
	/* no nodes to give distances */
	assert_int_equal(refusal("arch arm64\nram 0x40000000 1G\n", &opt),
			 MC_EINVAL);
	/* no distance stated */
	assert_int_equal(refusal("arch arm64\nram 0x40000000 1G node=0\n",
				 &opt), MC_EINVAL);
	/* a distance to a node with no memory block in the tree */
	assert_int_equal(refusal("arch arm64\nram 0x40000000 1G node=0\n"
				 "pmem 0x80000000 1G node=1\n"
				 "distance 0 1 20\n", &opt), MC_EINVAL);
	/* a patched tree keeps the base's distance-map */
	memcpy(base, two_node_tree(0, 1, NULL, 0), sizeof(base));
	opt.base = base;
	opt.base_len = sizeof(base);
	assert_int_equal(refusal(TWO, &opt), MC_EINVAL);
	mc_dt_opts_init(&opt);
	/* Linux reads no NUMA node from a MIPS tree */
	assert_int_equal(refusal("arch mips\nram 0 256M node=0\n", &opt),
			 MC_EINVAL);
	/* pseries: ibm,associativity needs the platform's /rtas */
	assert_int_equal(refusal("arch ppc64\nram 0 256M node=0\n", &opt),
			 MC_EINVAL);
	/* the base says node 0 where the map says node 1 */
	opt.base = base;
	opt.base_len = sizeof(base);
	assert_int_equal(refusal("arch arm64\nram 0x40000000 256M node=1\n"
				 "ram 0x80000000 256M node=0\n", &opt),
			 MC_EINVAL);
}

/* A map that is not NUMA keeps the base's numa-node-id (inherited). */
static void test_flat_map_inherits(void **state)
{
	struct mc_map *map = carved("arch arm64\nram 0x40000000 256M\n"
				    "ram 0x80000000 256M\n");
	struct mc_dt_opts opt;
	uint32_t nid[8];
	uint64_t addr[8];
	int entries[8];
	size_t len;
	void *fdt;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.base = two_node_tree(3, 5, NULL, 0);
	opt.base_len = fdt_totalsize(opt.base);
	fdt = build(map, &opt, &len);
	assert_int_equal(memory_nodes(fdt, nid, addr, entries, 8), 2);
	assert_int_equal(nid[0], 3);
	assert_int_equal(nid[1], 5);
	mc_free(fdt);
	mc_map_free(map);
}

/*
 * A pseries tree: /chosen ibm,architecture-vec-5 with @vec5 at byte 5,
 * /rtas reference points @ref (n_ref cells), and two memory nodes whose
 * arrays are <4 9 9 A B>: node A at cell 3 (FORM0 with <4 3>), node B at
 * cell 4 (FORM1/FORM2 with <4 ...>).
 */
static void *pseries_tree(unsigned char vec5, const uint32_t *ref,
			  int n_ref)
{
	static char buf[4096];
	const unsigned char v5[6] = { 5, 0, 0, 0, 0, vec5 };
	int chosen, rtas;

	assert_int_equal(fdt_create_empty_tree(buf, sizeof(buf)), 0);
	fdt_setprop_u32(buf, 0, "#address-cells", 2);
	fdt_setprop_u32(buf, 0, "#size-cells", 2);
	chosen = fdt_add_subnode(buf, 0, "chosen");
	fdt_setprop(buf, chosen, "ibm,architecture-vec-5", v5, sizeof(v5));
	rtas = fdt_add_subnode(buf, 0, "rtas");
	for (int i = 0; i < n_ref; i++)
		fdt_appendprop_u32(buf, rtas,
				   "ibm,associativity-reference-points",
				   ref[i]);
	for (uint32_t i = 0; i < 2; i++) {
		const uint32_t assoc[5] = { 4, 9, 9, 2 + i, 5 + i };
		char name[32];
		int node;

		snprintf(name, sizeof(name), "memory@%x", 0x10000000 * i);
		node = fdt_add_subnode(buf, 0, name);
		fdt_setprop_string(buf, node, "device_type", "memory");
		fdt_setprop_u64(buf, node, "reg", 0x10000000ull * i);
		fdt_appendprop_u64(buf, node, "reg", 0x10000000);
		for (int c = 0; c < 5; c++)
			fdt_appendprop_u32(buf, node, "ibm,associativity",
					   assoc[c]);
	}
	return buf;
}

/* The node of each memory node as inspect (and Linux) reads it. */
static void pseries_nodes(const void *fdt, int64_t *n0, int64_t *n1)
{
	struct mc_map *map = mc_map_new();
	const struct mc_region *in;
	size_t n;

	assert_int_equal(mc_dt_decode(map, fdt, fdt_totalsize(fdt)), 0);
	in = mc_map_input(map, &n);
	*n0 = *n1 = -1;
	for (size_t i = 0; i < n; i++)
		if (in[i].kind == MC_RAM && (in[i].flags & MC_F_NODE))
			*(in[i].first ? n1 : n0) = in[i].node;
	mc_map_free(map);
}

/*
 * find_primary_domain_index(): FORM1 (vec-5 byte 5 bit 0x80) and FORM2
 * (bit 0x20) read the first reference point, FORM0 the second; FORM0
 * with one reference point, or none at all, is no NUMA.
 */
static void test_pseries_form_of_affinity(void **state)
{
	static const uint32_t ref43[] = { 4, 3 }, ref4[] = { 4 };
	int64_t n0, n1;

	(void)state;
	pseries_nodes(pseries_tree(0x80, ref43, 2), &n0, &n1);
	assert_true(n0 == 5 && n1 == 6);		/* FORM1: cell 4 */
	pseries_nodes(pseries_tree(0x20, ref43, 2), &n0, &n1);
	assert_true(n0 == 5 && n1 == 6);		/* FORM2: cell 4 */
	pseries_nodes(pseries_tree(0x00, ref43, 2), &n0, &n1);
	assert_true(n0 == 2 && n1 == 3);		/* FORM0: cell 3 */
	pseries_nodes(pseries_tree(0x00, ref4, 1), &n0, &n1);
	assert_true(n0 == -1 && n1 == -1);	/* short: no NUMA */
	pseries_nodes(pseries_tree(0x80, ref4, 0), &n0, &n1);
	assert_true(n0 == -1 && n1 == -1);	/* no reference points */
}

/* Patched: each memory node takes the whole array of its node's. */
static void test_pseries_patch_takes_the_array(void **state)
{
	static const uint32_t ref43[] = { 4, 3 };
	struct mc_map *map = carved("arch ppc64\nram 0 256M node=5\n"
				    "ram 0x10000000 128M node=6\n"
				    "ram 0x18000000 128M node=6\n");
	struct mc_dt_opts opt;
	const fdt32_t *a;
	size_t len;
	void *fdt;
	int node, n = 0, alen;

	(void)state;
	mc_dt_opts_init(&opt);
	opt.base = pseries_tree(0x80, ref43, 2);
	opt.base_len = fdt_totalsize(opt.base);
	fdt = build(map, &opt, &len);
	fdt_for_each_subnode(node, fdt, 0) {
		if (strncmp(fdt_get_name(fdt, node, NULL), "memory@", 7))
			continue;
		a = fdt_getprop(fdt, node, "ibm,associativity", &alen);
		assert_non_null(a);
		assert_int_equal(alen, 20);
		assert_int_equal(fdt32_ld(&a[3]), n ? 3 : 2);
		assert_int_equal(fdt32_ld(&a[4]), n ? 6 : 5);
		assert_null(fdt_getprop(fdt, node, "numa-node-id", NULL));
		n++;
	}
	assert_int_equal(n, 2);		/* 6's blocks touch: one node */
	mc_free(fdt);
	mc_map_free(map);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_memory_node_has_its_node),
		cmocka_unit_test(test_one_memory_node_per_numa_node),
		cmocka_unit_test(test_distance_map_reads_back_asymmetric),
		cmocka_unit_test(test_decode_round_trip),
		cmocka_unit_test(test_decode_only_what_linux_takes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_flat_map_inherits),
		cmocka_unit_test(test_pseries_form_of_affinity),
		cmocka_unit_test(test_pseries_patch_takes_the_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
