// SPDX-License-Identifier: MIT
/*
 * sanitize.c - Linux's e820__update_table(), re-expressed.
 *
 * The guest runs this algorithm on whatever we hand it, so we run the same
 * one first: then the table we print is the table it prints. Every entry
 * gives a start and an end change point; sorted by address (a start before
 * an end at the same address), the points are swept once while the set of
 * entries covering the current address is kept. At each point the highest
 * type in the set is the type from there on; an output entry closes when
 * that type changes, or at every point while it is a never-merged type
 * (PRAM, SOFT_RESERVED). Closed entries of zero size are dropped.
 *
 * Unlike the kernel, ends are kept exact up to 2^64: an entry may end at
 * 2^64 - 1 without wrapping the sweep.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "memcarve-e820.h"
#include "join.h"

/* A position in [0, 2^64]: 2^64 is @top, one past the last byte. */
struct pos {
	uint64_t addr;
	bool top;
};

struct cpoint {
	struct pos at;
	bool is_end;
	size_t entry;
};

struct sweep {
	const struct mc_e820_entry *in;
	size_t *active;		/* entries covering the current position */
	size_t n_active;
	struct mc_e820_entry *out;
	size_t cap, count;
	uint32_t last_type;	/* 0: no entry open */
	struct pos last_at;	/* where the open entry starts */
};

static int cmp_pos(struct pos a, struct pos b)
{
	if (a.top != b.top)
		return a.top ? 1 : -1;
	return (a.addr > b.addr) - (a.addr < b.addr);
}

/* The kernel's cpcompare(); the entry index only makes the order total. */
static int cmp_cpoint(const void *pa, const void *pb)
{
	const struct cpoint *a = pa, *b = pb;
	int c = cmp_pos(a->at, b->at);

	if (c)
		return c;
	if (a->is_end != b->is_end)
		return a->is_end ? 1 : -1;
	return (a->entry > b->entry) - (a->entry < b->entry);
}

/* Does [addr, addr + size) run past 2^64? Ending exactly there is fine. */
static bool wraps(const struct mc_e820_entry *e)
{
	return e->size && e->addr + (e->size - 1) < e->addr;
}

static struct pos end_of(const struct mc_e820_entry *e)
{
	uint64_t end = e->addr + e->size;	/* wraps to 0 only at 2^64 */

	return (struct pos){ end, end == 0 };
}

static void track(struct sweep *s, const struct cpoint *p)
{
	if (!p->is_end) {
		s->active[s->n_active++] = p->entry;
		return;
	}
	for (size_t i = 0; i < s->n_active; i++)
		if (s->active[i] == p->entry) {
			s->active[i] = s->active[--s->n_active];
			break;
		}
}

static uint32_t top_type(const struct sweep *s)
{
	uint32_t t = 0;

	for (size_t i = 0; i < s->n_active; i++)
		if (s->in[s->active[i]].type > t)
			t = s->in[s->active[i]].type;
	return t;
}

/* Close the open entry at @at; zero-size ones vanish. */
static int close_entry(struct sweep *s, struct pos at)
{
	uint64_t size = at.addr - s->last_at.addr;	/* mod 2^64 */

	if (at.top == s->last_at.top && size == 0)
		return 0;
	if (size == 0)		/* [0, 2^64): one bit too wide for a size */
		return MC_ERANGE;
	if (s->count < s->cap)
		s->out[s->count] = (struct mc_e820_entry){ s->last_at.addr,
							   size, s->last_type };
	s->count++;
	return 0;
}

static int step(struct sweep *s, const struct cpoint *p)
{
	uint32_t type;
	int err = 0;

	track(s, p);
	type = top_type(s);
	if (type == s->last_type && !e820_never_merged(type))
		return 0;
	if (s->last_type)
		err = close_entry(s, p->at);
	if (type)
		s->last_at = p->at;
	s->last_type = type;
	return err;
}

static size_t fill_points(const struct mc_e820_entry *in, size_t n,
			  struct cpoint *cp)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (!in[i].size)
			continue;
		cp[k++] = (struct cpoint){ { in[i].addr, false }, false, i };
		cp[k++] = (struct cpoint){ end_of(&in[i]), true, i };
	}
	return k;
}

/*
 * Entries of nonzero size and type, in address order, none overlapping:
 * what mc_e820_build() hands over, and any table already sanitized. (The
 * sweep drops type 0, "no entry"; a size-0 entry never enters it.) No
 * entry can follow one that ends at 2^64 - 1 without overlapping it.
 */
static bool sorted_disjoint(const struct mc_e820_entry *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!in[i].size || !in[i].type)
			return false;
		if (i && in[i].addr <= in[i - 1].addr + (in[i - 1].size - 1))
			return false;
	}
	return true;
}

int e820_join_end(struct e820_join *j, size_t *count)
{
	if (j->open.size && j->count < j->cap)
		j->out[j->count] = j->open;
	j->count += j->open.size != 0;
	j->open.size = 0;
	*count = j->count;
	return j->count > j->cap ? MC_ENOSPC : 0;
}

static int sanitize_sorted(const struct mc_e820_entry *in, size_t n,
			   struct mc_e820_entry *out, size_t cap,
			   size_t *count)
{
	struct e820_join j = { .out = out, .cap = cap };
	int err = 0;

	for (size_t i = 0; i < n && !err; i++)
		err = e820_join_add(&j, &in[i]);
	if (err) {
		*count = j.count;
		return err;
	}
	return e820_join_end(&j, count);
}

int mc_e820_sanitize(const struct mc_e820_entry *in, size_t n,
		     struct mc_e820_entry *out, size_t *size)
{
	size_t cap = *size, *count = size;
	struct sweep s = { .in = in, .out = out, .cap = cap };
	struct cpoint *cp;
	size_t n_cp;
	int err = 0;

	*count = 0;
	for (size_t i = 0; i < n; i++)
		if (wraps(&in[i]))
			return MC_ERANGE;
	if (n < 2) {		/* the kernel leaves such a table alone */
		*count = n;
		if (n > cap)
			return MC_ENOSPC;
		if (n)
			memcpy(out, in, sizeof(*in));
		return 0;
	}
	if (sorted_disjoint(in, n))
		return sanitize_sorted(in, n, out, cap, count);
	if (n > SIZE_MAX / 2 / sizeof(*cp))
		return MC_ENOMEM;
	cp = malloc(2 * n * sizeof(*cp));
	s.active = malloc(n * sizeof(*s.active));
	if (!cp || !s.active) {
		free(cp);
		free(s.active);
		return MC_ENOMEM;
	}
	n_cp = fill_points(in, n, cp);
	qsort(cp, n_cp, sizeof(*cp), cmp_cpoint);
	for (size_t i = 0; i < n_cp && !err; i++)
		err = step(&s, &cp[i]);
	free(cp);
	free(s.active);
	*count = s.count;
	if (!err && s.count > cap)
		err = MC_ENOSPC;
	return err;
}
