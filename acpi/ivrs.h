/* SPDX-License-Identifier: MIT */
/*
 * ivrs.h - the IVRS layout (AMD I/O Virtualization Technology spec §5.2;
 * ACPICA actbl2.h; Linux drivers/iommu/amd/init.c), shared by the checked
 * walk, the builder and the decoder.
 */
#ifndef MC_ACPI_IVRS_H
#define MC_ACPI_IVRS_H

#include "acpi.h"

#define IVRS_SIG "IVRS"		/* the table's signature */

enum {
	IVRS_IVINFO = SDT_SIZE,		/* u32, bits 14:8 physical address size */
	IVRS_RESERVED = 40,		/* u64 */
	IVRS_SIZE = 48,			/* then IVHD and IVMD blocks */
};
FIELD_AFTER(IVRS_IVINFO, 4, IVRS_RESERVED);
FIELD_AFTER(IVRS_RESERVED, 8, IVRS_SIZE);

/* Every block starts with this header. */
enum {
	IVRS_BLOCK_TYPE = 0,		/* u8 */
	IVRS_BLOCK_FLAGS = 1,		/* u8 */
	IVRS_BLOCK_LENGTH = 2,		/* u16 */
	IVRS_BLOCK_DEVICE_ID = 4,	/* u16 */
	IVRS_BLOCK_SIZE = 6,
};
FIELD_AFTER(IVRS_BLOCK_TYPE, 1, IVRS_BLOCK_FLAGS);
FIELD_AFTER(IVRS_BLOCK_FLAGS, 1, IVRS_BLOCK_LENGTH);
FIELD_AFTER(IVRS_BLOCK_LENGTH, 2, IVRS_BLOCK_DEVICE_ID);
FIELD_AFTER(IVRS_BLOCK_DEVICE_ID, 2, IVRS_BLOCK_SIZE);

/* Block types (AMD IOMMU spec §5.2, IVRS). */
#define IVRS_TYPE_IVHD_10 0x10
#define IVRS_TYPE_IVHD_11 0x11
#define IVRS_TYPE_IVHD_40 0x40
#define IVRS_TYPE_IVMD_ALL 0x20		/* every peripheral */
#define IVRS_TYPE_IVMD_ONE 0x21		/* the one in DeviceId */
#define IVRS_TYPE_IVMD_RANGE 0x22	/* DeviceId .. AuxData */

/* I/O Virtualization Hardware Definition, type 0x10. */
enum {
	IVHD_CAPABILITY_OFFSET = IVRS_BLOCK_SIZE,	/* u16 */
	IVHD_BASE_ADDRESS = 8,				/* u64 */
	IVHD_PCI_SEGMENT = 16,				/* u16 */
	IVHD_IOMMU_INFO = 18,				/* u16 */
	IVHD_FEATURE_REPORTING = 20,			/* u32 */
	IVHD_10_SIZE = 24,				/* then device entries */
};
FIELD_AFTER(IVHD_CAPABILITY_OFFSET, 2, IVHD_BASE_ADDRESS);
FIELD_AFTER(IVHD_BASE_ADDRESS, 8, IVHD_PCI_SEGMENT);
FIELD_AFTER(IVHD_PCI_SEGMENT, 2, IVHD_IOMMU_INFO);
FIELD_AFTER(IVHD_IOMMU_INFO, 2, IVHD_FEATURE_REPORTING);
FIELD_AFTER(IVHD_FEATURE_REPORTING, 4, IVHD_10_SIZE);

/* IVHD types 0x11 and 0x40: the same, then the EFR register images. */
enum {
	IVHD_IOMMU_ATTRIBUTES = IVHD_FEATURE_REPORTING,	/* u32 */
	IVHD_EFR_IMAGE = IVHD_10_SIZE,			/* u64 */
	IVHD_EFR2_IMAGE = 32,				/* u64 */
	IVHD_11_SIZE = 40,				/* then device entries */
};
FIELD_AFTER(IVHD_IOMMU_ATTRIBUTES, 4, IVHD_EFR_IMAGE);
FIELD_AFTER(IVHD_EFR_IMAGE, 8, IVHD_EFR2_IMAGE);
FIELD_AFTER(IVHD_EFR2_IMAGE, 8, IVHD_11_SIZE);

