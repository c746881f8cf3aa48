/* SPDX-License-Identifier: MIT */
/*
 * core_helpers.h - shared by the core's unit tests: build a map from text,
 * render a carved result as text, so a test states input and expectation
 * the way the map file and `memcarve show` do.
 */
#ifndef CORE_HELPERS_H
#define CORE_HELPERS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "memcarve.h"

/* A map loaded from @text ("test.map"); fails the test on a parse error. */
static inline struct mc_map *map_from(const char *text)
{
	struct mc_map *map = mc_map_new();
	int err;

	assert_non_null(map);
	err = mc_map_load(map, "test.map", text, strlen(text));
	if (err)
		fail_msg("parse failed: %s", mc_map_error(map, 0)->msg);
	return map;
}

/* A map loaded from @text and carved; fails the test on any error. */
static inline struct mc_map *map_carved(const char *text)
{
	struct mc_map *map = map_from(text);

	if (mc_map_carve(map))
		fail_msg("carve failed: %s", mc_map_error(map, 0)->msg);
	return map;
}

/* The first diagnostic, or "" if none. */
static inline const char *first_error(const struct mc_map *map)
{
	const struct mc_error *e = mc_map_error(map, 0);

	return e ? e->msg : "";
}

/*
 * The carved result, one line per piece:
 *   "0x0-0x9ffff ram lowmem"
 *   "0xfee00000-0xfeefffff reserved/msi carved msi"
 * Non-RAM pieces say "backed" (RAM behind), "carved" (RAM cut out) or
 * "unbacked" (never RAM); relocated RAM says "ram/relocated".
 */
static inline const char *render(const struct mc_map *map)
{
	static char buf[8192];
	const struct mc_piece *v;
	const struct mc_region *in;
	size_t n, n_in, off = 0;

	v = mc_map_result(map, &n);
	in = mc_map_input(map, &n_in);
	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sizeof(buf); i++) {
		const struct mc_piece *r = &v[i];
		const char *name = in[r->origin].name;
		char kind[40];

		if (r->kind == MC_RESERVED)
			snprintf(kind, sizeof(kind), "reserved/%s",
				 mc_resv_type_name((enum mc_resv_type)r->type));
		else
			snprintf(kind, sizeof(kind), "%s%s",
				 mc_kind_name((enum mc_kind)r->kind),
				 (r->flags & MC_F_RELOCATED) ? "/relocated" : "");
		off += (size_t)snprintf(buf + off, sizeof(buf) - off,
					"0x%llx-0x%llx %s%s%s %s\n",
					(unsigned long long)r->first,
					(unsigned long long)r->last, kind,
					r->kind == MC_RAM ? "" : " ",
					r->kind == MC_RAM ? "" :
					(r->flags & MC_F_BACKED) ? "backed" :
					(r->flags & MC_F_CARVED) ? "carved" :
								   "unbacked",
					name ? name : "-");
	}
	return buf;
}

/* Carve @text and return the rendering; fails the test on a carve error. */
static inline const char *carve_text(struct mc_map **out, const char *text)
{
	struct mc_map *map = map_from(text);
	int err = mc_map_carve(map);

	if (err)
		fail_msg("carve failed: %s", first_error(map));
	*out = map;
	return render(map);
}

#endif /* CORE_HELPERS_H */
