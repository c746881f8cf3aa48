"""Turn a guest's console log into a GuestView.

Only tagged lines between the begin/end markers are evidence; the rest of
the console (firmware chatter, kernel messages) is kept for diagnostics.
"""

import re
from dataclasses import dataclass, field

BEGIN = "@@MEMCARVE-GUEST-EVIDENCE-BEGIN@@"
END = "@@MEMCARVE-GUEST-EVIDENCE-END@@"

# e820_print_type() names -> our kinds (DESIGN §4 uses ram/acpi/nvs/pmem).
# Two generations: 6.1 and 6.12 print `usable`, `reserved`, `persistent
# (type 7)` after one space; 7.x prints `System RAM`, `device reserved`,
# `persistent RAM (type 7)` after two spaces, and `[gap ...]` lines (not
# ranges: e820_lines() skips them) between entries that do not touch.
E820_KIND = {
    "usable": "ram", "reserved": "reserved", "soft reserved": "soft-reserved",
    "ACPI data": "acpi", "ACPI NVS": "nvs", "unusable": "unusable",
    "persistent (type 7)": "pmem", "persistent (type 12)": "pram",
    "System RAM": "ram", "device reserved": "reserved",
    "persistent RAM (type 7)": "pmem", "persistent RAM (type 12)": "pram",
}
# /sys/firmware/memmap/N/type strings (firmware_map names)
MEMMAP_KIND = {
    "System RAM": "ram", "Reserved": "reserved", "ACPI Tables": "acpi",
    "ACPI Non-volatile Storage": "nvs", "Unusable memory": "unusable",
    "Persistent Memory": "pmem", "Persistent Memory (legacy)": "pram",
    "Soft Reserved": "soft-reserved",
}


@dataclass(frozen=True, order=True)
class Range:
    """An inclusive physical range [start, end] as the guest reported it."""
    start: int
    end: int
    kind: str = "ram"
    label: str = ""

    @property
    def size(self):
        return self.end - self.start + 1

    def __str__(self):
        label = f" ({self.label})" if self.label else ""
        return f"[{self.start:#018x}-{self.end:#018x}] {self.kind}{label}"


@dataclass
class IommuRegion:
    group: str
    devices: list
    start: int
    end: int
    type: str


@dataclass
class GuestView:
    """What one guest saw. `ranges` is the normalized firmware memory map:
    sorted Range list with kinds ram/reserved/acpi/nvs/pmem/... ; x86 from
    the e820 the kernel printed, DT arches from memory nodes (memblock) plus
    /reserved-memory, MIPS from the MEMBLOCK dump."""
    arch: str
    mode: str
    ranges: list = field(default_factory=list)
    memory: list = field(default_factory=list)      # merged RAM blocks
    reserved: list = field(default_factory=list)    # every guest reservation
    e820: list = field(default_factory=list)        # BIOS-e820 lines
    e820_extended: list = field(default_factory=list)  # after SETUP_E820_EXT
    e820_user: list = field(default_factory=list)   # user: lines (memmap=)
    firmware_memmap: list = field(default_factory=list)
    memblock_memory: list = field(default_factory=list)
    memblock_reserved: list = field(default_factory=list)
    early_node_ranges: list = field(default_factory=list)
    iomem: list = field(default_factory=list)        # (depth, Range)
    dt_regs: dict = field(default_factory=dict)      # node -> (regs, flags)
    iommu: list = field(default_factory=list)        # IommuRegion
    acpi_tables: list = field(default_factory=list)
    acpi_hex: dict = field(default_factory=dict)     # name -> bytes
    cmdline: str = ""
    dmesg: list = field(default_factory=list)
    sections: dict = field(default_factory=dict)     # raw tagged lines
    monitor_replies: list = field(default_factory=list)  # QMP (runner)
    console: str = ""
    exit_status: int = None
    seconds: float = 0.0
    log_path: str = ""


def evidence_lines(console):
    """Tagged lines between the markers; None when the end never came.

    The markers are found anywhere in the text, not only as whole lines:
    a console message from firmware or a panicking kernel may share a line
    with one, and a missed marker would fail a good boot."""
    text = console.replace("\r", "")
    first = text.find(BEGIN)
    last = text.find(END, first + len(BEGIN)) if first >= 0 else -1
    if last < 0:
        return None
    lines = text[first + len(BEGIN):last].split("\n")
    return [l for l in lines if l.startswith("MC:")]


