"""Download guest kernels and static busybox from the Debian archive, once.

The cache is keyed by kernel series: `linux-<series>/<debian arch>/` holds
one kernel, its config and manifest.json. Each (series, arch) gets a private
apt configuration (sources, lists, archives) under the cache, so the host's
apt state and sources are never used; a complete entry short-circuits
before apt runs. Busybox comes with the 6.1 entry (bookworm's
busybox-static) and serves every series, so the initrd of an arch is the
same whatever kernel boots it.
"""

import glob
import json
import os
import re
import shutil
import time
from dataclasses import dataclass

from .common import (BUILD_LOCK, DEBIAN_ARCH, HarnessError, cache_dir, log,
                     need_tool, run)

# Kernel flavour per Debian architecture (Malta is the board QEMU emulates).
# Pinned by name: the package patterns below end at the flavour, so
# ppc64el's `powerpc64le-64k` (64K pages) or arm64's `arm64-16k` never
# stand in. Debian's powerpc64le flavour has 64K pages on 6.1 and 4K pages
# from 6.12 on; manifest.json records the page size of each entry.
FLAVOUR = {
    "amd64": "amd64",
    "arm64": "arm64",
    "ppc64el": "powerpc64le",
    "mips64el": "5kc-malta",
    "mipsel": "4kc-malta",
    "riscv64": "riscv64",
}

ARCHIVE = "http://deb.debian.org/debian"
SECURITY = "http://deb.debian.org/debian-security"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"


@dataclass(frozen=True)
class Series:
    """Where one kernel series lives in the archive.

    image: regex of the package holding the kernel ({f} = flavour); its
    groups are the version numbers that order the candidates. base: how to
    name the package holding the config from the image package's name
    (sid splits them), or None when the image package has both. members:
    tar wildcards of the kernel and the config inside the packages."""
    suites: tuple
    image: str
    base: tuple
    members: tuple


BOOT_MEMBERS = ("./boot/vmlinu*", "./boot/config-*")
SERIES = {
    # Debian 12: linux-image-6.1.0-<abi>-<flavour>, kernel in /boot.
    "6.1": Series(("bookworm", "bookworm-updates", "bookworm-security"),
                  r"linux-image-6\.1\.0-([0-9]+)-{f}", None, BOOT_MEMBERS),
    # bookworm-backports: linux-image-6.12.<n>+deb12-<flavour>; the only
    # 6.12 mips64el Malta kernel (trixie and sid have no mips port), and
    # the same 6.12 as trixie's for ppc64el.
    "6.12": Series(("bookworm-backports",),
                   r"linux-image-6\.12\.([0-9]+)\+deb12-{f}", None, BOOT_MEMBERS),
    # sid: the kernel is in linux-binary-<v>+deb<NN>-<flavour>
    # (usr/lib/modules/<v>/vmlinuz), its config in linux-base-<same>.
    # Debian 13: linux-image-6.12.<n>+deb13-<flavour>, kernel in /boot.
    # bookworm has no riscv64 port, so riscv64's oldest series is trixie's.
    "trixie": Series(("trixie", "trixie-updates", "trixie-security"),
                     r"linux-image-6\.12\.([0-9]+)\+deb13-{f}", None,
                     BOOT_MEMBERS),
    "sid": Series(("sid",),
                  r"linux-binary-([0-9]+)\.([0-9]+)\.([0-9]+)\+deb[0-9]+-{f}",
                  ("linux-binary-", "linux-base-"),
                  ("./usr/lib/modules/*/vmlinu*", "./usr/lib/modules/*/config")),
}

# Which series each guest arch boots. No mips kernel is in trixie or sid;
# bookworm-backports has a mips64el Malta 6.12 and no mipsel one. ppc64le
# boots 6.12 too: the first series with the 16 MiB RAM rule
# (core/ram_total.c).
MATRIX = {
    "x86_64": ("6.1", "sid"),
    "arm64": ("6.1", "sid"),
    "ppc64le": ("6.1", "6.12", "sid"),
    "mips64el": ("6.1", "6.12"),
    "mipsel": ("6.1",),
    "riscv64": ("trixie", "sid"),
}
DEFAULT_SERIES = "6.1"

# The series whose entry carries busybox-static for an arch: the oldest
# one it boots (6.1, bookworm, except where bookworm has no port).
BUSYBOX_SERIES = {"riscv64": "trixie"}


def busybox_series(debarch):
    for arch, deb in DEBIAN_ARCH.items():
        if deb == debarch:
            return BUSYBOX_SERIES.get(arch, DEFAULT_SERIES)
    return DEFAULT_SERIES

MANIFEST = "manifest.json"
UPDATE_TRIES = 2


def entry_dir(series, debarch):
    return os.path.join(cache_dir(), f"linux-{series}", debarch)


def _apt_root(series, debarch):
    return os.path.join(cache_dir(), "apt", f"{series}-{debarch}")


