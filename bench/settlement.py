"""The monthly settlement of a generated city (issue 11, Performance): every rule and every price of
a 50 000-beneficiary month (~1 000 000 records, 500 providers) in <= 120 s on PostgreSQL, peak RSS
<= 400 MB and flat when the month doubles; the city's billable and fund totals equal the truth
file to the cent.

    nice .venv/bin/python bench/settlement.py [--beneficiaries 50000] [--providers 500] \
        [--from 2026-01] [--months 1] [--seed 1]

Starts a private PostgreSQL cluster on 127.0.0.1 (``fsync`` off, as ``bench/compliance_scan.py``:
the settings are printed), upgrades the schema, generates the city (``flask demo city``) with its
truth file, then, in a child process whose peak RSS (and its largest worker's) is reported, runs
for each generated month M the ``generate_settlements`` job due at 02:00 on day 1 of M+1 as the scheduler runs it
(``ltc.scheduler.runner.run_job``: every provider a unit in its own transaction, in the job's two
worker processes). The generation
evaluates every rule over the provider-month itself (and keeps the findings) before pricing it, so
its time is "all rules and pricing"; ``--with-scan`` runs the nightly ``compliance_scan`` due at
01:00 the same day first, as a live scheduler would, and reports it apart.

Besides the wall-clock time of each job: the CPU time of the settling processes (the job's process and
its workers) and of the PostgreSQL server over the run — on a shared machine, the work done apart from
the waiting for a CPU. ``--profile FILE`` runs the units in one process under cProfile.

For reference, in the same run: a bare SQL ``GROUP BY beneficiary`` sum over the same rows (the
month's visits and their planned minutes, the stays' bed-days) and the generation's ratio to it.
Then the current lines of the month's regular settlements are summed per care type, per provider
and for the city and compared with the truth file's ``settlement`` to the cent (per care type
differences printed when they differ), and every provider is checked to have one settlement.
Talks only to the cluster it started and stops it itself.
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime, time as clock_time
from decimal import Decimal

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checkin import Postgres  # noqa: E402
from compliance_scan import FAST_LOAD, SETTINGS, generate, mark_earlier_months  # noqa: E402

ZERO = Decimal("0.00")
SCAN, GENERATE = "compliance_scan", "generate_settlements"
#: the truth's kinds of rate row on the provider settlements (``ltc.demo.city.money.SETTLED``)
KINDS = ("special", "institution", "home", "outreach", "family_package")


def months_of(start: str, count: int) -> list[date]:
    from ltc.core.months import add_months

    first = datetime.strptime(start, "%Y-%m").date()
    return [add_months(first, k) for k in range(count)]


def due_times(month: date) -> tuple[datetime, datetime]:
    """The scan (01:00) and the generation (02:00) on day 1 of the month after ``month``."""
    from ltc.core.clock import LOCAL_TZ
    from ltc.core.months import first_of_next_month

    day = first_of_next_month(month)
    return (datetime.combine(day, clock_time(1, 0), tzinfo=LOCAL_TZ),
            datetime.combine(day, clock_time(2, 0), tzinfo=LOCAL_TZ))


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its ended children (the forked workers)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def server_cpu(pg) -> float:
    """CPU time of the PostgreSQL cluster: the postmaster and its ended backends (``/proc``)."""
    with open(f"/proc/{pg.postmaster()}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def child(url: str, start: str, count: int, with_scan: bool, profile: str | None = None,
          workers: int | None = None) -> None:
    """In a child process: per month, (the scan, then) the generation as the scheduler runs them;
    prints JSON figures (seconds per job and month, outcomes, peak RSS). With ``profile``, the jobs
    run their units in this one process (no worker) and its cProfile statistics go to that file."""
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        try:
            child(url, start, count, with_scan, workers=1)
        finally:
            profiler.disable()
            profiler.dump_stats(profile)
        return
    from ltc import create_app
    from ltc.scheduler.registry import get_job
    from ltc.scheduler.runner import run_job

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    figures = []
    for month in months_of(start, count):
        entry = {"month": f"{month:%Y-%m}"}
        for job_id, due in zip((SCAN, GENERATE), due_times(month), strict=True):
            if job_id == SCAN and not with_scan:
                continue
            t0, cpu0 = time.perf_counter(), cpu_seconds()
            job = get_job(job_id)
            outcome = run_job(app, job if workers is None else replace(job, workers=workers), due)
            entry[job_id] = {"seconds": time.perf_counter() - t0, "cpu": cpu_seconds() - cpu0,
                             "status": outcome.status,
                             "counts": outcome.counts, "error": outcome.error}
        figures.append(entry)
    print(json.dumps({"months": figures, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "worker_peak_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


def run_child(url: str, args) -> dict:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", url, "--from", args.start,
                          "--months", str(args.months)] + (["--with-scan"] if args.with_scan else [])
                         + (["--profile", args.profile] if args.profile else []),
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"the settlement process failed:\n{out.stderr[-4000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def baseline(conn, month: date) -> float:
    """A bare ``GROUP BY beneficiary`` sum over the month's rows: visits (count, planned minutes)
    and the stays' bed-days in the month."""
    from ltc.core.months import first_of_next_month

    span = {"start": month, "end": first_of_next_month(month)}
    statements = (
        "SELECT person_id, count(*), sum(planned_minutes) FROM visits "
        "WHERE service_date >= %(start)s AND service_date < %(end)s GROUP BY person_id",
        "SELECT person_id, sum(least(coalesce(discharged_on, %(end)s), %(end)s) - greatest(admitted_on, %(start)s)) "
        "FROM stays WHERE admitted_on < %(end)s AND (discharged_on IS NULL OR discharged_on >= %(start)s) "
        "GROUP BY person_id",
    )
    t0 = time.perf_counter()
    for statement in statements:
        conn.exec_driver_sql(statement, span).fetchall()
    return time.perf_counter() - t0


