// SPDX-License-Identifier: MIT
/*
 * relocate.c - give back what the relocate policy carved.
 *
 * Each RAM block's carved bytes go to the lowest free, granule-aligned
 * space above the block, where "free" means no range of the map and no
 * RAM. Blocks are served in address order; a gap that fills up is skipped
 * for good through a union-find "next gap with room" table, so the whole
 * pass stays O(n log n) however the blocks and gaps interleave.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "carve.h"
#include "internal/region.h"

struct gap {
	uint64_t first, last;	/* the aligned free part still unused */
};

/* Aligned part of the free range [a, b]; false if it holds no granule. */
static bool aligned_gap(uint64_t a, uint64_t b, uint64_t g, struct gap *out)
{
	uint64_t first, last;

	if (a & (g - 1)) {
		if (mc_granule_last(a, g) == UINT64_MAX)
			return false;
		first = mc_granule_last(a, g) + 1;
	} else {
		first = a;
	}
	if (b == UINT64_MAX || ((b + 1) & (g - 1)) == 0) {
		last = b;
	} else {
		if (mc_align_down(b + 1, g) == 0)
			return false;
		last = mc_align_down(b + 1, g) - 1;
	}
	if (first > last || first < a)
		return false;
	*out = (struct gap){ first, last };
	return true;
}

/* Free space between and after the pieces, which are sorted. */
static size_t find_gaps(const struct mc_pieces *p, uint64_t g, struct gap *v)
{
	uint64_t next = 0;	/* first byte not yet known to be taken */
	bool more = true;	/* false once a piece ends at 2^64 - 1 */
	size_t n = 0;

	for (size_t i = 0; i < p->n && more; i++) {
		if (p->v[i].first > next &&
		    aligned_gap(next, p->v[i].first - 1, g, &v[n]))
			n++;
		more = p->v[i].last != UINT64_MAX;
		next = p->v[i].last + 1;
	}
	if (more && aligned_gap(next, UINT64_MAX, g, &v[n]))
		n++;
	return n;
}

/* The first gap at or after @i with room left; n_gaps if none. */
static size_t next_open(size_t *link, size_t i)
{
	size_t root = i, t;

	while (link[root] != root)
		root = link[root];
	while (link[i] != root) {
		t = link[i];
		link[i] = root;
		i = t;
	}
	return root;
}

/* First gap starting above @last. */
static size_t gap_above(const struct gap *v, size_t n, uint64_t last)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].first <= last)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int cmp_first(const void *a, const void *b)
{
	const struct mc_piece *x = a, *y = b;

	return (x->first > y->first) - (x->first < y->first);
}

/*
 * The ranges that carry a node (ram, pmem, hotplug) in address order, so
 * a block's relocation stops at the first range of another node above it
 * (numa.md §1). @next_other[i] is the first range after i of a node other
 * than i's, or n.
 */
struct node_fences {
	struct mc_piece *v;	/* first and origin (the input index) */
	size_t *next_other;
	size_t n;
};

static int build_fences(const struct mc_map *map, struct node_fences *f)
{
	const struct mc_region *in = map->in;

	f->n = 0;
	if (!mc_map_is_numa(map))
		return 0;
	f->v = malloc((map->n_node_regions + 1) * sizeof(*f->v));
	f->next_other = malloc((map->n_node_regions + 1) *
			       sizeof(*f->next_other));
	if (!f->v || !f->next_other)
		return MC_ENOMEM;
	for (size_t i = 0; i < map->n_in; i++)
		if (in[i].flags & MC_F_NODE)
			f->v[f->n++] = (struct mc_piece){
				.first = in[i].first, .origin = (uint32_t)i };
	qsort(f->v, f->n, sizeof(*f->v), mc_piece_cmp);
	for (size_t i = f->n; i-- > 0;)
		f->next_other[i] = i + 1 == f->n ? f->n :
			in[f->v[i + 1].origin].node != in[f->v[i].origin].node ?
				i + 1 : f->next_other[i + 1];
	return 0;
}

/* The first range above @b of another node than @b's, or NULL. */
static const struct mc_region *fence_above(const struct mc_map *map,
					   const struct node_fences *f,
					   const struct mc_ram_block *b)
{
	uint32_t node = map->in[b->idx].node;
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->v[mid].first <= b->last)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->n && map->in[f->v[lo].origin].node == node)
		lo = f->next_other[lo];
	return lo < f->n ? &map->in[f->v[lo].origin] : NULL;
}

