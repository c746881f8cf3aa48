// SPDX-License-Identifier: MIT
/*
 * memnodes.c - which memory nodes we write, and what each inherits.
 *
 * Per block, a node each; with MC_DT_MEMORY_ONE_NODE, as few nodes as the
 * base allows. In patch mode every block lies inside one base memory node
 * or outside all of them (split.c cuts at their boundaries); that node is
 * the block's owner, whose properties the block's node inherits. Two
 * owners share a node only when nothing tells them apart: neither has a
 * phandle (two nodes cannot share one) and their inherited properties are
 * the same bytes (so a merge never crosses NUMA nodes: numa-node-id,
 * ibm,associativity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

/*
 * Each property of a replaced base memory node, decided one by one:
 *
 *  reg, device_type	written anew for our blocks
 *  status		dropped: only available nodes are replaced (base.c),
 *			and ours are available
 *  linux,usable-memory	dropped: Linux reads it instead of reg (kexec), and
 *			our reg is exactly the usable memory
 *  available		dropped: OFW's list of what its allocator left free
 *			in the old node (OLPC trees); Linux never reads it
 *			from a flattened tree, and a copy would list holes
 *			we carved and ranges outside the new node
 *  phandle, linux,phandle	kept on exactly one node (the owner's first);
 *			a base node no block lands in is refused below
 *  numa-node-id, ibm,associativity	kept: the block lies inside the owner.
 *			A block with no owner takes them when every base
 *			memory node has the same (one NUMA node), and is
 *			refused when they differ (its node is unknown)
 *  anything else	kept verbatim: a platform property of the owner's
 *			range (hotpluggable, secure-status...), true of
 *			every part of it
 */
enum dt_inherit dt_inherit_of(const char *prop)
{
	static const char *const dropped[] = {
		"reg", "device_type", "status", "linux,usable-memory",
		"available",
	};

	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (strcmp(prop, dropped[i]) == 0)
			return DT_DROP;
	if (strcmp(prop, "phandle") == 0 || strcmp(prop, "linux,phandle") == 0)
		return DT_PHANDLE;
	return DT_KEEP;
}

/* The next property of a node that is kept verbatim, or FDT_END_NODE. */
static uint32_t next_kept(const void *fdt, int *offset, struct dt_tag *t)
{
	while (dt_tag_next(fdt, *offset, t) == FDT_PROP || t->tag == FDT_NOP) {
		*offset = t->next;
		if (t->tag == FDT_PROP && dt_inherit_of(t->name) == DT_KEEP)
			return FDT_PROP;
	}
	return FDT_END_NODE;
}

/* Whether base memory nodes @a and @b give a node the same properties. */
static bool same_props(const struct dt_base *b, size_t x, size_t y)
{
	int ox = -1, oy = -1;
	struct dt_tag tx, ty;
	uint32_t kx, ky;

	if (x != DT_NO_OWNER) {
		dt_tag_next(b->fdt, b->mem_node[x]->offset, &tx);
		ox = tx.next;
	}
	if (y != DT_NO_OWNER) {
		dt_tag_next(b->fdt, b->mem_node[y]->offset, &ty);
		oy = ty.next;
	}
	do {
		kx = ox < 0 ? FDT_END_NODE : next_kept(b->fdt, &ox, &tx);
		ky = oy < 0 ? FDT_END_NODE : next_kept(b->fdt, &oy, &ty);
		if (kx != ky)
			return false;
		if (kx == FDT_PROP &&
		    (strcmp(tx.name, ty.name) || tx.len != ty.len ||
		     memcmp(tx.data, ty.data, (size_t)tx.len)))
			return false;
	} while (kx == FDT_PROP);
	return true;
}

static bool has_phandle(const struct dt_base *b, size_t owner)
{
	return owner != DT_NO_OWNER && b->mem_node[owner]->phandle;
}

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
 * Which NUMA properties a block outside every base memory node takes: none
 * when the base has none (DT_NO_OWNER); the one set when every base node
 * has the same (one NUMA node: the block is on it; the index of a node to
 * copy them from); and SIZE_MAX - 1 when they differ, since the block's
 * NUMA node is then unknown.
 */
