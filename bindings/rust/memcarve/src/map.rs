//! The map (`struct mc_map`) and its carved result.
use crate::error::{c_str, Diagnostic, Error, Result};
use crate::types::{Arch, Kind, NodeBacking, PciDev, Policy, Region, ResvType, Slot, Totals};
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_void};
use std::ptr::{self, NonNull};
use std::slice;

/// One guest-physical memory map: the regions a VMM knows about, carved by
/// [`Map::carve`]. Freed on drop, with everything it returned.
///
/// ```
/// let mut map = memcarve::Map::parse("arch arm64\nram 0x40000000 1G\n").unwrap();
/// map.load_resv("reserved_regions", "0x48000000 0x480fffff msi\n").unwrap();
/// let carved = map.carve().unwrap();
/// assert_eq!(carved.slots().len(), 2);
/// ```
pub struct Map {
    raw: NonNull<sys::mc_map>,
}

// The header's thread-safety rule: calls on different maps may run
// concurrently from any threads; one map needs a call to itself unless all
// calls only read it. A Map owns its map and every call that changes it
// takes &mut self, so it may move between threads. It is not Sync: reads
// through &self would be safe together, but Carved's emitters record
// diagnostics, and the crate keeps to one rule.
unsafe impl Send for Map {}

pub(crate) fn c_string(what: &'static str, s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::Nul(what))
}

impl Map {
    /// An empty map: no arch, policy carve, the arch's page as granule.
    ///
    /// Panics when out of memory, as `Vec` does.
    ///
    /// ```
    /// let map = memcarve::Map::new();
    /// assert!(map.regions().is_empty());
    /// ```
    pub fn new() -> Map {
        let raw = unsafe { sys::mc_map_new() };
        Map { raw: NonNull::new(raw).expect("mc_map_new: out of memory") }
    }

    /// A new map holding map-file text (memcarve(1), MAP FILE), named
    /// `"<str>"` in diagnostics.
    ///
    /// ```
    /// let map = memcarve::Map::parse("ram 0x0 1G name=low\n").unwrap();
    /// assert_eq!(map.regions()[0].name.as_deref(), Some("low"));
    /// ```
    pub fn parse(text: &str) -> Result<Map> {
        let mut map = Map::new();
        map.load("<str>", text)?;
        Ok(map)
    }

    pub(crate) fn ptr(&self) -> *mut sys::mc_map {
        self.raw.as_ptr()
    }

    /// 0, or the error with the diagnostics the map holds (then forgets).
    pub(crate) fn check(&mut self, rc: c_int) -> Result<()> {
        if rc == 0 {
            return Ok(());
        }
        let n = unsafe { sys::mc_map_error_count(self.ptr()) };
        let mut diags = (0..n)
            .filter_map(|i| {
                let e = unsafe { sys::mc_map_error(self.ptr(), i).as_ref() }?;
                Some(Diagnostic {
                    code: e.code,
                    source: c_str(e.source),
                    line: e.line,
                    field: c_str(e.field),
                    message: c_str(e.msg),
                })
            })
            .collect::<Vec<Diagnostic>>();
        let dropped = unsafe { sys::mc_map_errors_dropped(self.ptr()) };
        if dropped > 0 {
            // Past MC_MAX_ERRORS the map only counts; say so as the CLI does.
            diags.push(Diagnostic {
                code: rc,
                source: String::new(),
                line: 0,
                field: String::new(),
                message: format!("{} more errors not shown", dropped),
            });
        }
        unsafe { sys::mc_map_clear_errors(self.ptr()) };
        Err(Error::from_code(rc, diags))
    }

