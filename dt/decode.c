// SPDX-License-Identifier: MIT
/*
 * decode.c - mc_dt_decode(): a DTB's memory description back to a map.
 *
 * It reads what Linux reads (drivers/of/fdt.c): root children with
 * device_type = "memory" in the root's cells, /reserved-memory children
 * with a static reg (dynamic ones have no address yet), and the header's
 * reserve map. Disabled nodes are skipped, as Linux skips them
 * (dt_node_available(), the rule the writer uses too). A root node named
 * memory@... without device_type is not memory to Linux (its
 * early_init_dt_scan_memory() reads only typed nodes; the PPC32 "memory@0"
 * exception of old kernels is gone), so it is not read here. The nodes
 * come from one walk of the checked blob (scan.c), which patch mode shares
 * to check that its base decodes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

struct decoder {
	struct mc_map *map;
	const void *fdt;
	unsigned int ac, sc;
};

static int add(struct decoder *d, uint64_t first, uint64_t size,
	       struct mc_region *r, const char *where)
{
	if (size == 0)
		return 0;
	if (first + (size - 1) < first)
		return mc_map_report(d->map, MC_EINVAL, "reg",
				     "%s: 0x%llx+0x%llx wraps past 2^64", where,
				     (unsigned long long)first,
				     (unsigned long long)size);
	r->first = first;
	r->last = first + (size - 1);
	r->source = "DTB";		/* the blob's name in diagnostics */
	return mc_map_add(d->map, r);
}

/* Each (address, size) of @node's reg as a copy of @proto. */
static int add_reg(struct decoder *d, const struct dt_node *node,
		   const struct mc_region *proto)
{
	size_t step = 4 * (d->ac + d->sc);
	int err = 0;

	for (size_t at = 0; node->reg && at + step <= (size_t)node->reg_len &&
			    !err; at += step) {
		struct mc_region r = *proto;

		err = add(d, dt_cells_get(node->reg + at, d->ac),
			  dt_cells_get(node->reg + at + 4 * d->ac, d->sc), &r,
			  node->name);
	}
	return err;
}

/* Each with its NUMA node when Linux reads NUMA from the tree. */
static int memory_nodes(struct decoder *d, const struct dt_scan *s,
			const int64_t *nid, bool numa)
{
	int err = 0;

	for (size_t i = 0; i < s->n_node && !err; i++) {
		struct mc_region ram = { .kind = MC_RAM };

		if (s->node[i].parent >= 0 || !s->node[i].memory ||
		    !dt_node_available(&s->node[i]))
			continue;
		if (numa) {
			ram.flags = MC_F_NODE;
			ram.node = (uint32_t)nid[i];
		}
		err = add_reg(d, &s->node[i], &ram);
	}
	return err;
}

/* The nodes a child's binding names by path, on each range it added. */
static int add_paths(struct decoder *d, size_t from,
		     const struct dt_iommu_names *names)
{
	size_t n_in;
	int err = 0;

	mc_map_input(d->map, &n_in);
	for (size_t i = from; i < n_in && !err; i++)
		err = mc_map_set_device_paths(d->map, i,
					      (const char *const *)names->paths,
					      names->n_paths);
	return err;
}

/* The children of the first reserved-memory, as fdt_subnode_offset() finds. */
static int resv_children(struct decoder *d, const struct dt_scan *s)
{
	struct dt_iommu_index ix = { 0 };
	size_t parent = 0;
	int err = 0;

	while (parent < s->n_node && !s->node[parent].resv)
		parent++;
	for (size_t i = parent + 1; i < s->n_node && !err; i++) {
		const struct dt_node *n = &s->node[i];
		struct mc_region r = { .kind = MC_RESERVED };
		struct dt_iommu_names names = { 0 };
		char name[DT_NODE_NAME_LEN];
		size_t before = 0;

		if (n->parent != (int)parent || !dt_node_available(n))
			continue;
		snprintf(name, sizeof(name), "%s", n->name);
		name[strcspn(name, "@")] = '\0';
		r.name = name[0] ? name : NULL;
		if (n->reusable)
			r.flags |= MC_F_REUSABLE;
		/* Without no-map, memory stays behind it: an overlay. */
		if (!n->no_map)
			r.policy = MC_POLICY_OVERLAY;
		err = dt_iommu_decode(d->map, d->fdt, n->offset, d->ac, d->sc,
				      &r, &names, &ix);
		mc_map_input(d->map, &before);
		if (!err)
			err = add_reg(d, n, &r);
		if (!err && names.n_paths)
			err = add_paths(d, before, &names);
		dt_iommu_names_free(&names);
	}
	dt_iommu_index_free(&ix);
	return err;
}

static int reserve_map(struct decoder *d)
{
	int n = fdt_num_mem_rsv(d->fdt), err = 0;

	for (int i = 0; i < n && !err; i++) {
		struct mc_region r = { .kind = MC_RESERVED,
				       .name = "memreserve",
				       .policy = MC_POLICY_OVERLAY };
		uint64_t addr, size;

		err = fdt_get_mem_rsv(d->fdt, i, &addr, &size);
		err = err ? mc_map_report(d->map, MC_EINVAL, "opts.memreserve",
					  "entry %d: %s", i, fdt_strerror(err))
			  : add(d, addr, size, &r, "/memreserve/");
	}
	return err;
}

int dt_decode_scan(struct mc_map *map, const void *fdt,
		   const struct dt_scan *s, unsigned int ac, unsigned int sc)
{
	struct decoder d = { map, fdt, ac, sc };
	int64_t *nid = calloc(s->n_node + 1, sizeof(*nid));
	bool numa;
	int err;

	if (!nid)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	numa = dt_decode_nodes(fdt, s, nid);
	err = memory_nodes(&d, s, nid, numa);
	if (!err)
		err = resv_children(&d, s);
	if (!err)
		err = reserve_map(&d);
	if (!err && numa)
		err = dt_decode_distances(map, fdt, s, nid);
	free(nid);
	return err;
}

int mc_dt_decode(struct mc_map *map, const void *blob, size_t len)
{
	struct dt_scan s;
	int err, ac, sc;

	if (len < sizeof(struct fdt_header) || fdt_magic(blob) != FDT_MAGIC)
		return MC_EBADBLOB;
	err = dt_check_blob(blob, len);
	if (err)
		return mc_map_report(map, MC_EINVAL, NULL,
				     "a DTB, but libfdt rejects it: %s",
				     fdt_strerror(err));
	ac = fdt_address_cells(blob, 0);
	sc = fdt_size_cells(blob, 0);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return mc_map_report(map, MC_EINVAL, "#address-cells",
				     "the root has %d address and %d size "
				     "cells; memcarve reads 1 or 2", ac, sc);
	if (dt_scan(blob, &s))
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	else
		err = dt_decode_scan(map, blob, &s, (unsigned int)ac,
				     (unsigned int)sc);
	dt_scan_free(&s);
	if (!err && dt_arch_of(blob) != MC_ARCH_NONE)
		err = mc_map_set_arch(map, dt_arch_of(blob));
	return err;
}
