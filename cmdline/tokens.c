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
	char range[MC_RANGE_STR];

	if (last != UINT64_MAX)
		return 0;
	return mc_map_report(map, MC_ERANGE, "cmdline",
			     "%s %s ends at 2^64 - 1: the kernel keeps base + "
			     "size, which does not fit in 64 bits",
			     what, mc_range_str(range, first, last));
}

/*
 * memblock's arrays hold INIT_MEMBLOCK_REGIONS (128) regions each
 * (mm/memblock.c) and may only grow after memblock_allow_resize(), which
 * MIPS never calls. memblock_add_range() checks cnt + new regions against
 * the size before it merges touching regions: past it, 6.1 drops the
 * range (a mem= block lost, a memmap= range added but never reserved) and
 * 6.12 panics ("memblock: cannot resize"). The first add into an emptied
 * array takes its empty slot without that check.
 */
#define MEMBLOCK_REGIONS 128

/*
 * After our memmap=$ ranges the kernel reserves its own: the DT's
 * /memreserve/ of the first MiB, its image, the initrd, and every early
 * allocation, most of them a region of their own (an odd size leaves a
 * gap to the next aligned one). Counted with memblock=debug on Debian's
 * Malta kernels (QEMU -m 256M, an initrd): at most 20 regions on 6.1 and
 * 21 on 6.12. 24 leaves a little for a larger guest.
 */
#define MIPS_KERNEL_RESERVED 24

/* Runs of touching ranges among @n ranges in address order so far. */
struct runs {
	size_t count;
	uint64_t last;
};

static void add_run(struct runs *r, uint64_t first, uint64_t last)
{
	if (!r->count || first != r->last + 1)
		r->count++;
	r->last = last;
}

static int memblock_full(struct mc_map *map, const char *what,
			 const char *tokens, size_t runs, size_t kernel)
{
	return mc_map_report(map, MC_ERANGE, "cmdline",
			     "MIPS: %zu %s (%s)%s need more than memblock's "
			     "%d %s regions (INIT_MEMBLOCK_REGIONS; MIPS never "
			     "lets memblock grow this early): Linux 6.1 would "
			     "drop the rest silently, 6.12 panics", runs, what,
			     tokens, kernel ? " and the kernel's own reservations"
					      " (up to 24)" : "",
			     MEMBLOCK_REGIONS, kernel ? "reserved" : "memory");
}

int cl_mips_tokens(struct mc_map *map, struct cl_line *line)
{
	const struct mc_slot *slot;
	const struct mc_piece *v;
	struct runs mem = { 0 }, resv = { 0 };
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
		if (i && mem.count + 1 > MEMBLOCK_REGIONS)
			return memblock_full(map, "memory blocks", "mem=",
					     n_slots, 0);
		add_run(&mem, slot[i].guest, last);
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
		add_run(&resv, first, v[i].last);
		if (resv.count + MIPS_KERNEL_RESERVED > MEMBLOCK_REGIONS)
			return memblock_full(map, "reserved ranges",
					     "memmap=SIZE$BASE", resv.count, 1);
		cl_range(line, CL_RESERVED, first, v[i].last, 0);
	}
	return 0;
}