    /// Parse map-file text into the map; `source` names it in diagnostics
    /// and becomes each region's source. Every line is checked: the error
    /// holds a diagnostic per bad line, and no region of a bad line is
    /// added.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.load("vm.map", "ram 0x0 1G\n").unwrap();
    /// let err = map.load("vm.map", "ram 0x0 1G\nmmio 0x0 zero\n").unwrap_err();
    /// assert!(err.to_string().starts_with("vm.map:2: "));
    /// ```
    pub fn load(&mut self, source: &str, text: &str) -> Result<()> {
        let source = c_string("source", source)?;
        let rc = unsafe { sys::mc_map_load(self.ptr(), source.as_ptr(), text.as_ptr() as *const c_char, text.len()) };
        self.check(rc)
    }

    /// Parse a host IOMMU group's sysfs `reserved_regions` text ("0xSTART
    /// 0xEND TYPE" lines); each line becomes an unnamed reserved region
    /// whose diagnostics name `source` and the line.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.load_resv("/sys/kernel/iommu_groups/7/reserved_regions",
    ///               "0x00000000fee00000 0x00000000feefffff msi\n").unwrap();
    /// assert_eq!(map.regions()[0].last, 0xfeef_ffff);
    /// ```
    pub fn load_resv(&mut self, source: &str, text: &str) -> Result<()> {
        let source = c_string("source", source)?;
        let rc =
            unsafe { sys::mc_map_load_resv(self.ptr(), source.as_ptr(), text.as_ptr() as *const c_char, text.len()) };
        self.check(rc)
    }

    /// Add one region (its strings and arrays are copied).
    ///
    /// ```
    /// use memcarve::{Kind, Map, Region};
    /// let mut map = Map::new();
    /// map.add(&Region::new(Kind::Ram, 0, 0x3fff_ffff)).unwrap();
    /// assert!(map.add(&Region::new(Kind::Ram, 2, 1)).is_err());
    /// ```
    pub fn add(&mut self, region: &Region) -> Result<()> {
        let name = region.name.as_deref().map(|s| c_string("region.name", s)).transpose()?;
        let source = region.source.as_deref().map(|s| c_string("region.source", s)).transpose()?;
        let raw = sys::mc_region {
            first: region.first,
            last: region.last,
            kind: region.kind.to_raw(),
            type_: region.resv_type.to_raw(),
            policy: region.policy.to_raw(),
            flags: region.flags | region.node.map_or(0, |_| sys::MC_F_NODE),
            align: region.align,
            access: region.access,
            line: region.line,
            name: name.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            devices: region.devices.as_ptr(),
            n_devices: region.devices.len(),
            sids: region.sids.as_ptr(),
            n_sids: region.sids.len(),
            source: source.as_ref().map_or(ptr::null(), |s| s.as_ptr()),
            node: region.node.unwrap_or(0),
            reserved32: 0,
            reserved: [0; 3],
        };
        let rc = unsafe { sys::mc_map_add(self.ptr(), &raw) };
        self.check(rc)
    }

    /// Set the guest architecture; it overrides any "arch" of map text.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.set_arch(memcarve::Arch::X86_64).unwrap();
    /// assert_eq!(map.arch(), memcarve::Arch::X86_64);
    /// ```
    pub fn set_arch(&mut self, arch: Arch) -> Result<()> {
        let rc = unsafe { sys::mc_map_set_arch(self.ptr(), arch.to_raw()) };
        self.check(rc)
    }

    /// Set the map's default policy (not [`Policy::Default`]).
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// assert!(map.set_policy(memcarve::Policy::Default).is_err());
    /// ```
    pub fn set_policy(&mut self, policy: Policy) -> Result<()> {
        let rc = unsafe { sys::mc_map_set_policy(self.ptr(), policy.to_raw()) };
        self.check(rc)
    }

    /// Set the carving alignment: a power of two, at least 4 KiB.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.set_granule(64 << 10).unwrap();
    /// assert_eq!(map.granule(), 64 << 10);
    /// assert!(map.set_granule(512).is_err());
    /// ```
    pub fn set_granule(&mut self, granule: u64) -> Result<()> {
        let rc = unsafe { sys::mc_map_set_granule(self.ptr(), granule) };
        self.check(rc)
    }

