// SPDX-License-Identifier: MIT
/*
 * boot_addrs.c - the zero page's pointers must point into guest memory.
 *
 * The kernel follows cmd_line_ptr and acpi_rsdp_addr before it has any
 * memory map of its own (arch/x86/kernel/head64.c copy_bootdata() copies
 * COMMAND_LINE_SIZE bytes from cmd_line_ptr whatever the string's length;
 * the ACPI code maps the RSDP's 36 bytes). Bytes no slot backs read as
 * nothing the guest can use, so each range must lie in backed memory.
 */
#include <inttypes.h>
#include <stdbool.h>
#include "boot.h"

#define X86_COMMAND_LINE_SIZE	2048	/* arch/x86/include/uapi/asm/setup.h */
#define ACPI_RSDP_SIZE		36	/* ACPI 2.0+ RSDP, XSDT address included */

/* The first byte of [first, last] no backed piece covers, or @last + 1. */
static uint64_t first_unbacked(const struct mc_map *map, uint64_t first,
			       uint64_t last, bool *all)
{
	size_t n;
	const struct mc_piece *r = mc_map_result(map, &n);
	uint64_t pos = first;

	*all = false;
	for (size_t i = 0; i < n; i++) {
		if (r[i].last < pos)
			continue;
		if (r[i].first > pos || !(r[i].flags & MC_F_BACKED))
			return pos;
		if (r[i].last >= last) {
			*all = true;
			return pos;
		}
		pos = r[i].last + 1;
	}
	return pos;
}

static int check_range(struct mc_map *map, const char *field, uint64_t addr,
		       uint64_t size, const char *what)
{
	uint64_t hole;
	bool all;

	if (!addr)
		return 0;	/* 0: not given, the kernel ignores it */
	if (!mc_map_result(map, &(size_t){ 0 }))
		return mc_map_report(map, MC_ESTATE, field, "the map is not "
				     "carved: call mc_map_carve() first");
	if (addr > UINT64_MAX - (size - 1))
		return mc_map_report(map, MC_ERANGE, field, "0x%" PRIx64
				     " + 0x%" PRIx64 " (%s) runs past 2^64",
				     addr, size, what);
	hole = first_unbacked(map, addr, addr + (size - 1), &all);
	if (all)
		return 0;
	return mc_map_report(map, MC_EOVERLAP, field, "0x%" PRIx64
			     "+0x%" PRIx64 " (%s) must lie in guest memory; "
			     "no RAM backs 0x%" PRIx64, addr, size, what,
			     hole);
}

int e820_check_boot_addrs(struct mc_map *map, uint64_t cmdline_addr,
			  uint64_t rsdp_addr)
{
	int err = check_range(map, "opts.cmdline_addr", cmdline_addr,
			      X86_COMMAND_LINE_SIZE,
			      "the 2048 bytes the kernel copies");

	if (!err)
		err = check_range(map, "opts.rsdp_addr", rsdp_addr,
				  ACPI_RSDP_SIZE, "the 36-byte RSDP");
	return err;
}
