#!/usr/bin/env python3
"""Debian's device trees, downloaded once into the guest cache.

For each (suite, arch) the newest linux-image-6.1.0-N-FLAVOUR package is
resolved from a private apt configuration (its own sources list, package
lists and cache under the guest cache: the host's apt sources and state
are never read or touched), downloaded, and only its .dtb files are
unpacked into dtbs-SUITE-ARCH/. A complete directory (with its manifest)
short-circuits before apt runs.

Usage: fetch.py [--refresh]   prints the directories, one a line
"""

import glob
import json
import os
import re
import shutil
import subprocess
import sys

# The guest cache is the harness's: one place says where it is.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "guest"))
from harness.common import cache_dir  # noqa: E402

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
SECURITY = "http://deb.debian.org/debian-security"
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
# Debian architecture -> kernel flavour whose package ships the DTBs.
FLAVOUR = {"arm64": "arm64", "armhf": "armmp"}
MANIFEST = "manifest.json"


def run(argv, **kw):
    try:
        return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, **kw).stdout
    except FileNotFoundError:
        sys.exit(f"dt-corpus fetch: {argv[0]} is not installed")
    except subprocess.CalledProcessError as e:
        sys.exit(f"dt-corpus fetch: {' '.join(argv)} failed:\n"
                 f"{e.stderr.decode(errors='replace')}")


def apt_opts(work, arch):
    return [
        f"-oAPT::Architecture={arch}", f"-oAPT::Architectures={arch}",
        f"-oDir::Etc::SourceList={work}/sources.list",
        "-oDir::Etc::SourceParts=/dev/null",
        f"-oDir::State::Lists={work}/lists",
        f"-oDir::Cache={work}/cache",
        "-oDir::State::status=/dev/null",
        "-oDebug::NoLocking=1",
        "-oAPT::Sandbox::User=root",
        "-oAcquire::Retries=3",
    ]


def private_apt(work, arch):
    for sub in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    with open(os.path.join(work, "sources.list"), "w") as f:
        f.write(f"deb [signed-by={KEYRING}] {MIRROR} {SUITE} main\n"
                f"deb [signed-by={KEYRING}] {MIRROR} {SUITE}-updates main\n"
                f"deb [signed-by={KEYRING}] {SECURITY} {SUITE}-security main\n")
    run(["apt-get", "-q"] + apt_opts(work, arch) + ["update"])


def newest_kernel(work, arch):
    flavour = FLAVOUR[arch]
    abi = re.compile(rf"^linux-image-6\.1\.0-([0-9]+)-{flavour}$")
    out = run(["apt-cache"] + apt_opts(work, arch) +
              ["search", "--names-only", abi.pattern]).decode()
    found = sorted((int(abi.match(n).group(1)), n)
                   for n in (l.split(" ", 1)[0] for l in out.splitlines())
                   if abi.match(n))
    if not found:
        sys.exit(f"dt-corpus fetch: no linux-image-6.1.0-N-{flavour} "
                 f"for {arch}")
    return found[-1][1]


def fetch(arch):
    dest = os.path.join(cache_dir(), f"dtbs-{SUITE}-{arch}")
    work = dest + ".work"
    private_apt(work, arch)
    pkg = newest_kernel(work, arch)
    run(["apt-get", "-q"] + apt_opts(work, arch) + ["download", pkg],
        cwd=work)
    debs = glob.glob(os.path.join(work, f"{pkg}_*.deb"))
    if len(debs) != 1:
        sys.exit(f"dt-corpus fetch: download of {pkg} left {debs}")
    tmp = dest + ".new"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    tar = run(["dpkg-deb", "--fsys-tarfile", debs[0]])
    run(["tar", "-x", "-C", tmp, "--wildcards", "*.dtb"], input=tar)
    n = len(glob.glob(os.path.join(tmp, "**", "*.dtb"), recursive=True))
    version = run(["dpkg-deb", "-f", debs[0], "Version"]).decode().strip()
    with open(os.path.join(tmp, MANIFEST), "w") as f:
        json.dump({"package": pkg, "version": version, "dtbs": n}, f,
                  indent=1, sort_keys=True)
    shutil.rmtree(dest, ignore_errors=True)
    os.replace(tmp, dest)
    shutil.rmtree(work, ignore_errors=True)
    return dest


def cached(arch):
    dest = os.path.join(cache_dir(), f"dtbs-{SUITE}-{arch}")
    try:
        with open(os.path.join(dest, MANIFEST)) as f:
            json.load(f)
        return dest
    except (FileNotFoundError, ValueError):
        return None


def main_dirs(refresh=False):
    """The DTB directories, downloaded first if not complete."""
    return [(None if refresh else cached(arch)) or fetch(arch)
            for arch in FLAVOUR]


def main(argv):
    for d in main_dirs("--refresh" in argv):
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