def settled(conn, month: date) -> tuple[dict, dict, dict]:
    """The current regular lines of the month's regular settlements: (kind of row → [billable, fund]),
    (provider id → [billable, fund], the family allowance left out), (provider id → number of
    regular settlements). A family line is the package, or the allowance when its unit is not one."""
    rows = conn.exec_driver_sql(
        "SELECT s.provider_id, l.care_type, l.unit, sum(l.billable), sum(l.fund) FROM settlements s "
        "JOIN settlement_lines l ON l.settlement_id = s.id AND l.revision = s.revision "
        "WHERE s.month = %(month)s AND s.kind = 'regular' AND l.kind = 'regular' "
        "GROUP BY s.provider_id, l.care_type, l.unit", {"month": month})
    kinds, providers = defaultdict(lambda: [ZERO, ZERO]), defaultdict(lambda: [ZERO, ZERO])
    for provider_id, care_type, unit, billable, fund in rows:
        kind = care_type if care_type != "family" else "family_package" if unit == "package" else "family_allowance"
        targets = [kinds[kind]] + ([providers[str(provider_id)]] if kind != "family_allowance" else [])
        for target in targets:
            target[0] += billable
            target[1] += fund
    counts = dict(conn.exec_driver_sql(
        "SELECT provider_id::text, count(*) FROM settlements WHERE month = %(month)s AND kind = 'regular' "
        "GROUP BY provider_id", {"month": month}).all())
    return kinds, providers, counts


def compare(month: str, truth: dict, care: dict, providers: dict, counts: dict) -> int:
    """Print the city total, per care type and per provider differences; the number of differences."""
    def money(entry) -> list[Decimal]:
        return [Decimal(entry["billable"]), Decimal(entry["fund"])]

    expected = truth["settlement"]
    got_total = [sum((v[i] for k, v in care.items() if k != "family_allowance"), ZERO) for i in (0, 1)]
    print(f"\n{month}: city billable {got_total[0]} fund {got_total[1]}   truth billable "
          f"{expected['total']['billable']} fund {expected['total']['fund']}")
    print(f"  {'care type':<15} {'truth billable':>16} {'settled':>16} {'diff':>12} {'truth fund':>16} "
          f"{'settled':>16} {'diff':>12}")
    differences = 0
    for kind in KINDS:
        want, got = money(expected["by_care_type"][kind]), care.get(kind, [ZERO, ZERO])
        diff = [got[0] - want[0], got[1] - want[1]]
        differences += any(diff)
        print(f"  {kind:<15} {want[0]:>16} {got[0]:>16} {diff[0]:>12} {want[1]:>16} {got[1]:>16} {diff[1]:>12}"
              + ("  <-" if any(diff) else ""))
    allowance = care.get("family_allowance")
    print(f"  family allowance (beside the settlements): truth {expected['allowance']['billable']}, "
          + (f"on settlement lines {allowance[0]}" if allowance else "not on the settlement lines"))
    keys = set(expected["providers"]) | set(providers)
    wrong = sorted(k for k in keys if money(expected["providers"].get(k, {"billable": "0", "fund": "0"}))
                   != providers.get(k, [ZERO, ZERO]))
    multiple = sorted(k for k, n in counts.items() if n != 1)
    print(f"  providers: {len(providers)} settled, {len(expected['providers'])} in the truth, {len(wrong)} differ"
          + (f" e.g. {wrong[:5]}" if wrong else "") + f"; {len(multiple)} with more than one settlement")
    return differences + len(wrong) + len(multiple)


