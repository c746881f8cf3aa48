//! Every call of the safe API, its success and its errors.
use memcarve::*;

const ARM64: &str = "arch arm64\nram 0x40000000 1G name=dram\nreserved 0x48000000 1M type=msi name=its\n";

#[test]
fn map_settings_round_trip() {
    let mut map = Map::new();
    assert_eq!((map.arch(), map.policy(), map.granule()), (Arch::None, Policy::Carve, 4096));
    map.set_arch(Arch::Ppc64).unwrap();
    map.set_policy(Policy::Overlay).unwrap();
    map.set_granule(1 << 24).unwrap();
    assert_eq!((map.arch(), map.policy(), map.granule()), (Arch::Ppc64, Policy::Overlay, 1 << 24));
    assert!(matches!(map.set_arch(Arch::Other(99)), Err(Error::Invalid(_))));
    assert!(matches!(map.set_granule(3 << 12), Err(Error::Invalid(_))));
}

#[test]
fn load_errors_name_source_line_and_field() {
    let mut map = Map::new();
    let err = map.load("vm.map", "ram 0x0 1G\nram 0x0 zero\nmmio 0x0\n").unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), 2);
    assert_eq!((d[0].source.as_str(), d[0].line), ("vm.map", 2));
    assert_eq!(d[1].line, 3);
    // The good line was added; the diagnostics were taken off the map.
    assert_eq!(map.regions().len(), 1);
    map.load("vm.map", "mmio 0x80000000 1G\n").unwrap();
    assert_eq!(map.regions().len(), 2);
}

#[test]
fn nul_bytes_are_refused_before_c() {
    let mut map = Map::new();
    assert_eq!(map.load("a\0b", ""), Err(Error::Nul("source")));
    let region = Region { name: Some("x\0".into()), ..Region::new(Kind::Ram, 0, 0xfff) };
    assert_eq!(map.add(&region), Err(Error::Nul("region.name")));
    // In text, a NUL is the library's to refuse: binary input.
    assert!(matches!(map.load("t", "ram 0x0 1G\0"), Err(Error::Invalid(_))));
}

#[test]
fn load_resv_names_its_source() {
    let mut map = Map::parse(ARM64).unwrap();
    map.load_resv("rr", "0x08000000 0x080fffff msi\n").unwrap();
    let r = &map.regions()[2];
    assert_eq!((r.kind, r.resv_type, r.source.as_deref(), r.line), (Kind::Reserved, ResvType::Msi, Some("rr"), 1));
    let err = map.load_resv("rr", "0x1000 0x0fff msi\n").unwrap_err();
    assert!(err.to_string().starts_with("rr:1: "), "{}", err);
}

#[test]
fn add_copies_every_field() {
    let mut map = Map::new();
    let region = Region {
        resv_type: ResvType::DirectRelaxable,
        policy: Policy::Overlay,
        flags: flags::READONLY | flags::ACCESS,
        align: 0x10000,
        access: 5,
        name: Some("fb".into()),
        devices: vec![PciDev { segment: 0, bus: 0, devfn: 5 << 3 }],
        sids: vec![40],
        source: Some("vmm".into()),
        line: 7,
        ..Region::new(Kind::Reserved, 0x7f100000, 0x7f2fffff)
    };
    map.add(&region).unwrap();
    assert_eq!(map.regions(), vec![region]);
    let err = map.add(&Region { align: 3, ..Region::new(Kind::Ram, 0, 0xfff) }).unwrap_err();
    assert_eq!(err.diagnostics()[0].source, "mc_map_add()");
}

#[test]
fn carve_gives_pieces_slots_totals() {
    let mut map = Map::parse(ARM64).unwrap();
    let carved = map.carve().unwrap();
    let pieces = carved.pieces();
    let names: Vec<_> = pieces.iter().map(|p| p.name()).collect();
    assert_eq!(names, [Some("dram"), Some("its"), Some("dram")]);
    assert_eq!((pieces[1].first(), pieces[1].last()), (0x48000000, 0x480fffff));
    assert_eq!((pieces[1].kind(), pieces[1].resv_type(), pieces[1].origin()), (Kind::Reserved, ResvType::Msi, 1));
    assert_eq!(pieces[1].flags() & flags::CARVED, flags::CARVED);
    assert!(pieces[1].devices().is_empty() && pieces[1].sids().is_empty());
    assert_eq!(carved.slots().len(), 2);
    assert_eq!(carved.slots()[1].offset, 0x8000000);
    let t = carved.totals();
    assert_eq!((t.ram_before - t.ram_after, t.carved, t.relocated), (1 << 20, 1 << 20, 0));
    assert_eq!(carved.map().arch(), Arch::Arm64);
}

