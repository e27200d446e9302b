"""Check-ins with the entry-time rules through the carers' API under gunicorn on PostgreSQL (issue 10,
Performance): N clients (default 8) for S seconds (default 60), each a carer with its own login.

    .venv/bin/python bench/checkin.py [--clients 8] [--seconds 60] [--workers N] [--threads N]

gunicorn runs with the settings of ``make run`` (``gunicorn.conf.py``: workers, threads, worker class),
printed; ``--workers`` and ``--threads`` override them.

Starts a private PostgreSQL cluster on 127.0.0.1 with the server's durable defaults (``fsync`` and
``synchronous_commit`` on, printed as the server reports them) and gunicorn on a free loopback port,
loads a home-care provider (one carer login per client, five beneficiaries each with a care plan in
force), then every client loops over one kept-alive connection (as a phone's HTTP stack keeps it):
``POST /api/v1/carer/visits/check-in`` with a new Idempotency-Key
(a new check-in time each, so no exact duplicates), and every tenth time sends its previous request
again with the same key (it must get the same answer and write nothing). Then it counts the rows:
every acknowledged check-in is stored once (0 lost, 0 duplicated).

For reference, in the same run and through the same stack: an authenticated no-op POST (the same
route with an empty body: token check and body validation, answered 400, nothing written). For each
phase it also prints the CPU time the servers spent per request (gunicorn's and PostgreSQL's process
trees, from /proc; the check-in phase's replayed retries included) and the load average before and
after: on a shared machine the rate says how busy the machine was, the CPU per request does not.
Talks only to the servers it started on this machine and stops them itself.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHECK_IN = "/api/v1/carer/visits/check-in"
PERSONS_PER_CARER = 5
FIRST_DAY = date(2026, 3, 2)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Postgres:
    """A throw-away cluster with durable settings (unlike the test suite's ``fsync=off``)."""

    def __init__(self, options: str = ""):
        self.options = options   # extra server settings ("-c name=value ...")
        self.bin = sorted(d for d in os.listdir("/usr/lib/postgresql"))[-1]
        self.bin = f"/usr/lib/postgresql/{self.bin}/bin"
        self.data, self.port = tempfile.mkdtemp(prefix="ltc-bench-pg-"), free_port()
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        if self.run_as:
            shutil.chown(self.data, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")
        self._run("pg_ctl", "-D", self.data, "-l", f"{self.data}/server.log", "-w", "-t", "60", "-o",
                  f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c max_connections=100 "
                  f"{self.options}", "start")
        subprocess.run([f"{self.bin}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                        "ltc_bench"], check=True)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ltc_bench"

    def postmaster(self) -> int:
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    def stop(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        shutil.rmtree(self.data, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.run_as, f"{self.bin}/{tool}", *args], check=True, stdout=subprocess.DEVNULL)


def populate(url: str, clients: int) -> tuple[list[dict], dict]:
    """Schema, reference data and the provider; per client a carer login, its token and its persons."""
    from sqlalchemy import text

    from ltc import create_app
    from ltc.auth.services import issue_token
    from ltc.core.clock import utcnow
    from ltc.core.db import ensure_extensions
    from ltc.extensions import db
    from ltc.providers.catalogue.services import items_by_code
    from ltc.providers.records.models import BeneficiaryCarer
    from tests import builders
    from tests.people_builders import person
    from tests.seed import seed_reference_data
    from tests.visit_builders import carer, home_plan

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        with db.engine.begin() as conn:
            ensure_extensions(conn)
        db.create_all()
        session, now = db.session, utcnow()
        seed_reference_data(session, now=now)
        world = builders.world(session)
        plan = []
        for c in range(clients):
            login = builders.user(session, world.provider, f"bench_carer{c}", "carer")
            row = carer(session, world.provider, 10 + c, user=login)
            persons = []
            for p in range(PERSONS_PER_CARER):
                who = person(session, 100 + c * PERSONS_PER_CARER + p, name=f"压测{c}-{p}")
                home_plan(session, world, who)
                session.add(BeneficiaryCarer(provider_id=world.provider.id, person_id=who.id, carer_id=row.id))
                persons.append(who.id)
            plan.append({"token": issue_token(session, login, now=now), "carer_id": row.id, "persons": persons})
        items = [i.id for i in items_by_code(session, ("SH01",)).values()]
        session.commit()
        settings = {name: session.execute(text(f"SHOW {name}")).scalar() for name in ("fsync", "synchronous_commit")}
        db.session.remove()
        db.engine.dispose()
    return [{**p, "items": items} for p in plan], settings


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict = field(default_factory=lambda: {"check_in": [], "noop": []})
    statuses: dict = field(default_factory=dict)
    acknowledged: list = field(default_factory=list)     # visit ids answered 201
    replays_differing: int = 0
    errors: list = field(default_factory=list)

    def note(self, op: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[op].append(seconds)
            self.statuses[(op, status)] = self.statuses.get((op, status), 0) + 1


class Client:
    """One device: a persistent HTTP/1.1 connection (keep-alive, as a phone's HTTP stack keeps it),
    opened again after an error."""

    def __init__(self, base: str, token: str):
        self.host, self.port = base.removeprefix("http://").split(":")
        self.token, self.connection = token, None

    def post(self, body: dict, key: str | None) -> tuple[int, bytes, float]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, int(self.port), timeout=60)
            self.connection.request("POST", CHECK_IN, body=json.dumps(body).encode(), headers=headers)
            response = self.connection.getresponse()
            status, content = response.status, response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.close()
            status, content = 599, str(exc).encode()
        return status, content, time.perf_counter() - started

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def check_in_loop(base: str, client: dict, n: int, until: float, tally: Tally) -> None:
    moment, count, previous = datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc) + timedelta(seconds=n), 0, None
    device = Client(base, client["token"])
    while time.monotonic() < until:
        count += 1
        if previous is not None and count % 10 == 0:
            status, content, _ = device.post(*previous[:2])
            if (status, content) != previous[2:]:
                with tally.lock:
                    tally.replays_differing += 1
            continue
        moment += timedelta(minutes=7)
        body = {"person_id": client["persons"][count % PERSONS_PER_CARER], "at": moment.isoformat(),
                "device_id": f"bench-{n}"}
        key = uuid.uuid4().hex
        status, content, seconds = device.post(body, key)
        tally.note("check_in", status, seconds)
        if status == 201:
            previous = (body, key, status, content)
            with tally.lock:
                tally.acknowledged.append(json.loads(content)["visit"]["id"])
        elif status >= 500 and len(tally.errors) < 5:
            tally.errors.append(content[:300])
    device.close()


def noop_loop(base: str, client: dict, until: float, tally: Tally) -> None:
    device = Client(base, client["token"])
    while time.monotonic() < until:
        status, _, seconds = device.post({}, uuid.uuid4().hex)
        tally.note("noop", status, seconds)
    device.close()


def run_clients(target, args_of, clients: int, seconds: float, tally: Tally) -> float:
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=target, args=(*args_of(n), until, tally)) for n in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] * 1000 if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000


def stored_visits(url: str, ids: list[int]) -> tuple[int, int]:
    """(rows of the acknowledged ids, all visit rows)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM visits")).scalar()
        found = conn.execute(text("SELECT count(*) FROM visits WHERE id = ANY(:ids)"), {"ids": ids}).scalar()
    engine.dispose()
    return found, total


def gunicorn_settings() -> dict:
    """The settings ``make run`` gives gunicorn (its configuration file)."""
    found: dict = {}
    with open(os.path.join(ROOT, "gunicorn.conf.py")) as f:
        exec(compile(f.read(), "gunicorn.conf.py", "exec"), found)   # noqa: S102 - the project's own file
    return {name: found.get(name) for name in ("worker_class", "workers", "threads", "keepalive")}


def start_gunicorn(url: str, workers: int | None, threads: int | None) -> tuple[subprocess.Popen, str]:
    port, instance = free_port(), tempfile.mkdtemp(prefix="ltc-bench-instance-")
    env = {**os.environ, "DATABASE_URL": url, "LTC_INSTANCE_PATH": instance, "SECRET_KEY": "bench"}
    overrides = [*(["--workers", str(workers)] if workers else []), *(["--threads", str(threads)] if threads else [])]
    server = subprocess.Popen([os.path.join(ROOT, ".venv", "bin", "gunicorn"), "-c", "gunicorn.conf.py", *overrides,
                               "--bind", f"127.0.0.1:{port}", "ltc:create_app()"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30).read()
            return server, base
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    server.terminate()
    sys.exit("gunicorn did not start")


def cpu_seconds(root: int) -> float:
    """User + system CPU time of process ``root`` and all its descendants (reaped children included),
    from /proc: what the server spent, whatever else the machine was running."""
    tick, parents, times = os.sysconf("SC_CLK_TCK"), {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])
        times[int(name)] = sum(int(v) for v in fields[11:15]) / tick   # utime stime cutime cstime
    tree, grew = {root}, True
    while grew:
        grown = tree | {pid for pid, parent in parents.items() if parent in tree}
        grew, tree = grown != tree, grown
    return sum(times.get(pid, 0.0) for pid in tree)


@dataclass
class Servers:
    """The process trees whose CPU time is counted per request: gunicorn and PostgreSQL."""
    gunicorn: int
    postgres: int

    def cpu(self) -> tuple[float, float]:
        return cpu_seconds(self.gunicorn), cpu_seconds(self.postgres)


def report(label: str, tally: Tally, op: str, elapsed: float, cpu: tuple[float, float]) -> None:
    values = tally.latencies[op]
    count = max(len(values), 1)
    print(f"{label:<34} {len(values) / elapsed:8.1f} req/s   p50 {percentile(values, 50):7.1f} ms   "
          f"p95 {percentile(values, 95):7.1f} ms   statuses "
          f"{ {s: c for (o, s), c in sorted(tally.statuses.items()) if o == op} }")
    print(f"{'':<34} server CPU per request: gunicorn {1000 * cpu[0] / count:6.1f} ms + PostgreSQL "
          f"{1000 * cpu[1] / count:6.1f} ms (bounds an idle {os.cpu_count()}-core machine to "
          f"{os.cpu_count() * count / max(sum(cpu), 1e-9):,.0f} req/s)")


def measured(servers: Servers, run) -> tuple[float, tuple[float, float]]:
    """``run()``'s elapsed seconds and the servers' CPU seconds meanwhile."""
    before = servers.cpu()
    elapsed = run()
    after = servers.cpu()
    return elapsed, (after[0] - before[0], after[1] - before[1])


def _gunicorn_line(args) -> str:
    conf = gunicorn_settings()
    workers, threads = args.workers or conf["workers"], args.threads or conf["threads"]
    source = "command line" if args.workers or args.threads else "gunicorn.conf.py, as make run"
    return f"{conf['worker_class']} workers={workers} threads={threads} keepalive={conf['keepalive']} ({source})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--baseline-seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, help="default: gunicorn.conf.py's (make run's)")
    parser.add_argument("--threads", type=int, help="default: gunicorn.conf.py's (make run's)")
    args = parser.parse_args()
    pg = Postgres()
    url = pg.start()
    server = None
    try:
        plan, settings = populate(url, args.clients)
        print(f"PostgreSQL: fsync={settings['fsync']} synchronous_commit={settings['synchronous_commit']}; "
              f"gunicorn {_gunicorn_line(args)}; {args.clients} clients")
        server, base = start_gunicorn(url, args.workers, args.threads)
        servers = Servers(server.pid, pg.postmaster())
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        tally = Tally()
        elapsed, cpu = measured(servers, lambda: run_clients(noop_loop, lambda n: (base, plan[n]), args.clients,
                                                             args.baseline_seconds, tally))
        report("no-op authenticated POST (400)", tally, "noop", elapsed, cpu)
        elapsed, cpu = measured(servers, lambda: run_clients(check_in_loop, lambda n: (base, plan[n], n),
                                                             args.clients, args.seconds, tally))
        report("check-in with entry-time rules", tally, "check_in", elapsed, cpu)
        print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        found, total = stored_visits(url, tally.acknowledged)
        lost, duplicated = len(tally.acknowledged) - found, total - found
        print(f"acknowledged {len(tally.acknowledged)}, stored {total}: lost {lost}, duplicated {duplicated}; "
              f"replayed retries answering differently: {tally.replays_differing}")
        for error in tally.errors:
            print("5xx:", error)
        return 1 if lost or duplicated or tally.replays_differing or tally.errors else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
