"""Boot one guest under QEMU (TCG) and return its GuestView."""

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

from . import fetch, initrd, parse, qmp
from .common import HarnessError, build_dir, need_file, need_tool

QEMU = {
    "x86_64": "qemu-system-x86_64",
    "arm64": "qemu-system-aarch64",
    "ppc64le": "qemu-system-ppc64",
    "mips64el": "qemu-system-mips64el",
    "mipsel": "qemu-system-mipsel",
    "riscv64": "qemu-system-riscv64",
}

CONSOLE = {
    "x86_64": "console=ttyS0",
    "arm64": "console=ttyAMA0",
    "ppc64le": "console=hvc0",
    "mips64el": "console=ttyS0",
    "mipsel": "console=ttyS0",
    "riscv64": "console=ttyS0",
}

# Every boot: no reboot loop after a panic, deterministic placement, a
# silent kernel console (dmesg keeps everything and init prints it between
# the markers; a kernel line on the console could split one of init's
# lines; a panic still prints), room in the log for memblock=debug.
COMMON_CMDLINE = "panic=-1 nokaslr loglevel=0 log_buf_len=4M memblock=debug"
ARCH_CMDLINE = {
    "arm64": "cma=0",  # the kernel's own CMA area would clutter reservations
    # On a loaded host TCG runs the guest so slowly that check_timer()
    # finds no timer interrupt and panics ("IO-APIC + timer doesn't work"),
    # silently at loglevel=0: seen on q35 boots during a parallel make.
    "x86_64": "no_timer_check",
}

# pseries capabilities TCG cannot provide must be switched off explicitly.
PSERIES = ("pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,"
           "cap-ccf-assist=off")
MACHINE = {
    "x86_64": ["-M", "pc", "-cpu", "qemu64"],
    "arm64": ["-M", "virt", "-cpu", "cortex-a57"],
    "ppc64le": ["-M", PSERIES, "-cpu", "POWER9"],
    "mips64el": ["-M", "malta", "-cpu", "5KEc"],
    "mipsel": ["-M", "malta"],
    # QEMU's own OpenSBI (fw_dynamic, qemu-system-data) runs first and
    # adds its mmode_resv* child to /reserved-memory before Linux starts.
    "riscv64": ["-M", "virt"],
}

# Plain pseries boots through VOF, QEMU's minimal client-interface
# firmware: 3x faster than SLOF and the guest gets the same tree.
PLAIN_MACHINE = {
    "ppc64le": ["-M", PSERIES + ",x-vof=on", "-cpu", "POWER9"],
}

DEFAULT_MEMORY = {"mipsel": "256M", "mips64el": "256M"}

X86_DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
X86_EXIT_STATUS = 3


@dataclass
class Artifacts:
    """Inputs of one boot. Paths are files; addresses are ints.

    mode: "plain" (QEMU's own firmware/loader), "stub" (our -bios stub with
    our DTB or zero page), "edk2" (arm64 through UEFI with QEMU's ACPI).
    """
    mode: str = "plain"
    kernel: str = "6.1"         # kernel series (fetch.MATRIX[arch])
    memory: str = None          # QEMU -m; default 512M (Malta 256M)
    cmdline: str = ""           # appended to the harness's own arguments
    dtb: str = None             # stub on arm64/ppc64le, plain on riscv64
                                # (-dtb; OpenSBI still fixes it up);
                                # default: the machine's own tree
    zero_page: str = None       # x86 stub: boot_params (4096 bytes)
    setup_data: list = field(default_factory=list)  # [(addr, path)]
    blobs: list = field(default_factory=list)       # [(addr, path)] raw
    acpi_tables: dict = field(default_factory=dict)  # initrd upgrade: name->bytes
    extra_cpio: bytes = b""     # uncompressed cpio placed before the initrd
    machine: list = None        # replaces MACHINE[arch] (e.g. q35 options)
    qemu_args: list = field(default_factory=list)
    timeout: int = 90
    name: str = None            # log file name (the series is appended)
    expect_log: list = field(default_factory=list)  # regexes: complaints
                                # (see complaints()) this boot expects
    verbose: bool = False       # full kernel console (debugging)
    memblock_debug: bool = True  # memblock=debug; off for tables of
                                # thousands of entries, whose memblock dump
                                # would push the first lines out of the
                                # kernel's early (static) log buffer
    monitor: list = field(default_factory=list)  # qmp.MonitorStep: QMP
                                # commands sent while the guest runs


def memory_of(arch, art):
    return art.memory or DEFAULT_MEMORY.get(arch, "512M")


def kernel_cmdline(arch, art):
    parts = [CONSOLE[arch], COMMON_CMDLINE, ARCH_CMDLINE.get(arch, ""),
             art.cmdline]
    line = " ".join(p for p in parts if p)
    if not art.memblock_debug:
        line = line.replace(" memblock=debug", "")
    return line.replace("loglevel=0", "loglevel=8") if art.verbose else line


