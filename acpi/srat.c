// SPDX-License-Identifier: MIT
/*
 * srat.c - the SRAT: one memory affinity structure per node-contiguous
 * range of a NUMA map.
 *
 * What the table covers, and why:
 *  - RAM: every KVM slot (mc_map_slots()), enabled. A slot is a maximal
 *    run of guest memory within one node, so the structures cover exactly
 *    the memory the VMM backs: RAM and the ranges overlaid on it (ACPI
 *    data, direct ranges: e820 does not call them RAM, but they are the
 *    node's memory), with holes left out. Leaving holes out is what real
 *    firmware does, and Linux joins a node's blocks across a hole itself
 *    (numa_cleanup_meminfo()).
 *  - pmem: enabled and non-volatile.
 *  - hotplug windows: enabled and hot-pluggable, so that the guest knows
 *    the node of memory added there later (Linux keeps them in
 *    numa_reserved_meminfo for phys_to_target_node()).
 * Touching ranges of one node and the same flags are one structure: the
 * guest would join them anyway, and each one takes one of its
 * NR_NODE_MEMBLKS blocks. The structures are written node by node, each
 * node's by address: Linux numbers nodes in the order it meets proximity
 * domains, so a fresh table's node N is the guest's node N when the map
 * names nodes 0..n-1 (a base's processor structures are met first).
 *
 * With a base (the VMM's SRAT), its memory affinity structures are
 * replaced by these, written where its first one was, and every other
 * structure is kept byte for byte, in order.
 */
#include <stdlib.h>
#include <string.h>
#include "srat.h"
#include "walk.h"
#include "internal/region.h"

static int cmp_mem(const void *a, const void *b)
{
	const struct srat_mem *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

/* The input region a reported range comes from: the first one over it. */
static const struct mc_region *region_at(const struct mc_map *map,
					 uint64_t addr)
{
	size_t np, ni;
	const struct mc_piece *p = mc_map_result(map, &np);
	const struct mc_region *in = mc_map_input(map, &ni);
	size_t i = mc_piece_at(p, np, addr);

	return i < np && p[i].first <= addr ? &in[p[i].origin] : NULL;
}

static int report(struct mc_map *map, int code, const struct srat_mem *m,
		  const char *why)
{
	const struct mc_region *r = region_at(map, m->first);

	if (r)
		return mc_diag_range(map, code, "region.node", r, m->first,
				     m->last, "node %u: %s", m->node, why);
	return mc_map_report(map, code, "region.node", "node %u: %s",
			     m->node, why);
}

/* Every range the table describes, unsorted, into @l (malloc'd). */
static int collect(struct mc_map *map, struct srat_list *l)
{
	size_t ns, np, ni, cap;
	const struct mc_slot *s = mc_map_slots(map, &ns);
	const struct mc_piece *p = mc_map_result(map, &np);
	const struct mc_region *in = mc_map_input(map, &ni);

	cap = ns + np + 1;
	l->v = malloc(cap * sizeof(*l->v));
	if (!l->v)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < ns; i++)
		l->v[l->n++] = (struct srat_mem){ s[i].guest,
						  s[i].guest + (s[i].size - 1),
						  s[i].node, SRAT_MEM_ENABLED };
	for (size_t i = 0; i < np; i++) {
		const struct mc_region *r = &in[p[i].origin];
		uint32_t flags = SRAT_MEM_ENABLED;

		if (p[i].kind == MC_PMEM)
			flags |= SRAT_MEM_NON_VOLATILE;
		else if (p[i].kind == MC_HOTPLUG)
			flags |= SRAT_MEM_HOT_PLUGGABLE;
		else
			continue;
		l->v[l->n++] = (struct srat_mem){ p[i].first, p[i].last,
						  r->node, flags };
	}
	return 0;
}

/* Sort node by node, and join touching ranges of one node and flags. */
static void join(struct srat_list *l)
{
	size_t out = 0;

	qsort(l->v, l->n, sizeof(*l->v), cmp_mem);
	for (size_t i = 0; i < l->n; i++) {
		struct srat_mem *prev = out ? &l->v[out - 1] : NULL;

		if (prev && prev->node == l->v[i].node &&
		    prev->flags == l->v[i].flags &&
		    prev->last != UINT64_MAX && prev->last + 1 == l->v[i].first)
			prev->last = l->v[i].last;
		else
			l->v[out++] = l->v[i];
	}
	l->n = out;
}

/*
 * What Linux would drop the whole SRAT for (drivers/acpi/numa/srat.c,
 * mm/numa_memblks.c), or describe otherwise than the map.
 */
static int check_one(struct mc_map *map, const struct srat_mem *m)
{
	if (m->node >= SRAT_MAX_PXM_DOMAINS)
		return report(map, MC_ERANGE, m,
			      "Linux takes proximity domains below "
			      "MAX_PXM_DOMAINS (256) and drops the whole SRAT "
			      "for a higher one (\"SRAT: Too many proximity "
			      "domains.\")");
	if (m->first == 0 && m->last == UINT64_MAX)
		return report(map, MC_ERANGE, m,
			      "a memory affinity length cannot say 2^64");
	return 0;
}

/*
 * The RAM of the e820 (what Linux counts) that the slots, and so the RAM
 * structures, cover: all of it by construction, checked because Linux
 * refuses the whole NUMA description when 1 MiB or more is left out.
 * Pieces and slots both run in address order: one pass over each.
 */
