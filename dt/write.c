// SPDX-License-Identifier: MIT
/*
 * write.c - the output tree, described once for both counting and writing.
 *
 * Fresh mode writes the root's cells, the memory nodes and a new
 * /reserved-memory. Patch mode streams the base: every tag is copied as it
 * comes, except the root's memory nodes (ours take the place of the first
 * one) and the end of /reserved-memory (ours are appended to its children;
 * without one, a new node ends the root). One pass, linear in the base's
 * size plus ours; nothing is inserted in place.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "dt-iommu.h"

struct walk {
	struct dt_out *o;
	const struct dt_plan *plan;
	const struct dt_base *base;	/* NULL in fresh mode */
	unsigned char *reg;		/* room for every slot's reg entry */
};

static void prop_u32(struct dt_out *o, const char *name, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	dt_out_prop(o, name, &be, sizeof(be));
}

static void root_cells(struct walk *w, struct dt_out *o)
{
	prop_u32(o, "#address-cells", w->plan->addr_cells);
	prop_u32(o, "#size-cells", w->plan->size_cells);
}

/*
 * The properties of the base node that owns @node (memnodes.c decides
 * each one), in the base's order, as fdt_for_each_property_offset() finds
 * them.
 */
static void inherit(struct walk *w, const struct dt_mem_node *node)
{
	const void *fdt = w->base ? w->base->fdt : NULL;
	size_t from = node->owner;
	bool numa_only = false;
	bool numa_map = w->plan->numa.style != DT_NUMA_NONE;
	struct dt_tag t;
	int offset;

	if (from == DT_NO_OWNER && node->numa_from != DT_NO_OWNER) {
		from = node->numa_from;		/* recomputed: numa.c */
		numa_only = true;
	}
	if (!fdt || from == DT_NO_OWNER)
		return;
	dt_tag_next(fdt, w->base->mem_node[from]->offset, &t);
	offset = t.next;
	while (dt_tag_next(fdt, offset, &t) == FDT_PROP || t.tag == FDT_NOP) {
		enum dt_inherit what;

		offset = t.next;
		if (t.tag == FDT_NOP)
			continue;
		what = dt_inherit_of(t.name);
		if (numa_map && dt_prop_is_numa(t.name))
			continue;	/* written from the map */
		if (numa_only ? dt_prop_is_numa(t.name) :
		    what == DT_KEEP || (what == DT_PHANDLE && node->phandle))
			dt_out_base_prop(w->o, &t);
	}
}

static void memory_node(struct walk *w, const struct dt_mem_node *node)
{
	const struct dt_plan *p = w->plan;
	const struct dt_block *blk = &p->blocks[node->first];
	size_t len = 0;

	for (size_t i = 0; i < node->n; i++)
		len += dt_reg_encode(w->reg + len, p->addr_cells, p->size_cells,
				     blk[i].first,
				     blk[i].last - blk[i].first + 1);
	dt_out_begin_at(w->o, "memory", blk[0].first);
	dt_out_prop(w->o, "device_type", "memory", sizeof("memory"));
	dt_out_prop(w->o, "reg", w->reg, len);
	dt_numa_write(w->o, p, node->node);
	inherit(w, node);
	dt_out_end(w->o);
}

static void memory_nodes(struct walk *w)
{
	for (size_t i = 0; i < w->plan->n_nodes; i++)
		memory_node(w, &w->plan->nodes[i]);
}

static void resv_children(struct walk *w)
{
	const struct dt_plan *p = w->plan;
	unsigned char reg[16];

	for (size_t i = 0; i < p->n_children; i++) {
		const struct dt_child *c = &p->children[i];
		size_t len;

		len = dt_reg_encode(reg, p->addr_cells, p->size_cells, c->first,
				    c->last - c->first + 1);
		dt_out_begin_at(w->o, c->name, c->first);
		dt_out_prop(w->o, "reg", reg, len);
		if (c->flag == DT_NO_MAP)
			dt_out_prop(w->o, "no-map", "", 0);
		else if (c->flag == DT_REUSABLE)
			dt_out_prop(w->o, "reusable", "", 0);
		dt_iommu_child_props(w->o, p->iommu, i, c->first, c->last);
		dt_out_end(w->o);
	}
}

/* Linux reads /reserved-memory only with the root's cells and "ranges". */
static void new_resv_node(struct walk *w)
{
	if (w->plan->n_children == 0)
		return;
	dt_out_begin(w->o, "reserved-memory", strlen("reserved-memory"));
	root_cells(w, w->o);
	dt_out_prop(w->o, "ranges", "", 0);
	resv_children(w);
	dt_out_end(w->o);
}

