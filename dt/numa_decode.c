// SPDX-License-Identifier: MIT
/*
 * numa_decode.c - the NUMA nodes and distances Linux reads from a tree,
 * back into the map (mc_dt_decode(), so `inspect` prints node= and
 * distance lines).
 *
 * A memory node's node is its numa-node-id (of_numa.c), or on PowerPC (a
 * tree with /rtas or /ibm,opal) the cell of its ibm,associativity that
 * the form of affinity picks (numa_map.c). Linux takes NUMA from a tree
 * only when every memory node has one (else of_numa leaves memory
 * without a node and gives up, and pseries puts it on the default node):
 * a tree where one lacks it decodes with no node at all, as does a node
 * at or past MC_MAX_NUMNODES (Linux's MAX_NUMNODES is at most that).
 *
 * The distance-map is read as of_numa_parse_distance_map_v1() reads it:
 * a triple (A, B, D) sets A->B, and B->A too when B > A, a later triple
 * overriding an earlier one. A matrix Linux refuses (a local distance
 * other than 10, a remote one of 10 or less) makes Linux give up NUMA,
 * so the tree then decodes with no node. Entries Linux ignores
 * (numa_set_distance(): a distance past 255) or that name a node without
 * memory (the map cannot name it) are left out.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

/* The node Linux reads for memory node @n, or -1 for none. */
static int64_t node_of(const void *fdt, const struct dt_node *n, bool ppc,
		       unsigned int index)
{
	const fdt32_t *id;
	uint32_t nid;
	int len;

	if (ppc) {
		if (dt_assoc_nid(fdt, n->offset, index, &nid))
			return -1;
	} else {
		id = fdt_getprop(fdt, n->offset, "numa-node-id", &len);
		if (!id || len != 4)
			return -1;
		nid = fdt32_ld(id);
	}
	return nid < MC_MAX_NUMNODES ? (int64_t)nid : -1;
}

static bool read_memory(const struct dt_node *n)
{
	return n->parent < 0 && n->memory && dt_node_available(n);
}

/* Whether Linux's of_numa accepts the matrix (else it gives up NUMA). */
static bool matrix_ok(const void *fdt, const struct dt_scan *s,
		      const fdt32_t **m, size_t *n)
{
	int map = s->distance_map;
	int len;

	*m = NULL;
	*n = 0;
	if (map < 0)
		return true;
	*m = fdt_getprop(fdt, map, "distance-matrix", &len);
	if (!*m || len < 4)
		return false;		/* "No distance-matrix", "Invalid" */
	*n = (size_t)len / 12;
	for (size_t i = 0; i < *n; i++) {
		uint32_t a = fdt32_ld(&(*m)[3 * i]);
		uint32_t b = fdt32_ld(&(*m)[3 * i + 1]);
		uint32_t d = fdt32_ld(&(*m)[3 * i + 2]);

		if ((a == b && d != MC_NUMA_LOCAL_DISTANCE) ||
		    (a != b && d <= MC_NUMA_LOCAL_DISTANCE))
			return false;
	}
	return true;
}

/*
 * The nodes of the memory nodes, into @nid (one per scan node), when
 * Linux reads NUMA from this tree; returns false when it does not.
 */
bool dt_decode_nodes(const void *fdt, const struct dt_scan *s, int64_t *nid)
{
	bool ppc = s->ppc, any = false;
	unsigned int index = 0;
	const char *why;
	const fdt32_t *m;
	size_t n;

	if ((ppc && dt_assoc_index(fdt, &index, &why) < 0) ||
	    !matrix_ok(fdt, s, &m, &n))
		return false;
	for (size_t i = 0; i < s->n_node; i++) {
		nid[i] = -1;
		if (!read_memory(&s->node[i]))
			continue;
		nid[i] = node_of(fdt, &s->node[i], ppc, index);
		if (nid[i] < 0)
			return false;
		any = true;
	}
	return any;
}

struct entry {
	uint32_t a, b, d;
	size_t seq;
};

