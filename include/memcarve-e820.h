/* SPDX-License-Identifier: MIT */
/*
 * memcarve-e820.h - the carved map as an x86 e820 table, a zero page
 * (struct boot_params) and a SETUP_E820_EXT setup_data node.
 *
 * A VMM calls these directly: mc_e820_boot_build() gives in one call the
 * zero page and SETUP_E820_EXT node of a 64-bit boot, with every rule
 * checked. Its parts are public too: mc_e820_build() turns a carved map
 * into sanitized entries, mc_e820_check() and mc_e820_boot_check() apply
 * the layout rules a guest relies on, mc_e820_zeropage() and
 * mc_e820_setup_data() write the bytes the kernel reads at boot.
 *
 * Types follow the carved result: RAM pieces are usable (1);
 * every reserved piece (any IOMMU type, backed or not) and every mmio piece
 * inside RAM is reserved (2); acpi is 3, nvs 4, pmem 7. A reserved range
 * that RAM still backs stays type 2: Linux requires an RMRR to be covered
 * by E820 reserved. mmio windows outside RAM (a PCI hole) are left out, as
 * firmware does, so the kernel can place BARs there.
 *
 * The entries are then sanitized with the kernel's own algorithm
 * (arch/x86/kernel/e820.c, e820__update_table()), so what the guest prints
 * equals what mc_e820_format_line() prints.
 *
 * Buffers, sizes, options and ownership follow the emitter convention of
 * memcarve.h: every function that fills a caller buffer takes an in/out
 * size_t *size (room in, length written or needed out; MC_ENOSPC writes
 * nothing), counted in entries for tables of struct mc_e820_entry and in
 * bytes otherwise; mc_e820_build_alloc()'s table is freed with mc_free().
 * Errors other than MC_ENOSPC leave a diagnostic in the map, when there is
 * one (mc_map_error()).
 */
#ifndef MEMCARVE_E820_H
#define MEMCARVE_E820_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

/* e820 types (arch/x86/include/asm/e820/types.h). */
#define MC_E820_RAM		1u
#define MC_E820_RESERVED	2u
#define MC_E820_ACPI		3u
#define MC_E820_NVS		4u
#define MC_E820_UNUSABLE	5u
#define MC_E820_PMEM		7u
#define MC_E820_PRAM		12u
#define MC_E820_SOFT_RESERVED	0xefffffffu

#define MC_E820_ENTRY_SIZE	20	/* struct boot_e820_entry, packed */
#define MC_E820_ZEROPAGE_MAX	128	/* E820_MAX_ENTRIES_ZEROPAGE */
#define MC_ZEROPAGE_SIZE	4096	/* struct boot_params */
#define MC_SETUP_DATA_HDR	16	/* struct setup_data before data[] */
#define MC_SETUP_E820_EXT	1u

/**
 * struct mc_e820_entry - one e820 entry, as the kernel holds it
 * @addr:	first byte
 * @size:	bytes; an entry may end at 2^64 - 1 (addr + size == 2^64)
 * @type:	MC_E820_* type
 *
 * A host struct for the API; the 20-byte wire format is written by
 * mc_e820_encode() and the zero page functions, field by field.
 */
struct mc_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};

/**
 * mc_e820_sanitize() - the kernel's e820__update_table() on an array
 * @in:		entries in any order, possibly overlapping
 * @n:		how many
 * @out:	where the result goes; must not overlap @in; may be NULL
 *		when *@size is 0
 * @size:	in: room in @out, in entries; out: the number of result
 *		entries (the number needed on MC_ENOSPC)
 *
 * The change-point sweep of Linux: sorted by address, on overlap the
 * highest type wins, touching entries of one type merge, zero-size entries
 * are dropped; PRAM and SOFT_RESERVED entries are never merged. Entries
 * that end at 2^64 - 1 are handled (the kernel refuses to sanitize a table
 * holding one and keeps it as given; a table that is already sanitized is
 * the same either way).
 *
 * Return: 0; MC_ENOSPC when *@size is too small; MC_ERANGE when an entry
 * wraps past 2^64 or the result would need an entry of 2^64 bytes;
 * MC_ENOMEM. This function has no map, so no diagnostic.
 */
int mc_e820_sanitize(const struct mc_e820_entry *in, size_t n,
		     struct mc_e820_entry *out, size_t *size);

