// SPDX-License-Identifier: MIT
/*
 * ivrs.c - the IVRS table (AMD-Vi): IVMD blocks for the direct ranges.
 *
 * A range's devices become as few IVMDs as the spec allows: devices=all
 * is one 0x20 (all peripherals); per PCI segment, each run of consecutive
 * requester IDs is one 0x22 (a range) or, for a lone device, one 0x21.
 * A fresh table has one IVHD (type 0x10) for segment 0 from the options,
 * with an "all devices" entry and the southbridge IOAPIC that Linux needs
 * for interrupt remapping; patching appends the IVMDs to the VMM's table.
 */
#include <stdlib.h>
#include "acpi.h"
#include "ivrs.h"

struct ivrs_dev {
	uint16_t segment;
	uint16_t rid;		/* PCI_RID() */
};

static int cmp_dev(const void *a, const void *b)
{
	const struct ivrs_dev *x = a, *y = b;

	if (x->segment != y->segment)
		return x->segment < y->segment ? -1 : 1;
	return (x->rid > y->rid) - (x->rid < y->rid);
}

static void put_ivmd(struct acpi_buf *b, const struct acpi_range *a,
		     uint8_t type, const struct ivrs_dev *from,
		     uint16_t to_rid)
{
	size_t at = acpi_buf_grow(b, IVMD_SIZE);
	uint8_t flags = IVMD_FLAG_UNITY | IVMD_FLAG_IR;

	if (at == SIZE_MAX)
		return;
	if (!(a->flags & MC_F_READONLY))
		flags |= IVMD_FLAG_IW;
	put8(b->p + at + IVRS_BLOCK_TYPE, type);
	put8(b->p + at + IVRS_BLOCK_FLAGS, flags);
	put_le16(b->p + at + IVRS_BLOCK_LENGTH, IVMD_SIZE);
	if (from) {
		put_le16(b->p + at + IVRS_BLOCK_DEVICE_ID, from->rid);
		put_le16(b->p + at + IVMD_PCI_SEGMENT, from->segment);
	}
	if (type == IVRS_TYPE_IVMD_RANGE)
		put_le16(b->p + at + IVMD_AUX_DATA, to_rid);
	put_le64(b->p + at + IVMD_START_ADDRESS, a->first);
	put_le64(b->p + at + IVMD_MEMORY_LENGTH, a->last - a->first + 1);
}

/* The IVMDs of one range: its devices sorted, consecutive IDs joined. */
static int put_range(struct mc_map *map, struct acpi_buf *b,
		     const struct acpi_range *a)
{
	/* Most ranges name a device or two: no allocation for those. */
	struct ivrs_dev few[8], *d = few;
	size_t n = a->n_devices;

	if (!n) {
		put_ivmd(b, a, IVRS_TYPE_IVMD_ALL, NULL, 0);
		return 0;
	}
	if (n > sizeof(few) / sizeof(few[0]))
		d = malloc(n * sizeof(*d));
	if (!d)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		d[i] = (struct ivrs_dev){ a->devices[i].segment,
					  PCI_RID(a->devices[i].bus,
						  a->devices[i].devfn) };
	if (n > 1)	/* most ranges: one device, no library call */
		qsort(d, n, sizeof(*d), cmp_dev);
	for (size_t i = 0; i < n;) {
		size_t j = i;

		/* Extend the run over duplicates and the next ID. */
		while (j + 1 < n && d[j + 1].segment == d[i].segment &&
		       d[j + 1].rid - d[j].rid <= 1)
			j++;
		if (d[j].rid == d[i].rid)
			put_ivmd(b, a, IVRS_TYPE_IVMD_ONE, &d[i], 0);
		else
			put_ivmd(b, a, IVRS_TYPE_IVMD_RANGE, &d[i], d[j].rid);
		i = j + 1;
	}
	if (d != few)
		free(d);
	return 0;
}

static int check_range(struct mc_map *map, const struct acpi_range *a,
		       bool fresh)
{
	if (a->first == 0 && a->last == UINT64_MAX)
		return acpi_range_report(map, MC_ERANGE, "region.last", a,
					 "an IVMD's 64-bit length cannot say "
					 "2^64");
	if (acpi_check_devices(map, a, MC_ACPI_IVRS))
		return MC_EINVAL;
	return fresh ? acpi_check_segment0(map, a, IVRS_SIG, "IVHD") : 0;
}

/* A fresh IVHD: its fixed part, "all devices" and the IOAPIC. */
#define IVHD_FRESH_SIZE (IVHD_10_SIZE + IVHD_ENTRY4_SIZE + IVHD_ENTRY8_SIZE)

static void put_ivhd(struct acpi_buf *b, const struct mc_acpi_opts *o)
{
	size_t len = IVHD_FRESH_SIZE;
	size_t at = acpi_buf_grow(b, len);
	uint8_t *h, *e;

	if (at == SIZE_MAX)
		return;
	h = b->p + at;
	put8(h + IVRS_BLOCK_TYPE, IVRS_TYPE_IVHD_10);
	put8(h + IVRS_BLOCK_FLAGS, o->ivhd_flags);
	put_le16(h + IVRS_BLOCK_LENGTH, (uint16_t)len);
	put_le16(h + IVRS_BLOCK_DEVICE_ID, o->ivhd_devid);
	put_le16(h + IVHD_CAPABILITY_OFFSET, o->ivhd_cap_offset);
	put_le64(h + IVHD_BASE_ADDRESS, o->iommu_base);
	put_le16(h + IVHD_PCI_SEGMENT, 0);
	put_le16(h + IVHD_IOMMU_INFO, 0);
	put_le32(h + IVHD_FEATURE_REPORTING, o->ivhd_features);
	e = h + IVHD_10_SIZE;
	put8(e + IVHD_ENTRY_TYPE, IVHD_DEV_ALL);
	e += IVHD_ENTRY4_SIZE;
	put8(e + IVHD_ENTRY_TYPE, IVHD_DEV_SPECIAL);
	put8(e + IVHD_SPECIAL_HANDLE, o->ioapic_id);
	put_le16(e + IVHD_SPECIAL_USED_ID, o->ioapic_devid);
	put8(e + IVHD_SPECIAL_VARIETY, IVHD_SPECIAL_IOAPIC);
}

int acpi_build_ivrs(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b)
{
	int err = 0;

	if (base) {
		/* Most ranges are one IVMD: one device, or none named. */
		acpi_buf_reserve(b, base_len, n, IVMD_SIZE);
		acpi_buf_append(b, base, base_len);
		if (b->failed)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		err = acpi_header_patch(map, b, o);
		if (!err && o->revision)
			put8(b->p + SDT_REVISION, o->revision);
	} else {
		acpi_buf_reserve(b, IVRS_SIZE + IVHD_FRESH_SIZE, n, IVMD_SIZE);
		if (acpi_buf_grow(b, IVRS_SIZE) == SIZE_MAX)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		acpi_header_fresh(b, IVRS_SIG,
				  o->revision ? o->revision : IVRS_REVISION_MIN,
				  o);
		put_le32(b->p + IVRS_IVINFO, o->ivinfo);
		put_ivhd(b, o);
	}
	for (size_t i = 0; !err && i < n; i++) {
		err = check_range(map, &v[i], !base);
		if (!err)
			err = put_range(map, b, &v[i]);
	}
	return err;
}
