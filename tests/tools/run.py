#!/usr/bin/env python3
"""memcarve render, diff and check, as their man page describes them.

render: the SVG parses as XML, has one shape per carved piece (and one per
input range), is the same bytes on every run and for the bundled example
equals doc/arm64-kvmtool.svg, converts to PNG through rsvg-convert, and
a headless chromium renders it to a screenshot that is not blank.

Usage: run.py MEMCARVE
"""

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
SVG_NS = "{http://www.w3.org/2000/svg}"
EXAMPLE = "fixtures/arm64-kvmtool.map"

failures = []


def fail(what):
    failures.append(what)
    print("FAIL " + what)


def run(tool, *args, stdin=None):
    p = subprocess.run([tool] + list(args), cwd=TOP, input=stdin,
                       capture_output=True)
    return p.returncode, p.stdout, p.stderr


def need(cmd, package):
    if shutil.which(cmd) is None:
        fail("%s not found: install Debian's %s (scripts/deps check)"
             % (cmd, package))
        return False
    return True


# --- render -------------------------------------------------------------

# (map or blob to render, extra arguments): every fixture map, and outputs.
RENDER_CASES = [
    (EXAMPLE, []),
    ("fixtures/arm64-overlay.map", []),
    ("fixtures/x86-8g.map", []),
    ("fixtures/x86-1t-ht.map", []),
    ("fixtures/x86-rmrr.map", ["--resv", "fixtures/x86-rmrr.resv"]),
    ("fixtures/edge-top.map", []),
    ("fixtures/dt/kinds.map", []),
    ("fixtures/dt/kinds.map", ["--policy", "relocate"]),
    ("fixtures/dt/arm64-kvmtool.dtb", []),
    ("fixtures/e820/all-types.zeropage", []),
    # no RAM, so show refuses it: its direct ranges, as inspect lists them
    ("fixtures/acpi/x86-dmar.aml", [], 3),
]


def shapes(root, cls):
    return [e for e in root.iter(SVG_NS + "rect") if e.get("class") == cls]


def carved_count(tool, path, extra):
    """The pieces show --json lists: one "start" per line."""
    st, out, err = run(tool, "show", "--json", path, *extra)
    if st:
        # a blob: count the pieces of its inspect output, carved
        st, text, err = run(tool, "inspect", path)
        st, out, err = run(tool, "show", "--json", "-", stdin=text)
    return out.decode().count('"start"') if st == 0 else -1


def input_count(tool, path, extra):
    if path.endswith(".map"):
        text = open(os.path.join(TOP, path), "rb").read().decode()
        n = sum(1 for line in text.splitlines()
                if line.split("#")[0].split()[:1] and
                line.split()[0] in ("ram", "mmio", "reserved", "acpi",
                                    "nvs", "pmem"))
        for i, a in enumerate(extra):
            if a == "--resv":
                n += len(open(os.path.join(TOP, extra[i + 1])).readlines())
        return n
    st, out, err = run(tool, "inspect", path)
    return sum(1 for line in out.decode().splitlines()
               if line and line[0] != "#" and not line.startswith("arch"))


