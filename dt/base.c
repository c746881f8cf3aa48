// SPDX-License-Identifier: MIT
/*
 * base.c - patch mode: what the base tree holds that the output depends on.
 *
 * The base is validated with dt_check_blob() before anything reads it, so
 * the rest of the emitter can walk it without bounds surprises, and then
 * walked once (scan.c) for everything checked and indexed here. Its memory
 * nodes are indexed (sorted by address) so that each new memory node can
 * inherit the platform properties of the node that covered its address,
 * e.g. ibm,associativity on pseries.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "internal/array.h"

static int root_cells(struct mc_map *map, const void *fdt, const char *prop,
		      unsigned int *out)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, 0, prop, &len);
	if (!v)
		return mc_map_report(map, MC_EBADBLOB, "opts.base",
				     "the root has no %s: the DT spec then "
				     "means 2 (addresses) or 1 (sizes), Linux "
				     "1; set it explicitly", prop);
	*out = len == 4 ? fdt32_ld(v) : 0;
	if (*out == 1 || *out == 2)
		return 0;
	return mc_map_report(map, MC_EBADBLOB, "opts.base",
			     "the root's %s is %u (a %d-byte value); "
			     "memcarve writes 1 or 2 cells", prop, *out, len);
}

static int add_mem_node(struct dt_base *b, const struct dt_node *node,
			unsigned int ac, unsigned int sc, size_t *cap)
{
	const unsigned char *reg = node->reg;
	size_t step = 4 * (ac + sc);
	int len = node->reg_len;

	for (int at = 0; reg && at < len && (size_t)(len - at) >= step;
	     at += (int)step) {
		uint64_t first = dt_cells_get(reg + at, ac);
		uint64_t size = dt_cells_get(reg + at + 4 * ac, sc);

		if (size == 0 || first + (size - 1) < first)
			continue;
		void *p = mc_array_grow(b->mem, cap, b->n_mem + 1,
					sizeof(*b->mem), 8);

		if (!p)
			return MC_ENOMEM;
		b->mem = p;
		b->mem[b->n_mem++] = (struct dt_base_mem){
			first, first + (size - 1), node->offset,
			b->n_mem_nodes };
	}
	b->mem_node[b->n_mem_nodes++] = node;
	return 0;
}

static int by_first(const void *a, const void *b)
{
	const struct dt_base_mem *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/*
 * The root children ours replace: what Linux reads as memory (device_type
 * = "memory" and available, drivers/of/fdt.c early_init_dt_scan_memory()),
 * and an available node named memory[@...] with no device_type. Linux
 * ignores the latter, but it is where a bootloader writes the memory it
 * found (U-Boot's fdt_fixup_memory_banks() takes /memory by name and types
 * it): memcarve plays that role, and keeping the node beside ours would
 * give the tree two nodes of one name (Debian's imx6dl-b1x5 trees). A
 * disabled memory node is not read by Linux and is kept as it is (QEMU
 * virt,secure=on's secram@e000000 is the secure world's), as is a node
 * typed as something else.
 */
static bool replaced(const struct dt_node *n)
{
	return n->parent < 0 && dt_node_available(n) &&
	       (n->memory || (n->memory_named && !n->typed));
}

static int two_resv(struct mc_map *map, const struct dt_base *b,
		    const struct dt_node *node)
{
	return mc_map_report(map, MC_EBADBLOB, "opts.base",
			     "the root has two reserved-memory nodes ('%s' "
			     "and '%s'): Linux reads only the first "
			     "(fdt_path_offset(\"/reserved-memory\"))",
			     b->scan.node[b->resv_index].name, node->name);
}