def prepare(url: str, args) -> tuple[dict, float, dict, int]:
    """The city and its truth; the server settings and the steady-state marks of the scan."""
    from sqlalchemy import create_engine

    truth_path = os.path.join(tempfile.mkdtemp(prefix="ltc-bench-settle-"), "truth.json")
    gen_seconds = generate(url, args, truth_path)
    with open(truth_path, encoding="utf-8") as fh:
        truth = json.load(fh)
    first = months_of(args.start, 1)[0]
    engine = create_engine(url)
    with engine.connect() as conn:
        settings = {name: conn.exec_driver_sql(f"SHOW {name}").scalar() for name in SETTINGS}
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        marked = mark_earlier_months(conn, first, due_times(first)[0])
    engine.dispose()
    return truth, gen_seconds, settings, marked


def print_unit_errors(conn, job_id: str, limit: int = 2) -> None:
    """The first failed units' errors of ``job_id``'s runs (the run only names them)."""
    rows = conn.exec_driver_sql(
        "SELECT u.unit_key, u.error FROM job_run_units u JOIN job_runs r ON r.id = u.run_id "
        "WHERE r.job_id = %(job)s AND u.status = 'failed' ORDER BY u.id LIMIT %(limit)s",
        {"job": job_id, "limit": limit})
    for key, error in rows:
        print(f"    unit {key}: {(error or '')[-1500:]}")


def report(url: str, args, truth: dict, run: dict) -> int:
    from sqlalchemy import create_engine

    engine, failures = create_engine(url), 0
    records = {m: f["records"]["records"] for m, f in truth["by_month"].items()}
    print(f"  peak RSS         {run['peak_rss_kb'] / 1024:8.0f} MB (child, all months; target <= 400 MB, flat); "
          f"largest worker {run['worker_peak_rss_kb'] / 1024:.0f} MB")
    with engine.connect() as conn:
        for entry in run["months"]:
            month = entry["month"]
            gen = entry[GENERATE]
            base = min(baseline(conn, datetime.strptime(month, "%Y-%m").date()) for _ in range(2))
            print(f"\n{month}: {records[month]:,} records")
            for name, job in ((n, entry[n]) for n in (SCAN, GENERATE) if n in entry):
                print(f"  {name:<22} {job['seconds']:8.1f} s  ({job['cpu']:.0f} s CPU in the settling processes)  "
                      f"{job['status']} {job['counts']}"
                      + (f" error: {job['error'][:2000]}" if job["error"] else ""))
                failures += job["status"] != "success"
                if job["status"] != "success":
                    print_unit_errors(conn, name)
            seconds = gen["seconds"]
            print(f"  rules + pricing  {seconds:8.1f} s   (the generation; target <= 120 s)   "
                  f"{records[month] / seconds:,.0f} records/s")
            print(f"  GROUP BY person  {base:8.2f} s   (bare SQL sum per beneficiary over the same rows, best of 2)")
            print(f"  ratio            {seconds / base:8.1f} x")
            day = datetime.strptime(month, "%Y-%m").date()
            failures += compare(month, truth["by_month"][month], *settled(conn, day))
    engine.dispose()
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beneficiaries", type=int, default=50_000)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--from", dest="start", default="2026-01")
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-scan", action="store_true", help="run the nightly scan due at 01:00 first")
    parser.add_argument("--profile", help="write the settlement process's cProfile statistics to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.start, args.months, args.with_scan, args.profile)
        return 0
    pg = Postgres(options=FAST_LOAD)
    url = pg.start()
    try:
        truth, gen_seconds, settings, marked = prepare(url, args)
        records = sum(m["records"]["records"] for m in truth["by_month"].values())
        print(f"PostgreSQL settings: {settings}")
        print(f"generated {args.beneficiaries:,} beneficiaries / {args.providers} providers / {args.months} month(s) "
              f"in {gen_seconds:.0f} s: {records:,} records")
        print(f"earlier months of the re-check window marked as scanned (steady state): {marked} provider-months")
        cpu0 = server_cpu(pg)
        run = run_child(url, args)
        time.sleep(1)   # the backends of the settling processes end and are counted
        print(f"  PostgreSQL CPU   {server_cpu(pg) - cpu0:8.0f} s (the server, all months)")
        return report(url, args, truth, run)
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
