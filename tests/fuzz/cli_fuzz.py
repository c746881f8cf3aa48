#!/usr/bin/env python3
"""The memcarve tool under random misuse (issue 14).

    tests/fuzz/cli_fuzz.py TOOL [--asan ASAN_TOOL] [--seconds N] [--seed S]
                           [--findings DIR]

Each run draws a command and options from the tool's own --help, positional
arguments and option values from fixtures, mutated maps, random blobs and
special inputs (/dev/zero, an empty file, a directory, a FIFO nobody
writes to, '-' once or twice, standard input from any of them), and output
paths in a writable, a read-only and a full directory. TOOL runs under an
address-space limit (ulimit -v), and both a CPU-time limit (ulimit -t)
and a wall-clock timeout for runs blocked on input; ASAN_TOOL, an
ASan+UBSan build, runs every other input without the address-space limit,
which ASan cannot live with.

A run passes when it exits 0, 1 or 2 (no signal, no timeout, no
sanitizer report) and, when it fails, leaves no file at any output path it
was given and no temporary file in the output directory. A failing run is
written to the findings directory as a shell script that replays it.
Needs root for the read-only and full tmpfs mounts; fails loudly without.
"""
import argparse
import os
import random
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MEM_LIMIT = 1 << 30     # ulimit -v for TOOL: 4x the 256 MiB input cap
CPU_LIMIT = 10          # seconds of CPU per run (ulimit -t); most take ms
TIMEOUT = 120           # wall seconds: a run blocked on nothing; generous,
                        # as a nice'd run on a busy machine waits its turn
OUTPUT_OPTS = {"output", "dir", "setup-data-out"}
SAN_EXIT = {86: "AddressSanitizer", 87: "UBSan", 88: "LeakSanitizer"}
SAN_ENV = {"ASAN_OPTIONS": "exitcode=86:detect_leaks=1:hard_rss_limit_mb=3000:"
                           "allocator_may_return_null=1",
           "UBSAN_OPTIONS": "exitcode=87:halt_on_error=1:print_stacktrace=1",
           "LSAN_OPTIONS": "exitcode=88"}
NUMBERS = ["0", "1", "2", "11", "12", "64", "65", "99", "255", "256", "4K",
           "1K", "64K", "2M", "0x20000", "0x80000", "0x9ff00", "0xa0000",
           "0x100000000", "0xffffffffffffffff", "0x10000000000000000", "-1",
           "1T", "99999999999999999999", "abc", "", "0x", "16M", "4096"]


def parse_help(tool):
    """Commands and their options (name, short, takes a value, help)."""
    out = subprocess.run([tool, "--help"], capture_output=True, text=True).stdout
    cmds = re.findall(r"^  ([a-z0-9]+) {2,}", out.split("Options:")[0], re.M)
    opt_re = re.compile(r"^  (?:-(\w), )? *--([\w-]+)(?: (\S+))? {2,}(.*)$", re.M)
    spec = {}
    for c in cmds:
        text = subprocess.run([tool, c, "--help"], capture_output=True,
                              text=True).stdout
        spec[c] = opt_re.findall(text)
    return spec


def choice_words(help_text):
    """Words a help line offers as values: 'text, table or zeropage'."""
    return [w for w in re.findall(r"[a-z][a-z0-9_-]{1,15}", help_text)
            if w not in ("or", "the", "and", "of", "for", "with", "default")]


