// SPDX-License-Identifier: MIT
/*
 * check.c - the layout rules an x86 guest relies on, checked on a table.
 *
 * A table can be well-formed and still not boot: the kernel must sit in
 * usable RAM (else "not marked as E820_TYPE_RAM" and it overrides us),
 * a BIOS-style guest expects the VGA window and ROMs below 1 MiB to be
 * free, and Linux throws away a table of fewer than two entries.
 */
#include <inttypes.h>
#include <stdio.h>
#include "memcarve-e820.h"
#include "internal/diag.h"
#include "internal/region.h"

#define LEGACY_FIRST 0xa0000ull		/* 640K */
#define LEGACY_LAST 0xfffffull		/* 1M - 1 */

static uint64_t last_of(const struct mc_e820_entry *e)
{
	return e->addr + (e->size - 1);
}

static int check_sorted(struct mc_map *map, const struct mc_e820_entry *e,
			size_t n)
{
	char a[MC_RANGE_STR], b[MC_RANGE_STR];
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		if (e[i].size == 0)
			err = mc_map_report(map, MC_EOVERLAP, NULL,
					    "e820: entry %zu at 0x%" PRIx64
					    " has size 0", i, e[i].addr);
		else if (i && e[i - 1].size &&
			 e[i].addr <= last_of(&e[i - 1]))
			err = mc_map_report(map, MC_EOVERLAP, NULL,
					    "e820: entry %zu %s overlaps or "
					    "precedes entry %zu %s", i,
					    mc_range_str(a, e[i].addr,
							 last_of(&e[i])),
					    i - 1,
					    mc_range_str(b, e[i - 1].addr,
							 last_of(&e[i - 1])));
	}
	return err;
}

static int check_legacy(struct mc_map *map, const struct mc_e820_entry *e,
			size_t n)
{
	char range[MC_RANGE_STR];
	int err = 0;

	for (size_t i = 0; i < n && e[i].addr <= LEGACY_LAST; i++)
		if (e[i].type == MC_E820_RAM && last_of(&e[i]) >= LEGACY_FIRST)
			err = mc_map_report(map, MC_EOVERLAP,
					    "rules.legacy_hole",
					    "usable RAM %s reaches into "
					    "0xa0000+0x60000 (VGA window and "
					    "ROMs); end low RAM at 640K and "
					    "reserve 0xa0000 384K",
					    mc_range_str(range, e[i].addr,
							 last_of(&e[i])));
	return err;
}

/* The entry holding @pos, or the first one after it (n if none). */
static size_t find(const struct mc_e820_entry *e, size_t n, uint64_t pos)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (last_of(&e[mid]) < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Report what lies at @pos instead of usable RAM. */
static int not_ram(struct mc_map *map, const struct mc_e820_entry *e,
		   size_t n, size_t i, const struct mc_e820_need *need,
		   uint64_t pos)
{
	char what[96], tmp[24], range[MC_RANGE_STR], at[MC_RANGE_STR];

	if (i < n && e[i].addr <= pos)
		snprintf(what, sizeof(what), "%s is %s",
			 mc_range_str(at, e[i].addr, last_of(&e[i])),
			 mc_e820_type_name(e[i].type, tmp, sizeof(tmp)));
	else
		snprintf(what, sizeof(what), "%s is in no entry",
			 mc_range_str(at, pos,
				      i < n && e[i].addr - 1 < need->last ?
					      e[i].addr - 1 : need->last));
	return mc_map_report(map, MC_EOVERLAP, need->what, "%s must be usable "
			     "RAM; %s",
			     mc_range_str(range, need->first, need->last),
			     what);
}

static int check_need(struct mc_map *map, const struct mc_e820_entry *e,
		      size_t n, const struct mc_e820_need *need)
{
	uint64_t pos = need->first;

	for (;;) {
		size_t i = find(e, n, pos);

		if (i == n || e[i].addr > pos || e[i].type != MC_E820_RAM)
			return not_ram(map, e, n, i, need, pos);
		if (last_of(&e[i]) >= need->last)
			return 0;
		pos = last_of(&e[i]) + 1;
	}
}

/*
 * E820_MAX_ENTRIES: the table plus what the kernel adds must fit, or it
 * drops entries (capacity.c).
 */
static int check_capacity(struct mc_map *map, const struct mc_e820_entry *e,
			  size_t n, const struct mc_e820_rules *rules)
{
	static const struct mc_e820_rules defaults;
	size_t max, peak;

	rules = rules ? rules : &defaults;
	max = rules->max_entries ? rules->max_entries :
				   MC_E820_MAX_ENTRIES_DEFAULT;
	peak = mc_e820_boot_entries(e, n, rules->setup_data,
				    rules->n_setup_data, rules->linux_version);
	if (peak <= max)
		return 0;
	return mc_map_report(map, MC_ERANGE, "rules.max_entries",
			     "e820: %zu entries, and %zu more that the kernel "
			     "adds at boot (splitting RAM to reserve its first "
			     "page, 0xa0000+0x60000 and setup_data), over its "
			     "E820_MAX_ENTRIES of %zu%s; it would drop the rest "
			     "(\"E820 table full\")", n, peak - n, max,
			     rules->max_entries ? "" :
			     " (128 + 3 x MAX_NUMNODES, CONFIG_NODES_SHIFT=10 "
			     "of Debian's amd64 kernels; set rules.max_entries "
			     "for another kernel)");
}

int mc_e820_check(struct mc_map *map, const struct mc_e820_entry *e, size_t n,
		  const struct mc_e820_rules *rules)
{
	int err, first;

	if (rules && !MC_RESERVED_CLEAR(rules))
		return mc_map_report(map, MC_EINVAL, "rules.reserved",
				     "must be zero");
	err = check_sorted(map, e, n);
	first = err;
	if (n < 2)
		err = mc_map_report(map, MC_EINVAL, NULL,
				    "e820: %zu entr%s; Linux ignores a table "
				    "of fewer than 2 and guesses memory from "
				    "the BIOS instead", n, n == 1 ? "y" : "ies");
	first = first ? first : err;
	if (first)		/* the rules below need a sorted table */
		return first;
	first = check_capacity(map, e, n, rules);
	if (!rules)
		return first;
	if (rules->legacy_hole) {
		err = check_legacy(map, e, n);
		first = first ? first : err;
	}
	for (size_t i = 0; i < rules->n_need; i++) {
		err = check_need(map, e, n, &rules->need[i]);
		first = first ? first : err;
	}
	for (size_t i = 0; i < rules->n_setup_data; i++) {
		err = check_need(map, e, n, &rules->setup_data[i]);
		first = first ? first : err;
	}
	return first;
}
