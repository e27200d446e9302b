"""The Alembic migrations produce exactly the models' schema (on SQLite and PostgreSQL)."""
import json
from contextlib import contextmanager
import uuid

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from ltc import create_app
from ltc.extensions import db


def _fresh_database(app, tmp_path) -> tuple[str, callable]:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", lambda: None
    name = f"ltc_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False), drop


@contextmanager
def migrated_app(app, tmp_path):
    """An app on a fresh, empty database (dropped afterwards), used inside its app context."""
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            yield migrated
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def _exclusion_constraints(conn) -> set[str] | None:
    if conn.dialect.name != "postgresql":
        return None
    return set(conn.execute(text("SELECT conname FROM pg_constraint WHERE contype = 'x'")).scalars())


def _model_exclusions() -> set[str]:
    from sqlalchemy.dialects.postgresql import ExcludeConstraint

    return {c.name for t in db.metadata.sorted_tables for c in t.constraints
            if isinstance(c, ExcludeConstraint)}


def test_migrations_produce_exactly_the_models_schema(app, tmp_path):
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                context = MigrationContext.configure(conn, opts={"compare_type": True})
                diff = compare_metadata(context, db.metadata)
                tables = set(inspect(conn).get_table_names())
                exclusions = _exclusion_constraints(conn)
            db.engine.dispose()
        assert diff == []
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        if exclusions is not None:  # Alembic does not compare EXCLUDE constraints: check them here
            assert exclusions == _model_exclusions()
    finally:
        drop()


def _model_checks() -> dict[tuple[str, str], str]:
    from sqlalchemy import CheckConstraint

    return {(t.name, c.name): c.sqltext.text for t in db.metadata.sorted_tables for c in t.constraints
            if isinstance(c, CheckConstraint)}


def test_migrations_create_the_models_check_constraints(app, tmp_path):
    """Alembic does not compare CHECK constraints: the migrated database has each model's, under
    its name, and on SQLite (which keeps the text as written) with the same expression."""
    url, drop = _fresh_database(app, tmp_path)
    migrated = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": url})
    try:
        with migrated.app_context():
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                inspector = inspect(conn)
                found = {(table, c["name"]): c["sqltext"] for table in inspector.get_table_names()
                         for c in inspector.get_check_constraints(table)}
                on_sqlite = conn.dialect.name == "sqlite"
            db.engine.dispose()
        expected = _model_checks()
        assert set(found) == set(expected)
        if on_sqlite:
            assert found == expected
    finally:
        drop()


def test_policy_ref_is_seeded_by_the_migrations(app, tmp_path):
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade()
        from ltc.policy.services import policy_on
        from datetime import date
        policy = policy_on(db.session, date(2026, 6, 1))
        assert policy.section("assessment").benefit_threshold == 3


def _add_draft(conn, number: int, sections: dict) -> None:
    import sqlalchemy as sa
    conn.execute(sa.text("INSERT INTO policy_versions (number, name, status, sections, created_at) "
                         "VALUES (:number, '草稿', 'draft', :sections, CURRENT_TIMESTAMP)"),
                 {"number": number, "sections": json.dumps(sections)})


#: policy sections a later migration adds (a version at an earlier revision lacks them)
ADDED_BY_0051 = {"fund_budget"}


def _valid_before_0051(errors: dict) -> dict:
    return {k: v for k, v in errors.items() if k not in ADDED_BY_0051}


def _all_sections(conn) -> list[dict]:
    """Every version's sections, in version order (JSON is text on SQLite)."""
    import sqlalchemy as sa
    rows = conn.execute(sa.text("SELECT sections FROM policy_versions ORDER BY number")).scalars().all()
    return [r if isinstance(r, dict) else json.loads(r) for r in rows]


def test_0005_adds_the_new_policy_sections_to_existing_versions_and_seeds_the_catalogue(app, tmp_path):
    """A database at 0004 with a draft besides REF: after the upgrade every version validates
    against every section schema and the 42 catalogue items exist; a downgrade gives 0004's JSON back."""
    with migrated_app(app, tmp_path):
        import sqlalchemy as sa
        from ltc.policy.schema import validate_sections
        flask_migrate.upgrade(revision="0004")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            _add_draft(conn, 2, ref)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            items = conn.execute(sa.text("SELECT count(*) FROM service_items")).scalar_one()
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        assert loaded[1]["reviews"]["case_types"][0]["code"] == "entitlement" and items == 42
        flask_migrate.downgrade(revision="0004")
        with db.engine.connect() as conn:
            assert all(set(sections) == {"assessment"} for sections in _all_sections(conn))


def test_0006_gives_every_existing_version_the_ref_job_times_and_keeps_a_version_that_has_them(app, tmp_path):
    """A database at 0005 with REF and a draft: after the upgrade both validate and carry the
    job times the scheduler used before (SPEC §9); a downgrade removes only the ``jobs`` section."""
    with migrated_app(app, tmp_path):
        from ltc.policy.schema import parse_as, validate_sections
        from ltc.scheduler.policy import JobsPolicy
        from ltc.scheduler.registry import JOBS
        flask_migrate.upgrade(revision="0005")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            assert "jobs" not in ref
            own_times = {job.id: {"day": None, "hour": 7, "minute": 15} for job in JOBS
                         if not job.schedule.every_minutes}  # the jobs 0006 knew
            _add_draft(conn, 2, ref)
            _add_draft(conn, 3, {**ref, "jobs": own_times})
        flask_migrate.upgrade(revision="0010")  # later revisions change other sections
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
        # the jobs section of every version validates (other sections gain fields in later revisions)
        assert [{path: why for path, why in validate_sections(s).items() if path.startswith("jobs")}
                for s in loaded] == [{}, {}, {}]
        for sections in loaded[:2]:
            times = parse_as(JobsPolicy, sections["jobs"], "jobs").schedules()
            assert times == {job.id: job.schedule for job in JOBS}
        assert loaded[2]["jobs"] == {**own_times, "retry_pending_notices": {"every_minutes": 10}}  # by 0007
        assert all({k: v for k, v in sections.items() if k != "jobs"} == ref for sections in loaded)
        flask_migrate.downgrade(revision="0005")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == [ref, ref, ref]


def _insert(conn, table: str, **values) -> int:
    import sqlalchemy as sa
    columns = ", ".join(values)
    conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(':' + k for k in values)})"), values)
    return conn.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar_one()


def _downgrade_refused_until_fixed(revision: str, fix: str, params: dict) -> None:
    """The downgrade to ``revision`` is refused (flask_migrate logs the RuntimeError and exits) until
    the statement ``fix`` removes what it would lose; then it is done."""
    import sqlalchemy as sa
    with pytest.raises(SystemExit):
        flask_migrate.downgrade(revision=revision)
    with db.engine.begin() as conn:
        conn.execute(sa.text(fix), params)
    flask_migrate.downgrade(revision=revision)


def _org(conn, kind: str, name: str, n: int, *, address=None, districts=()) -> int:
    from tests.builders import uscc
    return _insert(conn, "organisations", kind=kind, name=name, uscc=uscc(900 + n), address=address,
                   districts=json.dumps(list(districts)), created_at="2024-06-01 02:00:00")