/*
 * MC_E820_AS_X86: what an x86 guest is told of the map, whatever arch it
 * names (without it, a map of another arch is refused): the command
 * line's x86 style writes its memmap= tokens from this table, so the e820
 * table and the command line share one kind-to-type mapping.
 */
#define MC_E820_AS_X86		(1u << 0)

/**
 * struct mc_e820_opts - how to build the table
 * @flags:	MC_E820_AS_X86
 * @reserved:	must be zero
 */
struct mc_e820_opts {
	unsigned int flags;
	uint64_t reserved[4];
};

/**
 * mc_e820_opts_init() - the defaults: no flags
 * @opts:	filled in
 */
void mc_e820_opts_init(struct mc_e820_opts *opts);

/**
 * mc_e820_build() - the carved map as sanitized e820 entries
 * @map:	a carved map; its arch must be x86_64 or unset (any arch
 *		with MC_E820_AS_X86)
 * @opts:	options, or NULL for the defaults
 * @entries:	where the entries go; may be NULL when *@size is 0
 * @size:	in: room at @entries, in entries; out: the number of
 *		entries (needed, on MC_ENOSPC)
 *
 * Return: 0; MC_ENOSPC (no diagnostic); MC_ESTATE if the map is not
 * carved, MC_EINVAL for another arch or a bad option, MC_ERANGE for a
 * table that cannot be written (one entry covering all 2^64 bytes). It
 * allocates nothing.
 */
int mc_e820_build(struct mc_map *map, const struct mc_e820_opts *opts,
		  struct mc_e820_entry *entries, size_t *size);

/**
 * mc_e820_build_alloc() - mc_e820_build() into a buffer of its own
 * @map:	a carved map
 * @opts:	options, or NULL for the defaults
 * @out:	set to the entries (free with mc_free()), NULL on error
 * @size:	set to the number of entries, 0 on error
 *
 * The same table as mc_e820_build() in one pass over the carved result,
 * where asking for the size first takes two.
 * Return: 0; the errors of mc_e820_build() but MC_ENOSPC, each with a
 * diagnostic (MC_ENOMEM too).
 */
int mc_e820_build_alloc(struct mc_map *map, const struct mc_e820_opts *opts,
			struct mc_e820_entry **out, size_t *size);

/**
 * struct mc_e820_need - a range the guest needs as usable RAM
 * @what:	its name in diagnostics ("kernel", "initrd", "setup_data")
 * @first:	first byte
 * @last:	last byte (inclusive)
 */
struct mc_e820_need {
	const char *what;
	uint64_t first;
	uint64_t last;
};

/*
 * The guest kernel's table capacity, E820_MAX_ENTRIES = 128 + 3 *
 * MAX_NUMNODES (arch/x86/include/asm/e820/types.h), MAX_NUMNODES being
 * 1 << CONFIG_NODES_SHIFT (1 without NUMA: 131 entries). The default is
 * Debian's amd64 kernels, 6.1 to 7.2: CONFIG_NODES_SHIFT=10, 3200.
 */
#define MC_E820_NODES_SHIFT_DEBIAN	10
#define MC_E820_NODES_SHIFT_MAX		10	/* x86 Kconfig: range 1 10 */
#define MC_E820_MAX_ENTRIES_DEFAULT	3200

/**
 * mc_e820_max_entries() - E820_MAX_ENTRIES of a kernel configuration
 * @nodes_shift:	CONFIG_NODES_SHIFT, 0 for a kernel without NUMA
 *
 * Return: 128 + 3 * (1 << @nodes_shift), or 0 past MC_E820_NODES_SHIFT_MAX.
 */
size_t mc_e820_max_entries(unsigned int nodes_shift);

/**
 * mc_e820_boot_entries() - the most entries the kernel holds at boot
 * @e:			a sanitized table
 * @n:			its entries
 * @setup_data:		the setup_data nodes (each in one usable entry)
 * @n_setup_data:	how many
 * @version:		MC_LINUX_VERSION() of the guest, MC_LINUX_NEWEST
 *
 * The kernel splits entries of ours before it sanitizes again: the first
 * 4K page of RAM at 0 becomes reserved, RAM running through 0xa0000-
 * 0xfffff is cut there, and every setup_data node is reserved inside its
 * RAM entry (in the working table up to 6.14, in the kexec copy always).
 * Return: @n plus those entries, what must fit in E820_MAX_ENTRIES.
 */