#define DT_NUMA_AMBIGUOUS (SIZE_MAX - 1)

static size_t numa_source(const struct dt_base *b)
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

static int no_owner(struct mc_map *map, const struct dt_block *blk)
{
	char range[48];

	dt_fmt_range(range, sizeof(range), blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "base",
			     "memory block %s lies outside every memory node "
			     "of the base, whose nodes are on different NUMA "
			     "nodes (numa-node-id or ibm,associativity): which "
			     "one it is on is unknown; give the map RAM only "
			     "inside the base's memory nodes", range);
}

static int lost_phandle(struct mc_map *map, const struct dt_base *b,
			size_t owner)
{
	const struct dt_base_mem *m = NULL;
	char range[48] = "no range";

	for (size_t i = 0; i < b->n_mem && !m; i++)
		if (b->mem[i].index == owner)
			m = &b->mem[i];
	if (m)
		dt_fmt_range(range, sizeof(range), m->first, m->last);
	return mc_map_report(map, MC_EINVAL, "base",
			     "the base's /%s (%s) has a phandle, but the map "
			     "has no RAM there: its node would go, and "
			     "whatever refers to it would dangle",
			     b->mem_node[owner]->name, range);
}

/* Each block's owner; refuses what the owners cannot describe. */
static int find_owners(struct mc_map *map, const struct dt_plan *plan,
		       const struct dt_base *b, size_t *owner)
{
	bool *reached;
	int err = 0;

	reached = calloc(b && b->n_mem_nodes ? b->n_mem_nodes : 1,
			 sizeof(*reached));
	if (!reached)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < plan->n_blocks && !err; i++) {
		const struct dt_base_mem *m;

		m = b ? dt_base_mem_at(b, plan->blocks[i].first) : NULL;
		owner[i] = m ? m->index : DT_NO_OWNER;
		if (m)
			reached[m->index] = true;
		else if (plan->numa_source == DT_NUMA_AMBIGUOUS)
			err = no_owner(map, &plan->blocks[i]);
	}
	for (size_t i = 0; b && i < b->n_mem_nodes && !err; i++)
		if (b->mem_node[i]->phandle && !reached[i])
			err = lost_phandle(map, b, i);
	free(reached);
	return err;
}

/*
 * Per owner (the last slot: no owner), the group it writes into: the
 * first group met in block order whose representative (@rep) nothing
 * tells apart from it. Returns the number of groups.
 */
static size_t group_owners(const struct dt_plan *plan, const struct dt_base *b,
			   const size_t *owner, size_t *group_of, size_t *rep,
			   size_t n_owner)
{
	size_t n_group = 0;

	for (size_t o = 0; o < n_owner; o++)
		group_of[o] = DT_NO_OWNER;
	for (size_t i = 0; i < plan->n_blocks; i++) {
		size_t o = owner[i] == DT_NO_OWNER ? n_owner - 1 : owner[i];

		for (size_t g = 0; g < n_group && group_of[o] == DT_NO_OWNER;
		     g++)
			if (!b || (!has_phandle(b, owner[i]) &&
				   !has_phandle(b, rep[g]) &&
				   same_props(b, owner[i], rep[g])))
				group_of[o] = g;
		if (group_of[o] == DT_NO_OWNER) {
			rep[n_group] = owner[i];
			group_of[o] = n_group++;
		}
	}
	return n_group;
}

static size_t slot_of(size_t owner, size_t n_owner)
{
	return owner == DT_NO_OWNER ? n_owner - 1 : owner;
}

