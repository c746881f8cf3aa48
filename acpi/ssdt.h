/* SPDX-License-Identifier: MIT */
/*
 * ssdt.h - the resource descriptors of the PNP0C02 SSDT, for its builder
 * and its decoder.
 */
#ifndef MC_ACPI_SSDT_H
#define MC_ACPI_SSDT_H

#include "acpi.h"

#define SSDT_SIG		"SSDT"
#define SSDT_REVISION		2	/* 64-bit AML integers (§5.2.11.2) */
#define SSDT_OEM_TABLE_ID	"MEMCARVE"

/* QWord Address Space Descriptor (ACPI 6.4 §6.4.3.5.1, Table 6.44). */
enum {
	QW_TAG = 0,		/* u8: large item (bit 7), name 0x0A */
	QW_LENGTH = 1,		/* u16: bytes after this field, 43 */
	QW_RESOURCE_TYPE = 3,	/* u8: 0 memory range */
	QW_GENERAL_FLAGS = 4,	/* u8: _MAF _MIF _DEC, consumer */
	QW_TYPE_FLAGS = 5,	/* u8: memory flags, Table 6.50 */
	QW_GRANULARITY = 6,	/* u64: _GRA */
	QW_MIN = 14,		/* u64: _MIN */
	QW_MAX = 22,		/* u64: _MAX */
	QW_TRANSLATION = 30,	/* u64: _TRA */
	QW_LEN = 38,		/* u64: _LEN */
	QW_SIZE = 46,		/* no resource source index or string */
};
FIELD_AFTER(QW_TAG, 1, QW_LENGTH);
FIELD_AFTER(QW_LENGTH, 2, QW_RESOURCE_TYPE);
FIELD_AFTER(QW_RESOURCE_TYPE, 1, QW_GENERAL_FLAGS);
FIELD_AFTER(QW_GENERAL_FLAGS, 1, QW_TYPE_FLAGS);
FIELD_AFTER(QW_TYPE_FLAGS, 1, QW_GRANULARITY);
FIELD_AFTER(QW_GRANULARITY, 8, QW_MIN);
FIELD_AFTER(QW_MIN, 8, QW_MAX);
FIELD_AFTER(QW_MAX, 8, QW_TRANSLATION);
FIELD_AFTER(QW_TRANSLATION, 8, QW_LEN);
FIELD_AFTER(QW_LEN, 8, QW_SIZE);

#define QW_TAG_VALUE		0x8a
#define QW_MEMORY		0
/* General flags: bit 0 consumer, bit 1 _DEC (0 positive), bit 2 _MIF,
 * bit 3 _MAF: a fixed range this device consumes. */
#define QW_CONSUMER_FIXED	0x0d
/* Memory flags: bit 0 _RW read/write, bits 2:1 _MEM 0 non-cacheable,
 * bits 4:3 _MTP 1 AddressRangeReserved, bit 5 _TTP 0. */
#define QW_RW_RESERVED		0x09

/* 32-bit Fixed Memory Range Descriptor (§6.4.3.4), read by the decoder. */
#define M32F_TAG_VALUE		0x86
#define M32F_SIZE		12	/* tag, len 9, info, base, length */

/* End Tag (§6.4.2.9): small item 0x0F, length 1; checksum 0 = none. */
#define END_TAG_VALUE		0x79
#define END_TAG_SIZE		2

/* EISAID("PNP0C02") as the DWordConst of _HID (§6.1.5): three letters
 * of 5 bits (A = 1) and four hex digits, stored big-endian. */
#define EISAID_PNP0C02		0x020cd041u

#endif /* MC_ACPI_SSDT_H */
