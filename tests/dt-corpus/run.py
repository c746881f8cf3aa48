#!/usr/bin/env python3
"""memcarve dt --base on every device tree Debian ships, and QEMU's own.

Each tree is patched with a map made from its own memory nodes plus an msi
hole, a direct range and a reusable pool, all clear of the tree's
reservations. Each output must:

  - parse in dtc with no warning the base did not have;
  - keep every other node at its path, with its properties in order
    (existing /reserved-memory children included), every phandle, and the
    base's /memreserve/ entries first;
  - describe exactly the memory "memcarve show" gives for the map;
  - read back through "memcarve inspect": the same memory and our three
    reservations.

Every tree as shipped also goes through "memcarve check": exit 0 or 1
(findings, counted by code), never another status or a crash. QEMU's
trees are checked again with a host MSI window in their RAM
(reported at its range) and one above it (not reported).

A tree memcarve refuses must be listed, with the reason, in refusals.txt
(and in the README); any other refusal fails the run. The fresh tree is
also put through Debian's dt-validate (dt-schema).

Usage: run.py MEMCARVE [-j N] [-v]
"""

import fnmatch
import functools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fdt  # noqa: E402
import fetch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MiB = 1 << 20

# QEMU machines whose trees are dumped at test time: name, binary, args.
NUMA2 = ["-smp", "2", "-m", "2G",
         "-object", "memory-backend-ram,id=m0,size=1G",
         "-object", "memory-backend-ram,id=m1,size=1G",
         "-numa", "node,memdev=m0,cpus=0,nodeid=0",
         "-numa", "node,memdev=m1,cpus=1,nodeid=1"]
QEMU = [
    ("virt", "aarch64", "virt", ["-m", "1G"]),
    ("virt-gic3-smmuv3", "aarch64", "virt,gic-version=3,iommu=smmuv3",
     ["-cpu", "max", "-m", "1G"]),
    ("virt-numa", "aarch64", "virt", ["-cpu", "max"] + NUMA2),
    ("virt-secure", "aarch64", "virt,secure=on", ["-cpu", "max", "-m", "1G"]),
    ("virt-highmem-off", "aarch64", "virt,highmem=off", ["-m", "1G"]),
    ("sbsa-ref", "aarch64", "sbsa-ref", ["-m", "1G"]),
    ("pseries", "ppc64", "pseries", ["-m", "2G"]),
    ("pseries-numa", "ppc64", "pseries", NUMA2),
    ("riscv64-virt", "riscv64", "virt", ["-m", "1G"]),
    ("riscv64-virt-numa", "riscv64", "virt", NUMA2),
]


# The map's arch per QEMU binary (arm64 for the rest).
ARCH_OF = {"ppc64": "ppc64", "riscv64": "riscv64"}


def sh(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          **kw)


def need(tool):
    if not shutil.which(tool):
        sys.exit(f"dt-corpus: {tool} is not installed "
                 f"(scripts/deps installs it)")


def qemu_trees(into):
    trees = []
    for name, arch, machine, args in QEMU:
        binary = f"qemu-system-{arch}"
        need(binary)
        out = os.path.join(into, f"qemu-{name}.dtb")
        r = sh([binary, "-M", f"{machine},dumpdtb={out}", "-display",
                "none"] + args, timeout=60)
        if not os.path.isfile(out):
            sys.exit(f"dt-corpus: {binary} -M {machine} dumped no tree:\n"
                     f"{r.stderr.decode(errors='replace')}")
        trees.append((f"qemu/{name}", out, ARCH_OF.get(arch, "arm64")))
    return trees


def debian_trees():
    trees = []
    for d in fetch.main_dirs():
        arch = d.rsplit("-", 1)[1]
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(".dtb"):
                    path = os.path.join(root, f)
                    trees.append((f"{arch}/{os.path.relpath(path, d)}", path,
                                  "arm64"))
    trees.sort()
    return trees


# ---- the map --------------------------------------------------------------

def merge(ranges):
    """Sorted [first, last] runs, joined where they overlap or touch."""
    out = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], last)
        else:
            out.append([first, last])
    return [tuple(r) for r in out]