def test_0007_seeds_the_district_list_from_the_records_and_gives_providers_their_district(app, tmp_path):
    """A database at 0006 whose insurer and persons name districts: the upgrade keeps them, lists
    every district once (the insurer's first, in its order), and gives the provider whose address
    names one district a period from its first agreement; a downgrade drops both tables only."""
    with migrated_app(app, tmp_path):
        import sqlalchemy as sa
        from datetime import date
        flask_migrate.upgrade(revision="0006")
        with db.engine.begin() as conn:
            _org(conn, "insurer", "承办甲", 1, districts=["西城区", "东城区"])
            south = _org(conn, "provider", "南湖护理站", 2, address="示范市南湖区湖滨路 1 号")
            _insert(conn, "agreement_periods", org_id=south, agreement_no="XY-1",
                    valid_from=date(2024, 3, 1), valid_to=date(2027, 1, 1))
            _org(conn, "provider", "无地址护理站", 3)
            _org(conn, "provider", "两区交界护理站", 4, address="东城区与西城区交界处")
            for n, district in enumerate(("南湖区", "东城区", "北山区", "南湖区")):
                _insert(conn, "insured_persons", id_number=f"11010519491231{n:04d}", name=f"参保人{n}",
                        district=district, birth_date=date(1949, 12, 31), sex="F",
                        created_at="2024-06-01 02:00:00", updated_at="2024-06-01 02:00:00")
        flask_migrate.upgrade(revision="0007")  # 0018 turns the insurer's list into contracts
        with db.engine.connect() as conn:
            listed = conn.execute(sa.text("SELECT code, name, active, sort_order FROM districts "
                                          "ORDER BY sort_order")).all()
            periods = conn.execute(sa.text("SELECT org_id, district, valid_from, valid_to "
                                           "FROM provider_district_periods")).all()
            persons = conn.execute(sa.text("SELECT district FROM insured_persons ORDER BY id")).scalars().all()
            insurer = conn.execute(sa.text("SELECT districts FROM organisations WHERE kind = 'insurer'")).scalar()
        assert [(code, name, bool(active)) for code, name, active, _order in listed] == [
            ("西城区", "西城区", True), ("东城区", "东城区", True), ("北山区", "北山区", True),
            ("南湖区", "南湖区", True)]
        assert [tuple(str(v) if v is not None else None for v in row) for row in periods] == [
            (str(south), "南湖区", "2024-03-01", None)]
        assert persons == ["南湖区", "东城区", "北山区", "南湖区"]
        assert (json.loads(insurer) if isinstance(insurer, str) else insurer) == ["西城区", "东城区"]
        flask_migrate.downgrade(revision="0006")
        with db.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM insured_persons")).scalar_one() == 4
        assert not {"districts", "provider_district_periods"} & tables


def _review_rows(conn, stages: str, column: str) -> tuple[list, list]:
    import sqlalchemy as sa
    kept = conn.execute(sa.text(f"SELECT id, case_id, step_code, owner_org_id, decision FROM {stages} ORDER BY id"))
    linked = conn.execute(sa.text(f"SELECT id, {column} FROM review_events ORDER BY id"))
    return [tuple(r) for r in kept], [tuple(r) for r in linked]


def test_0009_renames_review_visits_to_stages_keeping_every_row(app, tmp_path):
    """A database at 0006 with a case, two visits and their events: after the upgrade the rows
    are stages with the same ids, decided by reviewers (the only role until then), the events
    point at them through ``stage_id``, and a new stage takes the next id; a downgrade gives
    the visits back."""
    with migrated_app(app, tmp_path):
        import sqlalchemy as sa
        flask_migrate.upgrade(revision="0006")
        now = "2026-03-16 02:00:00+00:00"
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO organisations (id, kind, name, uscc, districts, created_at) "
                                 "VALUES (1, 'mia', '医保', :uscc, '[]', :now)"), {"uscc": "X" * 18, "now": now})
            conn.execute(sa.text(
                "INSERT INTO review_cases (id, case_type, definition, subject_type, subject_id, "
                "subject_revision, title, status, step_code, round, owners, opened_on, opened_at, version) "
                "VALUES (1, 't', '{}', 's', 9, 1, 'case', 'open', 'b', 1, '{}', '2026-03-16', :now, 2)"),
                {"now": now})
            for step, decision in (("a", "approve"), ("b", None)):  # ids from the table's own sequence
                visit_id = conn.execute(sa.text(
                    "INSERT INTO review_visits (case_id, step_code, round, owner_kind, owner_org_id, "
                    "entered_on, entered_at, due_on, decision) VALUES (1, :step, 1, 'mia', 1, "
                    "'2026-03-16', :now, '2026-03-19', :decision) RETURNING id"),
                    {"step": step, "now": now, "decision": decision}).scalar_one()
                conn.execute(sa.text(
                    "INSERT INTO review_events (case_id, visit_id, round, step_code, subject_revision, "
                    "action, actor_label, at) VALUES (1, :id, 1, :step, 1, 'opened', 'x', :now)"),
                    {"id": visit_id, "step": step, "now": now})
            before = _review_rows(conn, "review_visits", "visit_id")
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            assert _review_rows(conn, "review_stages", "stage_id") == before
            assert conn.execute(sa.text("SELECT DISTINCT roles FROM review_stages")).scalars().all() == [
                "reviewer"]
            new_id = conn.execute(sa.text(
                "INSERT INTO review_stages (case_id, step_code, round, owner_kind, owner_org_id, roles, "
                "entered_on, entered_at, due_on) VALUES (1, 'c', 1, 'mia', 1, 'operator', '2026-03-17', :now, "
                "'2026-03-20') RETURNING id"), {"now": now}).scalar_one()
            assert new_id == 3
            conn.execute(sa.text("DELETE FROM review_stages WHERE id = 3"))
        assert "review_visits" not in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="0006")
        with db.engine.connect() as conn:
            assert _review_rows(conn, "review_visits", "visit_id") == before


