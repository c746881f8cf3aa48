#!/usr/bin/env python3
"""Boot proof of the e820 emitter: real x86_64 guests read our zero page.

Each case carves a map, writes `memcarve e820 --format zeropage` (plus the
SETUP_E820_EXT node when the table has more than 128 entries), boots each
x86_64 kernel of the matrix (Debian 12's 6.1 and sid's newest) through the
harness's stub firmware and its 64-bit entry, and requires that what the
guest printed equals `memcarve e820 --format text --linux <that kernel's
version>`, line for line, in that kernel's own print format (6.1 and 6.12:
`usable`; 7.x: `System RAM`, two spaces, `[gap ...]` lines):

  - the `BIOS-e820:` lines (the zero page's 128 entries, sanitized by the
    kernel) equal our first 128 lines;
  - with a SETUP_E820_EXT node, the `extended:` lines (the whole table after
    the kernel appended the node and sanitized again) equal all our lines;
  - /sys/firmware/memmap (e820_table_firmware) equals our table, with the
    kernel's type strings (e820_type_to_string).

The `capacity` case is the largest table `memcarve e820` writes for the
newest kernel: E820_MAX_ENTRIES (128 + 3 * MAX_NUMNODES, from its config,
the default of --max-entries) less the entries the kernel adds at boot;
it boots on the newest kernel only, and two entries more are refused.

Usage: python3 tests/guest/boot_e820.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import difflib
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

SETUP_DATA_ADDR = guest.ADDR["x86_64"]["setup_data"]

# name, map, extra memcarve arguments, QEMU -m, kernel command line, and
# whether the harness's own comparator (guest.compare against `memcarve
# show --json`) applies too: it reads the kernel's final table, which
# memmap= changes and which it takes from the BIOS-e820 lines only.
CASES = [
    ("x86-8g", "fixtures/x86-8g.map", [], "8G",
     # QEMU's pc machine has no RAM at 3G-4G (its PCI hole and our -bios
     # live there), but the map, a flat-RAM VMM's, says RAM runs through
     # it. memmap= keeps the kernel off those addresses; it changes only
     # the kernel's working table ("user:" lines), never the BIOS-e820
     # lines or /sys/firmware/memmap, which are what this test compares.
     "memmap=1G$0xc0000000", False),
    ("all-types", "fixtures/e820/all-types.map", [], "512M", "", True),
    ("many", "fixtures/e820/many.map", [], "512M", "", False),
]

# Linux e820_type_to_string(): what /sys/firmware/memmap/N/type says (the
# same strings on 6.1 and 7.x), keyed by both generations' print names.
MEMMAP_TYPE = {
    "System RAM": "System RAM", "device reserved": "Reserved",
    "persistent RAM (type 7)": "Persistent Memory",
    "persistent RAM (type 12)": "Persistent Memory (legacy)",
    "usable": "System RAM", "reserved": "Reserved", "ACPI data": "ACPI Tables",
    "ACPI NVS": "ACPI Non-volatile Storage", "unusable": "Unusable memory",
    "persistent (type 7)": "Persistent Memory",
    "persistent (type 12)": "Persistent Memory (legacy)",
    "soft reserved": "Soft Reserved",
}

LINE = re.compile(r"^(\S+): \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\]\s+(.+)$")


def guest_lines(view, prefix):
    """The guest's e820 lines of one table, [gap ...] lines included."""
    return [l.rstrip() for l in view.dmesg
            if l.startswith(prefix + ": [mem ") or
            l.startswith(prefix + ": [gap ")]


def first_entries(lines, n):
    """Our lines up to the n-th entry: what the zero page's n entries
    print (a gap line only ever sits between two entries)."""
    out, seen = [], 0
    for line in lines:
        if seen == n:
            break
        out.append(line)
        seen += ": [mem " in line
    return out


def memmap_lines(view):
    """The raw sysfs lines as 'BIOS-e820'-style text, for one diff format."""
    out = []
    for line in view.sections.get("memmap", []):
        start, end, kind = line.strip().split(" ", 2)
        out.append((int(start, 16), int(end, 16), kind))
    return [f"[mem {s:#018x}-{e:#018x}] {k}" for s, e, k in sorted(out)]


def ours_as_memmap(ours):
    out = []
    for line in ours:
        m = LINE.match(line)
        if m is None:          # a [gap ...] line
            continue
        start, end = int(m.group(2), 16), int(m.group(3), 16)
        out.append(f"[mem {start:#018x}-{end:#018x}] "
                   f"{MEMMAP_TYPE.get(m.group(4), m.group(4))}")
    return out