def memory_of(tree, ac, sc, arch):
    mem, addrs = [], []
    for p in tree.children("/"):
        if fdt.replaced(tree, p):
            for a, s in tree.regs(p, ac, sc):
                if s and a + s <= 1 << 64:
                    mem.append((a, a + s - 1))
                addrs.append(a)
            if "@" in p:
                try:
                    addrs.append(int(p.split("@", 1)[1], 16))
                except ValueError:
                    pass
    if mem:
        return merge(mem)
    # Sizes left to the bootloader (reg = <ADDR 0>): 256 MiB at its unit
    # address, else where the reservations are (RAM holds them), else at
    # 2 GiB (0 on ppc64).
    taken = reservations(tree, ac, sc)
    if any(addrs) or not taken:
        base = ([a for a in addrs if a] or
                [0 if arch == "ppc64" else 0x80000000])[0]
        return [(base, base + 256 * MiB - 1)]
    base = min(f for f, _ in taken) & ~(256 * MiB - 1)
    last = max(l for _, l in taken) | (256 * MiB - 1)
    return [(base, last)]


def reservations(tree, ac, sc):
    taken = [(a, a + s - 1) for a, s in tree.memreserve if s]
    resv = fdt.resv_node(tree)
    for child in tree.children(resv) if resv else []:
        taken += [(a, a + s - 1) for a, s in tree.regs(child, ac, sc) if s]
    return taken


def find_room(mem, taken, size, align):
    for first, last in mem:
        # past the start: ppc64 needs RAM at 0, firmware sits low
        first += 16 * MiB if last - first >= 64 * MiB else 0
        at = (first + align - 1) // align * align
        while at + size - 1 <= last:
            hit = [t for t in taken if t[0] <= at + size - 1 and at <= t[1]]
            if not hit:
                taken.append((at, at + size - 1))
                return at
            at = (max(t[1] for t in hit) + align) // align * align
    return None


def numa_of(memcarve, base_path, mem):
    """The base's RAM node by node, as `memcarve inspect` reads the NUMA
    nodes Linux takes from it, when those ranges are exactly the memory
    the map gets (no untyped memory@ nodes, no overlaps); else None."""
    r = sh([memcarve, "inspect", base_path])
    ranges = []
    for line in r.stdout.decode(errors="replace").splitlines():
        w = line.split("#", 1)[0].split()
        nodes = [int(x[5:]) for x in w if x.startswith("node=")]
        if len(w) >= 3 and w[0] == "ram" and nodes:
            first, size = int(w[1], 16), int(w[2], 16)
            ranges.append((first, first + size - 1, nodes[0]))
    ranges.sort()
    if (r.returncode or not ranges or
            any(a[1] >= b[0] for a, b in zip(ranges, ranges[1:])) or
            merge([(f, l) for f, l, _ in ranges]) != mem):
        return None
    return ranges


def make_map(tree, arch, numa=None):
    ac = tree.cells("#address-cells", 2)
    sc = tree.cells("#size-cells", 1)
    ac, sc = min(max(ac, 1), 2), min(max(sc, 1), 2)
    mem = memory_of(tree, ac, sc, arch)
    top = (1 << (32 * ac)) - 1
    mem = [(f, min(l, top)) for f, l in mem if f <= top]
    taken = reservations(tree, ac, sc)
    lines = [f"arch {arch}", "policy carve"]
    if numa:    # NUMA: the base's nodes, each range on its own line
        lines += [f"ram 0x{f:x} 0x{min(l, top) - f + 1:x} node={n}"
                  for f, l, n in numa if f <= top]
    else:
        lines += [f"ram 0x{f:x} 0x{l - f + 1:x}" for f, l in mem]
    ours = []
    # The msi range is carved: whole granules, so that what the guest is
    # told equals what was asked (ppc64 carves in 16 MiB, core/ram_total.c).
    hole = 16 * MiB if arch == "ppc64" else 64 << 10
    for name, size, align, extra in (
            ("corpus-msi", hole, hole, "type=msi"),
            ("corpus-direct", 64 << 10, 64 << 10,
             "type=direct policy=overlay"),
            ("corpus-pool", 4 * MiB, 2 * MiB, "policy=overlay reusable")):
        at = find_room(mem, taken, size, align)
        if at is not None:
            lines.append(f"reserved 0x{at:x} 0x{size:x} {extra} name={name}")
            ours.append((name, at, size))
    return "\n".join(lines) + "\n", ours


# ---- the checks -------------------------------------------------------------

