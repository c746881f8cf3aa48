"""Check a GuestView against a memcarve carved map (DESIGN §4 JSON).

What is compared, per family:
  x86_64   the e820 the kernel printed, exactly, against the map's kinds
           (ram->usable, reserved->reserved, acpi->ACPI data, nvs->ACPI NVS,
           pmem->persistent). An mmio window may show as anything but RAM.
  DT, MIPS the memory blocks exactly: RAM plus the reserved ranges RAM still
           backs (backed=true; acpi/nvs count as backed). Every reserved
           range must lie inside some guest reservation; one RAM no longer
           backs must be a hole. mmio and pmem must not be memory.
Kernel-owned reservations (kernel, initrd, DTB, percpu...) only ever add to
the guest's reserved list, which is used by containment, so they cannot
cause a failure.
"""

import json
from dataclasses import dataclass, field

from .parse import Range, merge

E820_FAMILY = ("x86_64",)
MIPS_FAMILY = ("mips64el", "mipsel")


@dataclass
class Region:
    start: int
    end: int
    kind: str
    type: str = ""
    name: str = ""
    backed: bool = False

    def label(self):
        bits = [self.kind]
        if self.type:
            bits.append(f"type={self.type}")
        if self.kind == "reserved":
            bits.append("backed" if self.backed else "unbacked")
        if self.name:
            bits.append(f"name={self.name}")
        return " ".join(bits)

    def __str__(self):
        return f"[{self.start:#x}-{self.end:#x}] {self.label()}"


@dataclass
class Result:
    title: str
    problems: list = field(default_factory=list)
    checked: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def __bool__(self):
        return self.ok

    def __str__(self):
        head = (f"{self.title}: OK ({len(self.checked)} checks)" if self.ok
                else f"{self.title}: {len(self.problems)} difference(s)")
        return "\n".join([head] + ["  " + p for p in self.problems])


def _num(v):
    return v if isinstance(v, int) else int(str(v), 0)


def load_map(source):
    """Regions from a path, a JSON string or an already-parsed dict."""
    if isinstance(source, dict):
        doc = source
    elif isinstance(source, str) and source.lstrip().startswith("{"):
        doc = json.loads(source)
    else:
        with open(source) as f:
            doc = json.load(f)
    out = []
    for r in doc["regions"]:
        start = _num(r["start"])
        end = _num(r["end"]) if "end" in r else start + _num(r["size"]) - 1
        if "size" in r and end - start + 1 != _num(r["size"]):
            raise ValueError(f"region {r}: end and size disagree")
        out.append(Region(start, end, r["kind"], r.get("type", ""),
                          r.get("name", ""), bool(r.get("backed", False))))
    return sorted(out, key=lambda r: r.start)


# ---- segment walk: a kind per elementary interval on both sides ----------

def _breakpoints(*lists):
    pts = set()
    for ranges in lists:
        for r in ranges:
            pts.add(r.start)
            pts.add(r.end + 1)
    return sorted(pts)


def _kind_at(ranges, addr):
    for r in ranges:
        if r.start <= addr <= r.end:
            return r
    return None


def _segments(expected, guest):
    """(start, end, expected_range_or_None, guest_range_or_None) runs."""
    pts = _breakpoints(expected, guest)
    for a, b in zip(pts, pts[1:]):
        yield a, b - 1, _kind_at(expected, a), _kind_at(guest, a)


def _describe(r):
    if r is None:
        return "nothing"
    return r.label() if isinstance(r, Region) else r.kind


def _diff_runs(expected, guest, same):
    """Human lines for each maximal run where same(exp, got) is false."""
    lines, run = [], None
    for a, b, exp, got in _segments(expected, guest):
        key = (_key(exp), _key(got))
        if same(exp, got):
            run = _flush(run, lines)
            continue
        if run and run[3] == key and run[1] + 1 == a:
            run = (run[0], b, run[2], key)
        else:
            _flush(run, lines)
            run = (a, b, (exp, got), key)
    _flush(run, lines)
    return lines


def _key(r):
    return None if r is None else (r.kind, getattr(r, "name", ""), r.start)


