#!/usr/bin/env python3
"""Boot proof of the PVH output: real x86_64 guests entered through their
32-bit PVH entry read our start_info block.

Each case carves a map, writes `memcarve e820 --format pvh` (the start_info
block with the initrd's module entry and the memmap) for the ELF vmlinux
inside the Debian kernel (unpacked by the harness, checked by `--kernel`
for its XEN_ELFNOTE_PHYS32_ENTRY note), and boots it with a stub firmware
of our own (firmware/x86_64-pvh.S): from the reset vector to 32-bit
protected mode, %ebx = our block, a jump to the note's entry. QEMU's own
PVH loader is not used: it would hand the kernel a start_info of its own.
Required, on each kernel of the matrix (6.1 and sid's newest):

  - the guest's BIOS-e820 lines equal `memcarve e820 --format text --linux
    <version>` line for line, and /sys/firmware/memmap equals our table.
    Linux's PVH entry adds the ISA range 0xa0000-0xfffff as reserved below
    127 entries (init_pvh_bootparams()); both maps reserve exactly that
    range already, so the guest's table is ours;
  - the command line and initrd arrived (the harness's end marker needs
    the initrd's init; /proc/cmdline is ours).

  every-type  fixtures/e820/all-types.map: usable, reserved, ACPI data,
              ACPI NVS, persistent (type 7), a carved mmio page
  max         fixtures/pvh/max.map: 128 entries, the most the kernel's
              boot_params.e820_table holds (one more is refused by memcarve,
              checked here too: fixtures/pvh/over.map)
  isa         fixtures/pvh/no-isa.map, which leaves 0xa0000-0xfffff out:
              the guest's lines are ours plus the kernel's ISA entry, i.e.
              those of the same map with "reserved 0xa0000 384K" added

Usage: python3 tests/guest/boot_pvh.py [-k NAME] [--kernel SERIES]...
       [--tool build/memcarve]
Exit status 0 only if every boot matched; 1 on any mismatch or failure.
"""

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402
import boot_e820  # noqa: E402
from harness import fetch, firmware, runner  # noqa: E402
from harness.common import BUILD_LOCK, build_dir, write_if_changed  # noqa: E402

ADDR = guest.ADDR["x86_64"]
START_INFO = 0x7000     # the zero page's slot: free in a PVH boot
PHYS32_ENTRY = 18       # XEN_ELFNOTE_PHYS32_ENTRY

# name, map, QEMU -m, whether the kernel adds the ISA range to our table
CASES = [
    ("every-type", "fixtures/e820/all-types.map", "512M", False),
    ("max", "fixtures/pvh/max.map", "1G", False),
    ("isa", "fixtures/pvh/no-isa.map", "512M", True),
]
ISA = "reserved 0xa0000 384K name=isa\n"


def expected_text(tool, path, isa, scratch, series):
    """Our BIOS-e820 lines; with @isa those of the map plus the ISA range
    the kernel's PVH entry adds (sanitized with the rest, as it does)."""
    if isa:
        with open(os.path.join(TOP, path)) as f:
            text = f.read()
        path = os.path.join(scratch, "with-isa.map")
        with open(path, "w") as f:
            f.write(text + ISA)
    return guest.memcarve(tool, "e820", path, "--linux",
                          guest.linux_version("x86_64", series)).splitlines()


def vmlinux(series):
    """The ELF vmlinux inside the series' bzImage, written once to the
    build directory (memcarve --kernel reads it)."""
    bz = fetch.ensure("x86_64", series)["kernel"]
    with BUILD_LOCK:
        digest = hashlib.sha256(open(bz, "rb").read()).hexdigest()[:12]
        path = os.path.join(build_dir(), f"vmlinux-{digest}.elf")
        if not os.path.exists(path):
            write_if_changed(path, firmware._payload(bz))
    return path


def pvh_entry(elf):
    """The PHYS32_ENTRY note's value, read from the PT_NOTE segments."""
    phoff, = struct.unpack_from("<Q", elf, 32)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    for i in range(phnum):
        p_type, _f, off, _v, _p, filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize)
        at, end = off, off + filesz
        while p_type == 4 and end - at >= 12:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, at)
            name = elf[at + 12:at + 12 + namesz]
            desc = at + 12 + (namesz + 3) // 4 * 4
            if name == b"Xen\0" and ntype == PHYS32_ENTRY:
                return int.from_bytes(elf[desc:desc + descsz], "little")
            at = desc + (descsz + 3) // 4 * 4
    raise guest.HarnessError("vmlinux has no XEN_ELFNOTE_PHYS32_ENTRY note")


