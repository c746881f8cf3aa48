// SPDX-License-Identifier: MIT
/*
 * split.c - patch mode: memory blocks cut where the base's memory nodes
 * meet.
 *
 * A platform describes each NUMA node's memory in its own node (QEMU:
 * one per node, with ibm,associativity or numa-node-id). A block of ours
 * that spans two such nodes is cut at their boundary, so that each piece
 * inherits the properties of the node it lies in and the guest keeps its
 * topology. Sorting the boundaries once keeps this O(n log n).
 */
#include <stdlib.h>
#include "dt-internal.h"

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Every address where a base memory range starts or ends + 1. */
static uint64_t *boundaries(const struct dt_base *base, size_t *n)
{
	uint64_t *cut = calloc(2 * base->n_mem + 1, sizeof(*cut));

	*n = 0;
	if (!cut)
		return NULL;
	for (size_t i = 0; i < base->n_mem; i++) {
		cut[(*n)++] = base->mem[i].first;
		if (base->mem[i].last != UINT64_MAX)
			cut[(*n)++] = base->mem[i].last + 1;
	}
	qsort(cut, *n, sizeof(*cut), by_value);
	return cut;
}

int dt_plan_split(struct mc_map *map, struct dt_plan *plan,
		  const struct dt_base *base)
{
	struct dt_block *out;
	size_t n_cut, n = 0, j = 0;
	uint64_t *cut;

	if (base->n_mem == 0)
		return 0;
	cut = boundaries(base, &n_cut);
	out = cut ? calloc(plan->n_blocks + n_cut, sizeof(*out)) : NULL;
	if (!out) {
		free(cut);
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < plan->n_blocks; i++) {
		uint64_t at = plan->blocks[i].first, last = plan->blocks[i].last;
		uint32_t node = plan->blocks[i].node;

		while (j < n_cut && cut[j] <= at)
			j++;
		for (; j < n_cut && cut[j] <= last; j++) {
			if (cut[j] > at) {
				out[n++] = (struct dt_block){ at, cut[j] - 1,
								node };
				at = cut[j];
			}
		}
		out[n++] = (struct dt_block){ at, last, node };
	}
	free(cut);
	free(plan->blocks);
	plan->blocks = out;
	plan->n_blocks = n;
	return 0;
}
