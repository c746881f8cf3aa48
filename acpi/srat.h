/* SPDX-License-Identifier: MIT */
/*
 * srat.h - the SRAT layout (ACPI 6.5 §5.2.16; ACPICA actbl3.h), shared by
 * the checked walk, the builder and the decoder, and the guest kernel's
 * limits on it (Linux drivers/acpi/numa/srat.c, mm/numa_memblks.c).
 */
#ifndef MC_ACPI_SRAT_H
#define MC_ACPI_SRAT_H

#include "acpi.h"

#define SRAT_SIG "SRAT"		/* the table's signature */

/* The table: the common header, then the affinity structures. */
enum {
	SRAT_TABLE_REVISION = SDT_SIZE,	/* u32, reserved: 1 (compatibility) */
	SRAT_RESERVED = 40,		/* 8 bytes */
	SRAT_SIZE = 48,
};
FIELD_AFTER(SRAT_TABLE_REVISION, 4, SRAT_RESERVED);
FIELD_AFTER(SRAT_RESERVED, 8, SRAT_SIZE);

/* The value ACPI asks for in the reserved word at 36. */
#define SRAT_TABLE_REVISION_VALUE 1
/*
 * Table revision of a fresh SRAT: 3 since ACPI 5.1. Linux reads a 32-bit
 * proximity domain from revision 2 on, only its low byte at 1 and below
 * (acpi_srat_revision); QEMU's x86 SRAT is revision 1.
 */
#define SRAT_REVISION 3
#define SRAT_REVISION_MAX 3

/* Every affinity structure starts with its type and length, a byte each. */
enum {
	SRAT_STRUCT_TYPE = 0,		/* u8 */
	SRAT_STRUCT_LENGTH = 1,		/* u8 */
	SRAT_STRUCT_SIZE = 2,
};
FIELD_AFTER(SRAT_STRUCT_TYPE, 1, SRAT_STRUCT_LENGTH);
FIELD_AFTER(SRAT_STRUCT_LENGTH, 1, SRAT_STRUCT_SIZE);

/* Structure types (ACPI 6.5 Table 5.58; 7 is ACPI 6.6's RINTC). */
#define SRAT_TYPE_CPU		0	/* Processor Local APIC/SAPIC Affinity */
#define SRAT_TYPE_MEMORY	1	/* Memory Affinity */
#define SRAT_TYPE_X2APIC	2	/* Processor Local x2APIC Affinity */
#define SRAT_TYPE_GICC		3	/* GICC Affinity */
#define SRAT_TYPE_GIC_ITS	4	/* GIC Interrupt Translation Service */
#define SRAT_TYPE_GENERIC	5	/* Generic Initiator Affinity */
#define SRAT_TYPE_GENERIC_PORT	6	/* Generic Port Affinity */
#define SRAT_TYPE_RINTC		7	/* RINTC Affinity */
#define SRAT_TYPES		8

/* Memory Affinity Structure (type 1, 40 bytes). */
enum {
	SRAT_MEM_PROXIMITY_DOMAIN = SRAT_STRUCT_SIZE,	/* u32 */
	SRAT_MEM_RESERVED1 = 6,				/* u16 */
	SRAT_MEM_BASE_LOW = 8,				/* u32 */
	SRAT_MEM_BASE_HIGH = 12,			/* u32 */
	SRAT_MEM_LENGTH_LOW = 16,			/* u32 */
	SRAT_MEM_LENGTH_HIGH = 20,			/* u32 */
	SRAT_MEM_RESERVED2 = 24,			/* u32 */
	SRAT_MEM_FLAGS = 28,				/* u32 */
	SRAT_MEM_RESERVED3 = 32,			/* u64 */
	SRAT_MEM_SIZE = 40,
};
FIELD_AFTER(SRAT_STRUCT_LENGTH, 1, SRAT_MEM_PROXIMITY_DOMAIN);
FIELD_AFTER(SRAT_MEM_PROXIMITY_DOMAIN, 4, SRAT_MEM_RESERVED1);
FIELD_AFTER(SRAT_MEM_RESERVED1, 2, SRAT_MEM_BASE_LOW);
FIELD_AFTER(SRAT_MEM_BASE_LOW, 4, SRAT_MEM_BASE_HIGH);
FIELD_AFTER(SRAT_MEM_BASE_HIGH, 4, SRAT_MEM_LENGTH_LOW);
FIELD_AFTER(SRAT_MEM_LENGTH_LOW, 4, SRAT_MEM_LENGTH_HIGH);
FIELD_AFTER(SRAT_MEM_LENGTH_HIGH, 4, SRAT_MEM_RESERVED2);
FIELD_AFTER(SRAT_MEM_RESERVED2, 4, SRAT_MEM_FLAGS);
FIELD_AFTER(SRAT_MEM_FLAGS, 4, SRAT_MEM_RESERVED3);
FIELD_AFTER(SRAT_MEM_RESERVED3, 8, SRAT_MEM_SIZE);