size_t mc_e820_boot_entries(const struct mc_e820_entry *e, size_t n,
			    const struct mc_e820_need *setup_data,
			    size_t n_setup_data, uint32_t version);

/**
 * struct mc_e820_rules - the layout rules mc_e820_check() applies
 * @legacy_hole:	RAM below 1 MiB must end at 640K: nothing usable in
 *			0xa0000-0xfffff (VGA window, option and BIOS ROMs)
 * @need:		ranges that must lie in usable (type 1) entries
 * @n_need:		how many
 * @max_entries:	the guest's E820_MAX_ENTRIES; 0 for
 *			MC_E820_MAX_ENTRIES_DEFAULT
 * @setup_data:		setup_data nodes the guest gets (our SETUP_E820_EXT
 *			node): they must lie in usable entries too, and the
 *			kernel splits those to reserve them
 * @n_setup_data:	how many
 * @linux_version:	the guest's release (MC_LINUX_VERSION()), or
 *			MC_LINUX_NEWEST; it decides how the kernel splits
 * @reserved:		must be zero (room for fields of later 1.x releases)
 */
struct mc_e820_rules {
	bool legacy_hole;
	const struct mc_e820_need *need;
	size_t n_need;
	size_t max_entries;
	const struct mc_e820_need *setup_data;
	size_t n_setup_data;
	uint32_t linux_version;
	uint64_t reserved[4];
};

/**
 * mc_e820_check() - check a table against the x86 layout rules
 * @map:	the map, for diagnostics
 * @e:		a table from mc_e820_build()
 * @n:		its entries
 * @rules:	what to check
 *
 * Always checks that the entries are sorted and never overlap (what the
 * kernel assumes after sanitizing), that there are at least two (Linux
 * ignores a shorter table: append_e820_table()) and that the kernel's
 * table holds them and the entries it adds (mc_e820_boot_entries()), with
 * the defaults when @rules is NULL. Every broken rule gets a diagnostic
 * naming the option at fault and the ranges or the limit.
 * Return: 0, or the code of the first broken rule: MC_EOVERLAP (overlap,
 * legacy hole, a needed range not usable), MC_EINVAL (too few entries) or
 * MC_ERANGE (more than the kernel holds).
 */
int mc_e820_check(struct mc_map *map, const struct mc_e820_entry *e, size_t n,
		  const struct mc_e820_rules *rules);

/*
 * A Linux release, as the kernel's KERNEL_VERSION(major, minor, 0) spells
 * it, for the functions that print what a given kernel prints.
 * MC_LINUX_NEWEST (0) is the newest generation memcarve knows; releases
 * before MC_LINUX_OLDEST print soft reserved entries differently and are
 * refused.
 */
#define MC_LINUX_VERSION(major, minor) \
	(((uint32_t)(major) << 16) | ((uint32_t)(minor) << 8))
#define MC_LINUX_NEWEST		0u
#define MC_LINUX_OLDEST		MC_LINUX_VERSION(5, 5)

/**
 * mc_linux_version() - read a release: "6.1", "7.2.13+deb14-amd64 (...)"
 * @s:		the text; MAJOR.MINOR, then its end or any non-digit
 * @version:	set to MC_LINUX_VERSION(MAJOR, MINOR)
 *
 * The form of --linux and of a bzImage's kernel_version string.
 * Return: 0, or MC_EINVAL (no MAJOR.MINOR, or a part over 255).
 */
int mc_linux_version(const char *s, uint32_t *version);

/**
 * mc_e820_type_name() - the type as Linux 6.1 prints it (e820_print_type)
 * @type:	an e820 type
 * @buf:	room for unknown types ("type 9"), at least 16 bytes
 * @len:	size of @buf
 *
 * Return: "usable", "reserved", "ACPI data", "ACPI NVS", "unusable",
 * "persistent (type 7)", "persistent (type 12)", "soft reserved", or
 * "type N" written into @buf.
 */
const char *mc_e820_type_name(uint32_t type, char *buf, size_t len);

