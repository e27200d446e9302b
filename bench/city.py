"""A fast, set-based generator of the generated city on PostgreSQL (issues 12 and 13, benchmarks).

    nice .venv/bin/python bench/city.py [--beneficiaries 5000] [--providers 50] [--from 2025-07] \
        [--months 2] [--seed 1] [--last-status paid]

The world (organisations, persons, entitlements, care plans, carers, stays, world-level seeds) is the
one ``flask demo city`` plans (``ltc.demo.city.run.plan_world``, the same seed gives the same rows),
written by its ``Writer`` (``COPY``). The months are then made in SQL, one ``INSERT … SELECT`` over
``generate_series`` per table and month, deterministic (``hashint8extended`` of the record's key and the
seed, no ``random()``):

* visits: every visit type's weekdays within the entitlement, before death and outside hospital stays,
  the shape of ``ltc.demo.city.visits.make_visit`` (check-in −5…+10 min of the slot, 0–7 minutes over
  the planned, GPS on the person's own lattice, upload within 30 min), with their plan's items; a
  seeded 3 % late check-ins (punctuality), 1 % short (V03), 0.5 % far (V01), 0.3 % late uploads (V12);
* findings of those breaches read back from the records' columns (V03 REJECT, V01 and V12 FLAG);
* settlements synthesised from the records (``city_money``): one regular settlement per provider and
  month, its lines priced with the REF amounts of ``ltc.demo.city.money`` over the payable units
  (bed-days of the stays, planned minutes of home visits without a REJECT finding, outreach visits,
  family packages), the findings linked, a 5 % sample, the insurer's refusals (30 % of the FLAG
  records, 2 % of the sampled persons' visits), the audit and the carers' violation points; the
  figures the ratings read, not the settlement engine's result (``bench/settlement.py`` measures that);
* activity: the monthly follow-up sample (3 %, recorded), complaints (0.1 %), carers' training.

Without a running cluster of its own, ``main`` starts one (``bench/checkin.py``'s ``Postgres``), builds
and prints the rows and seconds per step, and stops it. ``build`` is what the other benches call.
"""
import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

#: the slots the visits are made from: one row per visit type (what the world knows and the tables don't)
SLOTS = "_bench_city_slots"
SLOT_COLUMNS = ("vt_id", "plan_id", "person_id", "provider_id", "carer_id", "care_type", "weekdays", "start_time",
                "minutes", "lat", "lon", "residue", "medical")


def u(key: str, salt: int) -> str:
    """SQL: a uniform [0, 1) number from an integer key expression and the seed (``:seed``)."""
    return f"((hashint8extended(({key})::bigint, :seed + {salt}) & 16777215)::float8 / 16777216)"


class Sql:
    """One connection's set-based statements; NOT NULL columns with a model default are filled in."""

    def __init__(self, conn, now: datetime, seed: int) -> None:
        self.conn, self.now, self.seed = conn, now, seed
        self.rows: dict[str, int] = {}
        self.seconds: dict[str, float] = {}

    def _defaults(self, table: str, columns: tuple[str, ...]) -> tuple[list[str], list[str], dict]:
        from sqlalchemy import JSON

        from ltc.core.db import Base, UtcDateTime

        names, values, params = [], [], {}
        for n, column in enumerate(Base.metadata.tables[table].columns):
            stamp = not column.nullable and column.default is None and isinstance(column.type, UtcDateTime)
            if column.name in columns or column.primary_key or (column.default is None and not stamp):
                continue
            value = self.now if stamp or not column.default.is_scalar else column.default.arg
            names.append(column.name)
            if isinstance(column.type, JSON):
                value = json.dumps(value if column.default is not None and column.default.is_scalar else {})
                values.append(f"CAST(:d{n} AS json)")
            else:
                values.append(f":d{n}")
            params[f"d{n}"] = value
        return names, values, params

    def insert(self, table: str, columns: tuple[str, ...], select: str, **params) -> int:
        """``INSERT INTO table (columns + defaults) SELECT … ``; the rows written."""

        names, values, extra = self._defaults(table, columns)
        statement = (f"INSERT INTO {table} ({', '.join(columns + tuple(names))}) "
                     f"SELECT q.*{''.join(', ' + v for v in values)} FROM ({select}) AS q")
        return self.run(table, statement, **params, **extra)

    def run(self, label: str, statement: str, **params) -> int:
        from sqlalchemy import text

        t0 = time.perf_counter()
        count = self.conn.execute(text(statement), {"seed": self.seed, **params}).rowcount
        self.rows[label] = self.rows.get(label, 0) + max(count, 0)
        self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - t0
        return count


