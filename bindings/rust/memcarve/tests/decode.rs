//! Round trips: a map carved and written by the library, read back with
//! `Map::decode`, gives the same ranges: every decoder of the headers, one
//! test each, plus what each does with bytes that are not its format.
use memcarve::*;
use std::path::PathBuf;

fn fixture_text(path: &str) -> String {
    let top = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    std::fs::read_to_string(top.join(path)).unwrap_or_else(|e| panic!("{}: {}", path, e))
}

fn fixture(path: &str) -> Vec<u8> {
    let top = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..");
    std::fs::read(top.join(path)).unwrap_or_else(|e| panic!("{}: {}", path, e))
}

type Range = (Kind, u64, u64);

/// The decoded map's regions of the given kinds, sorted.
fn decoded(map: &Map, kinds: &[Kind]) -> Vec<Range> {
    let mut v: Vec<Range> =
        map.regions().iter().filter(|r| kinds.contains(&r.kind)).map(|r| (r.kind, r.first, r.last)).collect();
    v.sort_by_key(|&(_, first, last)| (first, last));
    v
}

/// The slots as ram ranges.
fn slot_ranges(carved: &Carved) -> Vec<Range> {
    carved.slots().iter().map(|s| (Kind::Ram, s.guest, s.guest + (s.size - 1))).collect()
}

/// An e820 table as the kinds the decoders give its types.
fn e820_ranges(table: &[E820Entry]) -> Vec<Range> {
    table
        .iter()
        .map(|e| {
            let kind = match e.type_ {
                1 => Kind::Ram,
                3 => Kind::Acpi,
                4 => Kind::Nvs,
                7 => Kind::Pmem,
                _ => Kind::Reserved,
            };
            (kind, e.addr, e.addr + (e.size - 1))
        })
        .collect()
}

const ALL: [Kind; 7] = [Kind::Ram, Kind::Mmio, Kind::Reserved, Kind::Acpi, Kind::Nvs, Kind::Pmem, Kind::Hotplug];

