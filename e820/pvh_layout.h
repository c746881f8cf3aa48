/* SPDX-License-Identifier: MIT */
/*
 * pvh_layout.h - byte offsets in struct hvm_start_info and its two
 * arrays, from Xen's public arch-x86/hvm/start_info.h (Linux's copy:
 * include/xen/interface/hvm/start_info.h). Every field little-endian.
 *
 * The asserts chain each field to the one before it, so a wrong offset
 * cannot compile.
 */
#ifndef MC_E820_PVH_LAYOUT_H
#define MC_E820_PVH_LAYOUT_H

#include "memcarve-pvh.h"

/* struct hvm_start_info */
#define SI_MAGIC		0	/* u32, XEN_HVM_START_MAGIC_VALUE */
#define SI_VERSION		4	/* u32, 1: memmap fields present */
#define SI_FLAGS		8	/* u32, SIF_* (Xen only) */
#define SI_NR_MODULES		12	/* u32 */
#define SI_MODLIST_PADDR	16	/* u64, hvm_modlist_entry[] */
#define SI_CMDLINE_PADDR	24	/* u64, NUL-terminated */
#define SI_RSDP_PADDR		32	/* u64 */
#define SI_MEMMAP_PADDR		40	/* u64, version 1: memmap[] */
#define SI_MEMMAP_ENTRIES	48	/* u32, version 1 */
#define SI_RESERVED		52	/* u32, version 1, zero */
#define SI_END			56

/* struct hvm_modlist_entry */
#define MOD_PADDR		0	/* u64 */
#define MOD_SIZE		8	/* u64 */
#define MOD_CMDLINE_PADDR	16	/* u64, the module's own line */
#define MOD_RESERVED		24	/* u64 */
#define MOD_END			32

/* struct hvm_memmap_table_entry */
#define MM_ADDR			0	/* u64 */
#define MM_SIZE			8	/* u64 */
#define MM_TYPE			16	/* u32, XEN_HVM_MEMMAP_TYPE_* = e820 */
#define MM_RESERVED		20	/* u32, zero in version 1 */
#define MM_END			24

_Static_assert(SI_MAGIC + 4 == SI_VERSION && SI_VERSION + 4 == SI_FLAGS &&
	       SI_FLAGS + 4 == SI_NR_MODULES &&
	       SI_NR_MODULES + 4 == SI_MODLIST_PADDR, "magic..nr_modules");
_Static_assert(SI_MODLIST_PADDR + 8 == SI_CMDLINE_PADDR &&
	       SI_CMDLINE_PADDR + 8 == SI_RSDP_PADDR &&
	       SI_RSDP_PADDR + 8 == SI_MEMMAP_PADDR, "the version 0 addresses");
_Static_assert(SI_MEMMAP_PADDR + 8 == SI_MEMMAP_ENTRIES &&
	       SI_MEMMAP_ENTRIES + 4 == SI_RESERVED &&
	       SI_RESERVED + 4 == SI_END &&
	       SI_END == MC_PVH_START_INFO_SIZE, "version 1 fields");
_Static_assert(MOD_PADDR + 8 == MOD_SIZE && MOD_SIZE + 8 == MOD_CMDLINE_PADDR &&
	       MOD_CMDLINE_PADDR + 8 == MOD_RESERVED &&
	       MOD_RESERVED + 8 == MOD_END && MOD_END == MC_PVH_MODLIST_SIZE,
	       "hvm_modlist_entry");
_Static_assert(MM_ADDR + 8 == MM_SIZE && MM_SIZE + 8 == MM_TYPE &&
	       MM_TYPE + 4 == MM_RESERVED && MM_RESERVED + 4 == MM_END &&
	       MM_END == MC_PVH_MEMMAP_SIZE, "hvm_memmap_table_entry");
/* The arrays follow start_info 8-byte aligned, as their u64 fields want. */
_Static_assert(SI_END % 8 == 0 && MOD_END % 8 == 0, "u64 alignment");

#endif /* MC_E820_PVH_LAYOUT_H */
