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

#define NO_RANGE SIZE_MAX

/*
 * Join the direct pieces of each origin into @v, in one pass over the
 * result: @slot (one entry per input region) says where an origin's range
 * is in @v. The result is in address order, so an origin's first piece is
 * its lowest and the ranges come out sorted by their first byte; later
 * pieces only extend the range and can only clear "backed".
 */
static size_t join_pieces(const struct mc_region *res, size_t count,
			  size_t *slot, struct acpi_range *v)
{
	size_t k = 0;

	for (size_t i = 0; i < count; i++) {
		const struct mc_region *r = &res[i];
		bool backed = (r->flags & MC_F_BACKED) != 0;
		struct acpi_range *cur;

		if (!is_direct(r))
			continue;
		if (slot[r->origin] == NO_RANGE) {
			slot[r->origin] = k;
			v[k++] = (struct acpi_range){ r->first, r->last, r,
						      backed };
			continue;
		}
		cur = &v[slot[r->origin]];
		cur->last = r->last;	/* in address order: the highest yet */
		cur->backed = cur->backed && backed;
	}
	return k;
}

int acpi_direct_ranges(struct mc_map *map, struct acpi_range **out,
		       size_t *n)
{
	const struct mc_region *res;
	struct acpi_range *v;
	size_t count, n_in, k = 0, *slot;

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
	mc_map_input(map, &n_in);
	v = calloc(k, sizeof(*v));
	slot = malloc(n_in * sizeof(*slot));
	if (!v || !slot) {
		free(v);
		free(slot);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < n_in; i++)
		slot[i] = NO_RANGE;
	*n = join_pieces(res, count, slot, v);
	*out = v;
	free(slot);
	return 0;
}

int acpi_check_segment0(struct mc_map *map, const struct mc_region *r,
			const char *what, const char *table, const char *unit)
{
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct mc_pci_dev *d = &r->devices[i];

		if (d->segment != 0)
			return mc_map_report(map, MC_EINVAL, "devices=",
					     "%s: device %04x:%02x:%02x.%u is on "
					     "segment %u, but a fresh %s has one "
					     "%s, on segment 0 (--base: patch the "
					     "VMM's %s, which covers it)",
					     what, d->segment, d->bus,
					     d->devfn >> 3, d->devfn & 7,
					     d->segment, table, unit, table);
	}
	return 0;
}