def pvh_stub(entry):
    params = dict(PVH_ENTRY=entry, START_INFO=START_INFO)
    path, data = firmware._assemble(
        "x86_64-pvh", "x86_64-pvh.S", ["as", "--32"], "objcopy", params,
        link=["ld", "-m", "elf_i386", "-Ttext=0xffff0000", "-e", "_start",
              "--no-warn-rwx-segments"])
    if len(data) != 0x10000:
        raise guest.HarnessError(f"pvh stub is {len(data)} bytes, not 64 KiB")
    return path


def pvh_args(arch, art):
    """QEMU argv of a PVH boot: our stub as -bios, the vmlinux segments,
    the start_info block (art.blobs), the command line and the initrd."""
    if arch != "x86_64":
        raise guest.HarnessError("PVH boots are x86_64 only")
    elf_path = vmlinux(art.kernel)
    with open(elf_path, "rb") as f:
        entry = pvh_entry(f.read())
    segments, _ = firmware.vmlinux_segments(
        fetch.ensure("x86_64", art.kernel)["kernel"])
    argv = runner.base_args(arch, art) + ["-bios", pvh_stub(entry)]
    for paddr, path in segments:
        argv += runner.loader(path, paddr)
    line = runner.kernel_cmdline(arch, art).encode() + b"\0"
    cmdline = os.path.join(build_dir(),
                           f"cmdline-{runner.file_tag(arch, art)}.txt")
    argv += runner.loader(write_if_changed(cmdline, line), ADDR["cmdline"])
    argv += runner.loader(runner.initrd_path(arch, art), ADDR["initrd"])
    for addr, path in art.blobs:
        argv += runner.loader(path, addr)
    return argv


guest.register_mode("pvh", pvh_args)


def run_case(tool, case, scratch, series):
    name, path, memory, isa = case
    art = guest.Artifacts(mode="pvh", memory=memory, name=f"pvh-{name}",
                          kernel=series, expect_log=guest.NO_ACPI)
    initrd = runner.initrd_path("x86_64", art)
    block = os.path.join(scratch, f"{name}-{series}.pvh")
    guest.memcarve(tool, "e820", path, "--format", "pvh", "-o", block,
                   "--kernel", vmlinux(series),
                   "--start-info-addr", hex(START_INFO),
                   "--cmdline-addr", hex(ADDR["cmdline"]),
                   "--initrd-addr", hex(ADDR["initrd"]),
                   "--initrd-size", hex(os.path.getsize(initrd)))
    ours = expected_text(tool, path, isa, scratch, series)
    art.blobs = [(START_INFO, block)]
    started = time.monotonic()
    view = guest.boot("x86_64", art)
    report = boot_e820.check_view(ours, view, False)
    if runner.kernel_cmdline("x86_64", art) not in view.cmdline:
        report += f"/proc/cmdline is not ours: {view.cmdline}\n"
    status = "ok" if not report else "MISMATCH"
    entries = sum(": [mem " in l for l in ours)
    print(f"{name} [linux {series}]: {status}, {entries} entries, boot "
          f"{time.monotonic() - started:.1f} s, log {view.log_path}",
          flush=True)
    if report:
        print(report, end="")
    else:
        shown = boot_e820.guest_lines(view, "BIOS-e820")
        for mine, theirs in list(zip(ours, shown))[:3]:
            print(f"  memcarve: {mine}\n  guest:    {theirs}")
    return not report


def refusal(tool):
    """129 entries: refused, naming the kernel's 128-entry table."""
    proc = subprocess.run([tool, "e820", "fixtures/pvh/over.map", "--format",
                           "pvh", "--start-info-addr", hex(START_INFO), "-o",
                           os.devnull], cwd=TOP, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    why = proc.stderr.decode().strip()
    ok = proc.returncode == 1 and "e820_table[128]" in why
    print(f"refusal: {'ok' if ok else 'MISMATCH'}, 129 entries -> exit "
          f"{proc.returncode}: {why}")
    return ok


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", dest="only", help="run the cases whose name has this")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--kernel", action="append", choices=list(guest.SERIES),
                   help="only this kernel series (repeatable)")
    ns = p.parse_args(argv)
    if not os.access(ns.tool, os.X_OK):
        print(f"boot_pvh: {ns.tool} not built (run make)", file=sys.stderr)
        return 1
    cases = [(c, s) for c in CASES if not ns.only or ns.only in c[0]
             for s in guest.matrix("x86_64", ns.kernel)]
    passed = total = 0
    if not ns.only or ns.only in "refusal":
        total += 1
        passed += refusal(ns.tool)
    scratch = os.path.join(build_dir(), "pvh")
    os.makedirs(scratch, exist_ok=True)
    for case, series in cases:
        try:
            passed += run_case(ns.tool, case, scratch, series)
        except (guest.HarnessError, subprocess.CalledProcessError) as e:
            print(f"{case[0]} [linux {series}]: FAILED: {e}", flush=True)
    total += len(cases)
    print(f"boot_pvh: {passed} of {total} checks matched")
    return 0 if passed == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
