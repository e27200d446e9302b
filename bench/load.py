"""Pages under load (issue 13, Performance): gunicorn + PostgreSQL with the generated city and five months
of records, 20 simulated users of different roles (locust, headless) for 120 s.

    nice .venv/bin/python bench/load.py [--beneficiaries 50000] [--providers 500] [--from 2026-01] \
        [--months 5] [--users 20] [--seconds 120] [--seed 1] [--settle-last real|synth]

Needs the ``bench`` extra (``pip install -e .[bench]``: locust). Starts a private PostgreSQL cluster on
127.0.0.1 (``bench/compliance_scan.py``'s settings, printed), builds the city with ``bench/city.py``:
the months but the last settled by set-based synthesis (paid), the last month's settlements made by the
``generate_settlements`` job (``--settle-last real``, the default: what the settlement pages show is the
engine's) or synthesised; then refreshes the supervision facts of every generated month with the
``supervision_facts`` job's unit (``ltc.supervision.jobs.refresh_unit``), creates one login per
simulated user — MIA admin, insurer operator and reviewer, agency admin, provider admin and operator
(each provider login of another provider) — and starts gunicorn with the production settings
(``gunicorn.conf.py``, printed).

Each login's pages are probed once before the run (a page answering 403 or 404 to that role is left
out and listed; a 5xx is an error): home, lists, inboxes, queues, a finding and a settlement of its
scope, and the dashboards — ``/supervision/`` and up to four ``/supervision/figures/<key>.svg`` linked
from it (the figures registered in this build). Then locust runs the users, each logged in as its own
login, waiting 1–3 s between pages and cycling through them, and every cycle the bare ``/healthz``.
Prints per page group p50 / p95 / max and count, the targets (lists, inboxes, queues ≤ 150 ms p95;
dashboards ≤ 300 ms p95), errors (must be 0), the bare endpoint's p95 in the same run, the CPU the
servers spent and the load average. Talks only to the servers it started and stops them itself.
"""
import argparse
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, time as clock_time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from checkin import Postgres, Servers, gunicorn_settings, start_gunicorn  # noqa: E402
from city import build, months_of  # noqa: E402
from compliance_scan import FAST_LOAD, SETTINGS  # noqa: E402

#: group → p95 target in ms (None: for reference)
TARGETS = {"home": None, "lists": 150, "inboxes": 150, "queues": 150, "findings": 150, "settlements": 150,
           "dashboards": 300, "figures": 300, "bare": None}
LISTS = ("/people/", "/carers/", "/visits/", "/stays/", "/entitlements/", "/care-plans/", "/orgs/", "/billing/stars/",
         "/ratings/stars/")
INBOXES = ("/reviews/", "/ratings/follow-ups/", "/ratings/complaints/", "/ratings/points/", "/ratings/effects/notices",
           "/assessment/")
QUEUES = ("/findings/", "/settlements/review/approval", "/settlements/review/payment", "/assessment/queues/to_accept",
          "/assessment/queues/to_schedule", "/assessment/queues/all")
#: simulated user → (login name, org key, roles)
ACCOUNTS = (("mia", "mia", ("admin",)), ("ins_op", "insurer", ("operator",)), ("ins_rev", "insurer", ("reviewer",)),
            ("agency", "agency", ("admin",)), ("prov_admin", "provider", ("admin",)),
            ("prov_op", "provider", ("operator",)))
SVG = re.compile(r"/supervision/figures/([\w.-]+)\.svg")


def settle_last(url: str, month: date) -> float:
    """The last month's settlements by the ``generate_settlements`` job, as the scheduler runs it."""
    from ltc import create_app
    from ltc.core.clock import LOCAL_TZ
    from ltc.core.months import first_of_next_month
    from ltc.scheduler.registry import get_job
    from ltc.scheduler.runner import run_job

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    t0 = time.perf_counter()
    due = datetime.combine(first_of_next_month(month), clock_time(2, 0), tzinfo=LOCAL_TZ)
    outcome = run_job(app, get_job("generate_settlements"), due)
    print(f"  settlements of {month:%Y-%m} by the job: {outcome.status} {outcome.counts}", flush=True)
    return time.perf_counter() - t0


def refresh_facts(url: str, months: list[date]) -> tuple[float, int]:
    """Every generated month's supervision facts, by the nightly job's unit, committed per month."""
    from ltc import create_app
    from ltc.core.clock import utcnow
    from ltc.extensions import db
    from ltc.supervision.jobs import refresh_unit

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    t0, rows = time.perf_counter(), 0
    with app.app_context():
        for month in months:
            now = utcnow()
            rows += refresh_unit(db.session, f"{month:%Y-%m}", now=now, due_at=now)["rows"]
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return time.perf_counter() - t0, rows


