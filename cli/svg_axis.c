// SPDX-License-Identifier: MIT
/*
 * svg_axis.c - render's address axis across 2^64.
 *
 * The axis is cut at every edge of every input range and carved piece. A
 * segment something covers gets a width that grows with the log2 of its
 * size, so a 4K page and 1T of RAM are both visible; a gap of CUT_MIN or
 * more that nothing covers is drawn CUT_W wide and marked as cut.
 */
#include <stdlib.h>
#include "svg_axis.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint64_t seg_last(const struct axis *ax, size_t i)
{
	return i + 1 < ax->n ? ax->edge[i + 1] - 1 : UINT64_MAX;
}

/* The segment starting at @addr (an edge). */
static size_t seg_of(const struct axis *ax, uint64_t addr)
{
	size_t lo = 0, hi = ax->n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ax->edge[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* 16 px below 4K, then 8 px per doubling. */
static int seg_width(uint64_t first, uint64_t last)
{
	int bits = 0;

	for (uint64_t v = last - first; v; v >>= 1)
		bits++;		/* bits of size - 1: 4K -> 12 */
	return bits <= 11 ? 16 : 16 + 8 * (bits - 11);
}

static void add_edges(uint64_t *e, size_t *n, uint64_t first, uint64_t last)
{
	e[(*n)++] = first;
	if (last != UINT64_MAX)
		e[(*n)++] = last + 1;
}

/* Count one range on the segments it covers: +1 at its first, -1 after. */
static void count_range(const struct axis *ax, long *depth, uint64_t first,
			uint64_t last)
{
	depth[seg_of(ax, first)]++;
	depth[last == UINT64_MAX ? ax->n : seg_of(ax, last + 1)]--;
}

/* Which segments nothing covers: a gap of CUT_MIN or more is cut. */
static int mark_cuts(const struct mc_map *map, struct axis *ax)
{
	size_t n_in, n_out = model_piece_count(map);
	const struct mc_region *in = mc_map_input(map, &n_in);
	long *depth = calloc(ax->n + 1, sizeof(*depth)), sum = 0;
	struct piece p;

	if (!depth)
		return MC_ENOMEM;
	for (size_t i = 0; i < n_in; i++)
		count_range(ax, depth, in[i].first, in[i].last);
	for (size_t i = 0; i < n_out; i++) {
		model_piece(map, i, &p);
		count_range(ax, depth, p.first, p.last);
	}
	for (size_t i = 0; i < ax->n; i++) {
		sum += depth[i];
		ax->cut[i] = !sum && seg_last(ax, i) - ax->edge[i] >= CUT_MIN - 1;
	}
	free(depth);
	return 0;
}

/* Every edge of every range, sorted, once; then the x of each. */
int axis_build(const struct mc_map *map, struct axis *ax, int left)
{
	size_t n_in, n_out = model_piece_count(map), k = 0;
	const struct mc_region *in = mc_map_input(map, &n_in);
	struct piece p;
	int x = left;

	ax->edge = malloc((2 * (n_in + n_out) + 1) * sizeof(*ax->edge));
	if (!ax->edge)
		return MC_ENOMEM;
	ax->edge[k++] = 0;
	for (size_t i = 0; i < n_in; i++)
		add_edges(ax->edge, &k, in[i].first, in[i].last);
	for (size_t i = 0; i < n_out; i++) {
		model_piece(map, i, &p);
		add_edges(ax->edge, &k, p.first, p.last);
	}
	qsort(ax->edge, k, sizeof(*ax->edge), cmp_u64);
	ax->n = 0;
	for (size_t i = 0; i < k; i++)
		if (!ax->n || ax->edge[ax->n - 1] != ax->edge[i])
			ax->edge[ax->n++] = ax->edge[i];
	ax->x = malloc((ax->n + 1) * sizeof(*ax->x));
	ax->cut = malloc(ax->n + 1);
	if (!ax->x || !ax->cut || mark_cuts(map, ax))
		return MC_ENOMEM;
	for (size_t i = 0; i < ax->n; i++) {
		ax->x[i] = x;
		x += ax->cut[i] ? CUT_W : seg_width(ax->edge[i], seg_last(ax, i));
	}
	ax->x[ax->n] = x;
	return 0;
}

void axis_free(struct axis *ax)
{
	free(ax->edge);
	free(ax->x);
	free(ax->cut);
}

int axis_x_from(const struct axis *ax, uint64_t first)
{
	return ax->x[seg_of(ax, first)];
}

int axis_x_to(const struct axis *ax, uint64_t last)
{
	return last == UINT64_MAX ? ax->x[ax->n] : ax->x[seg_of(ax, last + 1)];
}

