// SPDX-License-Identifier: MIT
/*
 * decode.c - mc_dt_decode(): a DTB's memory description back to a map.
 *
 * It reads what Linux reads (drivers/of/fdt.c): root children with
 * device_type = "memory" in the root's cells, /reserved-memory children
 * with a static reg (dynamic ones have no address yet), and the header's
 * reserve map. Disabled nodes are skipped, as Linux skips them.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

struct decoder {
	struct mc_map *map;
	const void *fdt;
	unsigned int ac, sc;
};

static bool enabled(const void *fdt, int node)
{
	const char *status = fdt_getprop(fdt, node, "status", NULL);

	return !status || strcmp(status, "okay") == 0 ||
	       strcmp(status, "ok") == 0;
}

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
	return mc_map_add(d->map, r);
}

/* Each (address, size) of @node's reg as a copy of @proto. */
static int add_reg(struct decoder *d, int node, const struct mc_region *proto)
{
	size_t step = 4 * (d->ac + d->sc);
	const unsigned char *reg;
	const char *where = fdt_get_name(d->fdt, node, NULL);
	int len, err = 0;

	reg = fdt_getprop(d->fdt, node, "reg", &len);
	for (size_t at = 0; reg && at + step <= (size_t)len && !err;
	     at += step) {
		struct mc_region r = *proto;

		err = add(d, dt_cells_get(reg + at, d->ac),
			  dt_cells_get(reg + at + 4 * d->ac, d->sc), &r, where);
	}
	return err;
}

static int memory_nodes(struct decoder *d)
{
	struct mc_region ram = { .kind = MC_RAM };
	int node, err = 0;

	fdt_for_each_subnode(node, d->fdt, 0)
		if (!err && dt_is_memory(d->fdt, node) && enabled(d->fdt, node))
			err = add_reg(d, node, &ram);
	return err;
}

static int resv_children(struct decoder *d)
{
	int parent = fdt_subnode_offset(d->fdt, 0, "reserved-memory");
	int node, err = 0;

	if (parent < 0)
		return 0;
	fdt_for_each_subnode(node, d->fdt, parent) {
		struct mc_region r = { .kind = MC_RESERVED };
		char name[DT_NODE_NAME_LEN];

		if (err || !enabled(d->fdt, node))
			continue;
		snprintf(name, sizeof(name), "%s",
			 fdt_get_name(d->fdt, node, NULL));
		name[strcspn(name, "@")] = '\0';
		r.name = name[0] ? name : NULL;
		if (fdt_getprop(d->fdt, node, "reusable", NULL))
			r.flags |= MC_F_REUSABLE;
		/* Without no-map, memory stays behind it: an overlay. */
		if (!fdt_getprop(d->fdt, node, "no-map", NULL))
			r.policy = MC_POLICY_OVERLAY;
		err = add_reg(d, node, &r);
	}
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
		err = err ? mc_map_report(d->map, MC_EINVAL, "memreserve",
					  "entry %d: %s", i, fdt_strerror(err))
			  : add(d, addr, size, &r, "/memreserve/");
	}
	return err;
}

int mc_dt_decode(struct mc_map *map, const void *blob, size_t len)
{
	struct decoder d = { map, blob, 2, 1 };
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
	d.ac = (unsigned int)ac;
	d.sc = (unsigned int)sc;
	err = memory_nodes(&d);
	if (!err)
		err = resv_children(&d);
	if (!err)
		err = reserve_map(&d);
	return err;
}
