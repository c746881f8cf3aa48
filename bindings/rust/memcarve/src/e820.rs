//! The carved map as an x86 e820 table and zero page (memcarve-e820.h).
use crate::error::Result;
use crate::map::{c_string, raw_slice, Carved};
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr;

/// One e820 entry (`struct mc_e820_entry`): `addr`, `size`, `type_` (1
/// usable, 2 reserved, 3 ACPI, 4 NVS, 7 pmem...).
///
/// ```
/// let e = memcarve::E820Entry { addr: 0, size: 640 << 10, type_: 1 };
/// assert_eq!(memcarve::e820_encode(&[e]).len(), 20);
/// ```
pub use sys::mc_e820_entry as E820Entry;

/// What the guest boots with besides the table (`struct
/// mc_e820_boot_opts`), for [`Carved::zero_page`].
///
/// ```
/// let opts = memcarve::BootOptions { cmdline_addr: 0x20000, ..Default::default() };
/// assert!(opts.kernel.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BootOptions<'a> {
    /// The bzImage: its load range must be usable RAM; its setup header
    /// is copied.
    pub kernel: Option<&'a [u8]>,
    /// The kernel's name in diagnostics.
    pub kernel_name: Option<&'a str>,
    /// Guest address of the command line, 0 none.
    pub cmdline_addr: u64,
    /// Guest address of the initrd, 0 none.
    pub initrd_addr: u64,
    /// Its size.
    pub initrd_size: u64,
    /// Guest address of the ACPI RSDP, 0 none.
    pub rsdp_addr: u64,
    /// Where the SETUP_E820_EXT node goes (tables over 128 entries).
    pub setup_data_addr: u64,
    /// A setup_data chain to link after ours, 0 none.
    pub setup_data_next: u64,
    /// The guest's E820_MAX_ENTRIES, 0 for Debian's 3200.
    pub max_entries: usize,
    /// The guest's release, `memcarve_sys::MC_LINUX_VERSION()`; 0 for the
    /// kernel's own, else the newest.
    pub linux_version: u32,
    /// Nothing usable in 0xa0000-0xfffff.
    pub legacy_hole: bool,
}

impl BootOptions<'_> {
    pub(crate) fn kernel_name_c(&self) -> Result<Option<CString>> {
        self.kernel_name.map(|n| c_string("opts.kernel_name", n)).transpose()
    }

    /// The C struct; `name` is [`BootOptions::kernel_name_c`], kept alive
    /// by the caller while the struct is used.
    pub(crate) fn raw(&self, name: &Option<CString>) -> sys::mc_e820_boot_opts {
        let init = crate::map::c_init(sys::mc_e820_boot_opts_init);
        sys::mc_e820_boot_opts {
            kernel: self.kernel.map_or(ptr::null(), |k| k.as_ptr() as *const c_void),
            kernel_len: self.kernel.map_or(0, |k| k.len()),
            kernel_name: name.as_ref().map_or(ptr::null(), |n| n.as_ptr()),
            cmdline_addr: self.cmdline_addr,
            initrd_addr: self.initrd_addr,
            initrd_size: self.initrd_size,
            rsdp_addr: self.rsdp_addr,
            setup_data_addr: self.setup_data_addr,
            setup_data_next: self.setup_data_next,
            max_entries: self.max_entries,
            linux_version: self.linux_version,
            flags: if self.legacy_hole { sys::MC_E820_LEGACY_HOLE } else { 0 },
            ..init
        }
    }
}

/// Entries as the raw 20-byte boot_e820_entry array (`mc_e820_encode()`).
///
/// ```
/// let bytes = memcarve::e820_encode(&[memcarve::E820Entry { addr: 1, size: 2, type_: 1 }]);
/// assert_eq!(bytes[0..8], 1u64.to_le_bytes());
/// ```
pub fn e820_encode(entries: &[E820Entry]) -> Vec<u8> {
    let mut size = entries.len() * sys::MC_E820_ENTRY_SIZE;
    let mut buf = vec![0u8; size];
    let rc = unsafe { sys::mc_e820_encode(entries.as_ptr(), entries.len(), buf.as_mut_ptr() as *mut c_void, &mut size) };
    assert_eq!(rc, 0, "mc_e820_encode with the room it needs");
    buf
}