#[test]
fn carve_errors_carry_both_ranges() {
    let mut map = Map::parse("policy abort\nram 0x0 1G\nreserved 0x1000 4K name=fw\n").unwrap();
    let err = map.carve().unwrap_err();
    assert_eq!(err.code(), memcarve_sys::MC_EOVERLAP);
    assert!(err.to_string().contains("overlaps ram 0x0+0x40000000"), "{}", err);
    // The map stays usable after an error.
    map.set_policy(Policy::Carve).unwrap();
    assert_eq!(map.carve().unwrap().pieces().len(), 3);
}

#[test]
fn write_round_trips() {
    let mut map = Map::parse(ARM64).unwrap();
    let input = map.write().unwrap();
    assert_eq!(Map::parse(&input).unwrap().regions().len(), 2);
    let mut carved = map.carve().unwrap();
    let result = carved.write().unwrap();
    let mut again = Map::parse(&result).unwrap();
    let slots = carved.slots().to_vec();
    assert_eq!(again.carve().unwrap().slots(), &slots[..]);
}

#[test]
fn dt_errors() {
    let mut map = Map::parse(ARM64).unwrap();
    let mut carved = map.carve().unwrap();
    let err = carved.dt(&DtOptions { base: Some(b"not a dtb"), ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::BadBlob(_)), "{:?}", err);
    assert_eq!(err.diagnostics()[0].field, "opts.base");
    let err = carved.dt(&DtOptions { cells: 3, ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{:?}", err);
    assert_eq!(carved.dt(&DtOptions { model: Some("a\0"), ..Default::default() }), Err(Error::Nul("opts.model")));
    // Fresh DTB: the pad is part of totalsize.
    let plain = carved.dt(&Default::default()).unwrap();
    let padded = carved.dt(&DtOptions { pad: Some(4096), ..Default::default() }).unwrap();
    assert_eq!(padded.len(), plain.len() + 4096);
}

#[test]
fn dt_max_numnodes() {
    // Node 20 is past Debian's arm64 MAX_NUMNODES (16), not past 64.
    let mut map = Map::parse("arch arm64\nram 0x40000000 256M node=0\nram 0x80000000 256M node=20\n").unwrap();
    let mut carved = map.carve().unwrap();
    let err = carved.dt(&Default::default()).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{:?}", err);
    assert_eq!(err.diagnostics()[0].field, "opts.max_numnodes");
    assert!(carved.dt(&DtOptions { max_numnodes: 64, ..Default::default() }).is_ok());
    let err = carved.dt(&DtOptions { max_numnodes: 24, ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{:?}", err);
}

#[test]
fn e820_and_zero_page() {
    let mut map = Map::parse(ARM64).unwrap();
    let mut carved = map.carve().unwrap();
    assert!(matches!(carved.e820(false), Err(Error::Invalid(_))));
    let table = carved.e820(true).unwrap();
    assert_eq!(table.iter().filter(|e| e.type_ == memcarve_sys::MC_E820_RAM).count(), 2);
    assert_eq!(e820_encode(&table).len(), 20 * table.len());

    assert!(matches!(e820_print(&table, "BIOS-e820", memcarve_sys::MC_LINUX_VERSION(4, 19)), Err(Error::Invalid(_))));
    assert_eq!(e820_print(&table, "x\0", 0), Err(Error::Nul("who")));
    assert_eq!(e820_print(&table, "user", 0).unwrap().lines().filter(|l| l.starts_with("user: [mem")).count(), table.len());

    let mut map = Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 1G\n").unwrap();
    let mut carved = map.carve().unwrap();
    let zp = carved.zero_page(&BootOptions { cmdline_addr: 0x20000, ..Default::default() }).unwrap();
    assert_eq!(zp[0x228..0x22c], 0x20000u32.to_le_bytes()); // hdr.cmd_line_ptr
    let err = carved.zero_page(&BootOptions { initrd_addr: 0x1000_0000, ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)), "{:?}", err);
    let err = carved.zero_page(&BootOptions { kernel: Some(&[0u8; 16]), ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::BadBlob(_)), "{:?}", err);
}

#[test]
fn acpi_tables_and_their_errors() {
    let mut map = Map::parse("arch x86_64\nram 0x0 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n").unwrap();
    let mut carved = map.carve().unwrap();
    for (table, sig) in [(AcpiTable::Dmar, b"DMAR"), (AcpiTable::Ivrs, b"IVRS")] {
        let t = carved.acpi(table, &Default::default()).unwrap();
        assert_eq!(&t[..4], sig);
        assert_eq!(t.iter().fold(0u8, |s, b| s.wrapping_add(*b)), 0, "checksum");
    }
    let opts = AcpiOptions { oem_id: Some("TOOLONGID"), ..Default::default() };
    assert!(matches!(carved.acpi(AcpiTable::Dmar, &opts), Err(Error::Invalid(_))));
    let opts = AcpiOptions { oem_revision: Some(7), ..Default::default() };
    let t = carved.acpi(AcpiTable::Dmar, &opts).unwrap();
    assert_eq!(t[24..28], 7u32.to_le_bytes());
    // IORT wants 64K-aligned ranges; DMAR 4K.
    let mut map = Map::parse("ram 0x0 2G\nreserved 0x7e001000 4K type=direct devices=00:03.0\n").unwrap();
    let mut carved = map.carve().unwrap();
    carved.acpi(AcpiTable::Dmar, &Default::default()).unwrap();
    let err = carved.acpi(AcpiTable::Iort, &Default::default()).unwrap_err();
    assert!(matches!(err, Error::Align(_)), "{:?}", err);
}

#[test]
fn cmdline_styles_and_errors() {
    let mut map = Map::parse("arch mips\nram 0x0 256M\nreserved 0x6000000 32M\n").unwrap();
    let mut carved = map.carve().unwrap();
    assert_eq!(carved.cmdline(&Default::default()).unwrap(), "mem=96M@0 mem=128M@128M");
    let shell = CmdlineOptions { escape: Escape::Shell, ..Default::default() };
    assert_eq!(carved.cmdline(&shell).unwrap(), "'mem=96M@0 mem=128M@128M'");
    let short = CmdlineOptions { max: 10, ..Default::default() };
    assert!(matches!(carved.cmdline(&short), Err(Error::Range(_))));
    let open = CmdlineOptions { append: Some("a=\"b -- c"), ..Default::default() };
    assert!(matches!(carved.cmdline(&open), Err(Error::Invalid(_))));
}

#[test]
fn maps_move_between_threads() {
    fn send<T: Send>(_: &T) {}
    let map = Map::parse(ARM64).unwrap();
    send(&map);
    let slots = std::thread::spawn(move || {
        let mut map = map;
        let n = map.carve().unwrap().slots().len();
        n
    })
    .join()
    .unwrap();
    assert_eq!(slots, 2);
}

#[test]
fn enums_keep_unknown_values() {
    let mut map = Map::new();
    let err = map.add(&Region::new(Kind::Other(42), 0, 0xfff)).unwrap_err();
    assert!(matches!(err, Error::Invalid(_)));
    assert!(version().starts_with("1."));
}

#[test]
fn host_inputs() {
    // VFIO_IOMMU_GET_INFO's reply (linux/vfio.h): vfio_iommu_type1_info
    // with VFIO_IOMMU_INFO_CAPS, then one IOVA_RANGE capability (id 1,
    // version 1) of two ranges around the x86 MSI window.
    let mut info = Vec::new();
    let ranges: [(u64, u64); 2] = [(0, 0xfedf_ffff), (0xfef0_0000, (1 << 39) - 1)];
    let len = 24 + 8 + 8 + 16 * ranges.len() as u32;
    for w in [len, 1 << 1] { info.extend_from_slice(&w.to_le_bytes()); }
    info.extend_from_slice(&0x1000u64.to_le_bytes()); // iova_pgsizes
    for w in [24u32, 0] { info.extend_from_slice(&w.to_le_bytes()); } // cap_offset, pad
    for h in [1u16, 1] { info.extend_from_slice(&h.to_le_bytes()); }
    for w in [0u32, ranges.len() as u32, 0] { info.extend_from_slice(&w.to_le_bytes()); } // next, nr_iovas, reserved
    for (start, end) in ranges { info.extend_from_slice(&start.to_le_bytes()); info.extend_from_slice(&end.to_le_bytes()); }
    let mut map = Map::parse("arch x86_64\nram 0x0 2G\n").unwrap();
    map.load_vfio_iommu_info(&info, 39, Some("vfio")).unwrap();
    let gaps: Vec<_> = map.regions().into_iter().filter(|r| r.flags & flags::IOVA_GAP != 0).collect();
    assert!(!gaps.is_empty());
    assert!(gaps.iter().all(|r| r.source.as_deref() == Some("vfio")));
    assert!(matches!(map.load_vfio_iommu_info(&info[..8], 39, None), Err(Error::BadBlob(_))));
    assert!(matches!(map.add_usable_iova(&[], 39, None), Err(Error::Invalid(_))));
    assert!(matches!(map.add_usable_iova(&[(0, 0xfff)], 0, None), Err(Error::Invalid(_))));
    let opts = ResvOptions { flags: flags::ALL_DEVICES, ..Default::default() };
    map.load_resv_for("rr", "0x7e000000 0x7e0fffff direct\n", &opts).unwrap();
    assert_eq!(map.regions().last().unwrap().flags & flags::ALL_DEVICES, flags::ALL_DEVICES);
    assert_eq!(parse_pci_dev("1:00:03.0").unwrap().segment, 1);
}

/// Each caller-buffer form: an empty buffer asks for the size, a buffer
/// of that size gets the bytes of the allocating form.
#[test]
fn into_forms_ask_then_write_the_same_bytes() {
    let mut map =
        Map::parse("arch x86_64\nram 0x0 640K\nram 0x100000 2G\nreserved 0x7e000000 1M type=direct devices=00:03.0\n")
            .unwrap();
    let mut carved = map.carve().unwrap();
    type Into<'a> = Box<dyn Fn(&mut Carved, &mut [u8]) -> Result<usize> + 'a>;
    type Alloc<'a> = Box<dyn Fn(&mut Carved) -> Result<Vec<u8>> + 'a>;
    let pvh = PvhOptions { start_info_addr: 0x6000, ..Default::default() };
    let pvh2 = pvh.clone();
    let cases: Vec<(&str, Into, Alloc)> = vec![
        ("dt", Box::new(|c, b| c.dt_into(&Default::default(), b)), Box::new(|c| c.dt(&Default::default()))),
        (
            "dmar",
            Box::new(|c, b| c.acpi_into(AcpiTable::Dmar, &Default::default(), b)),
            Box::new(|c| c.acpi(AcpiTable::Dmar, &Default::default())),
        ),
        ("ssdt", Box::new(|c, b| c.ssdt_into(&Default::default(), b)), Box::new(|c| c.ssdt(&Default::default()))),
        ("pvh", Box::new(move |c, b| c.pvh_into(&pvh, b)), Box::new(move |c| c.pvh(&pvh2))),
        (
            "zero page",
            Box::new(|c, b| c.zero_page_into(&Default::default(), b)),
            Box::new(|c| c.zero_page(&Default::default())),
        ),
        (
            "cmdline",
            Box::new(|c, b| c.cmdline_into(&CmdlineOptions { style: CmdlineStyle::X86, ..Default::default() }, b)),
            Box::new(|c| {
                let line = c.cmdline(&CmdlineOptions { style: CmdlineStyle::X86, ..Default::default() })?;
                Ok([line.as_bytes(), b"\0"].concat())
            }),
        ),
        ("map text", Box::new(|c, b| c.write_into(b)), Box::new(|c| Ok([c.write()?.as_bytes(), b"\0"].concat()))),
    ];
    for (what, into, alloc) in cases {
        let want = alloc(&mut carved).unwrap();
        let needed = match into(&mut carved, &mut []) {
            Err(Error::NoSpace(n)) => n,
            other => panic!("{}: {:?}", what, other),
        };
        assert!(needed >= want.len(), "{}", what);
        let mut buf = vec![0u8; needed];
        let n = into(&mut carved, &mut buf).unwrap();
        assert_eq!(&buf[..n], &want[..], "{}", what);
        assert_eq!(into(&mut carved, &mut buf[..n - 1]), Err(Error::NoSpace(needed)), "{}", what);
    }
}

#[test]
fn no_space_is_its_own_error() {
    let err = Error::NoSpace(4096);
    assert_eq!(err.code(), memcarve_sys::MC_ENOSPC);
    assert!(err.diagnostics().is_empty());
    assert_eq!(err.to_string(), "the buffer is too small: 4096 needed");
}

/// Past MC_MAX_ERRORS the map counts what it drops; the error's last
/// diagnostic says how many, as the CLI does.
#[test]
fn dropped_diagnostics_are_counted() {
    let text: String = (0..40).map(|_| "bogus\n").collect();
    let err = Map::parse(&text).unwrap_err();
    let d = err.diagnostics();
    assert_eq!(d.len(), memcarve_sys::MC_MAX_ERRORS + 1);
    assert_eq!(d.last().unwrap().message, "8 more errors not shown");
    assert!(Map::parse("bogus\n").unwrap_err().diagnostics().len() == 1);
}

#[test]
fn report_records_the_callers_diagnostic() {
    let mut map = Map::new();
    let err = map.report(memcarve_sys::MC_ERANGE, None, "too many vCPUs");
    assert_eq!(err, Error::Range(vec![Diagnostic {
        code: memcarve_sys::MC_ERANGE,
        source: String::new(),
        line: 0,
        field: String::new(),
        message: "too many vCPUs".into(),
    }]));
    assert_eq!(map.report(0, Some("x"), "y").code(), memcarve_sys::MC_EINVAL);
    assert_eq!(map.report(-1, Some("x\0"), "y"), Error::Nul("field"));
}

#[test]
fn names_parse_back() {
    for k in [Kind::Ram, Kind::Mmio, Kind::Reserved, Kind::Acpi, Kind::Nvs, Kind::Pmem, Kind::Hotplug] {
        assert_eq!(k.name().unwrap().parse::<Kind>(), Ok(k));
    }
    for t in [ResvType::Reserved, ResvType::Msi, ResvType::SwMsi, ResvType::Direct, ResvType::DirectRelaxable] {
        assert_eq!(t.name().unwrap().parse::<ResvType>(), Ok(t));
    }
    for p in [Policy::Abort, Policy::Overlay, Policy::Carve, Policy::Relocate] {
        assert_eq!(p.name().unwrap().parse::<Policy>(), Ok(p));
    }
    for a in [Arch::Arm64, Arch::Ppc64, Arch::X86_64, Arch::Mips, Arch::Riscv64] {
        assert_eq!(a.name().unwrap().parse::<Arch>(), Ok(a));
    }
    assert!(matches!("ram\0".parse::<Kind>(), Err(Error::Nul(_))));
}

#[test]
fn e820_parts_agree_with_the_builders() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../fixtures/e820/many.map");
    let mut map = Map::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut carved = map.carve().unwrap();
    let table = carved.e820(false).unwrap();
    assert_eq!(e820_sanitize(&table).unwrap(), table);
    let n = table.len();
    assert_eq!(e820_ext_count(n), n - 128);
    let opts = BootOptions { setup_data_addr: 0x30000, ..Default::default() };
    carved.e820_boot_check(&opts, &table).unwrap();
    let blob = carved.zero_page(&opts).unwrap();
    let (zp, sd) = blob.split_at(4096);
    drop(carved);
    assert_eq!(map.e820_zeropage(&table, &opts).unwrap(), zp);
    assert_eq!(e820_setup_data(&table, 0).unwrap(), sd);
    let text = e820_print(&table, "BIOS-e820", memcarve_sys::MC_LINUX_VERSION(6, 1)).unwrap();
    let lines: Vec<String> = table.iter().map(|e| e820_format_line(e, "BIOS-e820").unwrap()).collect();
    assert_eq!(text, lines.join("\n") + "\n");
    map.e820_check(&table, &E820Rules { max_entries: n + 8, ..Default::default() }).unwrap();
    let err = map.e820_check(&table, &E820Rules { max_entries: 131, ..Default::default() }).unwrap_err();
    assert!(matches!(err, Error::Range(_)), "{:?}", err);
}
