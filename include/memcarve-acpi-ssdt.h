/* SPDX-License-Identifier: MIT */
/*
 * memcarve-acpi-ssdt.h - the holes a guest must keep clear of, reported by
 * a motherboard-resources device (PNP0C02) in an SSDT.
 *
 * Leaving a hole out of the e820 is not enough: Linux's PCI code treats
 * address space nobody claims as free and places hot-plugged BARs there.
 * ACPI says "the board decodes this" with a PNP0C02 device whose _CRS
 * lists the ranges; Linux claims each one (drivers/pnp/system.c: "system
 * 00:0N: [mem 0x...-0x...] has been reserved") before PCI allocates.
 *
 * The table holds one device, at opts.device_path, with _HID
 * EISAID("PNP0C02"), _UID opts.uid, and a _CRS of QWordMemory descriptors
 * (ACPI 6.4 §6.4.3.5.1), one per range of the carved result that the
 * guest must not use and nothing else describes as memory:
 *  - reserved pieces no RAM backs (carved out of RAM, or outside it);
 *  - mmio pieces carved out of RAM (a device window inside former RAM).
 * Touching ranges are joined, but not across 4 GiB (the end of the 32-bit
 * PCI window: Linux cannot claim a range over it). mmio outside RAM (the
 * PCI hole itself) is not listed: that is where BARs belong.
 */
#ifndef MEMCARVE_ACPI_SSDT_H
#define MEMCARVE_ACPI_SSDT_H

#include <stddef.h>
#include <stdint.h>
#include "memcarve.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A name and a _UID no QEMU device has: QEMU 7.2's q35 DSDT has no PNP0C02
 * at all (its board device is \_SB.DRAC, PNP0C01, no _UID).
 */
#define MC_SSDT_PATH_DEFAULT	"\\_SB.MCRV"
#define MC_SSDT_UID_DEFAULT	0x4d43u		/* "MC" */
#define MC_SSDT_PATH_MAX	64		/* bytes of device_path */

/**
 * struct mc_acpi_ssdt_opts - the table's header and its device
 * @device_path:	absolute ACPI path of the device, "\\_SB.MCRV" by
 *			default: a backslash, then name segments of 1 to 4
 *			characters (A-Z, 0-9, _; not a digit first) joined by
 *			dots; the last names the device, the others must
 *			exist in the guest's namespace (\_SB always does)
 * @uid:		_UID, MC_SSDT_UID_DEFAULT by default
 * @oem_id:		at most 6 characters, "MCARVE" by default
 * @oem_table_id:	at most 8 characters, "MEMCARVE" by default; the
 *			initrd table upgrade adds a table whose OEM table ID
 *			no firmware table has
 * @oem_revision:	1 by default
 * @creator_id:		at most 4 characters, "MCRV" by default
 * @creator_revision:	1 by default
 * @reserved:		must be zero
 */
struct mc_acpi_ssdt_opts {
	const char *device_path;
	uint64_t uid;
	const char *oem_id;
	const char *oem_table_id;
	uint32_t oem_revision;
	const char *creator_id;
	uint32_t creator_revision;
	uint64_t reserved[4];
};

/**
 * mc_acpi_ssdt_opts_init() - the defaults above
 * @opts:	filled in
 */
void mc_acpi_ssdt_opts_init(struct mc_acpi_ssdt_opts *opts);

/**
 * mc_acpi_ssdt_build() - the SSDT for the carved map
 * @map:	a carved map; receives diagnostics
 * @opts:	NULL for the defaults
 * @buf:	where the table goes (may be NULL when *@size is 0)
 * @size:	in: room at @buf in bytes; out: the table's length (written,
 *		or needed on MC_ENOSPC)
 *
 * A complete table (revision 2): length and checksum set. A map with no
 * such range gets a device whose _CRS is only the end tag.
 * Return: 0; MC_ENOSPC (nothing written, no diagnostic); MC_ESTATE (not
 * carved); MC_EINVAL (an option: the path, an ID too long, reserved not
 * zero); MC_ERANGE (a range ending at 2^64 - 1, whose length a descriptor
 * cannot hold; a table past its 32-bit length).
 */
int mc_acpi_ssdt_build(struct mc_map *map,
		       const struct mc_acpi_ssdt_opts *opts, void *buf,
		       size_t *size);

/**
 * mc_acpi_ssdt_build_alloc() - mc_acpi_ssdt_build() into a buffer of its own
 * @map:	as mc_acpi_ssdt_build()
 * @opts:	as mc_acpi_ssdt_build()
 * @out:	set to the table (free with mc_free()), NULL on error
 * @size:	set to its length, 0 on error
 *
 * Return: as mc_acpi_ssdt_build() but MC_ENOSPC; MC_ENOMEM.
 */
int mc_acpi_ssdt_build_alloc(struct mc_map *map,
			     const struct mc_acpi_ssdt_opts *opts, void **out,
			     size_t *size);

/**
 * mc_acpi_ssdt_decode() - an SSDT from mc_acpi_ssdt_build() read back
 * @map:	receives one reserved region (name "pnp0c02") per memory
 *		descriptor of the device's _CRS; arch set to x86_64
 * @blob:	the table
 * @len:	its length
 *
 * Reads the AML memcarve writes: one Device with _HID PNP0C02, _UID and a
 * _CRS buffer of QWordMemory, Memory32Fixed and End Tag descriptors.
 * Return: 0; MC_EBADBLOB without a diagnostic when @blob is not an SSDT;
 * MC_EBADBLOB with one when it is but its length, checksum or AML is not
 * what memcarve writes; MC_ENOMEM.
 */
int mc_acpi_ssdt_decode(struct mc_map *map, const void *blob, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MEMCARVE_ACPI_SSDT_H */
