/* SPDX-License-Identifier: MIT */
/*
 * The README's library example as a VMM builds it: linked against the
 * shared library, so every call it makes must be exported. Prints the
 * slots the way `memcarve slots` does not, to keep it independent; the
 * result pieces and both forms of an emitter are checked, not printed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <memcarve.h>
#include <memcarve-dt.h>

/* The unbacked reserved pieces, each named through its input region. */
static size_t holes(const struct mc_map *map)
{
	size_t n, n_in, holes = 0;
	const struct mc_region *in = mc_map_input(map, &n_in);
	const struct mc_piece *piece = mc_map_result(map, &n);

	for (size_t i = 0; i < n; i++)
		if (piece[i].kind == MC_RESERVED &&
		    !(piece[i].flags & MC_F_BACKED) &&
		    piece[i].origin < n_in && in[piece[i].origin].last >=
						      piece[i].last)
			holes++;
	return holes;
}

/* Both forms of one emitter give the same bytes. */
static int same_dtb(struct mc_map *map)
{
	struct mc_dt_opts opts;
	size_t size = 0, alloc_size;
	void *dtb = NULL, *blob;
	int same;

	mc_dt_opts_init(&opts);
	if (mc_dt_build(map, &opts, NULL, &size) != MC_ENOSPC ||
	    !(dtb = malloc(size)) || mc_dt_build(map, &opts, dtb, &size) ||
	    mc_dt_build_alloc(map, &opts, &blob, &alloc_size)) {
		free(dtb);
		return 0;
	}
	same = alloc_size == size && memcmp(dtb, blob, size) == 0;
	mc_free(blob);
	free(dtb);
	return same;
}

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
	if (!holes(map) || !same_dtb(map)) {
		fprintf(stderr, "slots: no hole, or the two DTBs differ\n");
		n = 0;
	}
	mc_map_free(map);
	return n ? 0 : 1;
}
