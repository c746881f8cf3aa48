// SPDX-License-Identifier: MIT
/*
 * fuzz_pvh_kernel.c - the ELF vmlinux reader of a PVH boot.
 *
 * The input is the kernel file ("--kernel" with --format pvh). What
 * mc_pvh_kernel() accepts must say what it checks: an entry below 4 GiB
 * inside a load range that does not wrap.
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "memcarve-pvh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *elf = malloc(size ? size : 1);
	struct mc_map *map = mc_map_new();
	struct mc_pvh_kernel k;
	int err;

	if (!elf || !map)
		fuzz_fail("malloc", MC_ENOMEM);
	memcpy(elf, data, size);	/* exactly @size readable bytes */
	err = mc_pvh_kernel(map, "fuzz.vmlinux", elf, size, &k);
	if (err && !mc_map_error_count(map))
		fuzz_fail("a refusal without a diagnostic", err);
	if (!err && (k.entry > 0xffffffffu || k.entry < k.load_first ||
		     k.entry > k.load_last || k.load_first > k.load_last))
		fuzz_fail("an accepted kernel breaks its own rules", 0);
	mc_map_free(map);
	free(elf);
	return 0;
}
