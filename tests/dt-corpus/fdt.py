"""A flattened device tree read into Python: header, reserve map, nodes.

Just enough for the corpus checks: every node by path with its properties
in order, as dtc and libfdt see them. Written from the DT spec (5.x: the
header, the memory reservation block, the structure block's tokens).
"""

import struct

BEGIN_NODE, END_NODE, PROP, NOP, END = 1, 2, 3, 4, 9


class Tree:
    def __init__(self, blob):
        (magic, self.totalsize, off_struct, off_strings, off_rsv, version,
         _, _, size_strings, size_struct) = struct.unpack_from(">10I", blob)
        if magic != 0xd00dfeed or version < 17:
            raise ValueError("not a version-17 DTB")
        self.memreserve = []
        at = off_rsv
        while True:
            addr, size = struct.unpack_from(">QQ", blob, at)
            at += 16
            if addr == 0 and size == 0:
                break
            self.memreserve.append((addr, size))
        self.nodes = []          # (path, [(name, value bytes)]) in order
        strings = blob[off_strings:off_strings + size_strings]
        at, end, stack = off_struct, off_struct + size_struct, []
        while at < end:
            tag, = struct.unpack_from(">I", blob, at)
            at += 4
            if tag == BEGIN_NODE:
                name_end = blob.index(b"\0", at)
                name = blob[at:name_end].decode("latin-1")
                at = (name_end + 4) & ~3
                stack.append(name)
                path = "/" + "/".join(stack[1:])
                self.nodes.append((path, []))
            elif tag == PROP:
                length, nameoff = struct.unpack_from(">II", blob, at)
                at += 8
                name = strings[nameoff:strings.index(b"\0", nameoff)]
                # properties come before subnodes: the last node begun
                self.nodes[-1][1].append((name.decode("latin-1"),
                                          bytes(blob[at:at + length])))
                at = (at + length + 3) & ~3
            elif tag == END_NODE:
                stack.pop()
            elif tag == END:
                break
        self.by_path = {p: props for p, props in self.nodes}
        used = max(off_rsv + 16 * (len(self.memreserve) + 1),
                   off_struct + size_struct, off_strings + size_strings)
        self.free = max(self.totalsize - used, 0)

    def prop(self, path, name):
        for n, v in self.by_path.get(path, []):
            if n == name:
                return v
        return None

    def cells(self, name, default):
        v = self.prop("/", name)
        return struct.unpack(">I", v)[0] if v and len(v) == 4 else default

    def regs(self, path, ac, sc, prop="reg"):
        v = self.prop(path, prop) or b""
        step, out = 4 * (ac + sc), []
        for at in range(0, len(v) - step + 1, step):
            words = struct.unpack_from(f">{ac + sc}I", v, at)
            addr = size = 0
            for w in words[:ac]:
                addr = addr << 32 | w
            for w in words[ac:]:
                size = size << 32 | w
            out.append((addr, size))
        return out

    def children(self, path):
        prefix = "/" if path == "/" else path + "/"
        return [p for p, _ in self.nodes
                if p.startswith(prefix) and p != "/" and
                "/" not in p[len(prefix):]]


def available(tree, path):
    """Linux's of_fdt_device_is_available()."""
    status = tree.prop(path, "status")
    return status is None or status in (b"okay\0", b"ok\0")


def string(v):
    return v.rstrip(b"\0").decode("latin-1") if v is not None else None


def is_memory(tree, path):
    """What Linux reads as memory: a typed, available root child."""
    return string(tree.prop(path, "device_type")) == "memory" and \
        available(tree, path)


def replaced(tree, path):
    """The root children memcarve's memory nodes replace (dt/base.c)."""
    name = path[1:]
    untyped = tree.prop(path, "device_type") is None and \
        (name == "memory" or name.startswith("memory@"))
    return available(tree, path) and (is_memory(tree, path) or untyped)


def resv_node(tree):
    for p in tree.children("/"):
        if p == "/reserved-memory" or p.startswith("/reserved-memory@"):
            return p
    return None
