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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "acpi.h"
#include "internal/array.h"
#include "internal/region.h"

/* A growing array of ranges; @slot maps an origin to its index + 1. */
struct join {
	struct acpi_range *v;
	size_t n, cap;
	uint32_t *slot;		/* one per input region, 0: not seen yet;
				 * 32 bits: a map holds < 2^32 regions */
	const struct mc_region *in;	/* mc_map_input() */
};

/* Start a range at piece @p; false if out of memory. */
static bool start_range(struct join *j, const struct mc_piece *p)
{
	const struct mc_region *r = &j->in[p->origin];
	struct acpi_range *v = mc_array_grow(j->v, &j->cap, j->n + 1,
					     sizeof(*v), 64);

	if (!v)
		return false;
	j->v = v;
	j->v[j->n] = (struct acpi_range){
		.first = p->first,
		.last = p->last,
		.r = r,
		.devices = r->devices,
		.n_devices = r->n_devices,
		.sids = r->sids,
		.n_sids = r->n_sids,
		.flags = p->flags,
		.access = r->access,
		.relaxable = p->type == MC_RESV_DIRECT_RELAXABLE,
		.backed = (p->flags & MC_F_BACKED) != 0,
	};
	j->slot[p->origin] = (uint32_t)++j->n;
	return true;
}

/*
 * Join the direct pieces of each origin, in one pass over the result (at
 * a million ranges every pass over it costs more than the table). The
 * result is in address order, so an origin's first piece is its lowest
 * and the ranges come out sorted by their first byte; later pieces only
 * extend the range and can only clear "backed".
 */
static bool join_pieces(struct join *j, const struct mc_piece *res,
			size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct mc_piece *r = &res[i];
		struct acpi_range *cur;

		if (!mc_is_direct(r->kind, r->type))
			continue;
		if (!j->slot[r->origin]) {
			if (!start_range(j, r))
				return false;
			continue;
		}
		cur = &j->v[j->slot[r->origin] - 1];
		cur->last = r->last;	/* in address order: the highest yet */
		cur->backed = cur->backed && (r->flags & MC_F_BACKED);
	}
	return true;
}

int acpi_direct_ranges(struct mc_map *map, struct acpi_range **out,
		       size_t *n)
{
	const struct mc_piece *res;
	struct join j = { 0 };
	size_t count, n_in;
	bool ok;

	*out = NULL;
	*n = 0;
	res = mc_map_result(map, &count);
	if (!res)
		return mc_map_report(map, MC_ESTATE, NULL,
				     "the map is not carved (call mc_map_carve() first)");
	j.in = mc_map_input(map, &n_in);
	j.slot = calloc(n_in ? n_in : 1, sizeof(*j.slot));
	ok = j.slot && join_pieces(&j, res, count);
	free(j.slot);
	if (!ok) {
		free(j.v);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	*out = j.v;
	*n = j.n;
	return 0;
}

int acpi_range_report(struct mc_map *map, int code, const char *field,
		      const struct acpi_range *a, const char *fmt, ...)
{
	char text[MC_DIAG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return mc_diag_range(map, code, field, a->r, a->first, a->last, "%s",
			     text);
}

int acpi_check_segment0(struct mc_map *map, const struct acpi_range *a,
			const char *table, const char *unit)
{
	for (size_t i = 0; i < a->n_devices; i++) {
		const struct mc_pci_dev *d = &a->devices[i];

		if (d->segment != 0)
			return acpi_range_report(map, MC_EINVAL,
						 "region.devices", a,
						 "device %04x:%02x:%02x.%u is "
						 "on segment %u, but a fresh "
						 "%s has one %s, on segment 0 "
						 "(patch the VMM's own %s, "
						 "which covers it, instead)",
						 d->segment, d->bus,
						 PCI_SLOT(d->devfn),
						 PCI_FUNC(d->devfn),
						 d->segment, table, unit,
						 table);
	}
	return 0;
}
