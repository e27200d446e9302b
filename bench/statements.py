"""Beneficiary statements (issue 11 point 7): what one statement costs through the job's own unit
function (read the person's paid lines, render the PDF with WeasyPrint, write the file, store its
SHA-256), and what 50 000 a month would take.

Run: .venv/bin/python bench/statements.py [N]   (DATABASE_URL for PostgreSQL; default a temp SQLite)

Seeds N persons billed in one paid month by two providers (a bed-day line and a home-care line
with a dozen visit dates each, like the generated city's typical beneficiary), renders the N
statements one after the other, and prints per-statement milliseconds (median, p95), the render's
share, peak RSS and the RSS after the first and the last tenth (flat = no growth per statement),
the projection for 50 000 statements on one and on two workers, and, as the same-run baseline, a
bare SQL ``GROUP BY person`` over the same lines.
"""
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from common import analyze, empty_database  # noqa: I001 (puts the project on sys.path)
from flask import current_app
from sqlalchemy import func, insert, select

from ltc.billing.documents import jobs
from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord, SettlementRevision
from ltc.core.clock import LOCAL_TZ
from ltc.notices import pdf
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson

MONTH, NEXT = date(2026, 3, 1), date(2026, 4, 1)
NOW = datetime(2026, 4, 27, 3, 30, tzinfo=timezone.utc)
DUE = datetime(2026, 4, 27, 3, 30, tzinfo=LOCAL_TZ)
CITY = 50_000


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def seed(session, count: int) -> None:
    providers = []
    for n, name in ((1, "示范市第一护理院"), (2, "示范市居家护理服务中心")):
        org = Organisation(kind="provider", name=name, uscc=f"91110000{n:09d}X", created_at=NOW)
        session.add(org)
        providers.append(org)
    session.flush()
    settlements = []
    for org in providers:
        row = Settlement(provider_id=org.id, month=MONTH, status="paid", revision=1, as_of=NEXT, generated_at=NOW)
        session.add(row)
        settlements.append(row)
    session.flush()
    session.add_all(SettlementRevision(settlement_id=row.id, number=1, source="schedule", as_of=NEXT)
                    for row in settlements)
    session.execute(insert(InsuredPerson), [
        {"id_number": f"1101051949{n:08d}", "name": f"王秀{chr(0x4e00 + n % 2000)}", "district": "东城区",
         "birth_date": date(1949, 12, 31), "sex": "F", "created_at": NOW, "updated_at": NOW} for n in range(count)])
    person_ids = session.scalars(select(InsuredPerson.id).order_by(InsuredPerson.id)).all()
    for person_id in person_ids:
        _lines(session, settlements, person_id)
    session.commit()


def _lines(session, settlements, person_id: int) -> None:
    bed = SettlementLine(settlement_id=settlements[0].id, revision=1, person_id=person_id, care_type="institution",
                         level=4, date_from=date(2026, 3, 1), date_to=date(2026, 3, 16), rate=Decimal("55.00"),
                         unit="day", payable_units=15, rejected={"E08": 2}, billable=Decimal("825.00"),
                         ratio=Decimal("0.75"), fund=Decimal("618.75"), copay=Decimal("206.25"))
    home = SettlementLine(settlement_id=settlements[1].id, revision=1, person_id=person_id, care_type="home",
                          level=4, date_from=date(2026, 3, 16), date_to=NEXT, rate=Decimal("65.00"), unit="minute",
                          payable_units=720, billable=Decimal("780.00"), ratio=Decimal("0.90"),
                          fund=Decimal("702.00"), copay=Decimal("78.00"))
    session.add_all((bed, home))
    session.flush()
    session.add(SettlementLineRecord(line_id=bed.id, record_kind="stay", record_id=person_id,
                                     service_date=date(2026, 3, 1), service_to=date(2026, 3, 16), units=15))
    session.add_all(SettlementLineRecord(line_id=home.id, record_kind="visit", record_id=person_id * 100 + i,
                                         service_date=date(2026, 3, 16) + timedelta(days=i), units=60)
                    for i in range(12))


def main(count: int) -> None:
    with empty_database() as db:
        current_app.config["STATEMENTS_FOLDER"] = tempfile.mkdtemp(prefix="ltc-statements-")
        current_app.config[pdf.RENDERER_SETTING] = None
        session = db.session
        seed(session, count)
        analyze()
        session.commit()
        print(f"{db.engine.dialect.name}: {count} persons, one paid month, two providers")
        baseline(session)
        units = jobs.statements_to_render(session, due_at=DUE)
        session.commit()
        measure(session, units)


def baseline(session) -> None:
    start = time.perf_counter()
    rows = session.execute(select(SettlementLine.person_id, func.sum(SettlementLine.fund))
                           .group_by(SettlementLine.person_id)).all()
    session.commit()
    print(f"baseline: bare SQL GROUP BY person over the lines: {(time.perf_counter() - start) * 1000:.1f} ms "
          f"for {len(rows)} persons")


def measure(session, units: list[str]) -> None:
    timings, cpu, rendering = [], [], []
    real = pdf.render_pdf

    def timed_render(template, values):
        start = time.perf_counter()
        try:
            return real(template, values)
        finally:
            rendering.append(time.perf_counter() - start)

    current_app.config[pdf.RENDERER_SETTING] = timed_render
    tenth, marks = max(1, len(units) // 10), []
    for i, unit in enumerate(units, start=1):
        start, start_cpu = time.perf_counter(), time.process_time()
        jobs.render_beneficiary_statement(session, unit, now=NOW, due_at=DUE)
        session.commit()
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if i in (tenth, len(units)):
            marks.append(rss_mib())
    report(timings, cpu, rendering, marks)


def report(timings: list[float], cpu: list[float], rendering: list[float], marks: list[float]) -> None:
    warm = timings[1:] or timings
    median, p95 = statistics.median(warm), sorted(warm)[int(0.95 * (len(warm) - 1))]
    cpu_median = statistics.median(cpu[1:] or cpu)
    share = statistics.median(rendering[1:] or rendering) / median
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"first statement (cold: fonts, templates): {timings[0] * 1000:.0f} ms")
    print(f"per statement: median {median * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms over {len(warm)} "
          f"(rendering {share:.0%} of it)")
    print(f"CPU time per statement: median {cpu_median * 1000:.0f} ms (wall minus waiting for a shared CPU; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"RSS after the first tenth {marks[0]:.0f} MiB, after the last {marks[-1]:.0f} MiB; peak {peak:.0f} MiB")
    for workers in (1, 2):
        wall, busy = CITY * median / workers / 3600, CITY * cpu_median / workers / 3600
        print(f"projected for {CITY:,} statements on {workers} worker{'s' if workers > 1 else ''}: "
              f"{wall:.1f} h at this run's wall time, {busy:.1f} h with a CPU each")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
