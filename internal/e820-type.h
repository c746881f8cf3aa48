/* SPDX-License-Identifier: MIT */
/*
 * e820-type.h - the e820 type of each kind of range: the one mapping the
 * e820 table, the zero page and the x86 command line share. Not installed.
 */
#ifndef MC_INTERNAL_E820_TYPE_H
#define MC_INTERNAL_E820_TYPE_H

#include <stdint.h>
#include "memcarve.h"
#include "memcarve-e820.h"

static inline uint32_t mc_e820_type_of(enum mc_kind kind)
{
	switch (kind) {
	case MC_RAM:
		return MC_E820_RAM;
	case MC_ACPI:
		return MC_E820_ACPI;
	case MC_NVS:
		return MC_E820_NVS;
	case MC_PMEM:
		return MC_E820_PMEM;
	default:		/* reserved of any IOMMU type, backed or not */
		return MC_E820_RESERVED;
	}
}

#endif /* MC_INTERNAL_E820_TYPE_H */
