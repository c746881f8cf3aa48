// SPDX-License-Identifier: MIT
/*
 * scan.c - one walk of a checked DTB: every node name, and the nodes the
 * emitter and the decoder read.
 *
 * Those are the root's children with device_type = "memory" or named
 * "memory[@...]", the root's children named reserved-memory (with or
 * without a unit address, as fdt_subnode_offset() matches them) and their
 * children. Each keeps what is read of it, as fdt_getprop() would find it
 * (the first property of a name). Decoding ranges, indexing memory nodes
 * and the conflict check then read this list instead of walking the tree
 * three times: libfdt's walks cost a call per byte of every node name.
 *
 * Node names are held to what dtc accepts (dt_base_name_ok()), not to the
 * DT spec: a base may use a leading digit, __symbols__ or more than 31
 * characters. Only the names we write are held to the spec (plan.c).
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"
#include "internal/array.h"

/* fdt_subnode_offset(fdt, 0, BASE) accepts "BASE@UNIT" too. */
static bool named(const char *name, const char *base)
{
	size_t n = strlen(base);

	return strncmp(name, base, n) == 0 &&
	       (name[n] == '\0' || name[n] == '@');
}

/*
 * Linux's of_fdt_device_is_available(): no status, or "okay" or "ok".
 * Memory and reserved-memory nodes that fail it are not read by Linux
 * (early_init_dt_scan_memory(), fdt_scan_reserved_mem()), so the decoder
 * skips them and the writer keeps them as they are.
 */
bool dt_node_available(const struct dt_node *n)
{
	return !n->status ||
	       (n->status_len == 5 && memcmp(n->status, "okay", 5) == 0) ||
	       (n->status_len == 3 && memcmp(n->status, "ok", 3) == 0);
}

static void note_prop(struct dt_node *n, const struct dt_tag *t)
{
	if (!n->typed && strcmp(t->name, "device_type") == 0) {
		n->typed = true;
		n->memory = t->len == 7 && memcmp(t->data, "memory", 7) == 0;
	} else if (!n->reg && strcmp(t->name, "reg") == 0) {
		n->reg = t->data;
		n->reg_len = t->len;
	} else if (!n->status && strcmp(t->name, "status") == 0) {
		n->status = t->data;
		n->status_len = t->len;
	} else if (dt_inherit_of(t->name) == DT_PHANDLE) {
		n->phandle = true;
	} else if (dt_prop_is_numa(t->name)) {
		n->numa = true;
	} else if (strcmp(t->name, "no-map") == 0) {
		n->no_map = true;
	} else if (strcmp(t->name, "reusable") == 0) {
		n->reusable = true;
	}
}

static struct dt_node *add_node(struct dt_scan *s, int offset, int parent,
				const char *name)
{
	void *p = mc_array_grow(s->node, &s->cap, s->n_node + 1,
				sizeof(*s->node), 16);

	if (!p)
		return NULL;
	s->node = p;
	s->node[s->n_node] = (struct dt_node){ .offset = offset,
					       .parent = parent, .name = name,
					       .resv = parent < 0 &&
						       named(name,
							     "reserved-memory"),
					       .memory_named = parent < 0 &&
							       named(name,
								     "memory") };
	return &s->node[s->n_node++];
}

/*
 * @at[d]: index of the node open at depth d (root 0) if it is kept, else
 * -1. A root child is kept while open and dropped at its end unless it is
 * a memory or reserved-memory node; only the latter's children are kept.
 */
static int begin(struct dt_scan *s, int *at, int depth, int offset,
		 const char *name)
{
	if (depth > 0 && s->bad_name < 0 && !dt_base_name_ok(name))
		s->bad_name = offset;
	/* what fdt_path_offset("/rtas"), ("/ibm,opal") would find */
	if (depth == 1 && (named(name, "rtas") || named(name, "ibm,opal")))
		s->ppc = true;
	if (depth > 2)
		return 0;
	at[depth] = -1;
	if (depth == 1 || (depth == 2 && at[1] >= 0 && s->node[at[1]].resv)) {
		if (!add_node(s, offset, depth == 1 ? -1 : at[1], name))
			return MC_ENOMEM;
		at[depth] = (int)(s->n_node - 1);
	}
	return 0;
}

static void end(struct dt_scan *s, const int *at, int depth, int next)
{
	struct dt_node *n;

	if (depth < 1 || depth > 2 || at[depth] < 0)
		return;
	n = &s->node[at[depth]];
	n->end = next;
	if (depth == 1 && !n->memory && !n->memory_named && !n->resv)
		s->n_node--;	/* the last one: only resv keeps children */
}

/*
 * fdt_node_offset_by_compatible(fdt, -1, "numa-distance-map-v1"): a
 * node's properties come before its children, so the node a property
 * belongs to is the one begun last.
 */
static void note_compatible(struct dt_scan *s, const struct dt_tag *t,
			    int node)
{
	static const char want[] = "numa-distance-map-v1";

	if (s->distance_map < 0 && strcmp(t->name, "compatible") == 0 &&
	    fdt_stringlist_contains(t->data, t->len, want))
		s->distance_map = node;
}

int dt_scan(const void *fdt, struct dt_scan *s)
{
	int at[3] = { -1, -1, -1 }, depth = -1, offset = 0, err = 0;
	int node = -1;		/* the last node begun */
	struct dt_tag t;

	*s = (struct dt_scan){ .bad_name = -1, .distance_map = -1 };
	while (!err && dt_tag_next(fdt, offset, &t) != FDT_END) {
		if (t.tag == FDT_BEGIN_NODE) {
			node = offset;
			err = begin(s, at, ++depth, offset, t.name);
		} else if (t.tag == FDT_PROP) {
			note_compatible(s, &t, node);
			if (depth >= 1 && depth <= 2 && at[depth] >= 0)
				note_prop(&s->node[at[depth]], &t);
		} else if (t.tag == FDT_END_NODE) {
			end(s, at, depth--, t.next);
		}
		offset = t.next;
	}
	return err;
}

void dt_scan_free(struct dt_scan *s)
{
	free(s->node);
	*s = (struct dt_scan){ .bad_name = -1, .distance_map = -1 };
}