#[test]
fn dt_gives_back_memory_and_reservations() {
    let mut map = Map::parse(&fixture_text("fixtures/arm64-kvmtool.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let dtb = carved.dt(&Default::default()).unwrap();
    let mut reserved: Vec<Range> = carved
        .pieces()
        .iter()
        .filter(|p| p.kind() == Kind::Reserved)
        .map(|p| (Kind::Reserved, p.first(), p.last()))
        .collect();
    reserved.sort_by_key(|r| (r.1, r.2));
    let slots = slot_ranges(&carved);
    let back = Map::from_blob(Format::Dt, &dtb).unwrap();
    assert_eq!(decoded(&back, &[Kind::Ram]), slots);
    assert_eq!(decoded(&back, &[Kind::Reserved]), reserved);
    assert!(back.regions().iter().all(|r| r.source.as_deref() == Some("DTB")));
}

#[test]
fn dt_gives_back_numa_nodes_and_distances() {
    let mut map = Map::parse(&fixture_text("fixtures/dt/numa-arm64.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let dtb = carved.dt(&DtOptions { distance_map: true, ..Default::default() }).unwrap();
    let nodes: Vec<(u64, u32)> = carved.slots().iter().map(|s| (s.guest, s.node)).collect();
    let (d01, d10) = (carved.map().distance(0, 1), carved.map().distance(1, 0));
    let back = Map::from_blob(Format::Dt, &dtb).unwrap();
    assert!(back.is_numa());
    let mut got: Vec<(u64, u32)> =
        back.regions().iter().filter(|r| r.kind == Kind::Ram).map(|r| (r.first, r.node.unwrap())).collect();
    got.sort();
    assert_eq!(got, nodes);
    assert_eq!((back.distance(0, 1), back.distance(1, 0)), (d01, d10));
    assert!(d01.is_some());
}

#[test]
fn e820_forms_give_back_the_table() {
    let mut map = Map::parse(&fixture_text("fixtures/e820/all-types.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let table = carved.e820(false).unwrap();
    let want = e820_ranges(&table);
    let raw = e820_encode(&table);
    let text = e820_print(&table, "BIOS-e820", 0).unwrap();
    let zp = carved.zero_page(&Default::default()).unwrap();
    let forms = [(Format::E820Table, &raw[..]), (Format::E820Text, text.as_bytes()), (Format::E820ZeroPage, &zp)];
    for (format, blob) in forms {
        let back = Map::from_blob(format, blob).unwrap();
        assert_eq!(decoded(&back, &ALL), want, "{:?}", format);
        assert_eq!(back.arch(), Arch::X86_64, "{:?}", format);
    }
}

/// Past 128 entries the zero page holds the first 128 and a
/// SETUP_E820_EXT node the rest.
#[test]
fn setup_data_gives_back_the_entries_past_the_zero_page() {
    let mut map = Map::parse(&fixture_text("fixtures/e820/many.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let table = carved.e820(false).unwrap();
    assert!(table.len() > 128);
    let opts = BootOptions { setup_data_addr: 0x30000, ..Default::default() };
    let blob = carved.zero_page(&opts).unwrap();
    let (zp, sd) = blob.split_at(4096);
    let mut back = Map::from_blob(Format::E820ZeroPage, zp).unwrap();
    back.decode(Format::E820SetupData, sd).unwrap();
    assert_eq!(back.regions().len(), table.len());
    assert_eq!(decoded(&back, &ALL), e820_ranges(&table));
}

#[test]
fn pvh_gives_back_its_memmap() {
    let mut map = Map::parse(&fixture_text("fixtures/x86-8g.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let table = carved.e820(false).unwrap();
    let block = carved.pvh(&PvhOptions { start_info_addr: 0x7000, ..Default::default() }).unwrap();
    let back = Map::from_blob(Format::Pvh, &block).unwrap();
    assert_eq!(decoded(&back, &ALL), e820_ranges(&table));
    assert!(matches!(Map::from_blob(Format::Pvh, &block[..60]), Err(Error::BadBlob(d)) if !d.is_empty()));
}

#[test]
fn pvh_kernel_reads_the_entry_note() {
    let elf = fixture("fixtures/pvh/vmlinux-pvh.elf");
    let mut map = Map::new();
    let k = map.pvh_kernel("vmlinux-pvh.elf", &elf).unwrap();
    assert!(k.load_first <= k.entry && k.entry <= k.load_last, "{:?}", k);
    let err = map.pvh_kernel("vmlinux-nopvh.elf", &fixture("fixtures/pvh/vmlinux-nopvh.elf")).unwrap_err();
    assert!(matches!(err, Error::BadBlob(_)));
    assert_eq!(err.diagnostics()[0].field, "image");
}

/// The direct ranges of the map, with their devices.
fn direct(carved: &Carved) -> Vec<(u64, u64, Vec<PciDev>)> {
    let mut v: Vec<_> = carved
        .pieces()
        .iter()
        .filter(|p| matches!(p.resv_type(), ResvType::Direct | ResvType::DirectRelaxable))
        .map(|p| (p.first(), p.last(), p.devices().to_vec()))
        .collect();
    v.sort_by_key(|d| (d.0, d.1));
    v
}

fn decoded_direct(map: &Map) -> Vec<(u64, u64, Vec<PciDev>)> {
    let mut v: Vec<_> = map.regions().iter().map(|r| (r.first, r.last, r.devices.clone())).collect();
    v.sort_by_key(|d| (d.0, d.1));
    v
}

#[test]
fn dmar_and_ivrs_give_back_the_direct_ranges() {
    let mut map = Map::parse(&fixture_text("fixtures/acpi/x86-direct.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let want = direct(&carved);
    assert_eq!(want.len(), 3);
    // An IVMD names one device or one run of them: a range may come back
    // as one region per IVMD. Compare range and device pairs.
    let pairs = |v: Vec<(u64, u64, Vec<PciDev>)>| {
        let mut p: Vec<(u64, u64, u16, u8, u8)> = v
            .into_iter()
            .flat_map(|(f, l, devs)| devs.into_iter().map(move |d| (f, l, d.segment, d.bus, d.devfn)))
            .collect();
        p.sort();
        p
    };
    for (table, format, sig) in [(AcpiTable::Dmar, Format::Dmar, "DMAR"), (AcpiTable::Ivrs, Format::Ivrs, "IVRS")] {
        let blob = carved.acpi(table, &Default::default()).unwrap();
        let back = Map::from_blob(format, &blob).unwrap();
        assert_eq!(pairs(decoded_direct(&back)), pairs(want.clone()), "{:?}", format);
        assert!(back.regions().iter().all(|r| r.source.as_deref() == Some(sig)));
    }
}

#[test]
fn iort_gives_back_the_rmr_ranges_and_stream_ids() {
    let mut map = Map::parse(&fixture_text("fixtures/acpi/arm64-rmr.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let want: Vec<(u64, u64)> = direct(&carved).iter().map(|d| (d.0, d.1)).collect();
    let sids: Vec<u32> = carved.pieces().iter().flat_map(|p| p.sids().to_vec()).collect();
    let iort = carved.acpi(AcpiTable::Iort, &Default::default()).unwrap();
    let back = Map::from_blob(Format::Iort, &iort).unwrap();
    let got: Vec<(u64, u64)> = decoded_direct(&back).iter().map(|d| (d.0, d.1)).collect();
    assert_eq!(got, want);
    let back_sids: Vec<u32> = back.regions().iter().flat_map(|r| r.sids.clone()).collect();
    assert!(sids.iter().all(|s| back_sids.contains(s)), "{:?} {:?}", sids, back_sids);
}

#[test]
fn srat_gives_back_each_range_with_its_node() {
    let mut map = Map::parse(&fixture_text("fixtures/srat/two-nodes.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let srat = carved.acpi(AcpiTable::Srat, &Default::default()).unwrap();
    // What the SRAT says: backed memory by node, pmem, hotplug windows.
    let mut want: Vec<(Kind, u64, u32)> = carved.slots().iter().map(|s| (Kind::Ram, s.guest, s.node)).collect();
    for p in carved.pieces() {
        if matches!(p.kind(), Kind::Pmem | Kind::Hotplug) {
            want.push((p.kind(), p.first(), p.node().unwrap()));
        }
    }
    want.sort_by_key(|w| w.1);
    let back = Map::from_blob(Format::Srat, &srat).unwrap();
    let mut got: Vec<(Kind, u64, u32)> = back.regions().iter().map(|r| (r.kind, r.first, r.node.unwrap())).collect();
    got.sort_by_key(|g| g.1);
    // A node's touching slots are one structure: compare starts that begin
    // a run of one node and kind.
    got.dedup_by_key(|g| (g.0, g.2));
    want.dedup_by_key(|w| (w.0, w.2));
    assert_eq!(got, want);
}

#[test]
fn rsdp_gives_back_itself_and_its_tables() {
    let mut map = Map::parse(&fixture_text("fixtures/acpi/x86-direct.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let want = direct(&carved);
    let dmar = carved.acpi(AcpiTable::Dmar, &Default::default()).unwrap();
    let blob = carved.rsdp(0x80000, &[&dmar], &Default::default()).unwrap();
    let back = Map::from_blob(Format::Rsdp, &blob).unwrap();
    let acpi = decoded(&back, &[Kind::Acpi]);
    assert_eq!(acpi, [(Kind::Acpi, 0x80000, 0x80000 + blob.len() as u64 - 1)]);
    let rmrr: Vec<_> = decoded_direct(&back).into_iter().filter(|d| d.0 != 0x80000).collect();
    assert_eq!(rmrr, want);
}

#[test]
fn ssdt_gives_back_the_holes() {
    let mut map = Map::parse(&fixture_text("fixtures/x86-rmrr.map")).unwrap();
    map.load_resv("fixtures/x86-rmrr.resv", &fixture_text("fixtures/x86-rmrr.resv")).unwrap();
    let mut carved = map.carve().unwrap();
    // Reserved pieces no RAM backs (this map has no mmio inside RAM).
    let mut want: Vec<(u64, u64)> = carved
        .pieces()
        .iter()
        .filter(|p| p.kind() == Kind::Reserved && p.flags() & flags::BACKED == 0)
        .map(|p| (p.first(), p.last()))
        .collect();
    want.sort();
    // Touching ranges are one descriptor.
    want.dedup_by(|b, a| {
        let join = a.1.checked_add(1) == Some(b.0);
        if join {
            a.1 = b.1;
        }
        join
    });
    let ssdt = carved.ssdt(&Default::default()).unwrap();
    let back = Map::from_blob(Format::Ssdt, &ssdt).unwrap();
    let got: Vec<(u64, u64)> = decoded(&back, &[Kind::Reserved]).iter().map(|r| (r.1, r.2)).collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
    assert!(back.regions().iter().all(|r| r.name.as_deref() == Some("pnp0c02")));
}

#[test]
fn cmdline_gives_back_the_memory() {
    let mut map = Map::parse(&fixture_text("fixtures/cmdline/malta.map")).unwrap();
    let mut carved = map.carve().unwrap();
    let slots = slot_ranges(&carved);
    for escape in [Escape::None, Escape::Shell, Escape::Grub] {
        let opts = CmdlineOptions { escape, append: Some("console=ttyS0"), ..Default::default() };
        let line = carved.cmdline(&opts).unwrap();
        let back = Map::from_blob(Format::Cmdline, line.as_bytes()).unwrap();
        assert_eq!(back.arch(), Arch::Mips);
        assert_eq!(decoded(&back, &[Kind::Ram]), slots, "{:?}", escape);
    }
}

/// Bytes of no format: BadBlob with no diagnostic (the caller tries the
/// next decoder); the map is left as it was.
#[test]
fn other_bytes_are_not_the_format() {
    let mut map = Map::parse("ram 0x0 1G\n").unwrap();
    let formats = [
        Format::Dt,
        Format::E820ZeroPage,
        Format::E820SetupData,
        Format::E820Table,
        Format::E820Text,
        Format::Pvh,
        Format::Dmar,
        Format::Ivrs,
        Format::Iort,
        Format::Srat,
        Format::Rsdp,
        Format::Ssdt,
        Format::Cmdline,
    ];
    for format in formats {
        let err = map.decode(format, b"hello, world").unwrap_err();
        assert!(matches!(err, Error::BadBlob(_)), "{:?}: {:?}", format, err);
        assert_eq!(map.regions().len(), 1, "{:?}", format);
    }
}

/// Device paths set through the API go into a patched tree's
/// iommu-addresses and come back from it.
#[test]
fn dt_gives_back_device_paths() {
    let base = fixture("fixtures/dt/base-arm64-smmuv3-nodes.dtb");
    let mut map = Map::parse("arch arm64\nram 0x40000000 1G\n").unwrap();
    let devs = vec![parse_pci_dev("00:02.0").unwrap()];
    map.add(&Region {
        resv_type: ResvType::Direct,
        policy: Policy::Overlay,
        name: Some("fw-buffer".into()),
        devices: devs.clone(),
        ..Region::new(Kind::Reserved, 0x4800_0000, 0x48ff_ffff)
    })
    .unwrap();
    map.add(&Region {
        resv_type: ResvType::DirectRelaxable,
        name: Some("fb".into()),
        ..Region::new(Kind::Reserved, 0x5000_0000, 0x501f_ffff)
    })
    .unwrap();
    map.set_device_paths(1, &["/soc/ethernet@ff0c0000", "/pcie@10000000/pci@1,0"]).unwrap();
    map.set_device_paths(2, &["/pcie@10000000/pci@1,0", "/virtio_mmio@a000000"]).unwrap();
    let mut carved = map.carve().unwrap();
    // The ACPI tables cannot name a node.
    let err = carved.acpi(AcpiTable::Iort, &Default::default()).unwrap_err();
    assert!(!err.diagnostics().is_empty());
    let dtb = carved.dt(&DtOptions { base: Some(&base), ..Default::default() }).unwrap();
    let back = Map::from_blob(Format::Dt, &dtb).unwrap();
    let find = |name: &str| back.regions().iter().position(|r| r.name.as_deref() == Some(name)).unwrap();
    let (fw, fb) = (find("fw-buffer"), find("fb"));
    // A path to a PCI function comes back as the function (00:01.0), any
    // other node as its path.
    let pci1 = parse_pci_dev("00:01.0").unwrap();
    assert_eq!(back.regions()[fw].devices, [devs[0], pci1]);
    assert_eq!(back.device_paths(fw), ["/soc/ethernet@ff0c0000"]);
    assert_eq!(back.regions()[fb].devices, [pci1]);
    assert_eq!(back.device_paths(fb), ["/virtio_mmio@a000000"]);
}
