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
 * ibm,associativity). A NUMA map's blocks are grouped within their own
 * NUMA node only: one memory node per NUMA node in a fresh tree.
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
 *			A block with no owner has them recomputed, or is
 *			refused (numa.c)
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
	return b && owner != DT_NO_OWNER && b->mem_node[owner]->phandle;
}

static int lost_phandle(struct mc_map *map, const struct dt_base *b,
			size_t owner)
{
	const struct dt_base_mem *m = NULL;
	char range[MC_RANGE_STR] = "no range";

	for (size_t i = 0; i < b->n_mem && !m; i++)
		if (b->mem[i].index == owner)
			m = &b->mem[i];
	if (m)
		mc_range_str(range, m->first, m->last);
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "the base's /%s (%s) has a phandle, but the map "
			     "has no RAM there: its node would go, and "
			     "whatever refers to it would dangle",
			     b->mem_node[owner]->name, range);
}

/* Whose properties a block's node takes. */
struct who {
	size_t owner;		/* the base memory node it lies in */
	size_t numa_from;	/* no owner: whose NUMA properties (numa.c) */
	uint32_t node;		/* NUMA map: its node; else 0 */
};

/* Each block's owner; refuses what the owners cannot describe. */
static int find_owners(struct mc_map *map, const struct dt_plan *plan,
		       const struct dt_base *b, struct who *who)
{
	bool numa = plan->numa.style != DT_NUMA_NONE;
	size_t source = numa ? DT_NO_OWNER : dt_numa_source(b);
	bool *reached;
	int err = 0;

	reached = calloc(b && b->n_mem_nodes ? b->n_mem_nodes : 1,
			 sizeof(*reached));
	if (!reached)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < plan->n_blocks && !err; i++) {
		const struct dt_block *blk = &plan->blocks[i];
		const struct dt_base_mem *m;

		m = b ? dt_base_mem_at(b, blk->first) : NULL;
		who[i] = (struct who){ m ? m->index : DT_NO_OWNER,
				       DT_NO_OWNER, numa ? blk->node : 0 };
		if (m)
			reached[m->index] = true;
		if (m && numa)
			err = dt_numa_check_owner(map, plan, b, blk, m->index);
		else if (b && !m && !numa)	/* a NUMA map says its node */
			err = dt_numa_of_block(map, b, source, blk,
					       &who[i].numa_from);
	}
	for (size_t i = 0; b && i < b->n_mem_nodes && !err; i++)
		if (b->mem_node[i]->phandle && !reached[i])
			err = lost_phandle(map, b, i);
	free(reached);
	return err;
}

/*
 * A block's class: its owner, or for a block with no owner one class per
 * base node it takes NUMA properties from (and one for none): 2n + 1.
 */
static size_t class_of(const struct who *w, size_t n_mem)
{
	if (w->owner != DT_NO_OWNER)
		return w->owner;
	return n_mem + (w->numa_from == DT_NO_OWNER ? n_mem : w->numa_from);
}

/* For sorting blocks by (NUMA node, class), then by index. */
struct keyed {
	uint32_t node;
	size_t class, block;
};

static int by_key(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	if (x->class != y->class)
		return x->class < y->class ? -1 : 1;
	return x->block < y->block ? -1 : x->block > y->block;
}

/*
 * Each block's slot: its class, and in a NUMA map its (node, class) pair
 * numbered in sorted order, so that no node spans two NUMA nodes. Returns
 * the number of slots, or 0 when out of memory.
 */
static size_t slots_of(const struct dt_plan *plan, const struct who *who,
		       size_t n_mem, size_t *slot)
{
	struct keyed *k;
	size_t n_slot = 0;

	if (plan->numa.style == DT_NUMA_NONE) {
		for (size_t i = 0; i < plan->n_blocks; i++)
			slot[i] = class_of(&who[i], n_mem);
		return 2 * n_mem + 1;
	}
	k = calloc(plan->n_blocks ? plan->n_blocks : 1, sizeof(*k));
	if (!k)
		return 0;
	for (size_t i = 0; i < plan->n_blocks; i++)
		k[i] = (struct keyed){ who[i].node, class_of(&who[i], n_mem),
				       i };
	qsort(k, plan->n_blocks, sizeof(*k), by_key);
	for (size_t i = 0; i < plan->n_blocks; i++) {
		if (i && (k[i].node != k[i - 1].node ||
			  k[i].class != k[i - 1].class))
			n_slot++;
		slot[k[i].block] = n_slot;
	}
	free(k);
	return n_slot + 1;
}

/*
 * Per slot, the group it writes into: an owner joins the first group of
 * an owner on the same NUMA node that nothing tells apart from it; the
 * other slots keep to themselves. Groups are numbered in block order;
 * @rep holds the block each starts with. Returns the number of groups.
 */