def dtc_warnings(path):
    r = sh(["dtc", "-I", "dtb", "-O", "dtb", "-o", "/dev/null", path])
    if r.returncode:
        return None, r.stderr.decode(errors="replace")
    return set(l for l in r.stderr.decode(errors="replace").splitlines()
               if l.strip()), ""


# Both layouts of a tree run in one worker: the base's warnings and the
# map's "show" are worked out once.
base_warnings = functools.lru_cache(maxsize=4)(dtc_warnings)


@functools.lru_cache(maxsize=4)
def show_json(memcarve, map_path, map_text):
    return json.loads(sh([memcarve, "show", map_path, "--json"]).stdout)


def kept_nodes(tree, ours_resv):
    """Nodes other than the memory ones memcarve replaces or writes."""
    gone = [p for p in tree.children("/") if fdt.replaced(tree, p)]
    out = []
    for path, props in tree.nodes:
        if any(path == g or path.startswith(g + "/") for g in gone):
            continue
        if path.rsplit("/", 1)[-1].split("@")[0] in ours_resv:
            continue
        out.append((path, props))
    return out


def phandles(tree):
    return sorted(v for _, props in tree.nodes for n, v in props
                  if n in ("phandle", "linux,phandle"))


def memory_written(tree):
    ac = tree.cells("#address-cells", 2)
    sc = tree.cells("#size-cells", 1)
    runs = []
    for p in tree.children("/"):
        if fdt.is_memory(tree, p):
            runs += [(a, a + s - 1) for a, s in tree.regs(p, ac, sc) if s]
    return merge(runs)


def memory_shown(show):
    runs = [(int(r["start"], 16), int(r["end"], 16)) for r in show["regions"]
            if r["kind"] == "ram" or r.get("backed")]
    return merge(runs)


def inspected(text):
    ram, resv = [], set()
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 3 or words[0] not in ("ram", "reserved"):
            continue
        first, size = int(words[1], 16), int(words[2], 16)
        if words[0] == "ram":
            ram.append((first, first + size - 1))
        names = [w[5:] for w in words if w.startswith("name=")]
        if words[0] == "reserved" and names:
            resv.add((names[0], first, size))
    return merge(ram), resv


def check(name, base_path, arch, memcarve, work):
    """(status, detail): ok, refused (the message) or FAIL (what broke),
    for each memory node layout, then the iommu-addresses binding."""
    numa = base_numa(base_path, arch, memcarve)
    for layout in ("per-block", "one"):
        status, detail = check_layout(name, base_path, arch, memcarve, work,
                                      layout, numa)
        if status != "ok":
            return status, f"--memory-nodes {layout}: {detail}"
    with open(base_path, "rb") as f:
        counts = kept_counts(fdt.Tree(f.read()))
    counts["NUMA maps (node=) patched"] = int(numa is not None)
    bound, detail = check_binding(name, base_path, arch, memcarve, work)
    if bound == "FAIL":
        return "FAIL", f"iommu-addresses: {detail}"
    if bound == "refused":    # why: what follows the device, less the hint
        why = re.sub(r"^.*?device [0-9a-f:.]+: ", "", detail)
        bound = "refused (" + why.split(" (set opts.no_iommu")[0] + ")"
    if bound:
        counts[f"iommu-addresses {bound}"] = 1
    bound, detail = check_path_binding(name, base_path, arch, memcarve, work)
    if bound == "FAIL":
        return "FAIL", f"iommu-addresses by path: {detail}"
    if bound == "refused":
        why = re.sub(r"^.*?device /[^:]*: ", "", detail)
        bound = "refused (" + why.split(" (set opts.no_iommu")[0] + ")"
    if bound:
        counts[f"iommu-addresses by path {bound}"] = 1
    return "ok", counts


# ---- the iommu-addresses binding ---------------------------------------------

def iommu_bridge(tree):
    """The first PCI host bridge with an iommu-map, or None."""
    for path, props in tree.nodes:
        p = dict(props)
        parent = path.rsplit("/", 1)[0] or "/"
        if (fdt.string(p.get("device_type")) == "pci" and "iommu-map" in p
                and fdt.string(tree.prop(parent, "device_type")) != "pci"):
            return path
    return None


def u32s(v):
    return [int.from_bytes(v[i:i + 4], "big") for i in range(0, len(v), 4)]


