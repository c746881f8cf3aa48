//! The carved map as a device tree blob (memcarve-dt.h).
use crate::error::Result;
use crate::map::{c_string, Carved};
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::ptr;

/// How memory blocks are laid out in nodes.
///
/// ```
/// let opts = memcarve::DtOptions { layout: memcarve::DtLayout::OneNode, ..Default::default() };
/// assert_eq!(opts.layout, memcarve::DtLayout::OneNode);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DtLayout {
    /// memory@ADDR per contiguous block.
    PerBlock,
    /// One memory@FIRST with a reg entry per block.
    OneNode,
}

/// Whether backed reservations also get /memreserve/ entries.
///
/// ```
/// let opts = memcarve::DtOptions::default();
/// assert_eq!(opts.memreserve, memcarve::Memreserve::Auto);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memreserve {
    /// On for ppc64, off otherwise.
    Auto,
    /// On.
    On,
    /// Off.
    Off,
}

/// How to build the tree (`struct mc_dt_opts`): the default is a fresh
/// tree; `base` patches the VMM's own.
///
/// ```
/// let base = std::fs::read("../../../fixtures/dt/base-arm64.dtb").unwrap();
/// let opts = memcarve::DtOptions { base: Some(&base), ..Default::default() };
/// assert!(opts.pad.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DtOptions<'a> {
    /// Patch mode: the VMM's DTB.
    pub base: Option<&'a [u8]>,
    /// Fresh mode: #address-cells and #size-cells, 1 or 2; 0 means 2.
    pub cells: u32,
    /// Memory node layout.
    pub layout: DtLayout,
    /// /memreserve/ entries for backed reservations.
    pub memreserve: Memreserve,
    /// Patch mode: leave out the base's /memreserve/ entries.
    pub drop_base_memreserve: bool,
    /// Free bytes after the tree; None keeps the base's (fresh: none).
    pub pad: Option<usize>,
    /// Fresh mode: the root's "model".
    pub model: Option<&'a str>,
    /// Fresh mode: the root's "compatible" strings.
    pub compatible: Vec<&'a str>,
    /// Patch mode: leave out the iommu-addresses binding of direct ranges.
    pub no_iommu_addresses: bool,
    /// Fresh mode of a NUMA map: a /distance-map with the map's distances.
    pub distance_map: bool,
    /// NUMA map: the guest kernel's MAX_NUMNODES (a power of two 2..1024);
    /// 0 takes Debian's for the arch (arm64 16, riscv64 4, ppc64 256). A
    /// node at or above it, or on arm64/riscv64 more than twice as many
    /// memory ranges, is refused: Linux would turn NUMA off.
    pub max_numnodes: u32,
}

impl Default for DtOptions<'_> {
    /// Fresh mode, 2 cells, a node per block, /memreserve/ as the arch
    /// wants, no pad (`mc_dt_opts_init()`).
    ///
    /// ```
    /// assert_eq!(memcarve::DtOptions::default().cells, 0);
    /// ```
    fn default() -> Self {
        DtOptions {
            base: None,
            cells: 0,
            layout: DtLayout::PerBlock,
            memreserve: Memreserve::Auto,
            drop_base_memreserve: false,
            pad: None,
            model: None,
            compatible: Vec::new(),
            no_iommu_addresses: false,
            distance_map: false,
            max_numnodes: 0,
        }
    }
}

/// The C options of `opts` handed to `f`, with the strings they point at
/// alive for the call.
fn with_raw<R>(opts: &DtOptions, f: impl FnOnce(&sys::mc_dt_opts) -> R) -> Result<R> {
    let model = opts.model.map(|m| c_string("opts.model", m)).transpose()?;
    let compatible =
        opts.compatible.iter().map(|c| c_string("opts.compatible", c)).collect::<Result<Vec<CString>>>()?;
    let mut compat_ptrs: Vec<*const c_char> = compatible.iter().map(|c| c.as_ptr()).collect();
    compat_ptrs.push(ptr::null());
    let mut raw = crate::map::c_init(sys::mc_dt_opts_init);
    if let Some(base) = opts.base {
        raw.base = base.as_ptr() as *const c_void;
        raw.base_len = base.len();
    }
    raw.cells = opts.cells;
    raw.layout = match opts.layout {
        DtLayout::PerBlock => sys::MC_DT_MEMORY_PER_BLOCK,
        DtLayout::OneNode => sys::MC_DT_MEMORY_ONE_NODE,
    };
    raw.memreserve = match opts.memreserve {
        Memreserve::Auto => sys::MC_DT_MEMRESERVE_AUTO,
        Memreserve::On => sys::MC_DT_MEMRESERVE_ON,
        Memreserve::Off => sys::MC_DT_MEMRESERVE_OFF,
    };
    raw.drop_base_memreserve = opts.drop_base_memreserve;
    raw.no_iommu_addresses = opts.no_iommu_addresses;
    raw.distance_map = opts.distance_map;
    raw.max_numnodes = opts.max_numnodes;
    raw.pad_set = opts.pad.is_some();
    raw.pad = opts.pad.unwrap_or(0);
    raw.model = model.as_ref().map_or(ptr::null(), |m| m.as_ptr());
    if !compatible.is_empty() {
        raw.compatible = compat_ptrs.as_ptr();
    }
    Ok(f(&raw))
}

impl Carved<'_> {
    /// The carved map as a DTB: fresh, or patched into `opts.base`.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch arm64\nram 0x40000000 1G\nreserved 0x48000000 1M type=msi\n").unwrap();
    /// let mut carved = map.carve().unwrap();
    /// let dtb = carved.dt(&Default::default()).unwrap();
    /// assert_eq!(&dtb[..4], &[0xd0, 0x0d, 0xfe, 0xed]);
    /// ```
    pub fn dt(&mut self, opts: &DtOptions) -> Result<Vec<u8>> {
        let map = &mut *self.map;
        with_raw(opts, |raw| map.alloc_bytes(|m, out, size| unsafe { sys::mc_dt_build_alloc(m, raw, out, size) }))?
    }

    /// [`Carved::dt`] into `buf` (guest memory, say): the DTB's length, or
    /// [`crate::Error::NoSpace`] with the room the call needs, which may
    /// pass the length by a few bytes (`mc_dt_build()`).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch arm64\nram 0x40000000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let mut buf = vec![0u8; 64];
    /// let needed = match carved.dt_into(&Default::default(), &mut buf) {
    ///     Err(memcarve::Error::NoSpace(n)) => n,
    ///     other => panic!("{:?}", other),
    /// };
    /// buf.resize(needed, 0);
    /// let n = carved.dt_into(&Default::default(), &mut buf)?;
    /// assert_eq!(&buf[..n], &carved.dt(&Default::default())?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn dt_into(&mut self, opts: &DtOptions, buf: &mut [u8]) -> Result<usize> {
        let map = &mut *self.map;
        with_raw(opts, |raw| {
            map.into_buf(buf, |m, b, size| unsafe { sys::mc_dt_build(m, raw, b as *mut c_void, size) })
        })?
    }
}
