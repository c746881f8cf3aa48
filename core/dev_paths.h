/* SPDX-License-Identifier: MIT */
/*
 * dev_paths.h - device-tree node paths a direct range serves, kept beside
 * the input regions (struct mc_region's 1.0 layout has no room for them):
 * what dev_paths.c, parse.c, write.c and carve.c share. Not installed.
 */
#ifndef MC_DEV_PATHS_H
#define MC_DEV_PATHS_H

#include <stdbool.h>
#include "internal.h"
#include "internal/dt-path.h"

/* One input region's paths; the map keeps them sorted by @index. */
struct mc_dev_paths {
	size_t index;		/* into map->in */
	size_t n;
	const char **path;	/* in the map's arena */
};

/* The paths of input region @index (NULL, *@n = 0: none). */
const char *const *mc_dev_paths_of(const struct mc_map *map, size_t index,
				   size_t *n);

/* Regions @a and @b name the same paths, in the same order. */
bool mc_dev_paths_same(const struct mc_map *map, size_t a, size_t b);

/*
 * Give input region @index the @n paths (already checked), copied; from
 * the map parser, whose diagnostics name its own line and field.
 */
int mc_dev_paths_put(struct mc_map *map, size_t index,
		     const char *const *paths, size_t n);

#endif /* MC_DEV_PATHS_H */