/* One node per group; the blocks reordered group by group (stable). */
static int one_node_per_group(struct dt_plan *plan, const struct dt_base *b,
			      const size_t *owner)
{
	size_t n_owner = (b ? b->n_mem_nodes : 0) + 1, n_group;
	size_t *group_of = calloc(n_owner, sizeof(size_t));
	size_t *rep = calloc(n_owner, sizeof(size_t));
	size_t *at = calloc(n_owner, sizeof(size_t));
	struct dt_block *sorted = calloc(plan->n_blocks, sizeof(*sorted));
	int err = MC_ENOMEM;

	if (!group_of || !rep || !at || !sorted)
		goto out;
	n_group = group_owners(plan, b, owner, group_of, rep, n_owner);
	for (size_t i = 0; i < plan->n_blocks; i++)
		plan->nodes[group_of[slot_of(owner[i], n_owner)]].n++;
	for (size_t g = 0, first = 0; g < n_group; g++) {
		plan->nodes[g].first = at[g] = first;
		plan->nodes[g].owner = rep[g];
		plan->nodes[g].phandle = b && has_phandle(b, rep[g]);
		first += plan->nodes[g].n;
	}
	for (size_t i = 0; i < plan->n_blocks; i++)
		sorted[at[group_of[slot_of(owner[i], n_owner)]]++] =
			plan->blocks[i];
	plan->n_nodes = n_group;
	free(plan->blocks);
	plan->blocks = sorted;
	sorted = NULL;
	err = 0;
out:
	free(group_of);
	free(rep);
	free(at);
	free(sorted);
	return err;
}

static int node_per_block(struct dt_plan *plan, const struct dt_base *b,
			  const size_t *owner)
{
	bool *given = calloc(b && b->n_mem_nodes ? b->n_mem_nodes : 1,
			     sizeof(*given));

	if (!given)
		return MC_ENOMEM;
	for (size_t i = 0; i < plan->n_blocks; i++) {
		size_t o = owner[i];
		bool phandle = o != DT_NO_OWNER && has_phandle(b, o) &&
			       !given[o];

		if (phandle)
			given[o] = true;
		plan->nodes[i] = (struct dt_mem_node){ i, 1, o, phandle };
	}
	plan->n_nodes = plan->n_blocks;
	free(given);
	return 0;
}

/*
 * A base memory node we keep (disabled, or typed otherwise) may not have
 * the name of one of ours: dtc and libfdt refuse two nodes of one name.
 */
static int name_clash(struct mc_map *map, const struct dt_plan *plan,
		      const struct dt_base *b)
{
	for (size_t k = 0; k < b->n_kept_mem; k++) {
		const char *at = strchr(b->kept_mem[k]->name, '@');
		uint64_t addr;

		if (!at || !dt_unit_addr(at + 1, &addr))
			continue;
		for (size_t i = 0; i < plan->n_nodes; i++)
			if (plan->blocks[plan->nodes[i].first].first == addr)
				return mc_map_report(
					map, MC_EINVAL, "base",
					"the base's /%s is kept (disabled, or "
					"not device_type \"memory\"), and our "
					"memory node for the RAM at 0x%llx "
					"would have its name",
					b->kept_mem[k]->name,
					(unsigned long long)addr);
	}
	return 0;
}

int dt_plan_nodes(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *base)
{
	size_t *owner;
	int err = 0;

	if (base)
		err = dt_plan_split(map, plan, base);
	if (err)
		return err;
	plan->numa_source = numa_source(base);
	owner = calloc(plan->n_blocks ? plan->n_blocks : 1, sizeof(*owner));
	plan->nodes = calloc(plan->n_blocks ? plan->n_blocks : 1,
			     sizeof(*plan->nodes));
	if (!owner || !plan->nodes)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (!err)
		err = find_owners(map, plan, base, owner);
	if (!err) {
		err = plan->layout == MC_DT_MEMORY_ONE_NODE ?
			      one_node_per_group(plan, base, owner) :
			      node_per_block(plan, base, owner);
		if (err)
			err = mc_map_report(map, MC_ENOMEM, NULL,
					    "out of memory");
	}
	if (!err && base)
		err = name_clash(map, plan, base);
	free(owner);
	return err;
}
