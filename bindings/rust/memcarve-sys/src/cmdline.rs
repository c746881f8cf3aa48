//! include/memcarve-cmdline.h
use super::{mc_arch, mc_map};
use std::os::raw::{c_char, c_int, c_uint, c_void};

/// `enum mc_cmdline_style`
pub type mc_cmdline_style = c_uint;
pub const MC_CMDLINE_AUTO: mc_cmdline_style = 0;
pub const MC_CMDLINE_MIPS: mc_cmdline_style = 1;
pub const MC_CMDLINE_X86: mc_cmdline_style = 2;

/// `enum mc_cmdline_escape`
pub type mc_cmdline_escape = c_uint;
pub const MC_ESCAPE_NONE: mc_cmdline_escape = 0;
pub const MC_ESCAPE_SHELL: mc_cmdline_escape = 1;
pub const MC_ESCAPE_GRUB: mc_cmdline_escape = 2;

pub const MC_CMDLINE_PRAM: c_uint = 1 << 0;
pub const MC_CMDLINE_RETYPE: c_uint = 1 << 1;
pub const MC_CMDLINE_NUMBER_MAX: usize = 24;

/// `struct mc_cmdline_opts`
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct mc_cmdline_opts {
    pub style: mc_cmdline_style,
    pub escape: mc_cmdline_escape,
    pub append: *const c_char,
    pub max: usize,
    pub flags: c_uint,
    pub max_entries: usize,
    pub reserved: [u64; 4],
}

extern "C" {
    pub fn mc_cmdline_opts_init(opts: *mut mc_cmdline_opts);
    pub fn mc_cmdline_build(map: *mut mc_map, opts: *const mc_cmdline_opts, buf: *mut c_void, size: *mut usize)
        -> c_int;
    pub fn mc_cmdline_build_alloc(
        map: *mut mc_map,
        opts: *const mc_cmdline_opts,
        out: *mut *mut c_void,
        size: *mut usize,
    ) -> c_int;
    pub fn mc_cmdline_limit(arch: mc_arch) -> usize;
    pub fn mc_cmdline_number(value: u64, buf: *mut c_char) -> usize;
    pub fn mc_cmdline_decode(map: *mut mc_map, text: *const c_void, len: usize) -> c_int;
}