def accounts(url: str, users: int) -> list[dict]:
    """One login per simulated user (roles in turn), with the ids of its scope's first finding and settlement."""
    from sqlalchemy import select

    from ltc import create_app
    from ltc.extensions import db
    from ltc.orgs.models import Organisation
    from tests import builders

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        session = db.session
        orgs = {kind: session.scalars(select(Organisation.id).where(Organisation.kind == kind)
                                      .order_by(Organisation.id)).all() for kind in ("insurer", "agency", "provider")}
        mia = builders.org(session, "mia", "合成市医保局", 990_001)
        made = []
        for n in range(users):
            name, kind, roles = ACCOUNTS[n % len(ACCOUNTS)]
            org_id = mia.id if kind == "mia" else orgs[kind][(n * 37) % len(orgs[kind])]
            login = builders.user(session, session.get(Organisation, org_id), f"load_{name}_{n}", *roles)
            made.append({"username": login.username, "password": builders.PASSWORD, "kind": kind, "org_id": org_id,
                         "roles": roles, **scope_ids(session, kind, org_id)})
        session.commit()
        db.session.remove()
        db.engine.dispose()
    return made


def scope_ids(session, kind: str, org_id: int) -> dict:
    from sqlalchemy import text

    own = "provider_id = :org" if kind == "provider" else "true"
    finding = session.execute(text(f"SELECT min(id) FROM findings WHERE {own}"), {"org": org_id}).scalar()
    settlement = session.execute(text(   # a provider's newest (the job's draft); the others' newest submitted one
        f"SELECT max(id) FROM settlements WHERE {own} AND (:provider OR status <> 'draft')"),
        {"org": org_id, "provider": kind == "provider"}).scalar()
    return {"finding": finding, "settlement": settlement}


def candidates(account: dict) -> list[tuple[str, str]]:
    pages = [("home", "/")] + [("lists", p) for p in LISTS] + [("inboxes", p) for p in INBOXES]
    pages += [("queues", p) for p in QUEUES] + [("settlements", "/settlements/")]
    if account["finding"]:
        pages.append(("findings", f"/findings/{account['finding']}"))
    if account["settlement"]:
        s = account["settlement"]
        pages += [("settlements", f"/settlements/{s}"), ("settlements", f"/billing/settlements/{s}/lines")]
        if account["kind"] == "insurer":
            pages.append(("settlements", f"/settlements/review/{s}"))
    return pages + [("dashboards", "/supervision/")]


def login(session, base: str, account: dict) -> None:
    page = session.get(base + "/login").text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    answer = session.post(base + "/login", data={"username": account["username"], "password": account["password"],
                                                 "csrf_token": token.group(1) if token else ""},
                          allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"login of {account['username']} failed: {answer.status_code}")


def probe(base: str, account: dict) -> tuple[list, list, list]:
    """(pages kept, pages left out with their status, errors) of one login."""
    import requests

    session, kept, left, errors = requests.Session(), [], [], []
    login(session, base, account)
    for group, path in candidates(account):
        answer = session.get(base + path, allow_redirects=False)
        target = answer.headers.get("Location", "").removeprefix(base)
        if answer.status_code in (301, 302) and target.startswith("/") and not target.startswith("/login"):
            path, answer = target, session.get(base + target, allow_redirects=False)   # the role's own page
        if answer.status_code >= 500:
            errors.append((path, answer.status_code))
        elif answer.status_code != 200:
            left.append((path, answer.status_code))
            continue
        kept.append((group, path))
        if path == "/supervision/":
            kept += [("figures", f"/supervision/figures/{key}.svg") for key in
                     list(dict.fromkeys(SVG.findall(answer.text)))[:4]]
    return kept, left, errors


def run_locust(base: str, plan: list[dict], args, prefix: str) -> dict:
    """locust headless (``bench/load_locust.py``); its exact response times and failures per group."""
    with open(prefix + "-plan.json", "w", encoding="utf-8") as fh:
        json.dump(plan, fh)
    env = {**os.environ, "LTC_LOAD_PLAN": prefix + "-plan.json"}
    with open(prefix + "-locust.log", "w", encoding="utf-8") as log:
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "load_locust.py"), base, str(args.users),
                        str(args.seconds), prefix + "-result.json"], check=True, env=env, cwd=ROOT, stdout=log,
                       stderr=log)
    with open(prefix + "-result.json", encoding="utf-8") as fh:
        return json.load(fh)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


