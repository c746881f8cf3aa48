// SPDX-License-Identifier: MIT
/*
 * dmar.c - the DMAR table (Intel VT-d spec §8): one RMRR per direct range.
 *
 * A fresh table has one DRHD (INCLUDE_PCI_ALL: every device on segment 0
 * is behind the IOMMU at opts->iommu_base), then the RMRRs. Patching keeps
 * the VMM's structures and inserts the RMRRs after its last DRHD/RMRR, the
 * order the spec asks for (DRHD, RMRR, ATSR, ...).
 */
#include <stdlib.h>
#include <string.h>
#include "acpi.h"
#include "dmar.h"
#include "walk.h"

/* Append one RMRR for the devices of @a on @segment; its length is set. */
static void put_rmrr(struct acpi_buf *b, const struct acpi_range *a,
		     uint16_t segment)
{
	size_t at = acpi_buf_grow(b, DMAR_RMRR_SIZE);

	if (at == SIZE_MAX)
		return;
	put_le16(b->p + at + DMAR_STRUCT_TYPE, DMAR_TYPE_RMRR);
	put_le16(b->p + at + DMAR_RMRR_SEGMENT, segment);
	put_le64(b->p + at + DMAR_RMRR_BASE, a->first);
	put_le64(b->p + at + DMAR_RMRR_END, a->last);
	for (size_t i = 0; i < a->n_devices; i++) {
		const struct mc_pci_dev *d = &a->devices[i];
		size_t s;

		if (d->segment != segment)
			continue;
		s = acpi_buf_grow(b, DMAR_SCOPE_SIZE + DMAR_PATH_SIZE);
		if (s == SIZE_MAX)
			return;
		/*
		 * One hop from the device's own bus: exact for devices on
		 * the root bus; Linux accepts it behind a bridge too, with
		 * an "applying workaround" message.
		 */
		put8(b->p + s + DMAR_SCOPE_TYPE, DMAR_SCOPE_PCI_ENDPOINT);
		put8(b->p + s + DMAR_SCOPE_LENGTH,
		     DMAR_SCOPE_SIZE + DMAR_PATH_SIZE);
		put8(b->p + s + DMAR_SCOPE_BUS, d->bus);
		put8(b->p + s + DMAR_SCOPE_PATH + DMAR_PATH_DEVICE,
		     (uint8_t)PCI_SLOT(d->devfn));
		put8(b->p + s + DMAR_SCOPE_PATH + DMAR_PATH_FUNCTION,
		     (uint8_t)PCI_FUNC(d->devfn));
	}
	put_le16(b->p + at + DMAR_STRUCT_LENGTH, (uint16_t)(b->len - at));
}

/* Is @seg already written for @a (an earlier device has it)? */
static bool segment_seen(const struct acpi_range *a, size_t upto,
			 uint16_t seg)
{
	for (size_t i = 0; i < upto; i++)
		if (a->devices[i].segment == seg)
			return true;
	return false;
}

static int check_range(struct mc_map *map, const struct acpi_range *a,
		       bool fresh)
{
	if ((a->first & (DMAR_RMRR_ALIGN - 1)) ||
	    (a->last & (DMAR_RMRR_ALIGN - 1)) != DMAR_RMRR_ALIGN - 1)
		return acpi_range_report(map, MC_EALIGN, "region.first", a,
					 "an RMRR's base and end + 1 must be "
					 "4 KiB aligned");
	/* An RMRR holds up to (65535 - 24) / 8 one-hop device scopes. */
	if (a->n_devices > (UINT16_MAX - DMAR_RMRR_SIZE) /
				   (DMAR_SCOPE_SIZE + DMAR_PATH_SIZE))
		return acpi_range_report(map, MC_ERANGE, "region.devices", a,
					 "%zu devices do not fit in one RMRR",
					 a->n_devices);
	if (acpi_check_devices(map, a, MC_ACPI_DMAR))
		return MC_EINVAL;
	return fresh ? acpi_check_segment0(map, a, DMAR_SIG, "DRHD") : 0;
}

