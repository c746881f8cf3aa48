#!/usr/bin/env python3
"""Boot proof of the device-tree emitter: real arm64 and ppc64le guests
read trees that `memcarve dt --base` patched into QEMU's own tree.

Each boot carves a map with a hole (type=msi, carved), a backed `no-map`
child (nvs), a `reusable` child, and a backed reservation that goes to
/memreserve/ (with a plain child), and boots each kernel of the arch's
matrix (Debian 12's 6.1 and sid's newest) through the harness's stub firmware (QEMU's firmware would rewrite the memory
nodes). Each arch boots twice: one memory node per block, and one node
with a reg entry per block. Checked, besides the harness comparator
(memory blocks exactly; every reservation inside a guest reservation;
holes not memory):

  - `Early memory node ranges`, joined, are exactly our memory blocks;
  - the guest's /reserved-memory children have our names, ranges and flags
    (no-map / reusable / neither), and its memory nodes our reg entries;
  - each /memreserve/ entry of ours lies inside memblock `reserved`;
  - arm64: each backed no-map child is a top-level `reserved` range of
    /proc/iomem, not System RAM (request_standard_resources()).

Any kernel line about our tables ("OF: reserved mem" errors, warnings)
fails a boot (harness/parse.py COMPLAINT).

Usage: python3 tests/guest/boot_dt.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
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

# name, arch, map, memcarve dt options
CASES = [
    ("arm64-per-block", "arm64", "fixtures/dt/boot-arm64.map",
     ["--memreserve"]),
    ("arm64-one-node", "arm64", "fixtures/dt/boot-arm64.map",
     ["--memreserve", "--memory-nodes", "one"]),
    # ppc64: /memreserve/ is on by default.
    ("ppc64le-per-block", "ppc64le", "fixtures/dt/boot-ppc64.map", []),
    ("ppc64le-one-node", "ppc64le", "fixtures/dt/boot-ppc64.map",
     ["--memory-nodes", "one"]),
]
MEMORY = "1G"


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


def reusable_names(map_path):
    """Names of the map's ranges flagged reusable (show --json omits it)."""
    out = set()
    with open(os.path.join(TOP, map_path)) as f:
        for line in f:
            words = line.split("#")[0].split()
            if "reusable" in words:
                out |= {w[5:] for w in words if w.startswith("name=")}
    return out


def expected(carved, memreserve, reusable):
    """What the tree must say, from the carved map (memcarve-dt.h rules)."""
    memory, children, rsv = [], {}, []
    for r in carved["regions"]:
        a, b = int(r["start"], 16), int(r["end"], 16)
        backed = r["kind"] == "ram" or r.get("backed", False)
        if backed:
            memory.append((a, b))
        if r["kind"] in ("ram", "mmio"):
            continue
        name = r.get("name") or r.get("type") or r["kind"]
        if not backed:
            flag = "no-map"
        elif name in reusable:
            flag = "reusable"
        elif r["kind"] == "acpi" or (r["kind"] == "reserved" and memreserve):
            flag = ""
        else:
            flag = "no-map"
        children[f"/reserved-memory/{name}@{a:x}"] = ((a, b), flag)
        if backed and flag == "" and memreserve:
            rsv.append((a, b))
    return join(memory), children, rsv


