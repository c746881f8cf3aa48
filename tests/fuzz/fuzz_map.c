// SPDX-License-Identifier: MIT
/*
 * fuzz_map.c - the map-file parser, the carving sweep, every emitter, and
 * the writer: what mc_map_write() writes of the input loads back into as
 * many regions, and of the result carves back into the same pieces.
 *
 * The input is map-file text, not NUL-terminated (mc_map_load() takes a
 * length), copied into a buffer of exactly its size so that ASan sees any
 * read past the end.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

/* Pieces of @a and @b agree in place and kind. */
static void same_pieces(const struct mc_piece *ra, size_t n,
			const struct mc_piece *rb, size_t m)
{
	if (n != m)
		fuzz_fail("written map: another number of pieces", 0);
	for (size_t i = 0; i < n; i++)
		if (ra[i].first != rb[i].first || ra[i].last != rb[i].last ||
		    ra[i].kind != rb[i].kind || ra[i].type != rb[i].type)
			fuzz_fail("written map: another piece", 0);
}

/* The regions of @a and @b (input or result) agree in place and kind. */
static void same_regions(struct mc_map *a, struct mc_map *b,
			 enum mc_map_part what)
{
	size_t n, m;
	const struct mc_region *ra, *rb;

	if (what == MC_MAP_RESULT) {
		const struct mc_piece *pa = mc_map_result(a, &n);
		const struct mc_piece *pb = mc_map_result(b, &m);

		same_pieces(pa, n, pb, m);
		return;
	}
	ra = mc_map_input(a, &n);
	rb = mc_map_input(b, &m);
	if (n != m)
		fuzz_fail("written map: another number of regions", 0);
	for (size_t i = 0; i < n; i++)
		if (ra[i].first != rb[i].first || ra[i].last != rb[i].last ||
		    ra[i].kind != rb[i].kind || ra[i].type != rb[i].type)
			fuzz_fail("written map: another region", 0);
}

static void write_round_trip(struct mc_map *map, enum mc_map_part what)
{
	struct mc_map *back = mc_map_new();
	char *text;
	size_t len;
	int err = mc_map_write_alloc(map, what, &text, &len);

	if (!back)
		fuzz_fail("out of memory", MC_ENOMEM);
	if (err && err != MC_ERANGE)	/* ERANGE: all 2^64 bytes, or a line */
		fuzz_fail("mc_map_write", err);
	if (!err && mc_map_load(back, "written.map", text, len - 1))
		fuzz_fail("written map does not load", MC_EINVAL);
	if (!err && what == MC_MAP_RESULT && mc_map_carve(back))
		fuzz_fail("written result does not carve", MC_EINVAL);
	if (!err)
		same_regions(map, back, what);
	mc_free(text);
	mc_map_free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_map *map = mc_map_new();
	char *text = malloc(size ? size : 1);

	if (!map || !text)
		fuzz_fail("out of memory", MC_ENOMEM);
	memcpy(text, data, size);
	if (mc_map_load(map, "fuzz.map", text, size) == 0) {
		write_round_trip(map, MC_MAP_INPUT);
		if (mc_map_carve(map) == 0) {
			write_round_trip(map, MC_MAP_RESULT);
			fuzz_emit_all(map);
		}
	}
	free(text);
	mc_map_free(map);
	return 0;
}