class Inputs:
    """Every input file a run may name, built once in @scratch."""

    def __init__(self, scratch, rng):
        self.rng = rng
        self.dir = os.path.join(scratch, "in")
        os.mkdir(self.dir)
        fixtures = []
        for root, _, files in os.walk(os.path.join(TOP, "fixtures")):
            fixtures += [os.path.join(root, f) for f in sorted(files)
                         if not f.endswith((".err", ".list"))]
        fixtures.sort()
        self.fixtures = fixtures
        self.maps = [f for f in fixtures if f.endswith((".map", ".resv"))]
        self.blobs = [f for f in fixtures if f.endswith(
            (".dtb", ".aml", ".bin", ".zeropage", ".table", ".setup_data"))]
        self.special = self._special()
        self.n = 0

    def _special(self):
        empty = os.path.join(self.dir, "empty")
        open(empty, "w").close()
        fifo = os.path.join(self.dir, "fifo")
        os.mkfifo(fifo)         # nobody ever writes to it
        return ["/dev/zero", "/dev/null", empty, self.dir, fifo,
                os.path.join(self.dir, "no-such-file"), "-"]

    def _write(self, data):
        self.n += 1
        path = os.path.join(self.dir, f"gen{self.n % 64}")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def mutated_map(self):
        lines = open(self.rng.choice(self.maps), "rb").read().split(b"\n")
        for _ in range(self.rng.randint(1, 4)):
            lines = lines or [b""]
            i = self.rng.randrange(len(lines))
            op = self.rng.randrange(5)
            if op == 0:
                lines.insert(i, lines[self.rng.randrange(len(lines))])
            elif op == 1:
                del lines[i]
            elif op == 2:
                lines[i] = re.sub(rb"0x[0-9a-f]+|\b\d+[KMGT]?\b",
                                  self.rng.choice(NUMBERS).encode(), lines[i],
                                  count=1)
            elif op == 3:
                lines[i] += bytes(self.rng.randrange(256) for _ in range(3))
            else:
                lines[i] = self.rng.choice([b"granule 1K", b"ram 0 0",
                                            b"arch riscv", b"x" * 5000,
                                            b"reserved 0 16E", b"policy abort"])
        return self._write(b"\n".join(lines))

    def mutated_blob(self):
        data = bytearray(open(self.rng.choice(self.blobs), "rb").read())
        op = self.rng.randrange(3)
        if op == 0 and data:
            del data[self.rng.randrange(len(data)):]
        elif op == 1:
            for _ in range(self.rng.randint(1, 8)):
                if data:
                    data[self.rng.randrange(len(data))] = self.rng.randrange(256)
        else:
            data = bytes(self.rng.randrange(256)
                         for _ in range(self.rng.randrange(1, 5000)))
        return self._write(bytes(data))

    def pick(self):
        r = self.rng.random()
        if r < 0.35:
            return self.rng.choice(self.maps)
        if r < 0.55:
            return self.mutated_map()
        if r < 0.70:
            return self.rng.choice(self.blobs)
        if r < 0.82:
            return self.mutated_blob()
        return self.rng.choice(self.special)


class Outputs:
    """A writable, a read-only and a full directory for output paths."""

    def __init__(self, scratch):
        self.ok = os.path.join(scratch, "out")
        self.ro = os.path.join(scratch, "ro")
        self.full = os.path.join(scratch, "full")
        for d in (self.ok, self.ro, self.full):
            os.mkdir(d)
        mount(["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", self.ro])
        mount(["-t", "tmpfs", "-o", "size=16k", "tmpfs", self.full])
        with open(os.path.join(self.full, "fill"), "wb") as f:
            try:
                f.write(b"\0" * 65536)
            except OSError:
                pass
        self.n = 0

    def pick(self, rng):
        self.n += 1
        d = rng.choice([self.ok, self.ok, self.ok, self.ro, self.full])
        name = rng.choice([f"o{self.n}", f"o{self.n}/sub", "."])
        return os.path.join(d, name) if name != "." else d

    def clean(self):
        for d in (self.ok, self.full):
            for f in os.listdir(d):
                p = os.path.join(d, f)
                if p == os.path.join(self.full, "fill"):
                    continue
                shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)

    def close(self):
        for d in (self.ro, self.full):
            subprocess.run(["umount", d], capture_output=True)


def mount(args):
    r = subprocess.run(["mount"] + args, capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"cli-fuzz: mount {' '.join(args)} failed (needs root): "
                 f"{r.stderr.strip()}")


def option_value(rng, name, arg, text, inputs, outputs, outs):
    if name in OUTPUT_OPTS:
        val = outputs.pick(rng)
        outs.append(val)
    elif "FILE" in arg or arg in ("BZIMAGE", "IN.aml", "DTB"):
        val = inputs.pick()
    elif rng.random() < 0.6 and choice_words(text):
        val = rng.choice(choice_words(text))
    else:
        val = rng.choice(NUMBERS)
    return val


def draw_argv(spec, rng, inputs, outputs):
    """A command line, and the output paths it names."""
    cmd = rng.choice(sorted(spec))
    opts = spec[cmd]
    argv, outs = [], []
    if rng.random() < 0.97:
        argv.append(cmd)
    for _ in range(rng.choice([0, 1, 1, 1, 1, 1, 1, 2, 3])):
        argv.append(inputs.pick())
    outputs_first = [o for o in opts if o[1] in OUTPUT_OPTS]
    picks = [rng.choice(opts) for _ in range(rng.randint(0, 4))]
    if outputs_first and rng.random() < 0.7:
        picks.insert(0, rng.choice(outputs_first))
    seen = set()
    for short, name, arg, text in picks:
        if name in seen and rng.random() < 0.9:
            continue    # mostly options once: "given twice" is one test
        seen.add(name)
        if not arg:
            argv.append(f"--{name}=x" if rng.random() < 0.05 else f"--{name}")
            continue
        val = option_value(rng, name, arg, text, inputs, outputs, outs)
        form = rng.randrange(4)
        if form == 0 and short:
            argv.append(f"-{short}{val}")
        elif form == 1:
            argv.append(f"--{name}={val}")
        else:
            argv += [f"-{short}" if short and form == 2 else f"--{name}", val]
    if rng.random() < 0.05:
        rng.shuffle(argv)
    return argv, outs


