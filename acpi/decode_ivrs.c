// SPDX-License-Identifier: MIT
/*
 * decode_ivrs.c - an IVRS's IVMD blocks back to direct reserved regions.
 * The table is checked whole first (walk_ivrs.c); the walk here trusts it.
 */
#include <stdlib.h>
#include "acpi.h"
#include "ivrs.h"
#include "walk.h"

/* The requester IDs @from..@to on @segment, into *@out (malloc'd). */
static int ivmd_devices(struct mc_map *map, uint16_t segment, uint16_t from,
			uint16_t to, struct mc_pci_dev **out, size_t *n)
{
	struct mc_pci_dev *dev;

	*n = (size_t)(to - from) + 1;
	dev = malloc(*n * sizeof(*dev));
	if (!dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < *n; i++) {
		uint16_t rid = (uint16_t)(from + i);

		dev[i] = (struct mc_pci_dev){ segment, (uint8_t)(rid >> 8),
					      (uint8_t)rid };
	}
	*out = dev;
	return 0;
}

static int ivmd(struct mc_map *map, const struct acpi_item *b)
{
	struct mc_region r = { .kind = MC_RESERVED, .type = MC_RESV_DIRECT };
	uint8_t flags = b->p[IVRS_BLOCK_FLAGS];
	uint16_t from = get_le16(b->p + IVRS_BLOCK_DEVICE_ID), to = from;
	struct mc_pci_dev *dev = NULL;
	int err = 0;

	/* Neither a unity map nor an exclusion range: Linux ignores it. */
	if (!acpi_ivmd_is_read(b))
		return 0;
	r.first = get_le64(b->p + IVMD_START_ADDRESS);
	r.last = r.first + (get_le64(b->p + IVMD_MEMORY_LENGTH) - 1);
	/* Linux maps exclusion ranges read-write. */
	if (!(flags & (IVMD_FLAG_IW | IVMD_FLAG_EXCLUSION)))
		r.flags |= MC_F_READONLY;
	if (b->type == IVRS_TYPE_IVMD_RANGE)
		to = get_le16(b->p + IVMD_AUX_DATA);
	if (b->type == IVRS_TYPE_IVMD_ALL)
		r.flags |= MC_F_ALL_DEVICES;
	else
		err = ivmd_devices(map, get_le16(b->p + IVMD_PCI_SEGMENT), from,
				   to, &dev, &r.n_devices);
	r.devices = dev;
	if (!err)
		err = acpi_add_decoded(map, &r, IVRS_SIG);
	free(dev);
	return err;
}

static int block(struct mc_map *map, const struct acpi_item *b)
{
	return acpi_is_ivmd(b->type) ? ivmd(map, b) : 0;
}

int mc_acpi_ivrs_decode(struct mc_map *map, const void *blob, size_t len)
{
	return acpi_decode(map, MC_ACPI_IVRS, blob, len, MC_ARCH_X86_64,
			   block);
}
