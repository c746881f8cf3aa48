#!/usr/bin/env python3
"""Boot proof of examples/vmm_flow.rs: the DTB it patches into QEMU's own
arm64 virt tree boots a real arm64 guest, which sees exactly the carved
map (the harness comparator of tests/guest: memory blocks exactly, every
reservation inside a guest reservation, holes not memory).

Usage: python3 bindings/rust/boot_vmm_flow.py [--kernel SERIES]
Runs the example with Debian's cargo (/usr/bin/cargo); exit status 0 only
if the guest matched.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "guest"))

import guest  # noqa: E402

MEMORY = "1G"


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kernel", default="6.1", choices=list(guest.SERIES))
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    ns = p.parse_args(argv)
    workdir = os.path.join(TOP, "build", "guest")
    os.makedirs(workdir, exist_ok=True)
    art = guest.Artifacts(mode="stub", memory=MEMORY, name="rust-vmm-flow",
                          kernel=ns.kernel)
    base = guest.base_dtb("arm64", art)
    dtb = os.path.join(workdir, f"rust-vmm-flow-{ns.kernel}.dtb")
    env = dict(os.environ, RUSTC="/usr/bin/rustc", RUSTDOC="/usr/bin/rustdoc",
               MEMCARVE_NO_PKG_CONFIG="1")
    subprocess.run(["/usr/bin/cargo", "run", "--offline", "-q", "--example",
                    "vmm_flow", "--",
                    os.path.join(HERE, "memcarve/examples/reserved_regions"),
                    base, dtb, str(1 << 30)], cwd=HERE, env=env, check=True)
    carved = json.loads(guest.memcarve(ns.tool, "show", "--json",
                                       dtb + ".map"))
    art.dtb = dtb
    t0 = time.monotonic()
    view = guest.boot("arm64", art)
    secs = time.monotonic() - t0
    result = guest.compare(view, carved, title="vmm_flow guest vs map")
    print(f"{'PASS' if result else 'FAIL'} vmm_flow [linux {ns.kernel}]: "
          f"{secs:.1f} s, {len(result.checked)} checks, log {view.log_path}")
    if not result:
        print("  " + str(result).replace("\n", "\n  "))
    return 0 if result else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
