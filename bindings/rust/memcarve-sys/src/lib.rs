//! Raw declarations of libmemcarve's C API, written by hand from
//! `include/memcarve*.h` (API 1.1). Every name is the C name; see the
//! headers for what each call does, and the `memcarve` crate for a safe
//! API. `tests/layout.rs` checks every struct here against the C
//! compiler's layout of the headers.
//!
//! C enums are `c_uint` type aliases with their values as constants, so
//! that a value added by a later 1.x release never makes an invalid Rust
//! enum.
//!
//! ```
//! let v = unsafe { std::ffi::CStr::from_ptr(memcarve_sys::mc_version()) };
//! assert!(v.to_str().unwrap().starts_with("1."));
//! ```
#![allow(non_camel_case_types)]

// std::os::raw: core::ffi's C types are 1.64, Debian bookworm has 1.63.
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `MC_VERSION`, the header version these declarations follow.
pub const MC_VERSION: &str = "1.2.0";

pub const MC_EINVAL: c_int = -1;
pub const MC_ERANGE: c_int = -2;
pub const MC_EALIGN: c_int = -3;
pub const MC_EOVERLAP: c_int = -4;
pub const MC_ENOROOM: c_int = -5;
pub const MC_ENOMEM: c_int = -6;
pub const MC_EIO: c_int = -7;
pub const MC_ESTATE: c_int = -8;
pub const MC_ENOSPC: c_int = -9;
pub const MC_EBADBLOB: c_int = -10;

/// `enum mc_kind`
pub type mc_kind = c_uint;
pub const MC_RAM: mc_kind = 0;
pub const MC_MMIO: mc_kind = 1;
pub const MC_RESERVED: mc_kind = 2;
pub const MC_ACPI: mc_kind = 3;
pub const MC_NVS: mc_kind = 4;
pub const MC_PMEM: mc_kind = 5;
/// 1.1: a window where RAM may be hot-added later.
pub const MC_HOTPLUG: mc_kind = 6;

/// `enum mc_resv_type`
pub type mc_resv_type = c_uint;
pub const MC_RESV_RESERVED: mc_resv_type = 0;
pub const MC_RESV_MSI: mc_resv_type = 1;
pub const MC_RESV_SW_MSI: mc_resv_type = 2;
pub const MC_RESV_DIRECT: mc_resv_type = 3;
pub const MC_RESV_DIRECT_RELAXABLE: mc_resv_type = 4;

/// `enum mc_policy`
pub type mc_policy = c_uint;
pub const MC_POLICY_DEFAULT: mc_policy = 0;
pub const MC_POLICY_ABORT: mc_policy = 1;
pub const MC_POLICY_OVERLAY: mc_policy = 2;
pub const MC_POLICY_CARVE: mc_policy = 3;
pub const MC_POLICY_RELOCATE: mc_policy = 4;

/// `enum mc_arch`
pub type mc_arch = c_uint;
pub const MC_ARCH_NONE: mc_arch = 0;
pub const MC_ARCH_ARM64: mc_arch = 1;
pub const MC_ARCH_PPC64: mc_arch = 2;
pub const MC_ARCH_X86_64: mc_arch = 3;
pub const MC_ARCH_MIPS: mc_arch = 4;
pub const MC_ARCH_RISCV64: mc_arch = 5;

pub const MC_F_REUSABLE: c_uint = 1 << 0;
pub const MC_F_READONLY: c_uint = 1 << 1;
pub const MC_F_PRIVILEGED: c_uint = 1 << 2;
pub const MC_F_ACCESS: c_uint = 1 << 3;
pub const MC_F_ALL_DEVICES: c_uint = 1 << 4;
pub const MC_F_IOVA_GAP: c_uint = 1 << 5;
/// 1.1: `mc_region.node` holds the region's NUMA node.
pub const MC_F_NODE: c_uint = 1 << 6;
pub const MC_F_BACKED: c_uint = 1 << 8;
pub const MC_F_RELOCATED: c_uint = 1 << 9;
pub const MC_F_CARVED: c_uint = 1 << 10;
pub const MC_F_INPUT_MASK: c_uint =
    MC_F_REUSABLE | MC_F_READONLY | MC_F_PRIVILEGED | MC_F_ACCESS | MC_F_ALL_DEVICES | MC_F_IOVA_GAP | MC_F_NODE;

