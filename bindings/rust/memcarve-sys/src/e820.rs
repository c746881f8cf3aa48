//! include/memcarve-e820.h
use super::mc_map;
use std::os::raw::{c_char, c_int, c_uint, c_void};

pub const MC_E820_RAM: u32 = 1;
pub const MC_E820_RESERVED: u32 = 2;
pub const MC_E820_ACPI: u32 = 3;
pub const MC_E820_NVS: u32 = 4;
pub const MC_E820_UNUSABLE: u32 = 5;
pub const MC_E820_PMEM: u32 = 7;
pub const MC_E820_PRAM: u32 = 12;
pub const MC_E820_SOFT_RESERVED: u32 = 0xefff_ffff;
pub const MC_E820_ENTRY_SIZE: usize = 20;
pub const MC_E820_ZEROPAGE_MAX: usize = 128;
pub const MC_ZEROPAGE_SIZE: usize = 4096;
pub const MC_SETUP_DATA_HDR: usize = 16;
pub const MC_SETUP_E820_EXT: u32 = 1;
pub const MC_E820_AS_X86: c_uint = 1 << 0;
pub const MC_E820_NODES_SHIFT_DEBIAN: c_uint = 10;
pub const MC_E820_NODES_SHIFT_MAX: c_uint = 10;
pub const MC_E820_MAX_ENTRIES_DEFAULT: usize = 3200;
pub const MC_LINUX_NEWEST: u32 = 0;
pub const MC_LINUX_OLDEST: u32 = MC_LINUX_VERSION(5, 5);
pub const MC_E820_LEGACY_HOLE: u32 = 1 << 0;

/// `MC_LINUX_VERSION(major, minor)`
#[allow(non_snake_case)]
pub const fn MC_LINUX_VERSION(major: u32, minor: u32) -> u32 {
    (major << 16) | (minor << 8)
}

/// `struct mc_e820_entry`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_e820_entry {
    pub addr: u64,
    pub size: u64,
    pub type_: u32,
}

/// `struct mc_e820_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct mc_e820_opts {
    pub flags: c_uint,
    pub reserved: [u64; 4],
}

/// `struct mc_e820_need`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_e820_need {
    pub what: *const c_char,
    pub first: u64,
    pub last: u64,
}

/// `struct mc_e820_rules`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_e820_rules {
    pub legacy_hole: bool,
    pub need: *const mc_e820_need,
    pub n_need: usize,
    pub max_entries: usize,
    pub setup_data: *const mc_e820_need,
    pub n_setup_data: usize,
    pub linux_version: u32,
    pub reserved: [u64; 4],
}

/// `struct mc_bzimage`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct mc_bzimage {
    pub version: u16,
    pub hdr_end: u32,
    pub setup_sects: u8,
    pub loadflags: u8,
    pub xloadflags: u16,
    pub cmdline_size: u32,
    pub pref_address: u64,
    pub init_size: u32,
    pub linux_version: u32,
    pub reserved: [u64; 4],
}

/// `struct mc_e820_boot_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_e820_boot_opts {
    pub kernel: *const c_void,
    pub kernel_len: usize,
    pub kernel_name: *const c_char,
    pub cmdline_addr: u64,
    pub initrd_addr: u64,
    pub initrd_size: u64,
    pub rsdp_addr: u64,
    pub setup_data_addr: u64,
    pub setup_data_next: u64,
    pub max_entries: usize,
    pub linux_version: u32,
    pub flags: u32,
    pub reserved: [u64; 4],
}

extern "C" {
    pub fn mc_e820_sanitize(in_: *const mc_e820_entry, n: usize, out: *mut mc_e820_entry, size: *mut usize)
        -> c_int;
    pub fn mc_e820_opts_init(opts: *mut mc_e820_opts);
    pub fn mc_e820_build(map: *mut mc_map, opts: *const mc_e820_opts, entries: *mut mc_e820_entry, size: *mut usize)
        -> c_int;
    pub fn mc_e820_build_alloc(
        map: *mut mc_map,
        opts: *const mc_e820_opts,
        out: *mut *mut mc_e820_entry,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_e820_max_entries(nodes_shift: c_uint) -> usize;
    pub fn mc_e820_boot_entries(
        e: *const mc_e820_entry,
        n: usize,
        setup_data: *const mc_e820_need,
        n_setup_data: usize,
        version: u32,
    ) -> usize;
    pub fn mc_e820_check(map: *mut mc_map, e: *const mc_e820_entry, n: usize, rules: *const mc_e820_rules) -> c_int;
    pub fn mc_linux_version(s: *const c_char, version: *mut u32) -> c_int;
    pub fn mc_e820_type_name(type_: u32, buf: *mut c_char, len: usize) -> *const c_char;
    pub fn mc_e820_type_name_linux(type_: u32, version: u32, buf: *mut c_char, len: usize) -> *const c_char;
    pub fn mc_e820_format_line(e: *const mc_e820_entry, who: *const c_char, buf: *mut c_char, size: *mut usize)
        -> c_int;
    pub fn mc_e820_print(
        e: *const mc_e820_entry,
        n: usize,
        who: *const c_char,
        version: u32,
        buf: *mut c_char,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_e820_encode(e: *const mc_e820_entry, n: usize, buf: *mut c_void, size: *mut usize) -> c_int;
    pub fn mc_e820_ext_count(n: usize) -> usize;
    pub fn mc_e820_bzimage(
        map: *mut mc_map,
        name: *const c_char,
        image: *const c_void,
        len: usize,
        out: *mut mc_bzimage,
    ) -> c_int;
    pub fn mc_e820_boot_opts_init(opts: *mut mc_e820_boot_opts);
    pub fn mc_e820_zeropage(
        map: *mut mc_map,
        e: *const mc_e820_entry,
        n: usize,
        opts: *const mc_e820_boot_opts,
        zp: *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_e820_boot_check(map: *mut mc_map, opts: *const mc_e820_boot_opts, e: *const mc_e820_entry, n: usize)
        -> c_int;
    pub fn mc_e820_boot_build(map: *mut mc_map, opts: *const mc_e820_boot_opts, buf: *mut c_void, size: *mut usize)
        -> c_int;
    pub fn mc_e820_boot_build_alloc(
        map: *mut mc_map,
        opts: *const mc_e820_boot_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_e820_setup_data(e: *const mc_e820_entry, n: usize, next: u64, buf: *mut c_void, size: *mut usize)
        -> c_int;
    pub fn mc_e820_zeropage_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_e820_setup_data_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_e820_raw_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
    pub fn mc_e820_text_decode(map: *mut mc_map, blob: *const c_void, len: usize) -> c_int;
}