def test_0010_makes_existing_notices_issued_and_gives_every_version_the_retry_job(app, tmp_path):
    """A database at 0006 with a notice and REF: after the upgrade the notice is ``issued`` (rendered
    when it was issued, its PDF kept) and every version validates with the new job's REF interval;
    a downgrade gives the 0006 data back."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        from ltc.policy.schema import validate_sections
        flask_migrate.upgrade(revision="0006")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            conn.execute(sa.text(
                "INSERT INTO notices (number, kind, year, seq, subject_type, subject_id, issued_at, data, "
                "content, sha256, size) VALUES ('ACC-2026-000001', 'acceptance', 2026, 1, 'application', 7, "
                "'2026-03-16 02:00:00', '{}', :content, :sha, 8)"), {"content": b"%PDF-1.4", "sha": "a" * 64})
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT status, rendered_at, issued_at, content FROM notices")).one()
            [sections] = _all_sections(conn)
        assert row.status == "issued" and row.rendered_at == row.issued_at and bytes(row.content) == b"%PDF-1.4"
        assert validate_sections(sections) == {}
        assert sections["jobs"]["retry_pending_notices"] == {"every_minutes": 10}
        flask_migrate.downgrade(revision="0006")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == [ref]
            assert conn.execute(sa.text("SELECT number FROM notices")).scalar() == "ACC-2026-000001"


def _city_edits(ref_reviews: dict) -> dict:
    """A city's draft of the 0010 reviews section: its own label, codes and case type."""
    import copy
    reviews = copy.deepcopy(ref_reviews)
    entitlement = reviews["case_types"][0]
    reasons = {r["code"]: r for r in entitlement["reasons"]}
    reasons["DOCS"]["label"] = "材料不全（本市）"
    reasons["CAPACITY"]["decisions"] = ["decline", "reject"]  # serves the insurer and the MIA too: left unscoped
    entitlement["reasons"] += [{"code": "LATE", "label": "逾期提交", "decisions": ["return"]},
                               {"code": "SERVICE_AREA", "label": "不在服务区域（本市）", "decisions": ["decline"]}]
    reviews["case_types"].append({
        "code": "statement_check", "label": "机构月报核对", "subject": "test_provider",
        "steps": [{"code": "provider", "label": "机构提交", "owner": "subject_provider", "decisions": ["approve"],
                   "sla": "day_of_month:5", "return_to": None, "precondition": None},
                  {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve", "return"],
                   "sla": "day_of_month:20", "return_to": "provider", "precondition": None}],
        "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]}]})
    return reviews


def _without_billing(reviews: dict) -> dict:
    """A reviews section without the case types later revisions add (0037: the settlement review and its
    appeal; 0046: the rating appeal)."""
    return {**reviews, "case_types": [c for c in reviews["case_types"]
                                      if c["code"] not in ("settlement", "settlement_appeal", "rating_appeal")]}


def test_0015_gives_ref_derived_versions_the_new_return_targets_and_reasons_keeping_the_citys_edits(app, tmp_path):
    """A database at 0010 with REF, a city's edited draft and a case frozen on the old definition:
    after the upgrade every version validates, REF reads as the new REF, the draft keeps its own
    labels, codes and case type and gains only what it lacked, the frozen definition is untouched;
    a downgrade gives the 0010 JSON back."""
    import sqlalchemy as sa
    from ltc.policy.schema import parse_section, to_raw, validate_sections
    from ltc.reviews.definitions import REF_REVIEWS
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0010")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            _add_draft(conn, 2, {**ref, "reviews": _city_edits(ref["reviews"])})
            frozen = ref["reviews"]["case_types"][0]
            conn.execute(sa.text(
                "INSERT INTO review_cases (id, case_type, definition, subject_type, subject_id, "
                "subject_revision, title, status, step_code, round, owners, opened_on, opened_at, version) "
                "VALUES (1, 'entitlement', :definition, 'entitlement_request', 9, 1, 'case', 'open', 'mia', 1, "
                "'{}', '2026-03-16', '2026-03-16 02:00:00+00:00', 4)"), {"definition": json.dumps(frozen)})
            before = _all_sections(conn)
        flask_migrate.upgrade()  # through 0015 (0020 and 0037 add their case types; the others leave reviews alone)
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            definition = conn.execute(sa.text("SELECT definition FROM review_cases")).scalar_one()
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        new_ref = to_raw(parse_section("reviews", REF_REVIEWS))
        assert to_raw(parse_section("reviews", _without_billing(loaded[0]["reviews"]))) == new_ref
        city, own, *later = loaded[1]["reviews"]["case_types"]   # later: added by later revisions (0020, 0037, 0046)
        assert [c["code"] for c in later] == ["plan_revision", "settlement", "settlement_appeal", "rating_appeal"]
        assert own == _city_edits(ref["reviews"])["case_types"][1]
        assert [s["return_to"] for s in city["steps"]] == [None, "provider", "agency",
                                                           ["provider", "agency", "insurer"]]
        reasons = {r["code"]: r for r in city["reasons"]}
        assert reasons["DOCS"] == {"code": "DOCS", "label": "材料不全（本市）", "decisions": ["return"],
                                   "steps": ["agency", "insurer", "mia"]}
        assert "steps" not in reasons["CAPACITY"] and "steps" not in reasons["LATE"]
        assert reasons["SERVICE_AREA"] == {"code": "SERVICE_AREA", "label": "不在服务区域（本市）",
                                           "decisions": ["decline"]}
        assert [r["code"] for r in city["reasons"]][-5:] == ["LATE", "SERVICE_AREA", "NOT_FINAL", "OTHER_BENEFIT",
                                                              "PERSON_WITHDREW"]
        assert (json.loads(definition) if isinstance(definition, str) else definition) == frozen
        flask_migrate.downgrade(revision="0010")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before


def test_0016_fills_the_conclusion_and_final_dates_of_existing_applications(app, tmp_path):
    """A database at 0010 with applications concluded under the old rules: each gets its
    objection deadline and final date from its own dates (never the day the upgrade runs), a
    publicized one its conclusion date (the confirmation day) and validity; every policy version
    gets the 复评 visit SLA; a downgrade gives the 0010 columns and policy back."""
    import sqlalchemy as sa
    at = "2026-01-05 02:00:00+00:00"
    rows = {  # id: (kind, status, parent, level, confirmed, publicity_end, concluded)
        1: ("initial", "publicized", None, 4, "2026-03-19", "2026-03-26", None),
        2: ("initial", "concluded", None, 4, "2026-02-12", "2026-02-26", "2026-02-28"),  # the job ran late
        3: ("initial", "concluded", None, 2, "2026-02-02", None, "2026-02-02"),
        4: ("initial", "concluded", None, 5, "2026-02-25", "2026-03-04", "2026-03-12"),  # by its 复评
        5: ("review", "concluded", 4, 5, "2026-03-12", None, "2026-03-12"),
    }
    with migrated_app(app, tmp_path):
        from ltc.policy.schema import validate_sections
        flask_migrate.upgrade(revision="0010")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            conn.execute(sa.text(
                "INSERT INTO insured_persons (id, id_number, name, district, birth_date, sex, created_at, "
                "updated_at) VALUES (1, '110101194001010011', '李四', '东城区', '1940-01-01', 'M', :at, :at)"),
                {"at": at})
            for id_, (kind, status, parent, level, confirmed, publicity_end, concluded) in rows.items():
                conn.execute(sa.text(
                    "INSERT INTO applications (id, person_id, kind, parent_id, status, applicant_name, "
                    "applicant_relation, applicant_phone, declared_disability_6m, submitted_at, submitted_on, "
                    "level, confirmed_on, publicity_start, publicity_end, concluded_on, valid_from, valid_to, "
                    "paused_days, version) VALUES (:id, 1, :kind, :parent, :status, '李小光', 'child', '139', "
                    ":yes, :at, '2026-01-05', :level, :confirmed, :publicity_start, :publicity_end, :concluded, "
                    ":concluded, :valid_to, 0, 1)"),
                    {"id": id_, "kind": kind, "parent": parent, "status": status, "at": at, "level": level,
                     "yes": True,
                     "confirmed": confirmed, "publicity_end": publicity_end, "concluded": concluded,
                     "publicity_start": confirmed if publicity_end else None,
                     "valid_to": concluded and concluded.replace("2026", "2028")})
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            got = {r.id: (str(r.concluded_on), str(r.valid_to), r.objection_until and str(r.objection_until),
                          r.final_on and str(r.final_on))
                   for r in conn.execute(sa.text("SELECT id, concluded_on, valid_to, objection_until, final_on "
                                                 "FROM applications"))}
            [sections] = _all_sections(conn)
        assert got == {
            1: ("2026-03-19", "2028-03-19", "2026-03-26", None),
            2: ("2026-02-28", "2028-02-28", "2026-02-26", "2026-02-27"),
            3: ("2026-02-02", "2028-02-02", "2026-02-09", "2026-02-10"),
            4: ("2026-03-12", "2028-03-12", None, "2026-03-12"),
            5: ("2026-03-12", "2028-03-12", None, "2026-03-12"),
        }
        assert validate_sections(sections) == {}
        assert sections["assessment"]["review_visit_working_days"] == 10
        flask_migrate.downgrade(revision="0010")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == [ref]
            assert conn.execute(sa.text("SELECT count(*) FROM applications")).scalar() == 5


def test_0020_dates_granted_plans_and_adds_the_plan_revision_case_type_keeping_a_citys_own(app, tmp_path):
    """A database at 0016 with a final plan granted with an entitlement, a draft plan, REF and a
    city's draft that already defines ``plan_revision`` its own way: after the upgrade the final
    plan belongs to its entitlement from the entitlement's start, the draft is untouched, REF
    gains REF's case type (and validates), the city's own is kept; a downgrade gives 0016 back."""
    import sqlalchemy as sa
    from ltc.policy.schema import validate_sections
    from ltc.reviews.definitions import PLAN_REVISION
    at = "2026-01-05 02:00:00+00:00"
    own = {**PLAN_REVISION, "label": "护理计划变更（本市）", "reasons": []}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0016")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            _add_draft(conn, 2, {**ref, "reviews": {"case_types": [*ref["reviews"]["case_types"], own]}})
            before = _all_sections(conn)
            conn.execute(sa.text(
                "INSERT INTO insured_persons (id, id_number, name, district, birth_date, sex, created_at, "
                "updated_at) VALUES (1, '110101194001010011', '李四', '东城区', '1940-01-01', 'M', :at, :at)"),
                {"at": at})
            conn.execute(sa.text("INSERT INTO organisations (id, kind, name, uscc, districts, created_at) "
                                 "VALUES (7, 'provider', '居家护理甲', '91110000000000007X', '[]', :at)"),
                         {"at": at})
            for plan_id, status in ((1, "final"), (2, "draft")):
                conn.execute(sa.text(
                    "INSERT INTO care_plans (id, person_id, provider_id, care_type, level, version, status, "
                    "created_at) VALUES (:id, 1, 7, 'home', 4, :id, :status, :at)"),
                    {"id": plan_id, "status": status, "at": at})
            conn.execute(sa.text(
                "INSERT INTO entitlements (id, person_id, level, care_type, provider_id, care_plan_id, "
                "conclusion_level, conclusion_date, conclusion_valid_to, origin, status, valid_from, valid_to, "
                "created_at) VALUES (5, 1, 4, 'home', 7, 1, 4, '2026-01-20', '2028-01-20', 'migrated', "
                "'active', '2026-02-01', '2028-01-20', :at)"), {"at": at})
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            plans = {r.id: (r.status, r.entitlement_id, r.effective_from and str(r.effective_from))
                     for r in conn.execute(sa.text("SELECT id, status, entitlement_id, effective_from "
                                                   "FROM care_plans"))}
            loaded = _all_sections(conn)
        assert plans == {1: ("final", 5, "2026-02-01"), 2: ("draft", None, None)}
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        ref_types, city_types = (_without_billing(v["reviews"])["case_types"] for v in loaded)
        assert ref_types[-1] == PLAN_REVISION
        assert city_types[-1] == own and len(city_types) == 2
        flask_migrate.downgrade(revision="0016")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert "effective_from" not in {c["name"] for c in inspect(conn).get_columns("care_plans")}


def test_0019_keeps_existing_declarations_allows_undeclared_assessors_and_the_fund_scope_code(app, tmp_path):
    """A database at 0016 with a visit whose assessor was declared for by the admin: the row is kept
    as it is; afterwards an assessor may be named without a declaration (text and time empty
    together) and an application may be refused as ``outside_fund_scope``. A downgrade refuses
    while such a refusal exists, then gives an undeclared row an empty text at its booking time."""
    import pytest
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    at = "2026-03-16 02:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0016")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO organisations (id, kind, name, uscc, districts, created_at) "
                "VALUES (1, 'agency', '评估机构甲', '91110000000000001X', '[]', :at)"), {"at": at})
            for uid in (1, 2, 3):
                conn.execute(sa.text(
                    "INSERT INTO users (id, username, full_name, org_id, password_hash, active, created_at) "
                    "VALUES (:id, :name, :name, 1, 'x', :yes, :at)"), {"id": uid, "name": f"u{uid}", "at": at,
                                                                          "yes": True})
            conn.execute(sa.text(
                "INSERT INTO insured_persons (id, id_number, name, district, birth_date, sex, created_at, "
                "updated_at) VALUES (1, '110101194001010011', '李四', '东城区', '1940-01-01', 'M', :at, :at)"),
                {"at": at})
            conn.execute(sa.text(
                "INSERT INTO applications (id, person_id, kind, status, applicant_name, applicant_relation, "
                "applicant_phone, declared_disability_6m, submitted_at, submitted_on, paused_days, version) "
                "VALUES (1, 1, 'initial', 'scheduled', '李小光', 'child', '139', :yes, :at, '2026-03-16', 0, 1)"),
                {"at": at, "yes": True})
            conn.execute(sa.text(
                "INSERT INTO assessment_visits (id, application_id, visit_on, scheduled_at, scheduled_by) "
                "VALUES (1, 1, '2026-03-18', :at, 3)"), {"at": at})
            conn.execute(sa.text(
                "INSERT INTO assessment_assessors (id, visit_id, user_id, is_expert, recusal_text, declared_at) "
                "VALUES (1, 1, 1, :yes, '无利害关系', :at)"), {"at": at, "yes": True})
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT recusal_text FROM assessment_assessors")).scalar() == "无利害关系"
            conn.execute(sa.text("INSERT INTO assessment_assessors (id, visit_id, user_id, is_expert) "
                                 "VALUES (2, 1, 2, :no)"), {"no": False})
            conn.execute(sa.text("UPDATE applications SET status = 'refused', "
                                 "refusal_code = 'outside_fund_scope'"))
        with pytest.raises(IntegrityError), db.engine.begin() as conn:   # text without a time
            conn.execute(sa.text("UPDATE assessment_assessors SET recusal_text = 'x' WHERE id = 2"))
        with pytest.raises(SystemExit):                                   # flask-migrate exits
            flask_migrate.downgrade(revision="0016")
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT refusal_code FROM applications")).scalar() == "outside_fund_scope"
            conn.execute(sa.text("UPDATE applications SET refusal_code = 'other'"))
        flask_migrate.downgrade(revision="0016")
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, recusal_text, declared_at IS NOT NULL FROM "
                                        "assessment_assessors ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "无利害关系", True), (2, "", True)]


