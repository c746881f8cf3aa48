#!/usr/bin/env python3
"""memcarve render, diff and check, as their man page describes them.

render: the SVG parses as XML, has one shape per carved piece (and one per
input range), is the same bytes on every run and for the bundled example
equals doc/arm64-kvmtool.svg, converts to PNG through rsvg-convert, and
a headless chromium renders it to a screenshot that is not blank.

Usage: run.py MEMCARVE
"""

import os
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


def main():
    tool = os.path.abspath(sys.argv[1])
    test_render(tool)
    if failures:
        print("tools: %d failures" % len(failures))
        return 1
    print("tools: render, diff and check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
