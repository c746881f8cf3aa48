/* SPDX-License-Identifier: MIT */
/*
 * rangeset.h - a union of address ranges, for check's coverage questions.
 */
#ifndef MC_CLI_RANGESET_H
#define MC_CLI_RANGESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rangeset {
	struct range {
		uint64_t first, last;
	} *v;
	size_t n, cap;
	bool failed;		/* out of memory */
};

void rangeset_add(struct rangeset *s, uint64_t first, uint64_t last);
/* Sort and merge what was added; before any question. */
void rangeset_close(struct rangeset *s);
void rangeset_free(struct rangeset *s);

typedef void (*range_fn)(void *ctx, uint64_t first, uint64_t last);
/* @fn on each part of [first, last] inside the set, in order. */
void rangeset_overlaps(const struct rangeset *s, uint64_t first,
		       uint64_t last, range_fn fn, void *ctx);
/* @fn on each part of [first, last] outside the set, in order. */
void rangeset_gaps(const struct rangeset *s, uint64_t first, uint64_t last,
		   range_fn fn, void *ctx);
bool rangeset_covers(const struct rangeset *s, uint64_t first, uint64_t last);

#endif /* MC_CLI_RANGESET_H */
