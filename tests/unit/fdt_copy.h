/* SPDX-License-Identifier: MIT */
/*
 * fdt_copy.h - a DTB written again by libfdt's own sequential-write
 * functions, tag by tag: the reference the emitter's writer (dt/sw.c) is
 * held to, byte for byte. For the tests that include it.
 */
#ifndef MC_TEST_FDT_COPY_H
#define MC_TEST_FDT_COPY_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include <libfdt.h>

/* @blob written again tag by tag with libfdt's sequential-write calls. */
static void *libfdt_copy(const void *blob, size_t *len)
{
	int size = (int)fdt_totalsize(blob) + 256, offset = 0, next, plen;
	void *out = malloc((size_t)size);
	uint64_t addr, rsv;
	uint32_t tag;

	assert_non_null(out);
	assert_int_equal(fdt_create(out, size), 0);
	for (int i = 0; i < fdt_num_mem_rsv(blob); i++) {
		assert_int_equal(fdt_get_mem_rsv(blob, i, &addr, &rsv), 0);
		assert_int_equal(fdt_add_reservemap_entry(out, addr, rsv), 0);
	}
	assert_int_equal(fdt_finish_reservemap(out), 0);
	do {
		const struct fdt_property *p;

		tag = fdt_next_tag(blob, offset, &next);
		if (tag == FDT_BEGIN_NODE) {
			assert_int_equal(fdt_begin_node(out, fdt_get_name(
						blob, offset, NULL)), 0);
		} else if (tag == FDT_PROP) {
			p = fdt_get_property_by_offset(blob, offset, &plen);
			assert_int_equal(fdt_property(out, fdt_string(blob,
					 fdt32_to_cpu(p->nameoff)), p->data,
					 plen), 0);
		} else if (tag == FDT_END_NODE) {
			assert_int_equal(fdt_end_node(out), 0);
		}
		offset = next;
	} while (tag != FDT_END);
	assert_int_equal(fdt_finish(out), 0);
	*len = fdt_totalsize(out);
	return out;
}

#endif /* MC_TEST_FDT_COPY_H */
