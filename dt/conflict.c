// SPDX-License-Identifier: MIT
/*
 * conflict.c - patch mode: may our nodes join the base tree?
 *
 * Our reservations are merged into the base's /reserved-memory, so that
 * node must be one Linux reads (cells equal to the root's, a "ranges"
 * property; else __reserved_mem_check_root() drops the whole node), and
 * no existing child may share a name or an address with one of ours: two
 * owners of one range is a conflict only the user can settle. Checks sort
 * first, so they stay O(n log n) in the number of children.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

struct base_child {
	uint64_t first, last;
	const char *name;	/* NULL: a /memreserve/ entry */
};

/* A base child "PART@UNIT" whose UNIT is how we spell @addr. */
struct base_name {
	uint64_t addr;
	const char *part;
	size_t part_len;
};

struct children {
	struct base_child *range;	/* one per reg entry, by address */
	size_t n_range;
	struct base_name *name;		/* by address */
	size_t n_name;
};

static int cells_of(const void *fdt, int node, const char *prop)
{
	const fdt32_t *v;
	int len;

	v = fdt_getprop(fdt, node, prop, &len);
	return v && len == 4 ? (int)fdt32_ld(v) : -1;
}

static int check_resv_node(struct mc_map *map, const struct dt_base *b,
			   const struct dt_plan *plan)
{
	int ac = cells_of(b->fdt, b->resv_node, "#address-cells");
	int sc = cells_of(b->fdt, b->resv_node, "#size-cells");

	if (ac == (int)plan->addr_cells && sc == (int)plan->size_cells &&
	    fdt_getprop(b->fdt, b->resv_node, "ranges", NULL))
		return 0;
	return mc_map_report(map, MC_EBADBLOB, "opts.base",
			     "/reserved-memory has #address-cells = %d, "
			     "#size-cells = %d%s, the root %u and %u: Linux "
			     "ignores such a node (\"unsupported node "
			     "format\"), so ours cannot be merged into it",
			     ac, sc,
			     fdt_getprop(b->fdt, b->resv_node, "ranges", NULL) ?
				     "" : " and no ranges",
			     plan->addr_cells, plan->size_cells);
}

