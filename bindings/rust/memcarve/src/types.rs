//! The values a map holds: kinds, types, policies, arches, regions.
use memcarve_sys as sys;
use std::os::raw::c_uint;

macro_rules! c_enum {
    ($(#[$doc:meta])* $name:ident($name_fn:path, $parse_fn:path, $ex:ident = $ex_name:literal)
     { $($(#[$vdoc:meta])* $variant:ident = $c:path,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this crate does not know (a newer library).
            Other(u32),
        }

        impl $name {
            pub(crate) fn to_raw(self) -> c_uint {
                match self {
                    $($name::$variant => $c,)*
                    $name::Other(v) => v,
                }
            }

            pub(crate) fn from_raw(v: c_uint) -> $name {
                match v {
                    $($c => $name::$variant,)*
                    v => $name::Other(v),
                }
            }

            #[doc = concat!("The name the map file spells (`", stringify!($name_fn), "()`); None for a value")]
            /// the library does not know.
            ///
            /// ```
            #[doc = concat!("use memcarve::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::", stringify!($ex), ".name(), Some(", stringify!($ex_name), "));")]
            #[doc = concat!("assert_eq!(", stringify!($name), "::Other(99).name(), None);")]
            /// ```
            pub fn name(self) -> Option<&'static str> {
                let p = unsafe { $name_fn(self.to_raw()) };
                if p.is_null() {
                    return None;
                }
                // The library's names are static strings.
                unsafe { std::ffi::CStr::from_ptr(p) }.to_str().ok()
            }
        }

        impl std::str::FromStr for $name {
            type Err = crate::Error;

            #[doc = concat!("A name as the map file spells it (`", stringify!($parse_fn), "()`); anything")]
            /// else is [`crate::Error::Invalid`], with no diagnostic.
            ///
            /// ```
            #[doc = concat!("use memcarve::", stringify!($name), ";")]
            #[doc = concat!("assert_eq!(", stringify!($ex_name), ".parse::<", stringify!($name), ">(), Ok(",
                            stringify!($name), "::", stringify!($ex), "));")]
            #[doc = concat!("assert!(\"bogus\".parse::<", stringify!($name), ">().is_err());")]
            /// ```
            fn from_str(s: &str) -> crate::Result<$name> {
                let c = crate::map::c_string("s", s)?;
                let mut raw: c_uint = 0;
                match unsafe { $parse_fn(c.as_ptr(), &mut raw) } {
                    0 => Ok($name::from_raw(raw)),
                    rc => Err(crate::Error::from_code(rc, Vec::new())),
                }
            }
        }
    };
}

c_enum! {
    /// What a region is (`enum mc_kind`).
    ///
    /// ```
    /// let map = memcarve::Map::parse("ram 0x0 1G\n").unwrap();
    /// assert_eq!(map.regions()[0].kind, memcarve::Kind::Ram);
    /// ```
    Kind(sys::mc_kind_name, sys::mc_kind_parse, Ram = "ram") {
        /// Guest RAM backed by the VMM.
        Ram = sys::MC_RAM,
        /// A device window.
        Mmio = sys::MC_MMIO,
        /// The guest must not use it as ordinary RAM.
        Reserved = sys::MC_RESERVED,
        /// ACPI reclaimable (e820 type 3).
        Acpi = sys::MC_ACPI,
        /// ACPI NVS (e820 type 4).
        Nvs = sys::MC_NVS,
        /// Persistent memory (e820 type 7).
        Pmem = sys::MC_PMEM,
        /// A window where RAM may be hot-added later (1.1): never RAM,
        /// never a slot, overlapping no other range.
        Hotplug = sys::MC_HOTPLUG,
    }
}

c_enum! {
    /// The Linux IOMMU reserved-region type of a reserved region
    /// (`enum mc_resv_type`).
    ///
    /// ```
    /// let map = memcarve::Map::parse("reserved 0x8000000 1M type=msi\n").unwrap();
    /// assert_eq!(map.regions()[0].resv_type, memcarve::ResvType::Msi);
    /// ```
    ResvType(sys::mc_resv_type_name, sys::mc_resv_type_parse, SwMsi = "sw-msi") {
        /// "reserved"
        Reserved = sys::MC_RESV_RESERVED,
        /// "msi"
        Msi = sys::MC_RESV_MSI,
        /// "sw-msi"
        SwMsi = sys::MC_RESV_SW_MSI,
        /// "direct": identity-mapped for devices.
        Direct = sys::MC_RESV_DIRECT,
        /// "direct-relaxable": identity-mapped, may be remapped.
        DirectRelaxable = sys::MC_RESV_DIRECT_RELAXABLE,
    }
}