def _sources(series, debarch):
    lines = []
    for suite in SERIES[series].suites:
        uri = SECURITY if suite.endswith("-security") else ARCHIVE
        lines.append(f"deb [arch={debarch} signed-by={KEYRING}] {uri} "
                     f"{suite} main\n")
    return "".join(lines)


def _apt_opts(series, debarch):
    root = _apt_root(series, debarch)
    return [
        f"-oAPT::Architecture={debarch}",
        f"-oAPT::Architectures={debarch}",
        f"-oDir::Etc::SourceList={root}/sources.list",
        "-oDir::Etc::SourceParts=/nonexistent",
        f"-oDir::State::Lists={root}/lists",
        f"-oDir::Cache={root}/cache",
        # The host's dpkg status lists host-arch packages; it must not
        # influence (or be locked by) a foreign-arch download.
        "-oDir::State::status=/dev/null",
        "-oDebug::NoLocking=1",
        "-oAcquire::Languages=none",
        # The cache may sit in a home directory the _apt user cannot enter.
        "-oAPT::Sandbox::User=root",
        "-oAcquire::Retries=3",
    ]


def _apt_update(series, debarch):
    root = _apt_root(series, debarch)
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    with open(os.path.join(root, "sources.list"), "w") as f:
        f.write(_sources(series, debarch))
    # A mirror mid-sync answers with a short index ("File has unexpected
    # size") and apt exits non-zero; that usually heals within seconds.
    for attempt in range(1, UPDATE_TRIES + 1):
        log(f"fetch: apt-get update for {series} {debarch} (try {attempt})")
        try:
            run(["apt-get", "-q"] + _apt_opts(series, debarch) + ["update"])
            return
        except HarnessError as e:
            failure = str(e)
        if attempt < UPDATE_TRIES:
            time.sleep(3 * attempt)
    # Some indices stayed broken. The others were fetched; resolving the
    # kernel from them is still sound, but the choice may be older than the
    # archive's newest, so say so loudly instead of hiding it.
    if "Some index files failed to download" not in failure:
        raise HarnessError(failure)
    bad = [l for l in failure.splitlines() if l.startswith("E: Failed to fetch")]
    log(f"fetch: WARNING: {series} {debarch}: these package indices failed, "
        f"resolving from the rest:\n  " + "\n  ".join(bad))


def newest_kernel(series, debarch):
    """Resolve the version at download time: old ABIs vanish."""
    flavour = re.escape(FLAVOUR[debarch])
    pattern = "^" + SERIES[series].image.format(f=flavour) + "$"
    out = run(["apt-cache"] + _apt_opts(series, debarch)
              + ["search", "--names-only", pattern]).decode()
    rx = re.compile(pattern)
    found = []
    for line in out.splitlines():
        name = line.split(" ", 1)[0]
        m = rx.match(name)
        if m:
            found.append((tuple(int(g) for g in m.groups()), name))
    if not found:
        raise HarnessError(f"no package matching {pattern} in the {series} "
                           f"{debarch} package lists")
    return max(found)[1]


def _download(series, debarch, pkg, into):
    os.makedirs(into, exist_ok=True)
    log(f"fetch: downloading {pkg} ({series} {debarch})")
    run(["apt-get", "-q"] + _apt_opts(series, debarch) + ["download", pkg],
        cwd=into)
    debs = glob.glob(os.path.join(into, f"{pkg.replace('+', '%2b')}_*.deb")) \
        or glob.glob(os.path.join(into, f"{pkg}_*.deb"))
    if len(debs) != 1:
        raise HarnessError(f"download of {pkg} ({debarch}) left {debs}")
    return debs[0]


def _extract(deb, members, into):
    """Unpack only the named paths: a kernel deb is mostly modules."""
    need_tool("dpkg-deb")
    need_tool("tar")
    os.makedirs(into, exist_ok=True)
    tar = run(["dpkg-deb", "--fsys-tarfile", deb])
    run(["tar", "-x", "-C", into, "--wildcards"] + list(members), input=tar)


def _version(deb):
    return run(["dpkg-deb", "-f", deb, "Version"]).decode().strip()


def _one(tmp, pattern, what, pkg):
    found = sorted(glob.glob(os.path.join(tmp, pattern)))
    if len(found) != 1:
        raise HarnessError(f"{pkg}: expected one {what}, got {found}")
    return os.path.relpath(found[0], tmp)


def page_size(config_path):
    """The kernel's page size in bytes, from its config."""
    with open(config_path) as f:
        text = f.read()
    for kib in (4, 16, 64, 256):
        if re.search(rf"^CONFIG_(PPC_|ARM64_)?{kib}K_PAGES=y$"
                     rf"|^CONFIG_PAGE_SIZE_{kib}KB=y$", text, re.M):
            return kib * 1024
    return 4096


