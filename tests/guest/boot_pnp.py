#!/usr/bin/env python3
"""Boot proof of the SSDT emitter: Linux reserves every hole our PNP0C02
device reports, so no BAR can be placed there.

  q35   x86_64 -M q35 through SeaBIOS (-kernel). The guest's e820 is made
        ours with `memcarve cmdline --style x86` (memmap=exactmap; the map
        keeps SeaBIOS's own ranges where it put them), and our SSDT
        (`memcarve acpi --table ssdt`) is added by the initrd table upgrade
        (kernel/firmware/acpi/ssdt.aml). Required, per range the SSDT lists:
        a line "system 00:NN: [mem FIRST-LAST] has been reserved" (6.1;
        7.2: "acpi PNP0C02:NN: Reserved [mem FIRST-LAST]") from one device,
        and /proc/iomem holding "pnp 00:NN" (7.2: "PNP0C02:NN") over
        exactly that range;
        or, where a busy resource of the kernel's own already covers part of
        the range (the BIOS ROM, the local APIC), "could not be reserved"
        and that resource in /proc/iomem. The guest's user: e820 lines must
        equal the carved map, and the upgrade must have installed our table.

Every case runs on each kernel of the x86_64 matrix (6.1 and sid's newest).

Usage: python3 tests/guest/boot_pnp.py [--kernel SERIES]... [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
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

MAP = "fixtures/ssdt/boot-q35.map"
Q35 = ["-M", "q35", "-cpu", "qemu64"]
# Linux 6.1 (drivers/pnp/system.c) logs "system 00:05: [mem A-B] has been
# reserved" and names the claim "pnp 00:05" in /proc/iomem; 7.2 reserves
# motherboard resources in the ACPI core: "acpi PNP0C02:00: Reserved
# [mem A-B]" (or "Could not reserve"), claim "PNP0C02:00".
SYSTEM = re.compile(r"system (00:[0-9a-f]+): \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)"
                    r"( window)?\] (has been|could not be) reserved")
SYSTEM7 = re.compile(r"acpi (PNP0C02:[0-9a-f]+): (Reserved|Could not reserve) "
                     r"\[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]")
# Resources the kernel claims busy before pnp/system.c runs: a range that
# overlaps one cannot be requested, and needs no reservation of ours.
KERNEL_CLAIMS = ("System ROM", "Video ROM", "Adapter ROM", "Local APIC",
                 "IOAPIC", "HPET")


def ssdt_ranges(tool, aml):
    """The SSDT's ranges, as our decoder reads them back."""
    out = []
    for line in guest.memcarve(tool, "inspect", aml).splitlines():
        w = line.split()
        if w and w[0] == "reserved":
            first, size = int(w[1], 16), int(w[2], 16)
            out.append((first, first + size - 1))
    return out


def check_ranges(view, ranges, problems):
    seen = {}
    for line in view.dmesg:
        m = SYSTEM.search(line)
        if m:
            seen[(int(m.group(2), 16), int(m.group(3), 16))] = \
                (m.group(1), m.group(5) == "has been")
        m = SYSTEM7.search(line)
        if m:
            seen[(int(m.group(3), 16), int(m.group(4), 16))] = \
                (m.group(1), m.group(2) == "Reserved")
    devices = {seen[r][0] for r in ranges if r in seen}
    if len(devices) > 1:
        problems.append(f"our ranges were reserved by several devices: "
                        f"{sorted(devices)}")
    for first, last in ranges:
        name = f"{first:#x}-{last:#x}"
        if (first, last) not in seen:
            problems.append(f"{name}: no 'system 00:NN: [mem ...]' (6.1) "
                            "or 'acpi PNP0C02:NN: Reserved' (7.x) line")
            continue
        dev, ok = seen[(first, last)]
        owners = [r for _, r in view.iomem
                  if r.start == first and r.end == last and
                  r.label in (f"pnp {dev}", dev)]
        claims = [r for _, r in view.iomem if r.start <= last and
                  first <= r.end and r.label in KERNEL_CLAIMS]
        if ok and not owners:
            problems.append(f"{name}: reserved, but /proc/iomem has no "
                            f"'pnp {dev}' over it")
        if not ok and not claims:
            problems.append(f"{name}: could not be reserved, and no busy "
                            "resource of the kernel covers it")


def case_q35(tool, scratch, series):
    started = time.monotonic()
    aml = os.path.join(scratch, "ssdt.aml")
    guest.memcarve(tool, "acpi", MAP, "--table", "ssdt", "-o", aml)
    line = guest.memcarve(tool, "cmdline", MAP, "--style", "x86").strip()
    carved = guest.memcarve(tool, "show", "--json", MAP)
    art = guest.Artifacts(machine=Q35, acpi_tables={"ssdt.aml": aml},
                          cmdline=line, name="pnp-q35", kernel=series)
    view = guest.boot("x86_64", art)
    problems = []
    result = guest.compare(view, carved)
    if not result:
        problems.append(str(result))
    if not any(re.search(r"ACPI: .*SSDT.*MCARVE MEMCARVE", l)
               for l in view.dmesg):
        problems.append("the guest lists no SSDT MCARVE MEMCARVE: the "
                        "table upgrade did not install ours")
    ranges = ssdt_ranges(tool, aml)
    if not ranges:
        problems.append("the SSDT lists no range")
    check_ranges(view, ranges, problems)
    status = "ok" if not problems else "MISMATCH"
    print(f"q35 [linux {series}]: {status}, boot {view.seconds:.1f} s "
          f"(case {time.monotonic() - started:.1f} s), log {view.log_path}")
    for p in problems:
        print(f"  {p}")
    for first, last in ranges:
        print(f"  ssdt:  [mem {first:#x}-{last:#x}]")
    for l in view.dmesg:
        if SYSTEM.search(l) or SYSTEM7.search(l) or "SSDT" in l:
            print(f"  guest: {l}")
    for depth, r in view.iomem:
        if r.label.startswith(("pnp", "PNP0C0")):
            print(f"  iomem: {'  ' * depth}{r}")
    return not problems


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_pnp: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    series = guest.matrix("x86_64", ns.kernel)
    passed = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-pnp-") as scratch:
        for s in series:
            work = os.path.join(scratch, s)
            os.makedirs(work, exist_ok=True)
            try:
                passed += case_q35(ns.tool, work, s)
            except (guest.HarnessError, subprocess.CalledProcessError) as e:
                print(f"q35 [linux {s}]: FAILED: {e}", flush=True)
    print(f"boot_pnp: {passed} of {len(series)} boots matched")
    return 0 if passed == len(series) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