def png_pixels(data):
    """Decode an 8-bit RGB(A) non-interlaced PNG: rows of bytes."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("PNG type %d/%d not handled" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], None
    prev = bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def colours(png):
    w, h, bpp, rows = png_pixels(png)
    seen = set()
    for row in rows:
        for x in range(0, w * bpp, bpp * 3):
            seen.add(row[x:x + 3])
    return seen


def test_render_case(tool, path, extra, pieces=None):
    name = "render %s %s" % (path, " ".join(extra))
    st, svg, err = run(tool, "render", path, *extra)
    if st:
        return fail("%s: exit %d: %s" % (name, st, err.decode()[:300]))
    st2, svg2, _ = run(tool, "render", path, *extra)
    if svg2 != svg:
        fail("%s: two runs differ" % name)
    try:
        root = ET.fromstring(svg)
    except ET.ParseError as e:
        return fail("%s: not XML: %s" % (name, e))
    if root.tag != SVG_NS + "svg":
        fail("%s: root is %s" % (name, root.tag))
    want = pieces or carved_count(tool, path, extra)
    got = len(shapes(root, "piece"))
    if got != want:
        fail("%s: %d piece shapes for %d carved pieces" % (name, got, want))
    want = input_count(tool, path, extra)
    got = len(shapes(root, "input"))
    if got != want:
        fail("%s: %d input shapes for %d input ranges" % (name, got, want))
    for r in shapes(root, "piece") + shapes(root, "input"):
        t = r.find(SVG_NS + "title")
        if t is None or "0x" not in (t.text or ""):
            fail("%s: a shape without an exact-address tooltip" % name)
            break
        if int(r.get("width")) <= 0:
            fail("%s: a shape of width %s" % (name, r.get("width")))
            break
    return svg


def test_render(tool):
    tmp = tempfile.mkdtemp()
    try:
        for case in RENDER_CASES:
            test_render_case(tool, *case)
        st, svg, _ = run(tool, "render", EXAMPLE)
        kept = open(os.path.join(TOP, "doc/arm64-kvmtool.svg"), "rb").read()
        if svg != kept:
            fail("render %s differs from doc/arm64-kvmtool.svg (make it "
                 "again: memcarve render %s -o doc/arm64-kvmtool.svg)"
                 % (EXAMPLE, EXAMPLE))
        svgfile = os.path.join(tmp, "example.svg")
        with open(svgfile, "wb") as f:
            f.write(svg)
        root = ET.fromstring(svg)
        w, h = root.get("width"), root.get("height")
        if need("rsvg-convert", "librsvg2-bin"):
            out = os.path.join(tmp, "out.png")
            st, _, err = run(tool, "render", EXAMPLE, "--format", "png",
                             "-o", out)
            if st:
                fail("render --format png: exit %d: %s" % (st, err.decode()))
            elif len(colours(open(out, "rb").read())) < 8:
                fail("render --format png: the PNG is blank")
        if need("chromium", "chromium"):
            shot = os.path.join(tmp, "shot.png")
            p = subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                 "--hide-scrollbars", "--user-data-dir=" + tmp + "/profile",
                 "--screenshot=" + shot, "--window-size=%s,%s" % (w, h),
                 "file://" + svgfile],
                capture_output=True, timeout=300)
            if p.returncode or not os.path.exists(shot):
                fail("chromium --screenshot: exit %d: %s"
                     % (p.returncode, p.stderr.decode()[-300:]))
            else:
                # the palette's colours, not just white and text
                n = len(colours(open(shot, "rb").read()))
                if n < 8:
                    fail("chromium shows a blank picture (%d colours)" % n)
        # refusals: usage and a converter that is not there
        st, out, err = run(tool, "render", EXAMPLE, "--format", "gif")
        if st != 2 or out:
            fail("render --format gif: exit %d, want 2" % st)
        env = dict(os.environ, PATH="/nonexistent")
        p = subprocess.run([os.path.abspath(tool), "render", EXAMPLE,
                            "--format", "png", "-o", tmp + "/no.png"],
                           cwd=TOP, capture_output=True, env=env)
        if p.returncode != 1 or b"librsvg2-bin" not in p.stderr or \
                os.path.exists(tmp + "/no.png"):
            fail("render --format png without rsvg-convert: exit %d, %s"
                 % (p.returncode, p.stderr.decode()))
    finally:
        shutil.rmtree(tmp)


# --- diff ---------------------------------------------------------------

BASE_MAP = """arch arm64
ram       0x40000000 1G   name=dram
reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw
reserved  0x50000000 4M   policy=overlay reusable name=pool
"""

# The same map, rewritten: other order, spellings, comments.
SAME_MAP = """# the same guest
reserved  0x50000000 0x400000 reusable name=pool policy=overlay
reserved  0x48000000 1024K   devices=0000:00:02.0 type=direct name=fw
ram       1G         1G      name=dram
arch arm64
"""

# (what changes, the map's new line or None, the line it replaces or
# None, the one change diff must print, how many a DTB of each shows: a
# DTB says no devices, and a no-map node is carved either way)
CHANGES = [
    ("an msi hole in RAM", "reserved 0x44000000 64K type=msi name=doorbell",
     None, "0x44000000-0x4400ffff: ram (dram) -> reserved/msi (doorbell)", 1),
    ("a device added on a direct range",
     "reserved  0x48000000 1M   type=direct devices=00:02.0,00:03.0 name=fw",
     "reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw",
     "0x48000000-0x480fffff: reserved/direct (fw), backed, "
     "devices=0000:00:02.0 -> reserved/direct (fw), backed, "
     "devices=0000:00:02.0,0000:00:03.0", 0),
    ("a device named by its node's path (a comma of its unit address too)",
     "reserved  0x48000000 1M   type=direct "
     "devices=00:02.0,/pcie@10000000/pci@1,0 name=fw",
     "reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw",
     "0x48000000-0x480fffff: reserved/direct (fw), backed, "
     "devices=0000:00:02.0 -> reserved/direct (fw), backed, "
     "devices=0000:00:02.0,/pcie@10000000/pci@1,0", 0),
    ("a flag dropped", "reserved  0x50000000 4M   policy=overlay name=pool",
     "reserved  0x50000000 4M   policy=overlay reusable name=pool",
     "0x50000000-0x503fffff: reserved/reserved (pool), backed, reusable "
     "-> reserved/reserved (pool), backed", 1),
    ("RAM cut short", "ram       0x40000000 512M name=dram",
     "ram       0x40000000 1G   name=dram",
     "0x60000000-0x7fffffff: ram (dram) -> hole", 1),
    ("a direct range carved, not overlaid",
     "reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw "
     "policy=carve",
     "reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw",
     "0x48000000-0x480fffff: reserved/direct (fw), backed, "
     "devices=0000:00:02.0 -> reserved/direct (fw), devices=0000:00:02.0",
     0),
]

DTS_A = """/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    compatible = "linux,dummy-virt";
    memory@40000000 { device_type = "memory";
                      reg = <0 0x40000000 0 0x40000000>; };
    reserved-memory {
        #address-cells = <2>; #size-cells = <2>; ranges;
        fw: fw@48000000 { reg = <0 0x48000000 0 0x100000>; no-map; };
        pool: pool@50000000 { reg = <0 0x50000000 0 0x400000>; reusable; };
    };
    dev0 { memory-region = <&fw>; };
    dev1 { memory-region = <&pool>; };
};
"""

# Nodes in another order, other phandle numbers.
DTS_B = """/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    compatible = "linux,dummy-virt";
    dev1 { memory-region = <&pool>; };
    dev0 { memory-region = <&fw>; };
    reserved-memory {
        #address-cells = <2>; #size-cells = <2>; ranges;
        pool: pool@50000000 { reg = <0 0x50000000 0 0x400000>; reusable;
                              phandle = <0x77>; };
        fw: fw@48000000 { reg = <0 0x48000000 0 0x100000>; no-map;
                          phandle = <0x1234>; };
    };
    memory@40000000 { device_type = "memory";
                      reg = <0 0x40000000 0 0x40000000>; };
};
"""


# Two NUMA nodes, node 0's RAM ending off the page grid.
DTS_OFF = """/dts-v1/;
/ {
    #address-cells = <2>; #size-cells = <2>;
    compatible = "linux,dummy-virt";
    memory@0 { device_type = "memory"; reg = <0 0 0 0x9fc00>;
               numa-node-id = <0>; };
    memory@100000 { device_type = "memory";
                    reg = <0 0x100000 0 0x3ff00000>; numa-node-id = <1>; };
};
"""


def diff(tool, a, b, *extra):
    st, out, err = run(tool, "diff", a, b, *extra)
    return st, out.decode(), err.decode()


def expect_same(tool, a, b, what):
    st, out, err = diff(tool, a, b)
    if st != 0 or out:
        fail("diff %s: exit %d, want 0 and nothing:\n%s%s"
             % (what, st, out, err))


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def acpi_oem(blob, oem):
    """The table with other OEM ID, table ID, revisions; checksum fixed."""
    b = bytearray(blob)
    b[10:16] = oem[:6].ljust(6).encode()
    b[16:24] = (oem + "TABLE")[:8].ljust(8).encode()
    b[24:28] = struct.pack("<I", 0x1234)
    b[28:32] = b"TEST"
    b[32:36] = struct.pack("<I", 7)
    b[9] = 0
    b[9] = (-sum(b)) & 255
    return bytes(b)


def e820_shuffled(blob):
    """Entries reversed, the first RAM entry split in two."""
    e = [struct.unpack("<QQI", blob[i:i + 20])
         for i in range(0, len(blob), 20)]
    out = []
    for addr, size, typ in e:
        if typ == 1 and size >= 0x2000 and not any(t == 1 for _, _, t in out):
            half = (size // 2) & ~0xfff
            out += [(addr, half, 1), (addr + half, size - half, 1)]
        else:
            out.append((addr, size, typ))
    return b"".join(struct.pack("<QQI", *x) for x in reversed(out))


# Which outputs say reserved types, and which say what RAM backs (slots
# and an SRAT say memory only).
TYPED = {"show", "json", "iort", "dmar"}
BACKED = {"show", "json", "slots", "srat"}


def comparable(x, y):
    for a, b in ((x, y), (y, x)):
        if a in ("dmar", "iort") and b not in TYPED:
            return False
        if a in ("slots", "srat") and b not in BACKED:
            return False
    return True


# The outputs of a map: (name, command and options before the file).
BASE_OUTPUTS = [
    ("dtb", ["dt", "-o"]),
    ("e820", ["e820", "--arch", "x86_64", "--format", "table", "-o"]),
    ("e820.txt", ["e820", "--arch", "x86_64", "-o"]),
    ("cmdline", ["cmdline", "--arch", "x86_64", "--style", "x86", "-o"]),
    ("show", ["show", "-o"]), ("json", ["show", "--json", "-o"]),
    ("slots", ["slots", "-o"]), ("iort", ["acpi", "--table", "iort", "-o"]),
    ("dmar", ["acpi", "--arch", "x86_64", "--table", "dmar", "-o"])]


def outputs_of(tool, mapfile, prefix, table, what):
    """Each output of @table written from @mapfile, none different from it."""
    outs = {}
    for name, args in table:
        path = prefix + name
        st, _, err = run(tool, args[0], mapfile, *args[1:], path)
        if st:
            fail("%s of %s: %s" % (name, what, err.decode()))
            continue
        outs[name] = path
        expect_same(tool, mapfile, path, "%s against its %s" % (what, name))
    return outs


def compare_pairs(tool, outs):
    """Outputs of one map: no difference, or nothing to compare."""
    names = sorted(outs)
    for i, x in enumerate(names):
        for y in names[i + 1:]:
            if comparable(x.split(".")[0], y.split(".")[0]):
                expect_same(tool, outs[x], outs[y], "%s against %s" % (x, y))
                continue
            st, out, err = diff(tool, outs[x], outs[y])
            if st != 2 or out or "nothing to compare" not in err:
                fail("diff %s against %s: exit %d, want 2 (nothing to "
                     "compare): %s%s" % (x, y, st, out, err))


def test_diff_encodings(tool, tmp):
    base = write(tmp + "/base.map", BASE_MAP)
    expect_same(tool, base, base, "a map against itself")
    expect_same(tool, base, write(tmp + "/same.map", SAME_MAP),
                "a map against itself rewritten")
    # every output of the base map against the map, and each other
    outs = outputs_of(tool, base, tmp + "/base.", BASE_OUTPUTS, "the map")
    compare_pairs(tool, outs)
    # DTBs: reordered nodes, renumbered phandles
    if need("dtc", "device-tree-compiler"):
        for n, src in (("a", DTS_A), ("b", DTS_B)):
            subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                            "%s/%s.dtb" % (tmp, n),
                            write("%s/%s.dts" % (tmp, n), src)], check=True)
        a, b = open(tmp + "/a.dtb", "rb").read(), open(tmp + "/b.dtb",
                                                        "rb").read()
        if a == b:
            fail("diff: the two test trees are the same bytes")
        expect_same(tool, tmp + "/a.dtb", tmp + "/b.dtb",
                    "reordered nodes and renumbered phandles")
    # ACPI: other OEM fields
    for t in ("x86-dmar", "x86-ivrs", "arm64-iort", "qemu-iort.patched"):
        src = "fixtures/acpi/%s.aml" % t
        other = write("%s/%s.oem.aml" % (tmp, t),
                      acpi_oem(open(os.path.join(TOP, src), "rb").read(),
                               "OTHER"))
        expect_same(tool, src, other, t + " with other OEM fields")
    expect_same(tool, "fixtures/acpi/x86-direct.map",
                "fixtures/acpi/x86-dmar.aml", "a map against its DMAR")
    expect_same(tool, "fixtures/acpi/x86-dmar.aml",
                "fixtures/acpi/x86-ivrs.aml", "DMAR against IVRS")
    # e820: entries reordered and split
    table = open(os.path.join(TOP, "fixtures/e820/all-types.table"),
                 "rb").read()
    expect_same(tool, "fixtures/e820/all-types.table",
                write(tmp + "/shuffled.e820", e820_shuffled(table)),
                "e820 entries reordered and split")
    expect_same(tool, "fixtures/e820/all-types.table",
                "fixtures/e820/all-types.zeropage", "e820 table and zero page")


def changed_map(new, old):
    lines = BASE_MAP.splitlines()
    if old:
        lines[lines.index(old)] = new
    else:
        lines.append(new)
    return "\n".join(lines) + "\n"


def test_diff_changes(tool, tmp):
    base = tmp + "/base.map"
    for i, (what, new, old, want, in_dtb) in enumerate(CHANGES):
        other = write("%s/change%d.map" % (tmp, i), changed_map(new, old))
        st, out, err = diff(tool, base, other)
        got = [l for l in out.splitlines() if not l.startswith(("---",
                                                                "+++"))]
        if st != 1 or got != [want]:
            fail("diff, %s: exit %d, want 1 and the one line\n  %s\n"
                 "got:\n%s%s" % (what, st, want, out, err))
        st, out, err = diff(tool, base, other, "--json")
        try:
            changes = json.loads(out)["changes"]
        except ValueError as e:
            changes = None
            fail("diff --json, %s: not JSON: %s" % (what, e))
        if changes is not None and (
                st != 1 or len(changes) != 1 or
                "%s-%s: %s -> %s" % (changes[0]["first"], changes[0]["last"],
                                     changes[0]["a"], changes[0]["b"]) != want):
            fail("diff --json, %s: exit %d: %s" % (what, st, out))
        # the same change seen through two DTBs: still one
        da, db = tmp + "/c.a.dtb", tmp + "/c.b.dtb"
        run(tool, "dt", base, "-o", da)
        if run(tool, "dt", other, "-o", db)[0] == 0:
            st, out, err = diff(tool, da, db)
            n = max(len(out.splitlines()) - 2, 0)
            if (st, n) != (1 if in_dtb else 0, in_dtb):
                fail("diff of DTBs, %s: %d changes:\n%s" % (what, n, out))
    # --allow
    other = tmp + "/change0.map"
    want = CHANGES[0][3]
    cases = [
        ("the exact change", want + "\n", 0, True),
        ("a range around it", "# comment\n0x40000000-0x7fffffff\n", 0, True),
        ("any change to its meaning", want.split(" -> ")[0] + " -> *\n", 0,
         True),
        ("another change", want.replace("msi", "direct") + "\n", 1, False),
        ("a range beside it", "0x44010000-0x44ffffff\n", 1, False),
    ]
    for what, text, code, allowed in cases:
        allow = write(tmp + "/allow", text)
        st, out, err = diff(tool, base, other, "--allow", allow)
        marked = "# allowed by %s:" % allow in out
        if st != code or marked != allowed or want not in out:
            fail("diff --allow, %s: exit %d (want %d):\n%s%s"
                 % (what, st, code, out, err))
    st, out, err = diff(tool, base, base, "--allow", tmp + "/allow")
    if st != 0 or out or "no such change" not in err:
        fail("diff --allow with no change: exit %d, %s%s" % (st, out, err))
    allow = write(tmp + "/allow", "0x44000000\n")
    st, out, err = diff(tool, base, other, "--allow", allow)
    if st != 2 or out or "allow:1:" not in err or "usage" in err:
        fail("diff --allow with a bad line: exit %d, %s%s" % (st, out, err))
    st, out, err = diff(tool, base, tmp + "/missing.map")
    if st != 2 or out or "usage" in err:
        fail("diff with a missing file: exit %d, %s%s" % (st, out, err))


# NUMA: two nodes, a direct range RAM backs on node 0 (its node is the
# RAM's under it), an msi hole on node 1. NUMA_MOVED puts each RAM range
# on the other node.
NUMA_MAP = """arch arm64
ram       0x40000000 1G   node=0 name=dram0
ram       0x80000000 1G   node=1 name=dram1
reserved  0x48000000 1M   type=direct devices=00:02.0 name=fw
reserved  0x90000000 64K  type=msi name=doorbell
distance  0 1 20
"""
NUMA_MOVED = NUMA_MAP.replace("node=0", "node=X").replace(
    "node=1", "node=0").replace("node=X", "node=1")

# Which outputs say nodes (a DT with numa-node-id, an SRAT, the reports),
# and which do not (e820, command line, DMAR, IORT): those never make a
# node difference.
NODE_OUTPUTS = [
    ("dtb", ["dt", "-o"]), ("srat", ["acpi", "--table", "srat", "-o"]),
    ("show", ["show", "-o"]), ("json", ["show", "--json", "-o"]),
    ("slots", ["slots", "-o"]), ("slots.json", ["slots", "--json", "-o"])]
NODELESS_OUTPUTS = [
    ("e820", ["e820", "--arch", "x86_64", "--format", "table", "-o"]),
    ("cmdline", ["cmdline", "--arch", "x86_64", "--style", "x86", "-o"]),
    ("iort", ["acpi", "--table", "iort", "-o"]),
    ("dmar", ["acpi", "--arch", "x86_64", "--table", "dmar", "-o"])]


def without_node(meaning):
    """The meaning without its node, and its name (a DTB has none)."""
    return ", ".join(w for w in re.sub(r" \([^)]*\)", "", meaning)
                     .split(", ") if not w.startswith("node "))


def node_only(line):
    """'RANGE: A -> B' where A and B differ in their node alone."""
    a, b = line.split(": ", 1)[1].split(" -> ")
    return a != b and without_node(a) == without_node(b)


def test_diff_nodes(tool, tmp):
    base = write(tmp + "/numa.map", NUMA_MAP)
    moved = write(tmp + "/numa-moved.map", NUMA_MOVED)
    st, out, err = diff(tool, base, moved)
    lines = [l for l in out.splitlines() if not l.startswith(("---", "+++"))]
    want = ["0x40000000-0x47ffffff: ram (dram0), node 0 -> ram (dram0), node 1",
            "0x48000000-0x480fffff: reserved/direct (fw), backed, node 0, "
            "devices=0000:00:02.0 -> reserved/direct (fw), backed, node 1, "
            "devices=0000:00:02.0",
            "0x48100000-0x7fffffff: ram (dram0), node 0 -> ram (dram0), node 1",
            "0x80000000-0x8fffffff: ram (dram1), node 1 -> ram (dram1), node 0",
            "0x90010000-0xbfffffff: ram (dram1), node 1 -> ram (dram1), node 0"]
    if st != 1 or lines != want:
        fail("diff of two maps with the nodes swapped: exit %d, want 1 and\n"
             "%s\ngot:\n%s%s" % (st, "\n".join(want), out, err))
    outs = outputs_of(tool, base, tmp + "/numa.",
                      NODE_OUTPUTS + NODELESS_OUTPUTS, "the NUMA map")
    compare_pairs(tool, outs)
    for name, path in sorted(outs.items()):
        st, out, err = diff(tool, moved, path)
        lines = [l for l in out.splitlines()
                 if not l.startswith(("---", "+++"))]
        says = name in dict(NODE_OUTPUTS)
        if says and (st != 1 or not lines or
                     not all(node_only(l) for l in lines)):
            fail("diff of the moved map against the %s: exit %d, want 1 "
                 "and node changes only:\n%s%s" % (name, st, out, err))
        if not says and (st != 0 or lines):
            fail("diff of the moved map against the %s, which says no "
                 "nodes: exit %d, want 0:\n%s%s" % (name, st, out, err))
    # a tree without numa-node-id says nothing of nodes
    plain = write(tmp + "/plain.map", NUMA_MAP.replace(" node=0", "")
                  .replace(" node=1", "").replace("distance  0 1 20\n", ""))
    run(tool, "dt", plain, "-o", tmp + "/plain.dtb")
    expect_same(tool, base, tmp + "/plain.dtb",
                "the NUMA map against a tree without numa-node-id")
    # a tree's RAM off the granule (640K less the EBDA) is rounded out on
    # its own node: each node keeps its RAM
    if need("dtc", "device-tree-compiler"):
        subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o",
                        tmp + "/off.dtb", write(tmp + "/off.dts", DTS_OFF)],
                       check=True)
        off = write(tmp + "/off.map", "arch arm64\nram 0 640K node=0\n"
                    "ram 0x100000 0x3ff00000 node=1\n")
        expect_same(tool, off, tmp + "/off.dtb",
                    "a NUMA tree with RAM off the granule")
    # a map is a map even where a comment reads as a (broken) command line
    expect_same(tool, "fixtures/srat/boot-q35.map",
                "fixtures/srat/qemu-q35.patched.aml",
                "a map whose comment says memmap=exactmap, against its SRAT")


def test_diff(tool):
    tmp = tempfile.mkdtemp()
    try:
        test_diff_encodings(tool, tmp)
        test_diff_changes(tool, tmp)
        test_diff_nodes(tool, tmp)
    finally:
        shutil.rmtree(tmp)


# --- check --------------------------------------------------------------

def test_check_cases(tool):
    update = os.environ.get("MEMCARVE_UPDATE")
    n = 0
    for line in open(os.path.join(TOP, "fixtures/check/check.list")):
        if not line.strip() or line.startswith("#"):
            continue
        exp, status, *args = line.split()
        n += 1
        st, out, err = run(tool, *args)
        path = os.path.join(TOP, "fixtures", exp)
        if update and st == int(status) and not err:
            write(path, out)
        want = open(path, "rb").read() if os.path.exists(path) else None
        if st != int(status) or out != want or err:
            fail("memcarve %s: exit %d (want %s), stderr %r, output:\n%s"
                 % (" ".join(args), st, status, err.decode(),
                    out.decode()))
    return n


COMMANDS = {"show", "slots", "dt", "e820", "acpi", "cmdline"}
GLOBAL_WITH_ARG = {"--arch", "--policy", "--granule", "--resv", "--vfio",
                   "--sysfs-root"}


def golden_outputs():
    """(output, map, global options) of every golden success case whose
    output inspect reads and that was made from one map."""
    lists = os.path.join(TOP, "fixtures/golden")
    for name in sorted(os.listdir(lists)):
        if not name.endswith(".list"):
            continue
        for line in open(os.path.join(lists, name), encoding="latin-1"):
            words = line.split()
            if not words or words[0].startswith("#") or words[1:2] in \
                    (["!"], ["!2"]):
                continue
            exp, args = words[0], words[1:]
            cmd = next((a for a in args if a in COMMANDS), None)
            maps = [a for a in args if a.endswith(".map")]
            if not cmd or len(maps) != 1 or exp.endswith(".dts") or \
                    "--format=dts" in args or "--rsdp" in args:
                continue
            glob = []
            for i, a in enumerate(args):
                if a in GLOBAL_WITH_ARG:
                    glob += [a, args[i + 1]]
                elif a.split("=")[0] in GLOBAL_WITH_ARG and "=" in a:
                    glob.append(a)
            yield exp, maps[0], glob


# Golden outputs with a finding the map itself causes (none: memcarve
# refuses to write an RMRR with no device scope, fixtures/check has one).
KNOWN_FINDINGS = {}


# A zero page whose entries past 128 went to a setup_data node: the two
# are one e820 table, checked together.
PAIRS = {
    "e820/many.zeropage": "e820/many.setup_data",
    "e820/many.setup_data": "e820/many.zeropage",
}


def test_check_goldens(tool):
    n = 0
    for exp, mapfile, glob in golden_outputs():
        n += 1
        blobs = ["fixtures/" + exp]
        if exp in PAIRS:
            blobs.append("fixtures/" + PAIRS[exp])
        st, out, err = run(tool, "check", *blobs, "--map", mapfile, *glob)
        known = KNOWN_FINDINGS.get(exp)
        if known and st == 1 and not err and all(
                l.split(": ")[1] == known for l in out.decode().splitlines()):
            continue
        if st != 0:
            fail("check fixtures/%s --map %s %s: exit %d:\n%s%s"
                 % (exp, mapfile, " ".join(glob), st, out.decode(),
                    err.decode()))
    return n


def test_check(tool):
    cases = test_check_cases(tool)
    outputs = test_check_goldens(tool)
    print("check: %d cases, %d golden outputs against their maps"
          % (cases, outputs))


def main():
    tool = os.path.abspath(sys.argv[1])
    test_render(tool)
    test_diff(tool)
    test_check(tool)
    if failures:
        print("tools: %d failures" % len(failures))
        return 1
    print("tools: render, diff and check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