def check_binding(name, base_path, arch, memcarve, work):
    """A tree whose host bridge has an iommu-map: its corpus-direct range
    also names the first function of the bridge's root bus that the map
    covers (function 0 if none). Returns (None, None)
    for a tree without one, ("bound"|"refused", detail) or ("FAIL", what
    broke): the child's iommu-addresses name a node under the bridge with
    that devfn, equal to its reg; the node lists the child in its
    memory-region; phandles stay unique; inspect reads devices= back."""
    with open(base_path, "rb") as f:
        base = fdt.Tree(f.read())
    bridge = iommu_bridge(base)
    map_text, ours = make_map(base, arch)
    if bridge is None or "name=corpus-direct" not in map_text:
        return None, None
    dom = base.prop(bridge, "linux,pci-domain")
    rng = base.prop(bridge, "bus-range")
    seg = u32s(dom)[0] if dom and len(dom) == 4 else 0
    bus = u32s(rng)[0] if rng and len(rng) == 8 else 0
    # the first root-bus requester ID the iommu-map covers, else devfn 0
    devfn = 0
    imap = u32s(base.prop(bridge, "iommu-map"))
    for at in range(0, len(imap) - 3, 4):
        lo, hi = max(imap[at], bus << 8), imap[at] + imap[at + 3] - 1
        if lo <= min(hi, bus << 8 | 0xff):
            devfn = lo & 0xff
            break
    dev = f"{seg:04x}:{bus:02x}:{devfn >> 3:02x}.{devfn & 7}"
    map_text = map_text.replace("name=corpus-direct",
                                f"name=corpus-direct devices={dev}")
    tag = re.sub(r"[^A-Za-z0-9.-]", "_", name) + ".iommu"
    map_path = os.path.join(work, tag + ".map")
    out_path = os.path.join(work, tag + ".out.dtb")
    with open(map_path, "w") as f:
        f.write(map_text)
    try:
        r = sh([memcarve, "dt", map_path, "--base", base_path, "-o",
                out_path])
        msg = r.stderr.decode(errors="replace").strip()
        if r.returncode == 1 and "set opts.no_iommu_addresses" in msg:
            return "refused", msg
        if r.returncode:
            return "FAIL", f"exit {r.returncode}: {msg}"
        with open(out_path, "rb") as f:
            out = fdt.Tree(f.read())
        bad = verify_binding(base, base_path, out, out_path, bridge, bus,
                             dev, memcarve)
        return ("FAIL", bad) if bad else ("bound", None)
    finally:
        for p in (map_path, out_path):
            if os.path.exists(p):
                os.unlink(p)


def verify_binding(base, base_path, out, out_path, bridge, bus, dev,
                   memcarve):
    before, _ = base_warnings(base_path)
    after, err = dtc_warnings(out_path)
    if after is None:
        return f"dtc refuses the output: {err}"
    if before is not None and after - before:
        return f"new dtc warnings: {sorted(after - before)}"
    ph = phandles(out)
    if len(ph) != len(set(ph)) or not set(phandles(base)) <= set(ph):
        return "phandles not unique, or the base's lost"
    by_ph = {int.from_bytes(v, "big"): path for path, props in out.nodes
             for n, v in props if n == "phandle"}
    resv = fdt.resv_node(out)
    child = [c for c in out.children(resv)
             if c.rsplit("/", 1)[-1].startswith("corpus-direct@")]
    if len(child) != 1:
        return f"no corpus-direct child: {child}"
    cp = dict(out.by_path[child[0]])
    io = u32s(cp.get("iommu-addresses", b""))
    reg = u32s(cp["reg"])
    if len(io) != 6 or "phandle" not in cp:
        return f"{child[0]}: iommu-addresses {io}, no phandle?"
    node = by_ph.get(io[0], "")
    nreg = u32s(out.prop(node, "reg") or b"")
    region = u32s(out.prop(node, "memory-region") or b"")
    devfn = int(dev[8:10], 16) << 3 | int(dev[11])
    if (node.rsplit("/", 1)[0] != bridge or len(nreg) < 5 or
            (nreg[0] >> 8) & 0xff != devfn or (nreg[0] >> 16) & 0xff != bus):
        return f"iommu-addresses names {node!r}, not {dev} under {bridge}"
    if int.from_bytes(cp["phandle"], "big") not in region:
        return f"{node}: memory-region {region} lacks {child[0]}"
    addr = (io[2] << 32) | io[3]
    size = (io[4] << 32) | io[5]
    first = reg[0] if len(reg) == 2 else (reg[0] << 32) | reg[1]
    length = reg[-1] if len(reg) == 2 else (reg[2] << 32) | reg[3]
    if (addr, size) != (first, length):
        return f"iommu-addresses {addr:#x}+{size:#x} is not reg"
    r = sh([memcarve, "inspect", out_path])
    if f"devices={dev}" not in r.stdout.decode(errors="replace"):
        return "inspect does not read devices= back"
    return None