def sections(lines):
    out = {}
    for line in lines:
        _, name, rest = line.split(":", 2)
        out.setdefault(name, []).append(rest)
    return out


TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
HEX = r"(?:0x)?([0-9a-fA-F]+)"
MEMRANGE = re.compile(r"\[mem " + HEX + "-" + HEX + r"\]\s*(.*)$")


def strip_ts(line):
    return TIMESTAMP.sub("", line)


def e820_lines(dmesg, prefix):
    """Ranges from lines like 'BIOS-e820: [mem 0x..-0x..] usable'."""
    out = []
    for line in dmesg:
        if not line.startswith(prefix + ": [mem"):
            continue
        m = MEMRANGE.search(line)
        name = m.group(3).strip()
        out.append(Range(int(m.group(1), 16), int(m.group(2), 16),
                         E820_KIND.get(name, name)))
    return out


def zone_present(lines):
    """/proc/zoneinfo lines (the zoneinfo section): present pages per node,
    summed over its zones."""
    out, node = {}, None
    for line in lines:
        m = re.match(r"Node (\d+), zone", line)
        if m:
            node = int(m.group(1))
            out.setdefault(node, 0)
            continue
        m = re.match(r"\s+present\s+(\d+)", line)
        if m and node is not None:
            out[node] += int(m.group(1))
    return out


def node_memtotal(lines):
    """nodemem section lines ("nodeN|Node N MemTotal: K kB"): node -> bytes."""
    out = {}
    for line in lines:
        name, _, text = line.partition("|")
        m = re.search(r"MemTotal:\s+(\d+) kB", text)
        if m and name.startswith("node"):
            out[int(name[4:])] = int(m.group(1)) * 1024
    return out


def node_distance(lines):
    """nodedist section lines ("nodeN|D0 D1 ..."): node -> its distances
    to nodes 0, 1, ... (/sys/devices/system/node/nodeN/distance)."""
    out = {}
    for line in lines:
        name, _, text = line.partition("|")
        if name.startswith("node") and name[4:].isdigit():
            out[int(name[4:])] = [int(d) for d in text.split()]
    return out


def early_node_ranges(dmesg):
    out = []
    inside = False
    for line in dmesg:
        if line.startswith("Early memory node ranges"):
            inside, out = True, []
            continue
        m = MEMRANGE.search(line) if inside else None
        if m and re.match(r"\s*node\s+\d+:", line):
            out.append(Range(int(m.group(1), 16), int(m.group(2), 16)))
        elif inside:
            inside = False
    return out


MB_DUMP = re.compile(r"^\s*(memory|reserved)\[0x[0-9a-f]+\]\s+\[" + HEX
                     + "-" + HEX + r"\]")


def memblock_dump(dmesg):
    """The last 'MEMBLOCK configuration' dump: (memory, reserved) lists."""
    mem, res = [], []
    for line in dmesg:
        if line.startswith("MEMBLOCK configuration"):
            mem, res = [], []
        m = MB_DUMP.match(line)
        if m:
            r = Range(int(m.group(2), 16), int(m.group(3), 16),
                      "ram" if m.group(1) == "memory" else "reserved")
            (mem if m.group(1) == "memory" else res).append(r)
    return mem, res


DEBUGFS = re.compile(r"0x([0-9a-f]+)\.\.0x([0-9a-f]+)")


def memblock_debugfs(lines, kind):
    out = []
    for line in lines:
        m = DEBUGFS.search(line)
        if m:
            out.append(Range(int(m.group(1), 16), int(m.group(2), 16), kind))
    return out


def iomem(lines):
    """(depth, Range) per /proc/iomem line; depth = indentation / 2."""
    out = []
    for line in lines:
        m = re.match(r"^(\s*)([0-9a-f]+)-([0-9a-f]+) : (.*)$", line)
        if m:
            out.append((len(m.group(1)) // 2,
                        Range(int(m.group(2), 16), int(m.group(3), 16),
                              "iomem", m.group(4))))
    return out