static int no_room(struct mc_map *map, const struct mc_ram_block *b,
		   const struct mc_region *fence)
{
	const struct mc_region *r = &map->in[b->idx];
	char verb[160];

	if (!(r->flags & MC_F_NODE))
		return mc_diag_range(map, MC_ENOROOM, NULL, r, b->first,
				     b->last, "no free space above it for the "
				     "0x%llx bytes relocate carved out of it",
				     (unsigned long long)b->reloc_need);
	if (!fence)
		return mc_diag_range(map, MC_ENOROOM, NULL, r, b->first,
				     b->last, "node %u: no free space to "
				     "relocate 0x%llx bytes above it",
				     r->node,
				     (unsigned long long)b->reloc_need);
	snprintf(verb, sizeof(verb), "node %u: no free space to relocate "
		 "0x%llx bytes above it before node %u's", r->node,
		 (unsigned long long)b->reloc_need, fence->node);
	return mc_diag_pair(map, MC_ENOROOM, NULL, r, fence, verb, "");
}

/*
 * Fill gaps above one block, below @fence (a range of another node) if
 * there is one; new pieces go to @add.
 */
static int place(struct mc_map *map, const struct mc_ram_block *b,
		 const struct mc_region *fence, struct gap *gaps,
		 size_t n_gaps, size_t *link, struct mc_pieces *add)
{
	struct mc_piece r = mc_piece_of(&map->in[b->idx], (uint32_t)b->idx, 0,
					0, MC_F_BACKED | MC_F_RELOCATED);
	uint64_t need = b->reloc_need, take;
	size_t i = next_open(link, gap_above(gaps, n_gaps, b->last));

	/* gaps lie between pieces, so none straddles the fence */
	for (; need && i < n_gaps && (!fence || gaps[i].first < fence->first);
	     i = next_open(link, i)) {
		struct gap *gp = &gaps[i];

		take = gp->last - gp->first;	/* bytes - 1: may be 2^64 - 1 */
		take = need - 1 < take ? need : take + 1;
		r.first = gp->first;
		r.last = gp->first + (take - 1);
		if (mc_pieces_push(add, &r))
			return mc_diag(map, MC_ENOMEM, NULL, 0, NULL,
				       "out of memory");
		need -= take;
		if (r.last == gp->last)
			link[i] = i + 1;	/* full: skip it from now on */
		else
			gp->first = r.last + 1;
	}
	return need ? no_room(map, b, fence) : 0;
}

/* Merge the sorted @add into the sorted @out. */
static int merge_pieces(struct mc_pieces *out, struct mc_pieces *add)
{
	size_t n = out->n + add->n, i = out->n, j = add->n, k = n;

	if (mc_pieces_reserve(out, n))
		return MC_ENOMEM;
	while (j) {
		if (i && out->v[i - 1].first > add->v[j - 1].first)
			out->v[--k] = out->v[--i];
		else
			out->v[--k] = add->v[--j];
	}
	out->n = n;
	return 0;
}

int mc_relocate(struct mc_map *map, const struct mc_ram_block *ram,
		size_t n_ram, uint64_t granule, struct mc_pieces *out,
		uint64_t *relocated)
{
	struct mc_pieces add = { 0 };
	struct node_fences fences = { 0 };
	struct gap *gaps = NULL;
	size_t *link = NULL, n_gaps;
	int err = 0;

	for (size_t i = 0; i < n_ram; i++)
		*relocated += ram[i].reloc_need;
	if (!*relocated)
		return 0;
	gaps = malloc((out->n + 1) * sizeof(*gaps));
	link = malloc((out->n + 2) * sizeof(*link));
	if (!gaps || !link || build_fences(map, &fences)) {
		err = mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
		goto out;
	}
	n_gaps = find_gaps(out, granule, gaps);
	for (size_t i = 0; i <= n_gaps; i++)
		link[i] = i;
	for (size_t i = 0; i < n_ram && !err; i++)
		if (ram[i].reloc_need)
			err = place(map, &ram[i],
				    fence_above(map, &fences, &ram[i]), gaps,
				    n_gaps, link, &add);
	if (!err) {
		qsort(add.v, add.n, sizeof(*add.v), cmp_first);
		if (merge_pieces(out, &add))
			err = mc_diag(map, MC_ENOMEM, NULL, 0, NULL,
				      "out of memory");
	}
out:
	free(add.v);
	free(fences.v);
	free(fences.next_other);
	free(gaps);
	free(link);
	return err;
}
