// SPDX-License-Identifier: MIT
/*
 * direct_devices.c - every direct range an IOMMU table describes names the
 * devices it serves, in a form the table has.
 *
 *  - DMAR: an RMRR has at least one device scope (VT-d spec 8.4: "Each
 *    RMRR reporting structure ... one or more device scope entries"); one
 *    with none is ignored or misread by the guest.
 *  - IORT: an RMR node has ID mappings (Linux iort_node_get_rmr_info()
 *    skips one without: "Invalid ID mapping, skipping RMR node").
 *  - IVRS: an IVMD names one device, a range, or all of them (type 0x20;
 *    Linux init_unity_map_range() applies it to devid 0..last_bdf of the
 *    IVMD's segment), so "all" is a choice the map makes (devices=all),
 *    never a default for a range that names none.
 *
 * Host sources (reserved_regions, VFIO) carry no devices: the message says
 * where the range came from and how to give them.
 */
#include <stdio.h>
#include "acpi.h"

/* "SOURCE:LINE: reserved 0x1000+0x1000 type=direct name=fw" */
static void fmt_range(char *buf, size_t len, struct mc_map *map,
		      const struct acpi_range *a)
{
	const struct mc_region *r = a->r;
	const char *src = mc_input_source(map, r->origin);
	char span[48];
	int n = 0;

	acpi_fmt_span(span, sizeof(span), a->first, a->last);
	if (*src && r->line)
		n = snprintf(buf, len, "%s:%u: ", src, r->line);
	else if (*src)
		n = snprintf(buf, len, "%s: ", src);
	if (n < 0 || (size_t)n >= len)
		return;
	snprintf(buf + n, len - (size_t)n, "reserved %s type=%s%s%s", span,
		 mc_resv_type_name(r->type), r->name ? " name=" : "",
		 r->name ? r->name : "");
}

static int refuse(struct mc_map *map, const struct acpi_range *a,
		  const char *why)
{
	char what[200];

	fmt_range(what, sizeof(what), map, a);
	return mc_map_report(map, MC_EINVAL, NULL, "%s: %s", what, why);
}

int acpi_check_devices(struct mc_map *map, const struct acpi_range *a,
		       enum mc_acpi_table table)
{
	bool all = a->flags & MC_F_ALL_DEVICES;

	if (table == MC_ACPI_IVRS)
		return a->n_devices || all ? 0 :
		       refuse(map, a, "no devices: an IVMD names the devices "
				      "it serves; give the range devices= "
				      "(in the map or on its resv statement), "
				      "or devices=all for an all-peripherals "
				      "IVMD");
	if (table == MC_ACPI_DMAR && all)
		return refuse(map, a, "devices=all: an RMRR has no form for "
				      "every device; name them in devices=");
	if (table == MC_ACPI_DMAR && !a->n_devices)
		return refuse(map, a, "no devices: an RMRR needs at least one "
				      "device scope (VT-d 8.4); give the range "
				      "devices= (in the map or on its resv "
				      "statement)");
	if (all && !a->n_sids)
		return refuse(map, a, "devices=all: an RMR node maps stream "
				      "IDs, not every device; name the devices "
				      "in devices= or the stream IDs in sids=");
	if (!a->n_devices && !a->n_sids)
		return refuse(map, a, "no devices: an RMR node needs stream "
				      "IDs (Linux skips one without ID "
				      "mappings); give the range devices= or "
				      "sids= (in the map or on its resv "
				      "statement)");
	return 0;
}
