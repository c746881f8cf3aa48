//! include/memcarve-pvh.h
use super::mc_map;
use std::os::raw::{c_char, c_int, c_void};

pub const MC_PVH_MAGIC: u32 = 0x336e_c578;
pub const MC_PVH_VERSION: u32 = 1;
pub const MC_PVH_START_INFO_SIZE: usize = 56;
pub const MC_PVH_MODLIST_SIZE: usize = 32;
pub const MC_PVH_MEMMAP_SIZE: usize = 24;
pub const MC_PVH_MAX_ENTRIES: usize = 128;
pub const MC_PVH_ISA_ADDED_BELOW: usize = 127;
pub const MC_PVH_ADDR_LIMIT: u64 = 0x4000_0000;
pub const MC_PVH_ELFNOTE_PHYS32_ENTRY: u32 = 18;

/// `struct mc_pvh_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_pvh_opts {
    pub start_info_addr: u64,
    pub cmdline_addr: u64,
    pub initrd_addr: u64,
    pub initrd_size: u64,
    pub rsdp_addr: u64,
    pub kernel: *const c_void,
    pub kernel_len: usize,
    pub kernel_name: *const c_char,
    pub flags: u32,
    pub reserved: [u64; 4],
}

/// `struct mc_pvh_kernel`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_pvh_kernel {
    pub entry: u64,
    pub load_first: u64,
    pub load_last: u64,
}

extern "C" {
    pub fn mc_pvh_opts_init(opts: *mut mc_pvh_opts);
    pub fn mc_pvh_build(map: *mut mc_map, opts: *const mc_pvh_opts, buf: *mut c_void, size: *mut usize) -> c_int;
    pub fn mc_pvh_build_alloc(
        map: *mut mc_map,
        opts: *const mc_pvh_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_pvh_kernel(
        map: *mut mc_map,
        name: *const c_char,
        elf: *const c_void,
        len: usize,
        out: *mut mc_pvh_kernel,
    ) -> c_int;
    pub fn mc_pvh_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
}
