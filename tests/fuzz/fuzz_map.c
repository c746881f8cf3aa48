// SPDX-License-Identifier: MIT
/*
 * fuzz_map.c - the map-file parser, the carving sweep and every emitter.
 *
 * The input is map-file text, not NUL-terminated (mc_map_load() takes a
 * length), copied into a buffer of exactly its size so that ASan sees any
 * read past the end.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_map *map = mc_map_new();
	char *text = malloc(size ? size : 1);

	if (!map || !text)
		fuzz_fail("out of memory", MC_ENOMEM);
	memcpy(text, data, size);
	if (mc_map_load(map, "fuzz.map", text, size) == 0 &&
	    mc_map_carve(map) == 0)
		fuzz_emit_all(map);
	free(text);
	mc_map_free(map);
	return 0;
}