def iommus_node(tree):
    """The first available node with iommus outside a PCI bus (a platform
    device to Linux), or None."""
    for path, props in tree.nodes:
        parent = path.rsplit("/", 1)[0] or "/"
        if (path != "/" and "iommus" in dict(props)
                and fdt.available(tree, path)
                and fdt.string(tree.prop(parent, "device_type")) != "pci"):
            return path
    return None


def check_path_binding(name, base_path, arch, memcarve, work):
    """A tree with a platform device behind an IOMMU (iommus): its
    corpus-direct range names that node by path (devices=/...). Returns
    (None, None) for a tree without one, ("bound"|"refused", detail) or
    ("FAIL", what broke): the child's iommu-addresses hold one entry, the
    node's phandle, an address and the child's size in the cells of the
    node's parent (the child's own address when no dma-ranges lies above
    the node); the node lists the child in its memory-region after what
    it had; phandles stay unique; inspect reads the path back."""
    with open(base_path, "rb") as f:
        base = fdt.Tree(f.read())
    node = iommus_node(base)
    map_text, ours = make_map(base, arch)
    if node is None or "name=corpus-direct" not in map_text:
        return None, None
    map_text = map_text.replace("name=corpus-direct",
                                f"name=corpus-direct devices={node}")
    tag = re.sub(r"[^A-Za-z0-9.-]", "_", name) + ".path"
    map_path = os.path.join(work, tag + ".map")
    out_path = os.path.join(work, tag + ".out.dtb")
    with open(map_path, "w") as f:
        f.write(map_text)
    try:
        r = sh([memcarve, "dt", map_path, "--base", base_path, "-o",
                out_path])
        msg = r.stderr.decode(errors="replace").strip()
        if r.returncode == 1 and "set opts.no_iommu_addresses" in msg:
            return "refused", msg
        if r.returncode == 1 and "devices=:" in msg:
            return "refused", "device /: " + msg.split("devices=: ")[-1]
        if r.returncode:
            return "FAIL", f"exit {r.returncode}: {msg}"
        with open(out_path, "rb") as f:
            out = fdt.Tree(f.read())
        bad = verify_path_binding(base, out, out_path, node, memcarve)
        return ("FAIL", bad) if bad else ("bound", None)
    finally:
        for p in (map_path, out_path):
            if os.path.exists(p):
                os.unlink(p)


def number(cells):
    v = 0
    for c in cells:
        v = v << 32 | c
    return v


def verify_path_binding(base, out, out_path, node, memcarve):
    ph = phandles(out)
    if len(ph) != len(set(ph)) or not set(phandles(base)) <= set(ph):
        return "phandles not unique, or the base's lost"
    resv = fdt.resv_node(out)
    child = [c for c in out.children(resv)
             if c.rsplit("/", 1)[-1].startswith("corpus-direct@")]
    if len(child) != 1:
        return f"no corpus-direct child: {child}"
    cp = dict(out.by_path[child[0]])
    io = u32s(cp.get("iommu-addresses", b""))
    reg = u32s(cp["reg"])
    parent = node.rsplit("/", 1)[0] or "/"
    ac = u32s(out.prop(parent, "#address-cells"))[0]
    sc = u32s(out.prop(parent, "#size-cells"))[0]
    nph = u32s(out.prop(node, "phandle") or b"")
    if len(io) != 1 + ac + sc or not nph or io[0] != nph[0]:
        return f"{child[0]}: iommu-addresses {io}, not one entry of {node}"
    half = len(reg) // 2
    first, length = number(reg[:half]), number(reg[half:])
    if number(io[1 + ac:]) != length:
        return f"iommu-addresses size {number(io[1 + ac:]):#x} is not reg's"
    above = [node.rsplit("/", k)[0] or "/" for k in
             range(1, node.count("/") + 1)]
    if (not any(out.prop(a, "dma-ranges") for a in above)
            and number(io[1:1 + ac]) != first):
        return f"iommu-addresses {number(io[1:1 + ac]):#x} is not reg"
    old = base.prop(node, "memory-region") or b""
    region = out.prop(node, "memory-region") or b""
    if (not region.startswith(old) or
            int.from_bytes(cp["phandle"], "big") not in u32s(region)):
        return f"{node}: memory-region {u32s(region)} lacks {child[0]}"
    r = sh([memcarve, "inspect", out_path])
    if f"{node}\n" not in r.stdout.decode(errors="replace") and \
            f"{node}," not in r.stdout.decode(errors="replace"):
        return "inspect does not read the path back"
    return None


