"""Demo applications (``ltc.demo.applications``): every workflow state, made by the real services
with dates relative to ``now``; idempotent."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application, ApplicationEvent
from ltc.assessment.applications.services.conclusion import published_list
from ltc.assessment.applications.deadlines import OVERDUE, sla_state
from ltc.assessment.scale.services import seed_rulesets
from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today, utcnow
from ltc.demo import data
from ltc.demo.applications import PERSON_OFFSET, load_applications
from ltc.extensions import db
from ltc.notices.models import Notice
from ltc.people.models import InsuredPerson
from ltc.policy.ref import seed_ref
from tests.conftest import NOW

EXPECTED = {"submitted": 2, "accepted": 1, "refused": 1, "dispatched": 2, "scheduled": 1, "assessed": 1,
            "publicized": 1, "objected": 1, "concluded": 2, "withdrawn": 1, "cancelled": 1}


def demo_city(session, now):
    """What ``load_demo`` makes before the applications: REF, rulesets, orgs, users, experts, persons."""
    seed_ref(session, now=now)
    seed_rulesets(session, actor=SYSTEM, now=now)
    users = data.load_users(session, data.load_orgs(session, now=now), "Demo-test-2026", now)
    data.load_expert_certificates(session, users, now=now)
    data.load_persons(session, data.person_rows(40), now=now)
    session.flush()


def statuses(session) -> Counter:
    return Counter(dict(session.execute(select(Application.status, func.count()).group_by(Application.status)).all()))


@pytest.fixture
def demo(session):
    def load(now):
        demo_city(session, now)
        made = load_applications(session, now=now)
        session.expire_all()
        return made
    return load


NOWS = {
    "monday": NOW,
    "sunday": datetime(2026, 3, 22, 3, 0, tzinfo=timezone.utc),
    "after golden week": datetime(2026, 10, 9, 1, 0, tzinfo=timezone.utc),
    "early morning": datetime(2026, 6, 2, 16, 5, tzinfo=timezone.utc),  # 00:05 on 3 June in Shanghai
    "real now": utcnow(),
}


@pytest.mark.parametrize("now", NOWS.values(), ids=NOWS.keys())
def test_every_state_is_present_and_a_second_load_adds_nothing(session, demo, now):
    assert demo(now) == sum(EXPECTED.values())
    assert statuses(session) == EXPECTED
    assert load_applications(session, now=now) == 0
    assert statuses(session) == EXPECTED


@pytest.mark.parametrize("now", [NOWS["monday"], NOWS["sunday"]], ids=["monday", "sunday"])
def test_the_published_list_shows_the_publicized_application_today(session, demo, now):
    demo(now)
    today = local_today(now)
    rows = published_list(session, today).items
    publicized = session.scalars(select(Application).where(Application.status == "publicized")).one()
    assert [r.application_id for r in rows] == [publicized.id]
    assert publicized.publicity_start <= today <= publicized.publicity_end and "*" in rows[0].name


@pytest.fixture(scope="class")
def city_connection(app):
    """One connection for a class of tests reading the same demo city, loaded once at NOW inside
    an outer transaction that is rolled back after the class (the city is never committed)."""
    with app.app_context():
        conn = db.engine.connect()
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint") as loader:
            demo_city(loader, NOW)
            load_applications(loader, now=NOW)
            loader.commit()  # a savepoint release: the city stays in the outer transaction
        try:
            yield conn
        finally:
            outer.rollback()
            conn.close()


class TestTheCityLoadedOnce:
    """Read-only checks of one demo city made at NOW (loaded once for the class)."""

    @pytest.fixture
    def session(self, app, city_connection):
        """This class's session: the city's connection, each test rolled back to the city."""
        with app.app_context():
            session = Session(bind=city_connection, join_transaction_mode="create_savepoint")
            try:
                yield session
            finally:
                session.close()

    def test_history_is_in_the_past_and_in_order(self, session):
        events = session.scalars(select(ApplicationEvent).order_by(ApplicationEvent.id)).all()
        assert events and all(e.at <= NOW for e in events)
        by_app: dict[int, list] = {}
        for e in events:
            by_app.setdefault(e.application_id, []).append(e.at)
        assert all(times == sorted(times) for times in by_app.values())


    def test_refusal_objection_and_conclusions_follow_the_rules(self, session):
        apps = session.scalars(select(Application).order_by(Application.id)).all()
        refused = next(a for a in apps if a.status == "refused")
        assert refused.refusal_code == "self_assessment_below_e" and refused.self_assessment.grade == "D"
        parent = next(a for a in apps if a.status == "objected")
        child = next(a for a in apps if a.parent_id == parent.id)
        assert (child.kind, child.status) == ("review", "dispatched") and child.agency_id != parent.agency_id
        concluded = {a.level: a for a in apps if a.status == "concluded"}
        below, above = concluded[2], concluded[5]
        assert below.publicity_start is None and below.concluded_on == below.confirmed_on
        assert below.final_on == below.objection_until + timedelta(days=1)
        assert above.concluded_on == above.confirmed_on == above.valid_from
        assert above.final_on == above.publicity_end + timedelta(days=1)
        assert any(sla_state(a, local_today(NOW)) == OVERDUE for a in apps if a.status == "submitted")
        scheduled = next(a for a in apps if a.status == "scheduled")
        assert scheduled.visit_on == local_today(NOW)  # the on-site assessors can enter it today


    def test_services_issued_the_notices(self, session):
        kinds = Counter(session.scalars(select(Notice.kind)))
        accepted_ever = session.scalar(select(func.count(Application.id)).where(Application.accepted_on.is_not(None)))
        # the 复评 has no ACC notice; every confirmed application its CON notice (the objected one too)
        assert kinds == {"acceptance": accepted_ever - 1, "refusal": 1, "conclusion": 4}


    def test_each_organisation_sees_its_share(self, session):
        users = {u.username: u for u in session.scalars(select(User))}

        def seen(username):
            return session.scalar(scoped(select(func.count(Application.id)), Application, users[username]))
        assert seen("insurer") == seen("mia") == sum(EXPECTED.values())
        assert 0 < seen("provider") < seen("insurer") and seen("provider3") == 0
        assert seen("agency") > 0 and seen("agency2") > 0


    def test_the_first_demo_persons_are_left_free(self, session):
        first = [row["id_number"] for row in data.person_rows(PERSON_OFFSET)]
        used = session.scalar(select(func.count(Application.id))
                              .join(InsuredPerson, InsuredPerson.id == Application.person_id)
                              .where(InsuredPerson.id_number.in_(first)))
        assert used == 0


def test_nothing_is_made_without_the_demo_persons(session):
    seed_ref(session, now=NOW)
    seed_rulesets(session, actor=SYSTEM, now=NOW)
    data.load_users(session, data.load_orgs(session, now=NOW), "Demo-test-2026", NOW)
    assert load_applications(session, now=NOW) == 0
    assert statuses(session) == Counter()
