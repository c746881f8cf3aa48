// SPDX-License-Identifier: MIT
/*
 * check.c - the one gate every DTB we read passes before libfdt walks it.
 *
 * libfdt 1.6.1 (Debian 12) trusts two things fdt_check_full() does not
 * check for it:
 *  - a header version before 16, where node names are full paths: it
 *    dereferences NULL. Nothing has written such trees for decades (dtc
 *    and every VMM write 17), so they are refused.
 *  - a property length of 2^31 or more: fdt_next_tag() adds it as a
 *    negative int, so the walk steps back or stands still (a loop), and
 *    fdt_property() later copies -1 bytes. The structure block is walked
 *    here first with every length checked against what is left.
 */
#include <libfdt.h>
#include "dt-internal.h"

#define DT_VERSION_MIN 16	/* node names without paths */

/* Each tag of the structure block, with its name or value, in bounds. */
static int walk_struct(const unsigned char *s, size_t size)
{
	size_t at = 0;

	while (size - at >= FDT_TAGSIZE) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + at));
		size_t len;

		at += FDT_TAGSIZE;
		if (tag == FDT_END)
			return 0;
		if (tag == FDT_BEGIN_NODE) {
			for (len = 0; at + len < size && s[at + len]; len++)
				;
			if (at + len == size)
				return -FDT_ERR_TRUNCATED;
			at += dt_tag_align(len + 1);
		} else if (tag == FDT_PROP) {
			if (size - at < 8)
				return -FDT_ERR_TRUNCATED;
			len = fdt32_ld((const fdt32_t *)(s + at));
			if (len > size - at - 8)
				return -FDT_ERR_BADSTRUCTURE;
			at += 8 + dt_tag_align(len);
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return -FDT_ERR_BADSTRUCTURE;
		}
		if (at > size)
			return -FDT_ERR_TRUNCATED;
	}
	return -FDT_ERR_TRUNCATED;
}

int dt_check_blob(const void *blob, size_t len)
{
	size_t off, size;
	int err;

	if (len < sizeof(struct fdt_header))
		return -FDT_ERR_TRUNCATED;
	if (fdt_magic(blob) != FDT_MAGIC)
		return -FDT_ERR_BADMAGIC;
	if (fdt_version(blob) < DT_VERSION_MIN)
		return -FDT_ERR_BADVERSION;
	err = fdt_check_header(blob);
	if (err)
		return err;
	if (fdt_totalsize(blob) > len)
		return -FDT_ERR_TRUNCATED;
	off = fdt_off_dt_struct(blob);
	size = fdt_version(blob) >= 17 ? fdt_size_dt_struct(blob)
				       : fdt_totalsize(blob) - off;
	err = walk_struct((const unsigned char *)blob + off, size);
	return err ? err : fdt_check_full(blob, len);
}
