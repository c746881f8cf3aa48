// SPDX-License-Identifier: MIT
/*
 * base.c - patch mode: what the base tree holds that the output depends on.
 *
 * The base is validated with dt_check_blob() before anything reads it, so
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
	size_t cap = 0, resv_seen = 0;
	int node;

	fdt_for_each_subnode(node, b->fdt, 0) {
		const char *name = fdt_get_name(b->fdt, node, NULL);
		bool resv = name && strcmp(name, "reserved-memory") == 0;

		/* Linux, the decoder and we must all mean the same node */
		if (resv && (resv_seen++ || dt_is_memory(b->fdt, node)))
			return mc_map_report(map, MC_EBADBLOB, "base",
					     "the root has two reserved-memory "
					     "nodes, or one of device_type "
					     "\"memory\": which one Linux "
					     "reads is unclear");
		if (dt_is_memory(b->fdt, node)) {
			if (add_mem_node(b, node, ac, sc, &cap))
				return mc_map_report(map, MC_ENOMEM, NULL,
						     "out of memory");
		} else if (resv) {
			b->resv_node = node;
		}
	}
	if (b->n_mem)
		qsort(b->mem, b->n_mem, sizeof(*b->mem), by_first);
	return 0;
}

/*
 * libfdt's checks are structural: a name may hold any byte but '/' and
 * NUL. Names reach our diagnostics, the conflict check and the decoder, and
 * dtc refuses the tree, so the base's must follow the DT spec (2.2.1).
 */
static bool unit_name_ok(const char *name)
{
	char node[DT_NAME_MAX + 1];
	const char *at = strchr(name, '@');
	size_t n = at ? (size_t)(at - name) : strlen(name);

	if (n > DT_NAME_MAX)
		return false;
	memcpy(node, name, n);
	node[n] = '\0';
	if (!dt_name_valid(node))
		return false;
	return !at || (at[1] && strspn(at + 1, "abcdefghijklmnopqrstuvwxyz"
					       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					       "0123456789,._+-") ==
					       strlen(at + 1));
}

static int check_names(struct mc_map *map, const void *fdt)
{
	int node = 0, depth = 0;

	while ((node = fdt_next_node(fdt, node, &depth)) >= 0 && depth > 0) {
		const char *name = fdt_get_name(fdt, node, NULL);
		char shown[DT_NODE_NAME_LEN];
		size_t i;

		if (name && unit_name_ok(name))
			continue;
		for (i = 0; name && name[i] && i + 1 < sizeof(shown); i++)
			shown[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i]
								     : '?';
		shown[i] = '\0';
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "node at offset 0x%x: '%s' is not a "
				     "device-tree node name (DT spec 2.2.1)",
				     node, shown);
	}
	return 0;
}

/*
 * The ranges the base already describes must read back: the output keeps
 * its /memreserve/ and /reserved-memory entries, which the guest and
 * "memcarve inspect" read (an entry that wraps past 2^64, say).
 */
static int check_ranges(struct mc_map *map, const void *fdt, size_t len)
{
	struct mc_map *scratch = mc_map_new();
	int err;

	if (!scratch)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = mc_dt_decode(scratch, fdt, len);
	if (err == MC_ENOMEM)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	else if (err)
		err = mc_map_report(map, MC_EBADBLOB, "base", "%s",
				    mc_map_error_count(scratch) ?
					    mc_map_error(scratch, 0)->msg :
					    "the base does not decode");
	mc_map_free(scratch);
	return err;
}

int dt_base_open(struct mc_map *map, const struct mc_dt_options *opt,
		 struct dt_base *b, unsigned int *ac, unsigned int *sc)
{
	int err;

	*b = (struct dt_base){ .fdt = opt->base, .resv_node = -1,
			       .drop_memreserve = opt->drop_base_memreserve };
	err = dt_check_blob(opt->base, opt->base_len);
	if (err)
		return mc_map_report(map, MC_EBADBLOB, "base",
				     "not a valid DTB (libfdt: %s)",
				     fdt_strerror(err));
	err = check_names(map, b->fdt);
	if (!err)
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
		err = check_ranges(map, opt->base, opt->base_len);
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
