// SPDX-License-Identifier: MIT
/*
 * decode_dmar.c - a DMAR's RMRRs back to direct reserved regions, for
 * "memcarve inspect", and acpi_add_decoded() the decoders share.
 */
#include <stdlib.h>
#include "acpi.h"
#include "dmar.h"

int acpi_add_decoded(struct mc_map *map, const struct mc_region *r,
		     const char *table)
{
	int err = mc_map_add(map, r);

	if (err && err != MC_ENOMEM)
		return mc_map_report(map, MC_EBADBLOB, table,
				     "range 0x%llx-0x%llx cannot be a region",
				     (unsigned long long)r->first,
				     (unsigned long long)r->last);
	return err;
}

/* The devices of an RMRR's scopes; a multi-hop path gives its first hop. */
static int rmrr_devices(struct mc_map *map, const uint8_t *s, size_t len,
			size_t off, uint16_t segment, struct mc_pci_dev *dev,
			size_t *n)
{
	*n = 0;
	for (size_t at = DMAR_RMRR_SIZE; at < len;) {
		uint8_t type, slen;

		if (len - at < DMAR_SCOPE_SIZE ||
		    (slen = s[at + DMAR_SCOPE_LENGTH]) < DMAR_SCOPE_SIZE ||
		    slen > len - at)
			return mc_map_report(map, MC_EBADBLOB, "DMAR",
					     "RMRR at 0x%zx: device scope at "
					     "+0x%zx does not fit",
					     off, at);
		type = s[at + DMAR_SCOPE_TYPE];
		if ((type == DMAR_SCOPE_PCI_ENDPOINT ||
		     type == DMAR_SCOPE_PCI_BRIDGE) &&
		    slen >= DMAR_SCOPE_SIZE + DMAR_PATH_SIZE) {
			const uint8_t *path = s + at + DMAR_SCOPE_PATH;

			dev[*n].segment = segment;
			dev[*n].bus = s[at + DMAR_SCOPE_BUS];
			dev[*n].devfn = (uint8_t)((path[DMAR_PATH_DEVICE] & 0x1f)
							  << 3 |
						  (path[DMAR_PATH_FUNCTION] & 7));
			(*n)++;
		}
		at += slen;
	}
	return 0;
}

static int rmrr(struct mc_map *map, const uint8_t *s, size_t len, size_t off)
{
	struct mc_region r = { .kind = MC_RESERVED, .type = MC_RESV_DIRECT };
	struct mc_pci_dev *dev;
	size_t n;
	int err;

	if (len < DMAR_RMRR_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "DMAR",
				     "RMRR at 0x%zx: %zu bytes, shorter than 24",
				     off, len);
	r.first = get64(s + DMAR_RMRR_BASE);
	r.last = get64(s + DMAR_RMRR_END);
	if (r.last < r.first)
		return mc_map_report(map, MC_EBADBLOB, "DMAR",
				     "RMRR at 0x%zx: end 0x%llx is below base "
				     "0x%llx",
				     off, (unsigned long long)r.last,
				     (unsigned long long)r.first);
	dev = malloc((len / DMAR_SCOPE_SIZE + 1) * sizeof(*dev));
	if (!dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	err = rmrr_devices(map, s, len, off, get16(s + DMAR_RMRR_SEGMENT), dev,
			   &n);
	r.devices = dev;
	r.n_devices = n;
	if (!err)
		err = acpi_add_decoded(map, &r, "DMAR");
	free(dev);
	return err;
}

int mc_acpi_dmar_decode(struct mc_map *map, const void *blob, size_t len)
{
	const uint8_t *p = blob;
	int err = acpi_check_table(map, blob, len, "DMAR", "DMAR");

	if (err <= 0)
		return err ? err : MC_EBADBLOB;
	if (len < DMAR_SIZE)
		return mc_map_report(map, MC_EBADBLOB, "DMAR",
				     "%zu bytes, shorter than its 48-byte header",
				     len);
	mc_map_set_arch(map, MC_ARCH_X86_64);
	for (size_t off = DMAR_SIZE; off < len;) {
		uint16_t slen;

		if (len - off < DMAR_STRUCT_SIZE ||
		    (slen = get16(p + off + DMAR_STRUCT_LENGTH)) <
			    DMAR_STRUCT_SIZE ||
		    slen > len - off)
			return mc_map_report(map, MC_EBADBLOB, "DMAR",
					     "structure at 0x%zx does not fit in "
					     "the table",
					     off);
		if (get16(p + off + DMAR_STRUCT_TYPE) == DMAR_TYPE_RMRR) {
			err = rmrr(map, p + off, slen, off);
			if (err)
				return err;
		}
		off += slen;
	}
	return 0;
}
