// SPDX-License-Identifier: MIT
/*
 * slots.c - the KVM memory slots of a carved map.
 *
 * One slot per run of contiguous backed pieces: fewer slots than pieces
 * (KVM has a few hundred), and an overlaid range stays inside its slot,
 * since RAM still backs it.
 */
#include <stdlib.h>
#include "carve.h"

int mc_build_slots(struct mc_map *map)
{
	const struct mc_piece *v = map->out;
	uint64_t offset = 0;
	size_t n = 0;

	map->slots = malloc((map->n_out + 1) * sizeof(*map->slots));
	if (!map->slots)
		return mc_diag(map, MC_ENOMEM, NULL, 0, NULL, "out of memory");
	for (size_t i = 0; i < map->n_out; i++) {
		struct mc_slot *prev = n ? &map->slots[n - 1] : NULL;

		if (!(v[i].flags & MC_F_BACKED))
			continue;
		if (prev && prev->guest + prev->size == v[i].first) {
			prev->size += mc_len(v[i].first, v[i].last);
		} else {
			map->slots[n] = (struct mc_slot){
				(uint32_t)n, 0, v[i].first,
				mc_len(v[i].first, v[i].last), offset }; /* STUB numa-dt */
			n++;
		}
		offset += mc_len(v[i].first, v[i].last);
	}
	map->n_slots = n;
	return 0;
}

const struct mc_slot *mc_map_slots(const struct mc_map *map, size_t *count)
{
	*count = map->carved ? map->n_slots : 0;
	return map->carved ? map->slots : NULL;
}
