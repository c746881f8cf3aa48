#!/usr/bin/env python3
"""Boot proof of the SRAT emitter: Linux takes each NUMA node's memory, and
the hotplug window, from our SRAT.

  q35   x86_64 -M q35 through SeaBIOS (-kernel), two NUMA nodes and a
        device-memory window for DIMMs: QEMU 7.2 -m 2G,slots=2,maxmem=4G,
        a 1G memory backend per node, CPU 0 on node 0. The guest's e820 is
        made ours with `memcarve cmdline --style x86` (memmap=exactmap),
        and our SRAT (`memcarve acpi --table srat --base` on QEMU's own
        SRAT, fixtures/srat/qemu-q35-srat.aml, so the OEM revision is one
        higher) replaces QEMU's by the initrd table upgrade
        (kernel/firmware/acpi/srat.aml). The map carves a hole out of node
        1, which QEMU's SRAT does not have. Required:
        - the guest lists SRAT with OEM revision 2 (ours installed);
        - its "SRAT: Node N PXM N [mem A-B][ hotplug]" lines are exactly
          our table's structures (decoded by `memcarve inspect`), node ==
          PXM == the map's node, the hotplug window included;
        - no line saying Linux refused the SRAT or faked a node;
        - "Early memory node ranges": each of the guest's RAM ranges on the
          node the map gives it;
        - /proc/zoneinfo: the pages present in each node's zones are the
          map's RAM of that node (e820 usable, whole pages, page 0 taken
          by the kernel), and each node's meminfo MemTotal is above 0 and
          at most that;
        - the guest's user: e820 lines equal the carved map.

  virt-edk2  arm64 -M virt through edk2 (mode edk2, acpi=force), two NUMA
        nodes of 512M (CPU 0 on node 0) and a DIMM window (-m
        1G,slots=2,maxmem=2G). Linux takes its memory from the UEFI memory
        map, which holds edk2's variable flash (0x04000000, 64M, no-map)
        besides RAM: the map (fixtures/srat/boot-virt.map) puts the flash
        in node 0. First a control boot with QEMU's own SRAT (dumped by
        that boot with memcarve.acpidump=SRAT): it must read QEMU's table
        (its SRAT lines equal it) and, as the flash is in no node, fake
        one node (6.1: "invalid memblk node", 7.2: "no nodes coverage"),
        so its nodes differ from the map's. Then our SRAT, --base on that
        dump, by the initrd table upgrade (CONFIG_ACPI_TABLE_UPGRADE=y in
        Debian's arm64 6.1 and 7.2), required as for q35 (OEM revision 2,
        SRAT lines, no refusal, each early range on the map's node), and:
        - the guest's SRAT is ours byte for byte (memcarve.acpidump);
        - each node's early ranges, joined, are exactly the map's memory
          of that node, and its present pages exactly that memory's pages,
          less the kernel's copy of the upgraded table (arm64 marks it
          no-map by its byte size, so its page leaves the node ranges);
        - "ACPI: NUMA: SRAT: PXM 0 -> MPIDR 0x0 -> Node 0": QEMU's GICC
          affinity structure, kept by --base, read;
        - the harness comparator: memory blocks equal the map.

Every case runs on each kernel of its arch's matrix (6.1 and sid's newest).

Usage: python3 tests/guest/boot_srat.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import boot_acpi  # noqa: E402
import boot_numa_dt  # noqa: E402
import guest  # noqa: E402
from harness.parse import node_memtotal, zone_present  # noqa: E402

MAP = "fixtures/srat/boot-q35.map"
BASE = "fixtures/srat/qemu-q35-srat.aml"
Q35 = ["-M", "q35", "-cpu", "qemu64"]
MEMORY = "2G,slots=2,maxmem=4G"
NUMA = ["-object", "memory-backend-ram,id=m0,size=1G",
        "-object", "memory-backend-ram,id=m1,size=1G",
        "-numa", "node,nodeid=0,cpus=0,memdev=m0",
        "-numa", "node,nodeid=1,memdev=m1"]
PAGE = 4096
# drivers/acpi/numa/srat.c: acpi_numa_memory_affinity_init()
SRAT_LINE = re.compile(r"SRAT: Node (\d+) PXM (\d+) \[mem (0x[0-9a-f]+)-"
                       r"(0x[0-9a-f]+)\]( hotplug)?( non-volatile)?")
# Linux saying it did not use the SRAT, or fell back to one fake node.
REFUSED = ("SRAT not used", "nodes only cover", "No NUMA configuration",
           "Faking a node", "Too many proximity domains",
           "too many memblk ranges", "no nodes coverage",
           "invalid memblk node")
NODE_RANGE = re.compile(r"^\s*node\s+(\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]")


def srat_structures(tool, aml):
    """Our table's memory affinity as (node, first, last, hotplug)."""
    out = []
    for line in guest.memcarve(tool, "inspect", aml).splitlines():
        w = line.split()
        if w and w[0] in ("ram", "hotplug", "pmem"):
            node = [int(a[5:]) for a in w if a.startswith("node=")]
            first, size = int(w[1], 16), int(w[2], 16)
            out.append((node[0], first, first + size - 1, w[0] == "hotplug"))
    return sorted(out)


