/* SPDX-License-Identifier: MIT */
/*
 * region.h - what a region's kind and type mean, for every part of the
 * library. Not installed.
 */
#ifndef MC_INTERNAL_REGION_H
#define MC_INTERNAL_REGION_H

#include <stdbool.h>
#include "memcarve.h"

/*
 * A direct range: identity-mapped for devices (ACPI RMR, RMRR, IVMD), the
 * only ranges that take devices=, sids= and the IORT attributes. Takes the
 * kind and type rather than a struct, so input regions and result pieces
 * ask alike.
 */
static inline bool mc_is_direct(enum mc_kind kind, enum mc_resv_type type)
{
	return kind == MC_RESERVED && (type == MC_RESV_DIRECT ||
				       type == MC_RESV_DIRECT_RELAXABLE);
}

#endif /* MC_INTERNAL_REGION_H */