static int by_first(const void *a, const void *b)
{
	const struct base_child *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int by_addr(const void *a, const void *b)
{
	const struct base_name *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void add_name(struct children *c, const char *name)
{
	const char *at = strchr(name, '@');
	uint64_t addr;

	if (at && dt_unit_addr(at + 1, &addr))
		c->name[c->n_name++] = (struct base_name){
			addr, name, (size_t)(at - name) };
}

/* One base range per reg entry of @node that holds a byte. */
static void add_ranges(struct children *c, const struct dt_node *node,
		       unsigned int ac, unsigned int sc)
{
	size_t step = 4 * (ac + sc);

	for (size_t at = 0; node->reg && at + step <= (size_t)node->reg_len;
	     at += step) {
		uint64_t first = dt_cells_get(node->reg + at, ac);
		uint64_t size = dt_cells_get(node->reg + at + 4 * ac, sc);

		if (size && first + (size - 1) >= first)
			c->range[c->n_range++] = (struct base_child){
				first, first + (size - 1), node->name };
	}
}

/*
 * The base's /memreserve/ entries (unless dropped) are reservations just
 * as its children are: Linux memblock_reserve()s them before it reads
 * /reserved-memory, so a child of ours over one is a second owner of the
 * range (and an equal one, also memreserved, would be listed twice).
 */
static size_t add_memreserve(const struct dt_base *b, struct children *c)
{
	size_t n = b->drop_memreserve ? 0 : (size_t)fdt_num_mem_rsv(b->fdt);

	for (size_t i = 0; c->range && i < n; i++) {
		uint64_t addr, size;

		if (fdt_get_mem_rsv(b->fdt, (int)i, &addr, &size) == 0 &&
		    size && addr + (size - 1) >= addr)
			c->range[c->n_range++] = (struct base_child){
				addr, addr + (size - 1), NULL };
	}
	return n;
}

/* The base's /reserved-memory children, from the scan of the base. */
static int collect(const struct dt_base *b, const struct dt_plan *plan,
		   struct children *c)
{
	size_t step = 4 * (plan->addr_cells + plan->size_cells);
	size_t n = add_memreserve(b, c), n_name = 0;
	const struct dt_scan *s = &b->scan;

	for (size_t i = 0; i < s->n_node; i++) {
		if (b->resv_index < 0 || s->node[i].parent != b->resv_index)
			continue;
		if (s->node[i].reg)
			n += (size_t)s->node[i].reg_len / step;
		n_name++;
	}
	c->range = calloc(n ? n : 1, sizeof(*c->range));
	c->name = calloc(n_name ? n_name : 1, sizeof(*c->name));
	if (!c->range || !c->name)
		return MC_ENOMEM;
	add_memreserve(b, c);
	for (size_t i = 0; i < s->n_node; i++) {
		const struct dt_node *node = &s->node[i];

		if (b->resv_index < 0 || node->parent != b->resv_index)
			continue;
		add_name(c, node->name);
		add_ranges(c, node, plan->addr_cells, plan->size_cells);
	}
	qsort(c->range, c->n_range, sizeof(*c->range), by_first);
	qsort(c->name, c->n_name, sizeof(*c->name), by_addr);
	return 0;
}

static int report(struct mc_map *map, const struct dt_child *ours,
		  const char *why, const char *theirs, uint64_t first,
		  uint64_t last)
{
	const struct mc_region *r = ours->in;
	char node[DT_NODE_NAME_LEN], range[MC_RANGE_STR] = "";
	const char *owner = dt_firmware_owner(theirs);

	dt_node_name(node, sizeof(node), ours->name, ours->first);
	if (first <= last)
		mc_range_str(range, first, last);
	return mc_diag_range(map, MC_EOVERLAP, "opts.base", r,
			     ours->piece->first, ours->piece->last, "its node /reserved-memory/%s %s the "
			     "base's %s%s%s%s%s%s%s", node, why,
			     theirs ? "/reserved-memory/" : "/memreserve/ entry",
			     theirs ? theirs : "", *range ? " " : "", range,
			     owner ? " (" : "", owner ? owner : "",
			     owner ? ")" : "");
}

/* A base range overlapping [first, last]; @maxlast is the prefix max. */
static const struct base_child *overlap(const struct children *c,
					const uint64_t *maxlast,
					uint64_t first, uint64_t last)
{
	size_t lo = 0, hi = c->n_range;

	while (lo < hi) {		/* first range starting after @last */
		size_t mid = lo + (hi - lo) / 2;

		if (c->range[mid].first <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || maxlast[lo - 1] < first)
		return NULL;
	while (c->range[--lo].last < first)
		;
	return &c->range[lo];
}

/*
 * Whether a base child has the name of @ch's node. Our children come by
 * address (the map's pieces are sorted), so *@at only moves forward
 * through the base names, which are sorted the same way.
 */
static bool name_taken(const struct children *c, size_t *at,
		       const struct dt_child *ch)
{
	size_t len = strlen(ch->name);

	while (*at < c->n_name && c->name[*at].addr < ch->first)
		(*at)++;
	for (size_t i = *at; i < c->n_name && c->name[i].addr == ch->first;
	     i++)
		if (c->name[i].part_len == len &&
		    memcmp(c->name[i].part, ch->name, len) == 0)
			return true;
	return false;
}

static int check_children(struct mc_map *map, const struct dt_plan *plan,
			  const struct children *c, const uint64_t *maxlast)
{
	size_t at = 0;
	int err = 0;

	for (size_t i = 0; i < plan->n_children; i++) {
		const struct dt_child *ch = &plan->children[i];
		const struct base_child *hit;
		char node[DT_NODE_NAME_LEN];

		if (i && ch->first < plan->children[i - 1].first)
			at = 0;	/* not sorted after all: start over */
		hit = overlap(c, maxlast, ch->first, ch->last);
		if (hit) {
			err = report(map, ch, "overlaps", hit->name, hit->first,
				     hit->last);
		} else if (name_taken(c, &at, ch)) {
			dt_node_name(node, sizeof(node), ch->name, ch->first);
			err = report(map, ch, "has the name of", node, 1, 0);
		}
	}
	return err;
}

static int check_resv_children(struct mc_map *map, const struct dt_base *b,
			       const struct dt_plan *plan)
{
	struct children c = { 0 };
	uint64_t *maxlast = NULL;
	int err = collect(b, plan, &c);

	if (!err)
		maxlast = calloc(c.n_range ? c.n_range : 1, sizeof(*maxlast));
	if (err || !maxlast) {
		err = mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	} else {
		for (size_t i = 0; i < c.n_range; i++)
			maxlast[i] = i && maxlast[i - 1] > c.range[i].last ?
					     maxlast[i - 1] : c.range[i].last;
		err = check_children(map, plan, &c, maxlast);
	}
	free(maxlast);
	free(c.range);
	free(c.name);
	return err;
}

int dt_base_check(struct mc_map *map, const struct dt_base *b,
		  const struct dt_plan *plan)
{
	int err = 0;

	if (plan->n_children == 0)
		return 0;
	if (b->resv_node >= 0)
		err = check_resv_node(map, b, plan);
	if (!err)
		err = check_resv_children(map, b, plan);
	return err;
}