def kept_counts(tree):
    """What an accepted tree had that its outputs were checked to keep."""
    resv = fdt.resv_node(tree)
    root = tree.children("/")
    return {
        "reserved-memory children": len(tree.children(resv)) if resv else 0,
        "phandles": len(phandles(tree)),
        "/memreserve/ entries": len(tree.memreserve),
        "untyped memory@ nodes replaced": sum(
            1 for p in root if fdt.replaced(tree, p) and
            not fdt.is_memory(tree, p)),
        "disabled memory nodes kept": sum(
            1 for p in root if fdt.string(tree.prop(p, "device_type")) ==
            "memory" and not fdt.available(tree, p)),
        "trees with __symbols__": int("/__symbols__" in tree.by_path),
    }


def base_numa(base_path, arch, memcarve):
    """numa_of() for the tree at @base_path (None: not NUMA)."""
    with open(base_path, "rb") as f:
        base = fdt.Tree(f.read())
    ac = min(max(base.cells("#address-cells", 2), 1), 2)
    sc = min(max(base.cells("#size-cells", 1), 1), 2)
    return numa_of(memcarve, base_path, memory_of(base, ac, sc, arch))


def check_layout(name, base_path, arch, memcarve, work, layout, numa):
    with open(base_path, "rb") as f:
        base = fdt.Tree(f.read())
    map_text, ours = make_map(base, arch, numa)
    tag = re.sub(r"[^A-Za-z0-9.-]", "_", name)
    map_path = os.path.join(work, tag + ".map")
    out_path = os.path.join(work, tag + ".out.dtb")
    with open(map_path, "w") as f:
        f.write(map_text)
    r = sh([memcarve, "dt", map_path, "--base", base_path, "-o", out_path,
            "--memory-nodes", layout])
    if r.returncode:
        msg = r.stderr.decode(errors="replace").strip()
        if r.returncode != 1 or not msg.startswith("memcarve: "):
            return "FAIL", f"exit {r.returncode}: {msg}"
        return "refused", msg
    try:
        bad = verify(base, base_path, out_path, map_path, ours, memcarve)
        if not bad and numa:
            bad = verify_numa(out_path, numa, memcarve)
        return ("ok" if not bad else "FAIL"), bad
    finally:
        for p in (map_path, out_path):
            os.unlink(p)


def verify(base, base_path, out_path, map_path, ours, memcarve):
    with open(out_path, "rb") as f:
        out = fdt.Tree(f.read())
    before, _ = base_warnings(base_path)
    after, err = dtc_warnings(out_path)
    if after is None:
        return f"dtc refuses the output: {err}"
    if before is not None and after - before:
        return f"new dtc warnings: {sorted(after - before)}"
    names = {n for n, _, _ in ours}
    if kept_nodes(base, names) != kept_nodes(out, names | (
            set() if fdt.resv_node(base) else {"reserved-memory"})):
        return "the other nodes, or their properties, changed"
    if phandles(base) != phandles(out):
        return f"phandles {phandles(base)} became {phandles(out)}"
    if out.memreserve[:len(base.memreserve)] != base.memreserve:
        return "the base's /memreserve/ entries changed"
    if out.free < base.free:
        return f"free space {base.free} became {out.free} (--pad default)"
    with open(map_path) as f:
        show = show_json(memcarve, map_path, f.read())
    if memory_written(out) != memory_shown(show):
        return (f"memory {memory_written(out)} is not what show gives, "
                f"{memory_shown(show)}")
    r = sh([memcarve, "inspect", out_path])
    if r.returncode:
        return f"inspect refuses it: {r.stderr.decode(errors='replace')}"
    ram, resv = inspected(r.stdout.decode())
    if ram != memory_shown(show):
        return f"inspect reads memory {ram}"
    missing = [o for o in ours if o not in resv]
    if missing:
        return f"inspect does not read back {missing}"
    return None


