/* SPDX-License-Identifier: MIT */
/*
 * join.h - the kernel's sanitizer on a table already in order, one entry
 * at a time; not installed.
 *
 * On entries of nonzero size and type, sorted and disjoint, the change-
 * point sweep of sanitize.c only joins an entry to the one before it when
 * the two touch with the same type, and never a PRAM or SOFT_RESERVED
 * entry (see sanitize.c for why). mc_e820_sanitize() uses this when its
 * input is in order; mc_e820_build() feeds it the carved result, which is
 * in order by contract, without building a table first.
 */
#ifndef MC_E820_JOIN_H
#define MC_E820_JOIN_H

#include <stdbool.h>
#include "memcarve-e820.h"

struct e820_join {
	struct mc_e820_entry *out;	/* finished entries, while they fit */
	size_t cap;
	size_t count;			/* finished entries, all counted */
	struct mc_e820_entry open;	/* size 0: nothing open yet */
};

/* PRAM and SOFT_RESERVED entries stay as given (see sanitize.c). */
static inline bool e820_never_merged(uint32_t type)
{
	return type == MC_E820_PRAM || type == MC_E820_SOFT_RESERVED;
}

/*
 * The next entry: nonzero size and type, above every entry before it.
 * Return: 0, or MC_ERANGE when joining would cover all 2^64 bytes.
 *
 * The sweep sees each entry's start right before the previous one's end
 * only where they touch; at any other point one entry or none covers the
 * address. So an entry joins the open one exactly when it touches it with
 * the same type that is not a never-merged type; else the open entry
 * closes and this one opens. Joining two entries into all 2^64 bytes is
 * the sweep's MC_ERANGE. Inline: it runs once per piece of a carved map.
 */
static inline int e820_join_add(struct e820_join *j,
				const struct mc_e820_entry *e)
{
	struct mc_e820_entry *open = &j->open;

	if (open->size && e->type == open->type &&
	    !e820_never_merged(open->type) &&
	    e->addr == open->addr + open->size) {
		open->size += e->size;
		return open->size ? 0 : MC_ERANGE;	/* [0, 2^64) */
	}
	if (open->size && j->count < j->cap)
		j->out[j->count] = *open;
	j->count += open->size != 0;
	*open = *e;
	return 0;
}

/* Close the open entry. *@count: entries in all. 0 or MC_ENOSPC. */
int e820_join_end(struct e820_join *j, size_t *count);

#endif /* MC_E820_JOIN_H */
