//! The carved map as a PVH start_info block (memcarve-pvh.h): how
//! Firecracker, Cloud Hypervisor and libkrun boot an x86_64 vmlinux.
use crate::error::Result;
use crate::map::{c_string, Carved, Map};
use memcarve_sys as sys;
use std::os::raw::c_void;
use std::ptr;

/// What an ELF vmlinux says about its PVH entry (`struct mc_pvh_kernel`):
/// the 32-bit `entry` point, and `load_first`..=`load_last`, the physical
/// range its PT_LOAD segments take.
///
/// ```
/// let k = memcarve::PvhKernel { entry: 0x1000000, load_first: 0x1000000, load_last: 0x2ffffff };
/// assert!(k.load_first <= k.entry && k.entry <= k.load_last);
/// ```
pub use sys::mc_pvh_kernel as PvhKernel;

/// Where the block goes and what it points at (`struct mc_pvh_opts`).
/// `start_info_addr` has no default: the block is loaded there (%ebx),
/// 8-byte aligned, below 1 GiB, in one usable entry.
///
/// ```
/// let opts = memcarve::PvhOptions { start_info_addr: 0x6000, ..Default::default() };
/// assert_eq!((opts.cmdline_addr, opts.kernel), (0, None));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PvhOptions<'a> {
    /// Guest address of the block.
    pub start_info_addr: u64,
    /// Guest address of the NUL-terminated command line, 0 none; below
    /// 4 GiB, in backed memory.
    pub cmdline_addr: u64,
    /// Guest address of the initrd (one module entry), 0 none; below
    /// 4 GiB, in usable RAM.
    pub initrd_addr: u64,
    /// Its size in bytes.
    pub initrd_size: u64,
    /// Guest address of the ACPI RSDP, 0 none.
    pub rsdp_addr: u64,
    /// The ELF vmlinux: its PVH note is checked ([`Map::pvh_kernel`]) and
    /// its load range must be usable RAM.
    pub kernel: Option<&'a [u8]>,
    /// Its name in diagnostics ("vmlinux" when None).
    pub kernel_name: Option<&'a str>,
    /// Nothing usable in 0xa0000-0xfffff.
    pub legacy_hole: bool,
}

impl Carved<'_> {
    /// The start_info block: hvm_start_info (version 1), the initrd's
    /// module entry, then the memmap, the sanitized e820 table. Every
    /// rule of a PVH boot is checked first.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let opts = memcarve::PvhOptions { start_info_addr: 0x6000, ..Default::default() };
    /// let block = carved.pvh(&opts)?;
    /// assert_eq!(block[..4], memcarve_sys::MC_PVH_MAGIC.to_le_bytes());
    /// assert_eq!(block.len(), 56 + 2 * 24);
    /// let bad = memcarve::PvhOptions { start_info_addr: 0x6004, ..opts };
    /// assert!(matches!(carved.pvh(&bad), Err(memcarve::Error::Align(_))));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn pvh(&mut self, opts: &PvhOptions) -> Result<Vec<u8>> {
        let map = &mut *self.map;
        with_raw(opts, |raw| map.alloc_bytes(|m, out, size| unsafe { sys::mc_pvh_build_alloc(m, raw, out, size) }))?
    }

    /// [`Carved::pvh`] into `buf` (guest memory at `start_info_addr`):
    /// the block's length, or [`crate::Error::NoSpace`] with the length
    /// needed. The rules are checked before the size.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let opts = memcarve::PvhOptions { start_info_addr: 0x6000, ..Default::default() };
    /// assert_eq!(carved.pvh_into(&opts, &mut []), Err(memcarve::Error::NoSpace(56 + 2 * 24)));
    /// let mut buf = [0u8; 4096];
    /// let n = carved.pvh_into(&opts, &mut buf)?;
    /// assert_eq!(&buf[..n], &carved.pvh(&opts)?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn pvh_into(&mut self, opts: &PvhOptions, buf: &mut [u8]) -> Result<usize> {
        let map = &mut *self.map;
        with_raw(opts, |raw| {
            map.into_buf(buf, |m, b, size| unsafe { sys::mc_pvh_build(m, raw, b as *mut c_void, size) })
        })?
    }
}

/// The C options of `opts` handed to `f`, the kernel's name alive for the
/// call.
fn with_raw<R>(opts: &PvhOptions, f: impl FnOnce(&sys::mc_pvh_opts) -> R) -> Result<R> {
    let name = opts.kernel_name.map(|n| c_string("opts.kernel_name", n)).transpose()?;
    let init = crate::map::c_init(sys::mc_pvh_opts_init);
    let raw = sys::mc_pvh_opts {
        start_info_addr: opts.start_info_addr,
        cmdline_addr: opts.cmdline_addr,
        initrd_addr: opts.initrd_addr,
        initrd_size: opts.initrd_size,
        rsdp_addr: opts.rsdp_addr,
        kernel: opts.kernel.map_or(ptr::null(), |k| k.as_ptr() as *const c_void),
        kernel_len: opts.kernel.map_or(0, |k| k.len()),
        kernel_name: name.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
        flags: if opts.legacy_hole { sys::MC_E820_LEGACY_HOLE } else { 0 },
        ..init
    };
    Ok(f(&raw))
}

impl Map {
    /// Read and check an ELF vmlinux for a PVH boot: its entry note
    /// (XEN_ELFNOTE_PHYS32_ENTRY) and load range. `name` names it in
    /// diagnostics.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// let err = map.pvh_kernel("vmlinux", b"\x7fELF").unwrap_err();
    /// assert!(matches!(err, memcarve::Error::BadBlob(_)));
    /// assert!(err.to_string().contains("vmlinux"));
    /// ```
    pub fn pvh_kernel(&mut self, name: &str, elf: &[u8]) -> Result<PvhKernel> {
        let name = c_string("name", name)?;
        let mut out = PvhKernel::default();
        let elf_ptr = elf.as_ptr() as *const c_void;
        let rc = unsafe { sys::mc_pvh_kernel(self.ptr(), name.as_ptr(), elf_ptr, elf.len(), &mut out) };
        self.check(rc)?;
        Ok(out)
    }
}
