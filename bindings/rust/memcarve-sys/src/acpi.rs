//! include/memcarve-acpi.h
use super::mc_map;
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `enum mc_acpi_table`
pub type mc_acpi_table = c_uint;
pub const MC_ACPI_DMAR: mc_acpi_table = 1;
pub const MC_ACPI_IVRS: mc_acpi_table = 2;
pub const MC_ACPI_IORT: mc_acpi_table = 3;
/// 1.1: a NUMA map's nodes.
pub const MC_ACPI_SRAT: mc_acpi_table = 4;

pub const MC_IORT_ACCESS_DEVICE_NGNRNE: c_uint = 0x00;
pub const MC_IORT_ACCESS_NORMAL_WB: c_uint = 0x05;

/// `struct mc_acpi_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_acpi_opts {
    pub base: *const c_void,
    pub base_len: usize,
    pub oem_id: *const c_char,
    pub oem_table_id: *const c_char,
    pub oem_revision: u32,
    pub set_oem_revision: bool,
    pub creator_id: *const c_char,
    pub creator_revision: u32,
    pub revision: u8,
    pub iommu_base: u64,
    pub host_address_width: u8,
    pub dmar_flags: u8,
    pub ivinfo: u32,
    pub ivhd_devid: u16,
    pub ivhd_flags: u8,
    pub ivhd_cap_offset: u16,
    pub ivhd_features: u32,
    pub ioapic_devid: u16,
    pub ioapic_id: u8,
    pub smmu_gsiv: u32,
    pub max_numnodes: u32,
    pub reserved32: u32,
    pub reserved: [u64; 3],
}

extern "C" {
    pub fn mc_acpi_opts_init(opts: *mut mc_acpi_opts);
    pub fn mc_acpi_build(
        map: *mut mc_map,
        table: mc_acpi_table,
        opts: *const mc_acpi_opts,
        buf: *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_build_alloc(
        map: *mut mc_map,
        table: mc_acpi_table,
        opts: *const mc_acpi_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_rsdp(
        map: *mut mc_map,
        addr: u64,
        tables: *const *const c_void,
        lens: *const usize,
        n: usize,
        opts: *const mc_acpi_opts,
        buf: *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_rsdp_alloc(
        map: *mut mc_map,
        addr: u64,
        tables: *const *const c_void,
        lens: *const usize,
        n: usize,
        opts: *const mc_acpi_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_dmar_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_acpi_ivrs_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_acpi_iort_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_acpi_rsdp_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_acpi_srat_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_acpi_srat_count(blob: *const c_void, len: usize, type_: c_uint, count: *mut usize) -> c_int;
    pub fn mc_acpi_srat_type_name(type_: c_uint) -> *const c_char;
}
