/* SPDX-License-Identifier: MIT */
/*
 * memcarve-fwcfg.h - the e820 table as QEMU-style firmware reads it from
 * fw_cfg "etc/e820", and that firmware's limits.
 *
 * The blob is the raw 20-byte entry array of mc_e820_encode() (`memcarve
 * e820 --format table`): u64 address, u64 length, u32 type, packed,
 * little-endian, the layout of QEMU's struct e820_entry. Firmware then
 * builds the table the guest gets from it, with limits of its own.
 *
 * SeaBIOS (src/fw/paravirt.c qemu_cfg_e820(), src/e820map.c):
 *  - takes only RAM (1) and reserved (2) entries; every other type is
 *    ignored, so an ACPI, NVS or persistent range never reaches the guest;
 *  - ignores RAM entries that start below the RAM size CMOS gave it;
 *  - keeps its table in e820_list[BUILD_MAX_E820], 32 entries, its own
 *    entries (EBDA, BIOS area, its ACPI tables, ...) included; an entry
 *    past that is dropped with only a debug-port warning (warn_noalloc()).
 */
#ifndef MEMCARVE_FWCFG_H
#define MEMCARVE_FWCFG_H

#include <stddef.h>
#include "memcarve-e820.h"

#ifdef __cplusplus
extern "C" {
#endif

enum mc_fw {
	MC_FW_SEABIOS = 1,
};

#define MC_SEABIOS_MAX_E820	32	/* BUILD_MAX_E820, src/config.h */

/**
 * mc_e820_fw_check() - will this firmware keep every entry of the table?
 * @map:	receives the diagnostic
 * @e:		the table (mc_e820_build() or mc_e820_build_alloc())
 * @n:		its entries
 * @fw:		the firmware reading etc/e820
 *
 * SeaBIOS: every entry of type 1 or 2, and at most 32 entries. The count
 * is necessary, not sufficient: SeaBIOS adds entries of its own into the
 * same 32, so a table close to the limit may still lose its last ones.
 * Return: 0; MC_EINVAL (a type it drops, an unknown @fw) or MC_ERANGE
 * (too many entries), with a diagnostic naming the entry or the limit.
 */
int mc_e820_fw_check(struct mc_map *map, const struct mc_e820_entry *e,
		     size_t n, enum mc_fw fw);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_FWCFG_H */
