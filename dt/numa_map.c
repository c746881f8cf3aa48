// SPDX-License-Identifier: MIT
/*
 * numa_map.c - a NUMA map's nodes in the tree.
 *
 * When the map is NUMA (any region has node=), each memory node carries
 * the node of its blocks, and the map is the truth: the base's NUMA
 * properties are not inherited (numa.c does that for maps that are not
 * NUMA). How the guest reads a node:
 *
 *  numa-node-id	arm64, riscv64 (drivers/of/of_numa.c). Linux gives
 *			up on NUMA when one memory node lacks it (the memblock
 *			then has no node: "invalid memblk node", or 6.12+'s
 *			numa_memblks "no nodes coverage"): every memory node
 *			gets it, fresh or patched.
 *  ibm,associativity	pseries (arch/powerpc/mm/numa.c): the node is the
 *			cell at the primary domain index, which the form of
 *			affinity picks from /rtas ibm,associativity-reference-
 *			points. The other cells are the platform's topology
 *			(FORM1 distances, FORM2 lookup index), which the map
 *			does not hold: a node's array is taken whole from a
 *			base memory node on that node, and a node no base
 *			memory node is on is refused (numa_assoc.c).
 *
 * Distances: a fresh tree's /distance-map, and in patch mode the check
 * that the guest gets the map's from the base (numa_distance.c).
 *
 * A base memory node whose own node disagrees with the map's for the
 * same RAM is refused, naming both: which one the platform means cannot
 * be known, and the CPUs' and devices' nodes in the base follow the base.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

int dt_numa_plan(struct mc_map *map, const struct mc_dt_opts *opt,
		 struct dt_plan *plan, const struct dt_base *base)
{
	enum mc_arch arch = mc_map_arch(map);
	int err = 0;

	if (!mc_map_is_numa(map))
		return opt->distance_map ?
			mc_map_report(map, MC_EINVAL, "opts.distance_map",
				      "the map is not NUMA (no node=): there "
				      "are no nodes to give distances") : 0;
	if (opt->distance_map && base)
		return mc_map_report(map, MC_EINVAL, "opts.distance_map",
				     "is for a fresh tree; a patched tree "
				     "keeps the base's distance-map, if any");
	if (arch == MC_ARCH_MIPS)
		return mc_map_report(map, MC_EINVAL, "arch",
				     "mips: the map is NUMA, but Linux reads "
				     "no NUMA node from a MIPS device tree");
	if (arch == MC_ARCH_PPC64 || (base && dt_base_says_assoc(base))) {
		plan->numa.style = DT_NUMA_ASSOC;
		err = dt_assoc_plan(map, plan, base);
	} else {
		plan->numa.style = DT_NUMA_ID;
		if (base)
			err = dt_base_distances(map, plan, base);
	}
	if (!err && opt->distance_map)
		err = dt_distance_matrix(map, &plan->numa, plan);
	return err ? err : dt_numa_limits(map, opt, plan);
}

/* What a base memory node says its node is, for a NUMA map's check. */
static bool base_node(const struct dt_plan *plan, const struct dt_base *b,
		      size_t owner, uint32_t *node, const char **prop)
{
	const fdt32_t *id;
	int len, offset = b->mem_node[owner]->offset;

	if (plan->numa.style == DT_NUMA_ASSOC) {
		*prop = "ibm,associativity";
		return dt_assoc_nid(b->fdt, offset, plan->numa.index,
				    node) == 0;
	}
	*prop = "numa-node-id";
	id = fdt_getprop(b->fdt, offset, "numa-node-id", &len);
	if (!id || len != 4)
		return false;
	*node = fdt32_ld(id);
	return true;
}

int dt_numa_check_owner(struct mc_map *map, const struct dt_plan *plan,
			const struct dt_base *base,
			const struct dt_block *blk, size_t owner)
{
	char range[MC_RANGE_STR];
	const char *prop;
	uint32_t node;

	if (plan->numa.style == DT_NUMA_NONE || owner == DT_NO_OWNER ||
	    !base_node(plan, base, owner, &node, &prop) || node == blk->node)
		return 0;
	mc_range_str(range, blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "opts.base",
			     "memory block %s is on NUMA node %u in the map, "
			     "but the base's /%s, which holds it, says node "
			     "%u (%s): the base's CPUs and devices follow the "
			     "base's numbering, so the map must use it",
			     range, blk->node, base->mem_node[owner]->name,
			     node, prop);
}

void dt_numa_write(struct dt_out *o, const struct dt_plan *plan,
		   uint32_t node)
{
	fdt32_t be = cpu_to_fdt32(node);

	if (plan->numa.style == DT_NUMA_ID)
		dt_out_prop(o, "numa-node-id", &be, sizeof(be));
	else if (plan->numa.style == DT_NUMA_ASSOC)
		dt_out_base_prop(o, &dt_assoc_of(&plan->numa, node)->prop);
}

void dt_numa_free(struct dt_numa *numa)
{
	free(numa->assoc);
	free(numa->matrix);
	*numa = (struct dt_numa){ 0 };
}