def _fetch_entry(series, debarch):
    spec = SERIES[series]
    dest = entry_dir(series, debarch)
    work = os.path.join(_apt_root(series, debarch), "debs")
    _apt_update(series, debarch)
    kpkg = newest_kernel(series, debarch)
    pkgs = [kpkg]
    if spec.base:
        pkgs.append(kpkg.replace(*spec.base, 1))
    if series == busybox_series(debarch):
        pkgs.append("busybox-static")
    debs = [_download(series, debarch, p, work) for p in pkgs]
    tmp = dest + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    if spec.base:
        _extract(debs[0], [spec.members[0]], tmp)
        _extract(debs[1], [spec.members[1]], tmp)
    else:
        _extract(debs[0], list(spec.members), tmp)
    manifest = {
        "series": series, "suites": list(spec.suites),
        "kernel_package": kpkg, "kernel_version": _version(debs[0]),
        "kernel": _one(tmp, spec.members[0], "kernel", kpkg),
        "config": _one(tmp, spec.members[1], "config", pkgs[-1]),
    }
    manifest["page_size"] = page_size(os.path.join(tmp, manifest["config"]))
    if series == busybox_series(debarch):
        # bookworm's busybox-static has /bin/busybox, trixie's (merged
        # /usr) /usr/bin/busybox; tar's "*" matches "/" too.
        _extract(debs[-1], ["./*bin/busybox"], tmp)
        manifest["busybox"] = next(
            p for p in ("bin/busybox", "usr/bin/busybox")
            if os.path.isfile(os.path.join(tmp, p)))
        manifest["busybox_version"] = _version(debs[-1])
    with open(os.path.join(tmp, MANIFEST), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    os.replace(tmp, dest)
    # Only the extracted payload is needed later; the lists and debs are
    # hundreds of MiB and a complete entry never consults them again.
    shutil.rmtree(_apt_root(series, debarch), ignore_errors=True)
    try:
        os.rmdir(os.path.dirname(_apt_root(series, debarch)))
    except OSError:
        pass                    # another entry's lists are still there
    return manifest


def cached(series, debarch):
    """The manifest of a complete cache entry, or None."""
    path = os.path.join(entry_dir(series, debarch), MANIFEST)
    try:
        with open(path) as f:
            man = json.load(f)
    except (FileNotFoundError, ValueError):
        return None
    keys = ["kernel", "config"] + (["busybox"] if series ==
                                   busybox_series(debarch) else [])
    for key in keys:
        if key not in man or not os.path.isfile(
                os.path.join(entry_dir(series, debarch), man[key])):
            return None
    return man


def _ensure_entry(series, debarch, refresh):
    with BUILD_LOCK:
        man = None if refresh else cached(series, debarch)
        if man is None:
            try:
                man = _fetch_entry(series, debarch)
            except (HarnessError, OSError) as e:
                raise HarnessError(f"fetch of linux {series} for {debarch} "
                                   f"into {cache_dir()} failed: {e}")
    return man


def check_series(arch, series):
    if series not in SERIES:
        raise HarnessError(f"unknown kernel series '{series}' (one of "
                           f"{', '.join(SERIES)})")
    if series not in MATRIX[arch]:
        raise HarnessError(f"{arch} boots linux {' and '.join(MATRIX[arch])}"
                           f", not '{series}'")


def ensure(arch, series=None, refresh=False):
    """Paths of the kernel, its config and busybox for a guest arch and
    kernel series (default: the arch's oldest), downloading once."""
    series = series or MATRIX[arch][0]
    check_series(arch, series)
    debarch = DEBIAN_ARCH[arch]
    man = _ensure_entry(series, debarch, refresh)
    base = entry_dir(series, debarch)
    bbs = busybox_series(debarch)
    bb = man if series == bbs else _ensure_entry(bbs, debarch, False)
    return {
        "series": series,
        "kernel": os.path.join(base, man["kernel"]),
        "config": os.path.join(base, man["config"]),
        "busybox": os.path.join(entry_dir(bbs, debarch),
                                bb["busybox"]),
        "kernel_package": man["kernel_package"],
        "kernel_version": man["kernel_version"],
        "page_size": man["page_size"],
    }


def linux_version(arch, series=None):
    """'major.minor' of the cached kernel, e.g. '6.1' or '7.2'."""
    ver = ensure(arch, series)["kernel_version"]
    m = re.match(r"([0-9]+)\.([0-9]+)", ver)
    return f"{m.group(1)}.{m.group(2)}"


def matrix(arch, only=None):
    """The series an arch boots, restricted to `only` (a list) if given."""
    return [s for s in MATRIX[arch] if not only or s in only]


def main(argv):
    refresh = "--refresh" in argv
    arches = [a for a in argv if not a.startswith("-")] or list(DEBIAN_ARCH)
    for arch in arches:
        if arch not in DEBIAN_ARCH:
            raise HarnessError(f"unknown arch '{arch}' (one of "
                               f"{', '.join(DEBIAN_ARCH)})")
        for series in MATRIX[arch]:
            was = cached(series, DEBIAN_ARCH[arch])
            got = ensure(arch, series, refresh)
            state = "cached" if was and not refresh else "downloaded"
            print(f"{arch:9} {series:5} {state:10} {got['kernel_package']} "
                  f"{got['kernel_version']} ({got['page_size'] // 1024}K "
                  f"pages)  {got['kernel']}")
    return 0
