#!/usr/bin/env python3
"""Boot proof of the ACPI emitter: real guests' IOMMU drivers read our tables.

  dmar  x86_64 q35 + intel-iommu, stub firmware: our zero page (e820) with
        acpi_rsdp_addr at our RSDP + XSDT + fresh DMAR. Required: the
        guest's e820 equals ours, 'DMAR: RMRR base: ... end: ...' for each
        range, no '[Firmware Bug]' line, and each range 'direct' in the
        reserved_regions of the IOMMU group of its device.
  dmar-vfio  the same boot with the RMRR from a host IOMMU group read from
        a saved sysfs tree (--sysfs-root fixtures/host/sysfs --vfio
        0000:00:17.0=00:1f.2): the host's direct range reaches the guest's
        IOMMU as a direct range of the guest BDF given.
  dmar-shared  one host RMRR serving two passed-through devices: the same
        reserved_regions loaded for guest 00:04.0 and 00:05.0 (two
        pci-testdev) makes one RMRR naming both; each device is in a group
        of its own and the range is 'direct' in both groups.
  ivrs  x86_64 q35 + amd-iommu through SeaBIOS: QEMU's IVRS (dumped from a
        baseline boot) patched with our IVMDs, by the initrd table upgrade.
        Required: the guest's IVRS is ours byte for byte, amd_iommu_dump
        prints an IVMD line per block, each range 'direct' in the groups of
        its devices (all groups for an IVMD 0x20).
  iort  arm64 virt,iommu=smmuv3 through edk2: QEMU's IORT and DSDT (dumped
        from a baseline boot) upgraded by the initrd: the IORT with our RMR
        nodes, the DSDT with host bridge _DSM function 5 returning 0 (Linux
        applies RMRs to PCI devices only with preserve_config). Required:
        the guest's IORT is ours, and each range appears with its type in
        the reserved_regions of the root port's group.

Every case runs on each kernel of its arch's matrix (6.1 and sid's newest).

Usage: python3 tests/guest/boot_acpi.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402

ACPI_ADDR = 0x80000     # the stub's suggested slot; the map declares it
Q35 = ["-M", "q35", "-cpu", "qemu64"]
VIRT = ["-M", "virt,iommu=smmuv3", "-cpu", "cortex-a57"]
# A root port: a PCI device with a built-in driver, so an IOMMU group.
VIRT_DEVICES = ["-nic", "none", "-device", "pcie-root-port,id=rp0,chassis=1"]


def direct_ranges(tool, path, *host):
    """The map's direct* ranges: (start, end, type, name), from show --json
    (with @host: the host options --vfio, --resv... that add ranges)."""
    regions = guest.load_map(guest.memcarve(tool, "show", "--json", path,
                                            *host))
    return [r for r in regions
            if r.kind == "reserved" and r.type in ("direct", "direct-relaxable")]


def rng(r):
    return r.start, r.end


def find_lines(view, pattern):
    rx = re.compile(pattern)
    return [l for l in view.dmesg if rx.search(l)]


def iommu_lines(view):
    return [f"group {i.group} {' '.join(i.devices)}: "
            f"{i.start:#018x} {i.end:#018x} {i.type}" for i in view.iommu]


def check_in_groups(view, regions, devices_of, problems):
    """Each range listed with its type in the groups of its devices."""
    for r in regions:
        start, end = rng(r)
        want = devices_of(r)
        groups = [i for i in view.iommu
                  if want is None or any(d in i.devices for d in want)]
        if not groups:
            problems.append(f"{r.name}: no IOMMU group has "
                            f"{', '.join(want)}")
            continue
        for g in {i.group for i in groups}:
            hits = [i for i in view.iommu if i.group == g and
                    i.start == start and i.end == end and i.type == r.type]
            if not hits:
                problems.append(
                    f"{r.name}: {start:#x}-{end:#x} {r.type} missing "
                    f"from group {g} reserved_regions")


def check_own_groups(view, devices, problems):
    """Each device in an IOMMU group of its own: else one device's range in
    the group would prove nothing about the others'."""
    groups = [{i.group for i in view.iommu if d in i.devices} for d in devices]
    for d, g in zip(devices, groups):
        if not g:
            problems.append(f"{d} is in no IOMMU group")
    seen = [g for g in groups if g]
    if len({min(g) for g in seen}) != len(seen):
        problems.append(f"{', '.join(devices)} share an IOMMU group")


