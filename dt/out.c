// SPDX-License-Identifier: MIT
/*
 * out.c - one tree walk, two uses: count the bytes, then write them.
 *
 * write.c describes the output tree once, as calls on a struct dt_out.
 * Without a buffer the calls add up what libfdt's sequential-write
 * functions will need; with one they write. So the buffer size is computed
 * from the very tree that gets written, never guessed.
 *
 * Property names are the one part libfdt shares between properties (it
 * looks each name up before adding it). The count takes every name that
 * can appear once: the names we write (own_names) plus each base name
 * offset a kept property uses. That bounds the table; libfdt may share
 * more, e.g. a name that is the tail of another.
 */
#include <limits.h>
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

/* Every property name write.c passes to dt_out_prop(). */
static const char *const own_names[] = {
	"#address-cells", "#size-cells", "device_type", "reg",
	"ranges", "no-map", "reusable",
};

size_t dt_out_own_names_size(void)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(own_names) / sizeof(own_names[0]); i++)
		n += strlen(own_names[i]) + 1;
	return n;
}

static size_t tag_align(size_t n)
{
	return (n + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1);
}

void dt_out_begin(struct dt_out *o, const char *name)
{
	if (o->err)
		return;
	if (!o->fdt)
		o->struct_size += FDT_TAGSIZE + tag_align(strlen(name) + 1);
	else
		o->err = fdt_begin_node(o->fdt, name);
}

void dt_out_end(struct dt_out *o)
{
	if (o->err)
		return;
	if (!o->fdt)
		o->struct_size += FDT_TAGSIZE;
	else
		o->err = fdt_end_node(o->fdt);
}

void dt_out_prop(struct dt_out *o, const char *name, const void *val,
		 size_t len)
{
	if (o->err)
		return;
	if (len > INT_MAX)
		o->err = -FDT_ERR_NOSPACE;
	else if (!o->fdt)
		o->struct_size += sizeof(struct fdt_property) + tag_align(len);
	else
		o->err = fdt_property(o->fdt, name, val, (int)len);
}

/* Count a base property's name once per distinct name offset. */
static void count_base_name(struct dt_out *o, const struct fdt_property *p,
			    const char *name)
{
	uint32_t off = fdt32_to_cpu(p->nameoff);

	if (off >= o->seen_len) {
		o->strings_size += strlen(name) + 1;
		return;
	}
	if (o->seen[off / 8] & (1u << (off % 8)))
		return;
	o->seen[off / 8] |= (unsigned char)(1u << (off % 8));
	o->strings_size += strlen(name) + 1;
}

/* Copy property @prop of @base unchanged: name, length and bytes. */
void dt_out_base_prop(struct dt_out *o, const void *base, int prop)
{
	const struct fdt_property *p;
	const char *name;
	int len;

	if (o->err)
		return;
	p = fdt_get_property_by_offset(base, prop, &len);
	name = p ? fdt_string(base, fdt32_to_cpu(p->nameoff)) : NULL;
	if (!p || !name) {
		o->err = p ? -FDT_ERR_BADSTRUCTURE : len;
		return;
	}
	if (!o->fdt) {
		o->struct_size += sizeof(struct fdt_property) + tag_align(len);
		count_base_name(o, p, name);
		return;
	}
	o->err = fdt_property(o->fdt, name, p->data, len);
}
