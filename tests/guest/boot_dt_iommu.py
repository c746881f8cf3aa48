#!/usr/bin/env python3
"""Boot proof of the iommu-addresses binding: an arm64 `virt,iommu=smmuv3`
guest that reads its memory from our device tree (no ACPI), with a PCIe
root port (00:01.0, a built-in driver, so an IOMMU group) behind the SMMU.

`memcarve dt --base` patches QEMU's own tree for that machine: each
/reserved-memory child of a direct range with devices=00:01.0 gets a
phandle and iommu-addresses, and the root port gets a node under the host
bridge with memory-region (dt/iommu*.c). Linux 6.3 and later
(of_iommu_get_resv_regions()) then list each range as `direct` in the
reserved_regions of the root port's IOMMU group. Checked on the newest
kernel of the arm64 matrix (6.1 predates the binding):

  - bound: every direct range of the map is in the group's
    reserved_regions with type direct, and the harness comparator agrees
    with the map (memory blocks, reservations);
  - negative control, `--no-iommu-addresses`: the same boot lists none of
    them (the children are still there, as no-map reservations);
  - through dma-ranges: the host bridge gets a window (PCI bus 0 is CPU
    0x40000000), our entries hold bus addresses, and the guest's
    translation of them lists the CPU ranges as direct again;
  - by path: the base gets the root port's node (pci@1,0 under the host
    bridge, as a VMM that describes its devices writes it) and the map
    names the device `devices=/pcie@10000000/pci@1,0` instead of its BDF:
    the same ranges are listed as direct.

Prints the guest's reserved_regions beside our map.

Usage: python3 tests/guest/boot_dt_iommu.py [--kernel SERIES]
       [--tool build/memcarve]
Exit status 0 only if both boots matched; 1 otherwise.
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402
from harness import fdt  # noqa: E402
from harness.common import write_if_changed  # noqa: E402

ARCH = "arm64"
MAP = "fixtures/dt/boot-iommu.map"
MACHINE = ["-M", "virt,iommu=smmuv3", "-cpu", "cortex-a57"]
DEVICES = ["-device", "pcie-root-port,id=rp0,chassis=1"]
DEVICE = "0000:00:01.0"
# name, memcarve options, dma-ranges given to the host bridge (or None)
# PCI memory at bus address 0 is CPU 0x40000000, for 1 GiB: the entries
# then hold bus addresses (0x1e000000 for 0x5e000000), which the guest
# translates back (of_translate_dma_region()) before comparing with reg.
DMA_WINDOW = (0x02000000, 0, 0, 0, 0x40000000, 0, 0x40000000)
# The root port's node, for the case naming it by path (PCI binding: reg
# holds devfn 1.0 in bits 15:8 of its first cell).
PATH_MAP = "fixtures/dt/boot-iommu-path.map"
PORT_NODE = ("/pcie@10000000", "pci@1,0", (0x800, 0, 0, 0, 0))
CASES = [("bound", [], None), ("unbound", ["--no-iommu-addresses"], None),
         ("bound-dma-ranges", [], DMA_WINDOW), ("bound-path", [], None)]


def direct_ranges(carved):
    return [(int(r["start"], 16), int(r["end"], 16), r.get("name", ""))
            for r in carved["regions"]
            if r["kind"] == "reserved" and r.get("type") == "direct"]


def with_dma_ranges(base, window, workdir):
    tree = fdt.load(base)
    bridge = tree.node("/pcie@10000000")
    if bridge is None:
        raise guest.HarnessError("QEMU's tree has no /pcie@10000000")
    bridge.set("dma-ranges", b"".join(fdt.u32(c) for c in window))
    return write_if_changed(os.path.join(workdir, "base-iommu-dma.dtb"),
                            fdt.dumps(tree))


def with_port_node(base, workdir):
    tree = fdt.load(base)
    bridge = tree.node(PORT_NODE[0])
    if bridge is None:
        raise guest.HarnessError(f"QEMU's tree has no {PORT_NODE[0]}")
    bridge.child(PORT_NODE[1], create=True).set(
        "reg", fdt.u32(*PORT_NODE[2]))
    return write_if_changed(os.path.join(workdir, "base-iommu-port.dtb"),
                            fdt.dumps(tree))


def bus_addresses(dtb):
    """(name, bus address) of each iommu-addresses entry of the tree."""
    tree = fdt.load(dtb)
    out = []
    for node in tree.node("/reserved-memory").children:
        v = node.prop("iommu-addresses")
        for at in range(0, len(v or b""), 24):
            hi, lo = (int.from_bytes(v[at + k:at + k + 4], "big")
                      for k in (8, 12))
            out.append((node.name, hi << 32 | lo))
    return out


def run_case(tool, name, opts, window, workdir, series):
    art = guest.Artifacts(mode="stub", memory="1G", machine=MACHINE,
                          qemu_args=DEVICES, name=f"dt-iommu-{name}",
                          kernel=series, timeout=150)
    base = guest.base_dtb(ARCH, art)
    if window:
        base = with_dma_ranges(base, window, workdir)
    by_path = name.endswith("-path")
    if by_path:
        base = with_port_node(base, workdir)
    map_file = PATH_MAP if by_path else MAP
    dtb = os.path.join(workdir, f"dt-iommu-{name}-{series}.dtb")
    guest.memcarve(tool, "dt", map_file, "--base", base, "-o", dtb, *opts)
    carved = json.loads(guest.memcarve(tool, "show", "--json", map_file))
    art.dtb = dtb
    t0 = time.monotonic()
    view = guest.boot(ARCH, art)
    secs = time.monotonic() - t0
    result = guest.compare(view, carved, title=f"{name} guest vs map")
    group = {i.group for i in view.iommu if DEVICE in i.devices}
    listed = [i for i in view.iommu if i.group in group]
    problems = []
    if window:
        offset = window[3] << 32 | window[4]  # CPU - bus (bus at 0)
        for node, bus in bus_addresses(dtb):
            cpu = int(node.split("@")[1], 16)
            if bus != cpu - offset:
                problems.append(f"{node}: iommu-addresses holds {bus:#x}, "
                                f"not the bus address {cpu - offset:#x}")
    if not group:
        problems.append(f"no IOMMU group holds {DEVICE}: "
                        f"{sorted({i.group for i in view.iommu})}")
    for a, b, rname in direct_ranges(carved):
        hit = any(i.start == a and i.end == b and i.type == "direct"
                  for i in listed)
        bound = name.startswith("bound")
        if hit != bound:
            problems.append(f"{rname} [{a:#x}-{b:#x}]: "
                            f"{'missing from' if bound else 'listed in'}"
                            f" the reserved_regions of {DEVICE}'s group")
    return view, secs, result, problems, carved, listed


def side_by_side(carved, listed, named):
    ours = [f"{a:#018x} {b:#018x} direct  ({n}, devices={named})"
            for a, b, n in direct_ranges(carved)]
    theirs = [f"{i.start:#018x} {i.end:#018x} {i.type}" for i in listed]
    width = max([len(s) for s in ours] + [30])
    print(f"    {'our map':<{width}} | guest's reserved_regions "
          f"(group of {DEVICE})")
    for k in range(max(len(ours), len(theirs))):
        left = ours[k] if k < len(ours) else ""
        right = theirs[k] if k < len(theirs) else ""
        print(f"    {left:<{width}} | {right}")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="kernel series (default: the newest of arm64's)")
    ns = p.parse_args(argv)
    workdir = os.environ.get("MEMCARVE_GUEST_BUILD",
                             os.path.join(TOP, "build", "guest"))
    os.makedirs(workdir, exist_ok=True)
    series = guest.matrix(ARCH, ns.kernel) if ns.kernel else \
        [guest.matrix(ARCH)[-1]]
    failed = 0
    for s in series:
        for name, opts, window in CASES:
            try:
                view, secs, result, problems, carved, listed = run_case(
                    ns.tool, name, opts, window, workdir, s)
            except guest.HarnessError as e:
                print(f"FAIL {name} [linux {s}]: {e}")
                failed += 1
                continue
            ok = bool(result) and not problems
            print(f"{'PASS' if ok else 'FAIL'} {name} [linux {s}]: "
                  f"{secs:.1f} s, {len(result.checked) + 1} checks, "
                  f"log {view.log_path}")
            side_by_side(carved, listed,
                         "/".join(PORT_NODE[:2]) if name.endswith("-path")
                         else DEVICE)
            if not result:
                print("  " + str(result).replace("\n", "\n  "))
            for line in problems:
                print(f"  {line}")
            failed += not ok
    total = len(series) * len(CASES)
    print(f"boot_dt_iommu: {total - failed} of {total} boots matched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