/* The RMRRs for all ranges, one per range and PCI segment, into @b. */
static int put_rmrrs(struct mc_map *map, const struct acpi_range *v,
		     size_t n, bool fresh, struct acpi_buf *b)
{
	for (size_t i = 0; i < n; i++) {
		const struct acpi_range *a = &v[i];
		int err = check_range(map, a, fresh);

		if (err)
			return err;
		for (size_t d = 0; d < a->n_devices; d++)
			if (!segment_seen(a, d, a->devices[d].segment))
				put_rmrr(b, a, a->devices[d].segment);
	}
	return 0;
}

static void put_drhd(struct acpi_buf *b, const struct mc_acpi_opts *o)
{
	size_t at = acpi_buf_grow(b, DMAR_DRHD_SIZE);

	if (at == SIZE_MAX)
		return;
	put_le16(b->p + at + DMAR_STRUCT_TYPE, DMAR_TYPE_DRHD);
	put_le16(b->p + at + DMAR_STRUCT_LENGTH, DMAR_DRHD_SIZE);
	put8(b->p + at + DMAR_DRHD_FLAGS, DMAR_DRHD_INCLUDE_PCI_ALL);
	put_le16(b->p + at + DMAR_DRHD_SEGMENT, 0);
	put_le64(b->p + at + DMAR_DRHD_ADDRESS, o->iommu_base);
}

/* Offset after the checked base's last DRHD or RMRR: where RMRRs go. */
static size_t insertion_point(const uint8_t *p, size_t len)
{
	struct acpi_walk w;
	struct acpi_item s;
	size_t at = DMAR_SIZE;

	acpi_walk_start(&w, MC_ACPI_DMAR, p, len);
	while (acpi_walk_next(&w, &s) > 0)
		if (s.type == DMAR_TYPE_DRHD || s.type == DMAR_TYPE_RMRR)
			at = s.off + s.len;
	return at;
}

/* What most ranges take: one RMRR with one device. */
#define RMRR_ONE_DEVICE (DMAR_RMRR_SIZE + DMAR_SCOPE_SIZE + DMAR_PATH_SIZE)

int acpi_build_dmar(struct mc_map *map, const struct mc_acpi_opts *o,
		    const uint8_t *base, size_t base_len,
		    const struct acpi_range *v, size_t n, struct acpi_buf *b)
{
	struct acpi_buf rmrrs = { 0 };
	size_t at;
	int err;

	if (!base) {
		if (o->host_address_width < 1)
			return mc_map_report(map, MC_EINVAL,
					     "opts.host_address_width",
					     "must be 1..255 bits");
		acpi_buf_reserve(b, DMAR_SIZE + DMAR_DRHD_SIZE, n,
				 RMRR_ONE_DEVICE);
		acpi_buf_grow(b, DMAR_SIZE);
		if (b->failed)
			return mc_map_report(map, MC_ENOMEM, NULL,
					     "out of memory");
		acpi_header_fresh(b, DMAR_SIG,
				  o->revision ? o->revision : DMAR_REVISION,
				  o);
		put8(b->p + DMAR_HOST_ADDRESS_WIDTH,
		     (uint8_t)(o->host_address_width - 1));
		put8(b->p + DMAR_FLAGS, o->dmar_flags);
		put_drhd(b, o);
		return put_rmrrs(map, v, n, true, b);
	}
	at = insertion_point(base, base_len);
	acpi_buf_reserve(b, base_len, n, RMRR_ONE_DEVICE);
	acpi_buf_reserve(&rmrrs, 0, n, RMRR_ONE_DEVICE);
	acpi_buf_append(b, base, base_len);
	if (b->failed)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = acpi_header_patch(map, b, o);
	if (!err && o->revision)
		put8(b->p + SDT_REVISION, o->revision);
	if (!err)
		err = put_rmrrs(map, v, n, false, &rmrrs);
	if (!err && !rmrrs.failed && acpi_buf_insert(b, at, rmrrs.len) !=
					     SIZE_MAX && rmrrs.len)
		memcpy(b->p + at, rmrrs.p, rmrrs.len);
	if (!err && rmrrs.failed)
		b->failed = true;
	free(rmrrs.p);
	return err;
}
