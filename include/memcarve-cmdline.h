/* SPDX-License-Identifier: MIT */
/*
 * memcarve-cmdline.h - the carved map as a Linux kernel command line.
 *
 * Some guests learn their memory map from the command line alone: a MIPS
 * Malta kernel from mem= and memmap=, an x86 kernel booted by a BIOS whose
 * e820 we cannot change from memmap=exactmap and its friends. This emitter
 * writes those tokens from the carved result (mc_map_result(),
 * mc_map_slots()), merged into an existing command line if asked, and
 * quoted for the program that passes it on.
 *
 * Numbers are written the way the kernel's memparse() reads them back
 * exactly: decimal with the largest K, M or G suffix that divides the value,
 * or 0x hex when that is shorter or no suffix divides it. Never with a
 * leading zero: simple_strtoull(..., 0) reads "010" as octal.
 *
 * Buffers, sizes, options and ownership follow the emitter convention of
 * memcarve.h: mc_cmdline_build() writes into a caller buffer,
 * mc_cmdline_build_alloc() into one freed with mc_free(); sizes count
 * bytes, the NUL included.
 */
#ifndef MEMCARVE_CMDLINE_H
#define MEMCARVE_CMDLINE_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum mc_cmdline_style - which kernel parser the tokens are written for
 * @MC_CMDLINE_AUTO:	from the map's arch: mips -> MIPS, x86_64 -> x86
 * @MC_CMDLINE_MIPS:	arch/mips/kernel/setup.c. One "mem=SIZE@BASE" per
 *			block of backed memory (the slots), all of them first:
 *			the first mem= drops the firmware's map, but only while
 *			no memmap= has been seen. Then one "memmap=SIZE$BASE"
 *			per described range RAM still backs (overlay); MIPS adds
 *			such a range as memory and reserves it. A range RAM no
 *			longer backs is a hole: it is in no mem=. MIPS has no
 *			comma lists and rejects '#' and exactmap. memblock
 *			holds 128 regions per array and MIPS never lets it
 *			grow that early: at most 128 blocks (touching ones
 *			are one region) and 104 reserved ranges, 24 left for
 *			the kernel's own reservations.
 * @MC_CMDLINE_X86:	arch/x86/kernel/e820.c parse_memmap_one().
 *			"memmap=exactmap" drops the firmware's e820, then one
 *			token per run of one e820 type: SIZE@BASE usable RAM,
 *			SIZE$BASE reserved, SIZE#BASE ACPI data. x86 has no
 *			operator for ACPI NVS or type-7 pmem: they are written
 *			as reserved (the guest keeps off them) unless
 *			MC_CMDLINE_RETYPE or MC_CMDLINE_PRAM ask otherwise.
 *			The tokens are the table of mc_e820_build() with
 *			MC_E820_AS_X86,
 *			one per entry (touching entries of one token type
 *			joined): mmio cut out of RAM is reserved, mmio outside
 *			RAM left out, as in the zero page. Fewer than 2 tokens
 *			(the kernel's sanitizer refuses the table and the
 *			guest panics) or more than E820_MAX_ENTRIES with the
 *			kernel's own splits (@max_entries) are refused.
 */
enum mc_cmdline_style {
	MC_CMDLINE_AUTO = 0,
	MC_CMDLINE_MIPS,
	MC_CMDLINE_X86,
};

/**
 * enum mc_cmdline_escape - who reads the string next
 * @MC_ESCAPE_NONE:	the kernel itself: a VMM writing guest memory, QEMU
 *			-append, a DT /chosen/bootargs. Raw bytes.
 * @MC_ESCAPE_SHELL:	a POSIX shell: the whole line in single quotes, a
 *			quote inside written as '\''.
 * @MC_ESCAPE_GRUB:	a GRUB 2 "linux" line: a backslash before each of
 *			$ \ " ' ; & | < > # (GRUB expands a bare $, so
 *			"memmap=16M$3G" would reach the kernel as "memmap=16MG").
 */
enum mc_cmdline_escape {
	MC_ESCAPE_NONE = 0,
	MC_ESCAPE_SHELL,
	MC_ESCAPE_GRUB,
};

/*
 * x86 only. PRAM: pmem as "SIZE!BASE", e820 type 12 (legacy persistent
 * memory, which the kernel hands to the pmem driver); this wins over RETYPE
 * for pmem. RETYPE: nvs as "SIZE%BASE+4" and pmem as "SIZE%BASE+7", the
 * exact e820 types; needs Linux 4.17 or later (older kernels read the token
 * as a bare "memmap=SIZE", a mem= limit).
 */
#define MC_CMDLINE_PRAM		(1u << 0)
#define MC_CMDLINE_RETYPE	(1u << 1)