static int check_cover(struct mc_map *map)
{
	size_t np, ns, k = 0;
	const struct mc_piece *p = mc_map_result(map, &np);
	const struct mc_slot *s = mc_map_slots(map, &ns);
	uint64_t ram = 0, covered = 0;

	for (size_t i = 0; i < np; i++) {
		uint64_t bytes = p[i].last - p[i].first + 1;

		if (p[i].kind != MC_RAM)
			continue;
		ram += bytes;
		while (k < ns && s[k].guest + (s[k].size - 1) < p[i].first)
			k++;
		if (k < ns && s[k].guest <= p[i].first &&
		    p[i].last - s[k].guest <= s[k].size - 1)
			covered += bytes;
	}
	if (ram - covered < SRAT_COVER_SLACK)
		return 0;
	return mc_map_report(map, MC_EINVAL, NULL,
			     "the nodes cover %llu MiB of %llu MiB of RAM: "
			     "Linux ignores the SRAT (\"NUMA: nodes only cover "
			     "...MB of your ...MB e820 RAM. Not used.\")",
			     (unsigned long long)(covered >> 20),
			     (unsigned long long)(ram >> 20));
}

static int check(struct mc_map *map, const struct mc_acpi_opts *o,
		 const uint8_t *base, size_t base_len,
		 const struct srat_list *l)
{
	int err = 0;

	for (size_t i = 0; !err && i < l->n; i++)
		err = check_one(map, &l->v[i]);
	if (!err)
		err = acpi_srat_limits(map, o, base, base_len, l);
	return err ? err : check_cover(map);
}

static void put_mem(struct acpi_buf *b, const struct srat_mem *m)
{
	size_t at = acpi_buf_grow(b, SRAT_MEM_SIZE);
	uint64_t len = m->last - m->first + 1;
	uint8_t *s;

	if (at == SIZE_MAX)
		return;
	s = b->p + at;
	put8(s + SRAT_STRUCT_TYPE, SRAT_TYPE_MEMORY);
	put8(s + SRAT_STRUCT_LENGTH, SRAT_MEM_SIZE);
	put_le32(s + SRAT_MEM_PROXIMITY_DOMAIN, m->node);
	put_le32(s + SRAT_MEM_BASE_LOW, (uint32_t)m->first);
	put_le32(s + SRAT_MEM_BASE_HIGH, (uint32_t)(m->first >> 32));
	put_le32(s + SRAT_MEM_LENGTH_LOW, (uint32_t)len);
	put_le32(s + SRAT_MEM_LENGTH_HIGH, (uint32_t)(len >> 32));
	put_le32(s + SRAT_MEM_FLAGS, m->flags);
}

static void put_all(struct acpi_buf *b, const struct srat_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		put_mem(b, &l->v[i]);
}

/* The base, its memory affinity structures replaced by @l's. */
static int patch(struct mc_map *map, const struct mc_acpi_opts *o,
		 const uint8_t *base, size_t base_len,
		 const struct srat_list *l, struct acpi_buf *b)
{
	struct acpi_walk w;
	struct acpi_item it;
	bool written = false;
	int err;

	acpi_buf_reserve(b, base_len, l->n, SRAT_MEM_SIZE);
	acpi_buf_append(b, base, SRAT_SIZE);
	if (b->failed)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = acpi_header_patch(map, b, o);
	if (err)
		return err;
	if (o->revision)
		put8(b->p + SDT_REVISION, o->revision);
	acpi_walk_start(&w, MC_ACPI_SRAT, base, base_len);
	while (acpi_walk_next(&w, &it) > 0) {
		if (it.type != SRAT_TYPE_MEMORY) {
			acpi_buf_append(b, it.p, it.len);
		} else if (!written) {
			put_all(b, l);
			written = true;
		}
	}
	if (!written)
		put_all(b, l);
	return 0;
}

/* A map without nodes: name its first RAM range, or say it has none. */
static int no_nodes(struct mc_map *map)
{
	size_t n;
	const struct mc_region *r = mc_map_input(map, &n);

	for (size_t i = 0; i < n; i++)
		if (r[i].kind == MC_RAM)
			return mc_diag_range(map, MC_EINVAL, "region.node",
					     &r[i], r[i].first, r[i].last,
					     "no node=: an SRAT gives each "
					     "range its NUMA node, and this "
					     "map names none (give node=N on "
					     "every ram, pmem and hotplug "
					     "range)");
	return mc_map_report(map, MC_EINVAL, NULL,
			     "an SRAT gives each range its NUMA node, and "
			     "this map names none");
}

int acpi_build_srat(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len, struct acpi_buf *b)
{
	struct srat_list l = { 0 };
	int err;

	if (!mc_map_is_numa(map))
		return no_nodes(map);
	err = collect(map, &l);
	if (!err) {
		join(&l);
		err = check(map, o, base, base_len, &l);
	}
	if (!err && base) {
		err = patch(map, o, base, base_len, &l, b);
	} else if (!err) {
		acpi_buf_reserve(b, SRAT_SIZE, l.n, SRAT_MEM_SIZE);
		if (acpi_buf_grow(b, SRAT_SIZE) == SIZE_MAX) {
			err = mc_map_report(map, MC_ENOMEM, NULL,
					    "out of memory");
		} else {
			acpi_header_fresh(b, SRAT_SIG, o->revision ?
				o->revision : SRAT_REVISION, o);
			put_le32(b->p + SRAT_TABLE_REVISION,
				 SRAT_TABLE_REVISION_VALUE);
			put_all(b, &l);
		}
	}
	free(l.v);
	return err;
}
