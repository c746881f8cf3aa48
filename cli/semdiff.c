// SPDX-License-Identifier: MIT
/*
 * semdiff.c - two carved models compared by meaning.
 *
 * The address space is cut at every edge of either model, and each
 * segment's meaning in A is compared with its meaning in B on what both
 * formats say (meaning.c). Neighbouring segments that changed the same
 * way are one change.
 */
#include <stdlib.h>
#include <string.h>
#include "semdiff.h"

static char *meaning_text(const struct meaning *m)
{
	struct cli_buf b = { 0 };

	meaning_print(&b, m);
	if (b.failed) {
		cli_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* Record [first, last] A -> B, joined to the change before when it goes on. */
static void add_change(struct changes *d, uint64_t first, uint64_t last,
		       const struct meaning *ma, const struct meaning *mb,
		       bool node_only)
{
	char *a = meaning_text(ma), *b = meaning_text(mb);
	struct change *c = d->n ? &d->v[d->n - 1] : NULL;

	if (!a || !b) {
		d->failed = true;
	} else if (c && c->last + 1 == first && !strcmp(c->a, a) &&
		   !strcmp(c->b, b)) {
		c->last = last;
	} else if (d->n < d->cap || (d->cap = d->cap ? 2 * d->cap : 16,
				     c = realloc(d->v, d->cap * sizeof(*c)),
				     c && (d->v = c))) {
		d->v[d->n++] = (struct change){ first, last, a, b, 0,
						node_only };
		return;
	} else {
		d->failed = true;
	}
	free(a);
	free(b);
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return (a > b) - (a < b);
}

/* Every piece edge of both maps, sorted, once. */
static uint64_t *edges(const struct mc_map *a, const struct mc_map *b,
		       size_t *n)
{
	size_t na = model_piece_count(a), nb = model_piece_count(b), k = 0;
	uint64_t *e = malloc((2 * (na + nb) + 1) * sizeof(*e));
	struct piece p;

	if (!e)
		return NULL;
	e[k++] = 0;
	for (size_t m = 0; m < 2; m++)
		for (size_t i = 0; i < (m ? nb : na); i++) {
			model_piece(m ? b : a, i, &p);
			e[k++] = p.first;
			if (p.last != UINT64_MAX)
				e[k++] = p.last + 1;
		}
	qsort(e, k, sizeof(*e), cmp_u64);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (!*n || e[*n - 1] != e[i])
			e[(*n)++] = e[i];
	return e;
}

/* The piece of @map holding @addr, *at moving forward; NULL: a hole. */
static const struct piece *piece_at(const struct mc_map *map, size_t *at,
				    uint64_t addr, struct piece *p)
{
	size_t n = model_piece_count(map);

	for (; *at < n; ++*at) {
		model_piece(map, *at, p);
		if (p->last >= addr)
			return p->first <= addr ? p : NULL;
	}
	return NULL;
}

/*
 * An ACPI table says only direct ranges: the other side must say which
 * of its ranges are direct (reserved types), or be an ACPI table too.
 * Slots say only guest memory: the other side must say which reserved
 * ranges RAM backs. NULL if they compare, else what is missing.
 */
const char *semdiff_incomparable(const struct model *a, const struct model *b)
{
	const unsigned int direct = SAYS_TYPES | SAYS_ONLY_DIRECT;
	const unsigned int backed = SAYS_BACKED | SAYS_ONLY_RAM;

	if (!a->says || !b->says)
		return "says nothing about memory";
	if ((a->says & SAYS_ONLY_DIRECT && !(b->says & direct)) ||
	    (b->says & SAYS_ONLY_DIRECT && !(a->says & direct)))
		return "says only direct ranges, and the other does not say "
		       "which ranges are direct";
	if ((a->says & SAYS_ONLY_RAM && !(b->says & backed)) ||
	    (b->says & SAYS_ONLY_RAM && !(a->says & backed)))
		return "says only guest memory, and the other does not say "
		       "which reserved ranges RAM backs";
	return NULL;
}

int semdiff(struct changes *d, const struct model *a, const struct model *b)
{
	const unsigned int only = SAYS_ONLY_DIRECT | SAYS_ONLY_RAM | SAYS_RMR |
				  SAYS_MMIO_AS_RESERVED;
	unsigned int says = (a->says & b->says & ~only) |
			    ((a->says | b->says) & only);
	bool loose = !(a->says & b->says & SAYS_NAMES);
	size_t n, ia = 0, ib = 0;
	uint64_t *e = edges(a->map, b->map, &n);
	struct piece pa, pb;
	struct meaning ma, mb;

	if (!e)
		return MC_ENOMEM;
	if (a->says & (SAYS_NAMES | SAYS_NODE_NAMES) &&
	    b->says & (SAYS_NAMES | SAYS_NODE_NAMES))
		says |= SAYS_NODE_NAMES;
	for (size_t i = 0; i < n && !d->failed; i++) {
		uint64_t last = i + 1 < n ? e[i + 1] - 1 : UINT64_MAX;

		meaning_of(&ma, piece_at(a->map, &ia, e[i], &pa), says);
		meaning_of(&mb, piece_at(b->map, &ib, e[i], &pb), says);
		if (!meaning_equal(&ma, &mb, loose))
			add_change(d, e[i], last, &ma, &mb,
				   meaning_equal_but_node(&ma, &mb, loose));
	}
	free(e);
	return d->failed ? MC_ENOMEM : 0;
}


void changes_free(struct changes *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].a);
		free(d->v[i].b);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}