def initrd_path(arch, art):
    extra = bytes(art.extra_cpio)
    if art.acpi_tables:
        extra = initrd.acpi_upgrade_cpio(_read_all(art.acpi_tables)) + extra
    return initrd.build(arch, extra)


def _read_all(tables):
    out = {}
    for name, val in tables.items():
        if isinstance(val, (bytes, bytearray)):
            out[name] = bytes(val)
        else:
            with open(val, "rb") as f:
                out[name] = f.read()
    return out


def loader(path, addr):
    return ["-device", f"loader,file={path},addr={addr:#x},force-raw=on"]


def base_args(arch, art):
    default = MACHINE[arch]
    if art.mode == "plain":
        default = PLAIN_MACHINE.get(arch, default)
    args = [QEMU[arch]] + (art.machine or default)
    args += ["-accel", "tcg", "-m", memory_of(arch, art), "-smp", "1",
             "-nodefaults", "-display", "none", "-serial", "stdio",
             "-no-reboot"]
    if arch == "x86_64":
        args += X86_DEBUG_EXIT
    return args


# QEMU's Malta hands the kernel its command line as one YAMON environment
# string of at most 255 bytes (hw/mips/malta.c: ENVP_ENTRY_SIZE 256),
# "rd_start=0x<kseg0 address> rd_size=<decimal> " first; the rest is cut.
MALTA_ENVP_STRING = 255


def _check_malta_line(arch, line, initrd):
    if arch not in ("mips64el", "mipsel"):
        return
    kseg0 = "0x" + ("ffffffff" if arch == "mips64el" else "") + "80000000"
    head = f"rd_start={kseg0} rd_size={os.path.getsize(initrd)} "
    if len(head) + len(line) > MALTA_ENVP_STRING:
        raise HarnessError(
            f"{arch}: the command line is {len(line)} bytes; QEMU's Malta "
            f"passes at most {MALTA_ENVP_STRING - len(head)} after its "
            f"'{head.strip()}' (one {MALTA_ENVP_STRING + 1}-byte YAMON "
            f"environment string) and would cut the rest")


# QEMU's riscv64 virt boots its bundled OpenSBI (-bios default).
OPENSBI = "/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin"


def plain_args(arch, art):
    if arch == "riscv64":
        need_file(OPENSBI, "qemu-system-data")
    k = fetch.ensure(arch, art.kernel)["kernel"]
    initrd = initrd_path(arch, art)
    line = kernel_cmdline(arch, art)
    _check_malta_line(arch, line, initrd)
    dtb = ["-dtb", art.dtb] if art.dtb else []
    return base_args(arch, art) + dtb + [
        "-kernel", k, "-initrd", initrd, "-append", line]


def _stub_args(arch, art):
    from . import stubboot  # it builds on this module
    return stubboot.args(arch, art)


# arm64 UEFI firmware (qemu-efi-aarch64).
EDK2 = "/usr/share/qemu-efi-aarch64/QEMU_EFI.fd"


def _edk2_args(arch, art):
    """arm64 through UEFI: edk2 loads -kernel/-initrd and installs QEMU's
    ACPI tables; acpi=force makes Linux use them rather than the DT."""
    if arch != "arm64":
        raise HarnessError("edk2 mode is arm64 only")
    need_file(EDK2, "qemu-efi-aarch64")
    k = fetch.ensure(arch, art.kernel)["kernel"]
    return base_args(arch, art) + [
        "-bios", EDK2, "-kernel", k, "-initrd", initrd_path(arch, art),
        "-append", kernel_cmdline(arch, art) + " acpi=force"]


# mode -> fn(arch, art) returning the QEMU argv.
MODES = {"plain": plain_args, "stub": _stub_args, "edk2": _edk2_args}


def register_mode(name, argv_fn):
    MODES[name] = argv_fn


# Stub-style inputs a plain boot takes: riscv64 hands -dtb to OpenSBI,
# which passes it on (with its own reservation added) to Linux.
PLAIN_INPUTS = {("dtb", "riscv64")}


