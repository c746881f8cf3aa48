// SPDX-License-Identifier: MIT
/*
 * numa.c - NUMA nodes, hotplug windows and distances (numa.md §1).
 *
 * A region names its node with node= (MC_F_NODE); checks that need one
 * region only are map.c's. The rules that need the whole map run when it
 * is carved, so a map file may state them in any order: every ram, pmem
 * and hotplug range has a node or none has, a hotplug window overlaps no
 * other range, and each "distance" names nodes the regions name and agrees
 * with any other statement of the same pair.
 *
 * The distance limits are Linux's: numa_set_distance() (mm/numa_memblks.c,
 * arch/arm64 and riscv through drivers/base/arch_numa.c) refuses a
 * distance that does not fit in a u8 and a local distance other than
 * LOCAL_DISTANCE (10); of_numa_parse_distance_map_v1() refuses a remote
 * distance of 10 or less.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "internal/array.h"
#include "internal/region.h"

#define API_DISTANCE "mc_map_set_distance()"

int mc_distance_add(struct mc_map *map, const char *source, unsigned int line,
		    uint32_t from, uint32_t to, uint32_t distance)
{
	size_t cap = map->cap_dist;
	struct mc_distance *v;
	uint32_t bad = from >= MC_MAX_NUMNODES ? from : to;

	if (bad >= MC_MAX_NUMNODES)
		return mc_diag(map, MC_EINVAL, source, line, "distance",
			       "node %u is above %u: Linux numbers nodes below "
			       "MAX_NUMNODES, at most 1 << 10 (MC_MAX_NUMNODES)",
			       bad, MC_MAX_NUMNODES - 1);
	if (from == to && distance != MC_NUMA_LOCAL_DISTANCE)
		return mc_diag(map, MC_EINVAL, source, line, "distance",
			       "node %u to itself is %u: a node's distance to "
			       "itself is 10 (LOCAL_DISTANCE)", from, distance);
	if (from != to && (distance <= MC_NUMA_LOCAL_DISTANCE ||
			   distance > MC_NUMA_MAX_DISTANCE))
		return mc_diag(map, MC_EINVAL, source, line, "distance",
			       "node %u to node %u is %u: a distance between "
			       "two nodes is 11..255 (above LOCAL_DISTANCE, "
			       "fits in a u8)", from, to, distance);
	v = mc_array_grow(map->dist, &cap, map->n_dist + 1, sizeof(*v), 16);
	if (!v)
		return mc_diag(map, MC_ENOMEM, source, line, NULL,
			       "out of memory");
	map->dist = v;
	map->cap_dist = cap;
	v[map->n_dist] = (struct mc_distance){ from, to, distance, line,
					       source, map->n_dist };
	map->n_dist++;
	map->dist_sorted = false;
	mc_map_uncarve(map);
	return 0;
}

int mc_map_set_distance(struct mc_map *map, uint32_t from, uint32_t to,
			uint32_t distance)
{
	return mc_distance_add(map, API_DISTANCE, 0, from, to, distance);
}

int mc_map_is_numa(const struct mc_map *map)
{
	return map->n_node_regions != 0;
}

static int cmp_distance(const void *a, const void *b)
{
	const struct mc_distance *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* The first statement of @from -> @to, or NULL. */
