//! The parts of an x86 boot that memcarve-e820.h makes public besides the
//! one-call builders: the sanitizer, the layout rules, the zero page and
//! setup_data writers, the bzImage reader and the kernel's names.
use crate::e820::{BootOptions, E820Entry};
use crate::error::{Error, Result};
use crate::map::{c_string, Carved, Map};
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr;

/// A caller-buffer call of the in/out size convention, without a map:
/// asked for its size, then filled. Its errors carry no diagnostic.
pub(crate) fn sized<T: Clone + Default>(mut call: impl FnMut(*mut T, &mut usize) -> c_int) -> Result<Vec<T>> {
    let mut size = 0;
    let rc = call(ptr::null_mut(), &mut size);
    if rc != 0 && rc != sys::MC_ENOSPC {
        return Err(Error::from_code(rc, Vec::new()));
    }
    let mut buf = vec![T::default(); size];
    let rc = call(buf.as_mut_ptr(), &mut size);
    if rc != 0 {
        return Err(Error::from_code(rc, Vec::new()));
    }
    buf.truncate(size);
    Ok(buf)
}

/// Text of a sized call: the bytes without their NUL.
fn text_of(mut bytes: Vec<u8>) -> String {
    bytes.pop();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The kernel's e820__update_table() on any entries (`mc_e820_sanitize()`):
/// sorted, the highest type wins an overlap, touching entries of one type
/// merged, empty ones dropped.
///
/// ```
/// use memcarve::E820Entry;
/// let e = [E820Entry { addr: 0x1000, size: 0x1000, type_: 1 }, E820Entry { addr: 0, size: 0x1800, type_: 2 }];
/// let s = memcarve::e820_sanitize(&e).unwrap();
/// assert_eq!(s, [E820Entry { addr: 0, size: 0x1800, type_: 2 }, E820Entry { addr: 0x1800, size: 0x800, type_: 1 }]);
/// ```
pub fn e820_sanitize(entries: &[E820Entry]) -> Result<Vec<E820Entry>> {
    sized(|out, size| unsafe { sys::mc_e820_sanitize(entries.as_ptr(), entries.len(), out, size) })
}

/// E820_MAX_ENTRIES of a kernel built with CONFIG_NODES_SHIFT
/// `nodes_shift` (0 without NUMA); None past 10 (`mc_e820_max_entries()`).
///
/// ```
/// assert_eq!(memcarve::e820_max_entries(10), Some(3200));
/// assert_eq!(memcarve::e820_max_entries(0), Some(131));
/// assert_eq!(memcarve::e820_max_entries(11), None);
/// ```
pub fn e820_max_entries(nodes_shift: u32) -> Option<usize> {
    match unsafe { sys::mc_e820_max_entries(nodes_shift) } {
        0 => None,
        n => Some(n),
    }
}

/// Entries past the zero page's 128, which go into a SETUP_E820_EXT node
/// (`mc_e820_ext_count()`).
///
/// ```
/// assert_eq!((memcarve::e820_ext_count(128), memcarve::e820_ext_count(130)), (0, 2));
/// ```
pub fn e820_ext_count(n: usize) -> usize {
    unsafe { sys::mc_e820_ext_count(n) }
}

/// A range the guest needs as usable RAM (`struct mc_e820_need`), named
/// `what` in diagnostics.
///
/// ```
/// let kernel = memcarve::E820Need { what: "kernel", first: 0x1000000, last: 0x2ffffff };
/// assert!(kernel.first <= kernel.last);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct E820Need<'a> {
    /// Its name in diagnostics ("kernel", "initrd", "setup_data").
    pub what: &'a str,
    /// First byte.
    pub first: u64,
    /// Last byte (inclusive).
    pub last: u64,
}

/// The C array of `needs` and the names it points at, alive together.
struct RawNeeds {
    _names: Vec<CString>,
    raw: Vec<sys::mc_e820_need>,
}

fn raw_needs(what: &'static str, needs: &[E820Need]) -> Result<RawNeeds> {
    let names = needs.iter().map(|n| c_string(what, n.what)).collect::<Result<Vec<CString>>>()?;
    let raw = needs
        .iter()
        .zip(&names)
        .map(|(n, c)| sys::mc_e820_need { what: c.as_ptr(), first: n.first, last: n.last })
        .collect();
    Ok(RawNeeds { _names: names, raw })
}

/// The most entries the kernel holds at boot for `table`, with the
/// `setup_data` nodes in it and the splits a `linux` release makes
/// (`memcarve_sys::MC_LINUX_VERSION()`, 0 the newest); what must fit
/// E820_MAX_ENTRIES (`mc_e820_boot_entries()`).
///
/// ```
/// use memcarve::E820Entry;
/// let t = [E820Entry { addr: 0, size: 0xa0000, type_: 1 }, E820Entry { addr: 0x100000, size: 1 << 30, type_: 1 }];
/// // The kernel reserves the first page of RAM at 0.
/// assert_eq!(memcarve::e820_boot_entries(&t, &[], 0)?, 3);
/// # Ok::<(), memcarve::Error>(())
/// ```
pub fn e820_boot_entries(table: &[E820Entry], setup_data: &[E820Need], linux: u32) -> Result<usize> {
    let sd = raw_needs("setup_data.what", setup_data)?;
    Ok(unsafe { sys::mc_e820_boot_entries(table.as_ptr(), table.len(), sd.raw.as_ptr(), sd.raw.len(), linux) })
}

