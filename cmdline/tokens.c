// SPDX-License-Identifier: MIT
/*
 * tokens.c - the memory tokens of each style, from the carved result.
 *
 * MIPS (arch/mips/kernel/setup.c): the first mem= removes every memblock
 * the firmware added, then each mem= adds its range; memmap=SIZE$BASE adds
 * a range and reserves it. A memmap= seen first sets usermem, and a later
 * mem= then no longer clears the firmware's map: every mem= goes first.
 *
 * x86 (arch/x86/kernel/e820.c, parse_memmap_one): memmap=exactmap empties
 * the e820 table; SIZE@BASE adds type 1, SIZE#BASE type 3, SIZE$BASE type
 * 2, SIZE!BASE type 12, SIZE%BASE+N type N (Linux 4.17+). The kernel then
 * sanitizes the table, so adjacent runs of one type may share a token.
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

/*
 * How x86 writes one kind: its group (which gives the operator; CL_KEPT
 * for a kind left out) and, retyped, the e820 type after the base.
 */
struct x86_form {
	enum cl_group group;
	char type;
};

static struct x86_form x86_form_of(enum mc_kind kind, unsigned int flags)
{
	switch (kind) {
	case MC_RAM:
		return (struct x86_form){ CL_RAM, 0 };
	case MC_ACPI:
		return (struct x86_form){ CL_ACPI, 0 };
	case MC_NVS:
		if (flags & MC_CMDLINE_RETYPE)
			return (struct x86_form){ CL_RETYPED, '4' };
		break;
	case MC_PMEM:
		if (flags & MC_CMDLINE_PRAM)
			return (struct x86_form){ CL_PRAM, 0 };
		if (flags & MC_CMDLINE_RETYPE)
			return (struct x86_form){ CL_RETYPED, '7' };
		break;
	case MC_MMIO:
		/* A BIOS e820 leaves device windows out; so do we. */
		return (struct x86_form){ CL_KEPT, 0 };
	case MC_RESERVED:
	default:
		break;
	}
	/* No operator for it: reserved keeps the guest off the range. */
	return (struct x86_form){ CL_RESERVED, 0 };
}

static bool same_form(struct x86_form a, struct x86_form b)
{
	return a.group == b.group && a.type == b.type;
}

int cl_x86_tokens(struct mc_map *map, unsigned int flags,
		  struct cl_line *line)
{
	struct x86_form form_of[MC_PMEM + 1];
	const struct mc_region *v;
	size_t n;

	v = mc_map_result(map, &n);
	if (!mc_map_totals(map) || mc_map_totals(map)->ram_after == 0)
		return mc_map_report(map, MC_EINVAL, "cmdline",
				     "the map has no RAM: memmap=exactmap "
				     "would leave the guest none");
	/*
	 * A lookup per piece: the kinds come in no order a branch predicts.
	 * The carved result holds no other kind (mc_map_add() checks).
	 */
	for (int k = MC_RAM; k <= MC_PMEM; k++)
		form_of[k] = x86_form_of((enum mc_kind)k, flags);
	cl_word(line, CL_EXACTMAP, "memmap=exactmap", 15);
	for (size_t i = 0; i < n; i++) {
		struct x86_form form = form_of[v[i].kind];
		uint64_t first = v[i].first;

		if (form.group == CL_KEPT)
			continue;
		while (i + 1 < n && v[i + 1].first == v[i].last + 1 &&
		       same_form(form, form_of[v[i + 1].kind]))
			i++;
		if (v[i].last == UINT64_MAX)	/* the kind named only then */
			return cl_check_range(map, first, v[i].last,
					      mc_kind_name(v[i].kind));
		cl_range(line, form.group, first, v[i].last, form.type);
	}
	return 0;
}
