// SPDX-License-Identifier: MIT
/*
 * tag.c - step through the structure block of a DTB that dt_check_blob()
 * has accepted.
 *
 * Why not fdt_next_tag(): libfdt 1.6.1 skips a node name by calling
 * fdt_offset_ptr() once per byte, and fetches a property's name through
 * fdt_get_string(), which measures it again. On a base of a million
 * nodes that was most of a patch. Here a name costs one strlen().
 *
 * This is the only place that reads the structure block by hand, and it
 * trusts what dt_check_blob() proved (walk_struct() and fdt_check_full()):
 * every tag is known and in bounds, every node name ends in NUL inside
 * the block, every property value fits and its name offset points at a
 * NUL-terminated string in the strings block. Never call it on a blob
 * that has not passed dt_check_blob().
 */
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

static uint32_t be32_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int tag_align(size_t n)
{
	return (int)((n + FDT_TAGSIZE - 1) & ~(size_t)(FDT_TAGSIZE - 1));
}

uint32_t dt_tag_next(const void *fdt, int offset, struct dt_tag *t)
{
	const unsigned char *p = (const unsigned char *)fdt +
				 fdt_off_dt_struct(fdt) + offset;

	t->tag = be32_at(p);
	t->next = offset + FDT_TAGSIZE;
	if (t->tag == FDT_BEGIN_NODE) {
		t->name = (const char *)p + FDT_TAGSIZE;
		t->len = (int)strlen(t->name);
		t->next += tag_align((size_t)t->len + 1);
	} else if (t->tag == FDT_PROP) {
		t->len = (int)be32_at(p + 4);
		t->nameoff = be32_at(p + 8);
		t->name = (const char *)fdt + fdt_off_dt_strings(fdt) +
			  t->nameoff;
		t->data = p + sizeof(struct fdt_property);
		t->next += 8 + tag_align((size_t)t->len);
	}
	return t->tag;
}
