#!/usr/bin/env python3
"""The layout rule of the ABI guard (tests/abi baseline; numa.md §2).

    tests/abi-layout.py OLD.abi NEW.abi

Compares the public structs and enums of two libabigail corpora (the
probe's types.abi) and says whether a program built against OLD still
works with NEW under the same SONAME. A struct change is compatible when
and only when:

  - the struct's size is unchanged, and
  - every member of OLD that is not a reserved one (its name starts with
    "reserved") is in NEW under the same name, at the same offset, with the
    same type.

So every inserted member sits in former padding or reserved space, which a
1.0 program leaves zero (the header asks for it), and no member such a
program reads or writes moved. Reserved members may shrink, split or go.
An enum change is compatible when every enumerator of OLD keeps its value
(new ones appended). A struct or enum of OLD that is gone from NEW is
incompatible. Every verdict is printed; the exit status is 0 when all are
compatible, 1 otherwise, 2 on a usage error.
"""
import sys
import xml.etree.ElementTree as ET


def load(path):
    """Each type-id's element, and the public structs and enums by name."""
    root = ET.parse(path).getroot()
    by_id, structs, enums = {}, {}, {}
    for el in root.iter():
        tid = el.get("id")
        if tid:
            by_id[tid] = el
        name = el.get("name") or ""
        if not name.startswith("mc_"):
            continue
        if el.tag == "class-decl" and el.get("is-declaration-only") != "yes":
            structs[name] = el
        elif el.tag == "enum-decl":
            enums[name] = el
    return by_id, structs, enums


def type_str(by_id, tid, depth=0):
    """A type as C would spell it, enough to tell two types apart."""
    el = by_id.get(tid)
    if el is None or depth > 32:
        return "?" + str(tid)
    tag = el.tag
    if tag in ("type-decl", "typedef-decl"):
        return el.get("name")
    if tag == "class-decl":
        if el.get("is-anonymous") == "yes":
            return "struct {%s}" % members_str(by_id, el, depth + 1)
        return "struct " + el.get("name")
    if tag == "union-decl":
        return "union " + (el.get("name") or "{}")
    if tag == "enum-decl":
        return "enum " + el.get("name")
    if tag == "pointer-type-def":
        return type_str(by_id, el.get("type-id"), depth + 1) + "*"
    if tag == "qualified-type-def":
        quals = [q for q in ("const", "volatile", "restrict")
                 if el.get(q) == "yes"]
        return " ".join(quals + [type_str(by_id, el.get("type-id"),
                                          depth + 1)])
    if tag == "array-type-def":
        return "%s[%s bits]" % (type_str(by_id, el.get("type-id"),
                                         depth + 1), el.get("size-in-bits"))
    if tag == "function-type":
        params = [type_str(by_id, p.get("type-id"), depth + 1)
                  for p in el.findall("parameter")]
        ret = el.find("return")
        return "%s(%s)" % (type_str(by_id, ret.get("type-id"), depth + 1)
                           if ret is not None else "void", ", ".join(params))
    return tag


def members(by_id, el, depth=0):
    """{name: (offset in bits, type)} of a struct's data members."""
    out = {}
    for dm in el.findall("data-member"):
        var = dm.find("var-decl")
        out[var.get("name")] = (int(dm.get("layout-offset-in-bits", "0")),
                                type_str(by_id, var.get("type-id"), depth))
    return out


def members_str(by_id, el, depth):
    m = members(by_id, el, depth)
    return "; ".join("%s %s@%d" % (t, n, o) for n, (o, t) in sorted(m.items()))


def check_struct(name, old, new, o_ids, n_ids):
    """The reasons struct @name's change is incompatible (none: fine)."""
    why = []
    if old.get("size-in-bits") != new.get("size-in-bits"):
        why.append("size %s -> %s bits" % (old.get("size-in-bits"),
                                           new.get("size-in-bits")))
    nm = members(n_ids, new)
    for mname, (off, typ) in members(o_ids, old).items():
        if mname.startswith("reserved"):
            continue
        if mname not in nm:
            why.append("member '%s' deleted" % mname)
        elif nm[mname][0] != off:
            why.append("member '%s' moved from bit %d to %d"
                       % (mname, off, nm[mname][0]))
        elif nm[mname][1] != typ:
            why.append("member '%s' changed type: %s -> %s"
                       % (mname, typ, nm[mname][1]))
    return why


def check_enum(old, new):
    values = {e.get("name"): e.get("value") for e in new.findall("enumerator")}
    why = []
    for e in old.findall("enumerator"):
        name, value = e.get("name"), e.get("value")
        if values.get(name) != value:
            why.append("enumerator %s %s" % (name, "deleted" if name not in
                       values else "changed %s -> %s" % (value, values[name])))
    return why


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    o_ids, o_structs, o_enums = load(argv[1])
    n_ids, n_structs, n_enums = load(argv[2])
    bad = 0
    for name, old in sorted(o_structs.items()):
        new = n_structs.get(name)
        why = ["deleted"] if new is None else \
            check_struct(name, old, new, o_ids, n_ids)
        before, after = members(o_ids, old), new is not None and \
            members(n_ids, new)
        if why:
            bad = 1
            print("abi-layout: struct %s: incompatible: %s"
                  % (name, "; ".join(why)))
        elif before != after:
            added = sorted(set(after) - set(before))
            print("abi-layout: struct %s: compatible (same size, no member "
                  "but reserved ones changed; added: %s)"
                  % (name, ", ".join(added) or "none"))
    for name, old in sorted(o_enums.items()):
        new = n_enums.get(name)
        why = ["deleted"] if new is None else check_enum(old, new)
        if why:
            bad = 1
            print("abi-layout: enum %s: incompatible: %s"
                  % (name, "; ".join(why)))
        elif len(new.findall("enumerator")) != len(old.findall("enumerator")):
            print("abi-layout: enum %s: compatible (enumerators appended)"
                  % name)
    return bad


if __name__ == "__main__":
    sys.exit(main(sys.argv))
