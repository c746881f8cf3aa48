// SPDX-License-Identifier: MIT
/*
 * out.c - one tree walk, two uses: count the bytes, then write them.
 *
 * write.c describes the output tree once, as calls on a struct dt_out.
 * Without a writer the calls add up what the sequential writer (sw.c,
 * libfdt's layout) will need; with one they write. So the buffer size is
 * computed from the very tree that gets written, never guessed.
 *
 * Property names are the one part shared between properties (each name
 * is looked up before it is added). The count takes every name that
 * can appear once: the names we write (own_names) plus each base name
 * offset a kept property uses. That bounds the table; the writer may share
 * more, e.g. a name that is the tail of another. Given a names-only writer
 * (@names), the count also adds each name to it as the writer will, which
 * gives the names' exact final size (see sw.c).
 */
#include <limits.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

/* Every property name write.c passes to dt_out_prop(). */
static const char *const own_names[] = {
	"#address-cells", "#size-cells", "device_type", "reg",
	"ranges", "no-map", "reusable", "model", "compatible",
	"phandle", "iommu-addresses", "memory-region",	/* dt-iommu.h */
	"numa-node-id", "distance-matrix",		/* numa_map.c */
};

size_t dt_out_own_names_size(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(own_names) / sizeof(own_names[0]); i++)
		n += strlen(own_names[i]) + 1;
	return n;
}

/* @len: strlen(@name) */
void dt_out_begin(struct dt_out *o, const char *name, size_t len)
{
	if (o->err)
		return;
	if (!o->sw)
		o->struct_size += FDT_TAGSIZE + dt_tag_align(len + 1);
	else
		o->err = dt_sw_begin_node(o->sw, name, len);
}

/* A node "NAME@ADDR" (dt_node_name()), only measured when counting. */
void dt_out_begin_at(struct dt_out *o, const char *name, uint64_t addr)
{
	char full[DT_NODE_NAME_LEN];

	if (o->err)
		return;
	if (!o->sw)
		o->struct_size += FDT_TAGSIZE +
				  dt_tag_align(dt_node_name_len(name, addr) + 1);
	else
		o->err = dt_sw_begin_node(o->sw, full,
					  dt_node_name(full, sizeof(full),
						       name, addr));
}

void dt_out_end(struct dt_out *o)
{
	if (o->err)
		return;
	if (!o->sw)
		o->struct_size += FDT_TAGSIZE;
	else
		o->err = dt_sw_end_node(o->sw);
}

/* Add @name to the names as written; the first failure ends that. */
static void count_name(struct dt_out *o, const char *name)
{
	if (o->names && dt_sw_name(o->names, name))
		o->names = NULL;
}

void dt_out_prop(struct dt_out *o, const char *name, const void *val,
		 size_t len)
{
	if (o->err)
		return;
	if (len > INT_MAX)
		o->err = -FDT_ERR_NOSPACE;
	else if (!o->sw) {
		o->struct_size += sizeof(struct fdt_property) + dt_tag_align(len);
		count_name(o, name);
	} else
		o->err = dt_sw_property(o->sw, name, val, len);
}

/* Count a base property's name once per distinct name offset. */
static void count_base_name(struct dt_out *o, const struct dt_tag *prop)
{
	uint32_t off = prop->nameoff;

	if (off >= o->seen_len) {
		o->strings_size += strlen(prop->name) + 1;
		return;
	}
	if (o->seen[off / 8] & (1u << (off % 8)))
		return;
	o->seen[off / 8] |= (unsigned char)(1u << (off % 8));
	o->strings_size += strlen(prop->name) + 1;
}

/* Copy a base property (a tag from dt_tag_next()) unchanged. */
void dt_out_base_prop(struct dt_out *o, const struct dt_tag *prop)
{
	if (o->err)
		return;
	if (!o->sw) {
		o->struct_size += sizeof(struct fdt_property) +
				  dt_tag_align((size_t)prop->len);
		count_base_name(o, prop);
		count_name(o, prop->name);
		return;
	}
	o->err = dt_sw_property(o->sw, prop->name, prop->data,
				 (size_t)prop->len);
}
