//! Host inputs (memcarve-host.h): reserved_regions with the devices they
//! serve, and the usable IOVA ranges VFIO or iommufd report.
use crate::error::{Error, Result};
use crate::map::{c_string, raw_slice, Map};
use crate::types::PciDev;
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;

/// A path as C takes it: its bytes, which must hold no NUL.
pub(crate) fn c_path(what: &'static str, path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| Error::Nul(what))
}

/// The C options of a usable-IOVA call; `source` outlives them.
fn iova_opts(address_bits: u32, source: &Option<CString>) -> sys::mc_iova_opts {
    let init = crate::map::c_init(sys::mc_iova_opts_init);
    sys::mc_iova_opts { address_bits, source: source.as_ref().map_or(ptr::null(), |s| s.as_ptr()), ..init }
}

fn opt_path(what: &'static str, path: Option<&Path>) -> Result<Option<CString>> {
    path.map(|p| c_path(what, p)).transpose()
}

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
        let init = crate::map::c_init(sys::mc_resv_opts_init);
        sys::mc_resv_opts {
            devices: self.devices.as_ptr(),
            n_devices: self.devices.len(),
            sids: self.sids.as_ptr(),
            n_sids: self.sids.len(),
            flags: self.flags,
            ..init
        }
    }
}

impl Map {
    /// Load a map file ("-" is standard input); its `resv FILE`
    /// statements read their files beside it.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.load_file("../../../fixtures/x86-8g.map".as_ref())?;
    /// assert_eq!(map.arch(), memcarve::Arch::X86_64);
    /// assert!(matches!(map.load_file("/nonexistent".as_ref()), Err(memcarve::Error::Io(_))));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn load_file(&mut self, path: &Path) -> Result<()> {
        let path = c_path("path", path)?;
        let rc = unsafe { sys::mc_map_load_file(self.ptr(), path.as_ptr()) };
        self.check(rc)
    }

    /// [`Map::load`] on the text of the map file `path`, read already: as
    /// [`Map::load_file`], its `resv` statements read files beside `path`.
    ///
    /// ```
    /// let path = std::path::Path::new("../../../fixtures/host/q35-resv.map");
    /// let text = std::fs::read_to_string(path).unwrap();
    /// let mut map = memcarve::Map::new();
    /// map.load_file_text(path, &text)?;
    /// assert!(memcarve::Map::parse(&text).is_err()); // no file to read beside
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn load_file_text(&mut self, path: &Path, text: &str) -> Result<()> {
        let path = c_path("path", path)?;
        let rc = unsafe {
            sys::mc_map_load_file_text(self.ptr(), path.as_ptr(), text.as_ptr() as *const c_char, text.len())
        };
        self.check(rc)
    }

    /// [`Map::load_resv`] on a file ("-" is standard input).
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.load_resv_file("../../../fixtures/x86-rmrr.resv".as_ref())?;
    /// assert!(!map.regions().is_empty());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn load_resv_file(&mut self, path: &Path) -> Result<()> {
        let path = c_path("path", path)?;
        let rc = unsafe { sys::mc_map_load_resv_file(self.ptr(), path.as_ptr()) };
        self.check(rc)
    }

    /// [`Map::load_resv_for`] on a file.
    ///
    /// ```
    /// let devs = [memcarve::parse_pci_dev("00:14.0")?];
    /// let opts = memcarve::ResvOptions { devices: &devs, ..Default::default() };
    /// let mut map = memcarve::Map::new();
    /// map.load_resv_file_for("../../../fixtures/host/usb.resv".as_ref(), &opts)?;
    /// assert!(map.regions().iter().any(|r| r.devices == devs));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn load_resv_file_for(&mut self, path: &Path, opts: &ResvOptions) -> Result<()> {
        let path = c_path("path", path)?;
        let raw = opts.raw();
        let rc = unsafe { sys::mc_map_load_resv_file_for(self.ptr(), path.as_ptr(), &raw) };
        self.check(rc)
    }

    /// Read a whole file, at most `MC_INPUT_MAX` bytes ("-" is standard
    /// input), as the library reads its inputs.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// let bytes = map.read_file("../../../fixtures/x86-8g.map".as_ref())?;
    /// assert!(bytes.starts_with(b"#") || bytes.starts_with(b"arch"));
    /// assert!(map.read_file("/".as_ref()).is_err());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn read_file(&mut self, path: &Path) -> Result<Vec<u8>> {
        let path = c_path("path", path)?;
        let mut data: *mut c_void = ptr::null_mut();
        let mut len = 0;
        let rc = unsafe { sys::mc_read_file(self.ptr(), path.as_ptr(), &mut data, &mut len) };
        self.check(rc)?;
        let bytes = raw_slice(data as *const u8, len).to_vec();
        unsafe { sys::mc_free(data) };
        Ok(bytes)
    }

    /// The IOMMU group of a host PCI device, under `sysfs_root` (the
    /// directory holding "sys"; None for "/").
    ///
    /// ```
    /// let root = std::path::Path::new("../../../fixtures/host/sysfs");
    /// let mut map = memcarve::Map::new();
    /// let gpu = memcarve::parse_pci_dev("0000:01:00.0")?;
    /// let group = map.iommu_group_of(Some(root), &gpu)?;
    /// map.load_iommu_group(Some(root), group, &Default::default())?;
    /// assert!(!map.regions().is_empty());
    /// let none = memcarve::parse_pci_dev("0000:7f:00.0")?;
    /// assert!(matches!(map.iommu_group_of(Some(root), &none), Err(memcarve::Error::Io(_))));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn iommu_group_of(&mut self, sysfs_root: Option<&Path>, host: &PciDev) -> Result<u32> {
        let root = opt_path("sysfs_root", sysfs_root)?;
        let mut group = 0;
        let rc = unsafe {
            sys::mc_iommu_group_of(self.ptr(), root.as_ref().map_or(ptr::null(), |r| r.as_ptr()), host, &mut group)
        };
        self.check(rc)?;
        Ok(group)
    }

    /// A group's reserved_regions under `sysfs_root`: its direct ranges
    /// serve `opts.devices`, or with none the group's own PCI devices
    /// (as the host numbers them). See [`Map::iommu_group_of`].
    ///
    /// ```
    /// let root = std::path::Path::new("../../../fixtures/host/sysfs");
    /// let mut map = memcarve::Map::new();
    /// let usb = memcarve::parse_pci_dev("0000:00:14.0")?;
    /// let group = map.iommu_group_of(Some(root), &usb)?;
    /// map.load_iommu_group(Some(root), group, &Default::default())?;
    /// let direct = map.regions().into_iter().find(|r| !r.devices.is_empty()).unwrap();
    /// assert_eq!(direct.devices, [usb]);
    /// assert!(matches!(map.load_iommu_group(Some(root), 999, &Default::default()), Err(memcarve::Error::Io(_))));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn load_iommu_group(&mut self, sysfs_root: Option<&Path>, group: u32, opts: &ResvOptions) -> Result<()> {
        let root = opt_path("sysfs_root", sysfs_root)?;
        let raw = opts.raw();
        let rc = unsafe {
            sys::mc_map_load_iommu_group(self.ptr(), root.as_ref().map_or(ptr::null(), |r| r.as_ptr()), group, &raw)
        };
        self.check(rc)
    }

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
        let opts = iova_opts(address_bits, &source);
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
        let opts = iova_opts(address_bits, &source);
        let rc = unsafe { sys::mc_map_load_vfio_iommu_info(self.ptr(), info.as_ptr() as *const c_void, info.len(), &opts) };
        self.check(rc)
    }
}