def acpi_hex_equal(view, name, path, problems):
    with open(path, "rb") as f:
        ours = f.read()
    got = view.acpi_hex.get(name)
    if got is None:
        problems.append(f"guest did not dump its {name}")
    elif bytes(got) != ours:
        problems.append(f"guest's {name} ({len(got)} bytes) is not ours "
                        f"({len(ours)} bytes): the table upgrade did not "
                        "take it")


def dump_tables(arch, art, names):
    """QEMU's own tables for exactly this machine, from a baseline boot."""
    art.cmdline = (art.cmdline + " memcarve.acpidump=" + ",".join(names))
    view = guest.boot(arch, art)
    missing = [n for n in names if n not in view.acpi_hex]
    if missing:
        raise guest.HarnessError(f"baseline boot dumped no {missing}")
    return {n: bytes(view.acpi_hex[n]) for n in names}, view.seconds


def report(name, problems, started, view, ours, theirs):
    status = "ok" if not problems else "MISMATCH"
    print(f"{name}: {status}, boot {view.seconds:.1f} s "
          f"(case {time.monotonic() - started:.1f} s), log {view.log_path}")
    for p in problems:
        print(f"  {p}")
    for line in ours:
        print(f"  memcarve: {line}")
    for line in theirs:
        print(f"  guest:    {line}")
    return not problems


# --- DMAR --------------------------------------------------------------------

def case_dmar(tool, scratch, series, path="fixtures/acpi/boot-q35-dmar.map",
              host=(), label="dmar", devices=("0000:00:1f.2",), qemu=()):
    started = time.monotonic()
    dmar = os.path.join(scratch, "dmar.aml")
    blob = os.path.join(scratch, "acpi.bin")
    zp = os.path.join(scratch, "zp.bin")
    guest.memcarve(tool, "acpi", path, *host, "--table", "dmar", "-o", dmar)
    declared = guest.memcarve(tool, "acpi", "--rsdp", hex(ACPI_ADDR), "-o", blob,
                               *host, path, dmar).split()
    carved = guest.memcarve(tool, "show", "--json", path, *host)
    acpi = [r for r in guest.load_map(carved) if r.kind == "acpi"]
    size = int(declared[2], 16)
    if not acpi or rng(acpi[0]) != (ACPI_ADDR, ACPI_ADDR + 0xfff) or size > 4096:
        raise guest.HarnessError(f"the map's acpi range must hold the "
                                 f"{size}-byte RSDP blob at {ACPI_ADDR:#x}")
    guest.memcarve(tool, "e820", path, *host, "--format", "zeropage", "-o", zp,
                    "--kernel", guest.kernel("x86_64", series),
                    "--rsdp-addr", hex(ACPI_ADDR))
    art = guest.Artifacts(mode="stub", zero_page=zp,
                          blobs=[(ACPI_ADDR, blob)], machine=Q35,
                          qemu_args=["-device", "intel-iommu", *qemu],
                          cmdline="intel_iommu=on", name=f"acpi-{label}",
                          kernel=series,
                          # Our blob is RSDP, XSDT and DMAR only: without a
                          # FADT there is no SMI command port to enable
                          # ACPI mode with, on 6.1 and 7.x alike.
                          expect_log=[r"ACPI Warning: AcpiEnable failed"])
    view = guest.boot("x86_64", art)
    problems = []
    result = guest.compare(view, carved, check_iommu=True)
    if not result:
        problems.append(str(result))
    ranges = direct_ranges(tool, path, *host)
    for r in ranges:
        start, end = rng(r)
        # The kernel prints %#016Llx: "0x" and 14 digits.
        line = f"DMAR: RMRR base: {start:#016x} end: {end:#016x}"
        if not any(line in l for l in view.dmesg):
            problems.append(f"no '{line}' in dmesg")
    problems += [f"guest: {l}" for l in find_lines(view, r"Firmware Bug|BIOS is broken")]
    check_own_groups(view, devices, problems)
    check_in_groups(view, ranges, lambda r: list(devices), problems)
    ours = [f"RMRR {rng(r)[0]:#x}-{rng(r)[1]:#x} {r.type} ({r.name or 'host'})"
            for r in ranges]
    theirs = find_lines(view, r"DMAR: RMRR|DMAR: (Host address|DRHD)") + \
        [l for l in iommu_lines(view) if "direct" in l]
    return report(f"{label} [linux {series}]", problems, started, view, ours,
                  theirs)


