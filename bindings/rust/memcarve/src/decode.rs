//! Blobs read back into a map: every `mc_*_decode()` of the headers, the
//! decoders `memcarve inspect` runs.
use crate::error::Result;
use crate::map::Map;
use memcarve_sys as sys;
use std::os::raw::{c_int, c_void};

/// What a blob is, for [`Map::decode`]: one variant per C decoder.
///
/// ```
/// assert_ne!(memcarve::Format::Dt, memcarve::Format::Pvh);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// A DTB (`mc_dt_decode()`): memory nodes as ram, /reserved-memory
    /// children and /memreserve/ entries as reserved, NUMA nodes and
    /// distances when Linux would take them.
    Dt,
    /// A zero page, boot_params (`mc_e820_zeropage_decode()`).
    E820ZeroPage,
    /// One SETUP_E820_EXT setup_data node (`mc_e820_setup_data_decode()`).
    E820SetupData,
    /// A bare table of 20-byte entries (`mc_e820_raw_decode()`).
    E820Table,
    /// The table as a kernel logs it (`mc_e820_text_decode()`).
    E820Text,
    /// A PVH start_info block (`mc_pvh_decode()`).
    Pvh,
    /// A DMAR's RMRRs (`mc_acpi_dmar_decode()`).
    Dmar,
    /// An IVRS's IVMDs (`mc_acpi_ivrs_decode()`).
    Ivrs,
    /// An IORT's RMR nodes (`mc_acpi_iort_decode()`).
    Iort,
    /// An SRAT's memory affinity structures, each with its node
    /// (`mc_acpi_srat_decode()`).
    Srat,
    /// An RSDP blob of [`crate::Carved::rsdp`]: the blob itself and the
    /// tables its XSDT links (`mc_acpi_rsdp_decode()`).
    Rsdp,
    /// The PNP0C02 SSDT of [`crate::Carved::ssdt`] (`mc_acpi_ssdt_decode()`).
    Ssdt,
    /// A kernel command line's mem= and memmap= (`mc_cmdline_decode()`).
    Cmdline,
}

type Decoder = unsafe extern "C" fn(*mut sys::mc_map, *const c_void, usize) -> c_int;

impl Format {
    fn decoder(self) -> Decoder {
        match self {
            Format::Dt => sys::mc_dt_decode,
            Format::E820ZeroPage => sys::mc_e820_zeropage_decode,
            Format::E820SetupData => sys::mc_e820_setup_data_decode,
            Format::E820Table => sys::mc_e820_raw_decode,
            Format::E820Text => sys::mc_e820_text_decode,
            Format::Pvh => sys::mc_pvh_decode,
            Format::Dmar => sys::mc_acpi_dmar_decode,
            Format::Ivrs => sys::mc_acpi_ivrs_decode,
            Format::Iort => sys::mc_acpi_iort_decode,
            Format::Srat => sys::mc_acpi_srat_decode,
            Format::Rsdp => sys::mc_acpi_rsdp_decode,
            Format::Ssdt => sys::mc_acpi_ssdt_decode,
            Format::Cmdline => sys::mc_cmdline_decode,
        }
    }
}

impl Map {
    /// Add the regions `blob` describes, read as `format` (the arch too,
    /// where the format implies one). Bytes that are not that format at
    /// all give [`crate::Error::BadBlob`] with no diagnostic; bytes of the
    /// format that are broken give an error with one, and add nothing.
    ///
    /// ```
    /// use memcarve::{Format, Map};
    /// let mut map = Map::parse("arch arm64\nram 0x40000000 1G\nreserved 0x48000000 1M type=msi name=its\n")?;
    /// let dtb = map.carve()?.dt(&Default::default())?;
    /// let mut back = Map::new();
    /// back.decode(Format::Dt, &dtb)?;
    /// let ranges: Vec<_> = back.regions().iter().map(|r| (r.kind, r.first, r.last)).collect();
    /// assert!(ranges.contains(&(memcarve::Kind::Reserved, 0x48000000, 0x480fffff)));
    /// let err = back.decode(Format::Dt, b"not a tree").unwrap_err();
    /// assert!(matches!(err, memcarve::Error::BadBlob(ref d) if d.is_empty()));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn decode(&mut self, format: Format, blob: &[u8]) -> Result<()> {
        let decoder = format.decoder();
        let rc = unsafe { decoder(self.ptr(), blob.as_ptr() as *const c_void, blob.len()) };
        self.check(rc)
    }

    /// A new map holding what `blob` describes ([`Map::decode`] on
    /// [`Map::new`]).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch mips\nram 0x0 256M\nreserved 0x6000000 32M\n")?;
    /// let line = map.carve()?.cmdline(&Default::default())?;
    /// let back = memcarve::Map::from_blob(memcarve::Format::Cmdline, line.as_bytes())?;
    /// assert_eq!(back.arch(), memcarve::Arch::Mips);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn from_blob(format: Format, blob: &[u8]) -> Result<Map> {
        let mut map = Map::new();
        map.decode(format, blob)?;
        Ok(map)
    }
}
