/* SPDX-License-Identifier: MIT */
/*
 * diag.h - the one way every part of the library records a diagnostic.
 * Not installed.
 *
 * Every message has one of three shapes (msg of struct mc_error):
 *
 *   about a range:  SOURCE:LINE: KIND BASE+SIZE[ type=TYPE][ name=NAME]: text
 *   an overlap:     SOURCE:LINE: KIND BASE+SIZE...: overlaps KIND BASE+SIZE...
 *                   (SOURCE:LINE) (why)
 *   anything else:  [SOURCE[:LINE]: ][FIELD: ]text
 *
 * KIND is spelled as the map file spells the statement, type= is shown for
 * reserved ranges of a type other than "reserved", and a range added by
 * mc_map_add() without a source is "mc_map_add()#N". FIELD is the struct
 * field at fault ("opts.base", "region.devices") or, for a map-file line,
 * the attribute ("size", "type="); never a tool's option.
 */
#ifndef MC_INTERNAL_DIAG_H
#define MC_INTERNAL_DIAG_H

#include <stdint.h>
#include "memcarve.h"

#if defined(__GNUC__)
#define MC_DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MC_DIAG_PRINTF(f, a)
#endif

/* A message longer than this is cut, ending in "..." (bounded memory). */
#define MC_DIAG_MAX 2048

/*
 * The source of regions mc_map_add() was given without one; their line is
 * the call's number N, printed as "mc_map_add()#N".
 */
#define MC_API_SOURCE "mc_map_add()"

/*
 * "0x8000000+0x100000": BASE+SIZE, the map's range notation. SIZE is
 * 0x10000000000000000 for the whole 2^64 space. Returns @buf.
 */
#define MC_RANGE_STR 48
char *mc_range_str(char buf[MC_RANGE_STR], uint64_t first, uint64_t last);

/* Not about a range: "[SOURCE[:LINE]: ][FIELD: ]text". Returns @code. */
int mc_diag(struct mc_map *map, int code, const char *source,
	    unsigned int line, const char *field, const char *fmt, ...)
	MC_DIAG_PRINTF(6, 7);

/*
 * About the range @r (an input region or a result piece), placed at its
 * source and line; @first..@last is the part at fault (usually r->first,
 * r->last). @field is kept in mc_error.field, not printed. Returns @code.
 */
int mc_diag_range(struct mc_map *map, int code, const char *field,
		  const struct mc_region *r, uint64_t first, uint64_t last,
		  const char *fmt, ...)
	MC_DIAG_PRINTF(7, 8);

/* @a overlaps @b, each with its source and line; @why in parentheses. */
int mc_diag_overlap(struct mc_map *map, int code, const struct mc_region *a,
		    const struct mc_region *b, const char *why);

/*
 * @a, then @verb and @b with its source and line, then @tail:
 * "vm.map:3: ram 0x0+0x1000: has no node=, but ram 0x1000+0x1000
 * (vm.map:2) has one: ...". @field is kept, not printed.
 */
int mc_diag_pair(struct mc_map *map, int code, const char *field,
		 const struct mc_region *a, const struct mc_region *b,
		 const char *verb, const char *tail);

#endif /* MC_INTERNAL_DIAG_H */
