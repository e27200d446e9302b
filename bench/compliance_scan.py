"""The full compliance rule set over a generated month (issue 10, Performance): target <= 60 s for
a 50 000-beneficiary month (~1 000 000 records), peak RSS <= 400 MB, flat per month when the
month doubles; the findings must equal the truth file's seeded breaches per rule.

    nice .venv/bin/python bench/compliance_scan.py [--beneficiaries 50000] [--providers 500] \
        [--from 2026-01] [--months 1] [--seed 1]

Starts a private PostgreSQL cluster on 127.0.0.1 (``fsync`` off: the generator's bulk load, not
the scan, would wait on it; the settings are printed), upgrades the schema (``flask db upgrade``),
generates the city (``flask demo city``, PostgreSQL COPY) with its truth file, then runs the
nightly ``compliance_scan`` job the way the scheduler does (``ltc.scheduler.runner.run_job``:
every provider as a unit in its own transaction, taken in turn by the job's worker processes,
``ltc.scheduler.parallel``) due at 01:00 on the day after the last generated month, in a child
process whose peak RSS, and its largest worker's, is reported.

For reference, in the same run: a bare single pass over the columns the rules read
(``COPY (SELECT …) TO '/dev/null'`` of the months' visits, their items, stays and leaves) and
the scan's ratio to it. Then the open findings of each generated month are compared per rule
with the truth's record keys (counts, missing = in the truth and not found, extra = found and
not in the truth). Talks only to the cluster it started and stops it itself.
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
from datetime import date, datetime, time as clock_time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checkin import Postgres  # noqa: E402

SETTINGS = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers", "work_mem", "max_wal_size")
FAST_LOAD = ("-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_wal_size=4GB "
             "-c shared_buffers=256MB")
#: the columns the rules read (ltc.compliance.readers, ltc.compliance.dated for the records)
VISIT_COLUMNS = ("id, person_id, provider_id, carer_id, care_type, plan_id, service_date, status, planned_minutes, "
                 "scheduled_start, check_in_at, check_out_at, actual_minutes, check_in_lat, check_in_lon, "
                 "check_out_lat, check_out_lon, device_id, photo_hash, uploaded_at, created_at, closed_by_scan")


def month_range(first: date, months: int) -> tuple[date, date]:
    from ltc.core.months import add_months

    return first, add_months(first, months)


def flask(url: str, *args: str) -> float:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "ltc", "SECRET_KEY": "bench"}
    t0 = time.perf_counter()
    subprocess.run([os.path.join(ROOT, ".venv/bin/flask"), *args], check=True, env=env, cwd=ROOT)
    return time.perf_counter() - t0


def scan_child(url: str, due: str) -> None:
    """In a child process: the nightly job as the scheduler runs it; prints JSON figures."""
    from ltc import create_app
    from ltc.scheduler.registry import JOBS
    from ltc.scheduler.runner import run_job

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    job = next(j for j in JOBS if j.id == "compliance_scan")
    t0, cpu0 = time.perf_counter(), time.process_time()
    outcome = run_job(app, job, datetime.fromisoformat(due))
    seconds = time.perf_counter() - t0
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)   # the job's worker processes, ended by now
    cpu = time.process_time() - cpu0 + workers.ru_utime + workers.ru_stime
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "status": outcome.status, "counts": outcome.counts,
                      "error": outcome.error, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "worker_peak_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                      "workers": job.workers}))


def run_scan(url: str, due: datetime) -> dict:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--scan-child", url, "--due", due.isoformat()],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def mark_earlier_months(conn, start: date, due: datetime) -> int:
    """The steady state: the nightly scans before the generated months already checked the months
    of the re-check window before them (the stays already open then), and nothing changed since."""
    from ltc import create_app
    from ltc.compliance.services import compliance_policy
    from ltc.core.clock import to_local, utcnow
    from ltc.core.months import add_months, first_of_month, first_of_next_month
    from ltc.extensions import db

    today = to_local(due).date()
    app = create_app({"SQLALCHEMY_DATABASE_URI": conn.engine.url, "SECRET_KEY": "bench"})
    with app.app_context():
        month = add_months(first_of_month(today), -compliance_policy(db.session, today).recheck_months)
        db.session.remove()
        db.engine.dispose()
    rows = 0
    while month < start:
        rows += conn.exec_driver_sql(
            "INSERT INTO compliance_scan_marks (provider_id, month, scanned_at, as_of, findings_open) "
            "SELECT DISTINCT provider_id, %(month)s, %(now)s, %(as_of)s, 0 FROM stays",
            {"month": month, "now": utcnow().replace(tzinfo=None), "as_of": first_of_next_month(month)}).rowcount
        month = add_months(month, 1)
    conn.commit()
    return rows


def baseline(conn, start: date, end: date) -> float:
    """A bare single pass over the same columns, server side, to /dev/null."""
    span = f"service_date >= '{start}' AND service_date < '{end}'"
    statements = (
        f"COPY (SELECT {VISIT_COLUMNS} FROM visits WHERE {span}) TO '/dev/null'",
        f"COPY (SELECT i.visit_id, i.service_item_id FROM visit_items i JOIN visits v ON v.id = i.visit_id "
        f"WHERE v.{span.replace(' AND ', ' AND v.')}) TO '/dev/null'",
        f"COPY (SELECT id, person_id, provider_id, care_type, admitted_on, discharged_on FROM stays "
        f"WHERE admitted_on < '{end}' AND (discharged_on IS NULL OR discharged_on >= '{start}')) TO '/dev/null'",
        "COPY (SELECT id, stay_id, out_on, back_on FROM leaves) TO '/dev/null'",
    )
    t0 = time.perf_counter()
    for statement in statements:
        conn.exec_driver_sql(statement)
    return time.perf_counter() - t0


def finding_keys(conn, start: date, end: date) -> dict[str, dict[str, set[str]]]:
    """Month (YYYY-MM) → rule → the truth-style keys of the open findings."""
    rows = conn.exec_driver_sql(
        "SELECT rule, record_kind, record_id, provider_id, service_date, month FROM findings "
        "WHERE status = 'open' AND month >= %(start)s AND month < %(end)s", {"start": start, "end": end})
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rule, kind, record_id, provider_id, day, month in rows:
        if kind == "package":
            key = f"package:{record_id}:{provider_id}:{month:%Y-%m}"
        elif kind == "stay":
            key = f"stay:{record_id}:{day}"
        else:
            key = f"{kind}:{record_id}"
        found[f"{month:%Y-%m}"][rule].add(key)
    return found


def compare(truth: dict, found: dict) -> tuple[int, int]:
    """Print rule → truth / found / missing / extra per month; the total missing and extra."""
    total_missing = total_extra = 0
    for month, figures in truth["by_month"].items():
        print(f"\n{month}: {figures['records']}")
        print(f"  {'rule':<5} {'sev':<6} {'truth':>8} {'found':>8} {'missing':>8} {'extra':>8}   examples")
        for rule, entry in figures["rules"].items():
            expected, got = set(entry["keys"]), found.get(month, {}).get(rule, set())
            missing, extra = sorted(expected - got), sorted(got - expected)
            total_missing, total_extra = total_missing + len(missing), total_extra + len(extra)
            sample = " ".join([f"-{k}" for k in missing[:2]] + [f"+{k}" for k in extra[:2]])
            mark = "" if not missing and not extra else "  <-"
            print(f"  {rule:<5} {entry['severity']:<6} {len(expected):>8} {len(got):>8} {len(missing):>8} "
                  f"{len(extra):>8}   {sample}{mark}")
    return total_missing, total_extra


def generate(url: str, args, truth_path: str) -> float:
    flask(url, "db", "upgrade")
    return flask(url, "demo", "city", "--beneficiaries", str(args.beneficiaries), "--providers", str(args.providers),
                 "--from", args.start, "--months", str(args.months), "--seed", str(args.seed), "--truth", truth_path)


def report(url: str, args, truth: dict, gen_seconds: float) -> int:
    from sqlalchemy import create_engine

    from ltc.core.clock import LOCAL_TZ

    start, end = month_range(datetime.strptime(args.start, "%Y-%m").date(), args.months)
    due = datetime.combine(end, clock_time(1, 0), tzinfo=LOCAL_TZ)
    engine = create_engine(url)
    with engine.connect() as conn:
        settings = {name: conn.exec_driver_sql(f"SHOW {name}").scalar() for name in SETTINGS}
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        records = sum(m["records"]["records"] for m in truth["by_month"].values())
        base = min(baseline(conn, start, end) for _ in range(2))
        marked = mark_earlier_months(conn, start, due)
    print(f"PostgreSQL settings: {settings}")
    print(f"generated {args.beneficiaries:,} beneficiaries / {args.providers} providers / {args.months} month(s) "
          f"in {gen_seconds:.0f} s: {records:,} records")
    print(f"earlier months of the re-check window marked as scanned (steady state): {marked} provider-months")
    scan = run_scan(url, due)
    print(f"scan (compliance_scan due {due:%Y-%m-%d %H:%M %Z}): {scan['status']} {scan['counts']}"
          + (f" error: {scan['error'][:2000]}" if scan["error"] else ""))
    print(f"  wall time        {scan['seconds']:8.1f} s   ({scan['seconds'] / args.months:.1f} s per month; "
          f"target <= 60 s per 50 000-beneficiary month)")
    print(f"  records/s        {records / scan['seconds']:10,.0f}")
    print(f"  CPU              {scan['cpu_seconds']:8.1f} s   (the scan process and its workers, user + system; "
          f"the database server's not included: on a shared machine the wall time also waits for CPU)")
    print(f"  peak RSS         {scan['peak_rss_kb'] / 1024:8.0f} MB (scan process; target <= 400 MB), largest of "
          f"its {scan['workers']} worker processes {scan['worker_peak_rss_kb'] / 1024:.0f} MB")
    print(f"  baseline COPY    {base:8.2f} s   (bare read of the same columns, best of 2)")
    print(f"  ratio            {scan['seconds'] / base:8.1f} x")
    with engine.connect() as conn:
        missing, extra = compare(truth, finding_keys(conn, start, end))
    engine.dispose()
    print(f"\nfindings vs truth: {missing} missing, {extra} extra")
    return 0 if scan["status"] == "success" and not missing and not extra else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beneficiaries", type=int, default=50_000)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--from", dest="start", default="2026-01")
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scan-child", help=argparse.SUPPRESS)
    parser.add_argument("--due", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_child:
        scan_child(args.scan_child, args.due)
        return 0
    pg = Postgres(options=FAST_LOAD)
    url = pg.start()
    try:
        truth_path = os.path.join(tempfile.mkdtemp(prefix="ltc-bench-city-"), "truth.json")
        gen_seconds = generate(url, args, truth_path)
        with open(truth_path, encoding="utf-8") as fh:
            truth = json.load(fh)
        return report(url, args, truth, gen_seconds)
    finally:
        pg.stop()


if __name__ == "__main__":
    sys.exit(main())
