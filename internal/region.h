/* SPDX-License-Identifier: MIT */
/*
 * region.h - what a region's kind and type mean, for every part of the
 * library. Not installed.
 */
#ifndef MC_INTERNAL_REGION_H
#define MC_INTERNAL_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/*
 * A 1.0 struct's reserved words hold nothing: set, they would be fields
 * of a later 1.x release this library does not know (the caller's header
 * is newer), so the call is refused rather than half understood.
 */
static inline bool mc_reserved_clear(const uint64_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i])
			return false;
	return true;
}

#define MC_RESERVED_CLEAR(s) \
	mc_reserved_clear((s)->reserved, \
			  sizeof((s)->reserved) / sizeof((s)->reserved[0]))

/*
 * qsort() order of pieces by first byte, then origin: a total order for
 * ranges of distinct input regions, so the sort gives one result.
 */
static inline int mc_piece_cmp(const void *a, const void *b)
{
	const struct mc_piece *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->origin > y->origin) - (x->origin < y->origin);
}

/* The first piece of the sorted result @v that ends at or after @addr. */
static inline size_t mc_piece_at(const struct mc_piece *v, size_t n,
				 uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].last < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#endif /* MC_INTERNAL_REGION_H */