def dump_dtb(arch, art, out):
    """The plain boot's own tree (QEMU's dumpdtb= on the same argv)."""
    argv = plain_args(arch, art)
    i = argv.index("-M") + 1
    argv[i] = argv[i] + f",dumpdtb={out}"
    need_tool(argv[0])
    proc = subprocess.run(["timeout", "30"] + argv + list(art.qemu_args),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    if proc.returncode != 0 or not os.path.exists(out):
        raise HarnessError(f"dumpdtb failed ({proc.returncode}): "
                           f"{proc.stdout.decode(errors='replace')}")
    return out


def _check_mode_inputs(arch, art):
    # Stub-only inputs in a plain boot would be silently unused.
    stray = [n for n in ("dtb", "zero_page", "setup_data", "blobs")
             if getattr(art, n) and (n, arch) not in PLAIN_INPUTS]
    if art.mode == "plain" and stray:
        raise HarnessError(f"{', '.join(stray)} only apply to mode 'stub'")


def qemu_command(arch, art):
    """The full QEMU argv for this boot (without the timeout wrapper)."""
    _check_mode_inputs(arch, art)
    if art.mode not in MODES:
        raise HarnessError(f"unknown mode '{art.mode}' (one of "
                           f"{', '.join(MODES)})")
    return MODES[art.mode](arch, art) + list(art.qemu_args)


def _log_path(arch, art):
    logs = os.path.join(build_dir(), "logs")
    os.makedirs(logs, exist_ok=True)
    return os.path.join(logs, f"{file_tag(arch, art)}.log")


def file_tag(arch, art):
    """Name of this boot's generated files: two series of one test may
    boot at the same time."""
    return f"{art.name or arch + '-' + art.mode}-{art.kernel}"


def boot(arch, art=None):
    """Boot arch with art; return the GuestView or raise HarnessError."""
    if arch not in QEMU:
        raise HarnessError(f"unknown arch '{arch}' (one of {', '.join(QEMU)})")
    art = art or Artifacts()
    argv = qemu_command(arch, art)
    need_tool(argv[0])
    need_tool("timeout")
    log_path = _log_path(arch, art)
    started = time.monotonic()
    replies = []
    with open(log_path, "wb") as out:
        out.write(("# " + " ".join(argv) + "\n").encode())
        out.flush()
        wrapped = ["timeout", "--kill-after=5", str(art.timeout)] + argv
        if art.monitor:
            status, replies = _run_monitored(wrapped, out, log_path, art)
        else:
            status = subprocess.run(wrapped, stdin=subprocess.DEVNULL,
                                    stdout=out,
                                    stderr=subprocess.STDOUT).returncode
    seconds = time.monotonic() - started
    with open(log_path, "rb") as f:
        console = f.read().decode(errors="replace")
    view = parse.GuestView(arch=arch, mode=art.mode, console=console,
                           exit_status=status, seconds=seconds,
                           log_path=log_path, monitor_replies=replies)
    _check_finished(view, art)
    parse.fill(view, parse.sections(parse.evidence_lines(console)))
    bad = parse.complaints(view, art.expect_log)
    if bad:
        raise HarnessError(f"{arch} {art.mode} boot (linux {art.kernel}): "
                           f"the kernel complained, and the test does not "
                           f"expect it:\n  " + "\n  ".join(bad)
                           + f"\nlog: {log_path}")
    return view


def _run_monitored(wrapped, out, log_path, art):
    """Run QEMU with a QMP socket and art.monitor's steps; its exit status
    and the replies. A failed step stops QEMU (timeout(1) passes the
    TERM on) and raises with the console's last lines."""
    sock_dir = tempfile.mkdtemp(prefix="memcarve-qmp-")  # sun_path: 108
    path = os.path.join(sock_dir, "qmp.sock")
    out.write(("# monitor: " + " ".join(qmp.qemu_args(path)) + "\n").encode())
    out.flush()
    proc = subprocess.Popen(wrapped + qmp.qemu_args(path),
                            stdin=subprocess.DEVNULL, stdout=out,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + art.timeout
    try:
        replies = qmp.drive(path, log_path, art.monitor, deadline,
                            lambda: proc.poll() is None)
    except BaseException as e:
        proc.terminate()
        proc.wait()
        if not isinstance(e, HarnessError):
            raise
        with open(log_path, "rb") as f:
            tail = f.read().decode(errors="replace").replace("\r", "")
        tail = "\n".join(tail.splitlines()[-25:])
        raise HarnessError(f"{e}\nlog: {log_path}\n--- last lines ---\n"
                           f"{tail}") from None
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(sock_dir)
    # timeout(1) ends QEMU at art.timeout (+5 s KILL) whatever happens.
    return proc.wait(), replies


def _check_finished(view, art):
    lines = parse.evidence_lines(view.console)
    status = view.exit_status
    why = None
    if status == 124 or status == 137:
        why = f"timed out after {art.timeout} s"
    elif lines is None:
        why = (f"no end marker (kernel panic or init failure?), QEMU exit "
               f"status {status}; the console is silent (loglevel=0): "
               f"rerun with verbose=True / guest.py --verbose")
    elif view.arch == "x86_64" and status != X86_EXIT_STATUS:
        why = f"QEMU exit status {status}, expected {X86_EXIT_STATUS} (isa-debug-exit)"
    elif view.arch != "x86_64" and status != 0:
        why = f"QEMU exit status {status}"
    if why:
        tail = "\n".join(view.console.replace("\r", "").splitlines()[-25:])
        raise HarnessError(f"{view.arch} {view.mode} boot failed: {why}\n"
                           f"log: {view.log_path}\n--- last lines ---\n{tail}")
