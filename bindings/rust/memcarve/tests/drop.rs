//! Ownership: maps dropped mid-way (before carving, after an error, while
//! results are out, during a panic, on another thread) free everything, and
//! what the crate returned outlives them. `make rust` runs this binary
//! under valgrind, which must find no error and no leak.
use memcarve::*;
use std::panic;

const MAP: &str = "arch arm64\nram 0x40000000 1G name=dram\nreserved 0x48000000 1M type=msi name=its\n";

#[test]
fn dropped_before_carving() {
    for _ in 0..3 {
        let mut map = Map::parse(MAP).unwrap();
        map.load_resv("rr", "0x08000000 0x080fffff msi\n").unwrap();
        map.add(&Region { name: Some("x".into()), ..Region::new(Kind::Mmio, 0, 0xffff) }).unwrap();
        drop(map);
    }
}

#[test]
fn errors_outlive_their_map() {
    let err = {
        let mut map = Map::parse(MAP).unwrap();
        map.load("vm.map", "ram 0x0 0\nbogus\n").unwrap_err()
    };
    assert_eq!(err.diagnostics().len(), 2);
    assert!(err.to_string().contains("vm.map:2"));
    // Diagnostics left on a map that is dropped without reading them.
    let mut map = Map::parse(MAP).unwrap();
    let _ = map.load("vm.map", "bogus\n");
}

#[test]
fn outputs_outlive_their_map() {
    let (dtb, slots, names) = {
        let mut map = Map::parse(MAP).unwrap();
        let mut carved = map.carve().unwrap();
        let names: Vec<String> = carved.pieces().iter().filter_map(|p| p.name().map(String::from)).collect();
        let slots = carved.slots().to_vec();
        let dtb = carved.dt(&Default::default()).unwrap();
        (dtb, slots, names)
    };
    assert_eq!(&dtb[..4], &[0xd0, 0x0d, 0xfe, 0xed]);
    assert_eq!((slots.len(), names.len()), (2, 3));
}

#[test]
fn carved_twice_then_dropped() {
    let mut map = Map::parse(MAP).unwrap();
    map.carve().unwrap().dt(&Default::default()).unwrap();
    map.add(&Region::new(Kind::Reserved, 0x50000000, 0x5000ffff)).unwrap();
    let mut carved = map.carve().unwrap();
    let _ = carved.e820(false); // an error on an arm64 map, left unread
    carved.acpi(AcpiTable::Iort, &Default::default()).unwrap();
}

#[test]
fn dropped_while_unwinding() {
    let result = panic::catch_unwind(|| {
        let mut map = Map::parse(MAP).unwrap();
        let carved = map.carve().unwrap();
        if !carved.pieces().is_empty() {
            panic!("mid-way");
        }
    });
    assert!(result.is_err());
}

#[test]
fn dropped_on_another_thread() {
    let map = Map::parse(MAP).unwrap();
    std::thread::spawn(move || drop(map)).join().unwrap();
}

/// The newer outputs and inputs: PVH, SSDT, a file read, decoded maps
/// and their device paths, each dropped with its map or after it.
#[test]
fn decoders_and_new_outputs_free_everything() {
    let (pvh, ssdt, paths) = {
        let text = "arch x86_64\nram 0x0 640K\nram 0x100000 1G\nreserved 0x1000 4K type=direct devices=/soc/dma@1000\n";
        let mut map = Map::parse(text).unwrap();
        let paths: Vec<String> = map.device_paths(2).iter().map(|s| s.to_string()).collect();
        map.set_device_paths(2, &["/soc/a@1", "/soc/b@2"]).unwrap();
        let _ = map.set_device_paths(0, &["/x"]); // refused, diagnostic dropped with the error
        let mut carved = map.carve().unwrap();
        let pvh = carved.pvh(&PvhOptions { start_info_addr: 0x6000, ..Default::default() }).unwrap();
        let _ = carved.pvh(&PvhOptions { start_info_addr: 0x6004, ..Default::default() });
        let ssdt = carved.ssdt(&Default::default()).unwrap();
        (pvh, ssdt, paths)
    };
    assert_eq!(paths, ["/soc/dma@1000"]);
    for (format, blob) in [(Format::Pvh, &pvh), (Format::Ssdt, &ssdt)] {
        let mut map = Map::from_blob(format, blob).unwrap();
        let _ = map.decode(Format::Dt, blob);
        let _ = map.decode(format, &blob[..blob.len() - 1]);
        let _ = map.read_file("/".as_ref());
        let _ = map.pvh_kernel("vmlinux", b"\x7fELF");
    }
}
