"""Who holds a lease: this process's identity, and whether the holder of a lease is still running.

A lease in the database (a policy being checked, an alert being sent) names its holder as
`pid@host/boot/start`: the process id, the host name, the kernel's boot id and the process's start
time in clock ticks since boot (Linux; `-` elsewhere). On the same host that tells a live holder
from a dead one even after its pid was reused or the machine rebooted, so a process starting
after a crash takes back what the dead one held at once instead of waiting for the lease to
run out; a holder on another host is judged by its lease's expiry alone.
"""

from __future__ import annotations

import functools
import os
import re
import socket

_HOLDER = re.compile(r"(?P<pid>\d+)@(?P<host>[^/]*)/(?P<boot>[^/]*)/(?P<start>.*)")


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip()[:8]
    except OSError:
        return "-"


def _start_ticks(pid: int) -> str | None:
    """When `pid` started, in clock ticks since boot; None when no such process runs (a zombie, killed
    but not yet reaped, does not), "-" where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except FileNotFoundError:
        return None
    except OSError:
        return "-"
    fields = stat[stat.rfind(")") + 2:].split()  # after "pid (comm) ": the command may hold spaces
    if fields and fields[0] in ("Z", "X"):
        return None
    return fields[19] if len(fields) > 19 else "-"


@functools.lru_cache(maxsize=1)
def _host() -> str:
    return socket.gethostname().replace("/", "_")


def this_process() -> str:
    """This process as a lease holder: `pid@host/boot/start` (computed per call: a fork is another process)."""
    pid = os.getpid()
    return f"{pid}@{_host()}/{_boot_id()}/{_start_ticks(pid) or '-'}"


def holder_gone(holder: str) -> bool | None:
    """True when the holder is known to have stopped, False when it runs, None when it cannot be
    told from here (another host, or an identity this version does not read)."""
    match = _HOLDER.fullmatch(holder or "")
    if match is None or match["host"] != _host():
        return None
    if match["boot"] != _boot_id():
        return True  # the machine restarted since
    pid = int(match["pid"])
    start = _start_ticks(pid)
    if start is None:
        return True
    if start != "-" and match["start"] != "-":
        return start != match["start"]  # another process now has that pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def describe_holder(holder: str) -> str:
    """`process 1234 on host-a` for messages."""
    match = _HOLDER.fullmatch(holder or "")
    return f"process {match['pid']} on {match['host']}" if match else holder
