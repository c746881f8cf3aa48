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
 * Host sources (reserved_regions, VFIO) carry no devices: the diagnostic
 * names the range where it came from and says how to give them. None of
 * the three names a device-tree node (mc_map_set_device_paths()): a range
 * that does is refused, not described for fewer devices than it serves.
 */
#include "acpi.h"

static int dt_paths(struct mc_map *map, const struct acpi_range *a,
		    enum mc_acpi_table table)
{
	size_t n_in, n;
	const struct mc_region *in = mc_map_input(map, &n_in);
	const char *const *path = mc_map_device_paths(map,
						      (size_t)(a->r - in), &n);

	if (!n)
		return 0;
	return acpi_range_report(map, MC_EINVAL, "region.devices", a,
				 "devices=%s: a device-tree node path, which "
				 "%s cannot name (it names PCI devices%s); "
				 "name the device by its BDF for an ACPI guest",
				 path[0],
				 table == MC_ACPI_DMAR ? "an RMRR" :
				 table == MC_ACPI_IVRS ? "an IVMD" :
							 "an IORT RMR",
				 table == MC_ACPI_IORT ? " and stream IDs" : "");
}

int acpi_check_devices(struct mc_map *map, const struct acpi_range *a,
		       enum mc_acpi_table table)
{
	bool all = a->flags & MC_F_ALL_DEVICES;

	if (dt_paths(map, a, table))
		return MC_EINVAL;

	if (table == MC_ACPI_IVRS)
		return a->n_devices || all ? 0 :
		       acpi_range_report(map, MC_EINVAL, "region.devices", a,
					 "no devices: an IVMD names the "
					 "devices it serves; give the range "
					 "devices= (in the map or on its resv "
					 "statement), or devices=all for an "
					 "all-peripherals IVMD");
	if (table == MC_ACPI_DMAR && all)
		return acpi_range_report(map, MC_EINVAL, "region.flags", a,
					 "devices=all: an RMRR has no form for "
					 "every device; name them in devices=");
	if (table == MC_ACPI_DMAR && !a->n_devices)
		return acpi_range_report(map, MC_EINVAL, "region.devices", a,
					 "no devices: an RMRR needs at least "
					 "one device scope (VT-d 8.4); give the "
					 "range devices= (in the map or on its "
					 "resv statement)");
	if (all && !a->n_sids)
		return acpi_range_report(map, MC_EINVAL, "region.flags", a,
					 "devices=all: an RMR node maps stream "
					 "IDs, not every device; name the "
					 "devices in devices= or the stream IDs "
					 "in sids=");
	if (!a->n_devices && !a->n_sids)
		return acpi_range_report(map, MC_EINVAL, "region.sids", a,
					 "no devices: an RMR node needs stream "
					 "IDs (Linux skips one without ID "
					 "mappings); give the range devices= or "
					 "sids= (in the map or on its resv "
					 "statement)");
	return 0;
}
