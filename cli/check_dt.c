// SPDX-License-Identifier: MIT
/*
 * check_dt.c - what Linux makes of a DTB's reservations, read from the
 * blob: drivers/of/of_reserved_mem.c (fdt_scan_reserved_mem,
 * __reserved_mem_check_root, __rmem_check_for_overlap) and
 * early_init_fdt_reserve_self/memblock for /memreserve/.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include "check.h"

struct child {
	const char *name;
	uint64_t first, last;
	bool nomap;
};

struct children {
	struct child *v;
	size_t n, cap;
};

/* A u32 property, or @dflt when absent or not 4 bytes. */
static uint32_t prop_u32(const void *fdt, int node, const char *name,
			 uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	return p && len == 4 ? fdt32_ld(p) : dflt;
}

static uint64_t cells(const fdt32_t *p, uint32_t n)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | fdt32_ld(p + i);
	return v;
}

static bool available(const void *fdt, int node)
{
	const char *st = fdt_getprop(fdt, node, "status", NULL);

	return !st || !strcmp(st, "okay") || !strcmp(st, "ok");
}

static int add_child(struct children *c, const struct child *x)
{
	if (c->n == c->cap) {
		struct child *v;

		c->cap = c->cap ? 2 * c->cap : 16;
		v = realloc(c->v, c->cap * sizeof(*v));
		if (!v)
			return -1;
		c->v = v;
	}
	c->v[c->n++] = *x;
	return 0;
}

/* Every reg entry of every available child, as Linux reads them. */
static int read_children(const void *fdt, int rm, uint32_t ac, uint32_t sc,
			 struct children *c)
{
	int node, len;

	fdt_for_each_subnode(node, fdt, rm) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		size_t entry = (ac + sc) * 4, n;

		if (!reg || !available(fdt, node) || len < 0 || !entry)
			continue;
		n = (size_t)len / entry;
		for (size_t i = 0; i < n; i++) {
			struct child x = {
				.name = fdt_get_name(fdt, node, NULL),
				.first = cells(reg + i * (ac + sc), ac),
				.nomap = fdt_getprop(fdt, node, "no-map", NULL),
			};
			uint64_t size = cells(reg + i * (ac + sc) + ac, sc);

			if (!size || size - 1 > UINT64_MAX - x.first)
				continue;	/* Linux skips it; decode refuses */
			x.last = x.first + (size - 1);
			if (add_child(c, &x))
				return -1;
		}
	}
	return 0;
}

static int by_first(const void *x, const void *y)
{
	const struct child *a = x, *b = y;

	return (a->first > b->first) - (a->first < b->first);
}

/* Sorted by base, each against the next, as __rmem_check_for_overlap. */
static void check_overlaps(struct findings *f, const char *blob,
			   struct children *c)
{
	if (c->n < 2)
		return;		/* qsort's base may not be NULL */
	qsort(c->v, c->n, sizeof(*c->v), by_first);
	for (size_t i = 0; i + 1 < c->n; i++) {
		const struct child *a = &c->v[i], *b = &c->v[i + 1];

		if (b->first > a->last)
			continue;
		finding_at(f, "resv-mem-overlap", blob, b->first,
			   a->last < b->last ? a->last : b->last,
			   "/reserved-memory/%s 0x%" PRIx64 "-0x%" PRIx64
			   " and /reserved-memory/%s 0x%" PRIx64 "-0x%" PRIx64
			   " overlap: Linux says \"OF: reserved mem: OVERLAP "
			   "DETECTED!\"", a->name, a->first, a->last, b->name,
			   b->first, b->last);
	}
}

static void check_memreserve(struct findings *f, const char *blob,
			     const void *fdt, const struct children *c)
{
	int n = fdt_num_mem_rsv(fdt);

	for (int i = 0; i < n; i++) {
		uint64_t addr, size, last;

		if (fdt_get_mem_rsv(fdt, i, &addr, &size) || !size ||
		    size - 1 > UINT64_MAX - addr)
			continue;
		last = addr + (size - 1);
		for (size_t k = 0; k < c->n; k++) {
			if (!c->v[k].nomap || c->v[k].first > last ||
			    c->v[k].last < addr)
				continue;
			finding_at(f, "memreserve-and-no-map", blob,
				   addr > c->v[k].first ? addr : c->v[k].first,
				   last < c->v[k].last ? last : c->v[k].last,
				   "/memreserve/ entry %d 0x%" PRIx64 "-0x%" PRIx64
				   " is also the no-map /reserved-memory/%s: "
				   "memblock reserves it and removes it from the "
				   "linear map", i, addr, last, c->v[k].name);
		}
	}
}

void check_dt(struct findings *f, const struct model *m)
{
	const void *fdt = m->bytes.p;
	struct children c = { 0 };
	uint32_t root_ac, root_sc, ac, sc;
	int rm;

	if (fdt_check_full(fdt, m->bytes.len))
		return;		/* the decoder took it; libfdt is stricter */
	/* Linux's defaults when the root has none: 1 and 1 */
	root_ac = prop_u32(fdt, 0, "#address-cells", 1);
	root_sc = prop_u32(fdt, 0, "#size-cells", 1);
	rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm >= 0) {
		ac = prop_u32(fdt, rm, "#address-cells", 0);
		sc = prop_u32(fdt, rm, "#size-cells", 0);
		if (ac != root_ac || sc != root_sc ||
		    !fdt_getprop(fdt, rm, "ranges", NULL))
			finding(f, "resv-mem-ignored", m->name,
				"/reserved-memory has #address-cells %u, "
				"#size-cells %u%s (the root's: %u, %u): Linux "
				"ignores all its children "
				"(__reserved_mem_check_root)", ac, sc,
				fdt_getprop(fdt, rm, "ranges", NULL) ? "" :
				", no ranges", root_ac, root_sc);
		else if (ac <= 2 && sc <= 2 && read_children(fdt, rm, ac, sc, &c))
			f->failed = true;
	}
	check_overlaps(f, m->name, &c);
	check_memreserve(f, m->name, fdt, &c);
	free(c.v);
}
