// SPDX-License-Identifier: MIT
/*
 * numa.c - the NUMA node of memory outside every base memory node.
 *
 * A block inside a base memory node takes that node's numa-node-id or
 * ibm,associativity (memnodes.c). A block outside all of them (RAM the
 * base did not describe, or RAM that relocation moved) has no node to
 * inherit from, and Linux puts memory without one nowhere (arm64's
 * of_numa gives up on NUMA with "invalid memblk node"). Its NUMA
 * properties are recomputed: those of the base's one NUMA node when all
 * its memory nodes share them; else those of the node the block's RAM
 * came from (its input range, before relocation moved it), when that is
 * one NUMA node. Otherwise the block is refused: which node it is on is
 * unknown.
 */
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "internal/region.h"

bool dt_prop_is_numa(const char *prop)
{
	return strcmp(prop, "numa-node-id") == 0 ||
	       strcmp(prop, "ibm,associativity") == 0;
}

/* The next NUMA property of a node, or FDT_END_NODE. */
static uint32_t next_numa(const void *fdt, int *offset, struct dt_tag *t)
{
	while (dt_tag_next(fdt, *offset, t) == FDT_PROP || t->tag == FDT_NOP) {
		*offset = t->next;
		if (t->tag == FDT_PROP && dt_prop_is_numa(t->name))
			return FDT_PROP;
	}
	return FDT_END_NODE;
}

/* Whether base memory nodes @x and @y have the same NUMA properties. */
static bool same_numa(const struct dt_base *b, size_t x, size_t y)
{
	struct dt_tag tx, ty;
	int ox, oy;
	uint32_t kx, ky;

	dt_tag_next(b->fdt, b->mem_node[x]->offset, &tx);
	dt_tag_next(b->fdt, b->mem_node[y]->offset, &ty);
	ox = tx.next;
	oy = ty.next;
	do {
		kx = next_numa(b->fdt, &ox, &tx);
		ky = next_numa(b->fdt, &oy, &ty);
		if (kx != ky || (kx == FDT_PROP &&
				 (strcmp(tx.name, ty.name) || tx.len != ty.len ||
				  memcmp(tx.data, ty.data, (size_t)tx.len))))
			return false;
	} while (kx == FDT_PROP);
	return true;
}

/*
 * DT_NO_OWNER when the base has no NUMA properties; a memory node whose
 * properties every base memory node shares (one NUMA node); else
 * DT_NUMA_AMBIGUOUS: a block outside them needs dt_numa_of_block().
 */
size_t dt_numa_source(const struct dt_base *b)
{
	bool any = false;

	for (size_t i = 0; b && i < b->n_mem_nodes; i++)
		any = any || b->mem_node[i]->numa;
	if (!any)
		return DT_NO_OWNER;
	for (size_t i = 1; i < b->n_mem_nodes; i++)
		if (!same_numa(b, 0, i))
			return DT_NUMA_AMBIGUOUS;
	return 0;
}

/* Fold the NUMA nodes of the base memory under [first, last] into *@from. */
static bool fold_range(const struct dt_base *b, uint64_t first,
		       uint64_t last, size_t *from)
{
	for (size_t i = 0; i < b->n_mem; i++) {
		const struct dt_base_mem *m = &b->mem[i];

		if (m->last < first || m->first > last)
			continue;
		if (*from == DT_NO_OWNER)
			*from = m->index;
		else if (!same_numa(b, *from, m->index))
			return false;
	}
	return true;
}

static int unknown(struct mc_map *map, const struct dt_block *blk)
{
	char range[MC_RANGE_STR];

	mc_range_str(range, blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "memory block %s lies outside every memory node "
			     "of the base, whose nodes are on different NUMA "
			     "nodes (numa-node-id or ibm,associativity), and "
			     "its RAM comes from input ranges on more than "
			     "one of them, or none: which one it is on is "
			     "unknown; give the map RAM only inside the "
			     "base's memory nodes", range);
}

/*
 * The base memory node whose NUMA properties block @blk (outside every
 * base memory node) takes, into *@from: see the top of the file.
 */
int dt_numa_of_block(struct mc_map *map, const struct dt_base *b,
		     size_t source, const struct dt_block *blk, size_t *from)
{
	const struct mc_piece *v;
	const struct mc_region *in;
	size_t n, n_in;

	*from = source;
	if (source != DT_NUMA_AMBIGUOUS)
		return 0;
	*from = DT_NO_OWNER;
	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	for (size_t i = mc_piece_at(v, n, blk->first);
	     i < n && v[i].first <= blk->last; i++) {
		const struct mc_region *r;

		if (v[i].kind != MC_RAM || v[i].origin >= n_in)
			continue;	/* overlays stay where they were */
		r = &in[v[i].origin];
		if (!fold_range(b, r->first, r->last, from))
			return unknown(map, blk);
	}
	return *from == DT_NO_OWNER ? unknown(map, blk) : 0;
}
