// SPDX-License-Identifier: MIT
/*
 * x86.c - the x86 style: memmap=exactmap and one token per e820 entry.
 *
 * arch/x86/kernel/e820.c parse_memmap_one(): "exactmap" empties the e820
 * table; SIZE@BASE adds type 1, SIZE#BASE type 3, SIZE$BASE type 2,
 * SIZE!BASE type 12, SIZE%BASE+N type N (Linux 4.17+); each token is one
 * e820__range_add(), so one table entry. e820__finish_early_params() then
 * sanitizes the table and, if that refuses it (fewer than 2 entries, or
 * one whose base + size wraps), ends in early_panic("Invalid user
 * supplied memory map").
 *
 * The tokens are written from the e820 emitter's own table
 * (mc_e820_build_alloc() with MC_E820_AS_X86): the same kind-to-type mapping, the same
 * sanitizer, so mmio carved out of RAM is reserved here as in the zero
 * page, and the user: lines the guest prints equal `memcarve e820` but
 * for the types x86 has no operator for. A hotplug window is in no e820
 * table (e820/table.c says why), so no token names it; nor may one: a
 * mem= would also cap hot-add during boot (max_mem_size,
 * mm/memory_hotplug.c register_memory_resource()).
 */
#include <inttypes.h>
#include <stdlib.h>
#include "memcarve-e820.h"
#include "cmdline.h"

/*
 * How x86 writes one e820 type: its group (which gives the operator) and,
 * retyped, the type after the base. No operator for NVS or PMEM but %:
 * written as reserved, the guest keeps off them.
 */
struct x86_form {
	enum cl_group group;
	char type;
};

static struct x86_form form_of(uint32_t type, unsigned int flags)
{
	switch (type) {
	case MC_E820_RAM:
		return (struct x86_form){ CL_RAM, 0 };
	case MC_E820_ACPI:
		return (struct x86_form){ CL_ACPI, 0 };
	case MC_E820_NVS:
		if (flags & MC_CMDLINE_RETYPE)
			return (struct x86_form){ CL_RETYPED, '4' };
		break;
	case MC_E820_PMEM:
		if (flags & MC_CMDLINE_PRAM)
			return (struct x86_form){ CL_PRAM, 0 };
		if (flags & MC_CMDLINE_RETYPE)
			return (struct x86_form){ CL_RETYPED, '7' };
		break;
	default:
		break;
	}
	return (struct x86_form){ CL_RESERVED, 0 };
}

/* The e820 type a form gives the guest. */
static uint32_t type_of(struct x86_form f)
{
	switch (f.group) {
	case CL_RAM:
		return MC_E820_RAM;
	case CL_ACPI:
		return MC_E820_ACPI;
	case CL_PRAM:
		return MC_E820_PRAM;
	case CL_RETYPED:
		return (uint32_t)(f.type - '0');
	default:
		return MC_E820_RESERVED;
	}
}

/* The token that gives the guest @type: type_of() backwards. */
static struct x86_form token_of(uint32_t type)
{
	switch (type) {
	case MC_E820_RAM:
		return (struct x86_form){ CL_RAM, 0 };
	case MC_E820_ACPI:
		return (struct x86_form){ CL_ACPI, 0 };
	case MC_E820_PRAM:
		return (struct x86_form){ CL_PRAM, 0 };
	case MC_E820_NVS:
	case MC_E820_PMEM:
		return (struct x86_form){ CL_RETYPED, (char)('0' + type) };
	default:
		return (struct x86_form){ CL_RESERVED, 0 };
	}
}

/*
 * The user table the tokens give the kernel, in @t (room for @n): the
 * table's entries with the types x86 can write, touching runs of one form
 * joined as the kernel's sanitizer would join them (PRAM never is).
 * Returns the number of tokens.
 */
static size_t user_table(const struct mc_e820_entry *e, size_t n,
			 unsigned int flags, struct mc_e820_entry *t)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct x86_form f = form_of(e[i].type, flags);

		if (k && f.group != CL_PRAM && t[k - 1].type == type_of(f) &&
		    t[k - 1].addr + t[k - 1].size == e[i].addr) {
			t[k - 1].size += e[i].size;
			continue;
		}
		t[k++] = (struct mc_e820_entry){ e[i].addr, e[i].size,
						 type_of(f) };
	}
	return k;
}

/* The rules the kernel applies to the tokens' table; 0 or MC_E*. */
static int check_user_table(struct mc_map *map, const struct mc_e820_entry *t,
			    size_t k, size_t max)
{
	size_t peak;

	for (size_t i = 0; i < k; i++)
		if (t[i].addr + t[i].size == 0) {	/* ends at 2^64 - 1 */
			char name[24];

			return cl_check_range(map, t[i].addr, UINT64_MAX,
					      mc_e820_type_name(t[i].type, name,
								sizeof(name)));
		}
	if (k < 2)
		return mc_map_report(map, MC_EINVAL, "cmdline",
				     "memmap=exactmap with %zu token%s: the "
				     "kernel's sanitizer refuses a table of "
				     "fewer than 2 entries and the guest panics "
				     "(\"Invalid user supplied memory map\"); "
				     "the e820 style needs a map with a hole or "
				     "a range that is not RAM", k,
				     k == 1 ? "" : "s");
	max = max ? max : MC_E820_MAX_ENTRIES_DEFAULT;
	peak = mc_e820_boot_entries(t, k, NULL, 0, MC_LINUX_NEWEST);
	if (peak > max)
		return mc_map_report(map, MC_ERANGE, "opts.max_entries",
				     "memmap=exactmap with %zu tokens, and %zu "
				     "more entr%s that the kernel adds "
				     "splitting RAM to reserve its first page "
				     "and 0xa0000+0x60000, over its "
				     "E820_MAX_ENTRIES of %zu (128 + 3 x "
				     "MAX_NUMNODES; Debian's amd64 kernels: "
				     "3200): it would drop the rest (\"E820 "
				     "table full\")", k, peak - k,
				     peak - k == 1 ? "y" : "ies", max);
	return 0;
}

int cl_x86_tokens(struct mc_map *map, const struct mc_cmdline_opts *opts,
		  struct cl_line *line)
{
	const struct mc_e820_opts as_x86 = { .flags = MC_E820_AS_X86 };
	struct mc_e820_entry *e, *t;
	size_t n, k;
	int err;

	if (mc_map_totals(map) && mc_map_totals(map)->ram_after == 0)
		return mc_map_report(map, MC_EINVAL, "cmdline",
				     "the map has no RAM: memmap=exactmap "
				     "would leave the guest none");
	err = mc_e820_build_alloc(map, &as_x86, &e, &n);
	if (err)
		return err;
	t = malloc(n ? n * sizeof(*t) : 1);
	if (!t) {
		mc_free(e);
		return mc_map_report(map, MC_ENOMEM, "cmdline", "out of memory");
	}
	k = user_table(e, n, opts->flags, t);
	err = check_user_table(map, t, k, opts->max_entries);
	if (!err) {
		cl_word(line, CL_EXACTMAP, "memmap=exactmap", 15);
		for (size_t i = 0; i < k; i++) {
			struct x86_form f = token_of(t[i].type);

			cl_range(line, f.group, t[i].addr,
				 t[i].addr + (t[i].size - 1), f.type);
		}
	}
	free(t);
	mc_free(e);
	return err;
}
