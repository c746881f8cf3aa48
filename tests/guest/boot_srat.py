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

Every case runs on each kernel of the x86_64 matrix (6.1 and sid's newest).

Usage: python3 tests/guest/boot_srat.py [--kernel SERIES]... [--tool build/memcarve]
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
           "too many memblk ranges", "no nodes coverage")
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


def check_pages(view, ram, problems):
    want = {}
    for node, first, last in ram:
        want[node] = want.get(node, 0) + guest_pages(first, last)
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
    if not any(re.search(r"ACPI: SRAT .*BOCHS  BXPC     00000002", l)
               for l in view.dmesg):
        problems.append("the guest lists no SRAT of OEM revision 2: the "
                        "table upgrade did not install ours")
    want = srat_structures(tool, aml)
    ram = ram_by_node(carved)
    check_srat_lines(view, want, problems)
    check_node_ranges(view, ram, problems)
    check_pages(view, ram, problems)
    status = "ok" if not problems else "MISMATCH"
    print(f"q35 [linux {series}]: {status}, boot {view.seconds:.1f} s "
          f"(case {time.monotonic() - started:.1f} s), log {view.log_path}")
    for p in problems:
        print(f"  {p}")
    for node, first, last, hot in want:
        print(f"  srat:  node {node} [mem {first:#x}-{last:#x}]"
              f"{' hotplug' if hot else ''}")
    for l in view.dmesg:
        if SRAT_LINE.search(l) or "SRAT" in l[:40]:
            print(f"  guest: {l}")
    present = zone_present(view.sections.get("zoneinfo", []))
    totals = node_memtotal(view.sections.get("nodemem", []))
    print(f"  guest: present pages per node {present}, MemTotal {totals}")
    return not problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_srat: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    series = guest.matrix("x86_64", ns.kernel)
    passed = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-srat-") as scratch:
        for s in series:
            work = os.path.join(scratch, s)
            os.makedirs(work, exist_ok=True)
            try:
                passed += case_q35(ns.tool, work, s)
            except (guest.HarnessError, subprocess.CalledProcessError) as e:
                print(f"q35 [linux {s}]: FAILED: {e}", flush=True)
    print(f"boot_srat: {passed} of {len(series)} boots matched")
    return 0 if passed == len(series) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
