// SPDX-License-Identifier: MIT
/*
 * firmware.c - /reserved-memory children a firmware writes for itself.
 *
 * OpenSBI, the M-mode firmware under every riscv64 guest we boot, adds a
 * child for each memory region it keeps from S-mode (its own image, first
 * of all) before the kernel runs: fdt_reserved_memory_fixup() in its
 * lib/utils/fdt/fdt_fixup.c names them "mmode_resv<N>@<addr>" (older
 * releases "mmode_pmp<N>@<addr>"). Such a child is kept like any base
 * child; this file only names its owner in a refusal, so the user learns
 * the range is the firmware's and not the VMM's.
 */
#include <string.h>
#include <libfdt.h>
#include "dt-internal.h"

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *dt_firmware_owner(const char *node_name)
{
	if (node_name && (has_prefix(node_name, "mmode_resv") ||
			  has_prefix(node_name, "mmode_pmp")))
		return "OpenSBI's own region: its PMP keeps the kernel out";
	return NULL;
}

/*
 * The guest arch a tree names, where the tree says it for sure: every
 * riscv64 CPU node is compatible with "riscv" (the kernel's riscv/cpus
 * binding, and what arch/riscv's riscv_of_processor_hartid() checks), so
 * a tree holding one is a RISC-V guest's. Others: MC_ARCH_NONE, unknown.
 */
enum mc_arch dt_arch_of(const void *fdt)
{
	return fdt_node_offset_by_compatible(fdt, -1, "riscv") >= 0 ?
		       MC_ARCH_RISCV64 : MC_ARCH_NONE;
}
