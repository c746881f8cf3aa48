// SPDX-License-Identifier: MIT
/*
 * slots.c - the KVM memory slots of a carved map, and its backing area.
 *
 * One slot per run of contiguous backed pieces of one NUMA node: fewer
 * slots than pieces (KVM has a few hundred), and an overlaid range stays
 * inside its slot, since RAM still backs it.
 *
 * The backing area is one run of ram_after bytes. A map that is not NUMA
 * packs the slots into it in guest order (DESIGN §2). A NUMA map lays it
 * out node after node in ascending node order, each node's slots in guest
 * order (numa.md §2), so each node's part is one range a VMM binds to its
 * host node with mbind().
 */
#include <stdlib.h>
#include <string.h>
#include "carve.h"
#include "internal/region.h"

/* struct mc_slot and mc_node_backing are array elements: frozen layouts. */
_Static_assert(sizeof(struct mc_slot) == 32, "mc_slot is 32 bytes");
_Static_assert(offsetof(struct mc_slot, node) == 4, "mc_slot.node");
_Static_assert(offsetof(struct mc_slot, guest) == 8, "mc_slot.guest");
_Static_assert(offsetof(struct mc_slot, size) == 16, "mc_slot.size");
_Static_assert(offsetof(struct mc_slot, offset) == 24, "mc_slot.offset");
_Static_assert(sizeof(struct mc_node_backing) == 24,
	       "mc_node_backing is 24 bytes");
_Static_assert(offsetof(struct mc_node_backing, offset) == 8,
	       "mc_node_backing.offset");
_Static_assert(offsetof(struct mc_node_backing, size) == 16,
	       "mc_node_backing.size");
/* 1.1 took 1.0's first reserved word of struct mc_region for the node. */
_Static_assert(offsetof(struct mc_region, node) ==
	       offsetof(struct mc_region, source) + sizeof(const char *),
	       "mc_region.node is 1.0's reserved[0]");
_Static_assert(sizeof(struct mc_region) ==
	       offsetof(struct mc_region, node) + 4 * sizeof(uint64_t),
	       "mc_region keeps its 1.0 size");

/* The node of backed piece @p: its own region's, or that of the RAM under it. */
static uint32_t piece_node(const struct mc_map *map, const struct mc_piece *p,
			   const struct mc_ram_block *ram, size_t n_ram)
{
	size_t lo = 0, hi = n_ram;

	if (p->kind == MC_RAM)
		return map->in[p->origin].node;
	while (lo < hi) {	/* the block holding p->first */
		size_t mid = lo + (hi - lo) / 2;

		if (ram[mid].last < p->first)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n_ram ? map->in[ram[lo].idx].node : 0;
}

/* The slots in guest order, their offsets still 0. */
static size_t list_slots(struct mc_map *map, const struct mc_ram_block *ram,
			 size_t n_ram)
{
	const struct mc_piece *v = map->out;
	size_t n = 0;

	for (size_t i = 0; i < map->n_out; i++) {
		struct mc_slot *prev = n ? &map->slots[n - 1] : NULL;
		uint32_t node;

		if (!(v[i].flags & MC_F_BACKED))
			continue;
		node = piece_node(map, &v[i], ram, n_ram);
		if (prev && prev->guest + prev->size == v[i].first &&
		    prev->node == node) {
			prev->size += mc_len(v[i].first, v[i].last);
			continue;
		}
		map->slots[n] = (struct mc_slot){
			.slot = (uint32_t)n, .node = node, .guest = v[i].first,
			.size = mc_len(v[i].first, v[i].last) };
		n++;
	}
	return n;
}

/* Scratch for laying out the backing area, by node number. */
struct layout {
	uint32_t entry[MC_MAX_NUMNODES];	/* index into map->backing */
	uint64_t next[MC_MAX_NUMNODES];		/* a node's next free offset */
};

/*
 * One backing entry per node the regions name (a map that is not NUMA:
 * node 0 alone), sized by its slots and packed in node order; then each
 * slot's offset, node by node.
 */
static void lay_out(struct mc_map *map, struct layout *l)
{
	uint64_t offset = 0;
	size_t n = 0;

	memset(l->entry, 0xff, sizeof(l->entry));	/* UINT32_MAX: none */
	if (!mc_map_is_numa(map))
		l->entry[0] = 0;
	for (size_t i = 0; map->n_node_regions && i < map->n_in; i++)
		if (map->in[i].flags & MC_F_NODE)
			l->entry[map->in[i].node] = 0;
	for (uint32_t node = 0; node < MC_MAX_NUMNODES; node++)
		if (l->entry[node] != UINT32_MAX) {
			l->entry[node] = (uint32_t)n;
			map->backing[n++] = (struct mc_node_backing){
				.node = node };
		}
	map->n_backing = n;
	for (size_t i = 0; i < map->n_slots; i++)
		map->backing[l->entry[map->slots[i].node]].size +=
			map->slots[i].size;
	for (size_t i = 0; i < n; i++) {
		map->backing[i].offset = offset;
		l->next[map->backing[i].node] = offset;
		offset += map->backing[i].size;
	}
	for (size_t i = 0; i < map->n_slots; i++) {
		struct mc_slot *sl = &map->slots[i];

		sl->offset = l->next[sl->node];
		l->next[sl->node] += sl->size;
	}
}

int mc_build_slots(struct mc_map *map, const struct mc_ram_block *ram,
		   size_t n_ram)
{
	struct layout *l = malloc(sizeof(*l));

	map->slots = malloc((map->n_out + 1) * sizeof(*map->slots));
	map->backing = malloc(MC_MAX_NUMNODES * sizeof(*map->backing));
	if (!l || !map->slots || !map->backing) {
		free(l);
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	}
	map->n_slots = list_slots(map, ram, n_ram);
	lay_out(map, l);
	free(l);
	return 0;
}

const struct mc_slot *mc_map_slots(const struct mc_map *map, size_t *count)
{
	*count = map->carved ? map->n_slots : 0;
	return map->carved ? map->slots : NULL;
}
