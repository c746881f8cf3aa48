//! include/memcarve-dt.h
use super::mc_map;
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `enum mc_dt_layout`
pub type mc_dt_layout = c_uint;
pub const MC_DT_MEMORY_PER_BLOCK: mc_dt_layout = 0;
pub const MC_DT_MEMORY_ONE_NODE: mc_dt_layout = 1;

/// `enum mc_dt_memreserve`
pub type mc_dt_memreserve = c_uint;
pub const MC_DT_MEMRESERVE_AUTO: mc_dt_memreserve = 0;
pub const MC_DT_MEMRESERVE_ON: mc_dt_memreserve = 1;
pub const MC_DT_MEMRESERVE_OFF: mc_dt_memreserve = 2;

/// `struct mc_dt_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_dt_opts {
    pub base: *const c_void,
    pub base_len: usize,
    pub cells: c_uint,
    pub layout: mc_dt_layout,
    pub memreserve: mc_dt_memreserve,
    pub drop_base_memreserve: bool,
    pub pad: usize,
    pub pad_set: bool,
    pub model: *const c_char,
    pub compatible: *const *const c_char,
    pub no_iommu_addresses: bool,
    pub distance_map: bool,
    pub max_numnodes: u32,
    pub reserved32: u32,
    pub reserved: [u64; 3],
}

extern "C" {
    pub fn mc_dt_opts_init(opts: *mut mc_dt_opts);
    pub fn mc_dt_build(map: *mut mc_map, opts: *const mc_dt_opts, buf: *mut c_void, size: *mut usize) -> c_int;
    pub fn mc_dt_build_alloc(map: *mut mc_map, opts: *const mc_dt_opts, out: *mut *mut c_void, size: *mut usize)
        -> c_int;
    pub fn mc_dt_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
}
