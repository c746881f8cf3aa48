//! The carved map's direct ranges as ACPI tables (memcarve-acpi.h).
use crate::error::Result;
use crate::map::{c_init, c_string, Carved};
use memcarve_sys as sys;
use std::ffi::CString;
use std::os::raw::c_void;
use std::ptr;

/// Which ACPI table.
///
/// ```
/// assert_ne!(memcarve::AcpiTable::Dmar, memcarve::AcpiTable::Iort);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcpiTable {
    /// Intel VT-d: an RMRR per direct range.
    Dmar,
    /// AMD-Vi: IVMD blocks.
    Ivrs,
    /// Arm: an RMR node per range.
    Iort,
    /// The NUMA nodes of a map with `node=`: a memory affinity structure
    /// per node-contiguous range (1.1).
    Srat,
}

/// The base table, header fields and IOMMU of a table (`struct
/// mc_acpi_opts`); the defaults are QEMU's emulated IOMMUs.
///
/// ```
/// let opts = memcarve::AcpiOptions::default();
/// assert_eq!((opts.host_address_width, opts.ivhd_devid), (39, 0x18));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcpiOptions<'a> {
    /// The VMM's table of the same signature to patch.
    pub base: Option<&'a [u8]>,
    /// OEM ID, at most 6 characters.
    pub oem_id: Option<&'a str>,
    /// OEM table ID, at most 8 characters.
    pub oem_table_id: Option<&'a str>,
    /// OEM revision; None: 1 fresh, the base's + 1 patched.
    pub oem_revision: Option<u32>,
    /// Creator ID, at most 4 characters.
    pub creator_id: Option<&'a str>,
    /// Creator revision.
    pub creator_revision: u32,
    /// Table revision, 0 for the table's default.
    pub revision: u8,
    /// DRHD / IVHD / SMMUv3 base, 0 for QEMU's.
    pub iommu_base: u64,
    /// DMAR: DMA address width in bits.
    pub host_address_width: u8,
    /// DMAR flags.
    pub dmar_flags: u8,
    /// IVRS IVinfo.
    pub ivinfo: u32,
    /// IVRS: the IOMMU's requester ID.
    pub ivhd_devid: u16,
    /// IVRS IVHD flags.
    pub ivhd_flags: u8,
    /// IVRS IVHD capability offset.
    pub ivhd_cap_offset: u16,
    /// IVRS IVHD feature reporting.
    pub ivhd_features: u32,
    /// IVRS: the IOAPIC's requester ID.
    pub ioapic_devid: u16,
    /// IVRS: its IOAPIC ID.
    pub ioapic_id: u8,
    /// IORT SMMUv3 event GSIV.
    pub smmu_gsiv: u32,
    /// SRAT: the guest kernel's MAX_NUMNODES (a power of two 2..1024); 0
    /// takes Debian's for the arch (x86_64 1024, arm64 16). More proximity
    /// domains, or more than twice as many memory structures, are refused:
    /// Linux would drop the SRAT.
    pub max_numnodes: u32,
}

fn init_raw() -> sys::mc_acpi_opts {
    c_init(sys::mc_acpi_opts_init)
}

impl Default for AcpiOptions<'_> {
    /// `mc_acpi_opts_init()`: a fresh table, QEMU's IOMMU of each kind.
    ///
    /// ```
    /// assert_eq!(memcarve::AcpiOptions::default().smmu_gsiv, 0x6a);
    /// ```
    fn default() -> Self {
        let raw = init_raw();
        AcpiOptions {
            base: None,
            oem_id: None,
            oem_table_id: None,
            oem_revision: None,
            creator_id: None,
            creator_revision: raw.creator_revision,
            revision: raw.revision,
            iommu_base: raw.iommu_base,
            host_address_width: raw.host_address_width,
            dmar_flags: raw.dmar_flags,
            ivinfo: raw.ivinfo,
            ivhd_devid: raw.ivhd_devid,
            ivhd_flags: raw.ivhd_flags,
            ivhd_cap_offset: raw.ivhd_cap_offset,
            ivhd_features: raw.ivhd_features,
            ioapic_devid: raw.ioapic_devid,
            ioapic_id: raw.ioapic_id,
            smmu_gsiv: raw.smmu_gsiv,
            max_numnodes: 0,
        }
    }
}

fn opt_c(what: &'static str, s: Option<&str>) -> Result<Option<CString>> {
    s.map(|s| c_string(what, s)).transpose()
}

