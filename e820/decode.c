// SPDX-License-Identifier: MIT
/*
 * decode.c - zero pages, SETUP_E820_EXT nodes and raw e820 tables read
 * back into a map, for "memcarve inspect".
 *
 * Each decoder first decides whether the bytes are its format from
 * signatures that cannot be confused with each other (a node is 16 bytes
 * plus a multiple of 20, a raw table a multiple of 20, a zero page 4096
 * bytes with the boot flag and "HdrS"); only then does it report damage.
 */
#include <inttypes.h>
#include <stdio.h>
#include "memcarve-e820.h"
#include "bootparam.h"
#include "internal/byteorder.h"

struct kind_of {
	uint32_t type;
	enum mc_kind kind;
	const char *name;	/* NULL: the kind says it all */
};

static const struct kind_of kinds[] = {
	{ MC_E820_RAM, MC_RAM, NULL },
	{ MC_E820_RESERVED, MC_RESERVED, NULL },
	{ MC_E820_ACPI, MC_ACPI, NULL },
	{ MC_E820_NVS, MC_NVS, NULL },
	{ MC_E820_UNUSABLE, MC_RESERVED, "unusable" },
	{ MC_E820_PMEM, MC_PMEM, NULL },
	{ MC_E820_PRAM, MC_PMEM, "pram" },
	{ MC_E820_SOFT_RESERVED, MC_RESERVED, "soft-reserved" },
};

#define N_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static const struct kind_of *kind_of(uint32_t type)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (kinds[i].type == type)
			return &kinds[i];
	return NULL;
}

/* Add @n wire entries at @p; @what names the format in diagnostics. */
static int add_entries(struct mc_map *map, const uint8_t *p, size_t n,
		       const char *what)
{
	char name[24];
	int err = mc_map_set_arch(map, MC_ARCH_X86_64);

	for (size_t i = 0; i < n && !err; i++, p += MC_E820_ENTRY_SIZE) {
		uint64_t addr = get_le64(p), size = get_le64(p + 8);
		uint32_t type = (uint32_t)get_le32(p + 16);
		const struct kind_of *k = kind_of(type);
		struct mc_region r = { 0 };

		if (!size)	/* the kernel skips these too */
			continue;
		if (addr + (size - 1) < addr)
			return mc_map_report(map, MC_EBADBLOB, NULL,
					     "%s entry %zu: 0x%" PRIx64 "+0x%"
					     PRIx64 " wraps past 2^64", what,
					     i, addr, size);
		snprintf(name, sizeof(name), "e820-type-%" PRIu32, type);
		r.first = addr;
		r.last = addr + (size - 1);
		r.kind = k ? k->kind : MC_RESERVED;
		r.name = k ? k->name : name;
		r.source = what;	/* the blob's name in diagnostics */
		err = mc_map_add(map, &r);
	}
	return err;
}

int mc_e820_raw_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;

	if (len == 0 || len % MC_E820_ENTRY_SIZE)
		return MC_EBADBLOB;
	for (size_t off = 0; off < len; off += MC_E820_ENTRY_SIZE)
		if (!kind_of((uint32_t)get_le32(p + off + 16)))
			return MC_EBADBLOB;
	return add_entries(map, p, len / MC_E820_ENTRY_SIZE, "e820 table");
}

int mc_e820_setup_data_decode(struct mc_map *map, const void *blob,
			      size_t len)
{
	const uint8_t *p = blob;
	uint64_t data_len;

	if (len < SD_DATA + MC_E820_ENTRY_SIZE ||
	    (len - SD_DATA) % MC_E820_ENTRY_SIZE ||
	    get_le32(p + SD_TYPE) != MC_SETUP_E820_EXT)
		return MC_EBADBLOB;
	data_len = get_le32(p + SD_LEN);
	if (data_len != len - SD_DATA)
		return MC_EBADBLOB;
	return add_entries(map, p + SD_DATA, data_len / MC_E820_ENTRY_SIZE,
			   "SETUP_E820_EXT");
}

int mc_e820_zeropage_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;
	unsigned int n;

	if (len != MC_ZEROPAGE_SIZE || get_le16(p + BP_BOOT_FLAG) != 0xaa55 ||
	    get_le32(p + BP_HEADER) != 0x53726448)
		return MC_EBADBLOB;
	n = p[BP_E820_ENTRIES];
	if (n > MC_E820_ZEROPAGE_MAX)
		return mc_map_report(map, MC_EBADBLOB, "e820_entries",
				     "zero page: %u entries at 0x1e8; the "
				     "table at 0x2d0 holds at most 128", n);
	return add_entries(map, p + BP_E820_TABLE, n, "zero page");
}
