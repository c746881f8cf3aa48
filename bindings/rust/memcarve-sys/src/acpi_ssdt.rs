//! include/memcarve-acpi-ssdt.h
use super::mc_map;
use std::os::raw::{c_char, c_int, c_void};

/// `MC_SSDT_PATH_DEFAULT`: `\_SB.MCRV`.
pub const MC_SSDT_PATH_DEFAULT: &str = "\\_SB.MCRV";
pub const MC_SSDT_UID_DEFAULT: u64 = 0x4d43;
pub const MC_SSDT_PATH_MAX: usize = 64;

/// `struct mc_acpi_ssdt_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_acpi_ssdt_opts {
    pub device_path: *const c_char,
    pub uid: u64,
    pub oem_id: *const c_char,
    pub oem_table_id: *const c_char,
    pub oem_revision: u32,
    pub creator_id: *const c_char,
    pub creator_revision: u32,
    pub reserved: [u64; 4],
}

extern "C" {
    pub fn mc_acpi_ssdt_opts_init(opts: *mut mc_acpi_ssdt_opts);
    pub fn mc_acpi_ssdt_build(
        map: *mut mc_map,
        opts: *const mc_acpi_ssdt_opts,
        buf: *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_ssdt_build_alloc(
        map: *mut mc_map,
        opts: *const mc_acpi_ssdt_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_acpi_ssdt_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
}