def verify_numa(out_path, numa, memcarve):
    """Every memory range of the output is on the node the base gave its
    RAM, as `inspect` reads the output (the same reading as Linux's,
    proven by tests/guest/boot_numa_dt.py)."""
    r = sh([memcarve, "inspect", out_path])
    for line in r.stdout.decode(errors="replace").splitlines():
        w = line.split("#", 1)[0].split()
        if len(w) < 3 or w[0] != "ram":
            continue
        first, size = int(w[1], 16), int(w[2], 16)
        nodes = [int(x[5:]) for x in w if x.startswith("node=")]
        want = [n for f, l, n in numa if f <= first and first + size - 1 <= l]
        if nodes != want[:1] or not want:
            return (f"memory 0x{first:x}+0x{size:x} reads as node "
                    f"{nodes or 'none'}; the base's RAM there is on "
                    f"{want or 'no node'}")
    return None


def memcarve_check(memcarve, path):
    """memcarve check on the tree as shipped: exit 0 (clean) or 1
    (findings), never a crash or a refusal; the finding codes."""
    p = subprocess.run([memcarve, "check", path], capture_output=True,
                       timeout=60)
    if p.returncode not in (0, 1) or p.stderr:
        return None, f"memcarve check: exit {p.returncode}: " \
            f"{p.stderr.decode(errors='replace')[:300]}"
    return [line.split(": ")[1] for line in
            p.stdout.decode(errors="replace").splitlines()], None


def host_conflicts(memcarve, name, path, work):
    """QEMU's trees with a host MSI window in their RAM (found, at its
    range) and one past their RAM (not found); None if both hold."""
    with open(path, "rb") as f:
        tree = fdt.Tree(f.read())
    ac = min(max(tree.cells("#address-cells", 2), 1), 2)
    sc = min(max(tree.cells("#size-cells", 1), 1), 2)
    mem = memory_of(tree, ac, sc, "arm64")
    inside = find_room(mem, reservations(tree, ac, sc), 64 << 10, 64 << 10)
    outside = (mem[-1][1] + 1 + 0xffff) // 0x10000 * 0x10000
    for at, want in ((inside, True), (outside, False)):
        resv = os.path.join(work, name.replace("/", "_") + ".resv")
        with open(resv, "w") as f:
            f.write(f"0x{at:016x} 0x{at + 0xffff:016x} msi\n")
        p = subprocess.run([memcarve, "check", path, "--resv", resv],
                           capture_output=True, timeout=60)
        line = f"{path}: ram-over-host-reserved: 0x{at:x}-0x{at + 0xffff:x}:"
        found = line.encode() in p.stdout
        if found != want or p.returncode != (1 if want else p.returncode):
            return (f"memcarve check --resv with msi at 0x{at:x}: exit "
                    f"{p.returncode}, {'not ' if want else ''}found: "
                    f"{p.stdout.decode(errors='replace')[:300]}")
    return None


def run_one(job):
    name, path, arch, memcarve, work = job
    codes = []
    try:
        status, detail = check(name, path, arch, memcarve, work)
        codes, why = memcarve_check(memcarve, path)
        if not why and name.startswith("qemu/"):
            why = host_conflicts(memcarve, name, path, work)
        if why:
            status, detail = "FAIL", why
    except Exception as e:  # a parser or tool failure is a failure
        status, detail = "FAIL", f"{type(e).__name__}: {e}"
    return name, status, detail, codes or []


# ---- fresh trees through dt-validate ---------------------------------------

