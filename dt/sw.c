// SPDX-License-Identifier: MIT
/*
 * sw.c - libfdt's sequential-write functions (fdt_create() to
 * fdt_finish(), libfdt 1.6.1), byte for byte, at a fraction of the cost.
 *
 * Two things made libfdt's writer most of a build: fdt_property() looks a
 * name up by comparing it at every byte offset of the names written so
 * far, once per property, and fdt_finish() walks the whole structure
 * block again with fdt_next_tag(), a call per byte of every node name, to
 * fix the name offsets. Here the lookup is the same search, remembered per
 * name until a new name is added. The fix is needed only when the names'
 * final size is not known up front: the DT emitter's sizing pass adds the
 * same names to a names-only writer (dt_sw_name()), so the write pass
 * puts each final offset in place, and the walk over the whole structure
 * block (a second pass over 100 MB at a million ranges) is left for a
 * caller that gives no size.
 *
 * The layout is libfdt's, so the bytes are the ones it writes: the header
 * padded to 48 bytes, the reserve map and its {0, 0} terminator, the
 * structure block growing up from there while the names grow down from
 * the end of the buffer, each new name in front of the older ones; at the
 * end the names move to just after the structure block. A name is found,
 * as fdt_find_string_() finds it, at the lowest offset where it and its
 * NUL appear (so "reg" may be the tail of "ibm,reg"). Offsets count from
 * the end of the names until then, so a new name leaves them valid; what
 * a property gets is that distance taken from the names' final size
 * (libfdt's negative offset when the size is not known, 0).
 */
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

#define DT_VERSION 17
#define DT_LAST_COMP_VERSION 16	/* FDT_LAST_COMPATIBLE_VERSION, 1.6.1 */

/* A big-endian word of the structure block, as libfdt reads one. */
static uint32_t word_at(const unsigned char *p)
{
	return fdt32_ld((const fdt32_t *)p);
}

/*
 * @len bytes at the top of the structure block. Its last word holds any
 * padding (of a name or value), so it is zeroed before the caller writes.
 */
static unsigned char *grab(struct dt_sw *w, size_t len)
{
	unsigned char *p = w->buf + w->at;

	if (len > w->size - w->strings - w->at)
		return NULL;
	w->at += len;
	memset(w->buf + w->at - FDT_TAGSIZE, 0, FDT_TAGSIZE);
	return p;
}

int dt_sw_create(struct dt_sw *w, void *buf, size_t size,
		 uint32_t names_final)
{
	*w = (struct dt_sw){ .buf = buf, .size = size, .at = DT_HEADER_ROOM,
			     .names_final = names_final };
	if (size < DT_HEADER_ROOM || size > INT32_MAX)
		return -FDT_ERR_NOSPACE;
	memset(buf, 0, DT_HEADER_ROOM);
	return 0;
}

int dt_sw_add_reservemap_entry(struct dt_sw *w, uint64_t addr,
			       uint64_t size)
{
	unsigned char *p = grab(w, DT_RSV_ENTRY);

	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt64_st(p, addr);
	fdt64_st(p + 8, size);
	return 0;
}

int dt_sw_finish_reservemap(struct dt_sw *w)
{
	int err = dt_sw_add_reservemap_entry(w, 0, 0);

	w->off_struct = w->at;
	return err;
}

/* @len: strlen(@name) */
int dt_sw_begin_node(struct dt_sw *w, const char *name, size_t len)
{
	unsigned char *p = grab(w, FDT_TAGSIZE + dt_tag_align(len + 1));

	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt32_st(p, FDT_BEGIN_NODE);
	memcpy(p + FDT_TAGSIZE, name, len + 1);
	return 0;
}

int dt_sw_end_node(struct dt_sw *w)
{
	unsigned char *p = grab(w, FDT_TAGSIZE);

	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt32_st(p, FDT_END_NODE);
	return 0;
}

/*
 * The lowest offset in the names where @name and its NUL appear, as
 * fdt_find_string_() searches (memchr() to each place its first byte is).
 */
static bool find_name(const struct dt_sw *w, const char *name, size_t len,
		      size_t *at)
{
	const unsigned char *tab = w->buf + w->size - w->strings, *p = tab;
	const unsigned char *last;

	if (len > w->strings)
		return false;
	last = tab + (w->strings - len);	/* the last place it can start */
	while (p <= last &&
	       (p = memchr(p, name[0], (size_t)(last - p) + 1)) != NULL) {
		if (memcmp(p, name, len) == 0) {
			*at = (size_t)(p - tab);
			return true;
		}
		p++;
	}
	return false;
}

