//! The crate's output is the CLI's, byte for byte: DTBs (fresh and
//! patched), e820 tables, zero pages and PVH start_info blocks,
//! DMAR/IVRS/IORT/SRAT, the PNP0C02 SSDT and command lines of the
//! repository's fixtures (host inputs from files and a saved sysfs tree
//! too), each built once by build/memcarve and once through this crate
//! with the same options.
//!
//! build/memcarve must exist (`make rust` builds it first; MEMCARVE_CLI
//! names another): without it the test fails, it never skips.
use memcarve::*;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

fn top() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(top().join(path)).unwrap_or_else(|e| panic!("{}: {}", path, e))
}

fn text(path: &str) -> String {
    String::from_utf8(fixture(path)).unwrap()
}

/// What the CLI writes to -o OUT with these arguments.
fn cli(args: &[&str]) -> Vec<u8> {
    static N: AtomicUsize = AtomicUsize::new(0);
    let tool = std::env::var_os("MEMCARVE_CLI").map(PathBuf::from).unwrap_or_else(|| top().join("build/memcarve"));
    assert!(tool.exists(), "{} is missing: run `make` first (make rust does)", tool.display());
    let out = std::env::temp_dir()
        .join(format!("memcarve-rust-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let status = Command::new(&tool).current_dir(top()).args(args).arg("-o").arg(&out).status().unwrap();
    assert!(status.success(), "memcarve {:?}: {}", args, status);
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    bytes
}

/// A map as the CLI loads it: the map file, then each --resv, then --arch.
fn load(map_path: &str, resv: Option<&str>, arch: Option<Arch>) -> Map {
    let mut map = Map::new();
    map.load(map_path, &text(map_path)).unwrap();
    if let Some(resv) = resv {
        map.load_resv(resv, &text(resv)).unwrap();
    }
    if let Some(arch) = arch {
        map.set_arch(arch).unwrap();
    }
    map
}

fn same(what: &str, ours: &[u8], theirs: &[u8]) {
    assert!(ours == theirs, "{}: the crate's {} bytes differ from the CLI's {}", what, ours.len(), theirs.len());
}

#[test]
fn dtb_equals_the_cli() {
    let base_arm64 = fixture("fixtures/dt/base-arm64.dtb");
    let base_ppc64 = fixture("fixtures/dt/base-ppc64.dtb");
    let base_1cell = fixture("fixtures/dt/base-1cell.dtb");
    let patch = |base| DtOptions { base: Some(base), ..Default::default() };
    let cases: Vec<(&str, Option<&str>, Option<Arch>, DtOptions, Vec<&str>)> = vec![
        ("fixtures/arm64-kvmtool.map", None, None, DtOptions::default(), vec![]),
        ("fixtures/arm64-kvmtool.map", None, None, patch(&base_arm64), vec!["--base", "fixtures/dt/base-arm64.dtb"]),
        (
            "fixtures/arm64-overlay.map",
            None,
            None,
            DtOptions { memreserve: Memreserve::On, no_iommu_addresses: true, ..patch(&base_arm64) },
            vec!["--base", "fixtures/dt/base-arm64.dtb", "--memreserve", "--no-iommu-addresses"],
        ),
        (
            "fixtures/x86-rmrr.map",
            Some("fixtures/x86-rmrr.resv"),
            Some(Arch::Arm64),
            patch(&base_arm64),
            vec!["--arch", "arm64", "--resv", "fixtures/x86-rmrr.resv", "--base", "fixtures/dt/base-arm64.dtb"],
        ),
        (
            "fixtures/x86-8g.map",
            None,
            Some(Arch::Arm64),
            DtOptions { drop_base_memreserve: true, ..patch(&base_arm64) },
            vec!["--arch", "arm64", "--base", "fixtures/dt/base-arm64.dtb", "--drop-memreserve"],
        ),
        (
            "fixtures/dt/kinds.map",
            None,
            None,
            DtOptions { memreserve: Memreserve::On, layout: DtLayout::OneNode, ..Default::default() },
            vec!["--memreserve", "--memory-nodes", "one"],
        ),
        (
            "fixtures/dt/kinds.map",
            None,
            None,
            DtOptions {
                model: Some("memcarve-kinds"),
                compatible: vec!["acme,board", "linux,dummy-virt"],
                pad: Some(4096),
                ..Default::default()
            },
            vec!["--model", "memcarve-kinds", "--compatible", "acme,board", "--compatible", "linux,dummy-virt", "--pad", "4096"],
        ),
        ("fixtures/dt/ppc64.map", None, None, patch(&base_ppc64), vec!["--base", "fixtures/dt/base-ppc64.dtb"]),
        ("fixtures/dt/ppc64.map", None, None, DtOptions { memreserve: Memreserve::Off, ..Default::default() }, vec!["--no-memreserve"]),
        ("fixtures/dt/small-32bit.map", None, None, DtOptions { cells: 1, ..Default::default() }, vec!["--cells", "1"]),
        (
            "fixtures/dt/numa-arm64.map",
            None,
            None,
            DtOptions { distance_map: true, ..Default::default() },
            vec!["--distance-map"],
        ),
        (
            "fixtures/dt/numa-node16.map",
            None,
            None,
            DtOptions { distance_map: true, max_numnodes: 32, ..Default::default() },
            vec!["--distance-map", "--max-numnodes", "32"],
        ),
        ("fixtures/dt/small-32bit.map", None, None, patch(&base_1cell), vec!["--base", "fixtures/dt/base-1cell.dtb"]),
    ];
    let n = cases.len();
    for (path, resv, arch, opts, extra) in cases {
        let mut map = load(path, resv, arch);
        let ours = map.carve().unwrap().dt(&opts).unwrap();
        let mut args = vec!["dt", path];
        args.extend(extra);
        same(&format!("dt {:?}", args), &ours, &cli(&args));
    }
    assert_eq!(n, 13);
}

#[test]
fn e820_table_and_zero_page_equal_the_cli() {
    let cases: [(&str, Option<&str>, Option<Arch>, &[&str]); 6] = [
        ("fixtures/x86-8g.map", None, None, &[]),
        ("fixtures/x86-rmrr.map", Some("fixtures/x86-rmrr.resv"), None, &["--resv", "fixtures/x86-rmrr.resv"]),
        ("fixtures/x86-1t-ht.map", None, None, &[]),
        ("fixtures/e820/all-types.map", None, None, &[]),
        ("fixtures/e820/many.map", None, None, &[]),
        ("fixtures/arm64-kvmtool.map", None, Some(Arch::X86_64), &["--arch", "x86_64"]),
    ];
    for (path, resv, arch, extra) in cases {
        let mut map = load(path, resv, arch);
        let table = e820_encode(&map.carve().unwrap().e820(false).unwrap());
        let mut args = vec!["e820", path, "--format", "table"];
        args.extend(extra);
        same(&format!("{:?}", args), &table, &cli(&args));
    }

    // The kernel's own text, as 6.1 and as the newest release print it.
    for (linux, flag) in [(memcarve_sys::MC_LINUX_VERSION(6, 1), "6.1"), (0, "7.2")] {
        let mut map = load("fixtures/x86-rmrr.map", Some("fixtures/x86-rmrr.resv"), None);
        let table = map.carve().unwrap().e820(false).unwrap();
        let text = e820_print(&table, "BIOS-e820", linux).unwrap();
        let args = ["e820", "fixtures/x86-rmrr.map", "--resv", "fixtures/x86-rmrr.resv", "--linux", flag];
        same(&format!("{:?}", args), text.as_bytes(), &cli(&args));
    }

    let kernel = fixture("fixtures/e820/bzimage-2.15.bin");
    let mut map = load("fixtures/x86-8g.map", None, None);
    let opts = BootOptions {
        kernel: Some(&kernel),
        kernel_name: Some("fixtures/e820/bzimage-2.15.bin"),
        cmdline_addr: 0x20000,
        initrd_addr: 0x600_0000,
        initrd_size: 4 << 20,
        legacy_hole: true,
        ..Default::default()
    };
    let zp = map.carve().unwrap().zero_page(&opts).unwrap();
    let args = [
        "e820", "fixtures/x86-8g.map", "--format", "zeropage", "--kernel", "fixtures/e820/bzimage-2.15.bin",
        "--cmdline-addr", "0x20000", "--initrd-addr", "0x6000000", "--initrd-size", "4M", "--legacy-hole",
    ];
    same("zero page", &zp, &cli(&args));
}

#[test]
fn acpi_tables_equal_the_cli() {
    let qemu_dmar = fixture("fixtures/acpi/qemu-dmar.aml");
    let qemu_ivrs = fixture("fixtures/acpi/qemu-ivrs.aml");
    let qemu_iort = fixture("fixtures/acpi/qemu-iort.aml");
    let base = |b| AcpiOptions { base: Some(b), ..Default::default() };
    let cases: Vec<(&str, Option<&str>, AcpiTable, AcpiOptions, Vec<&str>)> = vec![
        ("fixtures/acpi/x86-direct.map", None, AcpiTable::Dmar, AcpiOptions::default(), vec!["--table", "dmar"]),
        ("fixtures/acpi/x86-direct.map", None, AcpiTable::Ivrs, AcpiOptions::default(), vec!["--table", "ivrs"]),
        ("fixtures/x86-rmrr.map", None, AcpiTable::Dmar, AcpiOptions::default(), vec!["--table", "dmar"]),
        ("fixtures/acpi/arm64-rmr.map", None, AcpiTable::Iort, AcpiOptions::default(), vec!["--table", "iort"]),
        ("fixtures/arm64-overlay.map", None, AcpiTable::Iort, AcpiOptions::default(), vec!["--table", "iort"]),
        (
            "fixtures/acpi/x86-direct.map",
            None,
            AcpiTable::Dmar,
            base(&qemu_dmar),
            vec!["--table", "dmar", "--base", "fixtures/acpi/qemu-dmar.aml"],
        ),
        (
            "fixtures/acpi/x86-direct.map",
            None,
            AcpiTable::Ivrs,
            base(&qemu_ivrs),
            vec!["--table", "ivrs", "--base", "fixtures/acpi/qemu-ivrs.aml"],
        ),
        (
            "fixtures/acpi/arm64-rmr.map",
            None,
            AcpiTable::Iort,
            base(&qemu_iort),
            vec!["--table", "iort", "--base", "fixtures/acpi/qemu-iort.aml"],
        ),
    ];
    for (path, resv, table, opts, extra) in cases {
        let mut map = load(path, resv, None);
        let ours = map.carve().unwrap().acpi(table, &opts).unwrap();
        let mut args = vec!["acpi", path];
        args.extend(extra);
        same(&format!("{:?}", args), &ours, &cli(&args));
    }
}

/// A host reserved_regions file whose direct range serves a device
/// (`--resv FILE,devices=...`, `Map::load_resv_for`).
#[test]
fn dmar_of_a_host_file_equals_the_cli() {
    let mut map = load("fixtures/x86-rmrr.map", None, None);
    let devs = [parse_pci_dev("00:14.0").unwrap()];
    let resv = "fixtures/x86-rmrr.resv";
    map.load_resv_for(resv, &text(resv), &ResvOptions { devices: &devs, ..Default::default() }).unwrap();
    let ours = map.carve().unwrap().acpi(AcpiTable::Dmar, &Default::default()).unwrap();
    let args = ["acpi", "fixtures/x86-rmrr.map", "--resv", "fixtures/x86-rmrr.resv,devices=00:14.0", "--table", "dmar"];
    same("dmar", &ours, &cli(&args));
}

#[test]
fn rsdp_blob_equals_the_cli() {
    let dmar = fixture("fixtures/acpi/x86-dmar.aml");
    let ivrs = fixture("fixtures/acpi/x86-ivrs.aml");
    let mut map = load("fixtures/x86-8g.map", None, None);
    let ours = map.carve().unwrap().rsdp(0x80000, &[&dmar, &ivrs], &Default::default()).unwrap();
    let args = ["acpi", "--rsdp", "0x80000", "fixtures/x86-8g.map", "fixtures/acpi/x86-dmar.aml", "fixtures/acpi/x86-ivrs.aml"];
    same("rsdp", &ours, &cli(&args));
}

#[test]
fn cmdline_equals_the_cli() {
    let cases: Vec<(Option<Policy>, CmdlineOptions, Vec<&str>)> = vec![
        (None, CmdlineOptions::default(), vec![]),
        (Some(Policy::Relocate), CmdlineOptions::default(), vec!["--policy", "relocate"]),
        (
            None,
            CmdlineOptions { escape: Escape::Shell, append: Some("console=ttyS0"), ..Default::default() },
            vec!["--escape", "shell", "--append=console=ttyS0"],
        ),
        (
            None,
            CmdlineOptions { escape: Escape::Grub, append: Some("mem=64M"), ..Default::default() },
            vec!["--escape", "grub", "--append=mem=64M"],
        ),
        (None, CmdlineOptions { style: CmdlineStyle::X86, ..Default::default() }, vec!["--style", "x86"]),
    ];
    for (policy, opts, extra) in cases {
        let mut map = load("fixtures/cmdline/malta.map", None, None);
        if let Some(policy) = policy {
            map.set_policy(policy).unwrap();
        }
        let ours = map.carve().unwrap().cmdline(&opts).unwrap() + "\n";
        let mut args = vec!["cmdline", "fixtures/cmdline/malta.map"];
        args.extend(extra);
        same(&format!("{:?}", args), ours.as_bytes(), &cli(&args));
    }
}

#[test]
fn pvh_block_equals_the_cli() {
    let kernel = fixture("fixtures/pvh/vmlinux-pvh.elf");
    let all = PvhOptions {
        start_info_addr: 0x6000,
        cmdline_addr: 0x20000,
        initrd_addr: 0x600_0000,
        initrd_size: 1 << 20,
        rsdp_addr: 0x80000,
        ..Default::default()
    };
    let with_kernel = |addr| PvhOptions {
        start_info_addr: addr,
        kernel: Some(&kernel),
        kernel_name: Some("fixtures/pvh/vmlinux-pvh.elf"),
        ..Default::default()
    };
    let cases: Vec<(&str, PvhOptions, Vec<&str>)> = vec![
        (
            "fixtures/e820/all-types.map",
            all,
            vec!["--start-info-addr", "0x6000", "--cmdline-addr", "0x20000", "--initrd-addr", "0x6000000",
                 "--initrd-size", "1M", "--rsdp-addr", "0x80000"],
        ),
        (
            "fixtures/x86-8g.map",
            with_kernel(0x7000),
            vec!["--start-info-addr", "0x7000", "--kernel", "fixtures/pvh/vmlinux-pvh.elf"],
        ),
        (
            "fixtures/pvh/max.map",
            PvhOptions { cmdline_addr: 0x20000, ..with_kernel(0x6000) },
            vec!["--start-info-addr", "0x6000", "--cmdline-addr", "0x20000", "--kernel", "fixtures/pvh/vmlinux-pvh.elf"],
        ),
        ("fixtures/x86-8g.map", PvhOptions { legacy_hole: true, ..with_kernel(0x7000) },
         vec!["--start-info-addr", "0x7000", "--kernel", "fixtures/pvh/vmlinux-pvh.elf", "--legacy-hole"]),
    ];
    for (path, opts, extra) in cases {
        let mut map = load(path, None, None);
        let ours = map.carve().unwrap().pvh(&opts).unwrap();
        let mut args = vec!["e820", path, "--format", "pvh"];
        args.extend(extra);
        same(&format!("{:?}", args), &ours, &cli(&args));
    }
}

#[test]
fn ssdt_equals_the_cli() {
    let pci0 = SsdtOptions {
        device_path: Some("\\_SB.PCI0.MCRV"),
        uid: 7,
        oem_table_id: Some("HOLES"),
        ..Default::default()
    };
    let ids = SsdtOptions {
        oem_id: Some("ACME"),
        oem_revision: 3,
        creator_id: Some("ABCD"),
        creator_revision: 9,
        ..Default::default()
    };
    let cases: Vec<(&str, Option<&str>, SsdtOptions, Vec<&str>)> = vec![
        ("fixtures/e820/all-types.map", None, SsdtOptions::default(), vec![]),
        ("fixtures/x86-rmrr.map", Some("fixtures/x86-rmrr.resv"), SsdtOptions::default(),
         vec!["--resv", "fixtures/x86-rmrr.resv"]),
        ("fixtures/x86-8g.map", None, pci0,
         vec!["--device-path", "\\_SB.PCI0.MCRV", "--uid", "7", "--oem-table-id", "HOLES"]),
        ("fixtures/e820/many.map", None, SsdtOptions::default(), vec![]),
        ("fixtures/x86-8g.map", None, ids,
         vec!["--oem-id", "ACME", "--oem-revision", "3", "--creator-id", "ABCD", "--creator-revision", "9"]),
    ];
    for (path, resv, opts, extra) in cases {
        let mut map = load(path, resv, None);
        let ours = map.carve().unwrap().ssdt(&opts).unwrap();
        let mut args = vec!["acpi", path, "--table", "ssdt"];
        args.extend(extra);
        same(&format!("{:?}", args), &ours, &cli(&args));
    }
}

#[test]
fn srat_equals_the_cli() {
    let qemu = fixture("fixtures/srat/qemu-q35-srat.aml");
    let cases: Vec<(&str, AcpiOptions, Vec<&str>)> = vec![
        ("fixtures/srat/two-nodes.map", AcpiOptions::default(), vec![]),
        ("fixtures/srat/boot-q35.map", AcpiOptions { base: Some(&qemu), ..Default::default() },
         vec!["--base", "fixtures/srat/qemu-q35-srat.aml"]),
        ("fixtures/x86-numa.map", AcpiOptions::default(), vec![]),
    ];
    for (path, opts, extra) in cases {
        let mut map = load(path, None, None);
        let ours = map.carve().unwrap().acpi(AcpiTable::Srat, &opts).unwrap();
        let mut args = vec!["acpi", path, "--table", "srat"];
        args.extend(extra);
        same(&format!("{:?}", args), &ours, &cli(&args));
    }
}

/// A VFIO device's host group read from a saved sysfs tree
/// (`--sysfs-root DIR --vfio HOST=GUEST`).
#[test]
fn dmar_of_a_sysfs_group_equals_the_cli() {
    let root = top().join("fixtures/host/sysfs");
    let mut map = load("fixtures/host/q35-vfio.map", None, None);
    // The GPU's two functions share a group, loaded once for both guest
    // devices, as the CLI does.
    let mut groups = Vec::new();
    for host in ["0000:01:00.0", "0000:01:00.1"] {
        groups.push(map.iommu_group_of(Some(&root), &parse_pci_dev(host).unwrap()).unwrap());
    }
    assert_eq!(groups[0], groups[1]);
    let devs = [parse_pci_dev("00:03.0").unwrap(), parse_pci_dev("00:03.1").unwrap()];
    map.load_iommu_group(Some(&root), groups[0], &ResvOptions { devices: &devs, ..Default::default() }).unwrap();
    let ours = map.carve().unwrap().acpi(AcpiTable::Dmar, &Default::default()).unwrap();
    let args = [
        "acpi", "fixtures/host/q35-vfio.map", "--sysfs-root", "fixtures/host/sysfs", "--vfio", "0000:01:00.0=00:03.0",
        "--vfio", "0000:01:00.1=00:03.1", "--table", "dmar",
    ];
    same("dmar of sysfs groups", &ours, &cli(&args));
}

/// Device paths set through the API give the tree the map file's
/// devices=/... gives (fixtures/dt/iommu-paths.map).
#[test]
fn dtb_with_device_paths_equals_the_cli() {
    let base = fixture("fixtures/dt/base-arm64-smmuv3-nodes.dtb");
    let mut map = Map::parse(
        "arch arm64\npolicy carve\nram 0x40000000 1G\n\
         reserved 0x48000000 16M type=direct policy=overlay name=fw-buffer devices=00:02.0\n\
         reserved 0x50000000 2M type=direct-relaxable name=fb\n",
    )
    .unwrap();
    map.set_device_paths(1, &["/soc/ethernet@ff0c0000", "/pcie@10000000/pci@1,0"]).unwrap();
    map.set_device_paths(2, &["/pcie@10000000/pci@1,0", "/virtio_mmio@a000000"]).unwrap();
    let ours = map.carve().unwrap().dt(&DtOptions { base: Some(&base), ..Default::default() }).unwrap();
    let args = ["dt", "fixtures/dt/iommu-paths.map", "--base", "fixtures/dt/base-arm64-smmuv3-nodes.dtb"];
    same("dt with device paths", &ours, &cli(&args));
}