/// A Linux release read as `MC_LINUX_VERSION(major, minor)`: "6.1",
/// "7.2.13+deb14-amd64 (...)" (`mc_linux_version()`).
///
/// ```
/// assert_eq!(memcarve::linux_version("6.1.0-28-amd64"), Ok(memcarve_sys::MC_LINUX_VERSION(6, 1)));
/// assert!(memcarve::linux_version("six").is_err());
/// ```
pub fn linux_version(s: &str) -> Result<u32> {
    let c = c_string("s", s)?;
    let mut v = 0;
    match unsafe { sys::mc_linux_version(c.as_ptr(), &mut v) } {
        0 => Ok(v),
        rc => Err(Error::from_code(rc, Vec::new())),
    }
}

fn type_name_with(call: impl FnOnce(*mut c_char, usize) -> *const c_char) -> String {
    let mut buf = [0 as c_char; 32];
    let p = call(buf.as_mut_ptr(), buf.len());
    crate::error::c_str(p)
}

/// An e820 type as Linux 6.1 prints it (`mc_e820_type_name()`).
///
/// ```
/// assert_eq!(memcarve::e820_type_name(3), "ACPI data");
/// assert_eq!(memcarve::e820_type_name(9), "type 9");
/// ```
pub fn e820_type_name(type_: u32) -> String {
    type_name_with(|buf, len| unsafe { sys::mc_e820_type_name(type_, buf, len) })
}

/// An e820 type as a given release prints it, `linux` being
/// `MC_LINUX_VERSION()` or 0 for the newest (`mc_e820_type_name_linux()`).
///
/// ```
/// assert_eq!(memcarve::e820_type_name_linux(1, 0), "System RAM");
/// assert_eq!(memcarve::e820_type_name_linux(1, memcarve_sys::MC_LINUX_VERSION(6, 1)), "usable");
/// ```
pub fn e820_type_name_linux(type_: u32, linux: u32) -> String {
    type_name_with(|buf, len| unsafe { sys::mc_e820_type_name_linux(type_, linux, buf, len) })
}

/// One entry as Linux 6.1 logs it, without a newline
/// (`mc_e820_format_line()`).
///
/// ```
/// let e = memcarve::E820Entry { addr: 0, size: 0xa0000, type_: 1 };
/// let line = memcarve::e820_format_line(&e, "BIOS-e820")?;
/// assert_eq!(line, "BIOS-e820: [mem 0x0000000000000000-0x000000000009ffff] usable");
/// # Ok::<(), memcarve::Error>(())
/// ```
pub fn e820_format_line(entry: &E820Entry, who: &str) -> Result<String> {
    let who = c_string("who", who)?;
    let bytes = sized(|buf: *mut u8, size| unsafe {
        sys::mc_e820_format_line(entry, who.as_ptr(), buf as *mut c_char, size)
    })?;
    Ok(text_of(bytes))
}

/// The SETUP_E820_EXT setup_data node holding `table`'s entries past 128,
/// linked to `next` (0 ends the chain) (`mc_e820_setup_data()`).
///
/// ```
/// let t: Vec<_> = (0..130u64).map(|i| memcarve::E820Entry { addr: i << 20, size: 4096, type_: 1 }).collect();
/// let node = memcarve::e820_setup_data(&t, 0)?;
/// assert_eq!(node.len(), 16 + 2 * 20);
/// assert!(memcarve::e820_setup_data(&t[..128], 0).is_err());
/// # Ok::<(), memcarve::Error>(())
/// ```
pub fn e820_setup_data(table: &[E820Entry], next: u64) -> Result<Vec<u8>> {
    sized(|buf: *mut u8, size| unsafe {
        sys::mc_e820_setup_data(table.as_ptr(), table.len(), next, buf as *mut c_void, size)
    })
}

/// What a bzImage's setup header says (`struct mc_bzimage`): boot protocol
/// `version`, `pref_address` and `init_size` (the load range), the kernel
/// release it names (`linux_version`)...
///
/// ```
/// let b = memcarve::BzImage::default();
/// assert_eq!(b.version, 0);
/// ```
pub use sys::mc_bzimage as BzImage;

