// SPDX-License-Identifier: MIT
/* TEMPORARY stub of numa-core's mc_map_is_numa(), dropped at the merge. */
#include "memcarve.h"

int mc_map_is_numa(const struct mc_map *map)
{
	size_t n;
	const struct mc_region *r = mc_map_input(map, &n);

	for (size_t i = 0; i < n; i++)
		if (r[i].flags & MC_F_NODE)
			return 1;
	return 0;
}
