"""scripts/system-deps.sh waits while another apt process holds the package lock instead of
failing at once (issue #9 point 9). apt-get and dpkg-query are stand-ins on PATH; the script
installs only as root, so the test runs as root only."""
import os
import stat
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOCKED = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)"

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the script installs only as root")


def _tool(folder, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def _run(tmp_path, apt_body: str):
    _tool(tmp_path, "dpkg-query", "exit 1\n")  # nothing installed
    _tool(tmp_path, "apt-get", f'echo "$*" >> {tmp_path}/calls\n' + apt_body)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "APT_LOCK_POLL": "1", "APT_LOCK_WAIT": "2"}
    done = subprocess.run(["scripts/system-deps.sh", "run"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    return done, (tmp_path / "calls").read_text().splitlines()


def test_it_waits_while_another_apt_process_holds_the_lock(tmp_path):
    # the first two calls find the lock held, then the other process is done
    body = (f'n=$(wc -l < {tmp_path}/calls)\n'
            f'if (( n <= 2 )); then echo "{LOCKED}" >&2; exit 100; fi\nexit 0\n')
    done, calls = _run(tmp_path, body)
    assert done.returncode == 0, done.stderr
    assert "waiting for it" in done.stdout
    assert [c.split()[2] for c in calls] == ["update", "update", "update", "install"]
    assert all("DPkg::Lock::Timeout=" in c for c in calls)


def test_it_gives_up_with_a_message_when_the_lock_stays_held(tmp_path):
    done, calls = _run(tmp_path, f'echo "{LOCKED}" >&2; exit 100\n')
    assert done.returncode == 1 and "still holds the package lock" in done.stderr
    assert len(calls) > 2


def test_another_failure_stops_at_once_with_apt_s_message(tmp_path):
    done, calls = _run(tmp_path, 'echo "E: Unable to locate package fonts-noto-cjk" >&2; exit 100\n')
    assert done.returncode == 1 and "Unable to locate package" in done.stderr and len(calls) == 1
