"""Drive a running guest through QEMU's monitor (QMP over a unix socket).

A boot whose Artifacts carry `monitor` steps runs QEMU with
`-qmp unix:SOCKET,server=on,wait=off`. Each step waits until the guest's
console (the boot's log file) matches a regex, then sends its commands,
e.g. `device_add` once the guest's init says it is up. QMP's protocol
(QEMU's docs/interop/qmp-spec): the server greets with {"QMP": ...}; the
client must send "qmp_capabilities" before any other command; every
command gets one {"return": ...} or {"error": {"class", "desc"}} reply,
and asynchronous {"event": ...} messages may come in between.

Every wait has a deadline: nothing here can hang a test run.
"""

import json
import os
import re
import socket
import time
from dataclasses import dataclass, field

from .common import HarnessError


@dataclass
class MonitorStep:
    """When the console matches `wait`, send `commands` in order: each a
    (name, arguments dict or None). A QMP error fails the boot."""
    wait: str
    commands: list = field(default_factory=list)


def qemu_args(path):
    return ["-qmp", f"unix:{path},server=on,wait=off"]


def _remaining(deadline, what):
    left = deadline - time.monotonic()
    if left <= 0:
        raise HarnessError(f"monitor: timed out {what}")
    return left


def wait_console(log_path, pattern, deadline, alive):
    """Poll the log until @pattern matches; fail when QEMU has exited."""
    regex = re.compile(pattern)
    while True:
        with open(log_path, "rb") as f:
            text = f.read().decode(errors="replace")
        if regex.search(text):
            return
        _remaining(deadline, f"waiting for /{pattern}/ on the console")
        if not alive():
            raise HarnessError(f"monitor: QEMU exited before the console "
                               f"showed /{pattern}/")
        time.sleep(0.2)


class Monitor:
    """One QMP connection, capabilities negotiated."""

    def __init__(self, path, deadline, alive):
        self.deadline = deadline
        self.buf = b""
        self.sock = self._connect(path, alive)
        greeting = self._read()
        if "QMP" not in greeting:
            raise HarnessError(f"monitor: no QMP greeting: {greeting}")
        self.command("qmp_capabilities")

    def _connect(self, path, alive):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError:
                s.close()
            if not alive():
                raise HarnessError("monitor: QEMU exited before its QMP "
                                   "socket accepted a connection")
            _remaining(self.deadline, f"connecting to {path}")
            time.sleep(0.1)

    def _read(self):
        """The next JSON message (QMP ends each with CRLF)."""
        while b"\n" not in self.buf:
            self.sock.settimeout(_remaining(self.deadline,
                                            "waiting for a QMP reply"))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                chunk = None
            if chunk is None:
                continue
            if not chunk:
                raise HarnessError("monitor: QEMU closed the QMP socket")
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\n")
        try:
            return json.loads(line)
        except ValueError:
            raise HarnessError(f"monitor: not JSON from QMP: {line!r}")

    def command(self, name, arguments=None):
        msg = {"execute": name}
        if arguments:
            msg["arguments"] = arguments
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                continue
            if "error" in reply:
                err = reply["error"]
                raise HarnessError(f"monitor: {name} {arguments or ''} "
                                   f"failed: {err.get('class')}: "
                                   f"{err.get('desc')}")
            if "return" in reply:
                return reply["return"]

    def close(self):
        self.sock.close()


def drive(path, log_path, steps, deadline, alive):
    """Run @steps against the QEMU whose monitor listens at @path; the
    replies, in order, as [(name, arguments, return value)]."""
    replies = []
    monitor = None
    try:
        for step in steps:
            wait_console(log_path, step.wait, deadline, alive)
            if monitor is None:
                monitor = Monitor(path, deadline, alive)
            for name, arguments in step.commands:
                replies.append((name, arguments,
                                monitor.command(name, arguments)))
    finally:
        if monitor:
            monitor.close()
        if os.path.exists(path):
            os.unlink(path)
    return replies