def limit_cpu():
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT, CPU_LIMIT + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def limit_memory():
    limit_cpu()
    resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT, MEM_LIMIT))


def run_one(tool, argv, stdin_path, asan):
    env = dict(os.environ, **SAN_ENV) if asan else os.environ
    with open(stdin_path, "rb") if stdin_path != "-" else \
            open(os.devnull, "rb") as stdin:
        try:
            r = subprocess.run([tool] + argv, stdin=stdin, capture_output=True,
                               timeout=TIMEOUT, env=env,
                               preexec_fn=limit_cpu if asan else limit_memory)
        except subprocess.TimeoutExpired:
            return None, b""
    return r.returncode, r.stderr


def verdict(rc, err, outs, outputs):
    """Why the run failed, or None when it passed."""
    if rc is None:
        return f"no exit within {TIMEOUT} s"
    if rc == -signal.SIGXCPU:
        return f"more than {CPU_LIMIT} s of CPU"
    if rc < 0:
        return f"killed by signal {-rc}"
    if rc in SAN_EXIT or re.search(rb"Sanitizer|runtime error:", err):
        return f"sanitizer report (exit {rc})"
    if rc not in (0, 1, 2):
        return f"exit status {rc}"
    if rc != 0:
        left = [o for o in outs if os.path.lexists(o) and
                o.startswith((outputs.ok + "/", outputs.full + "/"))]
        if left:
            return f"failed, but left {', '.join(left)}"
    litter = [f for d in (outputs.ok, outputs.full) for f in os.listdir(d)
              if f.startswith(".")]
    if litter:
        return f"left temporary files {litter}"
    return None


def record(findings, n, tool, argv, stdin_path, why, err):
    os.makedirs(findings, exist_ok=True)
    path = os.path.join(findings, f"finding-{n}.sh")
    quoted = " ".join("'" + a.replace("'", "'\\''") + "'" for a in argv)
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\n# {why}\n# stderr: {err[:300]!r}\n"
                f"{tool} {quoted} <'{stdin_path if stdin_path != '-' else '/dev/null'}'\n")
    os.chmod(path, 0o755)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("--asan")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--findings", default="build/fuzz/cli-findings")
    ap.add_argument("--verbose", action="store_true")
    ns = ap.parse_args()
    rng = random.Random(ns.seed)
    spec = parse_help(ns.tool)
    if len(spec) < 8:
        sys.exit(f"cli-fuzz: found only {sorted(spec)} in {ns.tool} --help")
    scratch = tempfile.mkdtemp(prefix="cli-fuzz.")
    inputs, outputs = Inputs(scratch, rng), None
    runs = bad = 0
    codes = {}
    try:
        outputs = Outputs(scratch)
        end = time.monotonic() + ns.seconds
        while time.monotonic() < end:
            argv, outs = draw_argv(spec, rng, inputs, outputs)
            stdin_path = rng.choice(inputs.maps + ["/dev/zero", "-",
                                                   inputs.special[2]])
            asan = bool(ns.asan) and runs % 2 == 1
            rc, err = run_one(ns.asan if asan else ns.tool, argv, stdin_path,
                              asan)
            why = verdict(rc, err, outs, outputs)
            runs += 1
            codes[rc] = codes.get(rc, 0) + 1
            if ns.verbose:
                print(rc, argv, err[:160])
            if why:
                bad += 1
                print(f"cli-fuzz: FAIL ({why}): memcarve {' '.join(argv)}\n"
                      f"  {err[:400]!r}\n  replay: "
                      f"{record(ns.findings, bad, ns.asan if asan else ns.tool, argv, stdin_path, why, err)}")
            outputs.clean()
    finally:
        if outputs:
            outputs.close()
        shutil.rmtree(scratch, ignore_errors=True)
    summary = ", ".join(f"{n} exit {c}" for c, n in sorted(
        codes.items(), key=lambda kv: str(kv[0])))
    print(f"cli-fuzz: seed {ns.seed}: {runs} runs in {ns.seconds:.0f} s ({summary}); "
          f"{bad} failed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