c_enum! {
    /// What happens to RAM under a range that overlaps it (`enum mc_policy`).
    ///
    /// ```
    /// let mut map = memcarve::Map::new();
    /// map.set_policy(memcarve::Policy::Relocate).unwrap();
    /// assert_eq!(map.policy(), memcarve::Policy::Relocate);
    /// ```
    Policy(sys::mc_policy_name, sys::mc_policy_parse, Relocate = "relocate") {
        /// A region's: the map's. Refused as the map's own.
        Default = sys::MC_POLICY_DEFAULT,
        /// Refuse the map.
        Abort = sys::MC_POLICY_ABORT,
        /// Keep the RAM backing the range.
        Overlay = sys::MC_POLICY_OVERLAY,
        /// Cut the RAM out, granule-rounded.
        Carve = sys::MC_POLICY_CARVE,
        /// Cut it out and add as much RAM back above.
        Relocate = sys::MC_POLICY_RELOCATE,
    }
}

c_enum! {
    /// The guest architecture (`enum mc_arch`).
    ///
    /// ```
    /// let map = memcarve::Map::parse("arch arm64\n").unwrap();
    /// assert_eq!(map.arch(), memcarve::Arch::Arm64);
    /// ```
    Arch(sys::mc_arch_name, sys::mc_arch_parse, X86_64 = "x86_64") {
        /// None set.
        None = sys::MC_ARCH_NONE,
        /// arm64
        Arm64 = sys::MC_ARCH_ARM64,
        /// ppc64
        Ppc64 = sys::MC_ARCH_PPC64,
        /// x86_64
        X86_64 = sys::MC_ARCH_X86_64,
        /// mips
        Mips = sys::MC_ARCH_MIPS,
        /// riscv64
        Riscv64 = sys::MC_ARCH_RISCV64,
    }
}

impl Arch {
    /// The page size of the arch's Debian kernels (`mc_arch_page_size()`):
    /// 64K for ppc64, else 4K.
    ///
    /// ```
    /// assert_eq!(memcarve::Arch::Ppc64.page_size(), 64 << 10);
    /// assert_eq!(memcarve::Arch::Arm64.page_size(), 4 << 10);
    /// ```
    pub fn page_size(self) -> u64 {
        unsafe { sys::mc_arch_page_size(self.to_raw()) }
    }
}

/// A number as the map file writes it (`mc_parse_number()`): decimal or
/// 0x hex, with an optional binary suffix K, M, G or T.
///
/// ```
/// assert_eq!(memcarve::parse_number("640K"), Ok(640 << 10));
/// assert_eq!(memcarve::parse_number("0x9fc00"), Ok(0x9fc00));
/// assert!(matches!(memcarve::parse_number("16777216T"), Err(memcarve::Error::Range(_))));
/// assert!(matches!(memcarve::parse_number("ten"), Err(memcarve::Error::Invalid(_))));
/// ```
pub fn parse_number(s: &str) -> crate::Result<u64> {
    let c = crate::map::c_string("s", s)?;
    let mut out = 0;
    match unsafe { sys::mc_parse_number(c.as_ptr(), &mut out) } {
        0 => Ok(out),
        rc => Err(crate::Error::from_code(rc, Vec::new())),
    }
}

/// A PCI device as `[segment:]bus:dev.fn` (`struct mc_pci_dev`; `devfn` is
/// `dev << 3 | fn`).
///
/// ```
/// let dev = memcarve::PciDev { segment: 0, bus: 1, devfn: 0 };
/// assert_eq!(dev, memcarve::PciDev { bus: 1, ..Default::default() });
/// ```
pub use sys::mc_pci_dev as PciDev;

/// One KVM memory slot (`struct mc_slot`): `slot` number, its NUMA
/// `node` (0 when the map is not NUMA), `guest` address, `size` and
/// `offset` into one packed host backing area, laid out node after node
/// in a NUMA map ([`crate::Carved::backing`]).
///
/// ```
/// let mut map = memcarve::Map::parse("ram 0x0 1G\n").unwrap();
/// let carved = map.carve().unwrap();
/// let slot: &memcarve::Slot = &carved.slots()[0];
/// assert_eq!((slot.slot, slot.node, slot.guest, slot.size, slot.offset), (0, 0, 0, 1 << 30, 0));
/// ```
pub use sys::mc_slot as Slot;

/// One NUMA node's part of the backing area (`struct mc_node_backing`):
/// the `node`, where its part starts (`offset`) and its bytes (`size`).
///
/// ```
/// let mut map = memcarve::Map::parse("ram 0x0 1G node=0\nram 0x40000000 1G node=1\n").unwrap();
/// let carved = map.carve().unwrap();
/// let b: &memcarve::NodeBacking = &carved.backing()[1];
/// assert_eq!((b.node, b.offset, b.size), (1, 1 << 30, 1 << 30));
/// ```
pub use sys::mc_node_backing as NodeBacking;

