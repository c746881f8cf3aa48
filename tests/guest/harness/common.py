"""Shared paths, errors and host-tool checks."""

import os
import shutil
import subprocess
import sys
import threading

GUEST_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(os.path.dirname(GUEST_DIR))

# Debian architecture name per guest arch: the runner speaks QEMU's names,
# the archive speaks Debian's.
DEBIAN_ARCH = {
    "x86_64": "amd64",
    "arm64": "arm64",
    "ppc64le": "ppc64el",
    "mips64el": "mips64el",
    "mipsel": "mipsel",
    "riscv64": "riscv64",
}

ARCHES = tuple(DEBIAN_ARCH)


# Boots run in threads; building shared files (initrds, stubs, trees) is
# quick, so one lock keeps two boots from writing the same file at once.
BUILD_LOCK = threading.RLock()


class HarnessError(Exception):
    """A failure of the harness or of a boot, with a message for humans."""


def cache_dir():
    """Downloads live outside the repo so a fresh clone reuses them."""
    explicit = os.environ.get("MEMCARVE_GUEST_CACHE")
    if explicit:
        return os.path.abspath(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(
        os.path.expanduser("~"), ".cache")
    return os.path.join(base, "memcarve-guests")


def build_dir():
    """Generated images (stubs, initrds, trees); never committed."""
    explicit = os.environ.get("MEMCARVE_GUEST_BUILD")
    path = explicit or os.path.join(REPO_DIR, "build", "guest")
    os.makedirs(path, exist_ok=True)
    return os.path.abspath(path)


# Which Debian package provides each host tool, so a missing one is named.
TOOL_PACKAGE = {
    "apt-get": "apt",
    "apt-cache": "apt",
    "dpkg-deb": "dpkg",
    "timeout": "coreutils",
    "tar": "tar",
    "zstd": "zstd",
    "as": "binutils",
    "ld": "binutils",
    "objcopy": "binutils",
    "aarch64-linux-gnu-as": "binutils-aarch64-linux-gnu",
    "aarch64-linux-gnu-objcopy": "binutils-aarch64-linux-gnu",
    "powerpc64le-linux-gnu-as": "binutils-powerpc64le-linux-gnu",
    "powerpc64le-linux-gnu-objcopy": "binutils-powerpc64le-linux-gnu",
    "qemu-system-x86_64": "qemu-system-x86",
    "qemu-system-aarch64": "qemu-system-arm",
    "qemu-system-ppc64": "qemu-system-ppc",
    "qemu-system-mips64el": "qemu-system-mips",
    "qemu-system-mipsel": "qemu-system-mips",
    "qemu-system-riscv64": "qemu-system-misc",
}


def need_tool(name):
    """Return the tool's path or fail naming the package that provides it."""
    path = shutil.which(name)
    if path is None:
        pkg = TOOL_PACKAGE.get(name, "?")
        raise HarnessError(
            f"host tool '{name}' not found: install Debian package '{pkg}' "
            f"(see tests/guest/packages.txt)")
    return path


def need_file(path, package):
    if not os.path.exists(path):
        raise HarnessError(f"'{path}' missing: install Debian package '{package}'")
    return path


def run(cmd, **kw):
    """Run a command; on failure raise with its output, never continue."""
    need_tool(cmd[0])
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **kw)
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).decode(errors="replace")
        raise HarnessError(f"command failed ({proc.returncode}): "
                           f"{' '.join(cmd)}\n{out.strip()}")
    return proc.stdout


def write_if_changed(path, data):
    """Keep mtimes stable so repeated runs touch nothing."""
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return path
    except FileNotFoundError:
        pass
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    return path


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def check_host():
    """Fail once, naming every missing package, before any boot starts."""
    missing = sorted({TOOL_PACKAGE[t] for t in TOOL_PACKAGE
                      if shutil.which(t) is None})
    if missing:
        raise HarnessError("missing host packages: " + " ".join(missing)
                           + " (apt-get install them; see "
                           "tests/guest/packages.txt)")