static size_t group_slots(const struct dt_plan *plan, const struct dt_base *b,
			  const struct who *who, const size_t *slot,
			  size_t *group_of, size_t *rep, size_t n_slot)
{
	size_t n_group = 0;

	for (size_t o = 0; o < n_slot; o++)
		group_of[o] = DT_NO_OWNER;
	for (size_t i = 0; i < plan->n_blocks; i++) {
		size_t o = slot[i], me = who[i].owner;

		for (size_t g = 0; me != DT_NO_OWNER && g < n_group &&
				   group_of[o] == DT_NO_OWNER; g++) {
			size_t them = who[rep[g]].owner;

			if (them != DT_NO_OWNER &&
			    who[rep[g]].node == who[i].node &&
			    !has_phandle(b, me) && !has_phandle(b, them) &&
			    same_props(b, me, them))
				group_of[o] = g;
		}
		if (group_of[o] == DT_NO_OWNER) {
			rep[n_group] = i;
			group_of[o] = n_group++;
		}
	}
	return n_group;
}

/* The group's phandle: on the first group of its owner only. */
static bool takes_phandle(const struct dt_base *b, size_t owner, bool *given)
{
	if (!b || !has_phandle(b, owner) || given[owner])
		return false;
	given[owner] = true;
	return true;
}

/* One node per group; the blocks reordered group by group (stable). */
static int one_node_per_group(struct dt_plan *plan, const struct dt_base *b,
			      const struct who *who)
{
	size_t n_mem = b ? b->n_mem_nodes : 0, n_slot;
	size_t *slot = calloc(plan->n_blocks + 1, sizeof(size_t));
	size_t *group_of = NULL, *rep = NULL, *at = NULL;
	bool *given = calloc(n_mem + 1, sizeof(bool));
	struct dt_block *sorted = calloc(plan->n_blocks + 1, sizeof(*sorted));
	size_t n_group;
	int err = MC_ENOMEM;

	n_slot = slot ? slots_of(plan, who, n_mem, slot) : 0;
	if (n_slot) {
		group_of = calloc(n_slot, sizeof(size_t));
		rep = calloc(n_slot, sizeof(size_t));
		at = calloc(n_slot, sizeof(size_t));
	}
	if (!group_of || !rep || !at || !sorted || !given)
		goto out;
	n_group = group_slots(plan, b, who, slot, group_of, rep, n_slot);
	for (size_t i = 0; i < plan->n_blocks; i++)
		plan->nodes[group_of[slot[i]]].n++;
	for (size_t g = 0, first = 0; g < n_group; g++) {
		const struct who *w = &who[rep[g]];

		plan->nodes[g].first = at[g] = first;
		plan->nodes[g].owner = w->owner;
		plan->nodes[g].numa_from = w->numa_from;
		plan->nodes[g].phandle = takes_phandle(b, w->owner, given);
		plan->nodes[g].node = w->node;
		first += plan->nodes[g].n;
	}
	for (size_t i = 0; i < plan->n_blocks; i++)
		sorted[at[group_of[slot[i]]]++] = plan->blocks[i];
	plan->n_nodes = n_group;
	free(plan->blocks);
	plan->blocks = sorted;
	sorted = NULL;
	err = 0;
out:
	free(slot);
	free(group_of);
	free(rep);
	free(at);
	free(given);
	free(sorted);
	return err;
}

static int node_per_block(struct dt_plan *plan, const struct dt_base *b,
			  const struct who *who)
{
	bool *given = calloc(b && b->n_mem_nodes ? b->n_mem_nodes : 1,
			     sizeof(*given));

	if (!given)
		return MC_ENOMEM;
	for (size_t i = 0; i < plan->n_blocks; i++) {
		size_t o = who[i].owner;

		plan->nodes[i] = (struct dt_mem_node){
			i, 1, o, takes_phandle(b, o, given), who[i].numa_from,
			who[i].node };
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
					map, MC_EINVAL, "opts.base",
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
	struct who *who;
	int err = 0;

	if (base)
		err = dt_plan_split(map, plan, base);
	if (err)
		return err;
	who = calloc(plan->n_blocks ? plan->n_blocks : 1, sizeof(*who));
	plan->nodes = calloc(plan->n_blocks ? plan->n_blocks : 1,
			     sizeof(*plan->nodes));
	if (!who || !plan->nodes)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (!err)
		err = find_owners(map, plan, base, who);
	if (!err) {
		err = plan->layout == MC_DT_MEMORY_ONE_NODE ?
			      one_node_per_group(plan, base, who) :
			      node_per_block(plan, base, who);
		if (err)
			err = mc_map_report(map, MC_ENOMEM, NULL,
					    "out of memory");
	}
	if (!err && base)
		err = name_clash(map, plan, base);
	free(who);
	return err;
}