/* IVHD device entries: 4 bytes for types 0x00-0x3f, 8 for 0x40-0x7f. */
enum {
	IVHD_ENTRY_TYPE = 0,		/* u8 */
	IVHD_ENTRY_DEVICE_ID = 1,	/* u16 */
	IVHD_ENTRY_DATA = 3,		/* u8, DTE setting */
	IVHD_ENTRY4_SIZE = 4,
	IVHD_SPECIAL_HANDLE = 4,	/* u8, e.g. the IOAPIC ID */
	IVHD_SPECIAL_USED_ID = 5,	/* u16, its requester ID */
	IVHD_SPECIAL_VARIETY = 7,	/* u8, 1 IOAPIC, 2 HPET */
	IVHD_ENTRY8_SIZE = 8,
};
FIELD_AFTER(IVHD_ENTRY_TYPE, 1, IVHD_ENTRY_DEVICE_ID);
FIELD_AFTER(IVHD_ENTRY_DEVICE_ID, 2, IVHD_ENTRY_DATA);
FIELD_AFTER(IVHD_ENTRY_DATA, 1, IVHD_ENTRY4_SIZE);
FIELD_AFTER(IVHD_ENTRY4_SIZE, 0, IVHD_SPECIAL_HANDLE);
FIELD_AFTER(IVHD_SPECIAL_HANDLE, 1, IVHD_SPECIAL_USED_ID);
FIELD_AFTER(IVHD_SPECIAL_USED_ID, 2, IVHD_SPECIAL_VARIETY);
FIELD_AFTER(IVHD_SPECIAL_VARIETY, 1, IVHD_ENTRY8_SIZE);

/*
 * Entry types below 0x40 are 4 bytes, below 0x80 8 bytes; of the others
 * only the ACPI HID entry is defined, and says its own length.
 */
#define IVHD_ENTRY8_TYPES 0x40
#define IVHD_VARIABLE_TYPES 0x80

#define IVHD_DEV_ALL 0x01
#define IVHD_DEV_SPECIAL 0x48
#define IVHD_DEV_ACPI_HID 0xf0
#define IVHD_SPECIAL_IOAPIC 1

/* The ACPI HID device entry (0xf0): a variable-length UID at its end. */
enum {
	IVHD_HID_HID = IVHD_ENTRY4_SIZE,	/* 8 bytes */
	IVHD_HID_CID = 12,			/* 8 bytes */
	IVHD_HID_UID_FORMAT = 20,		/* u8 */
	IVHD_HID_UID_LENGTH = 21,		/* u8 */
	IVHD_HID_SIZE = 22,			/* then the UID */
};
FIELD_AFTER(IVHD_HID_HID, 8, IVHD_HID_CID);
FIELD_AFTER(IVHD_HID_CID, 8, IVHD_HID_UID_FORMAT);
FIELD_AFTER(IVHD_HID_UID_FORMAT, 1, IVHD_HID_UID_LENGTH);
FIELD_AFTER(IVHD_HID_UID_LENGTH, 1, IVHD_HID_SIZE);

/* I/O Virtualization Memory Definition, types 0x20-0x22. */
enum {
	IVMD_AUX_DATA = IVRS_BLOCK_SIZE,	/* u16, end DeviceId (0x22) */
	IVMD_PCI_SEGMENT = 8,			/* u16 (Linux >= 6.0) */
	IVMD_RESERVED = 10,			/* 6 bytes */
	IVMD_START_ADDRESS = 16,		/* u64 */
	IVMD_MEMORY_LENGTH = 24,		/* u64, a length */
	IVMD_SIZE = 32,
};
FIELD_AFTER(IVMD_AUX_DATA, 2, IVMD_PCI_SEGMENT);
FIELD_AFTER(IVMD_PCI_SEGMENT, 2, IVMD_RESERVED);
FIELD_AFTER(IVMD_RESERVED, 6, IVMD_START_ADDRESS);
FIELD_AFTER(IVMD_START_ADDRESS, 8, IVMD_MEMORY_LENGTH);
FIELD_AFTER(IVMD_MEMORY_LENGTH, 8, IVMD_SIZE);

#define IVMD_FLAG_UNITY 0x01
#define IVMD_FLAG_IR 0x02
#define IVMD_FLAG_IW 0x04
#define IVMD_FLAG_EXCLUSION 0x08

/* IVRS revision 1 has IVHD type 0x10 only; 2 adds types 0x11 and 0x40. */
#define IVRS_REVISION_MIN 1
#define IVRS_REVISION_MAX 2

struct acpi_item;

/* Where the device entries of an IVHD of @type start; 0: not an IVHD. */
size_t acpi_ivhd_entries_at(unsigned int type);
/*
 * The length of the device entry at @at inside IVHD @b (Linux
 * ivhd_entry_length()). 0 if it does not fit in @b or has a type whose
 * length is unknown: never in a checked table.
 */
size_t acpi_ivhd_entry_len(const struct acpi_item *b, size_t at);
/* Is a block of @type an IVMD? */
bool acpi_is_ivmd(unsigned int type);
/* Does Linux read IVMD @b: a unity map or an exclusion range? */
bool acpi_ivmd_is_read(const struct acpi_item *b);

#endif /* MC_ACPI_IVRS_H */