fn table_raw(table: AcpiTable) -> sys::mc_acpi_table {
    match table {
        AcpiTable::Dmar => sys::MC_ACPI_DMAR,
        AcpiTable::Ivrs => sys::MC_ACPI_IVRS,
        AcpiTable::Iort => sys::MC_ACPI_IORT,
        AcpiTable::Srat => sys::MC_ACPI_SRAT,
    }
}

/// The tables of an RSDP blob as C takes them: pointers and lengths.
fn table_arrays(tables: &[&[u8]]) -> (Vec<*const c_void>, Vec<usize>) {
    (tables.iter().map(|t| t.as_ptr() as *const c_void).collect(), tables.iter().map(|t| t.len()).collect())
}

/// The C options of `opts` handed to `f`, the ID strings alive for the
/// call. `all`: every field of `opts`; else only the base and the header
/// fields an RSDP blob reads, the rest from `mc_acpi_opts_init()`.
fn with_raw<R>(opts: &AcpiOptions, all: bool, f: impl FnOnce(&sys::mc_acpi_opts) -> R) -> Result<R> {
    let oem_id = opt_c("opts.oem_id", opts.oem_id)?;
    let oem_table_id = opt_c("opts.oem_table_id", opts.oem_table_id)?;
    let creator_id = opt_c("opts.creator_id", opts.creator_id)?;
    let cptr = |c: &Option<CString>| c.as_ref().map_or(ptr::null(), |c| c.as_ptr());
    let mut raw = init_raw();
    raw.base = opts.base.map_or(ptr::null(), |b| b.as_ptr() as *const c_void);
    raw.base_len = opts.base.map_or(0, |b| b.len());
    raw.oem_id = cptr(&oem_id);
    raw.oem_table_id = cptr(&oem_table_id);
    raw.oem_revision = opts.oem_revision.unwrap_or(0);
    raw.set_oem_revision = opts.oem_revision.is_some();
    raw.creator_id = cptr(&creator_id);
    raw.creator_revision = opts.creator_revision;
    if all {
        raw.revision = opts.revision;
        raw.iommu_base = opts.iommu_base;
        raw.host_address_width = opts.host_address_width;
        raw.dmar_flags = opts.dmar_flags;
        raw.ivinfo = opts.ivinfo;
        raw.ivhd_devid = opts.ivhd_devid;
        raw.ivhd_flags = opts.ivhd_flags;
        raw.ivhd_cap_offset = opts.ivhd_cap_offset;
        raw.ivhd_features = opts.ivhd_features;
        raw.ioapic_devid = opts.ioapic_devid;
        raw.ioapic_id = opts.ioapic_id;
        raw.smmu_gsiv = opts.smmu_gsiv;
        raw.max_numnodes = opts.max_numnodes;
    }
    Ok(f(&raw))
}