    /// State the NUMA distance `from` -> `to` (the map file's "distance
    /// FROM TO N"): 10 from a node to itself, else 11..255; it sets `to` ->
    /// `from` too unless that is stated on its own. Whether the nodes are
    /// the regions' and the statements agree is checked when carving.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G node=0\nram 0x40000000 1G node=1\n").unwrap();
    /// map.set_distance(0, 1, 20).unwrap();
    /// assert!(map.set_distance(0, 1, 10).is_err());
    /// assert_eq!((map.distance(1, 0), map.distance(1, 1)), (Some(20), None));
    /// ```
    pub fn set_distance(&mut self, from: u32, to: u32, distance: u32) -> Result<()> {
        let rc = unsafe { sys::mc_map_set_distance(self.ptr(), from, to, distance) };
        self.check(rc)
    }

    /// The distance the map states for `from` -> `to`, directly or by
    /// symmetry; `None` when it states none (the guest then assumes 10
    /// local, 20 remote).
    ///
    /// ```
    /// let map = memcarve::Map::parse("ram 0x0 1G node=0\nram 0x40000000 1G node=1\ndistance 0 1 30\n").unwrap();
    /// assert_eq!(map.distance(1, 0), Some(30));
    /// ```
    pub fn distance(&self, from: u32, to: u32) -> Option<u32> {
        match unsafe { sys::mc_map_distance(self.ptr(), from, to) } {
            0 => None,
            d => Some(d),
        }
    }

    /// Whether any region has a NUMA node.
    ///
    /// ```
    /// assert!(memcarve::Map::parse("ram 0x0 1G node=0\n").unwrap().is_numa());
    /// assert!(!memcarve::Map::parse("ram 0x0 1G\n").unwrap().is_numa());
    /// ```
    pub fn is_numa(&self) -> bool {
        unsafe { sys::mc_map_is_numa(self.ptr()) != 0 }
    }

    /// The guest architecture.
    ///
    /// ```
    /// assert_eq!(memcarve::Map::new().arch(), memcarve::Arch::None);
    /// ```
    pub fn arch(&self) -> Arch {
        Arch::from_raw(unsafe { sys::mc_map_arch(self.ptr()) })
    }

    /// The map's default policy.
    ///
    /// ```
    /// assert_eq!(memcarve::Map::new().policy(), memcarve::Policy::Carve);
    /// ```
    pub fn policy(&self) -> Policy {
        Policy::from_raw(unsafe { sys::mc_map_policy(self.ptr()) })
    }

    /// The carving alignment.
    ///
    /// ```
    /// assert_eq!(memcarve::Map::new().granule(), 4096);
    /// ```
    pub fn granule(&self) -> u64 {
        unsafe { sys::mc_map_granule(self.ptr()) }
    }

    /// The regions as added, in order (copies).
    ///
    /// ```
    /// let map = memcarve::Map::parse("ram 0x0 1G\nmmio 0x40000000 1G\n").unwrap();
    /// let kinds: Vec<_> = map.regions().iter().map(|r| r.kind).collect();
    /// assert_eq!(kinds, [memcarve::Kind::Ram, memcarve::Kind::Mmio]);
    /// ```
    pub fn regions(&self) -> Vec<Region> {
        self.raw_regions().iter().map(region_of).collect()
    }

    fn raw_regions(&self) -> &[sys::mc_region] {
        let mut n = 0;
        let p = unsafe { sys::mc_map_input(self.ptr(), &mut n) };
        raw_slice(p, n)
    }