/**
 * mc_e820_type_name_linux() - the type as a given release prints it
 * @type:	an e820 type
 * @version:	MC_LINUX_VERSION(), or MC_LINUX_NEWEST
 * @buf:	room for unknown types, at least 16 bytes
 * @len:	size of @buf
 *
 * Before 7.0 as mc_e820_type_name(), but that type 128 (RESERVED_KERN,
 * never in a table memcarve writes) is "usable" only before 6.15. From
 * 7.0: "System RAM", "device reserved", "persistent RAM (type 7)" and
 * "(type 12)"; the other names are unchanged.
 * Return: the name, or "type N" written into @buf.
 */
const char *mc_e820_type_name_linux(uint32_t type, uint32_t version,
				    char *buf, size_t len);

/**
 * mc_e820_format_line() - one entry as Linux 6.1 logs it
 * @e:		the entry
 * @who:	the prefix: "BIOS-e820" for the zero-page table, "extended"
 *		after a SETUP_E820_EXT node
 * @buf:	output, NUL-terminated, no newline; may be NULL when *@size
 *		is 0
 * @size:	in: bytes at @buf; out: the line's length with its NUL
 *		(needed, on MC_ENOSPC); 80 bytes always suffice for a
 *		9-letter @who
 *
 * "BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable"
 * Return: 0 or MC_ENOSPC (nothing written).
 */
int mc_e820_format_line(const struct mc_e820_entry *e, const char *who,
			char *buf, size_t *size);

/**
 * mc_e820_print() - a whole table exactly as a given release logs it
 * @e:		entries, in the order the kernel holds them
 * @n:		how many
 * @who:	the prefix: "BIOS-e820", "extended", "user", "modified"
 * @version:	MC_LINUX_VERSION(), or MC_LINUX_NEWEST
 * @buf:	output; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: the size of the text with its NUL
 *		(written, or needed on MC_ENOSPC)
 *
 * e820__print_table(): before 7.0 one "WHO: [mem 0x...-0x...] TYPE" line
 * per entry (mc_e820_format_line()). From 7.0 "WHO: [mem 0x...-0x...]  TYPE"
 * with the new names (two spaces), and before an entry that starts above
 * the end of the one before it (or above 0, for the first) a line
 * "WHO: [gap 0x...-0x...]"; one that starts below it gets the kernel's
 * "[Firmware Bug]: out of order E820 entry!" line first. Every line ends
 * in a newline; then a NUL.
 * Return: 0, MC_ENOSPC (nothing written), MC_EINVAL (@version before
 * MC_LINUX_OLDEST) or MC_ERANGE (the size does not fit a size_t).
 */
int mc_e820_print(const struct mc_e820_entry *e, size_t n, const char *who,
		  uint32_t version, char *buf, size_t *size);

/**
 * mc_e820_encode() - entries as a raw array of 20-byte boot_e820_entry
 * @e:		entries
 * @n:		how many
 * @buf:	output; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: 20 * @n (written, or needed)
 *
 * The layout of boot_params.e820_table, of a SETUP_E820_EXT payload and of
 * an int 15h/e820 BIOS table: u64 addr, u64 size, u32 type, little-endian.
 * Return: 0, MC_ENOSPC or MC_ERANGE (the size does not fit a size_t).
 */
int mc_e820_encode(const struct mc_e820_entry *e, size_t n, void *buf,
		   size_t *size);

/**
 * mc_e820_ext_count() - entries that do not fit in the zero page
 * @n:		entries in the table
 *
 * Return: the number that go into a SETUP_E820_EXT node, 0 if none.
 */
size_t mc_e820_ext_count(size_t n);

/**
 * struct mc_bzimage - what a bzImage's setup header says
 * @version:		boot protocol, 0x020f for 2.15
 * @hdr_end:		offset just past the setup header (0x202 + jump byte)
 * @setup_sects:	sectors of real-mode setup code
 * @loadflags:		loadflags byte
 * @xloadflags:		xloadflags (protocol >= 2.12, else 0)
 * @cmdline_size:	longest command line without its NUL (>= 2.06, else 255)
 * @pref_address:	where the kernel wants to be loaded (>= 2.10)
 * @init_size:		bytes it needs there while starting (>= 2.10)
 * @linux_version:	MC_LINUX_VERSION() of the kernel_version string the
 *			header points at, 0 when it has none that reads
 * @reserved:		zeroed (fields of later 1.x releases go here)
 */
