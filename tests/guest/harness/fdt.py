"""A small flattened-device-tree reader/writer (DTB version 17).

Enough to patch /chosen, drop properties and rewrite the memory-reserve
map; nodes and properties keep their order, so an unpatched tree
round-trips byte for byte apart from the strings-block layout.
"""

import struct

MAGIC = 0xd00dfeed
BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9


class Node:
    def __init__(self, name):
        self.name = name
        self.props = []      # [(name, bytes)] in order
        self.children = []   # [Node]

    def prop(self, name):
        for n, v in self.props:
            if n == name:
                return v
        return None

    def set(self, name, value):
        for i, (n, _) in enumerate(self.props):
            if n == name:
                self.props[i] = (name, value)
                return
        self.props.append((name, value))

    def drop(self, name):
        self.props = [(n, v) for n, v in self.props if n != name]

    def child(self, name, create=False):
        for c in self.children:
            if c.name == name:
                return c
        if not create:
            return None
        node = Node(name)
        self.children.append(node)
        return node


class Tree:
    def __init__(self, root, reserves, boot_cpuid=0):
        self.root = root
        self.reserves = reserves   # [(addr, size)]
        self.boot_cpuid = boot_cpuid

    def node(self, path, create=False):
        cur = self.root
        for part in [p for p in path.split("/") if p]:
            cur = cur.child(part, create)
            if cur is None:
                return None
        return cur

    def walk(self, node=None, path=""):
        node = node or self.root
        yield path or "/", node
        for c in node.children:
            yield from self.walk(c, f"{path}/{c.name}")


def _cstr(buf, off):
    end = buf.index(b"\0", off)
    return buf[off:end].decode(), end + 1


def loads(blob):
    (magic, _size, off_struct, off_strings, off_rsv, _ver, _comp, cpuid,
     _sz_strings, _sz_struct) = struct.unpack_from(">10I", blob)
    if magic != MAGIC:
        raise ValueError("not a DTB (bad magic)")
    reserves = []
    off = off_rsv
    while True:
        addr, size = struct.unpack_from(">QQ", blob, off)
        off += 16
        if addr == 0 and size == 0:
            break
        reserves.append((addr, size))
    stack, root, off = [], None, off_struct
    while True:
        (token,) = struct.unpack_from(">I", blob, off)
        off += 4
        if token == BEGIN_NODE:
            name, off = _cstr(blob, off)
            off = (off + 3) & ~3
            node = Node(name)
            if stack:
                stack[-1].children.append(node)
            else:
                root = node
            stack.append(node)
        elif token == END_NODE:
            stack.pop()
        elif token == PROP:
            length, nameoff = struct.unpack_from(">II", blob, off)
            off += 8
            name, _ = _cstr(blob, off_strings + nameoff)
            stack[-1].props.append((name, bytes(blob[off:off + length])))
            off = (off + length + 3) & ~3
        elif token == NOP:
            continue
        elif token == END:
            break
        else:
            raise ValueError(f"bad FDT token {token:#x} at {off - 4:#x}")
    return Tree(root, reserves, cpuid)


def dumps(tree):
    strings, offsets = bytearray(), {}

    def string_off(name):
        if name not in offsets:
            offsets[name] = len(strings)
            strings.extend(name.encode() + b"\0")
        return offsets[name]

    struct_blk = bytearray()

    def emit(node):
        struct_blk.extend(struct.pack(">I", BEGIN_NODE))
        name = node.name.encode() + b"\0"
        struct_blk.extend(name + b"\0" * (-len(name) % 4))
        for pname, value in node.props:
            struct_blk.extend(struct.pack(">III", PROP, len(value),
                                          string_off(pname)))
            struct_blk.extend(value + b"\0" * (-len(value) % 4))
        for c in node.children:
            emit(c)
        struct_blk.extend(struct.pack(">I", END_NODE))

    emit(tree.root)
    struct_blk.extend(struct.pack(">I", END))
    rsv = b"".join(struct.pack(">QQ", a, s) for a, s in tree.reserves)
    rsv += struct.pack(">QQ", 0, 0)
    off_rsv = 40 + (-40 % 8)
    off_struct = off_rsv + len(rsv)
    off_strings = off_struct + len(struct_blk)
    total = off_strings + len(strings)
    header = struct.pack(">10I", MAGIC, total, off_struct, off_strings,
                         off_rsv, 17, 16, tree.boot_cpuid, len(strings),
                         len(struct_blk))
    out = header + b"\0" * (off_rsv - 40) + rsv + struct_blk + strings
    return bytes(out)


def load(path):
    with open(path, "rb") as f:
        return loads(f.read())


def u32(*vals):
    return b"".join(struct.pack(">I", v) for v in vals)


def u64(*vals):
    return b"".join(struct.pack(">Q", v) for v in vals)


def string(s):
    return s.encode() + b"\0"


def cells(tree, path="/"):
    node = tree.node(path)
    ac = node.prop("#address-cells")
    sc = node.prop("#size-cells")
    return (struct.unpack(">I", ac)[0] if ac else 2,
            struct.unpack(">I", sc)[0] if sc else 1)


def decode_reg(value, ac, sc):
    words = struct.unpack(f">{len(value) // 4}I", value)
    out = []
    for i in range(0, len(words) - ac - sc + 1, ac + sc):
        addr = size = 0
        for w in words[i:i + ac]:
            addr = (addr << 32) | w
        for w in words[i + ac:i + ac + sc]:
            size = (size << 32) | w
        out.append((addr, size))
    return out


def encode_reg(pairs, ac, sc):
    out = b""
    for addr, size in pairs:
        for n, v in ((ac, addr), (sc, size)):
            out += b"".join(struct.pack(">I", (v >> (32 * (n - 1 - i)))
                                        & 0xffffffff) for i in range(n))
    return out


def memory_ranges(tree):
    """(start, size) of every device_type=memory node, in tree order."""
    ac, sc = cells(tree)
    out = []
    for _, node in tree.walk():
        if node.prop("device_type") == b"memory\0" and \
                node.prop("status") in (None, b"okay\0"):
            out += decode_reg(node.prop("reg") or b"", ac, sc)
    return out
