"""Whether the process behind a lock row or a ``running`` run is still alive (SPEC §9).

A scheduler killed with ``kill -9`` leaves its SQLite lock row and its run row ``running``.
Both name the process (host and pid), so on the same host a dead holder is recognised at
once: its pid no longer exists, or it is this very process (a container restarts with the
same pid) without holding the lock or running the run. A holder on another host is not
judged: its lock row protects the job until it expires.
"""
import os
import socket
import threading
import uuid

HOST = socket.gethostname()[:100]

#: lock holders and run ids alive in this process (what a reused pid cannot tell apart)
_held: set[str] = set()
_running: set[int] = set()


def new_holder() -> str:
    """A lock holder name: ``host:pid:thread:nonce``."""
    return f"{HOST}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def _dead(host: str | None, pid: int | None, *, ours: bool) -> bool:
    if host != HOST or pid is None or pid <= 0:
        return False
    if pid == os.getpid():
        return not ours
    return not process_alive(pid)


def holder_is_dead(holder: str) -> bool:
    """Whether the lock row's holder (``new_holder``) was a process of this host that has ended."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    return pid.isdigit() and _dead(host, int(pid), ours=holder in _held)


def run_is_orphaned(run_id: int, host: str | None, pid: int | None) -> bool:
    """Whether a ``running`` run's process (this host) has ended without finishing it."""
    return _dead(host, pid, ours=run_id in _running)


def hold(holder: str) -> None:
    _held.add(holder)


def let_go(holder: str) -> None:
    _held.discard(holder)


def start_running(run_id: int) -> None:
    _running.add(run_id)


def stop_running(run_id: int) -> None:
    _running.discard(run_id)