pub const MC_MAX_REGIONS: u32 = u32::MAX - 1;
pub const MC_GRANULE_MIN: u64 = 4096;
pub const MC_INPUT_MAX: usize = 256 << 20;
pub const MC_MAX_ERRORS: usize = 32;
pub const MC_MAX_NUMNODES: u32 = 1024;
pub const MC_NUMA_LOCAL_DISTANCE: u32 = 10;
pub const MC_NUMA_MAX_DISTANCE: u32 = 255;

/// `struct mc_pci_dev`
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_pci_dev {
    pub segment: u16,
    pub bus: u8,
    pub devfn: u8,
}

/// `struct mc_region`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_region {
    pub first: u64,
    pub last: u64,
    pub kind: mc_kind,
    pub type_: mc_resv_type,
    pub policy: mc_policy,
    pub flags: c_uint,
    pub align: u64,
    pub access: c_uint,
    pub line: c_uint,
    pub name: *const c_char,
    pub devices: *const mc_pci_dev,
    pub n_devices: usize,
    pub sids: *const u32,
    pub n_sids: usize,
    pub source: *const c_char,
    /// 1.1, in 1.0's first reserved word: the NUMA node with `MC_F_NODE`.
    pub node: u32,
    pub reserved32: u32,
    pub reserved: [u64; 3],
}

/// `struct mc_piece` (frozen for SONAME 1)
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct mc_piece {
    pub first: u64,
    pub last: u64,
    pub origin: u32,
    pub kind: u8,
    pub type_: u8,
    pub flags: u16,
}

/// `struct mc_error`: may grow at its end; only read through the pointer
/// `mc_map_error()` returns.
#[repr(C)]
#[derive(Debug)]
pub struct mc_error {
    pub code: c_int,
    pub source: *const c_char,
    pub line: c_uint,
    pub field: *const c_char,
    pub msg: *const c_char,
}

/// `struct mc_totals`: may grow at its end; only read through the pointer
/// `mc_map_totals()` returns.
#[repr(C)]
#[derive(Debug)]
pub struct mc_totals {
    pub ram_before: u64,
    pub ram_after: u64,
    pub carved: u64,
    pub relocated: u64,
    pub lost_to_rounding: u64,
}

/// `struct mc_slot` (frozen for SONAME 1)
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_slot {
    pub slot: u32,
    /// 1.1, in 1.0's padding: the slot's NUMA node (0 when not NUMA).
    pub node: u32,
    pub guest: u64,
    pub size: u64,
    pub offset: u64,
}

/// `struct mc_node_backing` (1.1, frozen): one NUMA node's part of the
/// backing area.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct mc_node_backing {
    pub node: u32,
    pub reserved: u32,
    pub offset: u64,
    pub size: u64,
}

/// `struct mc_map`, opaque.
#[repr(C)]
pub struct mc_map {
    _opaque: [u8; 0],
}

/// `enum mc_map_part`
pub type mc_map_part = c_uint;
pub const MC_MAP_INPUT: mc_map_part = 0;
pub const MC_MAP_RESULT: mc_map_part = 1;

