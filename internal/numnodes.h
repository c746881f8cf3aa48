/* SPDX-License-Identifier: MIT */
/*
 * numnodes.h - the guest kernel's MAX_NUMNODES, which bounds the NUMA
 * nodes a tree (dt/) or an SRAT (acpi/) may hand it. Not installed.
 */
#ifndef MC_INTERNAL_NUMNODES_H
#define MC_INTERNAL_NUMNODES_H

#include <stdbool.h>
#include <stdint.h>
#include "memcarve.h"

/*
 * Debian's MAX_NUMNODES, 1 << CONFIG_NODES_SHIFT, the same in bookworm's
 * 6.1, trixie's 6.12 and sid's kernels: what a map is checked against
 * when the caller gives no other (opts.max_numnodes = 0).
 */
static inline uint32_t mc_debian_max_numnodes(enum mc_arch arch)
{
	switch (arch) {
	case MC_ARCH_X86_64:
		return 1024;	/* amd64: NODES_SHIFT=10 */
	case MC_ARCH_PPC64:
		return 256;	/* powerpc64le: NODES_SHIFT=8 */
	case MC_ARCH_RISCV64:
		return 4;	/* riscv64: NODES_SHIFT=2 */
	default:
		return 16;	/* arm64: NODES_SHIFT=4 */
	}
}

/* A MAX_NUMNODES a kernel can have: 1 << CONFIG_NODES_SHIFT, shift 1..10. */
static inline bool mc_numnodes_valid(uint32_t n)
{
	return n >= 2 && n <= MC_MAX_NUMNODES && (n & (n - 1)) == 0;
}

#endif /* MC_INTERNAL_NUMNODES_H */
