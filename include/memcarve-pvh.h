/* SPDX-License-Identifier: MIT */
/*
 * memcarve-pvh.h - the carved map as a PVH start_info block, the way
 * Firecracker, Cloud Hypervisor and libkrun boot an x86_64 Linux.
 *
 * A PVH boot enters the ELF vmlinux at the 32-bit address its
 * XEN_ELFNOTE_PHYS32_ENTRY note gives, with %ebx pointing at a
 * struct hvm_start_info (Xen's public arch-x86/hvm/start_info.h). Version
 * 1 of that struct points at a table of hvm_memmap_table_entry, the memory
 * map; Linux copies it into a zero page of its own
 * (arch/x86/platform/pvh/enlighten.c, init_pvh_bootparams()).
 *
 * What that copy means for a VMM (checked by mc_pvh_build()):
 *  - it copies memmap_entries entries into boot_params.e820_table[128]
 *    with no bound: a 129th entry overwrites the zero page after the
 *    table. The table holds at most MC_PVH_MAX_ENTRIES (128) entries.
 *  - below 127 entries it appends the ISA range 0xa0000-0xfffff as
 *    reserved, before the kernel sanitizes the table; a map that declares
 *    that range reserved itself prints the same table either way.
 *  - it reads the memmap and the module list through its early page
 *    tables, which map only the first GiB: the whole block lies below
 *    1 GiB (MC_PVH_ADDR_LIMIT). start_info itself is copied through %ebx.
 *  - cmdline_paddr and the first module (the initrd) go into 32-bit
 *    boot_params fields (hdr.cmd_line_ptr, hdr.ramdisk_image and
 *    ramdisk_size): each must lie below 4 GiB.
 *  - version 0, or no memmap, is a BUG() outside Xen: the block is always
 *    version 1 with the memmap.
 */
#ifndef MEMCARVE_PVH_H
#define MEMCARVE_PVH_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"
#include "memcarve-e820.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MC_PVH_MAGIC		0x336ec578u	/* XEN_HVM_START_MAGIC_VALUE */
#define MC_PVH_VERSION		1u
#define MC_PVH_START_INFO_SIZE	56	/* struct hvm_start_info, version 1 */
#define MC_PVH_MODLIST_SIZE	32	/* struct hvm_modlist_entry */
#define MC_PVH_MEMMAP_SIZE	24	/* struct hvm_memmap_table_entry */
#define MC_PVH_MAX_ENTRIES	128	/* pvh_bootparams.e820_table[] */
#define MC_PVH_ISA_ADDED_BELOW	127	/* fewer entries: the kernel adds ISA */
#define MC_PVH_ADDR_LIMIT	0x40000000ull	/* 1 GiB: early page tables */
#define MC_PVH_ELFNOTE_PHYS32_ENTRY 18	/* XEN_ELFNOTE_PHYS32_ENTRY */

/**
 * struct mc_pvh_opts - where the block goes and what it points at
 * @start_info_addr:	guest address the block is loaded at (%ebx): 8-byte
 *			aligned, not 0; the whole block below 1 GiB and in
 *			one usable entry of the table
 * @cmdline_addr:	guest address of the NUL-terminated command line,
 *			0 none; below 4 GiB
 * @initrd_addr:	guest address of the initrd, 0 none (one module
 *			entry); below 4 GiB
 * @initrd_size:	its size in bytes; below 4 GiB; given with @initrd_addr
 * @rsdp_addr:		guest address of the ACPI RSDP, 0 none
 * @kernel:		the ELF vmlinux, or NULL: its PVH note is checked
 *			(mc_pvh_kernel()) and its load range must be usable
 * @kernel_len:		bytes at @kernel
 * @kernel_name:	its name in diagnostics, NULL for "vmlinux"
 * @flags:		MC_E820_LEGACY_HOLE: nothing usable in 0xa0000-0xfffff
 * @reserved:		must be zero
 *
 * As for a zero page (mc_e820_boot_check()), the command line and RSDP
 * must lie in backed memory and the initrd in usable RAM.
 * mc_pvh_opts_init() sets every field to 0: @start_info_addr must then
 * be given.
 */
struct mc_pvh_opts {
	uint64_t start_info_addr;
	uint64_t cmdline_addr;
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint64_t rsdp_addr;
	const void *kernel;
	size_t kernel_len;
	const char *kernel_name;
	uint32_t flags;
	uint64_t reserved[4];
};