def test_0018_turns_insurers_district_lists_into_open_ended_contracts_without_losing_a_claim(app, tmp_path):
    """A database at 0016 with two insurers listing districts (one listed by both, one not yet in
    the district list): each district becomes an open-ended contract of the insurer that answered
    for it (the lowest id), from its first agreement (else the day it was created); the other
    claim stays in the conversion's audit row; the list column is gone. A downgrade gives each
    insurer its contracts' districts back."""
    with migrated_app(app, tmp_path):
        import sqlalchemy as sa
        from datetime import date
        flask_migrate.upgrade(revision="0016")
        with db.engine.begin() as conn:
            _insert(conn, "districts", code="西城区", name="西城区", active=True, sort_order=10)
            first = _org(conn, "insurer", "承办甲", 1, districts=["西城区", "东城区"])
            _insert(conn, "agreement_periods", org_id=first, agreement_no="CB-1",
                    valid_from=date(2024, 3, 1), valid_to=None)
            second = _org(conn, "insurer", "承办乙", 2, districts=["东城区", " 新港区 "])
            _org(conn, "provider", "护理站", 3)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            contracts = conn.execute(sa.text("SELECT insurer_id, district, valid_from, valid_to "
                                             "FROM insurer_contracts ORDER BY id")).all()
            listed = conn.execute(sa.text("SELECT code FROM districts ORDER BY sort_order")).scalars().all()
            audit = conn.execute(sa.text("SELECT entity_id, before, after FROM audit_log "
                                         "WHERE action = 'convert_districts' ORDER BY id")).all()
            columns = {c["name"] for c in inspect(conn).get_columns("organisations")}
        assert [(i, d, str(f), t) for i, d, f, t in contracts] == [
            (first, "西城区", "2024-03-01", None), (first, "东城区", "2024-03-01", None),
            (second, "新港区", "2024-06-01", None)]
        assert listed == ["西城区", "东城区", "新港区"]

        def loaded(value):
            return json.loads(value) if isinstance(value, str) else value
        assert [(e, loaded(b), loaded(a)) for e, b, a in audit] == [
            (str(first), {"districts": ["西城区", "东城区"]},
             {"contracts_from": "2024-03-01", "districts": ["西城区", "东城区"], "held_by_another_insurer": {}}),
            (str(second), {"districts": ["东城区", "新港区"]},
             {"contracts_from": "2024-06-01", "districts": ["新港区"],
              "held_by_another_insurer": {"东城区": first}})]
        assert "districts" not in columns
        flask_migrate.downgrade(revision="0016")
        with db.engine.connect() as conn:
            back = conn.execute(sa.text("SELECT id, districts FROM organisations ORDER BY id")).all()
            tables = set(inspect(conn).get_table_names())
        assert [(i, loaded(d)) for i, d in back] == [(first, ["西城区", "东城区"]), (second, ["新港区"]),
                                                     (back[2][0], [])]
        assert "insurer_contracts" not in tables


