#!/usr/bin/env python3
"""Boot proof of examples/vmm: our KVM monitor, embedding memcarve, boots
real arm64 Linux guests on real KVM, nested.

L1 is the Debian arm64 kernel under QEMU TCG with virtualization on (EL2,
VHE, so its /dev/kvm works) and a GICv3. Its initrd holds the monitor
(build/arm64/vmm), the L2 kernel (the same Debian Image), an L2 initrd
and the host's reserved regions (sysfs reserved_regions format) with a
host MSI doorbell inside guest RAM, the seed's scenario. L1's init runs
the monitor once per case; the monitor carves, registers every slot with
KVM and boots L2, whose init writes its evidence through /dev/kmsg: the
kernel prints it on the monitor's polled 16550 (each character is two
MMIO exits, hence `quiet` and no dmesg dump), the monitor writes it to
L1's console, and each case's block is read back with the harness's own
parser and checked with the same comparator as every other boot.

Cases (each also: the slots the monitor registered equal
`memcarve slots` for the same inputs, and the guest's memory equals the
slots):
  carve     the doorbell is a hole: two slots, the guest's memory and its
            /proc/iomem System RAM are exactly the carved RAM, the hole
            is in neither (tree: memcarve patches the monitor's tree);
  overlay   one slot covers the doorbell, the guest has it as a no-map
            /reserved-memory child and a top-level "reserved" in
            /proc/iomem, not System RAM (tree: a memcarve fragment the
            monitor adds its nodes to);
  relocate  the hole's RAM comes back above the block: the guest's total
            RAM equals the configured size (tree: fragment merged);
  abort, bad-resv  the monitor refuses, exit 1, printing memcarve's
            diagnostic as the host tool words it.
Then the test of the test: the carve guest must fail the overlay map and
checks, and the overlay guest the carve ones.

Usage: python3 tests/guest/boot_vmm.py [-k NAME] [-v] [--vmm build/arm64/vmm]
Exit status 0 only if every case matched; 1 on any mismatch or failure.
"""

import argparse
import gzip
import json
import os
import re
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import guest  # noqa: E402
from boot_dt import fmt, join  # noqa: E402
from harness import initrd, parse  # noqa: E402

RAM_BASE, RAM_SIZE = 0x40000000, 256 << 20
# Host IOMMU group's reserved_regions: the SMMU's software MSI window
# (outside guest RAM) and an ITS doorbell page inside it.
HOST_RESV = ("0x0000000008000000 0x00000000080fffff msi\n"
             "0x0000000048000000 0x000000004800ffff msi\n")
DOORBELL = (0x48000000, 0x4800ffff)
# The monitor's map, as the map file the host tool reads (examples/vmm/vmm.h).
MAP = (f"arch arm64\nram {RAM_BASE:#x} {RAM_SIZE:#x} name=ram\n"
       "mmio 0x01000000 16M name=platform\n")

# A reserved_regions file the monitor must refuse, naming line and field.
BAD_RESV = ("0x0000000048000000 0x000000004800ffff msi\n"
            "0x0000000050000000 0x000000005000ffff bogus\n")

# name, policy, how the tree is made, resv file: a boot, or an error the
# monitor must print with memcarve's diagnostic (as the host tool words it).
CASES = [("carve", "carve", "patch", "host.resv"),
         ("overlay", "overlay", "merge", "host.resv"),
         ("relocate", "relocate", "merge", "host.resv"),
         ("abort", "abort", "patch", "host.resv"),
         ("bad-resv", "carve", "patch", "bad.resv")]
BOOTS = ("carve", "overlay", "relocate")

L1_MACHINE = ["-M", "virt,virtualization=on,gic-version=3",
              "-cpu", "max,pauth-impdef=on"]
L2_CMDLINE = ("console=ttyS0 quiet printk.time=0 printk.devkmsg=on panic=-1 "
              "nokaslr cma=0")