def table(result: dict) -> int:
    """Print the groups' figures; the number of failures and missed targets."""
    times, failures = result["times"], result["failures"]
    print(f"\n  {'page group':<12} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>7}  target p95")
    bad = 0
    for group, target in {**TARGETS, "login": None}.items():
        values = times.get(group)
        if not values:
            print(f"  {group:<12} {'-':>7}   (no such page in this build for these roles)")
            continue
        p95, failed = percentile(values, 0.95), len(failures.get(group, ()))
        missed = target is not None and p95 > target
        bad += failed + missed
        print(f"  {group:<12} {len(values):>7} {percentile(values, 0.5):>8.0f} {p95:>8.0f} {max(values):>8.0f} "
              f"{failed:>7}  " + (f"<= {target} ms" + ("  <- missed" if missed else "") if target else "(reference)"))
    slowest = sorted(result["paths"].items(), key=lambda kv: -percentile(kv[1], 0.95))[:6]
    print("  slowest pages (p95 ms, count): " + "; ".join(f"{path} {percentile(v, 0.95):.0f} ({len(v)})"
                                                         for path, v in slowest))
    for group, messages in failures.items():
        print(f"  failures of {group}: {len(messages)}, e.g. {messages[:3]}")
    return bad


def prepare(url: str, args) -> list[date]:
    months = months_of(args.start, args.months)
    synth_last = "paid" if args.settle_last == "synth" else None
    statuses = {m: "paid" for m in months[:-1]} | {months[-1]: synth_last}
    t0 = time.perf_counter()
    city = build(url, args, statuses)
    print(f"city: {args.beneficiaries:,} beneficiaries / {args.providers} providers / {args.months} months in "
          f"{time.perf_counter() - t0:.0f} s: records {city['rows']['visits'] + city['bed_days']:,} "
          f"({city['rows']['visits']:,} visits + {city['bed_days']:,} bed-days), "
          f"{city['rows'].get('findings', 0):,} findings, {city['rows'].get('settlement_lines', 0):,} synthesised "
          f"settlement lines (months before the last: synthesised, paid)", flush=True)
    if args.settle_last == "real":
        print(f"last month's settlements by the generate_settlements job in {settle_last(url, months[-1]):.0f} s")
    seconds, rows = refresh_facts(url, months)
    print(f"supervision facts of {len(months)} months refreshed (supervision_facts' unit) in {seconds:.0f} s: "
          f"{rows:,} rows", flush=True)
    return months


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beneficiaries", type=int, default=50_000)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--from", dest="start", default="2026-01")
    parser.add_argument("--months", type=int, default=5)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settle-last", choices=("real", "synth"), default="real")
    args = parser.parse_args()
    pg = Postgres(options=FAST_LOAD)
    url = pg.start()
    server = None
    try:
        prepare(url, args)
        made = accounts(url, args.users)
        server, base = start_gunicorn(url, None, None)
        print(f"gunicorn: {gunicorn_settings()} on {base}")
        plan, errors = [], []
        for account in made:
            kept, left, failed = probe(base, account)
            plan.append({**account, "pages": kept + [("bare", "/healthz")]})
            errors += failed
            print(f"  {account['username']:<18} {len(kept):>2} pages" + (f"; left out {left}" if left else ""))
        print(f"probe errors (5xx): {errors or 0}")
        servers = Servers(server.pid, pg.postmaster())
        load0, cpu0, t0 = os.getloadavg(), servers.cpu(), time.perf_counter()
        prefix = os.path.join(tempfile.mkdtemp(prefix="ltc-bench-load-"), "load")
        result = run_locust(base, plan, args, prefix)
        elapsed, cpu = time.perf_counter() - t0, servers.cpu()
        print(f"\nlocust {args.users} users, 1–3 s between pages, {args.seconds} s; load average before {load0}, "
              f"after {os.getloadavg()}; CPU gunicorn {cpu[0] - cpu0[0]:.0f} s, PostgreSQL {cpu[1] - cpu0[1]:.0f} s "
              f"over {elapsed:.0f} s")
        bad = table(result) + len(errors)
        print(f"\nPostgreSQL settings: {settings(url)}")
        return 1 if bad else 0
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pg.stop()


def settings(url: str) -> dict:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        found = {name: conn.exec_driver_sql(f"SHOW {name}").scalar() for name in SETTINGS}
    engine.dispose()
    return found


if __name__ == "__main__":
    sys.exit(main())