/* fdt_find_add_string_(): the name's offset from the end of the names. */
static int name_offset(struct dt_sw *w, const char *name, uint32_t *off)
{
	size_t slot = ((uintptr_t)name >> 2) % DT_NAME_CACHE, len, at;

	if (w->cache[slot].name == name &&
	    w->cache[slot].added == w->names_added) {
		*off = w->cache[slot].off;
		return 0;
	}
	len = strlen(name) + 1;
	if (find_name(w, name, len, &at)) {
		*off = (uint32_t)(w->strings - at);
		w->cache[slot].name = name;
		w->cache[slot].off = *off;
		w->cache[slot].added = w->names_added;
		return 0;
	}
	if (len > w->size - w->strings - w->at)
		return -FDT_ERR_NOSPACE;
	w->strings += len;
	memcpy(w->buf + w->size - w->strings, name, len);
	/*
	 * The new name may hold an older one as its tail, at a lower offset:
	 * every remembered offset is stale (dated by the count, not wiped:
	 * a base of many names added one at a time wiped the cache each).
	 */
	w->names_added++;
	*off = (uint32_t)w->strings;
	return 0;
}

int dt_sw_name(struct dt_sw *w, const char *name)
{
	uint32_t off;

	return name_offset(w, name, &off);
}

/*
 * The name offset is written final if the names' final size is known, else
 * as libfdt writes it, negative (from the end of the names), and made
 * absolute by dt_sw_finish().
 */
int dt_sw_property(struct dt_sw *w, const char *name, const void *val,
		   size_t len)
{
	unsigned char *p;
	uint32_t off;
	int err = name_offset(w, name, &off);

	if (err)
		return err;
	p = grab(w, sizeof(struct fdt_property) + dt_tag_align(len));
	if (!p)
		return -FDT_ERR_NOSPACE;
	fdt32_st(p, FDT_PROP);
	fdt32_st(p + 4, (uint32_t)len);
	fdt32_st(p + 8, w->names_final - off);
	if (len)
		memcpy(p + sizeof(struct fdt_property), val, len);
	return 0;
}

/*
 * Each property's name offset moved by @delta: from what was written
 * (names_final - distance from the end) to the final offset.
 */
static void fix_name_offsets(struct dt_sw *w, uint32_t delta)
{
	size_t at = w->off_struct;
	uint32_t tag;

	while ((tag = word_at(w->buf + at)) != FDT_END) {
		unsigned char *p = w->buf + at;

		at += FDT_TAGSIZE;
		if (tag == FDT_BEGIN_NODE) {
			const char *name = (const char *)p + FDT_TAGSIZE;

			at += dt_tag_align(strlen(name) + 1);
		} else if (tag == FDT_PROP) {
			fdt32_st(p + 8, word_at(p + 8) + delta);
			at += 8 + dt_tag_align(word_at(p + 4));
		}
	}
}

int dt_sw_finish(struct dt_sw *w)
{
	unsigned char *end = grab(w, FDT_TAGSIZE);
	void *fdt = w->buf;

	if (!end)
		return -FDT_ERR_NOSPACE;
	fdt32_st(end, FDT_END);
	memmove(w->buf + w->at, w->buf + w->size - w->strings, w->strings);
	if (w->strings != w->names_final)
		fix_name_offsets(w, (uint32_t)w->strings - w->names_final);
	fdt_set_magic(fdt, FDT_MAGIC);
	fdt_set_totalsize(fdt, (uint32_t)(w->at + w->strings));
	fdt_set_off_dt_struct(fdt, (uint32_t)w->off_struct);
	fdt_set_off_dt_strings(fdt, (uint32_t)w->at);
	fdt_set_off_mem_rsvmap(fdt, DT_HEADER_ROOM);
	fdt_set_version(fdt, DT_VERSION);
	fdt_set_last_comp_version(fdt, DT_LAST_COMP_VERSION);
	fdt_set_boot_cpuid_phys(fdt, 0);
	fdt_set_size_dt_strings(fdt, (uint32_t)w->strings);
	fdt_set_size_dt_struct(fdt, (uint32_t)(w->at - w->off_struct));
	return 0;
}