def test_0022_gives_every_existing_user_session_epoch_zero_and_keeps_the_row(app, tmp_path):
    """A database at 0021 with a user: after the upgrade the user is unchanged with epoch 0 (a new
    user gets 0 from the column's default too); a downgrade keeps the user."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0021")
        with db.engine.begin() as conn:
            from tests.builders import uscc
            org = _insert(conn, "organisations", kind="provider", name="护理站", uscc=uscc(901),
                          created_at="2024-06-01 02:00:00")
            user = _insert(conn, "users", username="op", full_name="经办", org_id=org, password_hash="h",
                           active=True, created_at="2024-06-01 02:00:00")
        flask_migrate.upgrade(revision="0022")
        with db.engine.begin() as conn:
            _insert(conn, "users", username="new", full_name="新", org_id=org, password_hash="h",
                    active=True, created_at="2024-06-02 02:00:00")
            rows = conn.execute(sa.text("SELECT id, username, password_hash, session_epoch FROM users "
                                        "ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(user, "op", "h", 0), (user + 1, "new", "h", 0)]
        flask_migrate.downgrade(revision="0021")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT username FROM users ORDER BY id")).scalars().all() == [
                "op", "new"]


def test_0025_moves_queued_roster_imports_into_queued_imports_keeping_each_row_and_its_id(app, tmp_path):
    """A database at 0024 with a queued roster file: after the upgrade it is a ``persons`` import
    with the same id, file and run; a new import gets the next id; a downgrade keeps the roster import."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0024")
        with db.engine.begin() as conn:
            from tests.builders import uscc
            org = _insert(conn, "organisations", kind="mia", name="医保局", uscc=uscc(902),
                          created_at="2024-06-01 02:00:00")
            user = _insert(conn, "users", username="op", full_name="经办", org_id=org, password_hash="h",
                           active=True, created_at="2024-06-01 02:00:00")
            run = _insert(conn, "job_runs", job_id="person_import", due_at="2024-06-01 02:00:00",
                          status="queued")
            queued = _insert(conn, "person_imports", filename="r.csv", sha256="a" * 64, data=b"x,y\n", rows=1,
                             requested_by_id=user, org_id=org, requested_at="2024-06-01 02:00:00", run_id=run)
        flask_migrate.upgrade(revision="0025")
        with db.engine.begin() as conn:
            row = conn.execute(sa.text("SELECT id, kind, filename, data, run_id FROM queued_imports")).one()
            assert tuple(row) == (queued, "persons", "r.csv", b"x,y\n", run)
            later = _insert(conn, "queued_imports", kind="hospital_stays", filename="h.csv", sha256="b" * 64,
                            rows=1, requested_by_id=user, org_id=org, requested_at="2024-06-02 02:00:00")
            assert later == queued + 1
        flask_migrate.downgrade(revision="0024")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id, filename FROM person_imports")).all() == [(queued, "r.csv")]


def test_0027_clears_the_placeholder_care_type_of_requests_kept_for_want_of_one(app, tmp_path):
    """A database at 0021 with a request kept as not opened because no care type was chosen (stored
    with the placeholder ``home``), one kept for another reason and an open one: only the first
    loses its care type; a downgrade puts the placeholder back."""
    import sqlalchemy as sa
    at = "2026-01-05 02:00:00+00:00"
    no_choice = "申请未选择服务形式，请商保公司为参保人发起待遇审核"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0021")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO insured_persons (id, id_number, name, district, birth_date, sex, created_at, "
                "updated_at) VALUES (1, '110101194001010011', '李四', '东城区', '1940-01-01', 'M', :at, :at)"),
                {"at": at})
            conn.execute(sa.text(
                "INSERT INTO applications (id, person_id, kind, status, applicant_name, applicant_relation, "
                "applicant_phone, declared_disability_6m, submitted_at, submitted_on, level, concluded_on, "
                "valid_from, valid_to, paused_days, version) VALUES (1, 1, 'initial', 'concluded', '李小光', "
                "'child', '139', :yes, :at, '2026-01-05', 4, '2026-02-01', '2026-02-01', '2028-02-01', 0, 1)"),
                {"at": at, "yes": True})
            for status, care_type, reason in (("not_opened", "home", no_choice),
                                              ("not_opened", "special", "失能等级 4 级不能享受医疗专护"),
                                              ("open", "home", None)):
                _insert(conn, "entitlement_requests", kind="initial", person_id=1, application_id=1, level=4,
                        care_type=care_type, trigger_date="2026-02-01", status=status, reason=reason,
                        created_at="2026-02-01 02:00:00")
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT care_type FROM entitlement_requests ORDER BY id")).scalars().all()
        assert got == [None, "special", "home"]
        flask_migrate.downgrade(revision="0021")
        with db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT care_type FROM entitlement_requests ORDER BY id")).scalars().all()
        assert got == ["home", "special", "home"]