/**
 * mc_pvh_opts_init() - the defaults
 * @opts:	filled in
 */
void mc_pvh_opts_init(struct mc_pvh_opts *opts);

/**
 * mc_pvh_build() - the start_info block for the carved map
 * @map:	a carved map, arch x86_64 or unset; receives diagnostics
 * @opts:	addresses; NULL is refused (start_info_addr has no default)
 * @buf:	where the block goes (may be NULL when *@size is 0)
 * @size:	in: room at @buf in bytes; out: the block's length (written
 *		or, on MC_ENOSPC, needed)
 *
 * The block, loaded at @opts->start_info_addr: struct hvm_start_info
 * (magic, version 1, flags 0, nr_modules 0 or 1, the addresses), then the
 * initrd's hvm_modlist_entry if there is one, then the memmap: the same
 * sanitized table mc_e820_build() gives, one 24-byte entry each. Every
 * rule is checked before the size: a call with *@size 0 already reports
 * a map or options that cannot boot.
 * Return: 0; MC_ENOSPC (nothing written, no diagnostic); MC_EINVAL (an
 * option missing or malformed, reserved not zero), MC_EALIGN
 * (start_info_addr), MC_ERANGE (a limit above), MC_EOVERLAP (the block,
 * kernel or initrd not in usable RAM, the command line or RSDP not in
 * backed memory), MC_EBADBLOB (@opts->kernel), MC_ESTATE (not carved),
 * each with a diagnostic.
 */
int mc_pvh_build(struct mc_map *map, const struct mc_pvh_opts *opts,
		 void *buf, size_t *size);

/**
 * mc_pvh_build_alloc() - mc_pvh_build() into a buffer of its own
 * @map:	as mc_pvh_build()
 * @opts:	as mc_pvh_build()
 * @out:	set to the block (free with mc_free()), NULL on error
 * @size:	set to its length, 0 on error
 *
 * Return: as mc_pvh_build() but MC_ENOSPC; MC_ENOMEM.
 */
int mc_pvh_build_alloc(struct mc_map *map, const struct mc_pvh_opts *opts,
		       void **out, size_t *size);

/**
 * struct mc_pvh_kernel - what an ELF vmlinux says about its PVH entry
 * @entry:	physical address of the 32-bit PVH entry (the note's value)
 * @load_first:	lowest physical address of its PT_LOAD segments
 * @load_last:	last byte of the highest one (memsz: .bss and .brk too)
 */
struct mc_pvh_kernel {
	uint64_t entry;
	uint64_t load_first;
	uint64_t load_last;
};

/**
 * mc_pvh_kernel() - read and check an ELF vmlinux for a PVH boot
 * @map:	receives the diagnostic
 * @name:	the file's name in diagnostics
 * @elf:	the file
 * @len:	its length
 * @out:	filled on success
 *
 * An x86_64 ELF64 little-endian executable with at least one PT_LOAD and
 * a "Xen" note of type XEN_ELFNOTE_PHYS32_ENTRY (18) in a PT_NOTE segment,
 * whose 4- or 8-byte value lies below 4 GiB and inside a PT_LOAD (Linux
 * writes it with CONFIG_PVH, arch/x86/platform/pvh/head.S).
 * Return: 0, or MC_EBADBLOB with a diagnostic on "image" saying what is
 * missing (a bzImage is named as such: PVH loads the vmlinux inside it).
 */
int mc_pvh_kernel(struct mc_map *map, const char *name, const void *elf,
		  size_t len, struct mc_pvh_kernel *out);

/**
 * mc_pvh_decode() - a block from mc_pvh_build() read back
 * @map:	receives one region per memmap entry (types as
 *		mc_e820_raw_decode()); arch set to x86_64
 * @blob:	the bytes: magic, version 1 or later, the module list (if
 *		any) and the memmap inside the blob, placed as
 *		mc_pvh_build() places them
 * @len:	their length
 *
 * Return: 0; MC_EBADBLOB without a diagnostic when @blob does not start
 * with the magic; MC_EBADBLOB with one when it does but the rest is not
 * a block memcarve can read; MC_ENOMEM.
 */
int mc_pvh_decode(struct mc_map *map, const void *blob, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_PVH_H */