def write_world(session, options, now: datetime):
    """The world of ``flask demo city`` (same planner, same writer) and the slots table; the world."""
    from ltc.demo.city import run
    from ltc.demo.city.writer import Writer

    writer, items = Writer(session, now), run.load_items(session)
    city, _rng = run.plan_world(options, writer.bases(), items)
    run.write_world(session, writer, city, now)
    writer.finish()
    conn = session.connection()
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {SLOTS}")
    conn.exec_driver_sql(
        f"CREATE UNLOGGED TABLE {SLOTS} (vt_id int PRIMARY KEY, plan_id int, person_id int, provider_id int, "
        "carer_id int, care_type text, weekdays text, start_time time, minutes int, lat bigint, lon bigint, "
        "residue int, medical boolean)")
    persons = {p.id: p for p in city.persons}
    with conn.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {SLOTS} ({', '.join(SLOT_COLUMNS)}) FROM STDIN") as copy:
            for vt in city.visit_types:
                person = persons[vt.person_id]
                copy.write_row((vt.id, vt.plan_id, vt.person_id, vt.provider_id, vt.carer_id, vt.care_type,
                                "".join(map(str, vt.weekdays)), vt.start, vt.minutes, person.lat, person.lon,
                                person.index % 65536, vt.medical))
    conn.exec_driver_sql(f"ANALYZE {SLOTS}")
    return city, writer.written


#: the hash's bits: check-in jitter, minutes over, four GPS offsets, upload delay (``h``); the breach (``b``)
VISITS = f"""
WITH days AS (
  SELECT s.*, g.day::date AS day, hashint8extended(s.vt_id::bigint * 100000 + (g.day::date - DATE '2000-01-01'),
         :seed) AS h, {u("s.vt_id::bigint * 100000 + (g.day::date - DATE '2000-01-01')", 7)} AS b
  FROM {SLOTS} s
  JOIN entitlements e ON e.care_plan_id = s.plan_id
  JOIN insured_persons p ON p.id = s.person_id
  CROSS JOIN generate_series(CAST(:m0 AS date), CAST(:m1 AS date) - 1, interval '1 day') AS g(day)
  WHERE strpos(s.weekdays, extract(isodow FROM g.day)::int::text) > 0
    AND g.day >= e.valid_from AND (e.valid_to IS NULL OR g.day < e.valid_to)
    AND (p.death_date IS NULL OR g.day <= p.death_date)
    AND NOT EXISTS (SELECT 1 FROM hospital_stays hs WHERE hs.person_id = s.person_id AND hs.admitted_on <= g.day
                    AND (hs.discharged_on IS NULL OR hs.discharged_on >= g.day))
), timed AS (
  SELECT d.*, ((d.day + d.start_time) AT TIME ZONE 'Asia/Shanghai') AS slot,
         CASE WHEN d.b < 0.03 THEN 20 + (d.h & 31)::int ELSE ((d.h & 15)::int - 5) END AS late,
         CASE WHEN d.b >= 0.03 AND d.b < 0.04 THEN -(d.minutes * 4 / 10)
              ELSE ((d.h >> 4) & 7)::int END AS over,
         CASE WHEN d.b >= 0.04 AND d.b < 0.045 THEN 4600 + ((d.h >> 7) & 4095)::int
              ELSE ((d.h >> 7) & 2047)::int % 1600 - 800 END AS dlat_in,
         ((d.h >> 18) & 2047)::int % 1600 - 800 AS dlon_in,
         ((d.h >> 29) & 2047)::int % 1600 - 800 AS dlat_out,
         ((d.h >> 40) & 2047)::int % 1600 - 800 AS dlon_out,
         CASE WHEN d.b >= 0.045 AND d.b < 0.048 THEN 80 * 3600 + ((d.h >> 51) & 1023)::int * 300
              ELSE 5 + ((d.h >> 51) & 1023)::int * 7 / 4 END AS upload_s
  FROM days d
)
SELECT CAST(:base AS int) + (row_number() OVER (ORDER BY t.vt_id, t.day))::int AS id, t.provider_id, t.person_id,
       t.carer_id, t.care_type, t.plan_id, t.vt_id, 'done', t.slot,
       t.slot + make_interval(mins => t.late),
       t.slot + make_interval(mins => t.late + t.minutes + t.over),
       t.day, t.minutes, t.minutes + t.over,
       ((t.lat + t.dlat_in) / 256 * 256 + t.residue / 256) / 1e6,
       ((t.lon + t.dlon_in) / 256 * 256 + t.residue % 256) / 1e6,
       ((t.lat + t.dlat_out) / 256 * 256 + t.residue / 256) / 1e6,
       ((t.lon + t.dlon_out) / 256 * 256 + t.residue % 256) / 1e6,
       'PAD-' || lpad(t.carer_id::text, 6, '0'), md5(t.vt_id::text || ':' || t.day::text || ':' || :seed),
       NULL, 'api', t.slot + make_interval(mins => t.late, secs => t.upload_s),
       t.slot + make_interval(mins => t.late, secs => t.upload_s),
       t.slot + make_interval(mins => t.late, secs => t.upload_s)
FROM timed t ORDER BY 1
"""
VISIT_COLUMNS = ("id", "provider_id", "person_id", "carer_id", "care_type", "plan_id", "visit_type_id", "status",
                 "scheduled_start", "check_in_at", "check_out_at", "service_date", "planned_minutes",
                 "actual_minutes", "check_in_lat", "check_in_lon", "check_out_lat", "check_out_lon", "device_id",
                 "photo_hash", "notes", "source", "uploaded_at", "created_at", "updated_at")