def test_0030_lets_queued_imports_hold_stays_and_leaves_and_refuses_a_downgrade_that_would_lose_one(app, tmp_path):
    """A database at 0028 with a queued roster file: after the upgrade it is kept and a stays import
    may be queued; a downgrade is refused while that import is kept, and done once it is gone."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0028")
        with db.engine.begin() as conn:
            from tests.builders import uscc
            org = _insert(conn, "organisations", kind="provider", name="养老院", uscc=uscc(903),
                          created_at="2026-06-01 02:00:00")
            user = _insert(conn, "users", username="op", full_name="经办", org_id=org, password_hash="h",
                           active=True, created_at="2026-06-01 02:00:00")
            kept = _insert(conn, "queued_imports", kind="persons", filename="r.csv", sha256="a" * 64, rows=1,
                           requested_by_id=user, org_id=org, requested_at="2026-06-01 02:00:00")
        flask_migrate.upgrade(revision="0030")
        with db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT id, kind FROM queued_imports")).all() == [(kept, "persons")]
            stays = _insert(conn, "queued_imports", kind="stays", filename="s.csv", sha256="b" * 64, rows=1,
                            requested_by_id=user, org_id=org, requested_at="2026-06-02 02:00:00")
        _downgrade_refused_until_fixed("0028", "DELETE FROM queued_imports WHERE id = :id", {"id": stays})
        with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
            _insert(conn, "queued_imports", kind="leaves", filename="l.csv", sha256="c" * 64, rows=1,
                    requested_by_id=user, org_id=org, requested_at="2026-06-02 02:00:00")


def test_0032_gives_every_version_the_compliance_section_and_scan_time_keeping_a_citys_own(app, tmp_path):
    """A database at 0028 whose versions predate the compliance section (REF, and a city's draft with
    its own scan time already): after the upgrade every version validates, REF reads REF's rules, the
    city keeps its time; a downgrade gives the 0028 JSON back."""
    from ltc.compliance.policy import REF as REF_COMPLIANCE
    from ltc.policy.schema import validate_sections
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0028")
        with db.engine.begin() as conn:
            import sqlalchemy as sa
            [ref] = _all_sections(conn)
            old = {name: value for name, value in ref.items() if name != "compliance"}
            old["jobs"] = {k: v for k, v in old["jobs"].items() if k != "compliance_scan"}
            conn.execute(sa.text("UPDATE policy_versions SET sections = :s"), {"s": json.dumps(old)})
            city = json.loads(json.dumps(old))
            city["jobs"]["compliance_scan"] = {"day": None, "hour": 2, "minute": 15}
            _add_draft(conn, 2, city)
            before = _all_sections(conn)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        assert loaded[0]["compliance"] == loaded[1]["compliance"] == REF_COMPLIANCE
        assert [s["jobs"]["compliance_scan"] for s in loaded] == [{"day": None, "hour": 1, "minute": 0},
                                                                  {"day": None, "hour": 2, "minute": 15}]
        flask_migrate.downgrade(revision="0028")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert "compliance_scan_marks" not in inspect(conn).get_table_names()


def test_0029_gives_every_version_the_carers_section_keeping_a_citys_own_ratio(app, tmp_path):
    """A database at 0028 with a REF version that lacks the new ``carers`` section and a city draft
    that already has its own ratio: after the upgrade every version is valid, REF has 1 : 8 and the
    city keeps its 1 : 6; queued carer imports may be stored; a downgrade removes the section again."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        from ltc.policy.schema import validate_sections
        flask_migrate.upgrade(revision="0028")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            without = {k: v for k, v in ref.items() if k != "carers"}
            conn.execute(sa.text("UPDATE policy_versions SET sections = :s"), {"s": json.dumps(without)})
            _add_draft(conn, 2, {**without, "carers": {"home_beneficiaries_per_carer": 6}})
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            upgraded = _all_sections(conn)
            user = conn.execute(sa.text("SELECT id, org_id FROM users")).first()
            if user is None:
                from tests.builders import uscc
                org = _insert(conn, "organisations", kind="provider", name="居家护理甲", uscc=uscc(4),
                              created_at="2026-01-01 00:00:00")
                user = (_insert(conn, "users", username="p", full_name="p", org_id=org, password_hash="x",
                                active=True, created_at="2026-01-01 00:00:00", session_epoch=0), org)
            _insert(conn, "queued_imports", kind="carers", filename="c.csv", sha256="0" * 64, rows=3001,
                    requested_by_id=user[0], org_id=user[1], requested_at="2026-01-01 00:00:00")
        assert [s["carers"] for s in upgraded] == [{"home_beneficiaries_per_carer": 8},
                                                    {"home_beneficiaries_per_carer": 6}]
        assert all(validate_sections(s) == {} for s in upgraded)
        flask_migrate.downgrade(revision="0028")
        with db.engine.connect() as conn:
            assert ["carers" in s for s in _all_sections(conn)] == [False, False]
            assert conn.execute(sa.text("SELECT count(*) FROM queued_imports")).scalar() == 0


def test_0031_keeps_existing_visit_types_without_a_start_time(app, tmp_path):
    """A visit type saved before 0031 keeps NULL as its start time (the schedule shows a default
    for it but never stores one); the downgrade drops the column and keeps the row."""
    import sqlalchemy as sa
    at = "2026-01-05 02:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0028")
        from tests.builders import uscc
        with db.engine.begin() as conn:
            person = _insert(conn, "insured_persons", id_number="110101194001010011", name="李四", district="东城区",
                             birth_date="1940-01-01", sex="M", created_at=at, updated_at=at)
            provider = _insert(conn, "organisations", kind="provider", name="居家护理甲", uscc=uscc(4),
                               created_at=at)
            plan = _insert(conn, "care_plans", person_id=person, provider_id=provider, care_type="home", level=3,
                           version=1, status="final", created_at=at)
            _insert(conn, "care_plan_visit_types", plan_id=plan, position=1, name="日常照护", frequency=3,
                    frequency_unit="week", planned_minutes=60, weekdays="135")
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT name, start_time FROM care_plan_visit_types")).all()
        assert [tuple(r) for r in got] == [("日常照护", None)]
        flask_migrate.downgrade(revision="0028")
        with db.engine.connect() as conn:
            got = conn.execute(sa.text("SELECT name FROM care_plan_visit_types")).scalars().all()
        assert got == ["日常照护"]


def test_0036_adds_the_settlement_tables_and_one_regular_settlement_per_provider_month(app, tmp_path):
    """The settlement tables exist after 0036; a second regular settlement of the same provider-month
    is refused by the unique constraint; the downgrade drops the tables and keeps everything else."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError
    at = "2026-05-01 02:00:00+00:00"
    tables = {"settlements", "settlement_revisions", "settlement_lines", "settlement_line_records",
              "settlement_findings", "settlement_adjustments"}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0036")
        from tests.builders import uscc
        with db.engine.begin() as conn:
            provider = _insert(conn, "organisations", kind="provider", name="护理院甲", uscc=uscc(36), created_at=at)
            row = dict(provider_id=provider, month="2026-04-01", kind="regular", status="draft", revision=1,
                       billable=0, fund=0, copay=0, adjustments=0, deposit=0, net=0, beneficiaries=0,
                       as_of="2026-05-01", generated_at=at, created_at=at, updated_at=at)
            _insert(conn, "settlements", **row)
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            _insert(conn, "settlements", **row)
        with db.engine.connect() as conn:
            assert tables <= set(inspect(conn).get_table_names())
        flask_migrate.downgrade(revision="0035")
        with db.engine.connect() as conn:
            assert not tables & set(inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM organisations WHERE kind = 'provider'")).scalar() == 1


def test_0039_adds_the_beneficiary_statement_tables_with_one_statement_per_person_month_and_unique_codes(
        app, tmp_path):
    """After 0039 a person-month has one statement row, a code is never given twice and a rendered
    row names its file and SHA-256; the downgrade drops the two tables and keeps the persons."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError
    at = "2026-05-01 02:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0039")
        with db.engine.begin() as conn:
            person = _insert(conn, "insured_persons", id_number="110105194912310001", name="参保人", district="东城区",
                             birth_date="1949-12-31", sex="F", created_at=at, updated_at=at)
            row = dict(person_id=person, month="2026-04-01", code="ACDE-FGHJ-KMNP", created_at=at, renders=0)
            _insert(conn, "beneficiary_statements", **row)
        for duplicate in ({**row, "code": "ACDE-FGHJ-KMNQ"}, {**row, "month": "2026-03-01"},  # person-month; code
                          {**row, "month": "2026-02-01", "code": "X", "path": "2026-02/1.pdf"}):  # a file, no SHA
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                _insert(conn, "beneficiary_statements", **duplicate)
        with db.engine.begin() as conn:
            _insert(conn, "statement_lookup_attempts", ip="10.0.0.1", id_hash="a" * 64, at=at, success=False)
        flask_migrate.downgrade(revision="0036")
        with db.engine.connect() as conn:
            assert not {"beneficiary_statements", "statement_lookup_attempts"} & set(inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM insured_persons")).scalar() == 1


def test_0042_lets_a_visit_hold_0_planned_minutes_and_refuses_a_downgrade_while_one_does(app, tmp_path):
    """A visit outside any care plan is stored before its items give it planned minutes (issue 10,
    SPEC §6): 0 is allowed; the downgrade restores ``> 0`` only when no visit holds 0."""
    import sqlalchemy as sa
    at = "2026-03-16 01:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0042")
        from tests.builders import uscc
        with db.engine.begin() as conn:
            person = _insert(conn, "insured_persons", id_number="110101194001010011", name="李四", district="东城区",
                             birth_date="1940-01-01", sex="M", created_at=at, updated_at=at)
            provider = _insert(conn, "organisations", kind="provider", name="居家护理甲", uscc=uscc(4),
                               created_at=at)
            visit = _insert(conn, "visits", provider_id=provider, person_id=person, care_type="home",
                            status="in_progress", check_in_at=at, service_date="2026-03-16", planned_minutes=0,
                            source="api", closed_by_scan=False, version=1, created_at=at, updated_at=at)
        _downgrade_refused_until_fixed("-1", "UPDATE visits SET planned_minutes = 30 WHERE id = :id", {"id": visit})
        with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("UPDATE visits SET planned_minutes = 0 WHERE id = :id"), {"id": visit})