/* Documentation/devicetree/bindings/numa.txt: numa-distance-map-v1. */
static void distance_map(struct walk *w)
{
	static const char compatible[] = "numa-distance-map-v1";
	const struct dt_numa *numa = &w->plan->numa;

	if (!numa->matrix_len)
		return;
	dt_out_begin(w->o, "distance-map", strlen("distance-map"));
	dt_out_prop(w->o, "compatible", compatible, sizeof(compatible));
	dt_out_prop(w->o, "distance-matrix", numa->matrix, numa->matrix_len);
	dt_out_end(w->o);
}

static void fresh_tree(struct walk *w)
{
	dt_out_begin(w->o, "", 0);
	root_cells(w, w->o);
	if (w->plan->model)
		dt_out_prop(w->o, "model", w->plan->model,
			    strlen(w->plan->model) + 1);
	if (w->plan->compatible)
		dt_out_prop(w->o, "compatible", w->plan->compatible,
			    w->plan->compatible_len);
	memory_nodes(w);
	distance_map(w);
	new_resv_node(w);
	dt_out_end(w->o);
}

/* State of the stream through the base. */
struct stream {
	int depth;		/* 1 inside the root */
	size_t next_mem;	/* the base memory node to meet next */
	bool memory_done;	/* ours written */
	bool in_resv;		/* inside the base's /reserved-memory */
	int node;		/* the last node begun */
	bool props_open;	/* its properties may still follow */
};

/* After a node's last property: what the iommu binding adds to it. */
static void close_props(struct walk *w, struct stream *s)
{
	if (s->props_open)
		dt_iommu_node_props(w->o, w->plan->iommu, w->base->fdt,
				    s->node);
	s->props_open = false;
}

static int begin_node(struct walk *w, struct stream *s, int offset,
		      const struct dt_tag *t)
{
	const struct dt_base *b = w->base;

	s->depth++;
	if (s->depth == 2 && s->next_mem < b->n_mem_nodes &&
	    b->mem_node[s->next_mem]->offset == offset) {
		if (!s->memory_done)
			memory_nodes(w);
		s->memory_done = true;
		s->depth--;
		return b->mem_node[s->next_mem++]->end;
	}
	s->in_resv = s->in_resv || (s->depth == 2 && offset == b->resv_node);
	dt_out_begin(w->o, t->name, (size_t)t->len);
	return t->next;
}

static void end_node(struct walk *w, struct stream *s)
{
	if (s->depth == 2 && s->in_resv) {
		resv_children(w);
		s->in_resv = false;
	}
	if (s->depth == 1) {
		if (!s->memory_done)
			memory_nodes(w);
		if (w->base->resv_node < 0)
			new_resv_node(w);
	}
	dt_out_end(w->o);
	s->depth--;
}

/* The base's tags in order (tag.c: dt_base_open() checked it). */
static void patched_tree(struct walk *w)
{
	const void *fdt = w->base->fdt;
	struct stream s = { 0 };
	int offset = 0, next;
	struct dt_tag t;

	do {
		dt_tag_next(fdt, offset, &t);
		next = t.next;
		if (t.tag == FDT_BEGIN_NODE) {
			close_props(w, &s);
			next = begin_node(w, &s, offset, &t);
			s.node = offset;
			s.props_open = next == t.next;	/* not skipped */
		} else if (t.tag == FDT_PROP &&
			   !dt_iommu_base_prop(w->o, w->plan->iommu, fdt,
					       s.node, &t)) {
			dt_out_base_prop(w->o, &t);
		} else if (t.tag == FDT_END_NODE) {
			close_props(w, &s);
			dt_iommu_new_nodes(w->o, w->plan->iommu, offset);
			end_node(w, &s);
		}
		offset = next;
	} while (t.tag != FDT_END && !w->o->err);
}

int dt_write_tree(struct dt_out *o, const struct dt_plan *plan,
		  const struct dt_base *base)
{
	struct walk w = { o, plan, base, NULL };
	int err = 0;

	/* 16 bytes per block in the node: two 2-cell values at most. */
	w.reg = malloc(16 * (plan->layout == MC_DT_MEMORY_ONE_NODE &&
				     plan->n_blocks ? plan->n_blocks : 1));
	if (!w.reg)
		err = MC_ENOMEM;
	else if (base)
		patched_tree(&w);
	else
		fresh_tree(&w);
	free(w.reg);
	return err;
}
