"""Assemble the stub firmware and prepare kernels for stub boots.

Stubs are assembled per parameter set with --defsym, so an address is a
runner argument instead of a constant buried in assembly.
"""

import hashlib
import lzma
import os
import struct

from .common import (BUILD_LOCK, GUEST_DIR, HarnessError, build_dir, run,
                     write_if_changed)

SRC = os.path.join(GUEST_DIR, "firmware")


def _defsyms(params):
    out = []
    for key in sorted(params):
        out += ["--defsym", f"{key}={params[key]:#x}"]
    return out


def _out_path(name, params):
    key = ",".join(f"{k}={params[k]:#x}" for k in sorted(params))
    tag = hashlib.sha256(key.encode()).hexdigest()[:10]
    return os.path.join(build_dir(), f"{name}-{tag}.bin")


def _assemble(name, src, as_cmd, objcopy, params, link=None):
    with BUILD_LOCK:
        return _assemble_locked(name, src, as_cmd, objcopy, params, link)


def _assemble_locked(name, src, as_cmd, objcopy, params, link):
    out = _out_path(name, params)
    obj = out[:-4] + ".o"
    run(as_cmd + _defsyms(params) + ["-o", obj, os.path.join(SRC, src)])
    if link:
        elf = out[:-4] + ".elf"
        run(link + ["-o", elf, obj])
        obj = elf
    run([objcopy, "-O", "binary", obj, out + ".tmp"])
    with open(out + ".tmp", "rb") as f:
        data = f.read()
    os.remove(out + ".tmp")
    return write_if_changed(out, data), data


def x86_bios(kernel_entry, boot_params, page_tables, stack_top):
    params = dict(KERNEL_ENTRY=kernel_entry, BOOT_PARAMS=boot_params,
                  PAGE_TABLES=page_tables, STACK_TOP=stack_top)
    # The host's binutils handle .code16/.code32/.code64 in one i386
    # object; no multilib is needed for freestanding assembly.
    path, data = _assemble(
        "x86_64-bios", "x86_64-bios.S", ["as", "--32"], "objcopy", params,
        link=["ld", "-m", "elf_i386", "-Ttext=0xffff0000", "-e", "_start",
              "--no-warn-rwx-segments"])
    if len(data) != 0x10000:
        raise HarnessError(f"x86 bios image is {len(data)} bytes, not 64 KiB")
    return path


def arm64_stub(dtb_addr, kernel_addr):
    params = dict(DTB_ADDR=dtb_addr, KERNEL_ADDR=kernel_addr)
    return _assemble("arm64-stub", "arm64-stub.S", ["aarch64-linux-gnu-as"],
                     "aarch64-linux-gnu-objcopy", params)[0]


PPC_AS = ["powerpc64le-linux-gnu-as", "-a64", "-mbig", "-mpower8"]


def ppc64_stub(dtb_addr, kernel_addr):
    params = dict(DTB_ADDR=dtb_addr, KERNEL_ADDR=kernel_addr)
    return _assemble("ppc64-stub", "ppc64-stub.S", PPC_AS,
                     "powerpc64le-linux-gnu-objcopy", params)[0]


def ppc64_rtas():
    return _assemble("ppc64-rtas", "ppc64-rtas.S", PPC_AS,
                     "powerpc64le-linux-gnu-objcopy", {})


# ---- x86: the uncompressed vmlinux inside Debian's bzImage -------------

def bzimage_setup_header(bzimage):
    """Bytes 0x1f1.. of the bzImage's setup header (to copy into a zero
    page); the header's own length byte at 0x201 bounds it."""
    with open(bzimage, "rb") as f:
        head = f.read(0x1000)
    if head[0x202:0x206] != b"HdrS":
        raise HarnessError(f"{bzimage}: no Linux boot header")
    end = 0x202 + head[0x201]
    return head[0x1f1:end]


def _payload(bzimage):
    """The vmlinux ELF inside a bzImage: XZ (Debian 6.1) or zstd (Debian
    6.12 and newer), found by the setup header's payload_offset/length."""
    with open(bzimage, "rb") as f:
        data = f.read()
    setup_sects = data[0x1f1] or 4
    off, length = struct.unpack_from("<II", data, 0x248)
    start = (setup_sects + 1) * 512 + off
    payload = data[start:start + length]
    if payload.startswith(b"\xfd7zXZ"):
        return _unxz(bzimage, payload)
    if payload.startswith(b"\x28\xb5\x2f\xfd"):
        # The build appends the uncompressed size (4 bytes) after the
        # frame; zstd would take it for the start of another frame.
        return run(["zstd", "-d", "-c", "-q"], input=payload[:-4])
    raise HarnessError(f"{bzimage}: payload is neither XZ nor zstd (magic "
                       f"{payload[:4].hex()})")


def _unxz(bzimage, payload):
    # The build appends the uncompressed size (4 bytes) after the stream;
    # a one-stream decompressor leaves it aside as unused data.
    dec = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
    elf = dec.decompress(payload)
    if not dec.eof:
        raise HarnessError(f"{bzimage}: truncated XZ payload")
    return elf


def vmlinux_segments(bzimage):
    """[(paddr, path)] of the PT_LOAD segments and the ELF entry, cached."""
    with BUILD_LOCK:
        return _vmlinux_segments(bzimage)


def _vmlinux_segments(bzimage):
    digest = hashlib.sha256(open(bzimage, "rb").read()).hexdigest()[:12]
    outdir = os.path.join(build_dir(), f"vmlinux-{digest}")
    index = os.path.join(outdir, "segments")
    if os.path.exists(index):
        return _read_index(index)
    elf = _payload(bzimage)
    os.makedirs(outdir, exist_ok=True)
    segs, entry = _pt_loads(elf)
    lines = [f"entry {entry:#x}"]
    for i, (paddr, blob) in enumerate(segs):
        path = os.path.join(outdir, f"seg{i}.bin")
        write_if_changed(path, blob)
        lines.append(f"{paddr:#x} {path}")
    write_if_changed(index, ("\n".join(lines) + "\n").encode())
    return _read_index(index)


def _read_index(index):
    with open(index) as f:
        lines = f.read().split("\n")
    entry = int(lines[0].split()[1], 16)
    segs = [(int(a, 16), p) for a, p in (l.split(" ", 1) for l in lines[1:]
                                          if l)]
    return segs, entry


def _pt_loads(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        raise HarnessError("decompressed payload is not a 64-bit ELF")
    entry, phoff = struct.unpack_from("<QQ", elf, 24)
    phentsize, phnum = struct.unpack_from("<HH", elf, 54)
    segs = []
    for i in range(phnum):
        p_type, _flags, off, _vaddr, paddr, filesz, _memsz, _align = \
            struct.unpack_from("<IIQQQQQQ", elf, phoff + i * phentsize)
        if p_type == 1 and filesz:
            segs.append((paddr, elf[off:off + filesz]))
    return segs, entry
