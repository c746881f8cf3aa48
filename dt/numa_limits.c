// SPDX-License-Identifier: MIT
/*
 * numa_limits.c - what the guest kernel's MAX_NUMNODES lets a NUMA tree
 * hold (opts.max_numnodes, or Debian's for the arch).
 *
 *  - A node at or above MAX_NUMNODES: of_numa_parse_memory_nodes()
 *    (drivers/of/of_numa.c; arm64, riscv64) warns "Node id N exceeds
 *    maximum value" and fails, so of_numa_init() fails and NUMA is off;
 *    pseries' associativity_to_nid() (arch/powerpc/mm/numa.c) reads it as
 *    NUMA_NO_NODE and parse_numa_properties() puts the RAM on the default
 *    node. A distance-matrix triple naming one is ignored by
 *    numa_set_distance() ("node ids are out of bound").
 *  - From 6.12, arm64 and riscv64 (drivers/base/arch_numa.c) keep their
 *    ranges in mm/numa_memblks.c: of_numa adds one memblk per reg entry
 *    of each memory node with numa-node-id, and numa_add_memblk_to()
 *    fails past NR_NODE_MEMBLKS = 2 * MAX_NUMNODES ("too many memblk
 *    ranges"): NUMA is off. Before 6.12 arch_numa took any number; the
 *    tree does not say which kernel boots it, and Debian's trixie and sid
 *    kernels are 6.12 and later, so the limit always holds here.
 */
#include <stdio.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "internal/numnodes.h"

static uint32_t limit_of(const struct mc_map *map,
			 const struct mc_dt_opts *opt)
{
	return opt->max_numnodes ? opt->max_numnodes :
				   mc_debian_max_numnodes(mc_map_arch(map));
}

/* How the limit was chosen, for the diagnostics: "" or the default. */
static const char *said(const struct mc_map *map,
			const struct mc_dt_opts *opt, char *buf, size_t len)
{
	enum mc_arch arch = mc_map_arch(map);

	if (opt->max_numnodes)
		return "";
	snprintf(buf, len, " (not given: Debian's %s kernels')",
		 arch == MC_ARCH_PPC64 || arch == MC_ARCH_RISCV64 ?
		 mc_arch_name(arch) : "arm64");
	return buf;
}

static int bad_triple(struct mc_map *map, const struct mc_dt_opts *opt,
		      uint32_t max, const unsigned char *t)
{
	uint32_t a = fdt32_ld((const fdt32_t *)t);
	uint32_t b = fdt32_ld((const fdt32_t *)(t + 4));
	char how[48];

	return mc_map_report(map, MC_EINVAL, "opts.max_numnodes",
			     "%u%s: the distance-map names node %u (distance "
			     "%u %u %u), past the guest's MAX_NUMNODES: Linux "
			     "ignores it (\"node ids are out of bound\"); "
			     "number the nodes below %u, or give the guest "
			     "kernel's MAX_NUMNODES", max,
			     said(map, opt, how, sizeof(how)),
			     a >= max ? a : b, a, b,
			     fdt32_ld((const fdt32_t *)(t + 8)), max);
}

static int bad_node(struct mc_map *map, const struct mc_dt_opts *opt,
		    uint32_t max, const struct dt_plan *plan,
		    const struct dt_block *blk)
{
	char range[MC_RANGE_STR], how[48];

	mc_range_str(range, blk->first, blk->last);
	return mc_map_report(map, MC_EINVAL, "opts.max_numnodes",
			     "%u%s: memory block %s is on NUMA node %u, past "
			     "the guest's MAX_NUMNODES: %s; number the nodes "
			     "below %u, or give the guest kernel's "
			     "MAX_NUMNODES", max,
			     said(map, opt, how, sizeof(how)), range, blk->node,
			     plan->numa.style == DT_NUMA_ASSOC ?
			     "Linux reads no node from its ibm,associativity "
			     "and puts the RAM on the default node" :
			     "Linux's of_numa refuses its numa-node-id "
			     "(\"Node id ... exceeds maximum value\") and "
			     "turns NUMA off",
			     max);
}

static int too_many_ranges(struct mc_map *map, const struct mc_dt_opts *opt,
			   uint32_t max, size_t n)
{
	char how[48];

	return mc_map_report(map, MC_EINVAL, "opts.max_numnodes",
			     "%u%s: the memory nodes hold %zu reg ranges, more "
			     "than the 2 x MAX_NUMNODES = %u memblks Linux "
			     "takes from 6.12 on (mm/numa_memblks.c: \"too "
			     "many memblk ranges\", NUMA off; kernels before "
			     "6.12 take any number): carve fewer holes, or "
			     "give the guest kernel's MAX_NUMNODES", max,
			     said(map, opt, how, sizeof(how)), n, 2 * max);
}

int dt_numa_limits(struct mc_map *map, const struct mc_dt_opts *opt,
		   const struct dt_plan *plan)
{
	uint32_t max = limit_of(map, opt);
	const unsigned char *t = plan->numa.matrix;

	for (size_t i = 0; i + 12 <= plan->numa.matrix_len; i += 12)
		if (fdt32_ld((const fdt32_t *)(t + i)) >= max ||
		    fdt32_ld((const fdt32_t *)(t + i + 4)) >= max)
			return bad_triple(map, opt, max, t + i);
	for (size_t i = 0; i < plan->n_blocks; i++)
		if (plan->blocks[i].node >= max)
			return bad_node(map, opt, max, plan, &plan->blocks[i]);
	if (plan->numa.style == DT_NUMA_ID && plan->n_blocks > 2 * (size_t)max)
		return too_many_ranges(map, opt, max, plan->n_blocks);
	return 0;
}
