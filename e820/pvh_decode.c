// SPDX-License-Identifier: MIT
/*
 * pvh_decode.c - mc_pvh_decode(): a start_info block read back.
 *
 * start_info does not hold its own address, so the block's base is
 * found from the memmap pointer and the place mc_pvh_build() gives the
 * memmap (after start_info and the module list); the module pointer must
 * then agree. The entries become a raw e820 table for
 * mc_e820_raw_decode(): one mapping of types to kinds for every x86
 * format.
 */
#include <inttypes.h>
#include <stdlib.h>
#include "memcarve-e820.h"
#include "memcarve-pvh.h"
#include "le.h"
#include "pvh_layout.h"

static int bad(struct mc_map *map, const char *field, const char *why)
{
	return mc_map_report(map, MC_EBADBLOB, field, "start_info: %s", why);
}

/* Where the memmap starts in the blob; 0 after a diagnostic. */
static size_t memmap_at(struct mc_map *map, const uint8_t *p, size_t len,
			uint64_t nr, uint64_t n)
{
	uint64_t modlist = mc_get_le(p + SI_MODLIST_PADDR, 8);
	uint64_t memmap = mc_get_le(p + SI_MEMMAP_PADDR, 8);
	uint64_t at = SI_END + nr * MOD_END, base;

	if (nr > 1 || n == 0 || n > (len - SI_END) / MM_END ||
	    len != at + n * MM_END) {
		bad(map, "memmap_entries", "the module list and memmap do "
		    "not fill the blob as memcarve lays them out");
		return 0;
	}
	base = memmap - at;
	if (memmap < at || (nr && modlist != base + SI_END)) {
		bad(map, "memmap_paddr", "the memmap and module list "
		    "pointers do not agree on the block's address");
		return 0;
	}
	return (size_t)at;
}

int mc_pvh_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob, *m;
	uint64_t nr, n;
	uint8_t *raw;
	size_t at;
	int err;

	if (len < SI_END || mc_get_le(p + SI_MAGIC, 4) != MC_PVH_MAGIC)
		return MC_EBADBLOB;
	if (mc_get_le(p + SI_VERSION, 4) < 1)
		return bad(map, "version", "version 0 has no memmap");
	nr = mc_get_le(p + SI_NR_MODULES, 4);
	n = mc_get_le(p + SI_MEMMAP_ENTRIES, 4);
	at = memmap_at(map, p, len, nr, n);
	if (!at)
		return MC_EBADBLOB;
	raw = malloc((size_t)n * MC_E820_ENTRY_SIZE);
	if (!raw)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	m = p + at;
	for (size_t i = 0; i < n; i++, m += MM_END) {
		uint8_t *r = raw + i * MC_E820_ENTRY_SIZE;

		mc_put_le(r, mc_get_le(m + MM_ADDR, 8), 8);
		mc_put_le(r + 8, mc_get_le(m + MM_SIZE, 8), 8);
		mc_put_le(r + 16, mc_get_le(m + MM_TYPE, 4), 4);
	}
	err = mc_e820_raw_decode(map, raw, (size_t)n * MC_E820_ENTRY_SIZE);
	free(raw);
	if (err == MC_EBADBLOB && !mc_map_error_count(map))
		return bad(map, "memmap", "an entry of a type Linux does not "
			   "know");
	return err;
}