/**
 * struct mc_cmdline_opts - how to write the command line
 * @style:	MC_CMDLINE_*; AUTO takes it from the map's arch
 * @escape:	MC_ESCAPE_*
 * @append:	an existing command line to merge with, or NULL, split as
 *		the kernel's next_arg() splits it (white space is its
 *		isspace(), 0xA0 included; double quotes group; no escapes).
 *		Its mem= and memmap= parameters, quoted or not, are dropped
 *		(ours replace them); every other word is kept, in order,
 *		quotes and all. Our tokens follow the kept kernel parameters
 *		and precede a "--" (quoted or not) and the words after it,
 *		which belong to init and are kept whole. A double quote left
 *		open before the "--" is refused (MC_EINVAL): it would make
 *		our tokens part of its word.
 * @max:	the kernel's COMMAND_LINE_SIZE, NUL included; 0 for that of
 *		the style's arch (mc_cmdline_limit(): x86 2048, MIPS 4096),
 *		whatever arch the map names
 * @flags:	MC_CMDLINE_PRAM, MC_CMDLINE_RETYPE
 * @max_entries: x86: the guest's E820_MAX_ENTRIES (one entry per
 *		memmap= token); 0 for MC_E820_MAX_ENTRIES_DEFAULT (3200,
 *		Debian's amd64 kernels)
 * @reserved:	must be zero
 *
 * A zeroed struct (or mc_cmdline_opts_init()) is the defaults: auto
 * style, raw, nothing appended.
 */
struct mc_cmdline_opts {
	enum mc_cmdline_style style;
	enum mc_cmdline_escape escape;
	const char *append;
	size_t max;
	unsigned int flags;
	size_t max_entries;
	uint64_t reserved[4];
};

/**
 * mc_cmdline_opts_init() - the defaults (see struct mc_cmdline_opts)
 * @opts:	filled in
 */
void mc_cmdline_opts_init(struct mc_cmdline_opts *opts);

/**
 * mc_cmdline_build() - write the carved map as a kernel command line
 * @map:	a carved map (mc_map_carve()); receives the diagnostics
 * @opts:	options, or NULL for the defaults
 * @buf:	where the NUL-terminated, escaped string goes; may be NULL
 *		when *@size is 0
 * @size:	in: bytes at @buf; out: bytes of the string, NUL included
 *		(written, or needed on MC_ENOSPC; 0 on other errors)
 *
 * The kernel's limit applies to the unescaped line: a line that does not
 * fit in @opts->max (or the target's COMMAND_LINE_SIZE) is an error, never
 * truncated, and the diagnostic says how long it is and which tokens take
 * the room.
 *
 * Return: 0; MC_ENOSPC when @buf is too small (nothing written);
 * MC_ESTATE if the map is not carved; MC_EINVAL for an unknown style, an
 * arch with no command-line memory map and no style given, or a map with
 * no RAM (an empty mem= list would leave the firmware's map in force);
 * MC_EINVAL also for an x86 table of fewer than 2 entries and an open
 * quote in @opts->append; MC_ERANGE for a range that ends at 2^64 - 1
 * (memblock and e820 hold base + size, which does not fit), a line over
 * the limit, more regions than memblock holds (MIPS) or more entries
 * than E820_MAX_ENTRIES (x86);
 * MC_ENOMEM. Errors other than MC_ENOSPC leave a diagnostic in @map.
 */
int mc_cmdline_build(struct mc_map *map, const struct mc_cmdline_opts *opts,
		     void *buf, size_t *size);

/**
 * mc_cmdline_build_alloc() - mc_cmdline_build() into a new buffer
 * @map:	a carved map; receives the diagnostics
 * @opts:	options, or NULL for the defaults
 * @out:	set to the string (free with mc_free()), NULL on error
 * @size:	set to its size, NUL included; 0 on error
 *
 * Return: 0; the errors of mc_cmdline_build() but MC_ENOSPC.
 */
int mc_cmdline_build_alloc(struct mc_map *map,
			   const struct mc_cmdline_opts *opts, void **out,
			   size_t *size);

/**
 * mc_cmdline_limit() - COMMAND_LINE_SIZE of an arch, NUL included
 * @arch:	the guest's arch; MC_ARCH_NONE for the smallest (2048)
 *
 * Return: x86_64, arm64 and ppc64 2048; mips 4096.
 */
size_t mc_cmdline_limit(enum mc_arch arch);

/* Longest mc_cmdline_number() result, NUL included: "0x" + 16 digits. */
#define MC_CMDLINE_NUMBER_MAX 24

/**
 * mc_cmdline_number() - one number as memparse() reads it back exactly
 * @value:	the number
 * @buf:	at least MC_CMDLINE_NUMBER_MAX bytes
 *
 * "0", "640K", "3071M", "1021G", "0x9fc00": the shortest of decimal with
 * the largest dividing K/M/G suffix and 0x hex; the suffix form on a tie.
 * Return: the length written, NUL not counted.
 */
size_t mc_cmdline_number(uint64_t value, char *buf);

/**
 * mc_cmdline_decode() - a command line's memory map read back into a map
 * @map:	receives one region per range: mem=SIZE@BASE and
 *		memmap=SIZE@BASE as ram, SIZE$BASE reserved (overlay on
 *		MIPS, where RAM still backs it), SIZE#BASE acpi, SIZE!BASE
 *		pmem "pram", SIZE%BASE+TYPE by the e820 TYPE; the arch is
 *		mips when mem= is there, else x86_64; their source is
 *		"command line"
 * @text:	the line, raw or quoted for a shell or GRUB; words after
 *		"--" and words that are not mem=/memmap= are skipped
 * @len:	its length
 *
 * Names, reserved types (msi, direct) and devices are not on a command
 * line; an x86 line holds e820 types only, so reserved ranges come back
 * unbacked.
 * Return: 0; MC_EBADBLOB without a diagnostic when no word is mem= or
 * memmap=; MC_EINVAL with one for a token that does not parse; MC_ENOMEM.
 */
int mc_cmdline_decode(struct mc_map *map, const void *text, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_CMDLINE_H */
