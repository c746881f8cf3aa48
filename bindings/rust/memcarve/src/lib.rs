//! memcarve for Rust: one guest-physical memory map, carved around the
//! ranges a host IOMMU reserves, and what each guest reads about it: a
//! device tree, an e820 table, zero page or PVH start_info block, ACPI
//! DMAR/IVRS/IORT/SRAT and a PNP0C02 SSDT, a kernel command line; plus
//! the KVM memory slots. Each of those formats reads back into a map
//! ([`Map::decode`]).
//!
//! A safe layer over libmemcarve (the `memcarve-sys` crate), wrapping
//! every function of its headers: a [`Map`] owns its C map and frees it
//! on drop; [`Map::carve`] gives a [`Carved`] that borrows it; every
//! emitter returns owned bytes, or writes into the caller's buffer (the
//! `_into` forms); every failure is an [`Error`] carrying the library's
//! diagnostics.
//!
//! ```
//! use memcarve::{Kind, Map, Region};
//! let mut map = Map::parse("arch arm64\nram 0x40000000 2G name=dram\n")?;
//! map.add(&Region { name: Some("fw".into()), ..Region::new(Kind::Reserved, 0x40000000, 0x401fffff) })?;
//! map.load_resv("reserved_regions", "0x08000000 0x080fffff msi\n")?;
//! let mut carved = map.carve()?;
//! for s in carved.slots() {
//!     println!("slot {} guest {:#x} size {:#x}", s.slot, s.guest, s.size);
//! }
//! let dtb = carved.dt(&Default::default())?;
//! assert!(dtb.len() > 40);
//! # Ok::<(), memcarve::Error>(())
//! ```
#![deny(missing_docs)]

mod acpi;
mod cmdline;
mod decode;
mod dt;
mod e820;
mod e820_parts;
mod error;
mod fwcfg;
mod host;
mod map;
mod pvh;
mod ssdt;
mod types;

pub use acpi::{srat_count, srat_type_name, AcpiOptions, AcpiTable};
pub use cmdline::{cmdline_number, CmdlineOptions, CmdlineStyle, Escape};
pub use decode::Format;
pub use dt::{DtLayout, DtOptions, Memreserve};
pub use e820::{e820_encode, e820_print, BootOptions, E820Entry};
pub use e820_parts::{
    e820_boot_entries, e820_ext_count, e820_format_line, e820_max_entries, e820_sanitize, e820_setup_data,
    e820_type_name, e820_type_name_linux, linux_version, BzImage, E820Need, E820Rules,
};
pub use error::{Diagnostic, Error, Result};
pub use fwcfg::Firmware;
pub use host::{parse_pci_dev, ResvOptions};
pub use map::{Carved, Map, Piece};
pub use pvh::{PvhKernel, PvhOptions};
pub use ssdt::SsdtOptions;
pub use types::{flags, parse_number, Arch, Kind, NodeBacking, PciDev, Policy, Region, ResvType, Slot, Totals};

/// The version of the C library this program runs with.
///
/// ```
/// assert!(memcarve::version().starts_with("1."));
/// ```
pub fn version() -> String {
    error::c_str(unsafe { memcarve_sys::mc_version() })
}
