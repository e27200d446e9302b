"""A forked worker dies with the process that forked it (``ltc.scheduler.orphans``): a parent killed
with ``kill -9`` leaves no worker behind, even one busy in the middle of its work."""
import os
import signal
import subprocess
import sys
import time

import pytest

from ltc import ROOT
from tests.processes import alive

#: forks a worker that declares itself, reports its pid, then "works" for ten minutes
PARENT = """
import multiprocessing, os, sys, time
from ltc.scheduler.orphans import die_with_parent

def work(parent, protected):
    if protected:
        die_with_parent(parent)
    print(os.getpid(), flush=True)
    time.sleep(600)

worker = multiprocessing.get_context("fork").Process(target=work, args=(os.getpid(), sys.argv[1] == "1"))
worker.start()
worker.join()
"""


def _worker_after_parent_killed(protected: bool) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, "1" if protected else "0"], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    parent.stdout.close()
    deadline = time.monotonic() + 10
    while alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    return worker, alive(worker)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_worker_dies_with_its_killed_parent():
    worker, alive = _worker_after_parent_killed(protected=True)
    assert not alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_without_it_the_worker_outlives_its_killed_parent():
    worker, alive = _worker_after_parent_killed(protected=False)
    try:
        assert alive     # what the protection is for: the orphan would work on
    finally:
        os.kill(worker, signal.SIGKILL)
