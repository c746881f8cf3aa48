// SPDX-License-Identifier: MIT
/*
 * decode_dmar.c - a DMAR's RMRRs back to direct reserved regions, for
 * "memcarve inspect", and acpi_add_decoded() the decoders share. The
 * table is checked whole first (walk_dmar.c); the walk here trusts it.
 */
#include <stdlib.h>
#include "acpi.h"
#include "dmar.h"
#include "walk.h"

int acpi_add_decoded(struct mc_map *map, const struct mc_region *r,
		     const char *table)
{
	struct mc_region named = *r;
	int err;
	char span[MC_RANGE_STR];

	named.source = table;		/* the blob's name in diagnostics */
	named.line = 0;
	err = mc_map_add(map, &named);
	if (err && err != MC_ENOMEM)
		return mc_map_report(map, MC_EBADBLOB, NULL,
				     "%s: range %s cannot be a region", table,
				     mc_range_str(span, r->first, r->last));
	return err;
}

/*
 * The PCI devices of an RMRR's scopes into @dev; a multi-hop path gives
 * its first hop. Other scope types (IOAPIC, HPET, ACPI namespace) name no
 * PCI device.
 */
static size_t rmrr_devices(const struct acpi_item *s, struct mc_pci_dev *dev)
{
	uint16_t segment = get_le16(s->p + DMAR_RMRR_SEGMENT);
	size_t n = 0, len;

	for (size_t at = DMAR_RMRR_SIZE;
	     at < s->len && (len = acpi_dmar_scope_len(s, at)); at += len) {
		const uint8_t *sc = s->p + at, *path = sc + DMAR_SCOPE_PATH;
		uint8_t type = sc[DMAR_SCOPE_TYPE];

		if ((type != DMAR_SCOPE_PCI_ENDPOINT &&
		     type != DMAR_SCOPE_PCI_BRIDGE) ||
		    len < DMAR_SCOPE_SIZE + DMAR_PATH_SIZE)
			continue;
		dev[n++] = (struct mc_pci_dev){
			.segment = segment,
			.bus = sc[DMAR_SCOPE_BUS],
			.devfn = PCI_DEVFN(path[DMAR_PATH_DEVICE],
					   path[DMAR_PATH_FUNCTION]),
		};
	}
	return n;
}

static int rmrr(struct mc_map *map, const struct acpi_item *s)
{
	struct mc_region r = {
		.kind = MC_RESERVED,
		.type = MC_RESV_DIRECT,
		.first = get_le64(s->p + DMAR_RMRR_BASE),
		.last = get_le64(s->p + DMAR_RMRR_END),
	};
	struct mc_pci_dev *dev;
	int err;

	dev = malloc((s->len / DMAR_SCOPE_SIZE + 1) * sizeof(*dev));
	if (!dev)
		return mc_map_report(map, MC_ENOMEM, NULL, "out of memory");
	r.devices = dev;
	r.n_devices = rmrr_devices(s, dev);
	err = acpi_add_decoded(map, &r, DMAR_SIG);
	free(dev);
	return err;
}

static int structure(struct mc_map *map, const struct acpi_item *s)
{
	return s->type == DMAR_TYPE_RMRR ? rmrr(map, s) : 0;
}

int mc_acpi_dmar_decode(struct mc_map *map, const void *blob, size_t len)
{
	return acpi_decode(map, MC_ACPI_DMAR, blob, len, MC_ARCH_X86_64,
			   structure);
}
