// SPDX-License-Identifier: MIT
/* STUB numa-dt: numa.md's accessors until numa-core lands. */
#include "memcarve.h"

int mc_map_is_numa(const struct mc_map *map)
{
	const struct mc_region *in;
	size_t n;

	in = mc_map_input(map, &n);
	for (size_t i = 0; i < n; i++)
		if (in[i].flags & MC_F_NODE)
			return 1;
	return 0;
}

uint32_t mc_map_distance(const struct mc_map *map, uint32_t from, uint32_t to)
{
	(void)map;
	(void)from;
	(void)to;
	return 0;
}