def test_0037_gives_every_version_the_settlement_review_section_and_case_types_keeping_a_citys_own(app, tmp_path):
    """A database at 0036 whose versions predate the settlement review (REF, and a city's draft with its
    own sample rates and its own settlement case type): after the upgrade every version validates, REF
    reads REF's section and case types, the city keeps its own; a downgrade gives the 0036 JSON back."""
    from ltc.billing.review.case_types import CASE_TYPES
    from ltc.billing.review.policy import REF as REF_REVIEW
    from ltc.policy.schema import validate_sections
    codes = {c["code"] for c in CASE_TYPES}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0036")
        with db.engine.begin() as conn:
            import sqlalchemy as sa
            [ref] = _all_sections(conn)
            old = {name: value for name, value in ref.items() if name != "settlement_review"}
            old["reviews"] = {"case_types": [c for c in old["reviews"]["case_types"] if c["code"] not in codes]}
            conn.execute(sa.text("UPDATE policy_versions SET sections = :s"), {"s": json.dumps(old)})
            city = json.loads(json.dumps(old))
            city["settlement_review"] = {**REF_REVIEW, "sample_minimum": 5}
            own = json.loads(json.dumps(CASE_TYPES[0]))
            own["label"] = "本市结算审核"
            city["reviews"]["case_types"].append(own)
            _add_draft(conn, 2, city)
            before = _all_sections(conn)
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        assert loaded[0]["settlement_review"] == REF_REVIEW and loaded[1]["settlement_review"]["sample_minimum"] == 5
        labels = [{c["code"]: c["label"] for c in s["reviews"]["case_types"]} for s in loaded]
        assert (labels[0]["settlement"], labels[0]["settlement_appeal"]) == ("月度结算审核", "结算申诉")
        assert (labels[1]["settlement"], labels[1]["settlement_appeal"]) == ("本市结算审核", "结算申诉")
        flask_migrate.downgrade(revision="0036")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert "settlement_audits" not in inspect(conn).get_table_names()


