/* SPDX-License-Identifier: MIT */
/*
 * iova.h - usable IOVA ranges to reserved gaps; what iova.c and vfio.c
 * share. Not installed.
 */
#ifndef MC_IOVA_H
#define MC_IOVA_H

#include "internal.h"
#include "memcarve-host.h"

/* One usable range and where its caller saw it, for diagnostics. */
struct mc_iova_item {
	uint64_t start, last;
	size_t where;		/* index, or byte offset in a blob */
};

/*
 * Check @opts; set *@src to the interned source name (@fallback if
 * opts->source is NULL).
 */
int mc_iova_opts_check(struct mc_map *map, const struct mc_iova_opts *opts,
		       const char *fallback, const char **src);

/*
 * Sort @v (@n items, n > 0) and add the gaps between them below
 * 2^@bits as MC_F_IOVA_GAP reserved ranges. @where_fmt names an item for
 * a diagnostic from @src and its where: "%s[%zu]" or "%s+0x%zx".
 */
int mc_iova_add_gaps(struct mc_map *map, const char *src,
		     const char *where_fmt, struct mc_iova_item *v, size_t n,
		     unsigned int bits);

#endif /* MC_IOVA_H */
