"""`make run` (scripts/run.sh): the port comes from PORT and a port in use is refused with a clear
message; the gunicorn it starts admits a search of 600 Chinese characters to the application,
which answers with its own message instead of gunicorn's raw "Request Line is too large" page
(issue #9 points 4 and 9). These start real processes."""
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.dirname(os.path.dirname(sys.executable))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(folder: str, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/run.sqlite3", "SECRET_KEY": "test",
            "LTC_INSTANCE_PATH": folder, "VENV": VENV, **extra}


def test_make_run_refuses_a_port_in_use_with_a_clear_message():
    with tempfile.TemporaryDirectory() as folder, socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(["scripts/run.sh"], cwd=ROOT, env=_env(folder, PORT=port), capture_output=True,
                              text=True, timeout=60)
        assert not os.path.exists(os.path.join(folder, "run.sqlite3"))  # refused before touching anything
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "PORT=5001 make run" in done.stderr


def test_make_run_refuses_a_port_that_is_no_number():
    with tempfile.TemporaryDirectory() as folder:
        done = subprocess.run(["scripts/run.sh"], cwd=ROOT, env=_env(folder, PORT="５０００"), capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 1 and "PORT must be a number" in done.stderr


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise AssertionError(server.stderr.read())
        try:
            _get(base + "/login")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def test_the_server_of_make_run_answers_a_600_character_search_itself():
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        server = subprocess.Popen([os.path.join(VENV, "bin", "gunicorn"), "-c", "gunicorn.conf.py", "--workers", "1",
                                   "--bind", f"127.0.0.1:{port}", "ltc:create_app()"],
                                  cwd=ROOT, env=_env(folder), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  text=True)
        try:
            _wait_until_up(base, server)
            status, page = _get(base + "/people/?" + urllib.parse.urlencode({"q": "张" * 600}))
        finally:
            server.terminate()
            server.wait(timeout=30)
            server.stderr.close()
    assert "Request Line is too large" not in page
    assert status == 400 and "查询条件过长" in page