    /// Set the device-tree nodes a direct range serves: `index` is the
    /// region's in [`Map::regions`] (a direct or direct-relaxable range
    /// without [`crate::flags::ALL_DEVICES`]), `paths` absolute node paths
    /// ("/soc/ethernet@ff0c0000"); none removes them. The DT emitter's
    /// patch mode names those nodes; the ACPI tables refuse such a range.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K type=direct\n")?;
    /// map.set_device_paths(1, &["/soc/ethernet@ff0c0000"])?;
    /// assert_eq!(map.device_paths(1), ["/soc/ethernet@ff0c0000"]);
    /// let err = map.set_device_paths(9, &["/x"]).unwrap_err();
    /// assert_eq!(err.diagnostics()[0].field, "index");
    /// assert!(map.set_device_paths(0, &["/x"]).is_err()); // ram, not direct
    /// assert!(map.set_device_paths(1, &["no-slash"]).is_err());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn set_device_paths(&mut self, index: usize, paths: &[&str]) -> Result<()> {
        let owned = paths.iter().map(|p| c_string("paths", p)).collect::<Result<Vec<CString>>>()?;
        let ptrs: Vec<*const c_char> = owned.iter().map(|p| p.as_ptr()).collect();
        let list = if ptrs.is_empty() { ptr::null() } else { ptrs.as_ptr() };
        let rc = unsafe { sys::mc_map_set_device_paths(self.ptr(), index, list, ptrs.len()) };
        self.check(rc)
    }

    /// The device-tree node paths of input region `index`, in the order
    /// given (none for an index out of range); borrowed from the map.
    ///
    /// ```
    /// let map = memcarve::Map::parse("reserved 0x1000 4K type=direct devices=/soc/dma@1000,/soc/gpu@2000\n")?;
    /// assert_eq!(map.device_paths(0), ["/soc/dma@1000", "/soc/gpu@2000"]);
    /// assert!(map.device_paths(7).is_empty());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn device_paths(&self, index: usize) -> Vec<&str> {
        let mut n = 0;
        let p = unsafe { sys::mc_map_device_paths(self.ptr(), index, &mut n) };
        // The library keeps only paths of the DT grammar, which is ASCII.
        raw_slice(p, n).iter().map(|&s| unsafe { std::ffi::CStr::from_ptr(s) }.to_str().unwrap_or("")).collect()
    }

    /// The policy that applies to input region `index` (its own, else the
    /// map's, with the library's rules for direct, acpi, nvs, mmio and
    /// pmem ranges); never [`Policy::Default`]. None for an index out of
    /// range.
    ///
    /// ```
    /// use memcarve::Policy;
    /// let text = "policy overlay\nram 0x0 1G\nreserved 0x1000 4K type=direct policy=abort\nmmio 0x2000 4K\n";
    /// let map = memcarve::Map::parse(text)?;
    /// let p: Vec<_> = (0..4).map(|i| map.effective_policy(i)).collect();
    /// assert_eq!(p, [Some(Policy::Overlay), Some(Policy::Abort), Some(Policy::Carve), None]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn effective_policy(&self, index: usize) -> Option<Policy> {
        let region = self.raw_regions().get(index)?;
        Some(Policy::from_raw(unsafe { sys::mc_map_effective_policy(self.ptr(), region) }))
    }

    /// Record a diagnostic of the caller's own on the map, in the shape of
    /// the library's ("FIELD: text"), and return it as the error of `code`
    /// (an MC_E* code; one that is not negative is taken as MC_EINVAL), so
    /// a tool built on the map reports every failure one way.
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// let err = map.report(memcarve_sys::MC_EINVAL, Some("opts.kernel"), "not a 50% match");
    /// assert!(matches!(err, memcarve::Error::Invalid(_)));
    /// assert_eq!(err.to_string(), "opts.kernel: not a 50% match");
    /// assert_eq!(err.diagnostics()[0].field, "opts.kernel");
    /// ```
    pub fn report(&mut self, code: i32, field: Option<&str>, message: &str) -> Error {
        let field = match field.map(|f| c_string("field", f)).transpose() {
            Ok(f) => f,
            Err(e) => return e,
        };
        let message = match c_string("message", message) {
            Ok(m) => m,
            Err(e) => return e,
        };
        let code = if code < 0 { code } else { sys::MC_EINVAL };
        let fmt = b"%s\0";
        let rc = unsafe {
            sys::mc_map_report(
                self.ptr(),
                code,
                field.as_ref().map_or(ptr::null(), |f| f.as_ptr()),
                fmt.as_ptr() as *const c_char,
                message.as_ptr(),
            )
        };
        // mc_map_report() returns the code it was given, negative here.
        self.check(rc).err().unwrap_or_else(|| Error::from_code(code, Vec::new()))
    }

    /// Apply the policies and build the carved result, which the returned
    /// [`Carved`] reads; it borrows the map, so the map cannot change
    /// under it.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x100000 1M\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces().len(), 3);
    /// ```
    pub fn carve(&mut self) -> Result<Carved<'_>> {
        let rc = unsafe { sys::mc_map_carve(self.ptr()) };
        self.check(rc)?;
        Ok(Carved { map: self })
    }

    /// The regions as map-file text that [`Map::load`] reads back.
    ///
    /// ```
    /// let map = memcarve::Map::parse("ram 0x0 1G name=low\n").unwrap();
    /// let mut map = map;
    /// assert!(map.write().unwrap().contains("name=low"));
    /// ```
    pub fn write(&mut self) -> Result<String> {
        self.write_part(sys::MC_MAP_INPUT)
    }

    /// [`Map::write`] into `buf`: the text's length with its NUL, or
    /// [`Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\n")?;
    /// let needed = match map.write_into(&mut []) {
    ///     Err(memcarve::Error::NoSpace(n)) => n,
    ///     other => panic!("{:?}", other),
    /// };
    /// let mut buf = vec![0u8; needed];
    /// assert_eq!(map.write_into(&mut buf)?, needed);
    /// assert_eq!(&buf[..needed - 1], map.write()?.as_bytes());
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn write_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.into_buf(buf, |map, b, size| unsafe { sys::mc_map_write(map, sys::MC_MAP_INPUT, b as *mut c_char, size) })
    }

    fn write_part(&mut self, what: sys::mc_map_part) -> Result<String> {
        let mut out: *mut c_char = ptr::null_mut();
        let mut size = 0;
        let rc = unsafe { sys::mc_map_write_alloc(self.ptr(), what, &mut out, &mut size) };
        self.check(rc)?;
        let text = c_str(out);
        unsafe { sys::mc_free(out as *mut c_void) };
        Ok(text)
    }

    /// Run a caller-buffer emitter on `buf`: the length written, or
    /// [`Error::NoSpace`] with the length needed (an empty `buf` asks).
    pub(crate) fn into_buf<T>(
        &mut self,
        buf: &mut [T],
        f: impl FnOnce(*mut sys::mc_map, *mut T, *mut usize) -> c_int,
    ) -> Result<usize> {
        let mut size = buf.len();
        let p = if buf.is_empty() { ptr::null_mut() } else { buf.as_mut_ptr() };
        let rc = f(self.ptr(), p, &mut size);
        if rc == sys::MC_ENOSPC {
            return Err(Error::NoSpace(size));
        }
        self.check(rc)?;
        Ok(size)
    }

    /// Run an `_alloc` emitter: its buffer copied into a Vec, then freed.
    pub(crate) fn alloc_bytes(
        &mut self,
        f: impl FnOnce(*mut sys::mc_map, *mut *mut c_void, *mut usize) -> c_int,
    ) -> Result<Vec<u8>> {
        let mut out: *mut c_void = ptr::null_mut();
        let mut size = 0;
        let rc = f(self.ptr(), &mut out, &mut size);
        self.check(rc)?;
        let bytes = raw_slice(out as *const u8, size).to_vec();
        unsafe { sys::mc_free(out) };
        Ok(bytes)
    }
}