struct mc_bzimage {
	uint16_t version;
	uint32_t hdr_end;
	uint8_t setup_sects;
	uint8_t loadflags;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t linux_version;
	uint64_t reserved[4];
};

/**
 * mc_e820_bzimage() - read and check a bzImage's setup header
 * @map:	the map, for diagnostics
 * @name:	the image's name in diagnostics (a file name)
 * @image:	the image, or at least its first 0x290 bytes
 * @len:	bytes at @image
 * @out:	filled on success
 *
 * Checks the 0xAA55 boot flag, the "HdrS" magic at 0x202, a header that
 * ends inside boot_params' room for it (0x290) and the image, and a boot
 * protocol of at least 2.10 (pref_address and init_size give the load
 * range the kernel needs as RAM).
 * Return: 0 or MC_EBADBLOB with a diagnostic on "image".
 */
int mc_e820_bzimage(struct mc_map *map, const char *name, const void *image,
		    size_t len, struct mc_bzimage *out);

/* mc_e820_boot_opts.flags */
#define MC_E820_LEGACY_HOLE	(1u << 0)	/* nothing usable in 0xa0000-0xfffff */

/**
 * struct mc_e820_boot_opts - what a VMM loads besides the table, and the
 *	guest it boots; mc_e820_boot_opts_init() gives the defaults (all 0)
 * @kernel:		the bzImage, or NULL. Its load range, pref_address
 *			for init_size bytes, must be usable RAM; the zero
 *			page gets its setup header (else only boot_flag,
 *			"HdrS" and type_of_loader)
 * @kernel_len:		bytes at @kernel
 * @kernel_name:	its name in diagnostics (a file name), NULL for
 *			"opts.kernel"
 * @cmdline_addr:	guest address of the NUL-terminated command line, 0
 *			none; the 2048 bytes the kernel copies from there
 *			must be backed memory
 * @initrd_addr:	guest address of the initrd, 0 none; with
 *			@initrd_size, its bytes must be usable RAM
 * @initrd_size:	its size in bytes; given with @initrd_addr or not at
 *			all
 * @rsdp_addr:		guest address of the ACPI RSDP, 0 none; its 36 bytes
 *			must be backed memory; needs boot protocol 2.14
 * @setup_data_addr:	where the VMM loads the SETUP_E820_EXT node; needed
 *			when the table has more than 128 entries, and then
 *			the node must lie in usable RAM
 * @setup_data_next:	an existing setup_data chain to link after ours (or
 *			straight from hdr.setup_data if we add no node), 0
 *			none; needs boot protocol 2.09
 * @max_entries:	the guest's E820_MAX_ENTRIES, 0 for
 *			MC_E820_MAX_ENTRIES_DEFAULT
 * @linux_version:	the guest's release, MC_LINUX_VERSION(); 0 for the
 *			one in @kernel's header, else MC_LINUX_NEWEST. It
 *			decides how many entries the kernel adds at boot
 * @flags:		MC_E820_LEGACY_HOLE
 * @reserved:		must be zero (room for fields of later 1.x releases)
 */
struct mc_e820_boot_opts {
	const void *kernel;
	size_t kernel_len;
	const char *kernel_name;
	uint64_t cmdline_addr;
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint64_t rsdp_addr;
	uint64_t setup_data_addr;
	uint64_t setup_data_next;
	size_t max_entries;
	uint32_t linux_version;
	uint32_t flags;
	uint64_t reserved[4];
};

/**
 * mc_e820_boot_opts_init() - the defaults: no kernel, no initrd, no
 *	addresses, Debian's E820_MAX_ENTRIES, the newest release, no flags
 * @opts:	filled whole
 */
void mc_e820_boot_opts_init(struct mc_e820_boot_opts *opts);

