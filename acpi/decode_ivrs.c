// SPDX-License-Identifier: MIT
/*
 * decode_ivrs.c - an IVRS's IVMD blocks back to direct reserved regions.
 */
#include <stdlib.h>
#include "acpi.h"
#include "ivrs.h"

static int ivmd(struct mc_map *map, const uint8_t *s, size_t len, size_t off)
{
	struct mc_region r = { .kind = MC_RESERVED, .type = MC_RESV_DIRECT };
	uint8_t type = s[IVRS_BLOCK_TYPE], flags = s[IVRS_BLOCK_FLAGS];
	uint16_t from = get16(s + IVRS_BLOCK_DEVICE_ID), to = from;
	uint16_t segment = get16(s + IVMD_PCI_SEGMENT);
	uint64_t length;
	struct mc_pci_dev *dev = NULL;
	int err;

	if (len < IVMD_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IVRS",
				     "IVMD at 0x%zx: %zu bytes, shorter than 32",
				     off, len);
	/* Neither a unity map nor an exclusion range: Linux ignores it. */
	if (!(flags & (IVMD_FLAG_UNITY | IVMD_FLAG_EXCLUSION)))
		return 0;
	r.first = get64(s + IVMD_START_ADDRESS);
	length = get64(s + IVMD_MEMORY_LENGTH);
	if (length == 0 || length - 1 > UINT64_MAX - r.first)
		return mc_map_report(map, MC_EBADBLOB, "IVRS",
				     "IVMD at 0x%zx: 0x%llx+0x%llx is empty or "
				     "wraps past 2^64",
				     off, (unsigned long long)r.first,
				     (unsigned long long)length);
	r.last = r.first + (length - 1);
	/* Linux maps exclusion ranges read-write. */
	if (!(flags & (IVMD_FLAG_IW | IVMD_FLAG_EXCLUSION)))
		r.flags |= MC_F_READONLY;
	if (type == IVRS_TYPE_IVMD_RANGE)
		to = get16(s + IVMD_AUX_DATA);
	if (to < from)
		return mc_map_report(map, MC_EBADBLOB, "IVRS",
				     "IVMD at 0x%zx: device range 0x%04x-0x%04x "
				     "is backwards",
				     off, from, to);
	if (type != IVRS_TYPE_IVMD_ALL) {
		r.n_devices = (size_t)(to - from) + 1;
		dev = malloc(r.n_devices * sizeof(*dev));
		if (!dev)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		for (size_t i = 0; i < r.n_devices; i++)
			dev[i] = (struct mc_pci_dev){
				segment, (uint8_t)((from + i) >> 8),
				(uint8_t)(from + i)
			};
		r.devices = dev;
	}
	err = acpi_add_decoded(map, &r, "IVRS");
	free(dev);
	return err;
}

int mc_acpi_ivrs_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;
	int err = acpi_check_table(map, blob, len, "IVRS", "IVRS");

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	if (len < IVRS_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "IVRS",
				     "%zu bytes, shorter than its 48-byte header",
				     len);
	mc_map_set_arch(map, MC_ARCH_X86_64);
	for (size_t off = IVRS_SIZE; off < len;) {
		uint16_t blen;
		uint8_t type;

		if (len - off < IVRS_BLOCK_SIZE ||
		    (blen = get16(p + off + IVRS_BLOCK_LENGTH)) <
			    IVRS_BLOCK_SIZE ||
		    blen > len - off)
			return mc_map_report(map, MC_EBADBLOB, "IVRS",
					     "block at 0x%zx does not fit in the "
					     "table",
					     off);
		type = p[off + IVRS_BLOCK_TYPE];
		if (type >= IVRS_TYPE_IVMD_ALL && type <= IVRS_TYPE_IVMD_RANGE) {
			err = ivmd(map, p + off, blen, off);
			if (err)
				return err;
		}
		off += blen;
	}
	return 0;
}
