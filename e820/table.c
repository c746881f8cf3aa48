// SPDX-License-Identifier: MIT
/*
 * table.c - the carved result as e820 entries.
 *
 * Each piece of the carved result gets the e820 type of its kind; the
 * entries then go through the kernel's sanitizer, which merges touching
 * pieces of one type (RAM split only by input boundaries, a run of
 * reserved ranges) exactly as the guest would.
 *
 * mmio pieces are the one judgement call. A window carved out of RAM (an
 * I/O APIC page in a flat RAM layout) must be reserved, or the guest sees
 * a hole between two RAM entries and may put a hot-plugged BAR there; a
 * window where the map has no RAM (the PCI hole) stays out of the table,
 * as firmware leaves it, so the kernel can hand it to PCI. The carved
 * result marks the pieces cut out of RAM (MC_F_CARVED), and a piece lies
 * wholly inside or wholly outside the declared RAM, so the flag decides.
 */
#include <stdlib.h>
#include "memcarve-e820.h"

struct raw {
	struct mc_e820_entry *v;
	size_t n, cap;
};

static int push(struct raw *r, uint64_t first, uint64_t last, uint32_t type)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct mc_e820_entry *v;

		if (cap > SIZE_MAX / sizeof(*v))
			return MC_ENOMEM;
		v = realloc(r->v, cap * sizeof(*v));
		if (!v)
			return MC_ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (struct mc_e820_entry){ first, last - first + 1, type };
	return 0;
}

static uint32_t type_of(enum mc_kind kind)
{
	switch (kind) {
	case MC_RAM:
		return MC_E820_RAM;
	case MC_ACPI:
		return MC_E820_ACPI;
	case MC_NVS:
		return MC_E820_NVS;
	case MC_PMEM:
		return MC_E820_PMEM;
	default:		/* reserved of any IOMMU type, backed or not */
		return MC_E820_RESERVED;
	}
}

static int collect(const struct mc_map *map, struct raw *r)
{
	size_t n;
	const struct mc_region *v = mc_map_result(map, &n);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		if (v[i].kind != MC_MMIO || (v[i].flags & MC_F_CARVED))
			err = push(r, v[i].first, v[i].last, type_of(v[i].kind));
	return err;
}

static int usable_map(struct mc_map *map)
{
	size_t n;
	const struct mc_region *v;

	if (!mc_map_totals(map))
		return mc_map_report(map, MC_ESTATE, NULL,
				     "e820: the map is not carved");
	if (mc_map_arch(map) != MC_ARCH_NONE &&
	    mc_map_arch(map) != MC_ARCH_X86_64)
		return mc_map_report(map, MC_EINVAL, "arch",
				     "e820 describes x86 guests; the map is %s "
				     "(--arch x86_64 overrides)",
				     mc_arch_name(mc_map_arch(map)));
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].first == 0 && v[i].last == UINT64_MAX)
			return mc_map_report(map, MC_ERANGE, NULL,
					     "e820: %s 0x0-0xffffffffffffffff "
					     "covers all 2^64 bytes; an e820 "
					     "size has 64 bits",
					     mc_kind_name(v[i].kind));
	return 0;
}

int mc_e820_table(struct mc_map *map, struct mc_e820_entry *out, size_t cap,
		  size_t *count)
{
	struct raw r = { 0 };
	int err = usable_map(map);

	*count = 0;
	if (!err)
		err = collect(map, &r);
	if (err == MC_ENOMEM)
		mc_map_report(map, err, NULL, "e820: out of memory");
	if (!err) {
		err = mc_e820_sanitize(r.v, r.n, out, cap, count);
		if (err == MC_ERANGE)	/* merged pieces cover all of 2^64 */
			mc_map_report(map, err, NULL,
				      "e820: one entry would cover all 2^64 "
				      "bytes; an e820 size has 64 bits");
		else if (err == MC_ENOMEM)
			mc_map_report(map, err, NULL, "e820: out of memory");
	}
	free(r.v);
	return err;
}
