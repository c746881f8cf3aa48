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
#include <stdlib.h>
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

bool mc_direct_one(const struct mc_map *map, size_t a, size_t b,
		   bool any_type, size_t *keep)
{
	if (!one_range(map, a, b, any_type))
		return false;
	/* the named listing, so the joined range keeps its name; of two
	 * types, the direct one, which describes the range */
	if (any_type)
		*keep = map->in[a].type == MC_RESV_DIRECT ? a : b;
	else
		*keep = map->in[a].name || !map->in[b].name ? a : b;
	return true;
}

/* A device of a joined range and where it came in: keep's first. */
struct seen {
	struct mc_pci_dev dev;
	size_t pos;
};

static int by_dev_pos(const void *x, const void *y)
{
	const struct seen *a = x, *b = y;
	int c = memcmp(&a->dev, &b->dev, sizeof(a->dev));

	return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static int by_pos(const void *x, const void *y)
{
	const struct seen *a = x, *b = y;

	return (a->pos > b->pos) - (a->pos < b->pos);
}

/* @r's devices, in order, into @out from *@m on. */
static void put_all(struct seen *out, size_t *m, const struct mc_region *r)
{
	for (size_t i = 0; i < r->n_devices; i++, (*m)++)
		out[*m] = (struct seen){ r->devices[i], *m };
}

/*
 * Region @keep serves the devices of @others too, each once, in the order
 * they came: its own, then each listing's in the map's order. Sorting,
 * not searching, keeps it O(m log m) for m devices whatever the map (a map
 * listing one range a million times, once per device, is one sort).
 * Nothing is allocated in the map when @keep serves them all already
 * (carving again).
 */
static int join_devices(struct mc_map *map, size_t keep,
			const struct mc_share *others, size_t n)
{
	struct mc_region *k = &map->in[keep];
	size_t m = k->n_devices, out = 0;
	struct seen *v;
	struct mc_pci_dev *d;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		if (map->in[others[i].other].n_devices > SIZE_MAX / 2 - m)
			return MC_ENOMEM;
		m += map->in[others[i].other].n_devices;
	}
	if (m > SIZE_MAX / sizeof(*v) || !(v = malloc(m * sizeof(*v))))
		return MC_ENOMEM;
	m = 0;
	put_all(v, &m, k);
	for (size_t i = 0; i < n; i++)
		put_all(v, &m, &map->in[others[i].other]);
	qsort(v, m, sizeof(*v), by_dev_pos);
	for (size_t i = 0; i < m; i++)	/* the first of each device */
		if (!i || memcmp(&v[i].dev, &v[out - 1].dev, sizeof(v->dev)))
			v[out++] = v[i];
	qsort(v, out, sizeof(*v), by_pos);
	if (out && v[out - 1].pos >= k->n_devices) {	/* new ones */
		d = mc_arena_alloc(&map->arena, out * sizeof(*d));
		for (size_t i = 0; d && i < out; i++)
			d[i] = v[i].dev;
		if (d) {
			k->devices = d;
			k->n_devices = out;
		} else {
			err = MC_ENOMEM;
		}
	}
	free(v);
	return err;
}

static int by_keep(const void *x, const void *y)
{
	const struct mc_share *a = x, *b = y;

	if (a->keep != b->keep)
		return a->keep < b->keep ? -1 : 1;
	return (a->other > b->other) - (a->other < b->other);
}

int mc_direct_share_apply(struct mc_map *map, struct mc_share *v, size_t n)
{
	int err = 0;

	qsort(v, n, sizeof(*v), by_keep);
	for (size_t i = 0, j; !err && i < n; i = j) {
		for (j = i; j < n && v[j].keep == v[i].keep; j++)
			;
		err = join_devices(map, v[i].keep, v + i, j - i);
	}
	return err ? mc_diag(map, err, NULL, 0, NULL, "out of memory") : 0;
}