def diff(what, expected, got):
    """'' when equal, else a unified diff (ours first)."""
    if expected == got:
        return ""
    body = "\n".join(difflib.unified_diff(
        expected, got, f"memcarve ({what})", f"guest ({what})", lineterm=""))
    return body + "\n"


def prefixed(lines, prefix):
    return [prefix + l[l.index(":"):] for l in lines]


def build(tool, name, path, extra, scratch, series):
    kernel = guest.kernel("x86_64", series)
    text = guest.memcarve(tool, *["e820", path, "--kernel", kernel, "--linux",
                                  guest.linux_version("x86_64", series)]
                          + extra)
    zp = os.path.join(scratch, f"{name}-{series}-zp.bin")
    sd = os.path.join(scratch, f"{name}-{series}-sd.bin")
    guest.memcarve(tool, *["e820", path, "--kernel", kernel, "--format", "zeropage",
                    "-o", zp, "--setup-data-addr", hex(SETUP_DATA_ADDR),
                    "--setup-data-out", sd] + extra)
    setup = [(SETUP_DATA_ADDR, sd)] if os.path.exists(sd) else []
    return text.splitlines(), zp, setup


def check_view(ours, view, has_ext, early_lost=False):
    """early_lost: the table is so long that the kernel prints it before
    its log buffer can grow (setup_log_buf() runs after parse_setup_data()
    printed 'extended:'), so the static buffer keeps only the last lines.
    Then the BIOS-e820 lines are gone and the extended lines that survived
    must be the end of ours; /sys/firmware/memmap still has every entry."""
    bios = guest_lines(view, "BIOS-e820")
    ext = guest_lines(view, "extended")
    if early_lost:
        want = prefixed(ours, "extended")
        if not ext or len(ext) < 128 or ext != want[len(want) - len(ext):]:
            return diff("extended (the lines the log kept)",
                        want[len(want) - max(len(ext), 128):], ext)
        print(f"  the log kept the last {len(ext)} extended: lines of "
              f"{len(want)}; all equal to ours")
        return diff("/sys/firmware/memmap", ours_as_memmap(ours),
                    memmap_lines(view))
    report = diff("BIOS-e820", first_entries(ours, 128), bios)
    if has_ext:
        report += diff("extended", prefixed(ours, "extended"), ext)
    elif guest_lines(view, "extended"):
        report += "guest printed 'extended:' lines but we wrote no node\n"
    report += diff("/sys/firmware/memmap", ours_as_memmap(ours),
                   memmap_lines(view))
    return report


def run_case(tool, case, scratch, series):
    name, path, extra, memory, cmdline, harness_compare = case
    ours, zp, setup = build(tool, name, path, extra, scratch, series)
    art = guest.Artifacts(mode="stub", zero_page=zp, setup_data=setup,
                          memory=memory, cmdline=cmdline, name=f"e820-{name}",
                          kernel=series, expect_log=guest.NO_ACPI,
                          timeout=240 if name == "capacity" else 90,
                          memblock_debug=name != "capacity")
    started = time.monotonic()
    view = guest.boot("x86_64", art)
    report = check_view(ours, view, bool(setup), name == "capacity")
    if harness_compare:
        carved = guest.memcarve(tool, *["show", "--json", path] + extra)
        result = guest.compare(view, carved, title=f"e820 {name}")
        if not result:
            report += f"harness comparator disagrees:\n{result}\n"
    status = "ok" if not report else "MISMATCH"
    entries = sum(": [mem " in l for l in ours)
    print(f"{name} [linux {series}]: {status}, {entries} entries"
          f"{' (SETUP_E820_EXT)' if setup else ''}, boot "
          f"{time.monotonic() - started:.1f} s, log {view.log_path}",
          flush=True)
    if report:
        print(report, end="")
    else:
        show = guest_lines(view, "extended" if setup else "BIOS-e820")
        for mine, theirs in list(zip(ours, show))[:3]:
            print(f"  memcarve: {mine}\n  guest:    {theirs}")
    return not report


# ---- capacity: a table of exactly E820_MAX_ENTRIES -------------------------

def max_entries(series):
    """E820_MAX_ENTRIES of a kernel: 128 + 3 * MAX_NUMNODES, MAX_NUMNODES
    = 1 << CONFIG_NODES_SHIFT with CONFIG_NUMA, else 1 (e820/types.h)."""
    with open(guest.fetch("x86_64", series)["config"]) as f:
        config = f.read()
    numa = re.search(r"^CONFIG_NUMA=y$", config, re.M)
    shift = re.search(r"^CONFIG_NODES_SHIFT=(\d+)$", config, re.M)
    nodes = 1 << int(shift.group(1)) if numa and shift else 1
    return 128 + 3 * nodes