impl Default for Map {
    /// [`Map::new`].
    ///
    /// ```
    /// let map: memcarve::Map = Default::default();
    /// assert_eq!(map.granule(), 4096);
    /// ```
    fn default() -> Map {
        Map::new()
    }
}

impl std::fmt::Debug for Map {
    /// Its settings and how many regions it holds.
    ///
    /// ```
    /// let map = memcarve::Map::parse("arch arm64\nram 0x0 1G\n").unwrap();
    /// assert!(format!("{:?}", map).contains("Arm64"));
    /// ```
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Map")
            .field("arch", &self.arch())
            .field("policy", &self.policy())
            .field("granule", &self.granule())
            .field("regions", &self.raw_regions().len())
            .finish()
    }
}

impl Drop for Map {
    fn drop(&mut self) {
        unsafe { sys::mc_map_free(self.ptr()) }
    }
}

/// A C option struct as its `mc_*_opts_init()` fills it: the defaults,
/// reserved words zero, where the crate's C options start.
pub(crate) fn c_init<T>(init: unsafe extern "C" fn(*mut T)) -> T {
    let mut raw = std::mem::MaybeUninit::<T>::uninit();
    // The init functions fill the whole struct.
    unsafe {
        init(raw.as_mut_ptr());
        raw.assume_init()
    }
}

