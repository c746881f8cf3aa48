// SPDX-License-Identifier: MIT
/*
 * tokens.c - the memory tokens of each style, from the carved result.
 *
 * MIPS (arch/mips/kernel/setup.c): the first mem= removes every memblock
 * the firmware added, then each mem= adds its range; memmap=SIZE$BASE adds
 * a range and reserves it. A memmap= seen first sets usermem, and a later
 * mem= then no longer clears the firmware's map: every mem= goes first.
 *
 * x86 is in x86.c.
 */
#include <inttypes.h>
#include "cmdline.h"

int cl_check_range(struct mc_map *map, uint64_t first, uint64_t last,
		   const char *what)
{
	/*
	 * memblock_add() caps base + size at PHYS_ADDR_MAX and e820's sanitizer
	 * refuses a table where base + size wraps ("Invalid user supplied
	 * memory map"): a range ending at 2^64 - 1 has no exact token.
	 */
	if (last != UINT64_MAX)
		return 0;
	return mc_map_report(map, MC_ERANGE, "cmdline",
			     "%s 0x%" PRIx64 "-0x%" PRIx64
			     " ends at 2^64 - 1: the kernel keeps base + size, "
			     "which does not fit in 64 bits",
			     what, first, last);
}

int cl_mips_tokens(struct mc_map *map, struct cl_line *line)
{
	const struct mc_slot *slot;
	const struct mc_region *v;
	size_t n_slots, n;
	int err;

	slot = mc_map_slots(map, &n_slots);
	if (n_slots == 0)
		return mc_map_report(map, MC_EINVAL, "cmdline",
				     "the map has no RAM: with no mem= the "
				     "kernel would keep the firmware's map");
	for (size_t i = 0; i < n_slots; i++) {
		uint64_t last = slot[i].guest + (slot[i].size - 1);

		err = cl_check_range(map, slot[i].guest, last, "memory block");
		if (err)
			return err;
		cl_range(line, CL_MEM, slot[i].guest, last, 0);
	}
	v = mc_map_result(map, &n);
	for (size_t i = 0; i < n; i++) {
		uint64_t first = v[i].first;

		/* Only what RAM still backs: MIPS adds it as memory. */
		if (v[i].kind == MC_RAM || v[i].kind == MC_MMIO ||
		    !(v[i].flags & MC_F_BACKED))
			continue;
		while (i + 1 < n && v[i + 1].first == v[i].last + 1 &&
		       v[i + 1].kind != MC_RAM && v[i + 1].kind != MC_MMIO &&
		       (v[i + 1].flags & MC_F_BACKED))
			i++;
		err = cl_check_range(map, first, v[i].last, "reserved range");
		if (err)
			return err;
		cl_range(line, CL_RESERVED, first, v[i].last, 0);
	}
	return 0;
}