def capacity_map(entries, scratch):
    """A 512 MiB map whose e820 has exactly `entries` entries (even): page
    0 reserved, low RAM, the legacy hole, RAM, then reserved 4K ranges
    every 64K from 256M with RAM between and after them: 4 + 2 * ranges.

    Page 0 is reserved in the map because the kernel reserves it itself
    (e820__update_table() on [0, 4K) in trim_bios_range()): on a table
    whose first RAM entry covers page 0 that splits the entry and needs
    one slot more, which a full table does not have ("E820 table full;
    ignoring")."""
    ranges = (entries - 4) // 2
    assert 4 + 2 * ranges == entries and 0x10000000 + ranges * 0x10000 \
        < 0x20000000
    lines = ["# generated by boot_e820.py: exactly %d e820 entries" % entries,
             "arch x86_64", "policy carve",
             "reserved 0x0 4K name=page0",
             "ram 0x1000 636K name=lowmem", "reserved 0xa0000 384K name=legacy",
             "ram 0x100000 511M name=ram"]
    for i in range(ranges):
        lines.append(f"reserved {0x10000000 + i * 0x10000:#x} 4K name=r{i}")
    path = os.path.join(scratch, f"capacity-{entries}.map")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def zeropage_args(tool, path, series, scratch, tag):
    kernel = guest.kernel("x86_64", series)
    return [tool, "e820", path, "--kernel", kernel, "--format", "zeropage",
            "-o", os.path.join(scratch, f"{tag}-zp.bin"),
            "--setup-data-addr", hex(SETUP_DATA_ADDR),
            "--setup-data-out", os.path.join(scratch, f"{tag}-sd.bin")]


def refusal(tool, path, series, scratch):
    """'' when memcarve writes the zero page (as the boot will), else its
    message."""
    proc = subprocess.run(zeropage_args(tool, path, series, scratch, "probe"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc.stderr.decode().strip() or "refused" if proc.returncode \
        else ""


def capacity_case(tool, scratch, series):
    """(case, problems): the largest table memcarve writes by default,
    which must boot and match, and the check that two entries more are
    refused. The kernel's E820_MAX_ENTRIES (from its config) bounds it;
    memcarve keeps room for the entries the kernel adds at boot (page 0,
    setup_data), so the largest table is that or up to 4 below it."""
    limit = max_entries(series)
    problems = []
    for n in (limit, limit - 2, limit - 4):
        path = capacity_map(n, scratch)
        if not refusal(tool, path, series, scratch):
            break
    else:
        return None, [f"memcarve refused every table of {limit - 4} to "
                      f"{limit} entries"]
    why = refusal(tool, capacity_map(n + 2, scratch), series, scratch)
    if not why:
        problems.append(f"memcarve e820 wrote {n + 2} entries, more than "
                        f"E820_MAX_ENTRIES {limit} holds with the kernel's "
                        f"own additions")
    print(f"capacity [linux {series}]: E820_MAX_ENTRIES {limit}; the "
          f"largest table memcarve writes has {n} entries; {n + 2}: {why}")
    # The guest logs a line or more per entry: a ring large enough to keep
    # the first BIOS-e820 line (the last log_buf_len= wins), and no
    # memblock=debug (see run_case).
    return ("capacity", path, [], "512M", "log_buf_len=32M memcarve.brief",
            False), problems


def series_cases(tool, scratch, series, only):
    cases = [c for c in CASES if not only or only in c[0]]
    newest = guest.matrix("x86_64")[-1]
    problems = []
    if series == newest and (not only or only in "capacity"):
        case, problems = capacity_case(tool, scratch, series)
        cases += [case] if case else []
    return cases, problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="only", help="run the cases whose name has this")
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_e820: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    passed = total = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-e820-") as scratch:
        for series in guest.matrix("x86_64", ns.kernel):
            cases, problems = series_cases(ns.tool, scratch, series, ns.only)
            for line in problems:
                print(f"capacity [linux {series}]: FAILED: {line}")
            total += len(cases) + len(problems)
            for case in cases:
                try:
                    passed += run_case(ns.tool, case, scratch, series)
                except guest.HarnessError as e:
                    print(f"{case[0]} [linux {series}]: FAILED: {e}",
                          flush=True)
    if not total:
        print(f"boot_e820: no case matches '{ns.only}'", file=sys.stderr)
        return 1
    print(f"boot_e820: {passed} of {total} checks matched")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