def case_dmar_vfio(tool, scratch, series):
    """The DMAR case with the RMRR from a host IOMMU group in sysfs, passed
    through as the guest's AHCI controller: no map line names the range."""
    path = "fixtures/host/boot-q35-vfio.map"
    host = ["--sysfs-root", "fixtures/host/sysfs",
            "--vfio", "0000:00:17.0=00:1f.2"]
    if direct_ranges(tool, path) or not direct_ranges(tool, path, *host):
        raise guest.HarnessError(f"{path}: the direct range must come from "
                                 "the host's group, not the map")
    return case_dmar(tool, scratch, series, path, host, "dmar-vfio")


def case_dmar_shared(tool, scratch, series):
    """One firmware RMRR serving two passed-through devices: each group's
    reserved_regions lists it, loaded once per guest device (two pci-testdev
    at 00:04.0 and 00:05.0). memcarve makes one RMRR naming both, and the
    guest lists the range in the group of each."""
    path = "fixtures/host/boot-q35-vfio.map"
    group = "fixtures/host/sysfs/sys/kernel/iommu_groups/3/reserved_regions"
    host = ["--resv", f"{group},devices=00:04.0",
            "--resv", f"{group},devices=00:05.0"]
    if len(direct_ranges(tool, path, *host)) != 1:
        raise guest.HarnessError("the two listings must carve to one range")
    return case_dmar(tool, scratch, series, path, host, "dmar-shared",
                     devices=("0000:00:04.0", "0000:00:05.0"),
                     qemu=["-device", "pci-testdev,addr=04.0",
                           "-device", "pci-testdev,addr=05.0"])


# --- IVRS --------------------------------------------------------------------

def case_ivrs(tool, scratch, series):
    started = time.monotonic()
    path = "fixtures/acpi/boot-q35-ivrs.map"
    base_art = guest.Artifacts(machine=Q35, qemu_args=["-device", "amd-iommu"],
                               name="acpi-ivrs-baseline", kernel=series)
    tables, _ = dump_tables("x86_64", base_art, ["IVRS"])
    base = os.path.join(scratch, "qemu-ivrs.aml")
    ivrs = os.path.join(scratch, "ivrs.aml")
    with open(base, "wb") as f:
        f.write(tables["IVRS"])
    guest.memcarve(tool, "acpi", path, "--table", "ivrs", "--base", base,
                    "-o", ivrs)
    art = guest.Artifacts(machine=Q35, qemu_args=["-device", "amd-iommu"],
                          acpi_tables={"ivrs.aml": ivrs},
                          cmdline="amd_iommu_dump memcarve.acpidump=IVRS",
                          name="acpi-ivrs", kernel=series)
    view = guest.boot("x86_64", art)
    problems = []
    acpi_hex_equal(view, "IVRS", ivrs, problems)
    ranges = direct_ranges(tool, path)
    ivmd = find_lines(view, r"IVMD")
    if len(ivmd) < len(ranges):
        problems.append(f"amd_iommu_dump printed {len(ivmd)} IVMD lines "
                        f"for {len(ranges)} ranges")
    for r in ranges:
        start, end = rng(r)
        # Linux 6.1 prints the end exclusive: start + IVMD length.
        want = f"range_start: {start:016x} range_end: {end + 1:016x}"
        if not any(want in l for l in ivmd):
            problems.append(f"no IVMD line for {start:#x}-{end:#x}")
    devices = {"ahci-unity": ["0000:00:1f.2"], "all-ro": None,
               "sata-smbus": ["0000:00:1f.2", "0000:00:1f.3"]}
    check_in_groups(view, ranges, lambda r: devices[r.name], problems)
    ours = [f"IVMD {rng(r)[0]:#x}-{rng(r)[1]:#x} ({r.name})"
            for r in ranges]
    theirs = ivmd + [l for l in iommu_lines(view) if "direct" in l]
    return report(f"ivrs [linux {series}]", problems, started, view, ours, theirs)


# --- IORT --------------------------------------------------------------------

DSM_ZERO = re.compile(
    r"(If \(\(Arg2 == Zero\)\)\s*\{\s*Return \(Buffer \(One\)\s*\{\s*)0x01")


