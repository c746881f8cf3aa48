// SPDX-License-Identifier: MIT
/*
 * rangeset.c - a sorted union of inclusive ranges (up to 2^64 - 1).
 */
#include <stdlib.h>
#include "rangeset.h"

void rangeset_add(struct rangeset *s, uint64_t first, uint64_t last)
{
	struct range *v = s->v;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		v = realloc(s->v, s->cap * sizeof(*v));
		if (!v) {
			s->failed = true;
			return;
		}
		s->v = v;
	}
	v[s->n++] = (struct range){ first, last };
}

static int by_first(const void *x, const void *y)
{
	const struct range *a = x, *b = y;

	return (a->first > b->first) - (a->first < b->first);
}

void rangeset_close(struct rangeset *s)
{
	size_t k = 0;

	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof(*s->v), by_first);
	for (size_t i = 1; i < s->n; i++) {
		/* touching or overlapping: one range (no overflow at 2^64) */
		if (s->v[k].last == UINT64_MAX ||
		    s->v[i].first <= s->v[k].last + 1) {
			if (s->v[i].last > s->v[k].last)
				s->v[k].last = s->v[i].last;
		} else {
			s->v[++k] = s->v[i];
		}
	}
	s->n = k + 1;
}

void rangeset_free(struct rangeset *s)
{
	free(s->v);
	*s = (struct rangeset){ 0 };
}

void rangeset_overlaps(const struct rangeset *s, uint64_t first,
		       uint64_t last, range_fn fn, void *ctx)
{
	for (size_t i = 0; i < s->n && s->v[i].first <= last; i++) {
		if (s->v[i].last < first)
			continue;
		fn(ctx, s->v[i].first > first ? s->v[i].first : first,
		   s->v[i].last < last ? s->v[i].last : last);
	}
}

void rangeset_gaps(const struct rangeset *s, uint64_t first, uint64_t last,
		   range_fn fn, void *ctx)
{
	uint64_t next = first;	/* first address not yet accounted for */

	for (size_t i = 0; i < s->n && s->v[i].first <= last; i++) {
		if (s->v[i].last < next)
			continue;
		if (s->v[i].first > next)
			fn(ctx, next, s->v[i].first - 1);
		if (s->v[i].last >= last)
			return;
		next = s->v[i].last + 1;
	}
	fn(ctx, next, last);
}

static void count(void *ctx, uint64_t first, uint64_t last)
{
	(void)first;
	(void)last;
	*(bool *)ctx = false;
}

bool rangeset_covers(const struct rangeset *s, uint64_t first, uint64_t last)
{
	bool covered = true;

	rangeset_gaps(s, first, last, count, &covered);
	return covered;
}
