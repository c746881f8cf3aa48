#!/usr/bin/env python3
"""Boot proof of the e820 emitter: real x86_64 guests read our zero page.

Each case carves a map, writes `memcarve e820 --format zeropage` (plus the
SETUP_E820_EXT node when the table has more than 128 entries), boots the
Debian 6.1 kernel through the harness's stub firmware and its 64-bit entry,
and requires that what the guest printed equals `memcarve e820 --format
text`, line for line:

  - the `BIOS-e820:` lines (the zero page's 128 entries, sanitized by the
    kernel) equal our first 128 lines;
  - with a SETUP_E820_EXT node, the `extended:` lines (the whole table after
    the kernel appended the node and sanitized again) equal all our lines;
  - /sys/firmware/memmap (e820_table_firmware) equals our table, with the
    kernel's type strings (e820_type_to_string).

Usage: python3 tests/guest/boot_e820.py [-k NAME] [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import difflib
import os
import re
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

# Linux 6.1 e820_type_to_string(): what /sys/firmware/memmap/N/type says.
MEMMAP_TYPE = {
    "usable": "System RAM", "reserved": "Reserved", "ACPI data": "ACPI Tables",
    "ACPI NVS": "ACPI Non-volatile Storage", "unusable": "Unusable memory",
    "persistent (type 7)": "Persistent Memory",
    "persistent (type 12)": "Persistent Memory (legacy)",
    "soft reserved": "Soft Reserved",
}

LINE = re.compile(r"^(\S+): \[mem 0x([0-9a-f]+)-0x([0-9a-f]+)\] (.+)$")


def guest_lines(view, prefix):
    return [l.rstrip() for l in view.dmesg if l.startswith(prefix + ": [mem ")]


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


def build(tool, name, path, extra, scratch):
    kernel = guest.kernel("x86_64")
    text = guest.memcarve(tool, *["e820", path, "--kernel", kernel] + extra)
    zp = os.path.join(scratch, f"{name}-zp.bin")
    sd = os.path.join(scratch, f"{name}-sd.bin")
    guest.memcarve(tool, *["e820", path, "--kernel", kernel, "--format", "zeropage",
                    "-o", zp, "--setup-data-addr", hex(SETUP_DATA_ADDR),
                    "--setup-data-out", sd] + extra)
    setup = [(SETUP_DATA_ADDR, sd)] if os.path.exists(sd) else []
    return text.splitlines(), zp, setup


def check_view(ours, view, has_ext):
    bios = guest_lines(view, "BIOS-e820")
    report = diff("BIOS-e820", ours[:128], bios)
    if has_ext:
        report += diff("extended", prefixed(ours, "extended"),
                       guest_lines(view, "extended"))
    elif guest_lines(view, "extended"):
        report += "guest printed 'extended:' lines but we wrote no node\n"
    report += diff("/sys/firmware/memmap", ours_as_memmap(ours),
                   memmap_lines(view))
    return report


def run_case(tool, case, scratch):
    name, path, extra, memory, cmdline, harness_compare = case
    ours, zp, setup = build(tool, name, path, extra, scratch)
    art = guest.Artifacts(mode="stub", zero_page=zp, setup_data=setup,
                          memory=memory, cmdline=cmdline, name=f"e820-{name}")
    started = time.monotonic()
    view = guest.boot("x86_64", art)
    report = check_view(ours, view, bool(setup))
    if harness_compare:
        carved = guest.memcarve(tool, *["show", "--json", path] + extra)
        result = guest.compare(view, carved, title=f"e820 {name}")
        if not result:
            report += f"harness comparator disagrees:\n{result}\n"
    status = "ok" if not report else "MISMATCH"
    print(f"{name}: {status}, {len(ours)} entries"
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


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="only", help="run the cases whose name has this")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_e820: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    cases = [c for c in CASES if not ns.only or ns.only in c[0]]
    if not cases:
        print(f"boot_e820: no case matches '{ns.only}'", file=sys.stderr)
        return 1
    passed = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-e820-") as scratch:
        for case in cases:
            try:
                passed += run_case(ns.tool, case, scratch)
            except guest.HarnessError as e:
                print(f"{case[0]}: FAILED: {e}", flush=True)
    print(f"boot_e820: {passed} of {len(cases)} boots matched")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