/**
 * mc_e820_zeropage() - write a 4096-byte boot_params
 * @map:	the map, for diagnostics
 * @e:		the e820 table (sanitized, from mc_e820_build())
 * @n:		its entries; the first 128 go here, the rest in the node
 *		mc_e820_setup_data() writes at @opts->setup_data_addr
 * @opts:	the fields the zero page points at: kernel (its setup header
 *		is copied, 0x1f1 up to hdr_end; without one only boot_flag,
 *		"HdrS" and type_of_loader are written, the fields the 64-bit
 *		entry reads), cmdline_addr, initrd_addr and initrd_size,
 *		rsdp_addr (protocol 2.14), setup_data_addr and
 *		setup_data_next (2.09); the rest of @opts is not read here
 *		(mc_e820_boot_check() applies it). NULL: no kernel, no
 *		addresses.
 * @zp:		caller memory, its first MC_ZEROPAGE_SIZE bytes overwritten
 *		whole; may be NULL when *@size is 0
 * @size:	in: bytes at @zp; out: MC_ZEROPAGE_SIZE (written, or needed)
 *
 * The writer alone, for a VMM that lays out its boot itself;
 * mc_e820_boot_build() is this with every rule checked first.
 * type_of_loader is 0xff (undefined loader), sentinel 0, every field not
 * named here 0.
 * Return: 0, MC_ENOSPC (no diagnostic), MC_EBADBLOB (a bad bzImage) or
 * MC_EINVAL (a field the image's protocol lacks, a missing setup_data
 * address, a reserved word set), each with a diagnostic naming the field.
 */
int mc_e820_zeropage(struct mc_map *map, const struct mc_e820_entry *e,
		     size_t n, const struct mc_e820_boot_opts *opts, void *zp,
		     size_t *size);

/**
 * mc_e820_boot_check() - every rule an x86 boot with @opts relies on
 * @map:	the carved map the table comes from (diagnostics; the
 *		command line and RSDP are checked against its backed pieces)
 * @opts:	what the VMM loads, or NULL for the defaults
 * @e:		the table (mc_e820_build())
 * @n:		its entries
 *
 * The checks of mc_e820_check() with the ranges @opts implies: the
 * kernel's load range, the initrd and, past 128 entries, the
 * SETUP_E820_EXT node of 16 + 20 x (@n - 128) bytes at
 * @opts->setup_data_addr lie in usable entries; the table with the
 * entries the kernel adds at boot (its first page, 0xa0000-0xfffff, the
 * node) fits @opts->max_entries; with MC_E820_LEGACY_HOLE nothing usable
 * in 0xa0000-0xfffff. Then the command line and the RSDP lie in backed
 * memory of @map. Diagnostics name the field at fault ("opts.kernel:
 * 0x1000000+0x3f98000 must be usable RAM; 0x2000000+0x100000 is
 * reserved").
 * Return: 0; MC_EINVAL (a reserved field or unknown flag set, an initrd
 * address without its size or the reverse, fewer than 2 entries),
 * MC_ERANGE (a range past 2^64, more entries than the kernel holds),
 * MC_EOVERLAP (a range not in usable RAM or backed memory), MC_EBADBLOB
 * (@opts->kernel is not a bzImage of protocol 2.10 or later), MC_ESTATE
 * (a command line or RSDP address and @map not carved); each with a
 * diagnostic.
 */
int mc_e820_boot_check(struct mc_map *map,
		       const struct mc_e820_boot_opts *opts,
		       const struct mc_e820_entry *e, size_t n);

/**
 * mc_e820_boot_build() - the zero page and its SETUP_E820_EXT node
 * @map:	a carved map; its arch must be x86_64 or unset
 * @opts:	what the VMM loads, or NULL for the defaults
 * @buf:	output (may be NULL when *@size is 0)
 * @size:	in: bytes at @buf; out: bytes written (0 returned) or needed
 *		(MC_ENOSPC, nothing written, no diagnostic)
 *
 * What a VMM booting Linux through the 64-bit boot protocol needs from the
 * map, in one call: the table (mc_e820_build()), every rule of
 * mc_e820_boot_check(), then the bytes. @buf[0..4095] is the zero page
 * (mc_e820_zeropage(): setup header, type_of_loader 0xff, the addresses of
 * @opts, the first 128 entries); the VMM loads it where %rsi points at
 * entry. When the table has more than 128 entries, the rest follow at
 * @buf[4096..*@size - 1] as the SETUP_E820_EXT node (mc_e820_setup_data(),
 * linked to @opts->setup_data_next), which the VMM loads at
 * @opts->setup_data_addr, where hdr.setup_data points; else *@size is
 * 4096. The rules are checked before the size: a call with *@size 0
 * already reports a map or options that cannot boot.
 * Return: 0; MC_ENOSPC; the errors of mc_e820_build(),
 * mc_e820_boot_check() and mc_e820_zeropage() (a missing
 * @opts->setup_data_addr, a field the kernel's protocol lacks), each with
 * a diagnostic.
 */