static int by_pair(const void *x, const void *y)
{
	const struct entry *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	if (p->b != q->b)
		return p->b < q->b ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * The distances of_numa_parse_distance_map_v1() and numa_set_distance()
 * set from the tree's distance-map: one per ordered pair, by (a, b), the
 * last triple to set it winning; distances past 255 are ignored as
 * numa_set_distance() ignores them. *@n = 0 and *@out = NULL when none
 * is kept.
 * Returns 0, -1 when Linux refuses the matrix (and NUMA with it), or
 * MC_ENOMEM.
 */
int dt_linux_distances(const void *fdt, const struct dt_scan *s,
		       struct dt_dist **out, size_t *n)
{
	const fdt32_t *m;
	struct entry *e;
	size_t n_m, k = 0;

	*out = NULL;
	*n = 0;
	if (!matrix_ok(fdt, s, &m, &n_m))
		return -1;
	if (n_m == 0)
		return 0;
	e = calloc(2 * n_m, sizeof(*e));
	*out = calloc(2 * n_m, sizeof(**out));
	if (!e || !*out) {
		free(e);
		free(*out);
		*out = NULL;
		return MC_ENOMEM;
	}
	for (size_t i = 0; i < n_m; i++) {
		uint32_t a = fdt32_ld(&m[3 * i]), b = fdt32_ld(&m[3 * i + 1]);
		uint32_t d = fdt32_ld(&m[3 * i + 2]);

		e[k++] = (struct entry){ a, b, d, 2 * i };
		if (b > a)
			e[k++] = (struct entry){ b, a, d, 2 * i + 1 };
	}
	qsort(e, k, sizeof(*e), by_pair);
	for (size_t i = 0; i < k; i++)
		if ((i + 1 == k || e[i + 1].a != e[i].a ||
		     e[i + 1].b != e[i].b) && e[i].d <= MC_NUMA_MAX_DISTANCE)
			(*out)[(*n)++] = (struct dt_dist){ e[i].a, e[i].b,
							   e[i].d };
	free(e);
	if (*n == 0) {		/* every distance past 255: none kept */
		free(*out);
		*out = NULL;
	}
	return 0;
}

static int by_dist(const void *x, const void *y)
{
	const struct dt_dist *p = x, *q = y;

	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return p->b < q->b ? -1 : p->b > q->b;
}

/* The distance @t gives @a -> @b, or 0. */
uint32_t dt_dist_find(const struct dt_dist *t, size_t n, uint32_t a,
		      uint32_t b)
{
	struct dt_dist key = { a, b, 0 };
	const struct dt_dist *hit = n ? bsearch(&key, t, n, sizeof(key),
						by_dist) : NULL;

	return hit ? hit->d : 0;
}

static int by_nid(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

static bool named(const int64_t *sorted, size_t n, uint32_t node)
{
	int64_t key = node;

	return bsearch(&key, sorted, n, sizeof(key), by_nid) != NULL;
}

/* Linux's table, one statement per ordered pair of nodes with memory. */
int dt_decode_distances(struct mc_map *map, const void *fdt,
			const struct dt_scan *s, const int64_t *nid)
{
	struct dt_dist *t;
	int64_t *nodes;
	size_t n, n_nodes = 0, n_nid = s->n_node;
	int err = dt_linux_distances(fdt, s, &t, &n);

	if (err == MC_ENOMEM)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (err || n == 0)
		return 0;
	nodes = calloc(n_nid + 1, sizeof(*nodes));
	if (!nodes) {
		free(t);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < n_nid; i++)
		if (nid[i] >= 0)
			nodes[n_nodes++] = nid[i];
	qsort(nodes, n_nodes, sizeof(*nodes), by_nid);
	for (size_t i = 0; i < n && !err; i++)
		if (named(nodes, n_nodes, t[i].a) &&
		    named(nodes, n_nodes, t[i].b))
			err = mc_map_set_distance(map, t[i].a, t[i].b, t[i].d);
	free(t);
	free(nodes);
	return err;
}
