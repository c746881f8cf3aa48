//! include/memcarve-host.h
use super::{mc_map, mc_pci_dev};
use std::os::raw::{c_char, c_int, c_uint, c_void};

pub const MC_GROUP_DEVICES_MAX: usize = 256;

/// `struct mc_resv_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_resv_opts {
    pub devices: *const mc_pci_dev,
    pub n_devices: usize,
    pub sids: *const u32,
    pub n_sids: usize,
    pub flags: c_uint,
    pub reserved: [u64; 4],
}

/// `struct mc_iova_range`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_iova_range {
    pub start: u64,
    pub last: u64,
}

/// `struct mc_iova_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_iova_opts {
    pub address_bits: c_uint,
    pub source: *const c_char,
    pub reserved: [u64; 4],
}

extern "C" {
    pub fn mc_pci_dev_parse(s: *const c_char, dev: *mut mc_pci_dev) -> c_int;
    pub fn mc_resv_opts_init(opts: *mut mc_resv_opts);
    pub fn mc_map_load_file_text(map: *mut mc_map, path: *const c_char, text: *const c_char, len: usize) -> c_int;
    pub fn mc_map_load_resv_for(
        map: *mut mc_map,
        source: *const c_char,
        text: *const c_char,
        len: usize,
        opts: *const mc_resv_opts,
    ) -> c_int;
    pub fn mc_map_load_resv_file_for(map: *mut mc_map, path: *const c_char, opts: *const mc_resv_opts) -> c_int;
    pub fn mc_iommu_group_of(
        map: *mut mc_map,
        sysfs_root: *const c_char,
        host: *const mc_pci_dev,
        group: *mut c_uint,
    ) -> c_int;
    pub fn mc_map_load_iommu_group(
        map: *mut mc_map,
        sysfs_root: *const c_char,
        group: c_uint,
        opts: *const mc_resv_opts,
    ) -> c_int;
    pub fn mc_iova_opts_init(opts: *mut mc_iova_opts);
    pub fn mc_map_add_usable_iova(
        map: *mut mc_map,
        ranges: *const mc_iova_range,
        n: usize,
        opts: *const mc_iova_opts,
    ) -> c_int;
    pub fn mc_map_load_vfio_iommu_info(
        map: *mut mc_map,
        info: *const c_void,
        len: usize,
        opts: *const mc_iova_opts,
    ) -> c_int;
}