impl Carved<'_> {
    /// The table describing the map's direct (identity-mapped) ranges, or
    /// with [`AcpiTable::Srat`] its NUMA nodes.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse(
    ///     "arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n").unwrap();
    /// let mut carved = map.carve().unwrap();
    /// let dmar = carved.acpi(memcarve::AcpiTable::Dmar, &Default::default()).unwrap();
    /// assert_eq!(&dmar[..4], b"DMAR");
    /// ```
    pub fn acpi(&mut self, table: AcpiTable, opts: &AcpiOptions) -> Result<Vec<u8>> {
        let (map, table) = (&mut *self.map, table_raw(table));
        with_raw(opts, true, |raw| {
            map.alloc_bytes(|m, out, size| unsafe { sys::mc_acpi_build_alloc(m, table, raw, out, size) })
        })?
    }

    /// [`Carved::acpi`] into `buf`: the table's length, or
    /// [`crate::Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse(
    ///     "arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n")?;
    /// let mut carved = map.carve()?;
    /// let mut buf = [0u8; 4096];
    /// let n = carved.acpi_into(memcarve::AcpiTable::Dmar, &Default::default(), &mut buf)?;
    /// assert_eq!(&buf[..n], &carved.acpi(memcarve::AcpiTable::Dmar, &Default::default())?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn acpi_into(&mut self, table: AcpiTable, opts: &AcpiOptions, buf: &mut [u8]) -> Result<usize> {
        let (map, table) = (&mut *self.map, table_raw(table));
        with_raw(opts, true, |raw| {
            map.into_buf(buf, |m, b, size| unsafe { sys::mc_acpi_build(m, table, raw, b as *mut c_void, size) })
        })?
    }

    /// An RSDP (revision 2) at `addr`, an XSDT at `addr + 0x40`, then the
    /// `tables` at 16-byte boundaries: one blob the VMM loads at `addr`,
    /// which must lie in one acpi or RAM piece. Only the OEM and creator
    /// fields of `opts` are read (`opts.base` must be None).
    ///
    /// ```
    /// let mut map = memcarve::Map::parse(
    ///     "arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n").unwrap();
    /// let mut carved = map.carve().unwrap();
    /// let dmar = carved.acpi(memcarve::AcpiTable::Dmar, &Default::default()).unwrap();
    /// let blob = carved.rsdp(0x80000, &[&dmar], &Default::default()).unwrap();
    /// assert_eq!(&blob[..8], b"RSD PTR ");
    /// assert!(carved.rsdp(0x80001, &[&dmar], &Default::default()).is_err());
    /// ```
    pub fn rsdp(&mut self, addr: u64, tables: &[&[u8]], opts: &AcpiOptions) -> Result<Vec<u8>> {
        let (ptrs, lens) = table_arrays(tables);
        let map = &mut *self.map;
        with_raw(opts, false, |raw| {
            map.alloc_bytes(|m, out, size| unsafe {
                sys::mc_acpi_rsdp_alloc(m, addr, ptrs.as_ptr(), lens.as_ptr(), tables.len(), raw, out, size)
            })
        })?
    }

    /// [`Carved::rsdp`] into `buf`: the blob's length, or
    /// [`crate::Error::NoSpace`] with the length needed.
    ///
    /// ```
    /// let mut map = memcarve::Map::parse(
    ///     "arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n")?;
    /// let mut carved = map.carve()?;
    /// let dmar = carved.acpi(memcarve::AcpiTable::Dmar, &Default::default())?;
    /// let mut buf = [0u8; 512];
    /// let n = carved.rsdp_into(0x80000, &[&dmar], &Default::default(), &mut buf)?;
    /// assert_eq!(&buf[..n], &carved.rsdp(0x80000, &[&dmar], &Default::default())?[..]);
    /// # Ok::<(), memcarve::Error>(())
    /// ```
    pub fn rsdp_into(&mut self, addr: u64, tables: &[&[u8]], opts: &AcpiOptions, buf: &mut [u8]) -> Result<usize> {
        let (ptrs, lens) = table_arrays(tables);
        let map = &mut *self.map;
        with_raw(opts, false, |raw| {
            map.into_buf(buf, |m, b, size| unsafe {
                sys::mc_acpi_rsdp(m, addr, ptrs.as_ptr(), lens.as_ptr(), tables.len(), raw, b as *mut c_void, size)
            })
        })?
    }
}

/// How many structures of `type_` an SRAT holds (0 processor local APIC,
/// 1 memory, 2 x2APIC, 3 GICC, ...) (`mc_acpi_srat_count()`);
/// [`crate::Error::BadBlob`] when `srat` is not a whole SRAT.
///
/// ```
/// let mut map = memcarve::Map::parse("arch x86_64\nram 0x0 1G node=0\nram 0x40000000 1G node=1\n")?;
/// let srat = map.carve()?.acpi(memcarve::AcpiTable::Srat, &Default::default())?;
/// assert_eq!(memcarve::srat_count(&srat, 1)?, 2);
/// assert_eq!(memcarve::srat_count(&srat, 0)?, 0);
/// assert!(memcarve::srat_count(&srat[..40], 1).is_err());
/// # Ok::<(), memcarve::Error>(())
/// ```
pub fn srat_count(srat: &[u8], type_: u32) -> Result<usize> {
    let mut n = 0;
    match unsafe { sys::mc_acpi_srat_count(srat.as_ptr() as *const c_void, srat.len(), type_, &mut n) } {
        0 => Ok(n),
        rc => Err(crate::Error::from_code(rc, Vec::new())),
    }
}

/// What ACPI calls an SRAT structure type; None for one ACPI 6.6 does not
/// define (`mc_acpi_srat_type_name()`).
///
/// ```
/// assert_eq!(memcarve::srat_type_name(0), Some("processor local APIC affinity"));
/// assert_eq!(memcarve::srat_type_name(200), None);
/// ```
pub fn srat_type_name(type_: u32) -> Option<&'static str> {
    let p = unsafe { sys::mc_acpi_srat_type_name(type_) };
    if p.is_null() {
        return None;
    }
    // A static string of the library.
    unsafe { std::ffi::CStr::from_ptr(p) }.to_str().ok()
}
