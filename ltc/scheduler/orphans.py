"""A forked worker never outlives the process that forked it (issue 11, reliability).

On Linux the worker asks the kernel to send it SIGKILL when its parent ends (``prctl(PR_SET_PDEATHSIG)``),
so a scheduler killed with ``kill -9`` takes its workers with it at once, even in the middle of a
unit: the unit's transaction is rolled back by the database and the unit stays pending for the
resume. The signal comes when the parent *thread* that forked the worker ends; the forking thread
waits for its workers (``ltc.scheduler.parallel.run_in_workers``), so it ends only with the process.
Elsewhere the workers keep checking their parent before each unit.
"""
import ctypes
import os
import signal
import sys

#: linux/prctl.h
PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """In a freshly forked worker of ``parent``: be killed when ``parent`` ends; end now if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))
    if os.getppid() != parent:   # the parent ended between the fork and the prctl
        os._exit(1)