def firmware_memmap(lines):
    out = []
    for line in lines:
        start, end, kind = line.split(" ", 2)
        out.append(Range(int(start, 16), int(end, 16),
                         MEMMAP_KIND.get(kind, kind)))
    return sorted(out)


def _cells(hexstr, n):
    words = [int(hexstr[i:i + 8], 16) for i in range(0, len(hexstr), 8)]
    vals = []
    for i in range(0, len(words) - n + 1, n):
        v = 0
        for w in words[i:i + n]:
            v = (v << 32) | w
        vals.append(v)
    return vals


def dt_regs(lines, root_cells):
    """node -> ([(start, size)], flags); reg decoded with the root's cells
    (reserved-memory must use the root's cells to be valid anyway)."""
    ac = root_cells.get("#address-cells", 2)
    sc = root_cells.get("#size-cells", 2)
    out = {}
    for line in lines:
        node, hexreg, flags = line.split("|", 2)
        vals = _cells(hexreg, 1)
        regs = []
        step = ac + sc
        for i in range(0, len(vals) - step + 1, step):
            addr = _join(vals[i:i + ac])
            size = _join(vals[i + ac:i + step])
            regs.append((addr, size))
        out[node] = (regs, flags.split())
    return out


def _join(words):
    v = 0
    for w in words:
        v = (v << 32) | w
    return v


def dt_root_cells(lines):
    out = {}
    for line in lines:
        name, hexval = line.split("|", 1)
        out[name] = int(hexval, 16)
    return out


def iommu_regions(lines):
    out = []
    for line in lines:
        group, devs, region = line.split("|", 2)
        parts = region.split()
        if len(parts) >= 3:
            out.append(IommuRegion(group, devs.split(), int(parts[0], 16),
                                   int(parts[1], 16), parts[2]))
    return out


def merge(ranges, kind=None):
    """Sorted union of ranges, adjacent or overlapping ones joined."""
    out = []
    for r in sorted(ranges):
        if out and r.start <= out[-1].end + 1:
            last = out[-1]
            out[-1] = Range(last.start, max(last.end, r.end), last.kind)
        else:
            out.append(Range(r.start, r.end, kind or r.kind))
    return out


def acpi_hex(lines):
    """{table: bytes} from 'NAME|hex' lines, in order."""
    chunks = {}
    for line in lines:
        name, hexpart = line.split("|", 1)
        chunks.setdefault(name, []).append(hexpart.strip())
    return {k: bytes.fromhex("".join(v)) for k, v in chunks.items()}


# What a kernel logs when it disagrees with the tables it was handed, or
# breaks: any such line fails a boot unless the test names it as expected
# (Artifacts.expect_log). Words, not exact messages, so a newer kernel's
# rewording is still caught.
COMPLAINT = re.compile(
    r"Firmware Bug|FW_BUG|Firmware Warn|WARNING:|cut here|Call Trace|"
    r"Kernel panic|\bBUG:|Oops|"
    r"too many entries|"
    r"^(OF: (reserved mem|fdt)|DMAR|DMAR-IR|ACPI: IORT|IORT|iommu|AMD-Vi|"
    r"memblock|e820|ACPI)[:\s].*"
    r"\b(fail|failed|error|invalid|ignor\w*|overlap\w*|bogus|broken|bad|"
    r"truncat\w*|not (?:supported|aligned)|unsupported|cannot|can't|"
    r"skip\w*)\b",
    re.I)

# Lines about what QEMU itself does not provide, whatever tables we hand
# over: pseries' NVRAM is blank, the pc machine has no MMCONFIG, Malta's
# GT-64120 host bridge has BARs that cannot be sized.
MALTA_BRIDGE = r"pci 0000:00:00\.0: \[Firmware Bug\]: BAR \d: invalid; can't size"
ENVIRONMENT = {
    "ppc64le": [r"nvram"],
    "x86_64": [r"fail to add MMCONFIG information"],
    "mips64el": [MALTA_BRIDGE],
    "mipsel": [MALTA_BRIDGE],
}


