// SPDX-License-Identifier: MIT
/*
 * build.c - mc_dt_build(): plan, check, count, write.
 *
 * The DTB layout written by libfdt's sequential-write functions: a 40-byte
 * header padded to 48 (fdt_create() aligns the reserve map to its 16-byte
 * entries), the reserve map with its {0, 0} terminator, the structure
 * block ending in FDT_END, then the property names.
 */
#include <limits.h>
#include <stdlib.h>
#include <libfdt.h>
#include "dt-internal.h"

#define DT_HEADER_ROOM 48
#define DT_RSV_ENTRY 16

_Static_assert(sizeof(struct fdt_header) == 40, "DTB header is 40 bytes");
_Static_assert(sizeof(struct fdt_reserve_entry) == DT_RSV_ENTRY,
	       "reserve map entries are two u64");
_Static_assert(sizeof(struct fdt_property) == 12,
	       "property tag, length, name offset");

static int check_options(struct mc_map *map, const struct mc_dt_options *opt)
{
	if (opt->cells > 2)
		return mc_map_report(map, MC_EINVAL, "cells",
				     "%u: a root written by memcarve has 1 or "
				     "2 cells", opt->cells);
	if (opt->layout != MC_DT_MEMORY_PER_BLOCK &&
	    opt->layout != MC_DT_MEMORY_ONE_NODE)
		return mc_map_report(map, MC_EINVAL, "layout",
				     "unknown memory node layout %d",
				     (int)opt->layout);
	if (opt->memreserve > MC_DT_MEMRESERVE_OFF)
		return mc_map_report(map, MC_EINVAL, "memreserve",
				     "unknown memreserve setting %d",
				     (int)opt->memreserve);
	if (opt->base && opt->base_len > INT_MAX)
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "%zu bytes: larger than any DTB",
				     opt->base_len);
	return 0;
}

static size_t base_rsv_count(const struct dt_base *b)
{
	if (!b || b->drop_memreserve)
		return 0;
	return (size_t)fdt_num_mem_rsv(b->fdt);
}

/* The buffer the write pass needs: counted on the same tree walk. */
static int needed_size(struct mc_map *map, const struct dt_plan *plan,
		       const struct dt_base *b, size_t *size)
{
	struct dt_out o = { 0 };
	int err;

	if (b) {
		o.seen_len = fdt_size_dt_strings(b->fdt);
		o.seen = calloc(o.seen_len / 8 + 1, 1);
		if (!o.seen)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
	}
	err = dt_write_tree(&o, plan, b);
	free(o.seen);
	if (err || o.err)
		return mc_map_report(map, err ? err : MC_EINVAL, NULL,
				     "sizing the tree: %s",
				     err ? mc_strerror(err) : fdt_strerror(o.err));
	*size = DT_HEADER_ROOM +
		DT_RSV_ENTRY * (base_rsv_count(b) + plan->n_rsv + 1) +
		o.struct_size + FDT_TAGSIZE + o.strings_size +
		dt_out_own_names_size();
	if (*size > INT_MAX)
		return mc_map_report(map, MC_ERANGE, NULL,
				     "the tree needs %zu bytes; a DTB holds "
				     "at most 2^31 - 1", *size);
	return 0;
}

static int reserve_map(void *fdt, const struct dt_plan *plan,
		       const struct dt_base *b)
{
	int err = 0;

	for (size_t i = 0; i < base_rsv_count(b) && !err; i++) {
		uint64_t addr, size;

		err = fdt_get_mem_rsv(b->fdt, (int)i, &addr, &size);
		if (!err)
			err = fdt_add_reservemap_entry(fdt, addr, size);
	}
	for (size_t i = 0; i < plan->n_rsv && !err; i++)
		err = fdt_add_reservemap_entry(fdt, plan->rsv[i].addr,
					       plan->rsv[i].size);
	return err ? err : fdt_finish_reservemap(fdt);
}

static int write_blob(struct mc_map *map, const struct dt_plan *plan,
		      const struct dt_base *b, void *buf, size_t size)
{
	struct dt_out o = { .fdt = buf };
	int err = fdt_create(buf, (int)size);

	if (!err)
		err = reserve_map(buf, plan, b);
	if (!err) {
		int e = dt_write_tree(&o, plan, b);

		if (e)
			return mc_map_report(map, e, NULL, "out of memory");
		err = o.err;
	}
	/*
	 * No fdt_check_full() of the result: it walked the whole blob again
	 * (a seventh of a build) to find what could only be a bug here. The
	 * tree is written by libfdt's sequential-write calls from a checked
	 * plan and a base that dt_base_open() checked in full, and the tests
	 * check every output they make.
	 */
	if (!err)
		err = fdt_finish(buf);
	if (err)	/* the size was computed: any failure here is ours */
		return mc_map_report(map, MC_EINVAL, NULL,
				     "internal error writing the DTB: %s",
				     fdt_strerror(err));
	return 0;
}

static int build(struct mc_map *map, const struct mc_dt_options *opt,
		 struct dt_plan *plan, struct dt_base *b, void *buf,
		 size_t bufsize, size_t *len)
{
	unsigned int ac = opt->cells ? opt->cells : 2, sc = ac;
	size_t need = 0;
	int err = check_options(map, opt);

	if (!err && opt->base)
		err = dt_base_open(map, opt, b, &ac, &sc);
	if (!err)
		err = dt_plan_make(map, opt, ac, sc, plan);
	if (!err && opt->base && opt->layout == MC_DT_MEMORY_PER_BLOCK)
		err = dt_plan_split(map, plan, b);
	if (!err && opt->base)
		err = dt_base_check(map, b, plan);
	if (!err)
		err = needed_size(map, plan, opt->base ? b : NULL, &need);
	if (err)
		return err;
	*len = need;
	if (!buf || bufsize < need)
		return buf ? mc_map_report(map, MC_ENOSPC, NULL,
					   "the DTB needs a %zu-byte buffer, "
					   "%zu given", need, bufsize)
			   : MC_ENOSPC;
	err = write_blob(map, plan, opt->base ? b : NULL, buf, need);
	if (!err)
		*len = fdt_totalsize(buf);
	return err;
}

int mc_dt_build(struct mc_map *map, const struct mc_dt_options *opt,
		void *buf, size_t bufsize, size_t *len)
{
	static const struct mc_dt_options defaults;
	struct dt_plan plan = { 0 };
	struct dt_base b = { .resv_node = -1 };
	int err;

	*len = 0;
	if (!mc_map_totals(map))
		return mc_map_report(map, MC_ESTATE, NULL,
				     "the map is not carved yet "
				     "(mc_map_carve() first)");
	err = build(map, opt ? opt : &defaults, &plan, &b, buf, bufsize, len);
	dt_plan_free(&plan);
	dt_base_free(&b);
	return err;
}