/// A slice the library returned (NULL with 0 is an empty one).
pub(crate) fn raw_slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if p.is_null() || n == 0 {
        return &[];
    }
    unsafe { slice::from_raw_parts(p, n) }
}

fn opt_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(c_str(p))
    }
}

fn region_of(r: &sys::mc_region) -> Region {
    Region {
        first: r.first,
        last: r.last,
        kind: Kind::from_raw(r.kind),
        resv_type: ResvType::from_raw(r.type_),
        policy: Policy::from_raw(r.policy),
        flags: r.flags,
        align: r.align,
        access: r.access,
        name: opt_str(r.name),
        devices: raw_slice(r.devices, r.n_devices).to_vec(),
        sids: raw_slice(r.sids, r.n_sids).to_vec(),
        source: opt_str(r.source),
        line: r.line,
        node: node_of(r),
    }
}

fn node_of(r: &sys::mc_region) -> Option<u32> {
    if r.flags & sys::MC_F_NODE != 0 {
        Some(r.node)
    } else {
        None
    }
}

/// A carved map: its pieces, slots and totals, and the emitters that
/// describe it (`dt`, `e820`, `acpi`, `cmdline`). It borrows the [`Map`]
/// mutably: pieces and slots read the map's own arrays, and nothing can
/// change it while they are borrowed.
///
/// ```
/// let mut map = memcarve::Map::parse("ram 0x0 2G\nmmio 0x80000000 1G\n").unwrap();
/// let carved = map.carve().unwrap();
/// assert_eq!(carved.totals().ram_after, 2 << 30);
/// ```
#[derive(Debug)]
pub struct Carved<'m> {
    pub(crate) map: &'m mut Map,
}