def complaints(view, expected=()):
    """dmesg lines that complain, less the arch's environment lines and
    the patterns the test expects."""
    allowed = [re.compile(p) for p in
               list(ENVIRONMENT.get(view.arch, [])) + list(expected)]
    return [l for l in view.dmesg if COMPLAINT.search(l)
            and not any(a.search(l) for a in allowed)]


def memmap_entries(lines):
    """'/sys/firmware/memmap/N/FILE:value' lines -> 'start end type' per
    entry, in N order (the form the sections carry)."""
    entries = {}
    for line in lines:
        path, _, value = line.partition(":")
        parts = path.rsplit("/", 2)
        if len(parts) == 3 and parts[1].isdigit():
            entries.setdefault(int(parts[1]), {})[parts[2]] = value.strip()
    return [f"{e.get('start')} {e.get('end')} {e.get('type')}"
            for _, e in sorted(entries.items())]


def fill(view, secs):
    """Populate view from the tagged sections of one boot."""
    if "memmapfile" in secs:
        secs["memmap"] = memmap_entries(secs.pop("memmapfile"))
    view.sections = secs
    view.cmdline = " ".join(secs.get("cmdline", []))
    view.dmesg = [strip_ts(l) for l in secs.get("dmesg", [])]
    view.iomem = iomem(secs.get("iomem", []))
    view.firmware_memmap = firmware_memmap(secs.get("memmap", []))
    view.memblock_memory = memblock_debugfs(secs.get("memblock-memory", []),
                                            "ram")
    view.memblock_reserved = memblock_debugfs(
        secs.get("memblock-reserved", []), "reserved")
    view.dt_regs = dt_regs(secs.get("dtreg", []),
                           dt_root_cells(secs.get("dtroot", [])))
    view.iommu = iommu_regions(secs.get("iommu", []))
    view.acpi_tables = secs.get("acpitables", [])
    view.acpi_hex = acpi_hex(secs.get("acpihex", []))
    view.e820 = e820_lines(view.dmesg, "BIOS-e820")
    view.e820_extended = e820_lines(view.dmesg, "extended")
    view.e820_user = e820_lines(view.dmesg, "user")
    view.early_node_ranges = early_node_ranges(view.dmesg)
    NORMALIZE[view.arch](view)
    return view


def _iomem_reserved(view):
    return [r for _, r in view.iomem if r.label == "reserved"]


def _normalize_x86(view):
    # The last table the kernel printed is the one it uses: memmap= edits
    # come after a SETUP_E820_EXT node, which comes after the zero page's.
    view.ranges = sorted(view.e820_user or view.e820_extended or view.e820)
    view.memory = merge([r for r in view.ranges if r.kind == "ram"])
    view.reserved = sorted([r for r in view.ranges if r.kind != "ram"]
                           + view.memblock_reserved)


def _dt_reserved(view):
    out = []
    for node, (regs, flags) in sorted(view.dt_regs.items()):
        if not node.startswith("/reserved-memory/") or "status" in flags:
            continue
        label = node.rsplit("/", 1)[1] + "".join(" " + f for f in flags)
        out += [Range(a, a + s - 1, "reserved", label) for a, s in regs if s]
    return out


def _normalize_dt(view):
    blocks = view.memblock_memory or view.early_node_ranges
    view.memory = merge(blocks, "ram")
    dt_res = _dt_reserved(view)
    view.ranges = sorted(view.memory + dt_res)
    view.reserved = sorted(dt_res + view.memblock_reserved
                           + _iomem_reserved(view))


def _normalize_mips(view):
    mem, res = memblock_dump(view.dmesg)
    view.memblock_memory = view.memblock_memory or mem
    view.memblock_reserved = view.memblock_reserved or res
    view.memory = merge(view.memblock_memory or view.early_node_ranges,
                        "ram")
    view.ranges = list(view.memory)
    view.reserved = sorted(view.memblock_reserved)


NORMALIZE = {
    "x86_64": _normalize_x86,
    "arm64": _normalize_dt,
    "ppc64le": _normalize_dt,
    "riscv64": _normalize_dt,
    "mips64el": _normalize_mips,
    "mipsel": _normalize_mips,
}
