//! Every #[repr(C)] struct of memcarve-sys has the size and field offsets
//! the C compiler gives the headers (tests/layout.c, run by build.rs), and
//! every struct and field layout.c prints is checked here.
use memcarve_sys::*;
use std::collections::BTreeMap;
use std::mem::{size_of, MaybeUninit};

const C_LAYOUT: &str = include_str!(concat!(env!("OUT_DIR"), "/layout.txt"));

/// offsetof() with std of Rust 1.63 (core::mem::offset_of! is 1.77): the
/// distance from a struct's start to a field's, taken on an uninitialized
/// value without reading it.
macro_rules! offset {
    ($t:ty, $f:ident) => {{
        let value = MaybeUninit::<$t>::uninit();
        let base = value.as_ptr();
        // addr_of! makes no reference, so nothing uninitialized is read.
        let field = unsafe { std::ptr::addr_of!((*base).$f) };
        field as usize - base as usize
    }};
}

fn c_layout() -> BTreeMap<String, usize> {
    C_LAYOUT
        .lines()
        .map(|line| {
            let (key, value) = line.rsplit_once(' ').expect("layout line");
            (key.to_string(), value.parse().expect("layout number"))
        })
        .collect()
}

#[test]
fn structs_match_the_headers() {
    let c = c_layout();
    let mut rust = BTreeMap::new();
    macro_rules! size {
        ($t:ident) => {
            rust.insert(format!("{} size", stringify!($t)), size_of::<$t>());
        };
    }
    // C field name, then the Rust one where they differ (type is a keyword).
    macro_rules! fields {
        ($t:ident: $($f:ident)*) => {
            $(rust.insert(format!("{}.{}", stringify!($t), stringify!($f)), offset!($t, $f));)*
        };
    }
    macro_rules! renamed {
        ($t:ident, $c:literal => $f:ident) => {
            rust.insert(format!("{}.{}", stringify!($t), $c), offset!($t, $f));
        };
    }
    size!(mc_pci_dev);
    fields!(mc_pci_dev: segment bus devfn);
    size!(mc_region);
    fields!(mc_region: first last kind policy flags align access line name devices
            n_devices sids n_sids source node reserved32 reserved);
    renamed!(mc_region, "type" => type_);
    size!(mc_piece);
    fields!(mc_piece: first last origin kind flags);
    renamed!(mc_piece, "type" => type_);
    fields!(mc_error: code source line field msg);
    fields!(mc_totals: ram_before ram_after carved relocated lost_to_rounding);
    size!(mc_slot);
    fields!(mc_slot: slot node guest size offset);
    size!(mc_node_backing);
    fields!(mc_node_backing: node reserved offset size);
    size!(mc_dt_opts);
    fields!(mc_dt_opts: base base_len cells layout memreserve drop_base_memreserve pad
            pad_set model compatible no_iommu_addresses distance_map max_numnodes
            reserved32 reserved);
    size!(mc_acpi_opts);
    fields!(mc_acpi_opts: base base_len oem_id oem_table_id oem_revision set_oem_revision
            creator_id creator_revision revision iommu_base host_address_width dmar_flags
            ivinfo ivhd_devid ivhd_flags ivhd_cap_offset ivhd_features ioapic_devid
            ioapic_id smmu_gsiv max_numnodes reserved32 reserved);
    size!(mc_cmdline_opts);
    fields!(mc_cmdline_opts: style escape append max flags max_entries reserved);
    size!(mc_e820_entry);
    fields!(mc_e820_entry: addr size);
    renamed!(mc_e820_entry, "type" => type_);
    size!(mc_e820_opts);
    fields!(mc_e820_opts: flags reserved);
    size!(mc_e820_need);
    fields!(mc_e820_need: what first last);
    size!(mc_e820_rules);
    fields!(mc_e820_rules: legacy_hole need n_need max_entries setup_data n_setup_data
            linux_version reserved);
    size!(mc_bzimage);
    fields!(mc_bzimage: version hdr_end setup_sects loadflags xloadflags cmdline_size
            pref_address init_size linux_version reserved);
    size!(mc_e820_boot_opts);
    fields!(mc_e820_boot_opts: kernel kernel_len kernel_name cmdline_addr initrd_addr
            initrd_size rsdp_addr setup_data_addr setup_data_next max_entries
            linux_version flags reserved);
    size!(mc_resv_opts);
    fields!(mc_resv_opts: devices n_devices sids n_sids flags reserved);
    size!(mc_iova_range);
    fields!(mc_iova_range: start last);
    size!(mc_iova_opts);
    fields!(mc_iova_opts: address_bits source reserved);
    size!(mc_pvh_opts);
    fields!(mc_pvh_opts: start_info_addr cmdline_addr initrd_addr initrd_size rsdp_addr kernel
            kernel_len kernel_name flags reserved);
    size!(mc_pvh_kernel);
    fields!(mc_pvh_kernel: entry load_first load_last);
    size!(mc_acpi_ssdt_opts);
    fields!(mc_acpi_ssdt_opts: device_path uid oem_id oem_table_id oem_revision creator_id
            creator_revision reserved);
    assert_eq!(rust, c, "Rust layouts (left) differ from the C headers' (right)");
}

/// The returned-by-pointer structs may grow at their end in 1.x: Rust
/// declares their 1.0 fields and never holds one by value.
#[test]
fn growing_structs_are_read_in_place() {
    assert_eq!(size_of::<mc_error>(), 40);
    assert_eq!(size_of::<mc_totals>(), 40);
}

#[test]
fn version_matches_the_header() {
    let v = unsafe { std::ffi::CStr::from_ptr(mc_version()) };
    assert_eq!(v.to_str().unwrap(), MC_VERSION);
}

/// `make rust` builds the crate both ways and says which it expects.
#[test]
fn linked_the_way_expected() {
    if let Ok(expected) = std::env::var("MEMCARVE_SYS_EXPECT") {
        assert_eq!(env!("MEMCARVE_SYS_LINKED"), expected);
    }
}
