/* SPDX-License-Identifier: MIT */
/*
 * bootparam.h - byte offsets in struct boot_params (the zero page) and
 * struct setup_data, from arch/x86/include/uapi/asm/bootparam.h.
 *
 * The setup header keeps the same offsets in a bzImage file and in
 * boot_params. The asserts chain each field to the one before it, so a
 * wrong offset cannot compile.
 */
#ifndef MC_E820_BOOTPARAM_H
#define MC_E820_BOOTPARAM_H

#include "memcarve-e820.h"

#define BP_ACPI_RSDP_ADDR	0x070	/* u64, protocol 2.14 */
#define BP_EXT_RAMDISK_IMAGE	0x0c0	/* u32, high half */
#define BP_EXT_RAMDISK_SIZE	0x0c4	/* u32, high half */
#define BP_EXT_CMD_LINE_PTR	0x0c8	/* u32, high half */
#define BP_E820_ENTRIES		0x1e8	/* u8 */
#define BP_SENTINEL		0x1ef	/* u8 */
#define BP_SETUP_SECTS		0x1f1	/* u8: the setup header starts */
#define BP_BOOT_FLAG		0x1fe	/* u16, 0xAA55 */
#define BP_JUMP			0x200	/* u16: EB, displacement */
#define BP_HEADER		0x202	/* u32, "HdrS" */
#define BP_VERSION		0x206	/* u16 */
#define BP_KERNEL_VERSION	0x20e	/* u16: the string's offset - 0x200 */
#define BP_TYPE_OF_LOADER	0x210	/* u8 */
#define BP_LOADFLAGS		0x211	/* u8 */
#define BP_RAMDISK_IMAGE	0x218	/* u32 */
#define BP_RAMDISK_SIZE		0x21c	/* u32 */
#define BP_CMD_LINE_PTR		0x228	/* u32 */
#define BP_XLOADFLAGS		0x236	/* u16, protocol 2.12 */
#define BP_CMDLINE_SIZE		0x238	/* u32, protocol 2.06 */
#define BP_SETUP_DATA		0x250	/* u64, protocol 2.09 */
#define BP_PREF_ADDRESS		0x258	/* u64, protocol 2.10 */
#define BP_INIT_SIZE		0x260	/* u32, protocol 2.10 */
#define BP_HDR_ROOM		0x290	/* edd_mbr_sig_buffer: header ends before */
#define BP_E820_TABLE		0x2d0	/* boot_e820_entry[128] */
#define BP_E820_TABLE_END	0xcd0

/* The header up to the jump's target: what every image has. */
#define BP_HDR_END_MIN		(BP_HEADER + 4)

/* struct setup_data */
#define SD_NEXT			0	/* u64 */
#define SD_TYPE			8	/* u32 */
#define SD_LEN			12	/* u32 */
#define SD_DATA			16

/* Chained from the previous field (offset + size) where they are adjacent. */
_Static_assert(BP_SENTINEL + 2 == BP_SETUP_SECTS, "sentinel, pad, hdr");
_Static_assert(BP_SETUP_SECTS + 1 + 2 + 4 + 2 + 2 + 2 == BP_BOOT_FLAG,
	       "setup_sects root_flags syssize ram_size vid_mode root_dev");
_Static_assert(BP_BOOT_FLAG + 2 == BP_JUMP && BP_JUMP + 2 == BP_HEADER &&
	       BP_HEADER + 4 == BP_VERSION, "boot_flag jump header version");
_Static_assert(BP_VERSION + 2 + 4 + 2 == BP_KERNEL_VERSION &&
	       BP_KERNEL_VERSION + 2 == BP_TYPE_OF_LOADER,
	       "version realmode_swtch start_sys_seg kernel_version");
_Static_assert(BP_TYPE_OF_LOADER + 1 == BP_LOADFLAGS &&
	       BP_LOADFLAGS + 1 + 2 + 4 == BP_RAMDISK_IMAGE &&
	       BP_RAMDISK_IMAGE + 4 == BP_RAMDISK_SIZE, "loader, ramdisk");
_Static_assert(BP_RAMDISK_SIZE + 4 + 4 + 2 + 1 + 1 == BP_CMD_LINE_PTR,
	       "bootsect_kludge heap_end_ptr ext_loader_ver/type");
_Static_assert(BP_CMD_LINE_PTR + 4 + 4 + 4 + 1 + 1 == BP_XLOADFLAGS &&
	       BP_XLOADFLAGS + 2 == BP_CMDLINE_SIZE,
	       "initrd_addr_max kernel_alignment relocatable min_alignment");
_Static_assert(BP_CMDLINE_SIZE + 4 + 4 + 8 + 4 + 4 == BP_SETUP_DATA,
	       "hardware_subarch(_data) payload_offset/length");
_Static_assert(BP_SETUP_DATA + 8 == BP_PREF_ADDRESS &&
	       BP_PREF_ADDRESS + 8 == BP_INIT_SIZE, "setup_data pref init");
_Static_assert(BP_INIT_SIZE + 4 + 4 + 4 <= BP_HDR_ROOM,
	       "handover_offset kernel_info_offset fit before 0x290");
_Static_assert(BP_HDR_ROOM + 16 * 4 == BP_E820_TABLE,
	       "edd_mbr_sig_buffer[16] precedes the e820 table");
_Static_assert(BP_E820_TABLE + MC_E820_ZEROPAGE_MAX * MC_E820_ENTRY_SIZE ==
	       BP_E820_TABLE_END && BP_E820_TABLE_END <= MC_ZEROPAGE_SIZE,
	       "e820_table[128] of 20-byte entries");
_Static_assert(BP_EXT_RAMDISK_IMAGE + 4 == BP_EXT_RAMDISK_SIZE &&
	       BP_EXT_RAMDISK_SIZE + 4 == BP_EXT_CMD_LINE_PTR, "ext_*");
_Static_assert(SD_NEXT + 8 == SD_TYPE && SD_TYPE + 4 == SD_LEN &&
	       SD_LEN + 4 == SD_DATA && SD_DATA == MC_SETUP_DATA_HDR,
	       "struct setup_data");
_Static_assert(8 + 8 + 4 == MC_E820_ENTRY_SIZE, "boot_e820_entry, packed");

#endif /* MC_E820_BOOTPARAM_H */
