//! The holes a guest must keep clear of, as a PNP0C02 device in an SSDT
//! (memcarve-acpi-ssdt.h).
use crate::error::Result;
use crate::map::{c_init, c_string, Carved};
use memcarve_sys as sys;
use std::os::raw::c_void;

/// The table's header and its device (`struct mc_acpi_ssdt_opts`); None
/// keeps the library's default (`mc_acpi_ssdt_opts_init()`).
///
/// ```
/// let opts = memcarve::SsdtOptions::default();
/// assert_eq!((opts.uid, opts.oem_revision, opts.device_path), (0x4d43, 1, None));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SsdtOptions<'a> {
    /// Absolute ACPI path of the device, `\_SB.MCRV` by default: a
    /// backslash, then name segments of 1 to 4 characters (A-Z, 0-9, _;
    /// not a digit first) joined by dots.
    pub device_path: Option<&'a str>,
    /// _UID.
    pub uid: u64,
    /// OEM ID, at most 6 characters ("MCARVE").
    pub oem_id: Option<&'a str>,
    /// OEM table ID, at most 8 characters ("MEMCARVE").
    pub oem_table_id: Option<&'a str>,
    /// OEM revision.
    pub oem_revision: u32,
    /// Creator ID, at most 4 characters ("MCRV").
    pub creator_id: Option<&'a str>,
    /// Creator revision.
    pub creator_revision: u32,
}

fn init_raw() -> sys::mc_acpi_ssdt_opts {
    c_init(sys::mc_acpi_ssdt_opts_init)
}

impl Default for SsdtOptions<'_> {
    /// The library's defaults.
    ///
    /// ```
    /// assert_eq!(memcarve::SsdtOptions::default().creator_revision, 1);
    /// ```
    fn default() -> Self {
        let raw = init_raw();
        SsdtOptions {
            device_path: None,
            uid: raw.uid,
            oem_id: None,
            oem_table_id: None,
            oem_revision: raw.oem_revision,
            creator_id: None,
            creator_revision: raw.creator_revision,
        }
    }
}

impl Carved<'_> {
    /// The SSDT (revision 2) whose PNP0C02 device claims, in its _CRS,
    /// every range the guest must not use that nothing else describes as
    /// memory: reserved pieces no RAM backs, mmio carved out of RAM.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=msi\n")?;
    /// let mut carved = map.carve()?;
    /// let ssdt = carved.ssdt(&Default::default())?;
    /// assert_eq!(&ssdt[..4], b"SSDT");
    /// let back = memcarve::Map::from_blob(memcarve::Format::Ssdt, &ssdt)?;
    /// assert_eq!((back.regions()[0].first, back.regions()[0].last), (0x7e000000, 0x7e0fffff));
    /// let bad = memcarve::SsdtOptions { device_path: Some("\\_SB.TOOLONG"), ..Default::default() };
    /// assert!(carved.ssdt(&bad).unwrap_err().to_string().contains("opts.device_path"));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn ssdt(&mut self, opts: &SsdtOptions) -> Result<Vec<u8>> {
        let map = &mut *self.map;
        with_raw(opts, |raw| {
            map.alloc_bytes(|m, out, size| unsafe { sys::mc_acpi_ssdt_build_alloc(m, raw, out, size) })
        })?
    }

    /// [`Carved::ssdt`] into `buf`: the table's length, or
    /// [`crate::Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=msi\n")?;
    /// let mut carved = map.carve()?;
    /// let mut buf = [0u8; 1024];
    /// let n = carved.ssdt_into(&Default::default(), &mut buf)?;
    /// assert_eq!(&buf[..n], &carved.ssdt(&Default::default())?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn ssdt_into(&mut self, opts: &SsdtOptions, buf: &mut [u8]) -> Result<usize> {
        let map = &mut *self.map;
        with_raw(opts, |raw| {
            map.into_buf(buf, |m, b, size| unsafe { sys::mc_acpi_ssdt_build(m, raw, b as *mut c_void, size) })
        })?
    }
}

/// The C options of `opts` handed to `f`, its strings alive for the call;
/// strings left None keep init's, which point at the library's own.
fn with_raw<R>(opts: &SsdtOptions, f: impl FnOnce(&sys::mc_acpi_ssdt_opts) -> R) -> Result<R> {
    let path = opts.device_path.map(|s| c_string("opts.device_path", s)).transpose()?;
    let oem_id = opts.oem_id.map(|s| c_string("opts.oem_id", s)).transpose()?;
    let oem_table_id = opts.oem_table_id.map(|s| c_string("opts.oem_table_id", s)).transpose()?;
    let creator_id = opts.creator_id.map(|s| c_string("opts.creator_id", s)).transpose()?;
    let mut raw = init_raw();
    if let Some(p) = &path {
        raw.device_path = p.as_ptr();
    }
    if let Some(s) = &oem_id {
        raw.oem_id = s.as_ptr();
    }
    if let Some(s) = &oem_table_id {
        raw.oem_table_id = s.as_ptr();
    }
    if let Some(s) = &creator_id {
        raw.creator_id = s.as_ptr();
    }
    raw.uid = opts.uid;
    raw.oem_revision = opts.oem_revision;
    raw.creator_revision = opts.creator_revision;
    Ok(f(&raw))
}