static const struct mc_distance *find(const struct mc_map *map, uint32_t from,
				      uint32_t to)
{
	const struct mc_distance key = { .from = from, .to = to };
	size_t lo = 0, hi = map->n_dist;

	if (!map->dist_sorted) {
		for (size_t i = 0; i < map->n_dist; i++)
			if (map->dist[i].from == from && map->dist[i].to == to)
				return &map->dist[i];
		return NULL;
	}
	while (lo < hi) {	/* the first not below (from, to, 0) */
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_distance(&map->dist[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < map->n_dist && map->dist[lo].from == from &&
	    map->dist[lo].to == to)
		return &map->dist[lo];
	return NULL;
}

uint32_t mc_map_distance(const struct mc_map *map, uint32_t from,
			 uint32_t to)
{
	const struct mc_distance *d = find(map, from, to);

	if (!d)
		d = find(map, to, from);
	return d ? d->distance : 0;
}

/* The nodes the regions name, one bit each. */
struct node_set {
	uint64_t bit[MC_MAX_NUMNODES / 64];
};

static bool has_node(const struct node_set *s, uint32_t node)
{
	return node < MC_MAX_NUMNODES &&
	       (s->bit[node / 64] >> (node % 64) & 1);
}

/* "vm.map:5" for the other statement of a pair. */
static const char *where(char *buf, size_t len, const struct mc_distance *d)
{
	if (d->line)
		snprintf(buf, len, "%s:%u", d->source, d->line);
	else
		snprintf(buf, len, "%s", d->source);
	return buf;
}

/* Each statement names nodes of the map, and one pair has one value. */
static int check_distances(struct mc_map *map, const struct node_set *nodes)
{
	char other[300];
	int err = 0;

	for (size_t i = 0; i < map->n_dist; i++) {
		const struct mc_distance *d = &map->dist[i];
		uint32_t bad = has_node(nodes, d->from) ? d->to : d->from;

		if (!map->n_node_regions)
			err = mc_diag(map, MC_EINVAL, d->source, d->line,
				      "distance", "the map is not NUMA: no "
				      "region has node=");
		else if (!has_node(nodes, bad))
			err = mc_diag(map, MC_EINVAL, d->source, d->line,
				      "distance", "no region has node=%u", bad);
	}
	if (map->n_dist)	/* qsort() takes no NULL, even of nothing */
		qsort(map->dist, map->n_dist, sizeof(*map->dist),
		      cmp_distance);
	map->dist_sorted = true;
	for (size_t i = 1; i < map->n_dist; i++) {
		const struct mc_distance *a = &map->dist[i - 1], *b = &map->dist[i];

		if (a->from == b->from && a->to == b->to &&
		    a->distance != b->distance)
			err = mc_diag(map, MC_EINVAL, b->source, b->line,
				      "distance", "node %u to node %u is %u "
				      "here and %u at %s", b->from, b->to,
				      b->distance, a->distance,
				      where(other, sizeof(other), a));
	}
	return err;
}

/*
 * The hotplug windows by address, as pieces (first, last, origin: all a
 * search needs, and mc_piece_at() finds them); *n set to their count.
 * NULL: no memory.
 */
static struct mc_piece *hotplug_windows(const struct mc_map *map, size_t *n)
{
	struct mc_piece *v;

	*n = 0;
	v = malloc((map->n_hotplug + 1) * sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < map->n_in; i++)
		if (map->in[i].kind == MC_HOTPLUG)
			v[(*n)++] = (struct mc_piece){ .first = map->in[i].first,
						       .last = map->in[i].last,
						       .origin = (uint32_t)i };
	qsort(v, *n, sizeof(*v), mc_piece_cmp);
	return v;
}

/* A hotplug window is never RAM and never carved: nothing may overlap it. */
static int check_hotplug(struct mc_map *map)
{
	const struct mc_region *in = map->in;
	size_t n;
	struct mc_piece *hp;
	int err = 0;

	if (!map->n_hotplug)	/* no pass over 10^6 regions for nothing */
		return 0;
	hp = hotplug_windows(map, &n);
	if (!hp)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	/*
	 * Each range against the first window it reaches (one message per
	 * range keeps this O(n log n)); two windows that overlap are named
	 * by the later one in the input.
	 */
	for (size_t i = 0; n && i < map->n_in; i++) {
		for (size_t w = mc_piece_at(hp, n, in[i].first);
		     w < n && hp[w].first <= in[i].last; w++) {
			if (hp[w].origin == i || (in[i].kind == MC_HOTPLUG &&
						  hp[w].origin > i))
				continue;
			err = mc_diag_overlap(map, MC_EOVERLAP, &in[i],
					      &in[hp[w].origin],
					      "a hotplug window overlaps no "
					      "other range");
			break;
		}
	}
	free(hp);
	return err;
}

/* Every ram, pmem and hotplug range has a node, or none has. */
static int check_nodes(struct mc_map *map, struct node_set *nodes)
{
	const struct mc_region *with = NULL;
	int err = 0;

	memset(nodes, 0, sizeof(*nodes));
	for (size_t i = 0; map->n_node_regions && i < map->n_in; i++) {
		const struct mc_region *r = &map->in[i];

		if (!(r->flags & MC_F_NODE))
			continue;
		nodes->bit[r->node / 64] |= 1ull << (r->node % 64);
		if (!with)
			with = r;
	}
	for (size_t i = 0; with && i < map->n_in; i++) {
		const struct mc_region *r = &map->in[i];

		if (mc_kind_has_node(r->kind) && !(r->flags & MC_F_NODE))
			err = mc_diag_pair(map, MC_EINVAL, "node=", r, with,
					   "has no node=, but", "has one: every "
					   "ram, pmem and hotplug range has a "
					   "node, or none has");
	}
	return err;
}

int mc_check_numa(struct mc_map *map)
{
	struct node_set nodes;
	int err = check_nodes(map, &nodes);
	int err2 = check_hotplug(map);
	int err3 = check_distances(map, &nodes);

	return err ? err : err2 ? err2 : err3;
}

const struct mc_node_backing *mc_map_backing(const struct mc_map *map,
					     size_t *count)
{
	*count = map->carved ? map->n_backing : 0;
	return map->carved ? map->backing : NULL;
}