int mc_e820_boot_build(struct mc_map *map,
		       const struct mc_e820_boot_opts *opts, void *buf,
		       size_t *size);

/**
 * mc_e820_boot_build_alloc() - mc_e820_boot_build() into a buffer of its own
 * @map:	a carved map
 * @opts:	what the VMM loads, or NULL for the defaults
 * @out:	set to the bytes (free with mc_free()), NULL on error
 * @size:	set to their length, 0 on error
 *
 * Return: as mc_e820_boot_build(), never MC_ENOSPC.
 */
int mc_e820_boot_build_alloc(struct mc_map *map,
			     const struct mc_e820_boot_opts *opts, void **out,
			     size_t *size);

/**
 * mc_e820_setup_data() - the SETUP_E820_EXT node for entries 128 and up
 * @e:		the whole e820 table
 * @n:		its entries; must be more than 128
 * @next:	the setup_data node after ours, 0 for the end of the chain
 * @buf:	output; may be NULL when *@size is 0
 * @size:	in: bytes at @buf; out: 16 + 20 * (@n - 128) (written, or
 *		needed)
 *
 * struct setup_data { u64 next; u32 type = 1; u32 len; u8 data[len]; },
 * data holding the entries past the zero page.
 * Return: 0, MC_ENOSPC, or MC_EINVAL when @n <= 128 or the payload would
 * not fit the u32 len.
 */
int mc_e820_setup_data(const struct mc_e820_entry *e, size_t n, uint64_t next,
		       void *buf, size_t *size);

/*
 * Decoders for "memcarve inspect": each adds the regions its bytes
 * describe to @map (arch x86_64) and returns 0, returns MC_EBADBLOB with no
 * diagnostic when the bytes are not its format, or another error with a
 * diagnostic when they are its format but broken.
 *
 * mc_e820_zeropage_decode() - a boot_params: 4096 bytes, boot flag and
 *	"HdrS"; the e820_entries entries at 0x2d0
 * mc_e820_setup_data_decode() - one SETUP_E820_EXT node: type 1, len a
 *	multiple of 20 that ends exactly at the end of the blob
 * mc_e820_raw_decode() - a bare table: a non-zero multiple of 20 bytes,
 *	every type one Linux knows (1-5, 7, 12, soft reserved)
 *
 * Types map to kinds: 1 ram, 2 reserved, 3 acpi, 4 nvs, 7 pmem; 5, 12 and
 * soft reserved become reserved/pmem ranges named "unusable", "pram",
 * "soft-reserved". Zero-size entries are skipped, as the kernel does. A
 * region's source names the format ("zero page", "SETUP_E820_EXT",
 * "e820 table").
 */
int mc_e820_zeropage_decode(struct mc_map *map, const void *blob, size_t len);
int mc_e820_setup_data_decode(struct mc_map *map, const void *blob,
			      size_t len);
int mc_e820_raw_decode(struct mc_map *map, const void *blob, size_t len);

/**
 * mc_e820_text_decode() - the table as the kernel prints it, read back
 * @map:	receives the entries' regions, as mc_e820_raw_decode()
 * @blob:	text: what `memcarve e820` writes, or a guest's dmesg; lines
 *		"PREFIX: [mem 0xFIRST-0xLAST] TYPE" in the Linux 6.1 form
 *		("usable", "ACPI data", "persistent (type 7)") or the newer
 *		one ("System RAM", "device reserved", two spaces before the
 *		type, "[gap ...]" lines); other lines are skipped
 * @len:	its length
 *
 * "extended:" and "BIOS-e820:" lines of one dmesg list the same entries:
 * give only one of the two sets.
 * Return: 0; MC_EBADBLOB without a diagnostic when no line is an entry;
 * MC_EBADBLOB with one for an entry line that does not parse; MC_ENOMEM.
 */
int mc_e820_text_decode(struct mc_map *map, const void *blob, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_E820_H */
