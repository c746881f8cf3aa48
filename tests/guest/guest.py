#!/usr/bin/env python3
"""memcarve guest-boot harness: the interface other tests import.

    import sys; sys.path.insert(0, "tests/guest")
    import guest
    view = guest.boot("arm64", guest.Artifacts(mode="stub", dtb="out.dtb"))
    result = guest.compare(view, "carved.json")   # memcarve show --json
    assert result, str(result)

Also a debugging command line: tests/guest/guest.py --help.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.common import ARCHES, HarnessError  # noqa: E402,F401
from harness.compare import Result, compare, load_map  # noqa: E402,F401
from harness.fetch import MATRIX, SERIES  # noqa: E402,F401
from harness.fetch import ensure as fetch  # noqa: E402,F401
from harness.fetch import linux_version, matrix  # noqa: E402,F401
from harness.firmware import bzimage_setup_header  # noqa: E402,F401
from harness.initrd import acpi_upgrade_cpio  # noqa: E402,F401
from harness.parse import GuestView, Range  # noqa: E402,F401
from harness.runner import Artifacts, qemu_command  # noqa: E402,F401
from harness.runner import boot, kernel_cmdline  # noqa: E402,F401
from harness.runner import register_mode  # noqa: E402,F401
from harness.stubboot import ADDR, base_dtb  # noqa: E402,F401


# What an x86 guest logs when the zero page names no RSDP (acpi_rsdp_addr
# 0) and no BIOS area holds one: a stub boot without ACPI tables expects it.
NO_ACPI = [r"A valid RSDP was not found",
           r"ACPI: Failed to initialize tables"]

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def memcarve(tool, *args):
    """Run the memcarve tool from the top of the repository; its standard
    output as text. A failure raises HarnessError with its message."""
    proc = subprocess.run([tool, *args], cwd=TOP, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise HarnessError(
            f"memcarve {' '.join(args)} failed ({proc.returncode}):\n"
            f"{proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout.decode()


def kernel(arch, series="6.1"):
    """Path of the cached guest kernel of a series for arch (fetching it
    once)."""
    return fetch(arch, series)["kernel"]


def view_json(view):
    """A GuestView as plain JSON (hex strings, like memcarve's JSON)."""
    def rng(r):
        return {"start": hex(r.start), "end": hex(r.end), "kind": r.kind,
                "label": r.label}
    return {
        "arch": view.arch, "mode": view.mode, "seconds": round(view.seconds, 2),
        "cmdline": view.cmdline,
        "ranges": [rng(r) for r in view.ranges],
        "memory": [rng(r) for r in view.memory],
        "reserved": [rng(r) for r in view.reserved],
        "iommu": [{"group": i.group, "devices": i.devices,
                   "start": hex(i.start), "end": hex(i.end), "type": i.type}
                  for i in view.iommu],
        "acpi_tables": view.acpi_tables, "log": view.log_path,
    }


def _addr_file(text):
    addr, _, path = text.partition("=")
    return int(addr, 0), path


def _name_file(text):
    name, _, path = text.partition("=")
    return name, path


def _artifacts(ns):
    return Artifacts(
        mode=ns.mode, kernel=ns.kernel, memory=ns.memory, cmdline=ns.cmdline or "",
        dtb=ns.dtb, zero_page=ns.zero_page,
        setup_data=[_addr_file(s) for s in ns.setup_data],
        blobs=[_addr_file(s) for s in ns.blob],
        acpi_tables=dict(_name_file(s) for s in ns.acpi_table),
        extra_cpio=open(ns.extra_cpio, "rb").read() if ns.extra_cpio else b"",
        machine=shlex.split(ns.machine) if ns.machine else None,
        qemu_args=[a for q in ns.qemu for a in shlex.split(q)],
        timeout=ns.timeout, name=ns.name, verbose=ns.verbose)


def _parser():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("command", choices=["boot", "compare", "base-dtb",
                                       "qemu-cmd", "fetch"])
    p.add_argument("arch", choices=ARCHES)
    p.add_argument("map", nargs="?", help="compare: memcarve show --json")
    p.add_argument("--mode", default="plain", choices=["plain", "stub", "edk2"])
    p.add_argument("--kernel", default="6.1", choices=list(SERIES),
                   help="kernel series (default 6.1)")
    p.add_argument("--memory")
    p.add_argument("--cmdline")
    p.add_argument("--dtb")
    p.add_argument("--zero-page")
    p.add_argument("--setup-data", action="append", default=[],
                   metavar="ADDR=FILE")
    p.add_argument("--blob", action="append", default=[], metavar="ADDR=FILE")
    p.add_argument("--acpi-table", action="append", default=[],
                   metavar="NAME.aml=FILE", help="initrd ACPI table upgrade")
    p.add_argument("--extra-cpio")
    p.add_argument("--machine", help="replaces the default -M/-cpu words")
    p.add_argument("--qemu", action="append", default=[],
                   help="extra QEMU words (repeatable)")
    p.add_argument("--timeout", type=int, default=90)
    p.add_argument("--name")
    p.add_argument("--iommu", action="store_true", help="compare: direct ranges")
    p.add_argument("--verbose", action="store_true", help="full kernel console")
    p.add_argument("--json", action="store_true")
    p.add_argument("-o", "--output", help="base-dtb: copy the tree here")
    return p


def _print_view(view, as_json):
    if as_json:
        print(json.dumps(view_json(view), indent=1))
        return
    print(f"{view.arch} {view.mode}: {view.seconds:.2f} s, log {view.log_path}")
    for r in view.ranges:
        print(f"  {r}")


def main(argv):
    ns = _parser().parse_args(argv)
    art = _artifacts(ns)
    if ns.command == "fetch":
        print(json.dumps(fetch(ns.arch, ns.kernel), indent=1))
    elif ns.command == "qemu-cmd":
        print(shlex.join(qemu_command(ns.arch, art)))
    elif ns.command == "base-dtb":
        path = base_dtb(ns.arch, art)
        if ns.output:
            with open(path, "rb") as f, open(ns.output, "wb") as g:
                g.write(f.read())
        print(ns.output or path)
    elif ns.command == "boot":
        _print_view(boot(ns.arch, art), ns.json)
    else:
        if not ns.map:
            raise HarnessError("compare needs a map JSON file")
        view = boot(ns.arch, art)
        _print_view(view, ns.json)
        result = compare(view, ns.map, check_iommu=ns.iommu)
        print(result)
        return 0 if result else 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except HarnessError as e:
        print(f"guest: FAILED: {e}", file=sys.stderr)
        sys.exit(1)
