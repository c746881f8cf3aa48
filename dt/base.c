// SPDX-License-Identifier: MIT
/*
 * base.c - patch mode: what the base tree holds that the output depends on.
 *
 * The base is validated with fdt_check_full() before anything reads it, so
 * the rest of the emitter can walk it without bounds surprises. Its memory
 * nodes are indexed (sorted by address) so that each new memory node can
 * inherit the platform properties of the node that covered its address,
 * e.g. ibm,associativity on pseries.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

static int root_cells(struct mc_map *map, const void *fdt, const char *prop,
		      unsigned int *out)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, 0, prop, &len);
	if (!v)
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "the root has no %s: the DT spec then "
				     "means 2 (addresses) or 1 (sizes), Linux "
				     "1; set it explicitly", prop);
	*out = len == 4 ? fdt32_ld(v) : 0;
	if (*out == 1 || *out == 2)
		return 0;
	return mc_map_report(map, MC_EBADBLOB, "base",
			     "the root's %s is %u (a %d-byte value); "
			     "memcarve writes 1 or 2 cells", prop, *out, len);
}

/* Linux takes any root child with device_type = "memory" as memory. */
bool dt_is_memory(const void *fdt, int node)
{
	const char *type;
	int len;

	type = fdt_getprop(fdt, node, "device_type", &len);
	return type && len == 7 && memcmp(type, "memory", 7) == 0;
}

static int add_mem_node(struct dt_base *b, int node, unsigned int ac,
			unsigned int sc, size_t *cap)
{
	const unsigned char *reg;
	size_t step = 4 * (ac + sc);
	int len;

	reg = fdt_getprop(b->fdt, node, "reg", &len);
	for (int at = 0; reg && at < len && (size_t)(len - at) >= step;
	     at += (int)step) {
		uint64_t first = dt_cells_get(reg + at, ac);
		uint64_t size = dt_cells_get(reg + at + 4 * ac, sc);

		if (size == 0 || first + (size - 1) < first)
			continue;
		if (b->n_mem == *cap) {
			size_t ncap = *cap ? 2 * *cap : 8;
			void *p = realloc(b->mem, ncap * sizeof(*b->mem));

			if (!p)
				return MC_ENOMEM;
			b->mem = p;
			*cap = ncap;
		}
		b->mem[b->n_mem++] = (struct dt_base_mem){
			first, first + (size - 1), node, b->n_mem_nodes };
	}
	b->n_mem_nodes++;
	return 0;
}

static int by_first(const void *a, const void *b)
{
	const struct dt_base_mem *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

static int index_root(struct mc_map *map, struct dt_base *b, unsigned int ac,
		      unsigned int sc)
{
	size_t cap = 0;
	int node;

	fdt_for_each_subnode(node, b->fdt, 0) {
		const char *name = fdt_get_name(b->fdt, node, NULL);

		if (dt_is_memory(b->fdt, node)) {
			if (add_mem_node(b, node, ac, sc, &cap))
				return mc_map_report(map, MC_ENOMEM, NULL,
						     "out of memory");
		} else if (name && strcmp(name, "reserved-memory") == 0) {
			b->resv_node = node;
		}
	}
	if (b->n_mem)
		qsort(b->mem, b->n_mem, sizeof(*b->mem), by_first);
	return 0;
}

int dt_base_open(struct mc_map *map, const struct mc_dt_options *opt,
		 struct dt_base *b, unsigned int *ac, unsigned int *sc)
{
	int err;

	*b = (struct dt_base){ .fdt = opt->base, .resv_node = -1,
			       .drop_memreserve = opt->drop_base_memreserve };
	err = fdt_check_full(opt->base, opt->base_len);
	if (err)
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "not a valid DTB (libfdt: %s)",
				     fdt_strerror(err));
	err = root_cells(map, b->fdt, "#address-cells", ac);
	if (!err)
		err = root_cells(map, b->fdt, "#size-cells", sc);
	if (!err && opt->cells && (opt->cells != *ac || opt->cells != *sc))
		err = mc_map_report(map, MC_EINVAL, "cells",
				    "%u asked for, but the base's root has "
				    "#address-cells = %u, #size-cells = %u; "
				    "patch mode keeps the base's", opt->cells,
				    *ac, *sc);
	if (!err)
		err = index_root(map, b, *ac, *sc);
	return err;
}

void dt_base_free(struct dt_base *b)
{
	free(b->mem);
	*b = (struct dt_base){ .resv_node = -1 };
}

/* The base memory range holding @addr, or NULL. */
const struct dt_base_mem *dt_base_mem_at(const struct dt_base *b,
					 uint64_t addr)
{
	size_t lo = 0, hi = b->n_mem;

	while (lo < hi) {		/* first entry with first > addr */
		size_t mid = lo + (hi - lo) / 2;

		if (b->mem[mid].first <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || b->mem[lo - 1].last < addr)
		return NULL;
	return &b->mem[lo - 1];
}