def validate_fresh(memcarve, work):
    """dt-schema 2022.08 (bookworm) ships root-node.yaml and memory.yaml;
    the reserved-memory schemas were still in the kernel tree then."""
    need("dt-validate")
    map_path = os.path.join(work, "fresh.map")
    with open(map_path, "w") as f:
        f.write("arch arm64\nram 0x40000000 1G\n"
                "reserved 0x48000000 1M type=msi\n"
                "reserved 0x50000000 4M policy=overlay reusable name=pool\n")
    problems = []
    for extra, limit in (([], ["-l", "memory"]),
                         (["--model", "memcarve corpus",
                           "--compatible", "linux,dummy-virt"], [])):
        dtb = os.path.join(work, "fresh.dtb")
        r = sh([memcarve, "dt", map_path, "-o", dtb] + extra)
        if r.returncode:
            problems.append(r.stderr.decode())
            continue
        # dt-validate exits 0 on schema errors: its output is the verdict
        v = sh(["dt-validate"] + limit + [dtb])
        text = (v.stdout + v.stderr).decode(errors="replace")
        text = "\n".join(l for l in text.splitlines()
                         if "failed to match any schema with compatible"
                         not in l)
        if v.returncode or text.strip():
            problems.append(f"dt-validate {' '.join(limit + extra)}: {text}")
    return problems


# ---- the run ----------------------------------------------------------------

def expected_refusals():
    """tree glob -> reason (a substring of memcarve's message)."""
    out = []
    with open(os.path.join(HERE, "refusals.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                pattern, reason = line.split(None, 1)
                out.append((pattern, reason))
    return out


def listed(name, msg, refusals):
    return any(fnmatch.fnmatch(name, p) and r in msg for p, r in refusals)


def reason_of(msg):
    return re.sub(r"0x[0-9a-f]+(\+0x[0-9a-f]+)?|'[^']*'|/[^ ]+", "…", msg)


def main(argv):
    if not argv:
        sys.exit(__doc__)
    memcarve = os.path.abspath(argv[0])
    jobs_n = int(argv[argv.index("-j") + 1]) if "-j" in argv else \
        min(2, os.cpu_count() or 1)
    verbose = "-v" in argv
    for tool in ("dtc", "dpkg-deb", "apt-get"):
        need(tool)
    t0 = time.monotonic()
    work = tempfile.mkdtemp(prefix="memcarve-dt-corpus-")
    try:
        trees = debian_trees() + qemu_trees(work)
        refusals = expected_refusals()
        jobs = [(n, p, a, memcarve, work) for n, p, a in trees]
        results = []
        with multiprocessing.Pool(jobs_n) as pool:
            for res in pool.imap_unordered(run_one, jobs, chunksize=8):
                results.append(res)
        fresh = validate_fresh(memcarve, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results.sort()
    found = {}
    for *_, codes in results:
        for code in codes:
            found[code] = found.get(code, 0) + 1
    results = [r[:3] for r in results]
    failed = [r for r in results if r[1] == "FAIL"]
    refused = [r for r in results if r[1] == "refused"]
    unlisted = [r for r in refused if not listed(r[0], r[2], refusals)]
    by_reason = {}
    for _, _, msg in refused:
        by_reason[reason_of(msg)] = by_reason.get(reason_of(msg), 0) + 1
    for name, status, detail in results:
        if verbose or status == "FAIL" or (name, status, detail) in unlisted:
            print(f"{status:8} {name}: {detail or ''}")
    print(f"dt-corpus: {len(results)} trees "
          f"({sum(1 for n, _, _ in results if n.startswith('qemu/'))} from "
          f"QEMU), {sum(1 for r in results if r[1] == 'ok')} patched and "
          f"checked, {len(refused)} refused, {len(failed)} failed, in "
          f"{time.monotonic() - t0:.0f} s")
    kept = {}
    for _, status, counts in results:
        for k, v in (counts.items() if status == "ok" else ()):
            kept[k] = kept.get(k, 0) + v
    print("  kept: " + ", ".join(f"{v} {k}" for k, v in kept.items()))
    print("  memcarve check on every tree, exit 0 or 1: " +
          (", ".join(f"{v} {k}" for k, v in sorted(found.items())) or
           "no findings"))
    for reason, n in sorted(by_reason.items(), key=lambda x: -x[1]):
        print(f"  refused {n:4}: {reason}")
    for p in fresh:
        print(f"FAIL fresh tree: {p}")
    if unlisted:
        print(f"dt-corpus: {len(unlisted)} refusals not in refusals.txt")
    return 1 if failed or unlisted or fresh else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
