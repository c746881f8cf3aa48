#!/usr/bin/env python3
"""Boot proof of the command-line emitter: real guests read our mem=/memmap=.

Each case carves a map, writes `memcarve cmdline` (raw: QEMU -append hands
the kernel the bytes as they are), boots each kernel of the arch's matrix
(x86_64: 6.1 and sid's newest; mips64el: 6.1 and bookworm-backports' 6.12;
mipsel: 6.1) through QEMU's own loader and compares what the guest made of
it with the map:

  - MIPS Malta, mips64el (5KEc, 5kc-malta kernel) and mipsel (4kc-malta),
    --style mips: RAM split in two blocks by a carved range, plus an
    overlaid range. The guest must print "User-defined physical RAM map
    overwrite"; its "Early memory node ranges" and the memory[] of its
    "MEMBLOCK configuration" must equal our mem= blocks (the slots); the
    overlaid range must lie inside its reserved[]; the carved one must be
    a hole. Then the harness's compare() against `memcarve show --json`.
  - x86_64 under SeaBIOS (-kernel), --style x86: the guest must print
    "user-defined physical RAM map:" and its "user: [mem ...]" lines must
    equal the carved map, type by type (compare()).

Usage: python3 tests/guest/boot_cmdline.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402
from harness.parse import Range, merge  # noqa: E402

# name, guest arch, map, memcarve cmdline arguments
CASES = [
    ("malta-mips64el", "mips64el", "fixtures/cmdline/malta.map", ["--style", "mips"]),
    ("malta-mipsel", "mipsel", "fixtures/cmdline/malta.map", ["--style", "mips"]),
    ("seabios-x86_64", "x86_64", "fixtures/cmdline/x86-seabios.map", ["--style", "x86"]),
]

E820_NAME = {"ram": "usable", "reserved": "reserved", "acpi": "ACPI data",
             "nvs": "ACPI NVS", "pmem": "persistent (type 7)"}


class Mismatch(Exception):
    pass


def fmt(r):
    return f"[mem {r.start:#018x}-{r.end:#018x}]"


def side_by_side(title_l, left, title_r, right):
    """Two columns of lines, padded, with '!' where a row differs."""
    rows = max(len(left), len(right))
    width = max([len(title_l)] + [len(x) for x in left])
    out = [f"    {title_l:<{width}}   {title_r}"]
    for i in range(rows):
        a = left[i] if i < len(left) else ""
        b = right[i] if i < len(right) else ""
        mark = " " if a.split(" (")[0] == b.split(" (")[0] else "!"
        out.append(f"  {mark} {a:<{width}}   {b}")
    return "\n".join(out)


def slots_of(tool, map_path):
    doc = json.loads(guest.memcarve(tool, "slots", "--json", map_path))
    return [Range(int(s["guest"], 16), int(s["guest"], 16) + int(s["size"], 16) - 1)
            for s in doc["slots"]]


def check_mips(view, tool, map_path, carved, report):
    problems = []
    ours = [fmt(r) for r in slots_of(tool, map_path)]
    early = [fmt(r) for r in merge(view.early_node_ranges, "ram")]
    mb_mem = [fmt(r) for r in merge(view.memblock_memory, "ram")]
    report.append(side_by_side("guest: Early memory node ranges", early,
                               "ours: mem= blocks (slots)", ours))
    report.append(side_by_side("guest: MEMBLOCK memory[] (merged)", mb_mem,
                               "ours: mem= blocks (slots)", ours))
    if not any("User-defined physical RAM map overwrite" in l for l in view.dmesg):
        problems.append("no 'User-defined physical RAM map overwrite': mem= not taken")
    if early != ours:
        problems.append("Early memory node ranges differ from our mem= blocks")
    if mb_mem != ours:
        problems.append("MEMBLOCK memory[] differs from our mem= blocks")
    res = merge(view.memblock_reserved, "reserved")
    for r in guest.load_map(carved):
        if r.kind == "reserved" and r.backed:
            inside = any(x.start <= r.start and r.end <= x.end for x in res)
            report.append(f"    reserved {r} inside a guest reserved[] range: "
                          f"{'yes' if inside else 'NO'}")
            if not inside:
                problems.append(f"{r} not inside the guest's MEMBLOCK reserved[]")
    return problems


def e820_runs(carved):
    """The carved map as the kernel's sanitized e820: mmio left out,
    touching pieces of one type joined."""
    runs = []
    for r in guest.load_map(carved):
        if r.kind not in E820_NAME:
            continue
        if runs and runs[-1][2] == r.kind and runs[-1][1] + 1 == r.start:
            runs[-1][1] = r.end
        else:
            runs.append([r.start, r.end, r.kind])
    return [f"{fmt(Range(a, b))} {E820_NAME[k]}" for a, b, k in runs]


def check_x86(view, carved, report):
    problems = []
    ours = e820_runs(carved)
    theirs = [f"{fmt(r)} {E820_NAME.get(r.kind, r.kind)}" for r in view.e820_user]
    report.append(side_by_side("guest: user: lines", theirs,
                               "ours: carved map (e820 types)", ours))
    if not any("user-defined physical RAM map" in l for l in view.dmesg):
        problems.append("no 'user-defined physical RAM map:': memmap= not taken")
    if theirs != ours:
        problems.append("the guest's user: lines differ from the carved map")
    return problems


def run_case(name, arch, map_path, args, tool, series):
    line = guest.memcarve(tool, "cmdline", map_path, *args).strip()
    carved = guest.memcarve(tool, "show", "--json", map_path)
    report = [f"  command line: {line}"]
    view = guest.boot(arch, guest.Artifacts(mode="plain", cmdline=line,
                                            name=f"cmdline-{name}",
                                            kernel=series))
    report.insert(0, f"{name} [linux {series}]: {arch}, booted in "
                     f"{view.seconds:.1f} s, "
                     f"log {os.path.relpath(view.log_path, TOP)}")
    if line not in view.cmdline:
        raise Mismatch(f"{name}: the guest's /proc/cmdline lacks our tokens:\n"
                       f"  {view.cmdline}")
    if arch.startswith("mips"):
        problems = check_mips(view, tool, map_path, carved, report)
    else:
        problems = check_x86(view, carved, report)
    result = guest.compare(view, carved, title=f"{name}: compare()")
    report.append("  " + str(result).replace("\n", "\n  "))
    if not result:
        problems.append("the harness's compare() found differences")
    return problems, "\n".join(report)


# ---- memblock's 128 regions on MIPS ------------------------------------------

def blocks_map(n, scratch):
    """n RAM blocks of 512K, 1M apart from 65M (touching blocks would be
    one memblock region), after a first block 0-64M that holds the kernel:
    n + 1 mem= tokens, n + 1 memblock memory regions."""
    lines = ["arch mips", "ram 0x0 64M name=low"]
    lines += [f"ram {0x4100000 + i * 0x100000:#x} 512K" for i in range(n)]
    path = os.path.join(scratch, f"blocks-{n + 1}.map")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def check_memblock_limit(tool, scratch):
    """128 mem= blocks give a line; 129 are refused, naming memblock's
    INIT_MEMBLOCK_REGIONS. The 128-block line cannot boot on QEMU's Malta:
    it is about 2.5 KiB and Malta passes 255 bytes (runner.py)."""
    problems = []
    line = guest.memcarve(tool, "cmdline", blocks_map(127, scratch),
                          "--style", "mips").strip()
    tokens = line.split()
    if len(tokens) != 128:
        problems.append(f"128 blocks gave {len(tokens)} tokens")
    proc = subprocess.run([tool, "cmdline", blocks_map(128, scratch),
                           "--style", "mips"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    why = proc.stderr.decode().strip()
    if proc.returncode == 0 or "INIT_MEMBLOCK_REGIONS" not in why:
        problems.append(f"129 blocks not refused by memblock's limit: "
                        f"exit {proc.returncode}, {why or proc.stdout!r}")
    print(f"memblock-128: 128 mem= blocks -> a {len(line)}-byte line "
          f"(too long for QEMU's Malta to pass: not booted); 129 -> "
          f"{'refused: ' + why if proc.returncode else 'ACCEPTED'}")
    return problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", metavar="NAME", help="only cases whose name contains NAME")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    cases = [c + (s,) for c in CASES if not ns.k or ns.k in c[0]
             for s in guest.matrix(c[1], ns.kernel)]
    if not cases and ns.k and ns.k not in "memblock-128":
        print(f"boot_cmdline: no case matches '{ns.k}'", file=sys.stderr)
        return 1
    failed = 0
    started = time.monotonic()
    if not ns.k or ns.k in "memblock-128":
        with tempfile.TemporaryDirectory(prefix="memcarve-cmdline-") as tmp:
            problems = check_memblock_limit(ns.tool, tmp)
        cases_total = 1
        if problems:
            failed += 1
            print("FAIL memblock-128:\n  " + "\n  ".join(problems))
    else:
        cases_total = 0
    for base, arch, map_path, args, series in cases:
        name = f"{base} [linux {series}]"
        try:
            problems, report = run_case(base, arch, map_path, args, ns.tool,
                                        series)
        except (guest.HarnessError, Mismatch) as e:
            problems, report = [str(e)], f"{name}: FAILED before comparing"
        print(report)
        if problems:
            failed += 1
            print(f"FAIL {name}:\n  " + "\n  ".join(problems))
        else:
            print(f"ok   {name}")
        print()
    total = len(cases) + cases_total
    print(f"boot_cmdline: {total - failed} of {total} checks matched "
          f"in {time.monotonic() - started:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