/// A table exactly as a Linux release logs it (`mc_e820_print()`): one
/// "WHO: [mem 0x...-0x...] TYPE" line per entry, each ending in a newline.
/// `linux` is `memcarve_sys::MC_LINUX_VERSION(major, minor)`, or 0 for the
/// newest; releases before 5.5 are refused ([`crate::Error::Invalid`]).
///
/// ```
/// let e = [memcarve::E820Entry { addr: 0, size: 0xa0000, type_: 1 }];
/// let text = memcarve::e820_print(&e, "BIOS-e820", memcarve_sys::MC_LINUX_VERSION(6, 1)).unwrap();
/// assert_eq!(text, "BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable\n");
/// ```
pub fn e820_print(entries: &[E820Entry], who: &str, linux: u32) -> Result<String> {
    let who = c_string("who", who)?;
    let mut text = crate::e820_parts::sized(|buf: *mut u8, size| unsafe {
        sys::mc_e820_print(entries.as_ptr(), entries.len(), who.as_ptr(), linux, buf as *mut std::os::raw::c_char, size)
    })?;
    text.pop(); // the NUL
    Ok(String::from_utf8_lossy(&text).into_owned())
}

impl Carved<'_> {
    /// The carved map as sanitized e820 entries. `as_x86` describes a map
    /// of another arch as an x86 guest would see it.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 640K\nram 0x100000 1G\n").unwrap();
    /// let e820 = map.carve().unwrap().e820(false).unwrap();
    /// assert_eq!((e820.len(), e820[1].addr, e820[1].type_), (2, 0x100000, 1));
    /// ```
    pub fn e820(&mut self, as_x86: bool) -> Result<Vec<E820Entry>> {
        let opts = e820_opts(as_x86);
        let mut out: *mut E820Entry = ptr::null_mut();
        let mut n = 0;
        let rc = unsafe { sys::mc_e820_build_alloc(self.map.ptr(), &opts, &mut out, &mut n) };
        self.map.check(rc)?;
        let entries = raw_slice(out, n).to_vec();
        unsafe { sys::mc_free(out as *mut c_void) };
        Ok(entries)
    }

    /// The zero page (4096 bytes of boot_params) and, past 128 entries,
    /// the SETUP_E820_EXT node after it, with every boot rule checked.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n").unwrap();
    /// let zp = map.carve().unwrap().zero_page(&Default::default()).unwrap();
    /// assert_eq!((zp.len(), zp[0x1e8]), (4096, 2)); // e820_entries
    /// ```
    pub fn zero_page(&mut self, opts: &BootOptions) -> Result<Vec<u8>> {
        let name = opts.kernel_name_c()?;
        let raw = opts.raw(&name);
        self.map.alloc_bytes(|map, out, size| unsafe { sys::mc_e820_boot_build_alloc(map, &raw, out, size) })
    }

    /// [`Carved::e820`] into `entries`: how many were written, or
    /// [`crate::Error::NoSpace`] with how many the table has.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 640K\nram 0x100000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let mut table = [memcarve::E820Entry::default(); 1];
    /// assert_eq!(carved.e820_into(false, &mut table), Err(memcarve::Error::NoSpace(2)));
    /// let mut table = [memcarve::E820Entry::default(); 8];
    /// let n = carved.e820_into(false, &mut table)?;
    /// assert_eq!(&table[..n], &carved.e820(false)?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn e820_into(&mut self, as_x86: bool, entries: &mut [E820Entry]) -> Result<usize> {
        let opts = e820_opts(as_x86);
        self.map.into_buf(entries, |map, e, size| unsafe { sys::mc_e820_build(map, &opts, e, size) })
    }

    /// [`Carved::zero_page`] into `buf`: the length written (4096, or
    /// more with a SETUP_E820_EXT node), or [`crate::Error::NoSpace`] with
    /// the length needed. The rules are checked before the size.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let mut zp = [0u8; 4096];
    /// assert_eq!(carved.zero_page_into(&Default::default(), &mut zp)?, 4096);
    /// assert_eq!(&zp[..], &carved.zero_page(&Default::default())?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn zero_page_into(&mut self, opts: &BootOptions, buf: &mut [u8]) -> Result<usize> {
        let name = opts.kernel_name_c()?;
        let raw = opts.raw(&name);
        self.map.into_buf(buf, |map, b, size| unsafe { sys::mc_e820_boot_build(map, &raw, b as *mut c_void, size) })
    }
}

fn e820_opts(as_x86: bool) -> sys::mc_e820_opts {
    let mut opts = crate::map::c_init(sys::mc_e820_opts_init);
    if as_x86 {
        opts.flags |= sys::MC_E820_AS_X86;
    }
    opts
}
