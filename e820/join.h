/* SPDX-License-Identifier: MIT */
/*
 * join.h - the kernel's sanitizer on a table already in order, one entry
 * at a time; not installed.
 *
 * On entries of nonzero size and type, sorted and disjoint, the change-
 * point sweep of sanitize.c only joins an entry to the one before it when
 * the two touch with the same type, and never a PRAM or SOFT_RESERVED
 * entry (see sanitize.c for why). mc_e820_sanitize() uses this when its
 * input is in order; mc_e820_table() feeds it the carved result, which is
 * in order by contract, without building a table first.
 */
#ifndef MC_E820_JOIN_H
#define MC_E820_JOIN_H

#include "memcarve-e820.h"

struct e820_join {
	struct mc_e820_entry *out;	/* finished entries, while they fit */
	size_t cap;
	size_t count;			/* finished entries, all counted */
	struct mc_e820_entry open;	/* size 0: nothing open yet */
};

/*
 * The next entry: nonzero size and type, above every entry before it.
 * Return: 0, or MC_ERANGE when joining would cover all 2^64 bytes.
 */
int e820_join_add(struct e820_join *j, const struct mc_e820_entry *e);

/* Close the open entry. *@count: entries in all. 0 or MC_ENOSPC. */
int e820_join_end(struct e820_join *j, size_t *count);

#endif /* MC_E820_JOIN_H */
