//! Host inputs (memcarve-host.h): reserved_regions with the devices they
//! serve, and the usable IOVA ranges VFIO or iommufd report.
use crate::error::{Error, Result};
use crate::map::{c_string, Map};
use crate::types::PciDev;
use memcarve_sys as sys;
use std::os::raw::{c_char, c_void};
use std::ptr;

/// A PCI device as `[segment:]bus:dev.fn` (`mc_pci_dev_parse()`).
///
/// ```
/// let dev = memcarve::parse_pci_dev("0000:01:00.1").unwrap();
/// assert_eq!((dev.segment, dev.bus, dev.devfn), (0, 1, 1));
/// assert!(memcarve::parse_pci_dev("01:00").is_err());
/// ```
pub fn parse_pci_dev(s: &str) -> Result<PciDev> {
    let s = c_string("s", s)?;
    let mut dev = PciDev::default();
    match unsafe { sys::mc_pci_dev_parse(s.as_ptr(), &mut dev) } {
        0 => Ok(dev),
        rc => Err(Error::from_code(rc, Vec::new())),
    }
}

/// What a host reserved_regions file's ranges serve (`struct
/// mc_resv_opts`): the guest's PCI devices, IORT stream IDs, or
/// [`crate::flags::ALL_DEVICES`].
///
/// ```
/// let devs = [memcarve::PciDev { bus: 0, devfn: 0x14 << 3, segment: 0 }];
/// let opts = memcarve::ResvOptions { devices: &devs, ..Default::default() };
/// assert!(opts.sids.is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResvOptions<'a> {
    /// The guest devices the file's direct ranges serve.
    pub devices: &'a [PciDev],
    /// IORT stream IDs.
    pub sids: &'a [u32],
    /// [`crate::flags::ALL_DEVICES`] or 0.
    pub flags: u32,
}

impl ResvOptions<'_> {
    fn raw(&self) -> sys::mc_resv_opts {
        sys::mc_resv_opts {
            devices: self.devices.as_ptr(),
            n_devices: self.devices.len(),
            sids: self.sids.as_ptr(),
            n_sids: self.sids.len(),
            flags: self.flags,
            reserved: [0; 4],
        }
    }
}

impl Map {
    /// [`Map::load_resv`] for ranges that serve given devices: their
    /// direct ranges get `opts.devices` (what a DMAR needs).
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// let devs = [memcarve::parse_pci_dev("00:14.0").unwrap()];
    /// let opts = memcarve::ResvOptions { devices: &devs, ..Default::default() };
    /// map.load_resv_for("rr", "0x3e2e0000 0x3e2fffff direct\n", &opts).unwrap();
    /// assert_eq!(map.regions()[0].devices, devs);
    /// ```
    pub fn load_resv_for(&mut self, source: &str, text: &str, opts: &ResvOptions) -> Result<()> {
        let source = c_string("source", source)?;
        let raw = opts.raw();
        let rc = unsafe {
            sys::mc_map_load_resv_for(self.ptr(), source.as_ptr(), text.as_ptr() as *const c_char, text.len(), &raw)
        };
        self.check(rc)
    }

    /// The guest's usable IOVA ranges (`[start, last]` pairs, as VFIO or
    /// iommufd report them) for a guest of `address_bits` physical
    /// address bits: every gap becomes a reserved range that carves RAM.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 4G\n").unwrap();
    /// map.add_usable_iova(&[(0, 0xfedfffff), (0xfef00000, (1 << 39) - 1)], 39, Some("vfio")).unwrap();
    /// let gap = &map.regions()[1];
    /// assert_eq!((gap.first, gap.last), (0xfee00000, 0xfeefffff));
    /// assert!(gap.flags & memcarve::flags::IOVA_GAP != 0);
    /// ```
    pub fn add_usable_iova(&mut self, ranges: &[(u64, u64)], address_bits: u32, source: Option<&str>) -> Result<()> {
        let source = source.map(|s| c_string("opts.source", s)).transpose()?;
        let ranges: Vec<sys::mc_iova_range> =
            ranges.iter().map(|&(start, last)| sys::mc_iova_range { start, last }).collect();
        let opts = sys::mc_iova_opts {
            address_bits,
            source: source.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            reserved: [0; 4],
        };
        let rc = unsafe { sys::mc_map_add_usable_iova(self.ptr(), ranges.as_ptr(), ranges.len(), &opts) };
        self.check(rc)
    }

    /// The usable ranges of a VFIO_IOMMU_GET_INFO reply (the bytes the
    /// ioctl filled, capability chain included), as
    /// [`Map::add_usable_iova`].
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// assert!(map.load_vfio_iommu_info(&[0u8; 4], 39, None).is_err());
    /// ```
    pub fn load_vfio_iommu_info(&mut self, info: &[u8], address_bits: u32, source: Option<&str>) -> Result<()> {
        let source = source.map(|s| c_string("opts.source", s)).transpose()?;
        let opts = sys::mc_iova_opts {
            address_bits,
            source: source.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            reserved: [0; 4],
        };
        let rc = unsafe { sys::mc_map_load_vfio_iommu_info(self.ptr(), info.as_ptr() as *const c_void, info.len(), &opts) };
        self.check(rc)
    }
}