FINDING_COLUMNS = ("rule", "severity", "record_kind", "record_id", "provider_id", "person_id", "carer_id",
                   "service_date", "month", "evidence", "message", "params", "status", "source", "found_at")
MONTH_VISITS = "v.service_date >= :m0 AND v.service_date < :m1"
#: rule → (severity, SQL condition on ``v`` (and ``p``, the person), message, params, evidence) as SQL
BREACHES = {
    "V03": ("REJECT", "v.actual_minutes < 0.9 * v.planned_minutes",
            "实际服务 %(minutes)s 分钟，低于最低时长 %(minimum)s 分钟",
            "json_build_object('minutes', v.actual_minutes, 'minimum', (0.9 * v.planned_minutes)::text)",
            "json_build_object('planned_minutes', v.planned_minutes, 'ratio', '0.9')"),
    "V01": ("FLAG", "abs(v.check_in_lat - p.latitude) > 0.004",
            "打卡位置距登记地址 %(metres)s 米，超过 %(limit)s 米",
            "json_build_object('metres', round(abs(v.check_in_lat - p.latitude) * 111000), 'limit', 300)",
            "json_build_object('metres_by_point', json_build_object('check_in', "
            "round(abs(v.check_in_lat - p.latitude) * 111000)))"),
    "V12": ("FLAG", "v.uploaded_at - v.check_in_at > interval '72 hours'",
            "签到后 %(hours)s 小时才上传，超过 %(limit)s 小时",
            "json_build_object('hours', (extract(epoch FROM v.uploaded_at - v.check_in_at) / 3600)::int, "
            "'limit', 72)",
            "json_build_object('uploaded_at', v.uploaded_at, 'device_id', v.device_id)"),
}


def visits_month(sql: Sql, month: date, end: date) -> None:
    base = sql.conn.exec_driver_sql("SELECT coalesce(max(id), 0) + 1 FROM visits").scalar()
    sql.insert("visits", VISIT_COLUMNS, VISITS, m0=month, m1=end, base=base)
    sql.insert("visit_items", ("visit_id", "service_item_id"),
               "SELECT v.id, i.service_item_id FROM visits v JOIN care_plan_visit_items i "
               f"ON i.visit_type_id = v.visit_type_id WHERE {MONTH_VISITS} ORDER BY v.id, i.service_item_id",
               m0=month, m1=end)
    sql.conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('visits', 'id'), (SELECT max(id) FROM visits))")


def findings_month(sql: Sql, month: date, end: date) -> None:
    for rule, (severity, condition, message, params, evidence) in BREACHES.items():
        sql.insert("findings", FINDING_COLUMNS,
                   f"SELECT '{rule}', '{severity}', 'visit', v.id, v.provider_id, v.person_id, v.carer_id, "
                   f"v.service_date, CAST(:m0 AS date), {evidence}, '{message}', {params}, 'open', 'scan', "
                   f"CAST(:now AS timestamptz) FROM visits v JOIN insured_persons p ON p.id = v.person_id "
                   f"WHERE {MONTH_VISITS} AND {condition} ORDER BY v.id", m0=month, m1=end, now=sql.now)


@contextmanager
def indexes_dropped(conn, tables: tuple[str, ...]):
    """The tables' secondary indexes dropped for the bulk load and made again after it."""
    rows = conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%(t)s) AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", {"t": list(tables)}).all()
    for name, _definition in rows:
        conn.exec_driver_sql(f"DROP INDEX {name}")
    yield
    for _name, definition in rows:
        conn.exec_driver_sql(definition)


