"""Deterministic initramfs images (cpio newc), built in Python.

No timestamps, owners or host inode numbers leak in, so the same busybox
and /init always give the same bytes.
"""

import gzip
import hashlib
import os

from . import fetch
from .common import BUILD_LOCK, GUEST_DIR, build_dir, write_if_changed

S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR = 0o040000, 0o100000, 0o120000, 0o020000

# x86 leaves through isa-debug-exit so that QEMU's exit status proves the
# guest reached the end (and "poweroff" on x86 would need ACPI, which our
# stub firmware boot does not provide).
EXIT_STYLE = {"x86_64": "debugexit"}


def _entry(ino, name, mode, data=b"", rdev=(0, 0)):
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name) + 1, 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = head + name.encode() + b"\0"
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


def cpio(entries):
    """entries: (name, mode, data[, (major, minor)]) in archive order."""
    out = b""
    for ino, e in enumerate(entries, start=1):
        out += _entry(ino, *e)
    out += _entry(0, "TRAILER!!!", 0)
    return out


def init_script(arch):
    with open(os.path.join(GUEST_DIR, "init.sh")) as f:
        text = f.read()
    return text.replace("@EXIT@", EXIT_STYLE.get(arch, "poweroff")).encode()


def main_cpio(arch):
    with open(fetch.ensure(arch)["busybox"], "rb") as f:
        busybox = f.read()
    dirs = ["bin", "dev", "proc", "sys", "tmp", "root"]
    entries = [(d, S_IFDIR | 0o755, b"") for d in dirs]
    entries += [
        ("bin/busybox", S_IFREG | 0o755, busybox),
        ("bin/sh", S_IFLNK | 0o777, b"busybox"),
        ("dev/console", S_IFCHR | 0o600, b"", (5, 1)),
        ("init", S_IFREG | 0o755, init_script(arch)),
    ]
    return cpio(entries)


def acpi_upgrade_cpio(tables):
    """The uncompressed cpio the kernel scans for ACPI table upgrades.

    tables: {"ivrs.aml": bytes, ...}; must go first in the initrd.
    """
    entries = [(d, S_IFDIR | 0o755, b"") for d in
               ("kernel", "kernel/firmware", "kernel/firmware/acpi")]
    for name in sorted(tables):
        entries.append((f"kernel/firmware/acpi/{name}", S_IFREG | 0o644,
                        tables[name]))
    return cpio(entries)


def build(arch, extra_cpio=b""):
    """Path of the initrd for arch: extra_cpio (uncompressed) + gzip(main)."""
    body = gzip.compress(main_cpio(arch), compresslevel=6, mtime=0)
    data = bytes(extra_cpio) + body
    tag = hashlib.sha256(data).hexdigest()[:12] if extra_cpio else "base"
    path = os.path.join(build_dir(), f"initrd-{arch}-{tag}.img")
    with BUILD_LOCK:
        return write_if_changed(path, data)
