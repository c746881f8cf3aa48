/* SPDX-License-Identifier: MIT */
/*
 * dmar.h - the DMAR layout (Intel VT-d spec §8; ACPICA actbl1.h), shared
 * by the checked walk, the builder and the decoder.
 */
#ifndef MC_ACPI_DMAR_H
#define MC_ACPI_DMAR_H

#include "acpi.h"

#define DMAR_SIG "DMAR"		/* the table's signature */

/* The table: the common header, then the remapping structures. */
enum {
	DMAR_HOST_ADDRESS_WIDTH = SDT_SIZE,	/* u8, width - 1 */
	DMAR_FLAGS = 37,			/* u8 */
	DMAR_RESERVED = 38,			/* 10 bytes */
	DMAR_SIZE = 48,
};
FIELD_AFTER(DMAR_HOST_ADDRESS_WIDTH, 1, DMAR_FLAGS);
FIELD_AFTER(DMAR_FLAGS, 1, DMAR_RESERVED);
FIELD_AFTER(DMAR_RESERVED, 10, DMAR_SIZE);

/* Every remapping structure starts with its type and length. */
enum {
	DMAR_STRUCT_TYPE = 0,		/* u16 */
	DMAR_STRUCT_LENGTH = 2,		/* u16 */
	DMAR_STRUCT_SIZE = 4,
};
FIELD_AFTER(DMAR_STRUCT_TYPE, 2, DMAR_STRUCT_LENGTH);
FIELD_AFTER(DMAR_STRUCT_LENGTH, 2, DMAR_STRUCT_SIZE);

/* Remapping structure types (VT-d spec §8). */
#define DMAR_TYPE_DRHD 0
#define DMAR_TYPE_RMRR 1
#define DMAR_TYPE_ATSR 2
#define DMAR_TYPE_RHSA 3
#define DMAR_TYPE_ANDD 4
#define DMAR_TYPE_SATC 5

/* The only DMAR table revision there is. */
#define DMAR_REVISION 1

/* DMA Remapping Hardware Unit Definition. */
enum {
	DMAR_DRHD_FLAGS = DMAR_STRUCT_SIZE,	/* u8 */
	DMAR_DRHD_RESERVED = 5,			/* u8 ("Size" in VT-d 4.0) */
	DMAR_DRHD_SEGMENT = 6,			/* u16 */
	DMAR_DRHD_ADDRESS = 8,			/* u64, register base */
	DMAR_DRHD_SIZE = 16,			/* then device scopes */
};
FIELD_AFTER(DMAR_DRHD_FLAGS, 1, DMAR_DRHD_RESERVED);
FIELD_AFTER(DMAR_DRHD_RESERVED, 1, DMAR_DRHD_SEGMENT);
FIELD_AFTER(DMAR_DRHD_SEGMENT, 2, DMAR_DRHD_ADDRESS);
FIELD_AFTER(DMAR_DRHD_ADDRESS, 8, DMAR_DRHD_SIZE);

#define DMAR_DRHD_INCLUDE_PCI_ALL 0x01

/* Reserved Memory Region Reporting. */
enum {
	DMAR_RMRR_RESERVED = DMAR_STRUCT_SIZE,	/* u16 */
	DMAR_RMRR_SEGMENT = 6,			/* u16 */
	DMAR_RMRR_BASE = 8,			/* u64, 4 KiB aligned */
	DMAR_RMRR_END = 16,			/* u64, inclusive limit */
	DMAR_RMRR_SIZE = 24,			/* then device scopes */
};
FIELD_AFTER(DMAR_RMRR_RESERVED, 2, DMAR_RMRR_SEGMENT);
FIELD_AFTER(DMAR_RMRR_SEGMENT, 2, DMAR_RMRR_BASE);
FIELD_AFTER(DMAR_RMRR_BASE, 8, DMAR_RMRR_END);
FIELD_AFTER(DMAR_RMRR_END, 8, DMAR_RMRR_SIZE);

/*
 * Root Port ATS Capability Reporting (ATSR) and SoC Integrated
 * Address Translation Cache (SATC) structures share this fixed part.
 */
enum {
	DMAR_ATS_FLAGS = DMAR_STRUCT_SIZE,	/* u8 */
	DMAR_ATS_RESERVED = 5,			/* u8 */
	DMAR_ATS_SEGMENT = 6,			/* u16 */
	DMAR_ATS_SIZE = 8,			/* then device scopes */
};
FIELD_AFTER(DMAR_ATS_FLAGS, 1, DMAR_ATS_RESERVED);
FIELD_AFTER(DMAR_ATS_RESERVED, 1, DMAR_ATS_SEGMENT);
FIELD_AFTER(DMAR_ATS_SEGMENT, 2, DMAR_ATS_SIZE);

/* Device scope: one device, as a path of (device, function) hops. */
enum {
	DMAR_SCOPE_TYPE = 0,		/* u8 */
	DMAR_SCOPE_LENGTH = 1,		/* u8, 6 + 2 * hops */
	DMAR_SCOPE_FLAGS = 2,		/* u8 */
	DMAR_SCOPE_RESERVED = 3,	/* u8 */
	DMAR_SCOPE_ENUMERATION_ID = 4,	/* u8 */
	DMAR_SCOPE_BUS = 5,		/* u8, start bus number */
	DMAR_SCOPE_PATH = 6,
	DMAR_SCOPE_SIZE = 6,
};
FIELD_AFTER(DMAR_SCOPE_TYPE, 1, DMAR_SCOPE_LENGTH);
FIELD_AFTER(DMAR_SCOPE_LENGTH, 1, DMAR_SCOPE_FLAGS);
FIELD_AFTER(DMAR_SCOPE_FLAGS, 1, DMAR_SCOPE_RESERVED);
FIELD_AFTER(DMAR_SCOPE_RESERVED, 1, DMAR_SCOPE_ENUMERATION_ID);
FIELD_AFTER(DMAR_SCOPE_ENUMERATION_ID, 1, DMAR_SCOPE_BUS);
FIELD_AFTER(DMAR_SCOPE_BUS, 1, DMAR_SCOPE_SIZE);

enum {
	DMAR_PATH_DEVICE = 0,		/* u8 */
	DMAR_PATH_FUNCTION = 1,		/* u8 */
	DMAR_PATH_SIZE = 2,
};
FIELD_AFTER(DMAR_PATH_DEVICE, 1, DMAR_PATH_FUNCTION);
FIELD_AFTER(DMAR_PATH_FUNCTION, 1, DMAR_PATH_SIZE);

#define DMAR_SCOPE_PCI_ENDPOINT 1
#define DMAR_SCOPE_PCI_BRIDGE 2

/* An RMRR's base and end + 1 are 4 KiB aligned (VT-d spec, RMRR). */
#define DMAR_RMRR_ALIGN 0x1000u

struct acpi_item;

/* Where the device scopes of a structure of @type start; 0: it has none. */
size_t acpi_dmar_scopes_at(unsigned int type);
/*
 * The length of the device scope at @at inside structure @s: 6 + 2 per
 * path hop (§8.3.1). 0 if it does not fit in @s: never in a checked table.
 */
size_t acpi_dmar_scope_len(const struct acpi_item *s, size_t at);

#endif /* MC_ACPI_DMAR_H */
