// SPDX-License-Identifier: MIT
/*
 * table.c - the carved result as e820 entries.
 *
 * Each piece of the carved result gets the e820 type of its kind; the
 * entries then go through the kernel's sanitizer, which merges touching
 * pieces of one type (RAM split only by input boundaries, a run of
 * reserved ranges) exactly as the guest would. The result is sorted and
 * its pieces never overlap, so the sanitizer is the one-pass join of
 * join.h, fed piece by piece: no intermediate table.
 *
 * mmio pieces are the one judgement call. A window carved out of RAM (an
 * I/O APIC page in a flat RAM layout) must be reserved, or the guest sees
 * a hole between two RAM entries and may put a hot-plugged BAR there; a
 * window where the map has no RAM (the PCI hole) stays out of the table,
 * as firmware leaves it, so the kernel can hand it to PCI. The carved
 * result marks the pieces cut out of RAM (MC_F_CARVED), and a piece lies
 * wholly inside or wholly outside the declared RAM, so the flag decides.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "memcarve-e820.h"
#include "join.h"
#include "internal/e820-type.h"
#include "internal/region.h"

/*
 * A hotplug window (MC_HOTPLUG) is in no e820 table, neither usable nor
 * reserved, and so in no zero page, PVH memmap or memmap= line either:
 *  - it is not RAM at boot; the guest learns of it from ACPI (SRAT
 *    memory affinity marked hot-pluggable, which sizes the guest for it:
 *    drivers/acpi/numa/srat.c raises max_possible_pfn) and gets its
 *    memory later through an ACPI memory device;
 *  - QEMU leaves its device-memory window out of e820 too
 *    (hw/i386/pc.c) and keeps firmware's 64-bit PCI window above it
 *    with fw_cfg "etc/reserved-memory-end" instead;
 *  - a reserved entry would outlive the hot-add: add_memory_resource()
 *    (mm/memory_hotplug.c) adds "System RAM" to /sys/firmware/memmap
 *    beside it, and a kexec'd kernel sanitizing the overlap keeps the
 *    larger type (e820__update_table(), arch/x86/kernel/e820.c), so the
 *    hot-added RAM would come back reserved and be lost.
 */

/*
 * The sanitized table straight from the result. Its entries have a type
 * (never 0) and a size: usable_map() refused the one piece that would
 * need 2^64 bytes.
 */
static int join_result(const struct mc_map *map, struct mc_e820_entry *out,
		       size_t cap, size_t *count)
{
	struct e820_join j = { .out = out, .cap = cap };
	size_t n;
	const struct mc_piece *v = mc_map_result(map, &n);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		struct mc_e820_entry e = { v[i].first,
					   v[i].last - v[i].first + 1,
					   mc_e820_type_of((enum mc_kind)v[i].kind) };

		if (v[i].kind == MC_HOTPLUG)
			continue;	/* in no e820 table: see above */
		if (v[i].kind != MC_MMIO || (v[i].flags & MC_F_CARVED))
			err = e820_join_add(&j, &e);
	}
	if (err) {
		*count = j.count;
		return err;
	}
	return e820_join_end(&j, count);
}

void mc_e820_opts_init(struct mc_e820_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
}

static int check_opts(struct mc_map *map, const struct mc_e820_opts *opts)
{
	if (opts && !MC_RESERVED_CLEAR(opts))
		return mc_map_report(map, MC_EINVAL, "opts.reserved",
				     "must be zero");
	if (opts && (opts->flags & ~MC_E820_AS_X86))
		return mc_map_report(map, MC_EINVAL, "flags",
				     "unknown flags 0x%x",
				     opts->flags & ~MC_E820_AS_X86);
	return 0;
}

static int usable_map(struct mc_map *map, const struct mc_e820_opts *opts)
{
	size_t n;
	const struct mc_piece *v;
	bool any_arch = opts && (opts->flags & MC_E820_AS_X86);
	int err = check_opts(map, opts);

	if (err)
		return err;
	if (!mc_map_totals(map))
		return mc_map_report(map, MC_ESTATE, NULL,
				     "e820: the map is not carved");
	if (!any_arch && mc_map_arch(map) != MC_ARCH_NONE &&
	    mc_map_arch(map) != MC_ARCH_X86_64)
		return mc_map_report(map, MC_EINVAL, "arch",
				     "e820 describes x86 guests; the map is %s "
				     "(set the arch to x86_64 to write it "
				     "anyway)",
				     mc_arch_name(mc_map_arch(map)));
	/* Pieces never overlap: one that covers all 2^64 bytes is alone. */
	v = mc_map_result(map, &n);
	if (n == 1 && v[0].first == 0 && v[0].last == UINT64_MAX)
		return mc_map_report(map, MC_ERANGE, NULL,
				     "e820: %s 0x0+0x10000000000000000 covers "
				     "all 2^64 bytes; an e820 size has 64 bits",
				     mc_kind_name((enum mc_kind)v[0].kind));
	return 0;
}

/* join_result() with the diagnostic for an entry of 2^64 bytes. */
static int table_of(struct mc_map *map, struct mc_e820_entry *out,
		    size_t cap, size_t *count)
{
	int err = join_result(map, out, cap, count);

	if (err == MC_ERANGE)	/* merged pieces cover all of 2^64 */
		mc_map_report(map, err, NULL,
			      "e820: one entry would cover all 2^64 bytes; "
			      "an e820 size has 64 bits");
	return err;
}

int mc_e820_build(struct mc_map *map, const struct mc_e820_opts *opts,
		  struct mc_e820_entry *entries, size_t *size)
{
	size_t cap = *size;
	int err = usable_map(map, opts);

	*size = 0;
	return err ? err : table_of(map, entries, cap, size);
}

/*
 * One pass instead of a count and a fill: a piece gives at most one
 * entry, so room for every piece always suffices. What merging saved is
 * handed back when it is worth a realloc.
 */
int mc_e820_build_alloc(struct mc_map *map, const struct mc_e820_opts *opts,
			struct mc_e820_entry **out, size_t *count)
{
	size_t n;
	struct mc_e820_entry *e, *fit;
	int err;

	*out = NULL;
	*count = 0;
	err = usable_map(map, opts);
	if (err)
		return err;
	mc_map_result(map, &n);
	e = n <= SIZE_MAX / sizeof(*e) ? malloc(n ? n * sizeof(*e) : 1) : NULL;
	if (!e)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = table_of(map, e, n, count);
	if (err) {
		free(e);
		*count = 0;
		return err;
	}
	if (*count < n - n / 8) {
		fit = realloc(e, *count ? *count * sizeof(*e) : 1);
		e = fit ? fit : e;
	}
	*out = e;
	return 0;
}
