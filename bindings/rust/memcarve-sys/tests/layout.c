/* SPDX-License-Identifier: MIT */
/*
 * layout.c - the size and field offsets of every public struct, as this C
 * compiler lays them out from include/; build.rs runs it and tests/layout.rs
 * compares each line with the #[repr(C)] declarations of src/lib.rs.
 *
 * Lines: "STRUCT size N" and "STRUCT.FIELD N".
 */
#include <stddef.h>
#include <stdio.h>
#include <memcarve.h>
#include <memcarve-acpi.h>
#include <memcarve-acpi-ssdt.h>
#include <memcarve-cmdline.h>
#include <memcarve-dt.h>
#include <memcarve-e820.h>
#include <memcarve-fwcfg.h>
#include <memcarve-host.h>
#include <memcarve-pvh.h>

#define SIZE(s)		printf("%s size %zu\n", #s, sizeof(struct s))
#define FIELD(s, f)	printf("%s.%s %zu\n", #s, #f, offsetof(struct s, f))

int main(void)
{
	SIZE(mc_pci_dev);
	FIELD(mc_pci_dev, segment); FIELD(mc_pci_dev, bus);
	FIELD(mc_pci_dev, devfn);

	SIZE(mc_region);
	FIELD(mc_region, first); FIELD(mc_region, last); FIELD(mc_region, kind);
	FIELD(mc_region, type); FIELD(mc_region, policy);
	FIELD(mc_region, flags); FIELD(mc_region, align);
	FIELD(mc_region, access); FIELD(mc_region, line);
	FIELD(mc_region, name); FIELD(mc_region, devices);
	FIELD(mc_region, n_devices); FIELD(mc_region, sids);
	FIELD(mc_region, n_sids); FIELD(mc_region, source);
	FIELD(mc_region, node); FIELD(mc_region, reserved32);
	FIELD(mc_region, reserved);

	SIZE(mc_piece);
	FIELD(mc_piece, first); FIELD(mc_piece, last); FIELD(mc_piece, origin);
	FIELD(mc_piece, kind); FIELD(mc_piece, type); FIELD(mc_piece, flags);

	/* May grow at its end: only the 1.0 fields are declared in Rust. */
	FIELD(mc_error, code); FIELD(mc_error, source); FIELD(mc_error, line);
	FIELD(mc_error, field); FIELD(mc_error, msg);
	FIELD(mc_totals, ram_before); FIELD(mc_totals, ram_after);
	FIELD(mc_totals, carved); FIELD(mc_totals, relocated);
	FIELD(mc_totals, lost_to_rounding);

	SIZE(mc_slot);
	FIELD(mc_slot, slot); FIELD(mc_slot, node); FIELD(mc_slot, guest);
	FIELD(mc_slot, size); FIELD(mc_slot, offset);

	SIZE(mc_node_backing);
	FIELD(mc_node_backing, node); FIELD(mc_node_backing, reserved);
	FIELD(mc_node_backing, offset); FIELD(mc_node_backing, size);

	SIZE(mc_dt_opts);
	FIELD(mc_dt_opts, base); FIELD(mc_dt_opts, base_len);
	FIELD(mc_dt_opts, cells); FIELD(mc_dt_opts, layout);
	FIELD(mc_dt_opts, memreserve); FIELD(mc_dt_opts, drop_base_memreserve);
	FIELD(mc_dt_opts, pad); FIELD(mc_dt_opts, pad_set);
	FIELD(mc_dt_opts, model); FIELD(mc_dt_opts, compatible);
	FIELD(mc_dt_opts, no_iommu_addresses);
	FIELD(mc_dt_opts, distance_map);
	FIELD(mc_dt_opts, max_numnodes);
	FIELD(mc_dt_opts, reserved32);
	FIELD(mc_dt_opts, reserved);

	SIZE(mc_acpi_opts);
	FIELD(mc_acpi_opts, base); FIELD(mc_acpi_opts, base_len);
	FIELD(mc_acpi_opts, oem_id); FIELD(mc_acpi_opts, oem_table_id);
	FIELD(mc_acpi_opts, oem_revision);
	FIELD(mc_acpi_opts, set_oem_revision);
	FIELD(mc_acpi_opts, creator_id); FIELD(mc_acpi_opts, creator_revision);
	FIELD(mc_acpi_opts, revision); FIELD(mc_acpi_opts, iommu_base);
	FIELD(mc_acpi_opts, host_address_width);
	FIELD(mc_acpi_opts, dmar_flags); FIELD(mc_acpi_opts, ivinfo);
	FIELD(mc_acpi_opts, ivhd_devid); FIELD(mc_acpi_opts, ivhd_flags);
	FIELD(mc_acpi_opts, ivhd_cap_offset);
	FIELD(mc_acpi_opts, ivhd_features); FIELD(mc_acpi_opts, ioapic_devid);
	FIELD(mc_acpi_opts, ioapic_id); FIELD(mc_acpi_opts, smmu_gsiv);
	FIELD(mc_acpi_opts, max_numnodes); FIELD(mc_acpi_opts, reserved32);
	FIELD(mc_acpi_opts, reserved);

	SIZE(mc_cmdline_opts);
	FIELD(mc_cmdline_opts, style); FIELD(mc_cmdline_opts, escape);
	FIELD(mc_cmdline_opts, append); FIELD(mc_cmdline_opts, max);
	FIELD(mc_cmdline_opts, flags); FIELD(mc_cmdline_opts, max_entries);
	FIELD(mc_cmdline_opts, reserved);

	SIZE(mc_e820_entry);
	FIELD(mc_e820_entry, addr); FIELD(mc_e820_entry, size);
	FIELD(mc_e820_entry, type);

	SIZE(mc_e820_opts);
	FIELD(mc_e820_opts, flags); FIELD(mc_e820_opts, reserved);

	SIZE(mc_e820_need);
	FIELD(mc_e820_need, what); FIELD(mc_e820_need, first);
	FIELD(mc_e820_need, last);

	SIZE(mc_e820_rules);
	FIELD(mc_e820_rules, legacy_hole); FIELD(mc_e820_rules, need);
	FIELD(mc_e820_rules, n_need); FIELD(mc_e820_rules, max_entries);
	FIELD(mc_e820_rules, setup_data); FIELD(mc_e820_rules, n_setup_data);
	FIELD(mc_e820_rules, linux_version); FIELD(mc_e820_rules, reserved);

	SIZE(mc_bzimage);
	FIELD(mc_bzimage, version); FIELD(mc_bzimage, hdr_end);
	FIELD(mc_bzimage, setup_sects); FIELD(mc_bzimage, loadflags);
	FIELD(mc_bzimage, xloadflags); FIELD(mc_bzimage, cmdline_size);
	FIELD(mc_bzimage, pref_address); FIELD(mc_bzimage, init_size);
	FIELD(mc_bzimage, linux_version); FIELD(mc_bzimage, reserved);

	SIZE(mc_e820_boot_opts);
	FIELD(mc_e820_boot_opts, kernel); FIELD(mc_e820_boot_opts, kernel_len);
	FIELD(mc_e820_boot_opts, kernel_name);
	FIELD(mc_e820_boot_opts, cmdline_addr);
	FIELD(mc_e820_boot_opts, initrd_addr);
	FIELD(mc_e820_boot_opts, initrd_size);
	FIELD(mc_e820_boot_opts, rsdp_addr);
	FIELD(mc_e820_boot_opts, setup_data_addr);
	FIELD(mc_e820_boot_opts, setup_data_next);
	FIELD(mc_e820_boot_opts, max_entries);
	FIELD(mc_e820_boot_opts, linux_version);
	FIELD(mc_e820_boot_opts, flags); FIELD(mc_e820_boot_opts, reserved);

	SIZE(mc_resv_opts);
	FIELD(mc_resv_opts, devices); FIELD(mc_resv_opts, n_devices);
	FIELD(mc_resv_opts, sids); FIELD(mc_resv_opts, n_sids);
	FIELD(mc_resv_opts, flags); FIELD(mc_resv_opts, reserved);

	SIZE(mc_iova_range);
	FIELD(mc_iova_range, start); FIELD(mc_iova_range, last);

	SIZE(mc_iova_opts);
	FIELD(mc_iova_opts, address_bits); FIELD(mc_iova_opts, source);
	FIELD(mc_iova_opts, reserved);

	SIZE(mc_pvh_opts);
	FIELD(mc_pvh_opts, start_info_addr); FIELD(mc_pvh_opts, cmdline_addr);
	FIELD(mc_pvh_opts, initrd_addr); FIELD(mc_pvh_opts, initrd_size);
	FIELD(mc_pvh_opts, rsdp_addr); FIELD(mc_pvh_opts, kernel);
	FIELD(mc_pvh_opts, kernel_len); FIELD(mc_pvh_opts, kernel_name);
	FIELD(mc_pvh_opts, flags); FIELD(mc_pvh_opts, reserved);

	SIZE(mc_pvh_kernel);
	FIELD(mc_pvh_kernel, entry); FIELD(mc_pvh_kernel, load_first);
	FIELD(mc_pvh_kernel, load_last);

	SIZE(mc_acpi_ssdt_opts);
	FIELD(mc_acpi_ssdt_opts, device_path); FIELD(mc_acpi_ssdt_opts, uid);
	FIELD(mc_acpi_ssdt_opts, oem_id); FIELD(mc_acpi_ssdt_opts, oem_table_id);
	FIELD(mc_acpi_ssdt_opts, oem_revision);
	FIELD(mc_acpi_ssdt_opts, creator_id);
	FIELD(mc_acpi_ssdt_opts, creator_revision);
	FIELD(mc_acpi_ssdt_opts, reserved);
	return 0;
}