impl<'m> Carved<'m> {
    /// The carved result: sorted, non-overlapping pieces.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G name=dram\nreserved 0x1000 4K type=msi name=its\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// let names: Vec<_> = carved.pieces().iter().map(|p| p.name().unwrap()).collect();
    /// assert_eq!(names, ["dram", "its", "dram"]);
    /// ```
    pub fn pieces(&self) -> Vec<Piece<'_>> {
        let mut n = 0;
        let p = unsafe { sys::mc_map_result(self.map.ptr(), &mut n) };
        let input = self.map.raw_regions();
        let map: &Map = self.map;
        raw_slice(p, n).iter().map(|raw| Piece { raw, region: &input[raw.origin as usize], map }).collect()
    }

    /// The RAM slots for KVM_SET_USER_MEMORY_REGION, in guest order.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x10000000 2M\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// let slots = carved.slots();
    /// assert_eq!((slots[1].guest, slots[1].offset), (0x10200000, 0x10000000));
    /// ```
    pub fn slots(&self) -> &[Slot] {
        let mut n = 0;
        let p = unsafe { sys::mc_map_slots(self.map.ptr(), &mut n) };
        raw_slice(p, n)
    }

    /// The backing area node by node: one entry per node the regions
    /// name, in ascending node order, offsets packed from 0 (a map that is
    /// not NUMA has one, node 0). A slot's offset into its node's own part
    /// is [`Carved::node_offset`].
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// assert_eq!(carved.backing(), &[memcarve::NodeBacking { size: 1 << 30, ..Default::default() }]);
    /// ```
    pub fn backing(&self) -> &[NodeBacking] {
        let mut n = 0;
        let p = unsafe { sys::mc_map_backing(self.map.ptr(), &mut n) };
        raw_slice(p, n)
    }

    /// Where `slot` starts in its node's own part of the backing area.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G node=1\nram 0x40000000 1G node=0\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// let s = carved.slots()[0];
    /// assert_eq!((s.node, s.offset, carved.node_offset(&s)), (1, 1 << 30, 0));
    /// ```
    pub fn node_offset(&self, slot: &Slot) -> u64 {
        let b = self.backing();
        match b.binary_search_by_key(&slot.node, |e| e.node) {
            Ok(i) => slot.offset - b[i].offset,
            Err(_) => slot.offset,
        }
    }

    /// RAM accounting of the carve.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\n").unwrap();
    /// assert_eq!(map.carve().unwrap().totals().carved, 0);
    /// ```
    pub fn totals(&self) -> Totals {
        let t = unsafe { sys::mc_map_totals(self.map.ptr()).as_ref() }.expect("a carved map has totals");
        Totals {
            ram_before: t.ram_before,
            ram_after: t.ram_after,
            carved: t.carved,
            relocated: t.relocated,
            lost_to_rounding: t.lost_to_rounding,
        }
    }

    /// The map it was carved from.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("arch mips\nram 0x0 256M\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// assert_eq!(carved.map().arch(), memcarve::Arch::Mips);
    /// ```
    pub fn map(&self) -> &Map {
        self.map
    }

    /// The carved result as map-file text that carves to the same result.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K\n").unwrap();
    /// let mut carved = map.carve().unwrap();
    /// let text = carved.write().unwrap();
    /// let mut again = memcarve::Map::parse(&text).unwrap();
    /// assert_eq!(again.carve().unwrap().slots(), carved.slots());
    /// ```
    pub fn write(&mut self) -> Result<String> {
        self.map.write_part(sys::MC_MAP_RESULT)
    }

    /// [`Carved::write`] into `buf`: the text's length with its NUL, or
    /// [`Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K\n")?;
    /// let mut carved = map.carve()?;
    /// let mut buf = [0u8; 4096];
    /// let n = carved.write_into(&mut buf)?;
    /// assert_eq!(&buf[..n - 1], carved.write()?.as_bytes());
    /// assert_eq!(carved.write_into(&mut buf[..4]), Err(memcarve::Error::NoSpace(n)));
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn write_into(&mut self, buf: &mut [u8]) -> Result<usize> {
        self.map.into_buf(buf, |map, b, size| unsafe {
            sys::mc_map_write(map, sys::MC_MAP_RESULT, b as *mut c_char, size)
        })
    }
}

/// One piece of the carved result; its attributes (name, devices...) are
/// those of the input region it comes from (`origin`).
///
/// ```
/// let mut map = memcarve::Map::parse(
///     "ram 0x0 1G\nreserved 0x1000 4K type=direct devices=00:03.0 name=rmrr\n").unwrap();
/// let carved = map.carve().unwrap();
/// let p = &carved.pieces()[1];
/// assert_eq!((p.first(), p.last(), p.kind()), (0x1000, 0x1fff, memcarve::Kind::Reserved));
/// assert_eq!(p.devices()[0].devfn, 3 << 3);
/// assert!(p.flags() & memcarve::flags::BACKED != 0); // direct: overlay
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Piece<'c> {
    raw: &'c sys::mc_piece,
    region: &'c sys::mc_region,
    map: &'c Map,
}