# L2's /init: the harness's evidence sections, written through /dev/kmsg
# at a level `quiet` still prints, one write per line. Each byte costs two
# MMIO exits (about half a millisecond nested under TCG), so only what the
# checks read: no memblock `reserved` (our reservations are checked in the
# guest's own /reserved-memory and /proc/iomem), no whole dmesg.
L2_INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
say() { while IFS= read -r l; do echo "<2>$1$l" > /dev/kmsg; done; }
dt=/sys/firmware/devicetree/base
hex() { hexdump -v -e '1/1 "%02x"' "$1"; }
echo "<2>@@MEMCARVE-GUEST-EVIDENCE-BEGIN@@" > /dev/kmsg
say MC:uptime: < /proc/uptime
say MC:cmdline: < /proc/cmdline
say MC:iomem: < /proc/iomem
say MC:memblock-memory: < /sys/kernel/debug/memblock/memory
for n in $dt/memory* $dt/reserved-memory/*; do
	[ -e "$n/reg" ] || continue
	flags=""
	for f in no-map reusable status; do [ -e "$n/$f" ] && flags="$flags $f"; done
	echo "${n#$dt}|$(hex $n/reg)|$flags"
done | say MC:dtreg:
for c in "#address-cells" "#size-cells"; do echo "$c|$(hex "$dt/$c")"; done | say MC:dtroot:
# The memory node ranges, and every line the harness's complaint check
# could match (its words, coarsely: parse.COMPLAINT decides).
dmesg | sed -n '/^Early memory node ranges/,/^Initmem setup/p' | say MC:dmesg:
dmesg | grep -v '^MC:' | grep -iE 'fail|error|invalid|ignor|overlap|bogus|broken|bad|truncat|not (supported|aligned)|unsupported|cannot|can.t|skip|warn|bug|oops|panic|cut here|call trace|too many' | say MC:dmesg:
say MC:uptime: < /proc/uptime
echo "<2>@@MEMCARVE-GUEST-EVIDENCE-END@@" > /dev/kmsg
poweroff -f
"""

CASE_BEGIN = "@@VMM-CASE-BEGIN {}@@"
CASE_END = re.compile(r"@@VMM-CASE-END (\S+) (\d+) ([\d.]+)s@@")


def l1_init(cases):
    """L1's /init: the monitor once per case, each between markers."""
    lines = ["#!/bin/busybox sh", "/bin/busybox --install -s /bin",
             "export PATH=/bin", "mount -t proc proc /proc",
             "mount -t sysfs sysfs /sys",
             "mount -t devtmpfs devtmpfs /dev", "dmesg -n 1",
             "[ -c /dev/kvm ] || { echo 'L1: no /dev/kvm'; dmesg | grep -i kvm; }",
             "up() { cut -d' ' -f1 /proc/uptime; }"]
    for name, policy, dt, resv in cases:
        argv = ["/vmm/vmm", "--kernel", "/vmm/Image", "--initrd", "/vmm/initrd",
                "--resv", f"/vmm/{resv}", "--policy", policy, "--dt", dt,
                "--ram-base", hex(RAM_BASE), "--ram-size", hex(RAM_SIZE),
                "--cmdline", L2_CMDLINE]
        lines += [f"echo '{CASE_BEGIN.format(name)}'", "t0=$(up)",
                  " ".join(shlex.quote(a) for a in argv) + " 2>&1",
                  "rc=$?",
                  f"echo \"@@VMM-CASE-END {name} $rc $(echo \"$(up) $t0\" | "
                  "awk '{printf \"%.1f\", $1 - $2}')s@@\""]
    # L1's own end marker: the harness counts the boot only with one.
    lines += [f"echo '{parse.BEGIN}'; echo '{parse.END}'", "poweroff -f", ""]
    return "\n".join(lines).encode()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def l1_cpio(vmm, cases, series):
    fetched = guest.fetch("arm64", series)
    busybox = read(fetched["busybox"])
    d, f, ln = initrd.S_IFDIR | 0o755, initrd.S_IFREG | 0o755, initrd.S_IFLNK
    l2 = initrd.cpio([("bin", d, b""), ("dev", d, b""), ("proc", d, b""),
                      ("sys", d, b""), ("bin/busybox", f, busybox),
                      ("bin/sh", ln | 0o777, b"busybox"),
                      ("dev/console", initrd.S_IFCHR | 0o600, b"", (5, 1)),
                      ("init", f, L2_INIT.encode())])
    return initrd.cpio([
        ("vmm", d, b""), ("vmm/vmm", f, read(vmm)),
        ("vmm/Image", f, read(fetched["kernel"])),
        ("vmm/initrd", f, gzip.compress(l2, compresslevel=6, mtime=0)),
        ("vmm/host.resv", f, HOST_RESV.encode()),
        ("vmm/bad.resv", f, BAD_RESV.encode()),
        ("vmm/init", f, l1_init(cases))])


def split_cases(console):
    """{name: (text, exit status, seconds)} from L1's console."""
    text = console.replace("\r", "")
    out = {}
    for m in CASE_END.finditer(text):
        begin = text.rfind(CASE_BEGIN.format(m.group(1)), 0, m.start())
        if begin >= 0:
            out[m.group(1)] = (text[begin:m.start()], int(m.group(2)),
                               float(m.group(3)))
    return out


def l2_view(text, seconds, log_path):
    lines = parse.evidence_lines(text)
    if lines is None:
        return None
    view = parse.GuestView(arch="arm64", mode="vmm", console=text,
                           exit_status=0, seconds=seconds, log_path=log_path)
    return parse.fill(view, parse.sections(lines))


SLOT = re.compile(r"^vmm: slot (\d+) guest (0x[0-9a-f]+|0) size (0x[0-9a-f]+) "
                  r"host \+(0x[0-9a-f]+|0)$", re.M)


def case_checks(name, text, view, tool_slots):
    """Problems, and rows of (what, ours, guest's) for the report."""
    if name not in BOOTS:
        raise guest.HarnessError(f"case_checks: no checks for {name!r}")
    slots = [tuple(int(x, 0) for x in m.groups()) for m in SLOT.finditer(text)]
    want = [(int(s["slot"]), int(s["guest"], 16), int(s["size"], 16),
             int(s["offset"], 16)) for s in tool_slots]
    slot_ranges = [(g, g + s - 1) for _, g, s, _ in slots]
    memory = join((r.start, r.end) for r in view.memory)
    ram = join((r.start, r.end) for d, r in view.iomem
               if d == 0 and r.label == "System RAM")
    top_reserved = [(r.start, r.end) for d, r in view.iomem
                    if d == 0 and r.label == "reserved"]
    rows = [("monitor's KVM slots", fmt(slot_ranges), "memcarve slots",
             fmt((g, g + s - 1) for _, g, s, _ in want)),
            ("slots", fmt(slot_ranges), "guest memblock memory", fmt(memory))]
    problems = []
    if slots != want:
        problems.append(f"monitor registered {slots}; memcarve slots {want}")
    if memory != join(slot_ranges):
        problems.append(f"guest memory {fmt(memory)}; slots {fmt(slot_ranges)}")
    total = sum(b - a + 1 for a, b in memory)
    hole_in = [r for r in memory + ram
               if r[0] <= DOORBELL[1] and DOORBELL[0] <= r[1]]
    if name in ("carve", "relocate"):
        rows.append(("slots", fmt(slot_ranges),
                     "/proc/iomem System RAM", fmt(ram)))
        if ram != join(slot_ranges):
            problems.append(f"/proc/iomem System RAM {fmt(ram)}; "
                            f"slots {fmt(slot_ranges)}")
        if hole_in:
            problems.append(f"hole {fmt([DOORBELL])} is guest RAM: "
                            f"{fmt(hole_in)}")
    if name == "overlay":
        node = f"/reserved-memory/msi@{DOORBELL[0]:x}"
        regs, flags = view.dt_regs.get(node, ([], []))
        rows.append(("doorbell, backed", fmt([DOORBELL]),
                     f"{node} + /proc/iomem top-level reserved",
                     f"{regs} {' '.join(flags)}; {fmt(top_reserved)}"))
        if regs != [(DOORBELL[0], DOORBELL[1] - DOORBELL[0] + 1)] or \
                "no-map" not in flags:
            problems.append(f"{node}: reg {regs} flags {flags}; want the "
                            "doorbell, no-map")
        if DOORBELL not in top_reserved:
            problems.append(f"doorbell not a top-level reserved in "
                            f"/proc/iomem: {fmt(top_reserved)}")
    if name == "relocate":
        rows.append(("configured RAM", hex(RAM_SIZE), "guest total RAM",
                     hex(total)))
        if total != RAM_SIZE:
            problems.append(f"guest total RAM {total:#x}; configured "
                            f"{RAM_SIZE:#x}")
    return problems, rows


def memcarve_tool(tool, policy, resv, map_path, *cmd):
    return guest.memcarve(tool, "--policy", policy, "--resv", resv, *cmd,
                          map_path)


def tool_error(tool, policy, resv, map_path):
    """The host tool's diagnostics for inputs it must refuse."""
    proc = subprocess.run([tool, "--policy", policy, "--resv", resv, "show",
                           map_path], cwd=TOP, capture_output=True, text=True)
    if proc.returncode != 1:
        raise guest.HarnessError(f"memcarve accepted {resv} with policy "
                                 f"{policy} (status {proc.returncode})")
    return proc.stderr.strip().splitlines()


def check_error(ns, name, policy, resv, text, status, files):
    """The monitor refused the inputs with memcarve's own diagnostic."""
    # The monitor adds MAP's ranges in code, in MAP's order after its arch
    # line: map line N is its mc_map_add() call N - 1, as memcarve names it.
    want = [re.sub(re.escape(files["map"]) + r":(\d+)",
                   lambda m: f"mc_map_add()#{int(m.group(1)) - 1}",
                   l.replace(files[resv], f"/vmm/{resv}"))
            for l in tool_error(ns.tool, policy, files[resv], files["map"])]
    got = re.findall(r"^vmm:   (.*)$", text, re.M)
    ok = status == 1 and got == want
    print(f"{'PASS' if ok else 'FAIL'} {name}: monitor exit {status}, "
          f"diagnostic {got}")
    if not ok:
        print(f"  want exit 1 and {want}")
    return ok


def check_boot(ns, label, name, policy, text, view, files):
    carved = json.loads(memcarve_tool(ns.tool, policy, files["host.resv"],
                                      files["map"], "show", "--json"))
    slots = json.loads(memcarve_tool(ns.tool, policy, files["host.resv"],
                                     files["map"], "slots", "--json"))
    result = guest.compare(view, carved, title=f"vmm {label}: L2 vs map")
    problems, rows = case_checks(name, text, view, slots["slots"])
    problems += [f"L2 complained: {l}" for l in parse.complaints(view)]
    ok = bool(result) and not problems
    print(f"{'PASS' if ok else 'FAIL'} {label}: {view.seconds:.1f} s in L1, "
          f"{len(result.checked) + len(rows)} checks")
    if ns.verbose or not ok:
        print(memcarve_tool(ns.tool, policy, files["host.resv"],
                            files["map"], "show").rstrip())
        for line in re.findall(r"^vmm: .*$", text, re.M):
            print(f"    {line}")
        for what, ours, gwhat, seen in rows:
            print(f"    {what:<22} {ours:<44} | {gwhat}: {seen}")
        for r in view.memblock_memory:
            print(f"    L2 memblock memory  {r}")
        for _, r in view.iomem:
            if r.label in ("System RAM", "reserved"):
                print(f"    L2 /proc/iomem      {r.start:#x}-{r.end:#x} "
                      f"{r.label}")
    if not result:
        print("  " + str(result).replace("\n", "\n  "))
    for line in problems:
        print(f"  {line}")
    return ok


def test_the_test(ns, series, found, files):
    """The carve guest checked against the overlay map and the overlay
    checks (and the other way round) must fail, or the checks see nothing."""
    failed = 0
    for seen, claimed in (("carve", "overlay"), ("overlay", "carve")):
        text, _, secs = found[seen]
        view = l2_view(text, secs, "")
        carved = json.loads(memcarve_tool(ns.tool, claimed, files["host.resv"],
                                          files["map"], "show", "--json"))
        slots = json.loads(memcarve_tool(ns.tool, claimed, files["host.resv"],
                                         files["map"], "slots", "--json"))
        wrong = guest.compare(view, carved)
        problems, _ = case_checks(claimed, text, view, slots["slots"])
        ok = not wrong and problems
        print(f"{'PASS' if ok else 'FAIL'} {series} test the test: the "
              f"{seen} guest fails the {claimed} map "
              f"(comparator {'fails' if not wrong else 'PASSES'}, "
              f"{len(problems)} problems)")
        failed += not ok
    return failed


def run_series(ns, series, cases, files):
    art = guest.Artifacts(mode="plain", kernel=series, memory="1G",
                          machine=L1_MACHINE, cmdline="rdinit=/vmm/init",
                          timeout=240, name="vmm-l1",
                          extra_cpio=l1_cpio(ns.vmm, cases, series))
    version = guest.fetch("arm64", series)["kernel_version"]
    t0 = time.monotonic()
    l1 = guest.boot("arm64", art)
    print(f"linux {series} ({version}): L1 ran {len(cases)} case(s) in "
          f"{time.monotonic() - t0:.1f} s, log {l1.log_path}")
    found = split_cases(l1.console)
    failed = 0
    for name, policy, dt, resv in cases:
        label = f"{series} {name} ({policy}, tree {dt})"
        if name not in found:
            print(f"FAIL {label}: no case block in the L1 log")
            failed += 1
            continue
        text, status, secs = found[name]
        if name not in BOOTS:
            failed += not check_error(ns, label, policy, resv, text, status,
                                      files)
            continue
        view = l2_view(text, secs, l1.log_path)
        if status != 0 or view is None:
            tail = "\n    ".join(text.strip().splitlines()[-15:])
            print(f"FAIL {label}: monitor exit {status}, "
                  f"{'no' if view is None else 'with'} evidence\n    {tail}")
            failed += 1
            continue
        failed += not check_boot(ns, label, name, policy, text, view, files)
    if "carve" in found and "overlay" in found:
        failed += test_the_test(ns, series, found, files)
    return failed


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("-k", help="only cases whose name contains this")
    p.add_argument("--kernel", action="append", choices=guest.MATRIX["arm64"],
                   help="kernel series for L1 and L2 (default: every "
                   "series the harness boots on arm64); repeatable")
    p.add_argument("--tool", default=os.path.join(TOP, "build", "memcarve"))
    p.add_argument("--vmm", default=os.path.join(TOP, "build", "arm64", "vmm"))
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print the monitor's map and slots beside the guest's")
    ns = p.parse_args(argv)
    cases = [c for c in CASES if not ns.k or ns.k in c[0]]
    if not cases:
        print(f"boot_vmm: no case matches {ns.k!r}")
        return 1
    if not os.path.isfile(ns.vmm):
        print(f"boot_vmm: {ns.vmm} missing: run `make vmm`")
        return 1
    workdir = os.environ.get("MEMCARVE_GUEST_BUILD",
                             os.path.join(TOP, "build", "guest"))
    os.makedirs(workdir, exist_ok=True)
    files = {}
    for key, text in (("map", MAP), ("host.resv", HOST_RESV),
                      ("bad.resv", BAD_RESV)):
        files[key] = os.path.join(workdir, f"vmm-{key}")
        with open(files[key], "w") as f:
            f.write(text)
    failed = total = 0
    for series in guest.matrix("arm64", ns.kernel):
        names = [c[0] for c in cases]
        total += len(cases) + 2 * ("carve" in names and "overlay" in names)
        try:
            failed += run_series(ns, series, cases, files)
        except guest.HarnessError as e:
            print(f"FAIL boot_vmm linux {series}: {e}")
            failed += len(cases)
    print(f"boot_vmm: {total - failed} of {total} checks passed (cases and "
          f"tests of the test)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