def test_0038_adds_the_money_tables_and_versions_without_the_release_shares_keep_spec_values(app, tmp_path):
    """After 0038 the star, deposit and family allowance tables exist; a second clearing of the same
    provider-year is refused; a version stored without ``deposit_release_by_star`` (every version before
    0038) still validates and reads SPEC §7.3's shares; the downgrade drops the tables only."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError
    from ltc.billing.policy import BillingPolicy
    from ltc.policy.schema import parse_section, validate_sections
    tables = {"provider_monthly_stars", "provider_annual_stars", "provider_star_events", "deposit_entries",
              "settlement_nets", "deposit_clearings", "beneficiary_bank_accounts", "family_allowance_lines"}
    at = "2027-02-10 02:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0037")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            ref["billing"].pop("deposit_release_by_star", None)
            conn.execute(sa.text("UPDATE policy_versions SET sections = :s"), {"s": json.dumps(ref)})
        flask_migrate.upgrade()
        from tests.builders import uscc
        with db.engine.begin() as conn:
            provider = _insert(conn, "organisations", kind="provider", name="护理院甲", uscc=uscc(38), created_at=at)
            row = dict(provider_id=provider, year=2026, stars=4, release_ratio="0.90", withheld="100.00",
                       released="90.00", returned="10.00", cleared_at=at)
            _insert(conn, "deposit_clearings", **row)
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            _insert(conn, "deposit_clearings", **row)
        with db.engine.connect() as conn:
            assert tables <= set(inspect(conn).get_table_names())
            [stored] = _all_sections(conn)
        assert validate_sections(stored) == {}
        shares = parse_section("billing", stored["billing"]).deposit_release_by_star
        assert {k: str(v) for k, v in shares.items()} == {"5": "1.00", "4": "0.90", "3": "0.70", "2": "0.40",
                                                          "1": "0.00"}
        assert isinstance(parse_section("billing", stored["billing"]), BillingPolicy)
        flask_migrate.downgrade(revision="0037")
        with db.engine.connect() as conn:
            assert not tables & set(inspect(conn).get_table_names())
            assert conn.execute(sa.text("SELECT count(*) FROM organisations WHERE kind = 'provider'")).scalar() == 1


def test_0043_adds_the_provider_bank_accounts_and_keeps_the_batch_lines_exported_before(app, tmp_path):
    """0043 adds ``provider_bank_accounts`` and ``payment_batch_lines.account_id``: a batch line exported
    before keeps its amount with no account; a new line names its account; the downgrade drops both only."""
    import sqlalchemy as sa
    at = "2026-07-20 02:00:00+00:00"
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0042")
        from tests.builders import uscc
        with db.engine.begin() as conn:
            provider = _insert(conn, "organisations", kind="provider", name="护理院乙", uscc=uscc(43), created_at=at)
            insurer = _insert(conn, "organisations", kind="insurer", name="商保乙", uscc=uscc(44), created_at=at)
            settlement = _insert(conn, "settlements", provider_id=provider, month="2026-06-01", kind="regular",
                                 status="approved", revision=1, as_of="2026-07-01", billable="100.00", fund="90.00",
                                 copay="10.00", adjustments="0.00", net="90.00", deposit="0.00", beneficiaries=1,
                                 generated_at=at, created_at=at, updated_at=at)
            batch = _insert(conn, "payment_batches", insurer_id=insurer, created_at=at, total="90.00")
            old = _insert(conn, "payment_batch_lines", batch_id=batch, settlement_id=settlement, amount="90.00",
                          status="pending")
        flask_migrate.upgrade()
        with db.engine.begin() as conn:
            row = conn.execute(sa.text("SELECT account_id FROM payment_batch_lines WHERE id = :id"), {"id": old}).one()
            assert row == (None,)
            account = _insert(conn, "provider_bank_accounts", provider_id=provider, holder="护理院乙", bank_name="工行",
                              account_no="6222020200112233445", reason="开户", set_at=at, valid_from="2026-01-01")
            conn.execute(sa.text("UPDATE payment_batch_lines SET account_id = :a WHERE id = :id"),
                         {"a": account, "id": old})
        flask_migrate.downgrade(revision="0042")
        with db.engine.connect() as conn:
            assert "provider_bank_accounts" not in sa.inspect(conn).get_table_names()
            amount = conn.execute(sa.text("SELECT amount FROM payment_batch_lines WHERE id = :id"),
                                  {"id": old}).scalar()
            assert str(amount) in ("90.00", "90", "90.0")


def test_0045_adds_the_violation_points_tables_and_the_ratings_section_keeping_a_citys_own(app, tmp_path):
    """A database at 0043 whose versions predate the ``ratings`` section (REF, and a city's draft with its
    own points job time): after the upgrade every version validates, REF reads SPEC §8's values, the city
    keeps its time; a downgrade gives the 0043 JSON back and drops the tables."""
    from ltc.policy.schema import validate_sections
    from ltc.ratings.scoring.policy import REF as REF_RATINGS
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0043")
        with db.engine.begin() as conn:
            import sqlalchemy as sa
            [ref] = _all_sections(conn)
            assert "ratings" not in ref and "violation_points" not in ref["jobs"]
            city = json.loads(json.dumps(ref))
            city["jobs"]["violation_points"] = {"day": None, "hour": 0, "minute": 50}
            _add_draft(conn, 2, city)
            before = _all_sections(conn)
        flask_migrate.upgrade(revision="0045")
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            assert {"violation_points", "point_suspensions", "point_settlement_marks"} <= set(
                sa.inspect(conn).get_table_names())
        assert [_valid_before_0051(validate_sections(s)) for s in loaded] == [{}, {}]
        assert loaded[0]["ratings"] == loaded[1]["ratings"] == REF_RATINGS
        assert [s["jobs"]["violation_points"] for s in loaded] == [{"day": None, "hour": 0, "minute": 45},
                                                                   {"day": None, "hour": 0, "minute": 50}]
        flask_migrate.downgrade(revision="0043")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert "violation_points" not in sa.inspect(conn).get_table_names()


def test_0044_adds_the_ratings_tables_and_the_followups_section_keeping_a_citys_own(app, tmp_path):
    """A database at 0043 whose versions predate the follow-ups (REF, and a city's draft with its own
    sample share): after 0044 the follow-up and complaint tables exist, every version validates, REF reads
    REF's section and the city keeps its own; a decision may come from a follow-up; the downgrade gives the
    0043 JSON back and drops the tables."""
    import sqlalchemy as sa
    from ltc.policy.schema import validate_sections
    from ltc.ratings.followups.policy import REF as REF_FOLLOWUPS
    tables = {"follow_ups", "follow_up_events", "follow_up_draws", "complaints", "complaint_events"}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0043")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            old = {name: value for name, value in ref.items() if name != "followups"}
            conn.execute(sa.text("UPDATE policy_versions SET sections = :s"), {"s": json.dumps(old)})
            _add_draft(conn, 2, {**json.loads(json.dumps(old)), "followups": {**REF_FOLLOWUPS, "sample_share": "0.15"}})
            before = _all_sections(conn)
        flask_migrate.upgrade(revision="0044")
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            assert tables <= set(inspect(conn).get_table_names())
            checks = {c["name"]: c["sqltext"]
                      for c in inspect(conn).get_check_constraints("settlement_record_decisions")}
        later = {"ratings", *ADDED_BY_0051}  # added by 0045 and 0051
        assert [{k: v for k, v in validate_sections(s).items() if k not in later} for s in loaded] == [{}, {}]
        assert loaded[0]["followups"] == REF_FOLLOWUPS and loaded[1]["followups"]["sample_share"] == "0.15"
        assert "follow_up" in checks["ck_settlement_record_decisions_origin"]
        flask_migrate.downgrade(revision="0043")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert not tables & set(inspect(conn).get_table_names())


def test_0046_adds_the_ratings_run_tables_and_the_rating_appeal_case_type(app, tmp_path):
    """A database at 0045: after 0046 the ratings run's tables exist and every version's reviews
    section holds the ``rating_appeal`` case type (as REF holds it) and validates; the downgrade gives
    the 0045 JSON back and drops the tables."""
    import sqlalchemy as sa
    from ltc.policy.schema import REF_VALUES, validate_sections
    tables = {"carer_stars", "provider_cost_quarters", "rating_runs", "provider_ratings",
              "provider_rating_components", "rating_appeals"}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0045")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            _add_draft(conn, 2, ref)
            before = _all_sections(conn)
        flask_migrate.upgrade(revision="0046")
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            assert tables <= set(sa.inspect(conn).get_table_names())
        [appeal] = [c for c in REF_VALUES["reviews"]["case_types"] if c["code"] == "rating_appeal"]
        for sections in loaded:
            assert appeal in sections["reviews"]["case_types"]
        assert [_valid_before_0051(validate_sections(s)) for s in loaded] == [{}, {}]
        flask_migrate.downgrade(revision="0045")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before


def test_0048_adds_the_dynamic_management_tables_and_drops_them_on_downgrade(app, tmp_path):
    """Rectification notices, responses, agreement-review proposals and their events: new tables after 0046,
    gone again after a downgrade to 0046."""
    import sqlalchemy as sa
    tables = {"rectification_notices", "rectification_responses", "agreement_review_proposals",
              "rating_effect_events"}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0048")
        with db.engine.connect() as conn:
            assert tables <= set(sa.inspect(conn).get_table_names())
        flask_migrate.downgrade(revision="0046")
        with db.engine.connect() as conn:
            assert not tables & set(sa.inspect(conn).get_table_names())


def test_0053_indexes_the_visits_service_date_and_drops_it_on_downgrade(app, tmp_path):
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0053")
        with db.engine.connect() as conn:
            indexes = {i["name"]: i["column_names"] for i in sa.inspect(conn).get_indexes("visits")}
        assert indexes["ix_visits_service_date"] == ["service_date", "status"]
        flask_migrate.downgrade(revision="0049")
        with db.engine.connect() as conn:
            assert "ix_visits_service_date" not in {i["name"] for i in sa.inspect(conn).get_indexes("visits")}


def test_0051_adds_the_fund_budget_section_keeping_a_citys_own_and_the_draft_cost_tables(app, tmp_path):
    """A database at 0049 whose versions predate the fund budget (REF, and a city's draft with its own home-care
    budget): after 0051 every version validates, REF reads REF's budget and the city keeps its own; the
    draft-cost tables exist; the downgrade gives the 0049 JSON back and drops them."""
    import sqlalchemy as sa
    from ltc.policy.schema import validate_sections
    from ltc.supervision.themes.fund.policy import REF as REF_BUDGET
    tables = {"supervision_draft_cost_runs", "supervision_draft_costs"}
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0049")
        with db.engine.begin() as conn:
            [ref] = _all_sections(conn)
            assert "fund_budget" not in ref
            city = json.loads(json.dumps(ref))
            city["fund_budget"] = json.loads(json.dumps(REF_BUDGET))
            city["fund_budget"]["annual_budget"]["home"] = "300000000.00"
            _add_draft(conn, 2, city)
            before = _all_sections(conn)
        flask_migrate.upgrade(revision="0051")
        with db.engine.connect() as conn:
            loaded = _all_sections(conn)
            assert tables <= set(sa.inspect(conn).get_table_names())
        assert [validate_sections(s) for s in loaded] == [{}, {}]
        assert loaded[0]["fund_budget"] == REF_BUDGET
        assert loaded[1]["fund_budget"]["annual_budget"]["home"] == "300000000.00"
        flask_migrate.downgrade(revision="0049")
        with db.engine.connect() as conn:
            assert _all_sections(conn) == before
            assert not tables & set(sa.inspect(conn).get_table_names())


def test_0054_adds_the_supervision_reports_table_and_drops_it_on_downgrade(app, tmp_path):
    """The monthly supervision reports: a new table after 0053, gone again after a downgrade to 0053."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0054")
        with db.engine.connect() as conn:
            assert "supervision_reports" in sa.inspect(conn).get_table_names()
        flask_migrate.downgrade(revision="0053")
        with db.engine.connect() as conn:
            assert "supervision_reports" not in sa.inspect(conn).get_table_names()


def test_0050_adds_the_chart_cache_and_drops_it_on_downgrade(app, tmp_path):
    """The supervision chart cache: a new table after 0054, gone again after a downgrade to 0054."""
    import sqlalchemy as sa
    with migrated_app(app, tmp_path):
        flask_migrate.upgrade(revision="0050")
        with db.engine.connect() as conn:
            assert "supervision_chart_cache" in sa.inspect(conn).get_table_names()
        flask_migrate.downgrade(revision="0054")
        with db.engine.connect() as conn:
            assert "supervision_chart_cache" not in sa.inspect(conn).get_table_names()