def patch_dsdt(base_aml, scratch):
    """QEMU's DSDT with _DSM function 5 (preserve config) returning 0."""
    work = os.path.join(scratch, "dsdt")
    os.makedirs(work, exist_ok=True)
    aml = os.path.join(work, "qemu-dsdt.aml")
    with open(aml, "wb") as f:
        f.write(base_aml)
    subprocess.run(["iasl", "-d", aml], cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(work, "qemu-dsdt.dsl")) as f:
        text = f.read()
    head = re.search(r'DefinitionBlock \("", "DSDT", (\d+), "([^"]*)", '
                     r'"([^"]*)", 0x([0-9A-Fa-f]+)\)', text)
    if not head or "e5c937d0-3553-4d7a-9117-ea4d19c3434d" not in text:
        raise guest.HarnessError("QEMU's DSDT has no PCI _DSM to patch")
    rev = int(head.group(4), 16) + 1
    text = text.replace(head.group(0), head.group(0).replace(
        f"0x{head.group(4)}", f"0x{rev:08X}"))
    # Functions 0 and 5 supported; function 5 returns Integer 0.
    text, n = DSM_ZERO.subn(r"\g<1>0x21", text, count=1)
    if n != 1:
        raise guest.HarnessError("QEMU's PCI _DSM is not the expected shape")
    text = text.replace(
        "If ((Arg2 == Zero))",
        "If ((Arg2 == 0x05))\n{\nReturn (Zero)\n}\nIf ((Arg2 == Zero))", 1)
    dsl = os.path.join(work, "dsdt.dsl")
    with open(dsl, "w") as f:
        f.write(text)
    proc = subprocess.run(["iasl", "-p", os.path.join(work, "dsdt"), dsl],
                          cwd=work, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        raise guest.HarnessError("iasl could not compile the patched DSDT:\n"
                                 + proc.stdout.decode(errors="replace"))
    return os.path.join(work, "dsdt.aml")


def case_iort(tool, scratch, series):
    started = time.monotonic()
    path = "fixtures/acpi/boot-virt-iort.map"
    base_art = guest.Artifacts(mode="edk2", machine=VIRT,
                               qemu_args=VIRT_DEVICES, timeout=240,
                               name="acpi-iort-baseline", kernel=series)
    tables, _ = dump_tables("arm64", base_art, ["IORT", "DSDT"])
    base = os.path.join(scratch, "qemu-iort.aml")
    iort = os.path.join(scratch, "iort.aml")
    with open(base, "wb") as f:
        f.write(tables["IORT"])
    guest.memcarve(tool, "acpi", path, "--table", "iort", "--base", base,
                    "-o", iort)
    dsdt = patch_dsdt(tables["DSDT"], scratch)
    art = guest.Artifacts(mode="edk2", machine=VIRT, qemu_args=VIRT_DEVICES,
                          acpi_tables={"iort.aml": iort, "dsdt.aml": dsdt},
                          cmdline="memcarve.acpidump=IORT", timeout=240,
                          name="acpi-iort", kernel=series)
    view = guest.boot("arm64", art)
    problems = []
    acpi_hex_equal(view, "IORT", iort, problems)
    ranges = direct_ranges(tool, path)
    check_in_groups(view, ranges, lambda r: ["0000:00:01.0"], problems)
    ours = [f"RMR {rng(r)[0]:#x}-{rng(r)[1]:#x} {r.type} ({r.name})"
            for r in ranges]
    theirs = find_lines(view, r"IORT|RMR|ACPI: .*upgrade|Table Upgrade") + \
        iommu_lines(view)
    return report(f"iort [linux {series}]", problems, started, view, ours, theirs)


# name, function, guest arch
CASES = [("dmar", case_dmar, "x86_64"),
         ("dmar-vfio", case_dmar_vfio, "x86_64"),
         ("dmar-shared", case_dmar_shared, "x86_64"),
         ("ivrs", case_ivrs, "x86_64"),
         ("iort", case_iort, "arm64")]


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="only", help="run the cases whose name has this")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--keep", help="keep the generated tables in this directory")
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_acpi: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    if not shutil.which("iasl"):
        print("boot_acpi: iasl missing (package acpica-tools)", file=sys.stderr)
        return 1
    cases = [c + (s,) for c in CASES if not ns.only or ns.only in c[0]
             for s in guest.matrix(c[2], ns.kernel)]
    if not cases:
        print(f"boot_acpi: no case matches '{ns.only}'", file=sys.stderr)
        return 1
    passed = 0
    with tempfile.TemporaryDirectory(prefix="memcarve-acpi-") as scratch:
        for name, fn, _, series in cases:
            work = os.path.join(scratch, series)
            os.makedirs(work, exist_ok=True)
            try:
                passed += fn(ns.tool, work, series)
            except (guest.HarnessError, subprocess.CalledProcessError) as e:
                print(f"{name} [linux {series}]: FAILED: {e}", flush=True)
        if ns.keep:
            shutil.copytree(scratch, ns.keep, dirs_exist_ok=True)
    print(f"boot_acpi: {passed} of {len(cases)} boots matched")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
