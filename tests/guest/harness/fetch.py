"""Download guest kernels and static busybox from the Debian archive, once.

Each Debian architecture gets a private package list so the host's apt
state is never touched; a complete cache short-circuits before apt runs.
"""

import glob
import json
import os
import re
import shutil
import time

from .common import (BUILD_LOCK, DEBIAN_ARCH, HarnessError, cache_dir, log,
                     need_tool, run)

# Kernel flavour per Debian architecture (Malta is the board QEMU emulates).
FLAVOUR = {
    "amd64": "amd64",
    "arm64": "arm64",
    "ppc64el": "powerpc64le",
    "mips64el": "5kc-malta",
    "mipsel": "4kc-malta",
}

MANIFEST = "manifest.json"
UPDATE_TRIES = 2


def arch_dir(debarch):
    return os.path.join(cache_dir(), debarch)


def _apt_opts(debarch):
    root = cache_dir()
    return [
        f"-oAPT::Architecture={debarch}",
        f"-oAPT::Architectures={debarch}",
        f"-oDir::State::Lists={root}/lists-{debarch}",
        f"-oDir::Cache={root}/apt-{debarch}",
        # The host's dpkg status lists host-arch packages; it must not
        # influence (or be locked by) a foreign-arch download.
        "-oDir::State::status=/dev/null",
        "-oDebug::NoLocking=1",
        # The cache may sit in a home directory the _apt user cannot enter.
        "-oAPT::Sandbox::User=root",
        "-oAcquire::Retries=3",
    ]


def _apt_update(debarch):
    root = cache_dir()
    for sub in (f"lists-{debarch}/partial", f"apt-{debarch}/archives/partial"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    # A mirror mid-sync answers with a short index ("File has unexpected
    # size") and apt exits non-zero; that usually heals within seconds.
    for attempt in range(1, UPDATE_TRIES + 1):
        log(f"fetch: apt-get update for {debarch} (try {attempt})")
        try:
            run(["apt-get", "-q"] + _apt_opts(debarch) + ["update"])
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
    log(f"fetch: WARNING: {debarch}: these package indices failed, resolving "
        f"from the rest:\n  " + "\n  ".join(bad))


def newest_kernel(debarch):
    """Resolve N at download time: old ABIs vanish from the archive."""
    flavour = FLAVOUR[debarch]
    pattern = rf"^linux-image-6\.1\.0-[0-9]+-{re.escape(flavour)}$"
    out = run(["apt-cache"] + _apt_opts(debarch)
              + ["search", "--names-only", pattern]).decode()
    names = [line.split(" ", 1)[0] for line in out.splitlines() if line]
    abi = re.compile(rf"^linux-image-6\.1\.0-([0-9]+)-{re.escape(flavour)}$")
    found = sorted((int(abi.match(n).group(1)), n) for n in names
                   if abi.match(n))
    if not found:
        raise HarnessError(f"no linux-image-6.1.0-N-{flavour} in the "
                           f"{debarch} package list")
    return found[-1][1]


def _download(debarch, pkg, into):
    os.makedirs(into, exist_ok=True)
    log(f"fetch: downloading {pkg} ({debarch})")
    run(["apt-get", "-q"] + _apt_opts(debarch) + ["download", pkg], cwd=into)
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
    run(["tar", "-x", "-C", into, "--wildcards"] + members, input=tar)


def _version(deb):
    return run(["dpkg-deb", "-f", deb, "Version"]).decode().strip()


def _fetch_arch(debarch):
    dest = arch_dir(debarch)
    work = os.path.join(cache_dir(), f"debs-{debarch}")
    _apt_update(debarch)
    kpkg = newest_kernel(debarch)
    kdeb = _download(debarch, kpkg, work)
    bdeb = _download(debarch, "busybox-static", work)
    tmp = dest + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    _extract(kdeb, ["./boot/vmlinu*", "./boot/config-*"], tmp)
    _extract(bdeb, ["./bin/busybox"], tmp)
    kernels = glob.glob(os.path.join(tmp, "boot", "vmlinu*"))
    if len(kernels) != 1:
        raise HarnessError(f"{kpkg}: expected one kernel in ./boot, got {kernels}")
    manifest = {
        "kernel_package": kpkg, "kernel_version": _version(kdeb),
        "busybox_version": _version(bdeb),
        "kernel": os.path.relpath(kernels[0], tmp),
        "busybox": "bin/busybox",
    }
    with open(os.path.join(tmp, MANIFEST), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    # Only the extracted payload is needed later; the lists and debs are
    # hundreds of MiB and a complete cache never consults them again.
    for sub in (work, f"lists-{debarch}", f"apt-{debarch}"):
        shutil.rmtree(os.path.join(cache_dir(), sub), ignore_errors=True)
    return manifest


def cached(debarch):
    """The manifest of a complete cache entry, or None."""
    path = os.path.join(arch_dir(debarch), MANIFEST)
    try:
        with open(path) as f:
            man = json.load(f)
    except (FileNotFoundError, ValueError):
        return None
    for key in ("kernel", "busybox"):
        if not os.path.isfile(os.path.join(arch_dir(debarch), man[key])):
            return None
    return man


def ensure(arch, refresh=False):
    """Paths of the kernel and busybox for a guest arch, downloading once."""
    debarch = DEBIAN_ARCH[arch]
    with BUILD_LOCK:
        man = None if refresh else cached(debarch)
        if man is None:
            try:
                man = _fetch_arch(debarch)
            except (HarnessError, OSError) as e:
                raise HarnessError(f"fetch for {arch} ({debarch}) into "
                                   f"{cache_dir()} failed: {e}")
    base = arch_dir(debarch)
    return {
        "kernel": os.path.join(base, man["kernel"]),
        "busybox": os.path.join(base, man["busybox"]),
        "config": _config(base),
        "kernel_package": man["kernel_package"],
        "kernel_version": man["kernel_version"],
    }


def _config(base):
    found = glob.glob(os.path.join(base, "boot", "config-*"))
    return found[0] if found else None


def main(argv):
    refresh = "--refresh" in argv
    arches = [a for a in argv if not a.startswith("-")] or list(DEBIAN_ARCH)
    for arch in arches:
        if arch not in DEBIAN_ARCH:
            raise HarnessError(f"unknown arch '{arch}' (one of "
                               f"{', '.join(DEBIAN_ARCH)})")
        was = cached(DEBIAN_ARCH[arch])
        got = ensure(arch, refresh)
        state = "cached" if was and not refresh else "downloaded"
        print(f"{arch:9} {state:10} {got['kernel_package']} "
              f"{got['kernel_version']}  {got['kernel']}")
    return 0