/* Processor Local APIC/SAPIC Affinity (type 0, 16 bytes). */
enum {
	SRAT_CPU_PXM_LO = SRAT_STRUCT_SIZE,	/* u8: domain bits 7:0 */
	SRAT_CPU_APIC_ID = 3,			/* u8 */
	SRAT_CPU_FLAGS = 4,			/* u32 */
	SRAT_CPU_SAPIC_EID = 8,			/* u8 */
	SRAT_CPU_PXM_HI = 9,			/* 3 bytes: bits 31:8 */
	SRAT_CPU_CLOCK_DOMAIN = 12,		/* u32 */
	SRAT_CPU_SIZE = 16,
};
FIELD_AFTER(SRAT_CPU_PXM_LO, 1, SRAT_CPU_APIC_ID);
FIELD_AFTER(SRAT_CPU_APIC_ID, 1, SRAT_CPU_FLAGS);
FIELD_AFTER(SRAT_CPU_FLAGS, 4, SRAT_CPU_SAPIC_EID);
FIELD_AFTER(SRAT_CPU_SAPIC_EID, 1, SRAT_CPU_PXM_HI);
FIELD_AFTER(SRAT_CPU_PXM_HI, 3, SRAT_CPU_CLOCK_DOMAIN);
FIELD_AFTER(SRAT_CPU_CLOCK_DOMAIN, 4, SRAT_CPU_SIZE);

/*
 * x2APIC (type 2, 24 bytes), GICC (3, 18), generic initiator (5, 32) and
 * RINTC (7, 20) affinity: a u32 proximity domain and u32 flags, where
 * each type has them.
 */
enum {
	SRAT_X2APIC_PXM = 4, SRAT_X2APIC_FLAGS = 12, SRAT_X2APIC_SIZE = 24,
	SRAT_GICC_PXM = 2, SRAT_GICC_FLAGS = 10, SRAT_GICC_SIZE = 18,
	SRAT_GENERIC_PXM = 4, SRAT_GENERIC_FLAGS = 24, SRAT_GENERIC_SIZE = 32,
	SRAT_RINTC_PXM = 4, SRAT_RINTC_FLAGS = 12, SRAT_RINTC_SIZE = 20,
};
/* x2APIC: reserved u16, then domain, x2APIC ID, flags, clock, reserved. */
FIELD_AFTER(SRAT_STRUCT_SIZE, 2, SRAT_X2APIC_PXM);
FIELD_AFTER(SRAT_X2APIC_PXM, 8, SRAT_X2APIC_FLAGS);
FIELD_AFTER(SRAT_X2APIC_FLAGS, 12, SRAT_X2APIC_SIZE);
/* GICC: domain, processor UID, flags, clock domain. */
FIELD_AFTER(SRAT_STRUCT_SIZE, 0, SRAT_GICC_PXM);
FIELD_AFTER(SRAT_GICC_PXM, 8, SRAT_GICC_FLAGS);
FIELD_AFTER(SRAT_GICC_FLAGS, 8, SRAT_GICC_SIZE);
/* generic initiator: reserved u8, handle type u8, domain, handle[16],
 * flags, reserved */
FIELD_AFTER(SRAT_STRUCT_SIZE, 2, SRAT_GENERIC_PXM);
FIELD_AFTER(SRAT_GENERIC_PXM, 20, SRAT_GENERIC_FLAGS);
FIELD_AFTER(SRAT_GENERIC_FLAGS, 8, SRAT_GENERIC_SIZE);
/* RINTC: reserved u16, domain, processor UID, flags, clock domain. */
FIELD_AFTER(SRAT_STRUCT_SIZE, 2, SRAT_RINTC_PXM);
FIELD_AFTER(SRAT_RINTC_PXM, 8, SRAT_RINTC_FLAGS);
FIELD_AFTER(SRAT_RINTC_FLAGS, 8, SRAT_RINTC_SIZE);

/* Bit 0 of every affinity structure's flags: Linux skips it without. */
#define SRAT_AFFINITY_ENABLED	0x1u

/* Memory Affinity flags. */
#define SRAT_MEM_ENABLED	0x1u	/* Linux ignores a structure without */
#define SRAT_MEM_HOT_PLUGGABLE	0x2u
#define SRAT_MEM_NON_VOLATILE	0x4u

/*
 * Linux keeps a proximity domain's node in pxm_to_node_map[MAX_PXM_DOMAINS]
 * and, for a domain at or above it, logs "SRAT: Too many proximity
 * domains." and drops the whole SRAT (acpi_map_pxm_to_node(), bad_srat()).
 */
#define SRAT_MAX_PXM_DOMAINS 256u
/*
 * Linux refuses the whole NUMA description when the nodes leave 1 MiB or
 * more of e820 RAM uncovered ("NUMA: nodes only cover %LuMB of your %LuMB
 * e820 RAM. Not used." in 6.1's numa_meminfo_cover_memory(); 6.8 on:
 * memblock_validate_numa_coverage(SZ_1M)).
 */
#define SRAT_COVER_SLACK (1u << 20)

/* The name of structure @type, for reports; "structure" if unknown. */
const char *acpi_srat_type_name(unsigned int type);

/* One memory affinity structure as the builder plans it. */
struct srat_mem {
	uint64_t first, last;
	uint32_t node;
	uint32_t flags;		/* SRAT_MEM_* */
};

struct srat_list {
	struct srat_mem *v;
	size_t n;
};

/*
 * What the guest's MAX_NUMNODES (o->max_numnodes, or Debian's for the
 * arch) lets the table hold: its proximity domains, @l's and the enabled
 * initiators' of @base (NULL: none), and @l's structure count
 * (srat_limits.c). 0 or MC_ERANGE, diagnosed.
 */
int acpi_srat_limits(struct mc_map *map, const struct mc_acpi_opts *o,
		     const uint8_t *base, size_t base_len,
		     const struct srat_list *l);

#endif /* MC_ACPI_SRAT_H */
