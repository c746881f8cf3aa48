//! The arm64 flow of a VMM: the guest's layout in code, the host IOMMU
//! group's reserved_regions file, carve, register the slots, write the
//! guest's DTB patched into the VMM's own tree (and, beside it as
//! OUT_DTB.map, the map as map-file text).
//!
//!     cargo run --example vmm_flow -- [RESERVED_REGIONS] [BASE_DTB] [OUT_DTB] [RAM_SIZE]
//!
//! Defaults: examples/reserved_regions (an MSI window, a range the host
//! reserves inside guest RAM, a direct-mapped range), the repository's
//! fixtures/dt/base-arm64.dtb, vmm_flow.dtb, 1 GiB of RAM at 0x40000000
//! (QEMU virt's).
use memcarve::{Arch, DtOptions, Kind, Map, Memreserve, Region};
use std::error::Error;
use std::{env, fs};

const RAM_BASE: u64 = 0x4000_0000;

fn named(kind: Kind, first: u64, last: u64, name: &str) -> Region {
    Region { name: Some(name.to_string()), ..Region::new(kind, first, last) }
}

fn main() -> Result<(), Box<dyn Error>> {
    let here = env!("CARGO_MANIFEST_DIR");
    let args: Vec<String> = env::args().skip(1).collect();
    let arg = |i: usize, default: String| args.get(i).cloned().unwrap_or(default);
    let resv_path = arg(0, format!("{}/examples/reserved_regions", here));
    let base_path = arg(1, format!("{}/../../../fixtures/dt/base-arm64.dtb", here));
    let out_path = arg(2, "vmm_flow.dtb".to_string());
    let ram_size: u64 = arg(3, "1073741824".to_string()).parse()?;

    // The guest's address space as the VMM lays it out (QEMU virt).
    let mut map = Map::new();
    map.set_arch(Arch::Arm64)?;
    map.add(&named(Kind::Mmio, 0x0000_0000, 0x07ff_ffff, "flash"))?;
    map.add(&named(Kind::Mmio, 0x0800_0000, 0x0fff_ffff, "gic-uart-rtc"))?;
    map.add(&named(Kind::Mmio, 0x1000_0000, 0x3eff_ffff, "pcie-mmio"))?;
    map.add(&named(Kind::Ram, RAM_BASE, RAM_BASE + ram_size - 1, "dram"))?;

    // What the host IOMMU reserves for the assigned device's group.
    let resv = fs::read_to_string(&resv_path)?;
    map.load_resv(&resv_path, &resv)?;

    // The same map as map-file text, for `memcarve show` or a test to
    // compare the guest with.
    fs::write(format!("{}.map", out_path), map.write()?)?;

    let mut carved = map.carve()?;
    let t = carved.totals();
    println!("RAM {:#x} -> {:#x} bytes ({:#x} carved)", t.ram_before, t.ram_after, t.carved);
    for p in carved.pieces().iter().filter(|p| p.kind() != Kind::Ram) {
        let what = match p.kind() {
            Kind::Reserved => format!("reserved {:?}", p.resv_type()),
            kind => format!("{:?}", kind),
        };
        println!("  {:<12} {:#012x}-{:#012x} {}", p.name().unwrap_or("-"), p.first(), p.last(), what);
    }
    // What the VMM hands KVM_SET_USER_MEMORY_REGION: guest address, size
    // and offset into one backing mapping of ram_after bytes.
    for s in carved.slots() {
        println!("slot {}: guest {:#x} size {:#x} backing offset {:#x}", s.slot, s.guest, s.size, s.offset);
    }

    let base = fs::read(&base_path)?;
    let dtb = carved.dt(&DtOptions { base: Some(&base), memreserve: Memreserve::On, ..Default::default() })?;
    fs::write(&out_path, &dtb)?;
    println!("{}: {} bytes, {} patched", out_path, dtb.len(), base_path);
    Ok(())
}
