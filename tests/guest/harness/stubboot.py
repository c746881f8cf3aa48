"""Stub-firmware boots: our DTB (arm64, ppc64le) or our zero page (x86).

QEMU only places blobs (loader devices) and runs the stub; nothing of
QEMU's own firmware touches the memory description the guest reads.
"""

import hashlib
import os
import struct
import subprocess

from . import fdt, fetch, firmware, runner
from .common import BUILD_LOCK, HarnessError, build_dir, run, write_if_changed

# Fixed guest-physical addresses. An emitter's map must keep these ranges
# usable RAM (or, for the DTB/RTAS slots on ppc64le, memreserved).
ADDR = {
    "x86_64": {
        "bios": 0xffff0000,       # 64 KiB -bios image, reset vector at top
        "stack_top": 0x7000,      # stub stack, grows down below boot_params
        "boot_params": 0x7000,    # zero page (4 KiB)
        "cmdline": 0x20000,       # command line (max 4 KiB)
        "setup_data": 0x30000,    # suggested area for setup_data (to 0x6ffff)
        "page_tables": 0x70000,   # stub's identity map, 0x70000-0x75fff
        "acpi": 0x80000,          # suggested area for RSDP/XSDT/tables
        "kernel": 0x1000000,      # vmlinux PT_LOADs (to about 0x4a00000)
        "initrd": 0x6000000,
    },
    "arm64": {
        "bios": 0x0,              # stub in flash
        "kernel": 0x40200000,     # Image (image_size about 32 MiB)
        "dtb": 0x44000000,
        "initrd": 0x48000000,
    },
    "ppc64le": {
        "bios": 0x0,              # stub at 0, entered at 0x100
        "kernel": 0x400000,       # where QEMU loads -kernel vmlinux
        "dtb": 0x5000000,
        "rtas": 0x5100000,
        "initrd": 0x5200000,
    },
}
# Slots memreserved in the pseries base tree: the DTB may grow when an
# emitter patches it, so the reservation covers the slot, not the blob.
DTB_SLOT = 0x100000
RTAS_SLOT = 0x10000


def _initrd_range(arch, art):
    path = runner.initrd_path(arch, art)
    start = ADDR[arch]["initrd"]
    return path, start, start + os.path.getsize(path)


# ---- device trees -------------------------------------------------------

def _dump_args(arch, art, out):
    """The stub boot's own argv with dumpdtb= added to its machine."""
    argv = _dt_args(arch, art, dtb=None)
    i = argv.index("-M") + 1
    argv[i] = argv[i] + f",dumpdtb={out}"
    return argv


def qemu_tree(arch, art):
    """QEMU's own tree for exactly this stub boot's machine options."""
    out = os.path.join(build_dir(), f"qemu-{arch}-{_art_tag(art)}.dtb")
    argv = _dump_args(arch, art, out)
    with BUILD_LOCK:
        run(["timeout", "30"] + argv + list(art.qemu_args),
            stdin=subprocess.DEVNULL)
    return out


def _art_tag(art):
    key = repr((art.memory, art.machine, art.qemu_args))
    return hashlib.sha256(key.encode()).hexdigest()[:10]


def patch_chosen(tree, bootargs, initrd_start, initrd_end):
    chosen = tree.node("/chosen", create=True)
    chosen.set("bootargs", fdt.string(bootargs))
    chosen.set("linux,initrd-start", fdt.u64(initrd_start))
    chosen.set("linux,initrd-end", fdt.u64(initrd_end))
    return tree


def _stub_fixups(arch, tree):
    chosen = tree.node("/chosen", create=True)
    # Seeds change every run; a test tree must be deterministic.
    for prop in ("rng-seed", "kaslr-seed"):
        chosen.drop(prop)
    if arch != "ppc64le":
        return tree
    a = ADDR[arch]
    rtas = tree.node("/rtas")
    if rtas is None:
        raise HarnessError("QEMU's pseries tree has no /rtas node")
    rtas_size = firmware_rtas_size()
    rtas.set("linux,rtas-base", fdt.u32(a["rtas"]))
    rtas.set("linux,rtas-entry", fdt.u32(a["rtas"]))
    if rtas.prop("rtas-size") is None:
        rtas.set("rtas-size", fdt.u32(rtas_size))
    # QEMU's reservations describe its own firmware layout, not ours.
    tree.reserves = [(a["dtb"], DTB_SLOT), (a["rtas"], RTAS_SLOT)]
    return tree


def firmware_rtas_size():
    return len(firmware.ppc64_rtas()[1])


def base_dtb(arch, art=None):
    """QEMU's tree for this stub boot, changed only where the stub needs
    it: /chosen (bootargs, initrd; no seeds) and, on pseries, RTAS and the
    memory-reserve map. Returns the path; an emitter patches memory into
    it and hands it back as art.dtb.

    riscv64 has no stub boot: its base is the plain boot's own tree (QEMU
    hands -dtb to OpenSBI, and QEMU itself sets /chosen), without seeds."""
    if arch == "riscv64":
        return _plain_base(arch, art or runner.Artifacts())
    if arch not in ("arm64", "ppc64le"):
        raise HarnessError(f"no device-tree stub boot for {arch}")
    art = art or runner.Artifacts(mode="stub")
    tree = fdt.load(qemu_tree(arch, art))
    _, start, end = _initrd_range(arch, art)
    patch_chosen(tree, runner.kernel_cmdline(arch, art), start, end)
    _stub_fixups(arch, tree)
    out = os.path.join(build_dir(), f"base-{arch}-{_art_tag(art)}.dtb")
    return write_if_changed(out, fdt.dumps(tree))