def _flush(run, lines):
    if run:
        a, b, (exp, got), _ = run
        lines.append(f"[{a:#x}-{b:#x}] map says {_describe(exp)}; "
                     f"guest saw {_describe(got)}")
    return None


# ---- x86: the e820 table --------------------------------------------------

E820_OF_KIND = {"ram": "ram", "reserved": "reserved", "acpi": "acpi",
                "nvs": "nvs", "pmem": "pmem"}


def _expected_e820(regions):
    rows = [Range(r.start, r.end, E820_OF_KIND[r.kind], r.name)
            for r in regions if r.kind in E820_OF_KIND]
    return rows


def _same_e820(exp_regions):
    def same(exp, got):
        if exp is None:
            return got is None
        if exp.kind in ("mmio", "hotplug"):     # hotplug: never RAM at boot
            return got is None or got.kind != "ram"
        return got is not None and got.kind == E820_OF_KIND[exp.kind]
    return same


def _compare_e820(view, regions, result):
    guest = view.ranges
    result.problems += _diff_runs(regions, guest, _same_e820(regions))
    result.checked.append("e820 table")


# ---- DT and MIPS: memory blocks and reservations ------------------------

MEMORY_KINDS = ("ram", "acpi", "nvs")


def _is_memory(r):
    return r.kind in MEMORY_KINDS or (r.kind == "reserved" and r.backed)


def _compare_memory(view, regions, result):
    exp = merge([Range(r.start, r.end, "memory") for r in regions
                 if _is_memory(r)])
    got = merge([Range(r.start, r.end, "memory") for r in view.memory])

    def same(e, g):
        return (e is None) == (g is None)
    for line in _diff_runs(exp, got, same):
        result.problems.append(line.replace("map says memory", "map says RAM")
                               .replace("map says nothing", "map says hole")
                               .replace("saw memory", "saw RAM")
                               .replace("saw nothing", "saw hole"))
    result.checked.append("memory blocks")


def _compare_reserved(view, regions, mips, result):
    guest_res = merge(view.reserved, "reserved")
    memory = merge(view.memory, "ram")
    for r in regions:
        if r.kind not in ("reserved", "acpi", "nvs"):
            continue
        result.checked.append(str(r))
        if not _is_memory(r) and _overlaps(memory, r):
            result.problems.append(f"{r}: unbacked, yet the guest has RAM "
                                   f"there: {_overlapping(memory, r)}")
        if mips and not _is_memory(r):
            continue  # a MIPS command line can only leave a hole
        if not _contained(guest_res, r):
            result.problems.append(
                f"{r}: not inside any guest reservation; guest reserved "
                f"near it: {_overlapping(guest_res, r) or 'none'}")


def _overlaps(ranges, r):
    return any(x.start <= r.end and r.start <= x.end for x in ranges)


def _overlapping(ranges, r):
    hits = [x for x in ranges if x.start <= r.end and r.start <= x.end]
    return ", ".join(f"[{x.start:#x}-{x.end:#x}]" for x in hits)


def _contained(ranges, r):
    return any(x.start <= r.start and r.end <= x.end for x in ranges)


def _compare_iommu(view, regions, result):
    for r in regions:
        if r.kind != "reserved" or not r.type.startswith("direct"):
            continue
        result.checked.append(f"iommu {r}")
        hits = [i for i in view.iommu if i.type == r.type
                and i.start <= r.start and r.end <= i.end]
        if not hits:
            seen = sorted({f"{i.start:#x}-{i.end:#x} {i.type}"
                           for i in view.iommu}) or ["no reserved_regions"]
            result.problems.append(f"{r}: no IOMMU group lists it as "
                                   f"{r.type}; guest has {'; '.join(seen)}")


def compare(view, carved, check_iommu=False, title=None):
    """Result (truthy when equal) of view against a carved map."""
    regions = load_map(carved)
    result = Result(title or f"{view.arch} {view.mode} guest vs map")
    if view.arch in E820_FAMILY:
        _compare_e820(view, regions, result)
    else:
        _compare_memory(view, regions, result)
        _compare_reserved(view, regions, view.arch in MIPS_FAMILY, result)
    if check_iommu:
        _compare_iommu(view, regions, result)
    return result
