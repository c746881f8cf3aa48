// SPDX-License-Identifier: MIT
/*
 * direct_share.c - one direct range listed once per device it serves.
 *
 * A firmware RMRR, IVMD or RMR may name several devices. On the host each
 * device's IOMMU group then lists the same range as "direct" in its
 * reserved_regions, so a VMM that passes two of them through loads the
 * range twice, once with each group's devices (--resv FILE,devices=...);
 * an IVRS decoded by inspect lists it once per device too. That is one
 * range serving all of them, as the firmware said, and carving makes it so:
 * the listing the pieces come from gets every device, the others' added.
 * Only the exact same range with the same attributes joins this way; two
 * ranges that only overlap keep serving their own devices, which one range
 * cannot say, so they stay a conflict.
 *
 * Linux lists one RMRR as direct-relaxable in a USB or graphics device's
 * group and as direct in the others' (device_rmrr_is_relaxable()), so the
 * same range can come once of each type: the direct listing, which
 * describes the range, serves the relaxable one's devices too, as the one
 * RMRR did (the guest decides relaxable by the device, not the table).
 */
#include <stdint.h>
#include <string.h>
#include "carve.h"
#include "dev_paths.h"
#include "internal/region.h"

static bool same_name(const char *a, const char *b)
{
	return !a || !b || strcmp(a, b) == 0;
}

/*
 * Whether @a and @b are one direct range listed for other devices, of one
 * type or (@any_type) of either.
 */
static bool one_range(const struct mc_map *map, size_t ia, size_t ib,
		      bool any_type)
{
	const struct mc_region *a = &map->in[ia], *b = &map->in[ib];
	size_t pa = 0, pb = 0;

	mc_dev_paths_of(map, ia, &pa);
	mc_dev_paths_of(map, ib, &pb);
	return mc_is_direct(a->kind, a->type) &&
	       mc_is_direct(b->kind, b->type) &&
	       (any_type || a->type == b->type) &&
	       a->first == b->first && a->last == b->last &&
	       a->n_devices && b->n_devices && !a->n_sids && !b->n_sids &&
	       !pa && !pb && a->flags == b->flags && a->align == b->align &&
	       a->access == b->access && a->policy == b->policy &&
	       same_name(a->name, b->name);
}

static bool serves(const struct mc_region *r, const struct mc_pci_dev *d)
{
	for (size_t i = 0; i < r->n_devices; i++)
		if (!memcmp(&r->devices[i], d, sizeof(*d)))
			return true;
	return false;
}

/* @keep serves @other's devices too; nothing allocated if it already does. */
static int add_devices(struct mc_map *map, size_t keep, size_t other)
{
	struct mc_region *k = &map->in[keep];
	const struct mc_region *o = &map->in[other];
	struct mc_pci_dev *v;
	size_t n = k->n_devices;

	for (size_t i = 0; i < o->n_devices; i++)
		n += !serves(k, &o->devices[i]);
	if (n == k->n_devices)
		return 0;
	if (n > SIZE_MAX / sizeof(*v))
		return MC_ENOMEM;
	v = mc_arena_alloc(&map->arena, n * sizeof(*v));
	if (!v)
		return MC_ENOMEM;
	memcpy(v, k->devices, k->n_devices * sizeof(*v));
	n = k->n_devices;
	for (size_t i = 0; i < o->n_devices; i++)
		if (!serves(k, &o->devices[i]))
			v[n++] = o->devices[i];
	k->devices = v;
	k->n_devices = n;
	return 0;
}

int mc_direct_share(struct mc_map *map, size_t a, size_t b, size_t *keep)
{
	if (!one_range(map, a, b, false))
		return 0;
	/* the named listing, so the joined range keeps its name */
	*keep = map->in[a].name || !map->in[b].name ? a : b;
	if (add_devices(map, *keep, *keep == a ? b : a))
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	return 1;
}

int mc_direct_share_types(struct mc_map *map, size_t direct, size_t relaxable)
{
	if (!one_range(map, direct, relaxable, true))
		return 0;
	if (add_devices(map, direct, relaxable))
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	return 1;
}