impl<'c> Piece<'c> {
    /// First byte.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x1000 4K\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].first(), 0x1000);
    /// ```
    pub fn first(&self) -> u64 {
        self.raw.first
    }

    /// Last byte (inclusive).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x1000 4K\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].last(), 0x1fff);
    /// ```
    pub fn last(&self) -> u64 {
        self.raw.last
    }

    /// The input region's kind.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("pmem 0x100000000 1G\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].kind(), memcarve::Kind::Pmem);
    /// ```
    pub fn kind(&self) -> Kind {
        Kind::from_raw(self.raw.kind.into())
    }

    /// The input region's reserved type (reserved pieces only).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("reserved 0x0 4K type=sw-msi\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].resv_type(), memcarve::ResvType::SwMsi);
    /// ```
    pub fn resv_type(&self) -> ResvType {
        ResvType::from_raw(self.raw.type_.into())
    }

    /// [`crate::flags`]: the input region's and the result's.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].flags(), memcarve::flags::BACKED);
    /// ```
    pub fn flags(&self) -> u32 {
        self.raw.flags.into()
    }

    /// Index of the input region in [`Map::regions`].
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("mmio 0x0 4K\nram 0x1000 4K\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[1].origin(), 1);
    /// ```
    pub fn origin(&self) -> usize {
        self.raw.origin as usize
    }

    /// The input region's name.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 4K\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].name(), None);
    /// ```
    pub fn name(&self) -> Option<&'c str> {
        if self.region.name.is_null() {
            return None;
        }
        // Names are UTF-8 when they came from Rust or a map file; a
        // decoded blob's that are not read as None.
        unsafe { std::ffi::CStr::from_ptr(self.region.name) }.to_str().ok()
    }

    /// The input region's NUMA node, if it has one (ram, pmem, hotplug).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G node=0\nhotplug 0x40000000 1G node=1\n").unwrap();
    /// let carved = map.carve().unwrap();
    /// assert_eq!(carved.pieces()[1].kind(), memcarve::Kind::Hotplug);
    /// assert_eq!(carved.pieces()[1].node(), Some(1));
    /// ```
    pub fn node(&self) -> Option<u32> {
        node_of(self.region)
    }

    /// The PCI devices of the input region.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("reserved 0x0 4K type=direct devices=01:00.0,01:00.1\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].devices().len(), 2);
    /// ```
    pub fn devices(&self) -> &'c [PciDev] {
        raw_slice(self.region.devices, self.region.n_devices)
    }

    /// The IORT stream IDs of the input region.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("reserved 0x0 64K type=direct sids=8,9\n").unwrap();
    /// assert_eq!(map.carve().unwrap().pieces()[0].sids(), &[8, 9]);
    /// ```
    pub fn sids(&self) -> &'c [u32] {
        raw_slice(self.region.sids, self.region.n_sids)
    }

    /// The device-tree node paths of the input region ([`Map::device_paths`]).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K type=direct devices=/soc/dma@1000\n")?;
    /// let carved = map.carve()?;
    /// assert_eq!(carved.pieces()[1].device_paths(), ["/soc/dma@1000"]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn device_paths(&self) -> Vec<&'c str> {
        self.map.device_paths(self.origin())
    }

    /// The policy that applies to the piece ([`Map::effective_policy`] of
    /// its input region).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse("ram 0x0 1G\nacpi 0x1000 4K\n")?;
    /// let carved = map.carve()?;
    /// assert_eq!(carved.pieces()[1].policy(), memcarve::Policy::Overlay);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn policy(&self) -> Policy {
        Policy::from_raw(unsafe { sys::mc_map_effective_policy(self.map.ptr(), self.region) })
    }
}
