// SPDX-License-Identifier: MIT
/*
 * walk_ivrs.c - an IVRS's blocks and the IVHD device entries, checked
 * once (AMD IOMMU spec §5.2; Linux drivers/iommu/amd/init.c).
 *
 * An IVHD's device entries must fill it exactly, each of a length Linux
 * can step over; an IVMD is 32 bytes, and one Linux reads (a unity map or
 * an exclusion range) covers at least a byte below 2^64 for devices in
 * ascending order. Other block types are skipped by their length, as
 * Linux does.
 */
#include "walk.h"
#include "ivrs.h"

size_t acpi_ivhd_entries_at(unsigned int type)
{
	switch (type) {
	case IVRS_TYPE_IVHD_10:
		return IVHD_10_SIZE;
	case IVRS_TYPE_IVHD_11:
	case IVRS_TYPE_IVHD_40:
		return IVHD_11_SIZE;
	default:
		return 0;
	}
}

size_t acpi_ivhd_entry_len(const struct acpi_item *b, size_t at)
{
	const uint8_t *e = b->p + at;
	size_t room = at < b->len ? b->len - at : 0, n;

	if (room == 0)
		return 0;
	if (e[IVHD_ENTRY_TYPE] < IVHD_ENTRY8_TYPES)
		n = IVHD_ENTRY4_SIZE;
	else if (e[IVHD_ENTRY_TYPE] < IVHD_VARIABLE_TYPES)
		n = IVHD_ENTRY8_SIZE;
	else if (e[IVHD_ENTRY_TYPE] == IVHD_DEV_ACPI_HID &&
		 room >= IVHD_HID_SIZE)
		n = IVHD_HID_SIZE + (size_t)e[IVHD_HID_UID_LENGTH];
	else
		return 0;	/* unknown: Linux cannot step over it */
	return n <= room ? n : 0;
}

bool acpi_ivmd_is_read(const struct acpi_item *b)
{
	return b->p[IVRS_BLOCK_FLAGS] & (IVMD_FLAG_UNITY | IVMD_FLAG_EXCLUSION);
}

bool acpi_is_ivmd(unsigned int type)
{
	return type >= IVRS_TYPE_IVMD_ALL && type <= IVRS_TYPE_IVMD_RANGE;
}

static int check_ivhd(struct mc_map *map, const char *what,
		      const struct acpi_item *b, size_t at)
{
	int err = acpi_check_fixed(map, what, IVRS_SIG, "IVHD", b, at);

	if (!err)
		err = acpi_check_entries(map, what, IVRS_SIG, "IVHD", b, at,
					 acpi_ivhd_entry_len, "device entry");
	return err;
}

static int check_ivmd(struct mc_map *map, const char *what,
		      const struct acpi_item *b)
{
	uint16_t from = get_le16(b->p + IVRS_BLOCK_DEVICE_ID);
	int err;

	if (b->len != IVMD_SIZE)
		return mc_map_report(map, MC_EBADBLOB, what,
				     IVRS_SIG ": IVMD at 0x%zx is %zu bytes, "
				     "not %d",
				     b->off, b->len, IVMD_SIZE);
	if (!acpi_ivmd_is_read(b))
		return 0;
	err = acpi_check_span(map, what, IVRS_SIG, "IVMD", b->off,
			      get_le64(b->p + IVMD_START_ADDRESS),
			      get_le64(b->p + IVMD_MEMORY_LENGTH));
	if (err)
		return err;
	if (b->type == IVRS_TYPE_IVMD_RANGE &&
	    get_le16(b->p + IVMD_AUX_DATA) < from)
		return mc_map_report(map, MC_EBADBLOB, what,
				     IVRS_SIG ": IVMD at 0x%zx: device range "
				     "0x%04x-0x%04x is backwards",
				     b->off, from,
				     get_le16(b->p + IVMD_AUX_DATA));
	return 0;
}

static int check_block(struct mc_map *map, const char *what,
		       const struct acpi_item *b, void *ctx)
{
	size_t entries = acpi_ivhd_entries_at(b->type);

	(void)ctx;
	if (entries)
		return check_ivhd(map, what, b, entries);
	if (acpi_is_ivmd(b->type))
		return check_ivmd(map, what, b);
	return 0;
}

int acpi_check_ivrs(struct mc_map *map, const uint8_t *p, size_t len,
		    const char *what)
{
	return acpi_check_items(map, MC_ACPI_IVRS, p, len, what, check_block,
				NULL);
}
