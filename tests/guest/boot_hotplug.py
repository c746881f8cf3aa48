#!/usr/bin/env python3
"""Boot proof that a hot-plugged PCI device never gets a BAR inside the
ranges our PNP0C02 SSDT reports.

x86_64 -M q35 through SeaBIOS (-kernel), one empty pcie-root-port (rp1,
00:01.0) with native PCIe hot-plug (ICH9-LPC's ACPI hot-plug off: Linux's
pciehp owns the slot). The guest's init says on the console that it runs
(memcarve.waitpci=1b36:0005); the harness then sends QMP `device_add
pci-testdev,membar=64M,bus=rp1`, and init waits until the device has all
its BARs, then prints every device's sysfs `resource` and /proc/iomem.
The test device's BAR 2 (64 MiB, 64-bit prefetchable) does not fit the
2 MiB window SeaBIOS gave the empty port, so pciehp releases that window
and allocates a new one in the host bridge's 64-bit window: Linux, not the
firmware, picks the place, and keeps clear of what is reserved.

The map (fixtures/ssdt/boot-q35-hotplug.map) is SeaBIOS's own e820 plus
one reserved range no RAM backs, `hotplug-bar`: the first 64 MiB of that
64-bit window, where Linux puts the BAR when nothing reports the range.

  control    SeaBIOS's e820 (our range left out), no SSDT. Required: the
             BAR inside our range (the proof can fail).
  ssdt       SeaBIOS's e820 (our range left out, as a VMM whose e820 only
             omits a hole), our SSDT (initrd table upgrade). Required: our
             ranges reserved by one system device (boot_pnp.check_ranges),
             and every BAR, in sysfs and /proc/iomem, outside every range
             of the map.
  e820       our e820 (`memcarve cmdline --style x86`, memmap=exactmap:
             the range reserved), no SSDT. Required: the guest's e820
             equals the map, every BAR outside every range of the map.
  ssdt-e820  our e820 (`memcarve cmdline --style x86`, memmap=exactmap:
             the range reserved) and our SSDT: what memcarve hands a
             guest. Required: the guest's e820 equals the map, our ranges
             reserved, every BAR outside every range of the map.

A range our SSDT reports must not lie *inside* a bridge window the
firmware programmed: Linux then drops it ("pnp 00:05: disabling [mem ...]
because it overlaps 0000:00:01.0 BAR 14", drivers/pnp/quirks.c
quirk_system_pci_resources()), seen with a range in SeaBIOS's 2 MiB window.
Nor may one range cross 4 GiB ("could not be reserved"): our range touches
the flash below 4 GiB, and the SSDT must list the two apart.

Every case runs on each kernel of the x86_64 matrix (6.1 and sid's newest).

Usage: python3 tests/guest/boot_hotplug.py [--kernel SERIES]... [--tool build/memcarve]
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

import boot_pnp  # noqa: E402
import guest  # noqa: E402
from harness.qmp import MonitorStep  # noqa: E402

MAP = "fixtures/ssdt/boot-q35-hotplug.map"
HOTPLUG = "hotplug-bar"         # the map's range in the port's window
TESTDEV = ("0x1b36", "0x0005")  # QEMU's pci-testdev; membar= is BAR 2
ROOT_PORT = ["-device", "pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1",
             "-global", "ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off"]
READY = "@@MEMCARVE-GUEST-WAITPCI@@"    # init.sh, before it waits
IORESOURCE_MEM = 0x200


def hotplug_step():
    return MonitorStep(wait=READY, commands=[
        ("device_add", {"driver": "pci-testdev", "membar": "64M",
                        "bus": "rp1", "id": "hp0"})])


def testdev_bars(view):
    """The hot-plugged device's memory BARs from sysfs: [(addr, first,
    last)]; its address is None when it never showed up."""
    for line in view.sections.get("pcires", []):
        addr, vendor, device, res = line.split("|", 3)
        if (vendor, device) != TESTDEV:
            continue
        bars = []
        for entry in res.split(",")[:6]:   # lines 0-5: BARs
            first, last, flags = (int(w, 16) for w in entry.split())
            if flags & IORESOURCE_MEM and last:
                bars.append((first, last))
        return addr, bars
    return None, []


def iomem_of(view, addr):
    return [(r.start, r.end) for _, r in view.iomem if r.label == addr]


def map_ranges(carved):
    """Every range of the carved map: (first, last, name)."""
    out = []
    for r in json.loads(carved)["regions"]:
        out.append((int(r["start"], 16), int(r["end"], 16),
                    r.get("name", r["kind"])))
    return out


def overlaps(a, b):
    return a[0] <= b[1] and b[0] <= a[1]


def check_bar(view, regions, control, problems):
    """Every memory BAR assigned and claimed; in the control case one of
    them inside our range, else all of them outside every map range."""
    addr, bars = testdev_bars(view)
    if not addr or not bars:
        problems.append("the hot-plugged pci-testdev (1b36:0005) has no "
                        "memory BAR in sysfs: the hot-plug failed")
        return bars
    claimed = iomem_of(view, addr)
    in_target = False
    for bar in bars:
        name = f"BAR [{bar[0]:#x}-{bar[1]:#x}] of {addr}"
        if bar[0] == 0:
            problems.append(f"{name}: not assigned")
            continue
        if bar not in claimed:
            problems.append(f"{name}: not in /proc/iomem under its name")
        hits = [r for r in regions if overlaps(bar, r)]
        in_target |= any(r[2] == HOTPLUG for r in hits)
        if not control and hits:
            names = ", ".join(f"{n} [{a:#x}-{b:#x}]" for a, b, n in hits)
            problems.append(f"{name} overlaps {names}")
    if control and not in_target:
        problems.append(f"control: no BAR in {HOTPLUG}: the map does not "
                        "hold the place the guest picks, so the proof "
                        "could not fail")
    return bars


def check_e820_omits(view, regions, problems):
    hole = [r for r in regions if r[2] == HOTPLUG]
    for r in view.ranges:
        if any(overlaps((r.start, r.end), h) for h in hole):
            problems.append(f"the guest's e820 describes {r}: the case "
                            f"needs {HOTPLUG} left out of it")


def run_case(tool, scratch, series, case):
    started = time.monotonic()
    aml = os.path.join(scratch, "ssdt.aml")
    guest.memcarve(tool, "acpi", MAP, "--table", "ssdt", "-o", aml)
    carved = guest.memcarve(tool, "show", "--json", MAP)
    regions = map_ranges(carved)
    line = "memcarve.waitpci=1b36:0005"
    if case in ("e820", "ssdt-e820"):
        line += " " + guest.memcarve(tool, "cmdline", MAP,
                                     "--style", "x86").strip()
    tables = {"ssdt.aml": aml} if case.startswith("ssdt") else {}
    art = guest.Artifacts(machine=boot_pnp.Q35, qemu_args=ROOT_PORT,
                          acpi_tables=tables, cmdline=line,
                          monitor=[hotplug_step()], timeout=150,
                          name=f"hotplug-{case}", kernel=series)
    view = guest.boot("x86_64", art)
    problems = []
    if case in ("e820", "ssdt-e820"):
        carved_path = os.path.join(scratch, "carved.json")
        with open(carved_path, "w") as f:
            f.write(carved)
        result = guest.compare(view, carved_path)
        if not result:
            problems.append(str(result))
    else:
        check_e820_omits(view, regions, problems)
    if tables:
        ranges = boot_pnp.ssdt_ranges(tool, aml)
        if not any(re.search(r"ACPI: .*SSDT.*MCARVE MEMCARVE", l)
                   for l in view.dmesg):
            problems.append("the guest lists no SSDT MCARVE MEMCARVE: the "
                            "table upgrade did not install ours")
        boot_pnp.check_ranges(view, ranges, problems)
    bars = check_bar(view, regions, case == "control", problems)
    status = "ok" if not problems else "MISMATCH"
    print(f"{case} [linux {series}]: {status}, boot {view.seconds:.1f} s "
          f"(case {time.monotonic() - started:.1f} s), log {view.log_path}")
    for p in problems:
        print(f"  {p}")
    for first, last, name in regions:
        if name == HOTPLUG:
            print(f"  map:   {name} [mem {first:#x}-{last:#x}]")
    for first, last in bars:
        print(f"  guest: pci-testdev BAR [mem {first:#x}-{last:#x}]")
    for first, last, name in regions:
        if name != HOTPLUG:
            continue
        for l in view.dmesg:
            if (boot_pnp.SYSTEM.search(l) or boot_pnp.SYSTEM7.search(l)) \
                    and f"{first:#x}-{last:#x}" in l:
                print(f"  guest: {l}")
    return not problems


CASES = ("control", "ssdt", "e820", "ssdt-e820")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    p.add_argument("--case", action="append", choices=CASES,
                   help="only this case (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_hotplug: {ns.tool} not built (run make)",
              file=sys.stderr)
        return 1
    series = guest.matrix("x86_64", ns.kernel)
    cases = ns.case or CASES
    passed = total = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-hotplug-") as scratch:
        for s in series:
            for case in cases:
                work = os.path.join(scratch, s, case)
                os.makedirs(work, exist_ok=True)
                total += 1
                try:
                    passed += run_case(ns.tool, work, s, case)
                except (guest.HarnessError,
                        subprocess.CalledProcessError) as e:
                    print(f"{case} [linux {s}]: FAILED: {e}", flush=True)
    print(f"boot_hotplug: {passed} of {total} boots matched")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