def dt_checks(view, arch, carved, memreserve, one_node, reusable):
    memory, children, rsv = expected(carved, memreserve, reusable)
    problems, rows = [], []
    early = join((r.start, r.end) for r in view.early_node_ranges)
    rows.append(("memory blocks", fmt(memory), "Early memory node ranges",
                 fmt(early)))
    if early != memory:
        problems.append(f"Early memory node ranges {fmt(early)}; "
                        f"ours {fmt(memory)}")
    mem_nodes = {n: regs for n, (regs, _) in view.dt_regs.items()
                 if n.startswith("/memory")}
    got = join((a, a + s - 1) for regs in mem_nodes.values()
               for a, s in regs)
    rows.append(("memory nodes", f"{len(mem_nodes)} node(s)",
                 "guest's /memory*", fmt(got)))
    if got != memory or (one_node and len(mem_nodes) != 1):
        problems.append(f"guest memory nodes {sorted(mem_nodes)} hold "
                        f"{fmt(got)}; ours {fmt(memory)}")
    for node, ((a, b), flag) in sorted(children.items()):
        regs, flags = view.dt_regs.get(node, ([], []))
        seen = [f for f in flags if f in ("no-map", "reusable")]
        rows.append((node, f"[{a:#x}-{b:#x}] {flag or 'mapped'}",
                     "guest's node", f"{fmt((x, x + s - 1) for x, s in regs)}"
                     f" {' '.join(seen) or 'mapped'}"))
        if regs != [(a, b - a + 1)] or seen != ([flag] if flag else []):
            problems.append(f"{node}: guest has reg {regs} flags {flags}; "
                            f"ours [{a:#x}-{b:#x}] {flag or '(none)'}")
    reserved = join((r.start, r.end) for r in view.memblock_reserved)
    for a, b in rsv:
        inside = any(x <= a and b <= y for x, y in reserved)
        rows.append(("/memreserve/", f"[{a:#x}-{b:#x}]", "memblock reserved",
                     "inside" if inside else "MISSING"))
        if not inside:
            problems.append(f"/memreserve/ [{a:#x}-{b:#x}] not in memblock "
                            f"reserved {fmt(reserved)}")
    if arch == "arm64":
        top = [(r.start, r.end) for d, r in view.iomem
               if d == 0 and r.label == "reserved"]
        for node, ((a, b), flag) in sorted(children.items()):
            if flag == "no-map" and any(x <= a <= y for x, y in memory):
                ok = (a, b) in top
                rows.append(("/proc/iomem", f"{node} no-map",
                             "top-level reserved", "yes" if ok else "NO"))
                if not ok:
                    problems.append(f"{node}: no top-level 'reserved' "
                                    f"[{a:#x}-{b:#x}] in /proc/iomem")
    return problems, rows


def run_case(tool, name, arch, map_path, opts, workdir, series):
    art = guest.Artifacts(mode="stub", memory=MEMORY, name=f"dt-{name}",
                          kernel=series)
    base = guest.base_dtb(arch, art)
    dtb = os.path.join(workdir, f"dt-{name}-{series}.dtb")
    guest.memcarve(tool, "dt", map_path, "--base", base, "-o", dtb, *opts)
    carved = json.loads(guest.memcarve(tool, "show", "--json", map_path))
    art.dtb = dtb
    t0 = time.monotonic()
    view = guest.boot(arch, art)
    secs = time.monotonic() - t0
    result = guest.compare(view, carved, title=f"{name} guest vs map")
    memreserve = "--memreserve" in opts or arch == "ppc64le"
    problems, rows = dt_checks(view, arch, carved, memreserve,
                               "one" in opts, reusable_names(map_path))
    return view, secs, result, problems, rows


def print_rows(rows):
    for ours_what, ours, guest_what, seen in rows:
        print(f"    {ours_what:<34} {ours:<40} | {guest_what}: {seen}")


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
    cases = [(c, s) for c in CASES if not ns.k or ns.k in c[0]
             for s in guest.matrix(c[1], ns.kernel)]
    if not cases:
        print(f"boot_dt: no case matches {ns.k!r}")
        return 1
    for (name, arch, map_path, opts), series in cases:
        try:
            view, secs, result, problems, rows = run_case(
                ns.tool, name, arch, map_path, opts, workdir, series)
        except guest.HarnessError as e:
            print(f"FAIL {name} [linux {series}]: {e}")
            failed += 1
            continue
        ok = bool(result) and not problems
        print(f"{'PASS' if ok else 'FAIL'} {name} [linux {series}]: "
              f"{secs:.1f} s, "
              f"{len(result.checked) + len(rows)} checks, log {view.log_path}")
        if ns.verbose or not ok:
            print_rows(rows)
        if not result:
            print("  " + str(result).replace("\n", "\n  "))
        for line in problems:
            print(f"  {line}")
        failed += not ok
    print(f"boot_dt: {len(cases) - failed} of {len(cases)} boots matched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
