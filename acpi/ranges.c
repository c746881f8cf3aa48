// SPDX-License-Identifier: MIT
/*
 * ranges.c - the direct ranges an ACPI table describes, from the carved
 * result.
 *
 * Carving can split one input range into pieces (a more specific range on
 * top of part of it, RAM only under part of it). The IOMMU tables describe
 * what the device DMAs into, so the pieces of one input range (same
 * origin) are joined again into the whole range the result describes.
 */
#include <stdlib.h>
#include "acpi.h"

static bool is_direct(const struct mc_region *r)
{
	return r->kind == MC_RESERVED && (r->type == MC_RESV_DIRECT ||
					  r->type == MC_RESV_DIRECT_RELAXABLE);
}

static int cmp_origin(const void *a, const void *b)
{
	const struct acpi_range *x = a, *y = b;

	if (x->r->origin != y->r->origin)
		return x->r->origin < y->r->origin ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static int cmp_first(const void *a, const void *b)
{
	const struct acpi_range *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/* Join the pieces of each origin, in place; returns how many remain. */
static size_t join_pieces(struct acpi_range *v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct acpi_range *cur = k ? &v[k - 1] : NULL;

		if (cur && cur->r->origin == v[i].r->origin) {
			if (v[i].last > cur->last)
				cur->last = v[i].last;
			cur->backed = cur->backed && v[i].backed;
			continue;
		}
		v[k++] = v[i];
	}
	return k;
}

int acpi_direct_ranges(struct mc_map *map, struct acpi_range **out,
		       size_t *n)
{
	const struct mc_region *res;
	struct acpi_range *v;
	size_t count, k = 0;

	*out = NULL;
	*n = 0;
	res = mc_map_result(map, &count);
	if (!res)
		return mc_map_report(map, MC_ESTATE, NULL,
				     "the map is not carved (call mc_map_carve() first)");
	for (size_t i = 0; i < count; i++)
		k += is_direct(&res[i]);
	if (!k)
		return 0;
	v = calloc(k, sizeof(*v));
	if (!v)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	k = 0;
	for (size_t i = 0; i < count; i++)
		if (is_direct(&res[i]))
			v[k++] = (struct acpi_range){
				res[i].first, res[i].last, &res[i],
				(res[i].flags & MC_F_BACKED) != 0
			};
	qsort(v, k, sizeof(*v), cmp_origin);
	k = join_pieces(v, k);
	qsort(v, k, sizeof(*v), cmp_first);
	*out = v;
	*n = k;
	return 0;
}
