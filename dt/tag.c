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

uint32_t dt_tag_next(const void *fdt, int offset, struct dt_tag *t)
{
	const unsigned char *p = (const unsigned char *)fdt +
				 fdt_off_dt_struct(fdt) + offset;

	t->tag = fdt32_ld((const fdt32_t *)p);
	t->next = offset + FDT_TAGSIZE;
	if (t->tag == FDT_BEGIN_NODE) {
		t->name = (const char *)p + FDT_TAGSIZE;
		t->len = (int)strlen(t->name);
		t->next += (int)dt_tag_align((size_t)t->len + 1);
	} else if (t->tag == FDT_PROP) {
		t->len = (int)fdt32_ld((const fdt32_t *)(p + 4));
		t->nameoff = fdt32_ld((const fdt32_t *)(p + 8));
		t->name = (const char *)fdt + fdt_off_dt_strings(fdt) +
			  t->nameoff;
		t->data = p + sizeof(struct fdt_property);
		t->next += 8 + (int)dt_tag_align((size_t)t->len);
	}
	return t->tag;
}
