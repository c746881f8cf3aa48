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
#include "internal/byteorder.h"
#include "pvh_layout.h"

static int bad(struct mc_map *map, const char *field, const char *why)
{
	return mc_map_report(map, MC_EBADBLOB, field, "start_info: %s", why);
}

/* Where the memmap starts in the blob; 0 after a diagnostic. */
static size_t memmap_at(struct mc_map *map, const uint8_t *p, size_t len,
			uint64_t nr, uint64_t n)
{
	uint64_t modlist = get_le64(p + SI_MODLIST_PADDR);
	uint64_t memmap = get_le64(p + SI_MEMMAP_PADDR);
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

	if (len < SI_END || get_le32(p + SI_MAGIC) != MC_PVH_MAGIC)
		return MC_EBADBLOB;
	if (get_le32(p + SI_VERSION) < 1)
		return bad(map, "version", "version 0 has no memmap");
	nr = get_le32(p + SI_NR_MODULES);
	n = get_le32(p + SI_MEMMAP_ENTRIES);
	at = memmap_at(map, p, len, nr, n);
	if (!at)
		return MC_EBADBLOB;
	raw = malloc((size_t)n * MC_E820_ENTRY_SIZE);
	if (!raw)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	m = p + at;
	for (size_t i = 0; i < n; i++, m += MM_END) {
		uint8_t *r = raw + i * MC_E820_ENTRY_SIZE;

		put_le64(r, get_le64(m + MM_ADDR));
		put_le64(r + 8, get_le64(m + MM_SIZE));
		put_le32(r + 16, get_le32(m + MM_TYPE));
	}
	err = mc_e820_raw_decode(map, raw, (size_t)n * MC_E820_ENTRY_SIZE);
	free(raw);
	if (err == MC_EBADBLOB && !mc_map_error_count(map))
		return bad(map, "memmap", "an entry of a type Linux does not "
			   "know");
	return err;
}
