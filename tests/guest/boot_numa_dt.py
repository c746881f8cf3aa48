#!/usr/bin/env python3
"""Boot proof of NUMA in the device tree: arm64, ppc64le and riscv64
guests with two NUMA nodes read trees that `memcarve dt --base` patched
into QEMU's own tree, with a hole carved in node 1 and its RAM relocated
within node 1.

QEMU gets two nodes of 512 MiB (-numa node,memdev=...), and its tree
(dumpdtb) is the base. The map gives node 1 only 384 MiB of its 512, so
the relocated RAM lands in node 1's free space that QEMU backs. arm64 and
ppc64le boot through the harness's stub firmware; riscv64 through QEMU's
OpenSBI with -dtb (a hart per node, as QEMU's riscv virt requires, and
-numa dist, so the base has a /distance-map), on each kernel of the
arch's matrix (Debian 12's 6.1, ppc64le's 6.12, riscv64's trixie 6.12,
sid's newest). Checked, besides the harness comparator (memory blocks
exactly; reservations inside guest reservations; holes not memory):

  - the boot log's `Early memory node ranges` lines, node by node, are
    exactly our slots of that node (joined where they touch);
  - each `Initmem setup node N [mem A-B]` spans our node N's first to last
    byte;
  - /proc/zoneinfo: each node's present pages (summed over its zones)
    times the page size are our node's RAM (slots --json "backing");
  - /sys/devices/system/node: exactly our nodes, each node's meminfo
    MemTotal (what the buddy allocator got) more than 0 and at most that
    RAM, and its distances the map's distance lines (riscv64: 30, which
    only the tree's /distance-map gives; arm64: 20, Linux's default);
  - `memcarve inspect` of the booted tree reads the same nodes as the
    guest (the decoder's reading of numa-node-id, ibm,associativity and
    the form of affinity).

pseries: QEMU's dumped tree is the one at reset, before the guest's
client-architecture-support call; under the stub nothing makes that call,
so /chosen ibm,architecture-vec-5 still says FORM0 affinity, under which
Linux reads the node from the second reference point (cell 3: 0 for
both of QEMU's memory nodes). The script sets byte 5 bit 0x80 (FORM1),
what QEMU writes there after negotiating FORM1 with Linux, so the base
is the tree a VMM hands a NUMA guest; memcarve reads the form from the
same property (its FORM0 refusal is a golden case). A control boot keeps
QEMU's reset tree and a map without node=: the guest puts all memory on
node 0, as memcarve reads FORM0.

The map's hotplug window (node 1, 0x100000000) has no device-tree
binding: the tree leaves it out, and the guest must have no memory there.

riscv64 control: QEMU's own tree (no output of ours) with the same map.
It passes only if the guest's early node ranges are QEMU's (two whole
512 MiB nodes, as `memcarve inspect` reads that tree) and the checks
above find them different from the map: the NUMA checks cannot pass on
QEMU's view.

Usage: python3 tests/guest/boot_numa_dt.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve] [-v]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import json
import os
import re
import sys
import time
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402
from harness import fdt  # noqa: E402
from harness.parse import node_distance, node_memtotal, zone_present  # noqa: E402,E501

MEMORY = "1G"
# Two nodes of 512 MiB: node 0 from the start of RAM, node 1 after it.
NUMA_ARGS = [
    "-object", "memory-backend-ram,id=m0,size=512M",
    "-object", "memory-backend-ram,id=m1,size=512M",
    "-numa", "node,nodeid=0,memdev=m0,cpus=0",
    "-numa", "node,nodeid=1,memdev=m1",
]
# riscv64 virt makes a socket of each node and wants a hart in each
# ("discontinuous hartids in socket1" otherwise); -numa dist makes it
# write /distance-map, which the patched tree keeps: 30, not Linux's
# default remote distance (20), so the guest shows where it read it.
RISCV_NUMA_ARGS = NUMA_ARGS[:4] + [
    "-smp", "2",
    "-numa", "node,nodeid=0,memdev=m0,cpus=0",
    "-numa", "node,nodeid=1,memdev=m1,cpus=1",
    "-numa", "dist,src=0,dst=1,val=30",
]
# arch -> harness mode and QEMU's NUMA arguments: arm64 and ppc64le boot
# our tree through the stub firmware; riscv64 through QEMU's OpenSBI
# (-dtb), which adds its own /reserved-memory children.
BOOT = {"arm64": ("stub", NUMA_ARGS), "ppc64le": ("stub", NUMA_ARGS),
        "riscv64": ("plain", RISCV_NUMA_ARGS)}


@dataclass
class Case:
    name: str
    arch: str
    map: str
    form1: bool = False         # pseries: FORM1 affinity in the base
    series: tuple = None        # None: the arch's matrix
    control: bool = False       # boot QEMU's own tree: the map must differ


CASES = [
    Case("arm64-numa", "arm64", "fixtures/dt/numa-arm64.map"),
    Case("ppc64le-numa", "ppc64le", "fixtures/dt/numa-ppc64.map",
         form1=True),
    # Control: QEMU's reset tree (FORM0) and a map without node=: the
    # base's arrays are inherited, and Linux, like memcarve's decoder,
    # reads node 0 from both (one boot: 6.1).
    Case("ppc64le-form0", "ppc64le", "fixtures/dt/boot-ppc64.map",
         series=("6.1",)),
    Case("riscv64-numa", "riscv64", "fixtures/dt/numa-riscv64.map"),
    # Control: QEMU's own tree, no output of ours: the guest's nodes are
    # QEMU's (two whole 512M nodes), which the checks must find differ
    # from the map, so the case above cannot pass vacuously.
    Case("riscv64-qemu-control", "riscv64", "fixtures/dt/numa-riscv64.map",
         control=True),
]

# arch/powerpc/include/asm/prom.h OV5_FORM1_AFFINITY: byte 5, bit 0x80.
OV5_FORM1 = bytes([5, 0, 0, 0, 0, 0x80])

EARLY_NODE = re.compile(r"^\s*node\s+(\d+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]")
INITMEM = re.compile(r"Initmem setup node (\d+) \[mem (0x[0-9a-f]+)-"
                     r"(0x[0-9a-f]+)\]")


def join(ranges):
    out = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def fmt(ranges):
    return ", ".join(f"[{a:#x}-{b:#x}]" for a, b in ranges) or "none"


def ours(slots):
    """Per node: our blocks (joined) and RAM bytes, from slots --json."""
    blocks, size = {}, {}
    for s in slots["slots"]:
        a, n = int(s["guest"], 16), int(s["size"], 16)
        blocks.setdefault(s["node"], []).append((a, a + n - 1))
    for b in slots["backing"]:
        size[b["node"]] = int(b["size"], 16)
    return {n: join(r) for n, r in blocks.items()}, size


def early_ranges(dmesg):
    """The last `Early memory node ranges` block, node by node."""
    out, inside = {}, False
    for line in dmesg:
        if line.startswith("Early memory node ranges"):
            out, inside = {}, True
            continue
        m = EARLY_NODE.match(line) if inside else None
        if m:
            out.setdefault(int(m.group(1)), []).append(
                (int(m.group(2), 16), int(m.group(3), 16)))
        else:
            inside = False
    return {n: join(r) for n, r in out.items()}


def numa_checks(view, blocks, size, page):
    problems, rows = [], []
    early = early_ranges(view.dmesg)
    for n in sorted(set(blocks) | set(early)):
        rows.append((f"node {n} blocks", fmt(blocks.get(n, [])),
                     "Early memory node ranges", fmt(early.get(n, []))))
        if early.get(n) != blocks.get(n):
            problems.append(f"node {n}: the guest's early ranges "
                            f"{fmt(early.get(n, []))}; ours "
                            f"{fmt(blocks.get(n, []))}")
    initmem = {int(m.group(1)): (int(m.group(2), 16), int(m.group(3), 16))
               for m in (INITMEM.search(l) for l in view.dmesg) if m}
    if not initmem:
        problems.append("no 'Initmem setup node' line in the boot log")
    for n, span in sorted(initmem.items()):
        want = (blocks[n][0][0], blocks[n][-1][1]) if n in blocks else None
        rows.append((f"node {n} span", fmt([want] if want else []),
                     "Initmem setup node", fmt([span])))
        if span != want:
            problems.append(f"node {n}: Initmem setup {fmt([span])}; ours "
                            f"{fmt([want] if want else [])}")
    present = zone_present(view.sections.get("zoneinfo", []))
    total = node_memtotal(view.sections.get("nodemem", []))
    for n in sorted(set(size) | set(present) | set(total)):
        got = present.get(n, 0) * page
        rows.append((f"node {n} RAM", f"{size.get(n, 0):#x}",
                     "zoneinfo present x page", f"{got:#x}"))
        if got != size.get(n, 0):
            problems.append(f"node {n}: present pages x {page} = {got:#x}; "
                            f"our node's RAM {size.get(n, 0):#x}")
        mt = total.get(n)
        rows.append((f"node {n} meminfo", f"0 < MemTotal <= {size.get(n, 0):#x}",
                     "MemTotal", f"{mt:#x}" if mt is not None else "MISSING"))
        if mt is None or not 0 < mt <= size.get(n, 0):
            problems.append(f"node {n}: /sys/devices/system/node meminfo "
                            f"MemTotal {mt}; our node's RAM "
                            f"{size.get(n, 0):#x}")
    return problems, rows


def distance_checks(view, carved):
    """The map's distance lines, as the guest's node distances: what the
    tree's /distance-map says, or Linux's defaults (10 local, 20 remote)
    where there is none, which memcarve holds the map to."""
    problems, rows = [], []
    got = node_distance(view.sections.get("nodedist", []))
    for d in carved.get("distances", []):
        a, b, want = d["from"], d["to"], d["distance"]
        row = got.get(a, [])
        seen = row[b] if b < len(row) else None
        rows.append((f"distance {a} {b}", str(want),
                     f"node{a}/distance", str(seen)))
        if seen != want:
            problems.append(f"node {a} to node {b}: the guest's distance "
                            f"{seen}; the map's {want}")
    return problems, rows


def without_hotplug(carved):
    """The tree leaves hotplug windows out: the comparator gets the rest,
    and the guest must have no memory in them."""
    windows = [(int(r["start"], 16), int(r["end"], 16))
               for r in carved["regions"] if r["kind"] == "hotplug"]
    carved = dict(carved)
    carved["regions"] = [r for r in carved["regions"]
                         if r["kind"] != "hotplug"]
    return carved, windows


def base_for(arch, art, workdir, name, form1):
    base = guest.base_dtb(arch, art)
    if not form1:
        return base
    tree = fdt.load(base)
    tree.node("/chosen").set("ibm,architecture-vec-5", OV5_FORM1)
    out = os.path.join(workdir, f"numa-{name}-{art.kernel}-base.dtb")
    with open(out, "wb") as f:
        f.write(fdt.dumps(tree))
    return out


def decoded_nodes(tool, dtb):
    """What `memcarve inspect` reads from the tree: node -> RAM ranges."""
    out = {}
    for line in guest.memcarve(tool, "inspect", dtb).splitlines():
        w = line.split()
        if len(w) < 3 or w[0] != "ram":
            continue
        a, n = int(w[1], 16), int(w[2], 16)
        node = next((int(x[5:]) for x in w if x.startswith("node=")), 0)
        out.setdefault(node, []).append((a, a + n - 1))
    return {n: join(r) for n, r in out.items()}


def run_case(tool, case, workdir, series):
    mode, numa_args = BOOT[case.arch]
    art = guest.Artifacts(mode=mode, memory=MEMORY,
                          name=f"numa-{case.name}", kernel=series,
                          qemu_args=list(numa_args))
    base = base_for(case.arch, art, workdir, case.name, case.form1)
    dtb = os.path.join(workdir, f"numa-{case.name}-{series}.dtb")
    guest.memcarve(tool, "dt", case.map, "--base", base, "-o", dtb)
    carved = json.loads(guest.memcarve(tool, "show", "--json", case.map))
    slots = json.loads(guest.memcarve(tool, "slots", "--json", case.map))
    blocks, size = ours(slots)
    art.dtb = base if case.control else dtb
    t0 = time.monotonic()
    view = guest.boot(case.arch, art)
    secs = time.monotonic() - t0
    page = guest.fetch(case.arch, series)["page_size"]
    problems, rows = numa_checks(view, blocks, size, page)
    more, more_rows = distance_checks(view, carved)
    problems, rows = problems + more, rows + more_rows
    decoded, early = decoded_nodes(tool, art.dtb), early_ranges(view.dmesg)
    rows.append(("memcarve inspect", ", ".join(
        f"node {n}: {fmt(r)}" for n, r in sorted(decoded.items())),
        "early ranges", "same" if decoded == early else "DIFFERENT"))
    if case.control:
        return view, secs, None, control_verdict(problems, decoded,
                                                 early), rows
    if decoded != early:
        problems.append(f"memcarve inspect reads nodes {decoded} from the "
                        f"tree; the guest {early}")
    carved, windows = without_hotplug(carved)
    result = guest.compare(view, carved, title=f"{case.name} guest vs map")
    for a, b in windows:
        inside = [r for r in view.memory if r.start <= b and a <= r.end]
        rows.append(("hotplug window", fmt([(a, b)]), "guest memory there",
                     "none" if not inside else "SOME"))
        if inside:
            problems.append(f"hotplug window {fmt([(a, b)])} is memory in "
                            f"the guest")
    return view, secs, result, problems, rows


def control_verdict(against_map, decoded, early):
    """A control boot of QEMU's own tree passes when the guest took QEMU's
    nodes (as memcarve reads them from that tree), at least two, and the
    map's checks found them different: what the real case proves is then
    ours, not QEMU's."""
    problems = []
    if len(early) < 2 or decoded != early:
        problems.append(f"the guest's nodes {early} are not QEMU's "
                        f"{decoded}")
    if not against_map:
        problems.append("QEMU's own tree passes the map's checks: they "
                        "cannot tell ours from QEMU's")
    return problems