def _plain_base(arch, art):
    tag = _art_tag(art)
    with BUILD_LOCK:
        raw = runner.dump_dtb(arch, art, os.path.join(
            build_dir(), f"qemu-{arch}-{art.kernel}-{tag}.dtb"))
    tree = fdt.load(raw)
    (tree.node("/chosen") or fdt.Node("chosen")).drop("rng-seed")
    out = os.path.join(build_dir(), f"base-{arch}-{art.kernel}-{tag}.dtb")
    return write_if_changed(out, fdt.dumps(tree))


def booted_dtb(arch, art):
    """art.dtb as booted: untouched if its /chosen already matches this
    boot's command line and initrd, else a copy with /chosen updated."""
    if art.dtb is None:
        return base_dtb(arch, art)
    with open(art.dtb, "rb") as f:
        blob = f.read()
    tree = fdt.loads(blob)
    _, start, end = _initrd_range(arch, art)
    want = (fdt.string(runner.kernel_cmdline(arch, art)), fdt.u64(start),
            fdt.u64(end))
    chosen = tree.node("/chosen") or fdt.Node("chosen")
    have = (chosen.prop("bootargs"), chosen.prop("linux,initrd-start"),
            chosen.prop("linux,initrd-end"))
    if have == want:
        return art.dtb
    patch_chosen(tree, runner.kernel_cmdline(arch, art), start, end)
    out = os.path.join(build_dir(), f"booted-{runner.file_tag(arch, art)}.dtb")
    return write_if_changed(out, fdt.dumps(tree))


# ---- QEMU argv -----------------------------------------------------------

def _dt_args(arch, art, dtb):
    a = ADDR[arch]
    kernel = fetch.ensure(arch, art.kernel)["kernel"]
    initrd, _, _ = _initrd_range(arch, art)
    argv = runner.base_args(arch, art)
    if arch == "arm64":
        stub = firmware.arm64_stub(a["dtb"], a["kernel"])
        argv += ["-bios", stub] + runner.loader(kernel, a["kernel"])
    else:
        stub = firmware.ppc64_stub(a["dtb"], a["kernel"])
        rtas = firmware.ppc64_rtas()[0]
        argv += ["-bios", stub, "-kernel", kernel]
        argv += runner.loader(rtas, a["rtas"])
    argv += runner.loader(initrd, a["initrd"])
    if dtb:
        argv += runner.loader(dtb, a["dtb"])
    return argv


def _x86_args(art):
    a = ADDR["x86_64"]
    if not art.zero_page:
        raise HarnessError("x86_64 stub boot needs art.zero_page")
    kernel = fetch.ensure("x86_64", art.kernel)["kernel"]
    segments, entry = firmware.vmlinux_segments(kernel)
    bios = firmware.x86_bios(entry, a["boot_params"], a["page_tables"],
                             a["stack_top"])
    initrd, start, end = _initrd_range("x86_64", art)
    cmdline = _cmdline_file(art)
    zp = _booted_zero_page(art, start, end - start)
    argv = runner.base_args("x86_64", art) + ["-bios", bios]
    for paddr, path in segments:
        argv += runner.loader(path, paddr)
    argv += runner.loader(zp, a["boot_params"])
    argv += runner.loader(cmdline, a["cmdline"])
    argv += runner.loader(initrd, a["initrd"])
    for addr, path in list(art.setup_data):
        argv += runner.loader(path, addr)
    return argv


def _cmdline_file(art):
    line = runner.kernel_cmdline("x86_64", art).encode() + b"\0"
    if len(line) > 4096:
        raise HarnessError("x86 command line longer than its 4 KiB slot")
    path = os.path.join(build_dir(), f"cmdline-{runner.file_tag('x86_64', art)}.txt")
    return write_if_changed(path, line)


def _booted_zero_page(art, initrd_start, initrd_size):
    """The given zero page with the loader-owned fields filled in."""
    with open(art.zero_page, "rb") as f:
        zp = bytearray(f.read())
    if len(zp) != 4096:
        raise HarnessError(f"{art.zero_page}: zero page must be 4096 bytes")
    a = ADDR["x86_64"]
    if zp[0x210] == 0:
        zp[0x210] = 0xff                                 # type_of_loader
    struct.pack_into("<I", zp, 0x228, a["cmdline"])      # cmd_line_ptr
    struct.pack_into("<I", zp, 0x0c8, 0)                 # ext_cmd_line_ptr
    struct.pack_into("<II", zp, 0x218, initrd_start, initrd_size)
    struct.pack_into("<II", zp, 0x0c0, 0, 0)             # ext_ramdisk_*
    path = os.path.join(build_dir(), f"zeropage-{runner.file_tag('x86_64', art)}.bin")
    return write_if_changed(path, bytes(zp))


def args(arch, art):
    """QEMU argv of a stub boot (runner.qemu_command calls this)."""
    extra = []
    for addr, path in list(art.blobs):
        extra += runner.loader(path, addr)
    if arch == "x86_64":
        return _x86_args(art) + extra
    if arch in ("arm64", "ppc64le"):
        return _dt_args(arch, art, booted_dtb(arch, art)) + extra
    raise HarnessError(f"no stub boot for {arch} (MIPS boots with -append)")
