// SPDX-License-Identifier: MIT
/*
 * fuzz_vfio.c - the VFIO type1 VFIO_IOMMU_GET_INFO answer and iommufd's
 * usable IOVA ranges, then carve and emit.
 *
 * The first byte is the guest's address width (1..64); the rest is an info
 * buffer as the ioctl leaves it, then read again as an array of
 * struct mc_iova_range. Both go into a map that holds RAM, so the gaps
 * they add are carved out of something and reach the emitters.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "memcarve-host.h"

static const char base_map[] =
	"arch x86_64\n"
	"ram 0 640K\n"
	"ram 0x100000 0xbff00000\n"
	"ram 0x100000000 4G\n";

static void one(const uint8_t *data, size_t size, bool iommufd)
{
	struct mc_map *map = mc_map_new();
	struct mc_iova_opts o;
	struct mc_iova_range *r = NULL;
	size_t n = 0;
	int err;

	if (!map)
		fuzz_fail("out of memory", MC_ENOMEM);
	if (mc_map_load(map, "base.map", base_map, strlen(base_map)))
		fuzz_fail("the base map does not load", MC_EINVAL);
	mc_iova_opts_init(&o);
	o.address_bits = size ? data[0] % 65 : 0;
	if (iommufd) {
		n = size > 1 ? (size - 1) / sizeof(*r) : 0;
		r = malloc(n ? n * sizeof(*r) : 1);
		if (!r)
			fuzz_fail("out of memory", MC_ENOMEM);
		if (n)
			memcpy(r, data + 1, n * sizeof(*r));
		err = mc_map_add_usable_iova(map, r, n, &o);
	} else {
		err = mc_map_load_vfio_iommu_info(map, size ? data + 1 : data,
						  size ? size - 1 : 0, &o);
	}
	if (err == 0 && mc_map_carve(map) == 0)
		fuzz_emit_all(map);
	free(r);
	mc_map_free(map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	one(data, size, false);
	one(data, size, true);
	return 0;
}
