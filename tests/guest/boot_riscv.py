#!/usr/bin/env python3
"""Boot proof of riscv64 guests: QEMU's `virt` machine with its OpenSBI
reads a tree that `memcarve dt --base` patched into QEMU's own tree
(dumped with -machine dumpdtb), handed over with -dtb.

OpenSBI (QEMU's fw_dynamic) runs first and adds its own child,
`mmode_resv0@80000000`, to the /reserved-memory we wrote; Linux then
reads both. The map carves a hole in RAM, a backed no-map child, an
overlay `reusable` pool and a backed child. Each boot (trixie's 6.12 and
sid's newest; Debian 12 has no riscv64 port, so no 6.1) checks, besides
the harness comparator (memory blocks exactly, every reservation of ours
inside a guest reservation, holes not memory), the checks of boot_dt.py:

  - `Early memory node ranges`, joined, are exactly our memory blocks;
  - the guest's memory nodes and /reserved-memory children are ours
    (names, ranges, no-map / reusable);

and OpenSBI's side:

  - the guest's /reserved-memory holds OpenSBI's mmode_resv* child(ren)
    next to ours, each inside our memory and outside every child of ours;
  - each lies inside memblock `reserved` and a `Reserved` range of
    /proc/iomem: the firmware stays out of the kernel's hands;

and /proc/iomem's top level: System RAM is exactly our memory less the
backed no-map children, and those are exactly its top-level Reserved
ranges (the hole is neither).

Usage: python3 tests/guest/boot_riscv.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve] [-v]
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

import boot_dt  # noqa: E402
import guest  # noqa: E402

ARCH = "riscv64"
MAP = "fixtures/dt/boot-riscv64.map"
# name, memcarve dt options
CASES = [
    ("riscv64-per-block", []),
    ("riscv64-one-node", ["--memory-nodes", "one"]),
]
MEMORY = "512M"


def opensbi_checks(view, carved):
    memory, children, _ = boot_dt.expected(carved, False, set())
    problems, rows = [], []
    sbi = {n: regs for n, (regs, _) in view.dt_regs.items()
           if n.startswith("/reserved-memory/mmode_resv")}
    if not sbi:
        problems.append("no OpenSBI mmode_resv* child in the guest's "
                        "/reserved-memory")
    reserved = boot_dt.join((r.start, r.end) for r in view.memblock_reserved)
    iomem = [(r.start, r.end) for _, r in view.iomem if r.label == "Reserved"]
    ours = [rng for rng, _ in children.values()]
    for node, regs in sorted(sbi.items()):
        for a, s in regs:
            b = a + s - 1
            inside_mem = any(x <= a and b <= y for x, y in memory)
            clear = not any(a <= y and x <= b for x, y in ours)
            in_mb = any(x <= a and b <= y for x, y in reserved)
            in_io = any(x <= a and b <= y for x, y in iomem)
            rows.append((node, f"[{a:#x}-{b:#x}]", "memory / clear of ours / "
                         "memblock reserved / iomem Reserved",
                         f"{inside_mem} / {clear} / {in_mb} / {in_io}"))
            if not (inside_mem and clear and in_mb and in_io):
                problems.append(
                    f"{node} [{a:#x}-{b:#x}]: in our memory {inside_mem}, "
                    f"clear of our children {clear}, in memblock reserved "
                    f"{in_mb}, in /proc/iomem Reserved {in_io}")
    return problems, rows


def minus(ranges, cuts):
    out = []
    for a, b in ranges:
        for x, y in sorted(cuts):
            if y < a or x > b:
                continue
            if x > a:
                out.append((a, x - 1))
            a = y + 1
        if a <= b:
            out.append((a, b))
    return out


def iomem_checks(view, carved):
    """/proc/iomem's top level: System RAM is our memory less the backed
    no-map children, each of which is a top-level Reserved range (riscv's
    init_resources()); holes are nothing."""
    memory, children, _ = boot_dt.expected(carved, False,
                                           boot_dt.reusable_names(MAP))
    nomap = [rng for rng, flag in children.values() if flag == "no-map"
             and any(x <= rng[0] <= y for x, y in memory)]
    want_ram = boot_dt.join(minus(memory, nomap))
    top = [(d, r) for d, r in view.iomem if d == 0]
    ram = boot_dt.join((r.start, r.end) for _, r in top
                       if r.label == "System RAM")
    res = sorted((r.start, r.end) for _, r in top if r.label == "Reserved")
    rows = [("/proc/iomem System RAM", boot_dt.fmt(want_ram), "guest",
             boot_dt.fmt(ram)),
            ("/proc/iomem Reserved (no-map)", boot_dt.fmt(sorted(nomap)),
             "guest", boot_dt.fmt(res))]
    problems = []
    if ram != want_ram:
        problems.append(f"/proc/iomem System RAM {boot_dt.fmt(ram)}; ours "
                        f"{boot_dt.fmt(want_ram)}")
    if res != sorted(nomap):
        problems.append(f"/proc/iomem top-level Reserved {boot_dt.fmt(res)}"
                        f"; our backed no-map children "
                        f"{boot_dt.fmt(sorted(nomap))}")
    return problems, rows


def run_case(tool, name, opts, workdir, series):
    art = guest.Artifacts(mode="plain", memory=MEMORY, name=f"dt-{name}",
                          kernel=series)
    base = guest.base_dtb(ARCH, art)  # QEMU's own, without seeds
    dtb = os.path.join(workdir, f"dt-{name}-{series}.dtb")
    guest.memcarve(tool, "dt", MAP, "--base", base, "-o", dtb, *opts)
    carved = json.loads(guest.memcarve(tool, "show", "--json", MAP))
    art.dtb = dtb
    t0 = time.monotonic()
    view = guest.boot(ARCH, art)
    secs = time.monotonic() - t0
    result = guest.compare(view, carved, title=f"{name} guest vs map")
    problems, rows = boot_dt.dt_checks(view, ARCH, carved, False,
                                       "one" in opts,
                                       boot_dt.reusable_names(MAP))
    more, more_rows = opensbi_checks(view, carved)
    io, io_rows = iomem_checks(view, carved)
    return (view, secs, result, problems + more + io,
            rows + more_rows + io_rows)


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
             for s in guest.matrix(ARCH, ns.kernel)]
    if not cases:
        print(f"boot_riscv: no case matches {ns.k!r}")
        return 1
    for (name, opts), series in cases:
        try:
            view, secs, result, problems, rows = run_case(
                ns.tool, name, opts, workdir, series)
        except guest.HarnessError as e:
            print(f"FAIL {name} [linux {series}]: {e}")
            failed += 1
            continue
        ok = bool(result) and not problems
        print(f"{'PASS' if ok else 'FAIL'} {name} [linux {series}]: "
              f"{secs:.1f} s, "
              f"{len(result.checked) + len(rows)} checks, log {view.log_path}")
        if ns.verbose or not ok:
            boot_dt.print_rows(rows)
        if not result:
            print("  " + str(result).replace("\n", "\n  "))
        for line in problems:
            print(f"  {line}")
        failed += not ok
    print(f"boot_riscv: {len(cases) - failed} of {len(cases)} boots matched")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