def bed_days(conn, start: date, end: date) -> int:
    """The stays' bed-days within the generated months (with the visits: the city's records)."""
    return int(conn.exec_driver_sql(
        "SELECT coalesce(sum(least(coalesce(discharged_on, %(end)s), %(end)s) - greatest(admitted_on, %(start)s)), 0) "
        "FROM stays WHERE admitted_on < %(end)s AND (discharged_on IS NULL OR discharged_on > %(start)s)",
        {"start": start, "end": end}).scalar())


def months_of(start: str, count: int) -> list[date]:
    from ltc.core.months import add_months

    first = datetime.strptime(start, "%Y-%m").date()
    return [add_months(first, k) for k in range(count)]


def build(url: str, args, statuses: dict[date, str | None]) -> dict:
    """Upgrade the schema and generate the city with ``args.months`` months; ``statuses``: month →
    the synthesised settlements' status (None: no settlement). Returns rows and seconds per step."""
    import city_money
    from compliance_scan import flask

    from ltc import create_app
    from ltc.core.clock import utcnow
    from ltc.core.months import first_of_next_month
    from ltc.demo.city.facts import Options
    from ltc.extensions import db

    figures = {"schema": flask(url, "db", "upgrade")}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    months = months_of(args.start, args.months)
    options = Options(args.beneficiaries, args.providers, months[0], args.months, args.seed)
    with app.app_context():
        now, t0 = utcnow(), time.perf_counter()
        _city, written = write_world(db.session, options, now)
        figures["world"] = time.perf_counter() - t0
        conn = db.session.connection()
        # the bench's own cluster, as its superuser: no per-row foreign-key triggers (the rows are made consistent)
        conn.exec_driver_sql("SET session_replication_role = replica")
        sql = Sql(conn, now, args.seed)
        with indexes_dropped(conn, ("visits", "visit_items")):
            for month in months:
                visits_month(sql, month, first_of_next_month(month))
                print(f"  {month:%Y-%m}: {sql.rows.get('visits', 0):,} visits so far "
                      f"({time.perf_counter() - t0:.0f} s)", flush=True)
        conn.exec_driver_sql("ANALYZE")
        db.session.commit()   # each step commits: the tables can be looked at while the next one runs
        conn = sql.conn = db.session.connection()
        conn.exec_driver_sql("SET session_replication_role = replica")
        for month in months:
            end = first_of_next_month(month)
            findings_month(sql, month, end)
            city_money.activity(sql, month, end, last=month == months[-1])
            if statuses.get(month):
                city_money.settle(sql, month, end, statuses[month])
            db.session.commit()
            conn = sql.conn = db.session.connection()
            conn.exec_driver_sql("SET session_replication_role = replica")
        print(f"  findings, activity and settlements ({time.perf_counter() - t0:.0f} s)", flush=True)
        figures["bed_days"] = bed_days(conn, months[0], first_of_next_month(months[-1]))
        conn.exec_driver_sql(f"DROP TABLE {SLOTS}")
        db.session.commit()
        figures["months"] = time.perf_counter() - t0 - figures["world"]
        db.session.remove()
        db.engine.dispose()
    figures["rows"] = {**written, **sql.rows}
    figures["seconds"] = {k: round(v, 1) for k, v in sql.seconds.items()}
    return figures


def main() -> int:
    from checkin import Postgres
    from compliance_scan import FAST_LOAD

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beneficiaries", type=int, default=5_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--from", dest="start", default="2025-07")
    parser.add_argument("--months", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="leave the cluster running (prints how to stop it)")
    parser.add_argument("--last-status", default="paid", help="the last month's settlements (none: not settled)")
    args = parser.parse_args()
    months = months_of(args.start, args.months)
    statuses = {m: "paid" for m in months} | {months[-1]: None if args.last_status == "none" else args.last_status}
    pg = Postgres(options=FAST_LOAD)
    url = pg.start()
    try:
        t0 = time.perf_counter()
        figures = build(url, args, statuses)
        print(f"built in {time.perf_counter() - t0:.0f} s: schema {figures['schema']:.0f} s, "
              f"world {figures['world']:.0f} s, "
              f"months {figures['months']:.0f} s; load {os.getloadavg()}; records {figures['rows']['visits']:,} visits "
              f"+ {figures['bed_days']:,} bed-days")
        for name, count in sorted(figures["rows"].items()):
            print(f"  {name:<32} {count:>12,}  {figures['seconds'].get(name, '')}")
        return 0
    finally:
        if args.keep:
            print(f"kept: {url}; stop with: pg_ctl -D {pg.data} -m fast stop (as postgres), then remove {pg.data}")
        else:
            pg.stop()


if __name__ == "__main__":
    sys.exit(main())
