/* SPDX-License-Identifier: MIT */
/*
 * The README's library example as a VMM builds it: linked against the
 * shared library, so every call it makes must be exported. Prints the
 * slots the way `memcarve slots` does not, to keep it independent.
 */
#include <inttypes.h>
#include <stdio.h>
#include <memcarve.h>

int main(int argc, char **argv)
{
	struct mc_map *map;
	const struct mc_slot *slot;
	size_t i, n;

	if (argc != 2) {
		fprintf(stderr, "usage: slots MAP\n");
		return 2;
	}
	map = mc_map_new();
	if (!map)
		return 1;
	if (mc_map_load_file(map, argv[1]) || mc_map_carve(map)) {
		for (i = 0; i < mc_map_error_count(map); i++)
			fprintf(stderr, "%s\n", mc_map_error(map, i)->msg);
		mc_map_free(map);
		return 1;
	}
	slot = mc_map_slots(map, &n);
	for (i = 0; i < n; i++)
		printf("%" PRIu32 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
		       slot[i].slot, slot[i].guest, slot[i].size,
		       slot[i].offset);
	mc_map_free(map);
	return n ? 0 : 1;
}