/// The layout rules of an x86 table (`struct mc_e820_rules`), for
/// [`Map::e820_check`]; the default checks order, overlap, two entries
/// at least and Debian's E820_MAX_ENTRIES.
///
/// ```
/// let rules = memcarve::E820Rules { legacy_hole: true, ..Default::default() };
/// assert!(rules.need.is_empty());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct E820Rules<'a> {
    /// Nothing usable in 0xa0000-0xfffff.
    pub legacy_hole: bool,
    /// Ranges that must lie in usable entries.
    pub need: &'a [E820Need<'a>],
    /// The guest's E820_MAX_ENTRIES, 0 for Debian's 3200.
    pub max_entries: usize,
    /// The setup_data nodes the guest gets: in usable entries, and split
    /// out of them by the kernel.
    pub setup_data: &'a [E820Need<'a>],
    /// The guest's release, `MC_LINUX_VERSION()`, 0 the newest.
    pub linux_version: u32,
}

impl Map {
    /// Check a table against the x86 layout rules (`mc_e820_check()`);
    /// every broken rule gets a diagnostic.
    ///
    /// ```
    /// use memcarve::{E820Entry, E820Need, E820Rules, Map};
    /// let t = [E820Entry { addr: 0, size: 0xa0000, type_: 1 }, E820Entry { addr: 0x100000, size: 1 << 30, type_: 1 }];
    /// let mut map = Map::new();
    /// map.e820_check(&t, &Default::default())?;
    /// let need = [E820Need { what: "initrd", first: 0x50000000, last: 0x50ffffff }];
    /// let err = map.e820_check(&t, &E820Rules { need: &need, ..Default::default() }).unwrap_err();
    /// assert!(err.to_string().contains("initrd"));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn e820_check(&mut self, table: &[E820Entry], rules: &E820Rules) -> Result<()> {
        let need = raw_needs("rules.need.what", rules.need)?;
        let sd = raw_needs("rules.setup_data.what", rules.setup_data)?;
        let raw = sys::mc_e820_rules {
            legacy_hole: rules.legacy_hole,
            need: need.raw.as_ptr(),
            n_need: need.raw.len(),
            max_entries: rules.max_entries,
            setup_data: sd.raw.as_ptr(),
            n_setup_data: sd.raw.len(),
            linux_version: rules.linux_version,
            reserved: [0; 4],
        };
        let rc = unsafe { sys::mc_e820_check(self.ptr(), table.as_ptr(), table.len(), &raw) };
        self.check(rc)
    }

    /// Read and check a bzImage's setup header (`mc_e820_bzimage()`);
    /// `name` names it in diagnostics.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// assert!(matches!(map.bzimage("bzImage", &[0u8; 1024]), Err(memcarve::Error::BadBlob(_))));
    /// ```
    pub fn bzimage(&mut self, name: &str, image: &[u8]) -> Result<BzImage> {
        let name = c_string("name", name)?;
        let mut out = BzImage::default();
        let rc = unsafe {
            sys::mc_e820_bzimage(self.ptr(), name.as_ptr(), image.as_ptr() as *const c_void, image.len(), &mut out)
        };
        self.check(rc)?;
        Ok(out)
    }

    /// The zero page alone (4096 bytes) for `table`, its first 128 entries
    /// and the fields of `opts` it points at, with none of the boot rules
    /// checked (`mc_e820_zeropage()`): for a VMM that lays out its boot
    /// itself. [`Carved::zero_page`] checks them.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n")?;
    /// let table = map.carve()?.e820(false)?;
    /// let zp = map.e820_zeropage(&table, &Default::default())?;
    /// assert_eq!((zp.len(), zp[0x1e8]), (4096, 2));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn e820_zeropage(&mut self, table: &[E820Entry], opts: &BootOptions) -> Result<Vec<u8>> {
        let name = opts.kernel_name_c()?;
        let raw = opts.raw(&name);
        let mut zp = vec![0u8; sys::MC_ZEROPAGE_SIZE];
        let mut size = zp.len();
        let rc = unsafe {
            sys::mc_e820_zeropage(
                self.ptr(),
                table.as_ptr(),
                table.len(),
                &raw,
                zp.as_mut_ptr() as *mut c_void,
                &mut size,
            )
        };
        self.check(rc)?;
        zp.truncate(size);
        Ok(zp)
    }
}

impl Carved<'_> {
    /// Every rule an x86 boot with `opts` relies on, for `table` from
    /// this map (`mc_e820_boot_check()`): what [`Carved::zero_page`]
    /// checks before it writes.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n")?;
    /// let mut carved = map.carve()?;
    /// let table = carved.e820(false)?;
    /// carved.e820_boot_check(&Default::default(), &table)?;
    /// let far = memcarve::BootOptions { initrd_addr: 0x80000000, initrd_size: 1 << 20, ..Default::default() };
    /// assert!(matches!(carved.e820_boot_check(&far, &table), Err(memcarve::Error::Overlap(_))));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn e820_boot_check(&mut self, opts: &BootOptions, table: &[E820Entry]) -> Result<()> {
        let name = opts.kernel_name_c()?;
        let raw = opts.raw(&name);
        let rc = unsafe { sys::mc_e820_boot_check(self.map.ptr(), &raw, table.as_ptr(), table.len()) };
        self.map.check(rc)
    }
}
