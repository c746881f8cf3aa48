//! include/memcarve-fwcfg.h
use super::{mc_e820_entry, mc_map};
use std::os::raw::{c_int, c_uint};

/// `enum mc_fw`
pub type mc_fw = c_uint;
pub const MC_FW_SEABIOS: mc_fw = 1;

pub const MC_SEABIOS_MAX_E820: usize = 32;

extern "C" {
    pub fn mc_e820_fw_check(map: *mut mc_map, e: *const mc_e820_entry, n: usize, fw: mc_fw) -> c_int;
}
