// SPDX-License-Identifier: MIT
/*
 * fuzz_resv.c - the sysfs reserved_regions parser, then carve and emit.
 *
 * The input is a reserved_regions file; it is loaded into a map that
 * already holds RAM, an MMIO window and the arch, as "--resv" does, so the
 * regions it adds are carved out of something and reach the emitters.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"

static const char base_map[] =
	"arch x86_64\n"
	"ram 0 640K\n"
	"ram 0x100000 0xbff00000\n"
	"mmio 0xc0000000 1G\n"
	"ram 0x100000000 4G\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mc_map *map = mc_map_new();
	char *text = malloc(size ? size : 1);

	if (!map || !text)
		fuzz_fail("out of memory", MC_ENOMEM);
	memcpy(text, data, size);
	if (mc_map_load(map, "base.map", base_map, strlen(base_map)))
		fuzz_fail("the base map does not load", MC_EINVAL);
	if (mc_map_load_resv(map, "fuzz.resv", text, size) == 0 &&
	    mc_map_carve(map) == 0)
		fuzz_emit_all(map);
	free(text);
	mc_map_free(map);
	return 0;
}