/// Region flags: the first seven are input, the rest set in results.
///
/// ```
/// use memcarve::flags;
/// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K policy=overlay reusable\n").unwrap();
/// let carved = map.carve().unwrap();
/// assert_eq!(carved.pieces()[1].flags(), flags::REUSABLE | flags::BACKED);
/// assert_eq!(flags::READONLY | flags::PRIVILEGED | flags::ACCESS | flags::RELOCATED | flags::CARVED, 0x60e);
/// ```
pub mod flags {
    use memcarve_sys as sys;
    /// DT: "reusable" instead of "no-map".
    pub const REUSABLE: u32 = sys::MC_F_REUSABLE;
    /// Devices only read it (IVMD without IW).
    pub const READONLY: u32 = sys::MC_F_READONLY;
    /// IORT RMR: privileged access only.
    pub const PRIVILEGED: u32 = sys::MC_F_PRIVILEGED;
    /// `access` holds IORT access attributes.
    pub const ACCESS: u32 = sys::MC_F_ACCESS;
    /// A direct range for every device ("devices=all").
    pub const ALL_DEVICES: u32 = sys::MC_F_ALL_DEVICES;
    /// A reserved range outside a device's usable IOVA ranges.
    pub const IOVA_GAP: u32 = sys::MC_F_IOVA_GAP;
    /// The region has a NUMA node ([`crate::Region::node`] is `Some`).
    pub const NODE: u32 = sys::MC_F_NODE;
    /// Result: guest RAM still backs it.
    pub const BACKED: u32 = sys::MC_F_BACKED;
    /// Result: RAM added back by relocate.
    pub const RELOCATED: u32 = sys::MC_F_RELOCATED;
    /// Result: RAM was cut out under it.
    pub const CARVED: u32 = sys::MC_F_CARVED;
}

/// One range of guest-physical address space, as input (`struct
/// mc_region`), with owned strings and arrays.
///
/// ```
/// use memcarve::{Kind, Map, Region, ResvType};
/// let mut map = Map::new();
/// map.add(&Region::new(Kind::Ram, 0x4000_0000, 0x7fff_ffff)).unwrap();
/// map.add(&Region {
///     resv_type: ResvType::Msi,
///     name: Some("its".into()),
///     ..Region::new(Kind::Reserved, 0x4800_0000, 0x480f_ffff)
/// }).unwrap();
/// assert_eq!(map.regions()[1].source.as_deref(), Some("mc_map_add()"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    /// First byte.
    pub first: u64,
    /// Last byte (inclusive).
    pub last: u64,
    /// What the range is.
    pub kind: Kind,
    /// IOMMU reserved-region type (reserved regions only).
    pub resv_type: ResvType,
    /// Its own policy, or [`Policy::Default`].
    pub policy: Policy,
    /// [`flags`] (input ones).
    pub flags: u32,
    /// Required alignment of `first`, 0 for none.
    pub align: u64,
    /// IORT RMR access attributes, with [`flags::ACCESS`].
    pub access: u32,
    /// Name for DT nodes and labels.
    pub name: Option<String>,
    /// PCI devices a direct range serves.
    pub devices: Vec<PciDev>,
    /// IORT stream IDs.
    pub sids: Vec<u32>,
    /// Where it came from, named in diagnostics.
    pub source: Option<String>,
    /// The line of `source`, 0 if none.
    pub line: u32,
    /// The NUMA node (ram, pmem and hotplug only): `Some` sets
    /// [`flags::NODE`]. A map is NUMA when any region has one, and then
    /// every ram, pmem and hotplug region must.
    pub node: Option<u32>,
}

impl Region {
    /// A region of `kind` over `[first, last]`, every other field default.
    ///
    /// ```
    /// let r = memcarve::Region::new(memcarve::Kind::Mmio, 0x1000, 0x1fff);
    /// assert_eq!((r.first, r.last, r.name), (0x1000, 0x1fff, None));
    /// ```
    pub fn new(kind: Kind, first: u64, last: u64) -> Region {
        Region {
            first,
            last,
            kind,
            resv_type: ResvType::Reserved,
            policy: Policy::Default,
            flags: 0,
            align: 0,
            access: 0,
            name: None,
            devices: Vec::new(),
            sids: Vec::new(),
            source: None,
            line: 0,
            node: None,
        }
    }
}

/// What carving did to guest RAM, in bytes (`struct mc_totals`).
///
/// ```
/// let mut map = memcarve::Map::parse("ram 0x0 1G\nreserved 0x1000 4K\n").unwrap();
/// let t = map.carve().unwrap().totals();
/// assert_eq!((t.ram_before, t.ram_after, t.carved), (1 << 30, (1 << 30) - 4096, 4096));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// RAM the map declares.
    pub ram_before: u64,
    /// RAM that backs the guest after carving.
    pub ram_after: u64,
    /// RAM removed under carved ranges, rounding included.
    pub carved: u64,
    /// RAM added back by the relocate policy.
    pub relocated: u64,
    /// The part of `carved` due only to granule rounding.
    pub lost_to_rounding: u64,
}