static int index_root(struct mc_map *map, struct dt_base *b, unsigned int ac,
		      unsigned int sc)
{
	size_t cap = 0, n = b->scan.n_node ? b->scan.n_node : 1;

	for (size_t i = 0; i < b->scan.n_node; i++) {
		if (b->scan.node[i].resv && b->resv_index >= 0)
			return two_resv(map, b, &b->scan.node[i]);
		if (b->scan.node[i].resv)
			b->resv_index = (int)i;
	}
	b->resv_index = -1;
	b->mem_node = calloc(n, sizeof(*b->mem_node));
	b->kept_mem = calloc(n, sizeof(*b->kept_mem));
	if (!b->mem_node || !b->kept_mem)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < b->scan.n_node; i++) {
		const struct dt_node *node = &b->scan.node[i];

		/* Linux, the decoder and we must all mean the same node */
		if (node->resv && node->memory)
			return mc_map_report(map, MC_EBADBLOB, "opts.base",
					     "'%s' has device_type \"memory\": "
					     "Linux would read it as memory "
					     "and as reservations", node->name);
		if (replaced(node)) {
			if (add_mem_node(b, node, ac, sc, &cap))
				return mc_map_report(map, MC_ENOMEM, NULL,
						     "out of memory");
		} else if (node->resv) {
			b->resv_node = node->offset;
			b->resv_index = (int)i;
		} else if (node->parent < 0 && node->memory_named) {
			b->kept_mem[b->n_kept_mem++] = node;
		}
	}
	if (b->n_mem)
		qsort(b->mem, b->n_mem, sizeof(*b->mem), by_first);
	return 0;
}

/* The first node whose name dtc refuses (scan.c), in a diagnostic. */
static int bad_name(struct mc_map *map, const void *fdt, int node)
{
	const char *name = fdt_get_name(fdt, node, NULL);
	char shown[DT_NODE_NAME_LEN];
	size_t i;

	for (i = 0; name && name[i] && i + 1 < sizeof(shown); i++)
		shown[i] = name[i] > 0x20 && name[i] < 0x7f ? name[i] : '?';
	shown[i] = '\0';
	return mc_map_report(map, MC_EBADBLOB, "opts.base",
			     "node at offset 0x%x: '%s' is not a device-tree "
			     "node name (dtc accepts a-z A-Z 0-9 , . _ + - "
			     "and one @)", node, shown);
}

/*
 * The ranges the base already describes must read back: the output keeps
 * its /memreserve/ and /reserved-memory entries, which the guest and
 * "memcarve inspect" read (an entry that wraps past 2^64, say). This is
 * mc_dt_decode() on the scan already made.
 */
static int check_ranges(struct mc_map *map, const struct dt_base *b,
			unsigned int ac, unsigned int sc)
{
	struct mc_map *scratch = mc_map_new();
	int err;

	if (!scratch)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = dt_decode_scan(scratch, b->fdt, &b->scan, ac, sc);
	if (err == MC_ENOMEM)
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	else if (err)
		err = mc_map_report(map, MC_EBADBLOB, "opts.base", "%s",
				    mc_map_error_count(scratch) ?
					    mc_map_error(scratch, 0)->msg :
					    "the base does not decode");
	mc_map_free(scratch);
	return err;
}

int dt_base_open(struct mc_map *map, const struct mc_dt_opts *opt,
		 struct dt_base *b, unsigned int *ac, unsigned int *sc)
{
	int err;

	*b = (struct dt_base){ .fdt = opt->base, .resv_node = -1,
			       .resv_index = -1,
			       .drop_memreserve = opt->drop_base_memreserve };
	err = dt_check_blob(opt->base, opt->base_len);
	if (err)
		return mc_map_report(map, MC_EBADBLOB, "opts.base",
				     "not a valid DTB (libfdt: %s)",
				     fdt_strerror(err));
	if (dt_scan(b->fdt, &b->scan))
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	if (b->scan.bad_name >= 0)
		err = bad_name(map, b->fdt, b->scan.bad_name);
	if (!err)
		err = root_cells(map, b->fdt, "#address-cells", ac);
	if (!err)
		err = root_cells(map, b->fdt, "#size-cells", sc);
	if (!err && opt->cells && (opt->cells != *ac || opt->cells != *sc))
		err = mc_map_report(map, MC_EINVAL, "opts.cells",
				    "%u asked for, but the base's root has "
				    "#address-cells = %u, #size-cells = %u; "
				    "patch mode keeps the base's", opt->cells,
				    *ac, *sc);
	if (!err)
		err = check_ranges(map, b, *ac, *sc);
	if (!err)
		err = index_root(map, b, *ac, *sc);
	return err;
}

void dt_base_free(struct dt_base *b)
{
	dt_scan_free(&b->scan);
	free(b->mem);
	free(b->mem_node);
	free(b->kept_mem);
	*b = (struct dt_base){ .resv_node = -1, .resv_index = -1 };
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