extern "C" {
    pub fn mc_version() -> *const c_char;
    pub fn mc_strerror(err: c_int) -> *const c_char;
    pub fn mc_map_new() -> *mut mc_map;
    pub fn mc_map_free(map: *mut mc_map);
    pub fn mc_map_set_arch(map: *mut mc_map, arch: mc_arch) -> c_int;
    pub fn mc_map_set_policy(map: *mut mc_map, policy: mc_policy) -> c_int;
    pub fn mc_map_set_granule(map: *mut mc_map, granule: u64) -> c_int;
    pub fn mc_map_arch(map: *const mc_map) -> mc_arch;
    pub fn mc_map_policy(map: *const mc_map) -> mc_policy;
    pub fn mc_map_granule(map: *const mc_map) -> u64;
    pub fn mc_map_add(map: *mut mc_map, region: *const mc_region) -> c_int;
    pub fn mc_map_load(map: *mut mc_map, source: *const c_char, text: *const c_char, len: usize) -> c_int;
    pub fn mc_map_load_resv(map: *mut mc_map, source: *const c_char, text: *const c_char, len: usize)
        -> c_int;
    pub fn mc_map_load_file(map: *mut mc_map, path: *const c_char) -> c_int;
    pub fn mc_map_load_resv_file(map: *mut mc_map, path: *const c_char) -> c_int;
    pub fn mc_read_file(map: *mut mc_map, path: *const c_char, data: *mut *mut c_void, len: *mut usize)
        -> c_int;
    pub fn mc_map_carve(map: *mut mc_map) -> c_int;
    pub fn mc_map_input(map: *const mc_map, count: *mut usize) -> *const mc_region;
    pub fn mc_map_result(map: *const mc_map, count: *mut usize) -> *const mc_piece;
    pub fn mc_map_effective_policy(map: *const mc_map, region: *const mc_region) -> mc_policy;
    pub fn mc_free(p: *mut c_void);
    pub fn mc_map_totals(map: *const mc_map) -> *const mc_totals;
    pub fn mc_map_slots(map: *const mc_map, count: *mut usize) -> *const mc_slot;
    pub fn mc_map_backing(map: *const mc_map, count: *mut usize) -> *const mc_node_backing;
    pub fn mc_map_is_numa(map: *const mc_map) -> c_int;
    pub fn mc_map_set_distance(map: *mut mc_map, from: u32, to: u32, distance: u32) -> c_int;
    pub fn mc_map_distance(map: *const mc_map, from: u32, to: u32) -> u32;
    pub fn mc_map_write(map: *mut mc_map, what: mc_map_part, buf: *mut c_char, size: *mut usize) -> c_int;
    pub fn mc_map_write_alloc(map: *mut mc_map, what: mc_map_part, out: *mut *mut c_char, size: *mut usize)
        -> c_int;
    pub fn mc_map_set_device_paths(map: *mut mc_map, index: usize, paths: *const *const c_char, n: usize) -> c_int;
    pub fn mc_map_device_paths(map: *const mc_map, index: usize, count: *mut usize) -> *const *const c_char;
    pub fn mc_map_error_count(map: *const mc_map) -> usize;
    pub fn mc_map_error(map: *const mc_map, i: usize) -> *const mc_error;
    pub fn mc_map_errors_dropped(map: *const mc_map) -> usize;
    pub fn mc_map_clear_errors(map: *mut mc_map);
    pub fn mc_map_report(map: *mut mc_map, code: c_int, field: *const c_char, fmt: *const c_char, ...)
        -> c_int;
    pub fn mc_kind_name(kind: mc_kind) -> *const c_char;
    pub fn mc_resv_type_name(type_: mc_resv_type) -> *const c_char;
    pub fn mc_policy_name(policy: mc_policy) -> *const c_char;
    pub fn mc_arch_name(arch: mc_arch) -> *const c_char;
    pub fn mc_kind_parse(s: *const c_char, kind: *mut mc_kind) -> c_int;
    pub fn mc_resv_type_parse(s: *const c_char, type_: *mut mc_resv_type) -> c_int;
    pub fn mc_policy_parse(s: *const c_char, policy: *mut mc_policy) -> c_int;
    pub fn mc_arch_parse(s: *const c_char, arch: *mut mc_arch) -> c_int;
    pub fn mc_parse_number(s: *const c_char, out: *mut u64) -> c_int;
    pub fn mc_arch_page_size(arch: mc_arch) -> u64;
}

mod acpi;
mod acpi_ssdt;
mod cmdline;
mod dt;
mod e820;
mod fwcfg;
mod host;
mod pvh;
pub use acpi::*;
pub use acpi_ssdt::*;
pub use cmdline::*;
pub use dt::*;
pub use e820::*;
pub use fwcfg::*;
pub use host::*;
pub use pvh::*;
