// SPDX-License-Identifier: MIT
/*
 * numa_distance.c - a NUMA map's distances in the tree: a fresh tree's
 * /distance-map (Documentation/devicetree/bindings/numa.txt,
 * of_numa_parse_distance_map_v1()), and in patch mode the check that the
 * guest gets the distances the map states from the base.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

static int by_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorted, without repeats: returns the count. */
static size_t unique(uint32_t *v, size_t n)
{
	size_t k = 0;

	qsort(v, n, sizeof(*v), by_u32);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	return k;
}

/* The nodes some region names, and those with a memory block in the tree. */
static uint32_t *named_nodes(const struct mc_map *map,
			     const struct dt_plan *plan, size_t *n_named,
			     size_t *n_mem)
{
	const struct mc_region *in;
	size_t n_in, n = 0;
	uint32_t *v;

	in = mc_map_input(map, &n_in);
	v = calloc(n_in + plan->n_blocks + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < plan->n_blocks; i++)
		v[n++] = plan->blocks[i].node;
	*n_mem = unique(v, n);
	n = 0;
	for (size_t i = 0; i < n_in; i++)
		if (in[i].flags & MC_F_NODE)
			v[*n_mem + n++] = in[i].node;
	*n_named = unique(v + *n_mem, n);
	return v;
}

static bool has_memory(const uint32_t *mem, size_t n, uint32_t node)
{
	return bsearch(&node, mem, n, sizeof(node), by_u32) != NULL;
}

static int memoryless(struct mc_map *map, uint32_t a, uint32_t b,
		      uint32_t none)
{
	return mc_map_report(map, MC_EINVAL, "opts.distance_map",
			     "distance %u %u: node %u has no memory block in "
			     "the tree (its RAM is carved away, or it has only "
			     "pmem or hotplug ranges), and a fresh tree names "
			     "a node only through its memory nodes: Linux "
			     "(of_numa_parse_distance_map_v1) would set up a "
			     "node without memory", a, b, none);
}

/*
 * The distance-matrix: a triple per ordered pair the map states, in
 * ascending (from, to) order. Linux sets B->A from an A->B entry with
 * B > A and lets a later entry override it: (A, B) comes before (B, A),
 * so an asymmetric pair the map states reads back as stated.
 */
int dt_distance_matrix(struct mc_map *map, struct dt_numa *numa,
		       const struct dt_plan *plan)
{
	size_t n_named, n_mem, n = 0;
	uint32_t *mem = named_nodes(map, plan, &n_named, &n_mem);
	const uint32_t *named = mem + n_mem;
	int err = 0;

	if (!mem)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named && !err; j++) {
			uint32_t a = named[i], b = named[j];

			if (!mc_map_distance(map, a, b))
				continue;
			if (!has_memory(mem, n_mem, a) ||
			    !has_memory(mem, n_mem, b))
				err = memoryless(map, a, b,
						 has_memory(mem, n_mem, a) ?
						 b : a);
			n++;
		}
	if (!err && n == 0)
		err = mc_map_report(map, MC_EINVAL, "opts.distance_map",
				    "the map states no distance (distance A "
				    "B N) to write");
	if (!err && !(numa->matrix = malloc(12 * n)))
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named; j++) {
			uint32_t d = mc_map_distance(map, named[i], named[j]);
			unsigned char *at = numa->matrix + numa->matrix_len;

			if (!d)
				continue;
			fdt32_st(at, named[i]);
			fdt32_st(at + 4, named[j]);
			fdt32_st(at + 8, d);
			numa->matrix_len += 12;
		}
	free(mem);
	return err;
}

static int distance_differs(struct mc_map *map, uint32_t a, uint32_t b,
			    uint32_t ours, uint32_t theirs, bool stated)
{
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "distance %u %u: the map says %u, but the guest "
			     "takes %u from the base (%s): give the VMM the "
			     "map's distances, or the map the base's", a, b,
			     ours, theirs, stated ? "its distance-map" :
			     "it has no distance-map entry, so Linux keeps "
			     "its default, 10 local and 20 remote");
}

/*
 * Patch mode, numa-node-id: the guest takes its distances from the
 * base's distance-map (kept), else Linux's defaults; each distance the
 * map states must be the one the guest gets. A matrix Linux refuses turns
 * NUMA off. (pseries derives distances from ibm,associativity or its own
 * FORM2 tables, which the base keeps; not compared.)
 */
int dt_base_distances(struct mc_map *map, const struct dt_plan *plan,
		      const struct dt_base *b)
{
	size_t n_named = 0, n_mem = 0, n = 0;
	uint32_t *mem = named_nodes(map, plan, &n_named, &n_mem);
	const uint32_t *named = mem + n_mem;
	struct dt_dist *t = NULL;
	int err = mem ? dt_linux_distances(b->fdt, &b->scan, &t, &n) : MC_ENOMEM;

	if (err == -1)
		err = mc_map_report(map, MC_EINVAL, "opts.base",
				    "the map is NUMA, but the base's "
				    "distance-map is one Linux refuses (a "
				    "local distance other than 10, a remote "
				    "one of 10 or less, or no distance-matrix): "
				    "it would turn NUMA off");
	else if (err)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n_named && !err; i++)
		for (size_t j = 0; j < n_named && !err; j++) {
			uint32_t a = named[i], c = named[j];
			uint32_t d = mc_map_distance(map, a, c);
			uint32_t got = dt_dist_find(t, n, a, c);

			if (d && d != (got ? got : a == c ? 10 : 20))
				err = distance_differs(map, a, c, d,
						       got ? got : 20,
						       got != 0);
		}
	free(t);
	free(mem);
	return err;
}
