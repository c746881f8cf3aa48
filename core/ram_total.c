// SPDX-License-Identifier: MIT
/*
 * ram_total.c - limits a guest kernel puts on the carved RAM as a whole.
 *
 * ppc64: Linux keeps only a 16 MiB multiple of the memory the device tree
 * describes. early_init_devtree() (arch/powerpc/kernel/prom.c) sets
 * memory_limit = ALIGN_DOWN(memblock_phys_mem_size(), SZ_16M), 16 MiB
 * being hash translation's linear-map page, and
 * memblock_enforce_memory_limit() then removes the rest from the top of
 * memory. 6.1 rounded the total up to the page size instead and kept it
 * all. Seen on Debian's 6.12 and 7.2, 4K and 64K pages alike: a tree of
 * 0x3fff0000 bytes left the guest 0x3f000000.
 */
#include "internal.h"

/* The first address of the @excess top bytes of the slots' RAM. */
static uint64_t dropped_from(const struct mc_slot *slot, size_t n,
			     uint64_t excess)
{
	while (n--) {
		if (slot[n].size >= excess)
			return slot[n].guest + slot[n].size - excess;
		excess -= slot[n].size;
	}
	return 0;
}

int mc_check_ram_total(struct mc_map *map)
{
	uint64_t total = map->totals.ram_after, excess, from, last;
	char range[MC_RANGE_STR];

	if (map->arch != MC_ARCH_PPC64 || !map->n_slots)
		return 0;
	excess = total & (MC_PPC64_RAM_MULTIPLE - 1);
	if (!excess)
		return 0;
	from = dropped_from(map->slots, map->n_slots, excess);
	last = map->slots[map->n_slots - 1].guest +
	       map->slots[map->n_slots - 1].size - 1;
	return mc_diag(map, MC_EALIGN, NULL, 0, NULL,
		       "ppc64: the guest's RAM totals 0x%llx bytes, not a "
		       "multiple of 16 MiB: Linux 6.12 and newer round it "
		       "down (early_init_devtree(), arch/powerpc/kernel/"
		       "prom.c) and drop %s, the top 0x%llx bytes; "
		       "carve in 16 MiB granules (ppc64's default) and give "
		       "RAM in 16 MiB multiples",
		       (unsigned long long)total,
		       mc_range_str(range, from, last),
		       (unsigned long long)excess);
}