def ram_by_node(carved_path):
    """The map's e820 RAM pieces, (node, first, last), from show --json."""
    with open(carved_path) as f:
        pieces = json.load(f)["regions"]
    out = []
    for p in pieces:
        if p["kind"] != "ram":
            continue
        if "node" not in p:
            raise guest.HarnessError("show --json gives no node for ram "
                                     f"{p['start']}: not a NUMA map?")
        out.append((p["node"], int(p["start"], 16), int(p["end"], 16)))
    return out


def guest_pages(first, last):
    """Whole pages of [first, last] the guest keeps: page 0 is the
    kernel's (e820__range_update of the first page to reserved)."""
    lo = max((first + PAGE - 1) // PAGE, 1)
    hi = (last + 1) // PAGE
    return max(hi - lo, 0)


def check_srat_lines(view, want, problems):
    seen = []
    for line in view.dmesg:
        m = SRAT_LINE.search(line)
        if m:
            node, pxm = int(m.group(1)), int(m.group(2))
            if node != pxm:
                problems.append(f"node {node} is PXM {pxm}: {line}")
            seen.append((node, int(m.group(3), 16), int(m.group(4), 16),
                         bool(m.group(5))))
    if sorted(seen) != want:
        problems.append(f"the guest's SRAT lines {sorted(seen)} are not "
                        f"our table's {want}")
    if not any(h for _, _, _, h in seen):
        problems.append("no hotplug range among the guest's SRAT lines")
    for line in view.dmesg:
        if any(r in line for r in REFUSED):
            problems.append(f"the guest refused the NUMA description: {line}")


def check_node_ranges(view, ram, problems):
    lines = [m for m in (NODE_RANGE.search(l) for l in view.dmesg) if m]
    if not lines:
        problems.append("no 'Early memory node ranges' lines")
    for m in lines:
        node, first, last = (int(m.group(1)), int(m.group(2), 16),
                             int(m.group(3), 16))
        owners = {n for n, a, b in ram if a <= last and first <= b}
        if owners != {node}:
            problems.append(f"node {node}: [mem {first:#x}-{last:#x}] is "
                            f"in the map's node(s) {sorted(owners)}")


def pages_by_node(ram):
    """x86: the pages the guest keeps of the map's e820 RAM, per node."""
    want = {}
    for node, first, last in ram:
        want[node] = want.get(node, 0) + guest_pages(first, last)
    return want


def check_pages(view, want, problems):
    """want: node -> pages; present pages per node must be exactly that,
    MemTotal within it."""
    present = zone_present(view.sections.get("zoneinfo", []))
    if present != want:
        problems.append(f"pages present per node {present}, the map's RAM "
                        f"per node {want}")
    totals = node_memtotal(view.sections.get("nodemem", []))
    if sorted(totals) != sorted(want):
        problems.append(f"the guest's nodes {sorted(totals)} are not the "
                        f"map's {sorted(want)}")
    for node, total in totals.items():
        if not 0 < total <= want.get(node, 0) * PAGE:
            problems.append(f"node {node}: MemTotal {total} bytes, the map's "
                            f"RAM {want.get(node, 0) * PAGE}")


def check_installed(view, problems):
    """Ours is QEMU's (BOCHS BXPC, revision 1) with the OEM revision one
    higher, so the table upgrade installs it."""
    if not any(re.search(r"ACPI: SRAT .*BOCHS  BXPC     00000002", l)
               for l in view.dmesg):
        problems.append("the guest lists no SRAT of OEM revision 2: the "
                        "table upgrade did not install ours")


def case_q35(tool, scratch, series):
    started = time.monotonic()
    aml = os.path.join(scratch, "srat.aml")
    carved = os.path.join(scratch, "carved.json")
    guest.memcarve(tool, "acpi", MAP, "--table", "srat", "--base", BASE,
                   "-o", aml)
    line = guest.memcarve(tool, "cmdline", MAP, "--style", "x86").strip()
    with open(carved, "w") as f:
        f.write(guest.memcarve(tool, "show", "--json", MAP))
    art = guest.Artifacts(machine=Q35, memory=MEMORY, qemu_args=NUMA,
                          acpi_tables={"srat.aml": aml}, cmdline=line,
                          name="srat-q35", kernel=series)
    view = guest.boot("x86_64", art)
    problems = []
    result = guest.compare(view, carved)
    if not result:
        problems.append(str(result))
    check_installed(view, problems)
    want = srat_structures(tool, aml)
    ram = ram_by_node(carved)
    check_srat_lines(view, want, problems)
    check_node_ranges(view, ram, problems)
    check_pages(view, pages_by_node(ram), problems)
    report("q35", series, problems, started, view, aml, tool)
    return not problems


def report(name, series, problems, started, view, aml, tool):
    status = "ok" if not problems else "MISMATCH"
    print(f"{name} [linux {series}]: {status}, boot {view.seconds:.1f} s "
          f"(case {time.monotonic() - started:.1f} s), log {view.log_path}")
    for p in problems:
        print(f"  {p}")
    for node, first, last, hot in srat_structures(tool, aml):
        print(f"  srat:  node {node} [mem {first:#x}-{last:#x}]"
              f"{' hotplug' if hot else ''}")
    for l in view.dmesg:
        if SRAT_LINE.search(l) or GICC_LINE.search(l) or "SRAT" in l[:40]:
            print(f"  guest: {l}")
    present = zone_present(view.sections.get("zoneinfo", []))
    totals = node_memtotal(view.sections.get("nodemem", []))
    print(f"  guest: present pages per node {present}, MemTotal {totals}")


# --- arm64 virt through edk2 ------------------------------------------------

VIRT_MAP = "fixtures/srat/boot-virt.map"
VIRT = ["-M", "virt", "-cpu", "cortex-a57"]
VIRT_MEMORY = "1G,slots=2,maxmem=2G"
VIRT_NUMA = ["-object", "memory-backend-ram,id=m0,size=512M",
             "-object", "memory-backend-ram,id=m1,size=512M",
             "-numa", "node,nodeid=0,cpus=0,memdev=m0",
             "-numa", "node,nodeid=1,memdev=m1"]
# QEMU's own SRAT leaves edk2's flash out of every node: Linux then fakes
# one node (6.1 warns about the memblock first).
FAKED = [r"NUMA: Warning: invalid memblk node", r"NUMA: no nodes coverage",
         r"NUMA: Faking a node"]
# arch/arm64/kernel/acpi_numa.c: a GICC affinity structure read.
GICC_LINE = re.compile(r"ACPI: NUMA: SRAT: PXM (\d+) -> MPIDR (0x[0-9a-f]+) "
                       r"-> Node (-?\d+)")


def virt_art(series, name, **kw):
    return guest.Artifacts(mode="edk2", machine=VIRT, memory=VIRT_MEMORY,
                           qemu_args=VIRT_NUMA, timeout=240, kernel=series,
                           name=name, **kw)


def slot_ranges(tool, path):
    """The map's backed memory, (node, first, last) per slot."""
    slots = json.loads(guest.memcarve(tool, "slots", "--json", path))
    return [(s["node"], int(s["guest"], 16),
             int(s["guest"], 16) + int(s["size"], 16) - 1)
            for s in slots["slots"]]


def check_node_blocks(view, backed, problems):
    """Each node's early ranges, joined, are exactly the map's memory of
    that node."""
    want = {}
    for node, first, last in backed:
        want.setdefault(node, []).append((first, last))
    want = {n: boot_numa_dt.join(r) for n, r in want.items()}
    got = boot_numa_dt.early_ranges(view.dmesg)
    if got != want:
        problems.append(f"early node ranges {got}; the map's {want}")


OVERRIDE = re.compile(r"ACPI: (\w+) 0x[0-9A-F]+ Physical table override, "
                      r"new table: 0x([0-9A-F]+)")


def upgrade_pages(view):
    """The pages of the kernel's copy of the upgraded tables: arm64's
    arch_reserve_mem_area() marks the copy no-map by its byte size
    (drivers/acpi/tables.c acpi_table_upgrade()), which splits the
    memblock there, and the page-granular node ranges and zones lose
    the copy's pages. The kernel's own allocation, not a range of ours."""
    for l in view.dmesg:
        m = OVERRIDE.search(l)
        if not m:
            continue
        sig, addr = m.group(1), m.group(2)
        size = next((int(x.group(1), 16) for x in (re.search(
            rf"ACPI: {sig} 0x0*{addr.lstrip('0')} ([0-9A-F]+) ", k)
            for k in view.dmesg) if x), None)
        if size is None:
            raise guest.HarnessError(f"no length for the {sig} copy at "
                                     f"0x{addr}")
        first = int(addr, 16)
        return first, -(-(first + size) // PAGE) * PAGE - 1
    return None


def without(backed, cut):
    if cut is None:
        return backed
    out = []
    for node, first, last in backed:
        if cut[1] < first or last < cut[0]:
            out.append((node, first, last))
            continue
        if first < cut[0]:
            out.append((node, first, cut[0] - 1))
        if cut[1] < last:
            out.append((node, cut[1] + 1, last))
    return out


def virt_checks(tool, view, aml, backed):
    problems = []
    backed = without(backed, upgrade_pages(view))
    check_srat_lines(view, srat_structures(tool, aml), problems)
    check_node_ranges(view, backed, problems)
    check_node_blocks(view, backed, problems)
    pages = {}
    for node, first, last in backed:
        pages[node] = pages.get(node, 0) + (last + 1 - first) // PAGE
    check_pages(view, pages, problems)
    gicc = [m.groups() for m in (GICC_LINE.search(l) for l in view.dmesg)
            if m]
    if gicc != [("0", "0x0", "0")]:
        problems.append(f"GICC affinity read as {gicc}: CPU 0 is not on "
                        f"node 0 (the base's structure kept?)")
    return problems


def case_virt(tool, scratch, series):
    """Control first: QEMU's own SRAT (dumped by that boot, our base); the
    guest must read it and end up with nodes other than the map's. Then
    ours, by the initrd upgrade."""
    started = time.monotonic()
    backed = slot_ranges(tool, VIRT_MAP)
    art = virt_art(series, "srat-virt-qemu", expect_log=FAKED,
                   cmdline="memcarve.acpidump=SRAT")
    qemu = guest.boot("arm64", art)
    if "SRAT" not in qemu.acpi_hex:
        raise guest.HarnessError("the control boot dumped no SRAT")
    base = os.path.join(scratch, "qemu-virt-srat.aml")
    with open(base, "wb") as f:
        f.write(bytes(qemu.acpi_hex["SRAT"]))
    control = virt_checks(tool, qemu, base, backed)
    theirs = [p for p in control if "SRAT lines" in p]
    ok = (not theirs and any("Faking a node" in p for p in control)
          and any("are not the map's" in p for p in control))
    print(f"virt-edk2-control [linux {series}]: "
          f"{'ok' if ok else 'MISMATCH'}, boot {qemu.seconds:.1f} s: QEMU's "
          f"SRAT read, and the guest's nodes differ from the map in "
          f"{len(control)} checks")
    for p in (theirs if theirs else control):
        print(f"  {'' if ok else 'control: '}{p}")
    aml = os.path.join(scratch, "srat.aml")
    guest.memcarve(tool, "acpi", VIRT_MAP, "--table", "srat", "--base", base,
                   "-o", aml)
    art = virt_art(series, "srat-virt", acpi_tables={"srat.aml": aml},
                   cmdline="memcarve.acpidump=SRAT")
    view = guest.boot("arm64", art)
    problems = virt_checks(tool, view, aml, backed)
    check_installed(view, problems)
    boot_acpi.acpi_hex_equal(view, "SRAT", aml, problems)
    result = guest.compare(view, guest.memcarve(tool, "show", "--json",
                                                VIRT_MAP))
    if not result:
        problems.append(str(result))
    report("virt-edk2", series, problems, started, view, aml, tool)
    return ok and not problems


# name, function, guest arch
CASES = [("q35", case_q35, "x86_64"),
         ("virt-edk2", case_virt, "arm64")]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="only", help="run the cases whose name has this")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_srat: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    cases = [c + (s,) for c in CASES if not ns.only or ns.only in c[0]
             for s in guest.matrix(c[2], ns.kernel)]
    if not cases:
        print(f"boot_srat: no case matches '{ns.only}'", file=sys.stderr)
        return 1
    passed = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-srat-") as scratch:
        for name, fn, _, series in cases:
            work = os.path.join(scratch, name, series)
            os.makedirs(work, exist_ok=True)
            try:
                passed += fn(ns.tool, work, series)
            except (guest.HarnessError, subprocess.CalledProcessError) as e:
                print(f"{name} [linux {series}]: FAILED: {e}", flush=True)
    print(f"boot_srat: {passed} of {len(cases)} cases matched")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