def print_rows(rows):
    for ours_what, ours_v, guest_what, seen in rows:
        print(f"    {ours_what:<18} {ours_v:<44} | {guest_what}: {seen}")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", help="only cases whose name contains this")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print ours beside the guest's for every boot")
    ns = p.parse_args(argv)
    workdir = os.environ.get("MEMCARVE_GUEST_BUILD",
                             os.path.join(TOP, "build", "guest"))
    os.makedirs(workdir, exist_ok=True)
    failed = 0
    cases = [(c, s) for c in CASES if not ns.k or ns.k in c.name
             for s in guest.matrix(c.arch, ns.kernel)
             if c.series is None or s in c.series]
    if not cases:
        print(f"boot_numa_dt: no case matches {ns.k!r}")
        return 1
    for case, series in cases:
        name = case.name
        try:
            view, secs, result, problems, rows = run_case(
                ns.tool, case, workdir, series)
        except guest.HarnessError as e:
            print(f"FAIL {name} [linux {series}]: {e}")
            failed += 1
            continue
        ok = (result is None or bool(result)) and not problems
        checks = len(rows) + (len(result.checked) if result is not None else 0)
        print(f"{'PASS' if ok else 'FAIL'} {name} [linux {series}]: "
              f"{secs:.1f} s, {checks} checks, log {view.log_path}")
        if ns.verbose or not ok:
            print_rows(rows)
        if result is not None and not result:
            print("  " + str(result).replace("\n", "\n  "))
        for line in problems:
            print(f"  {line}")
        failed += not ok
    print(f"boot_numa_dt: {len(cases) - failed} of {len(cases)} boots "
          f"matched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
