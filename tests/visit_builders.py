"""Builders for visits: a home-care beneficiary with a final care plan in force, and carers."""
from dataclasses import dataclass, field
from datetime import date, datetime, time

from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.clock import LOCAL_TZ
from ltc.providers.care_plans import services as plans
from ltc.providers.care_plans.models import CarePlan
from ltc.providers.care_plans.services import VisitTypeInput
from ltc.providers.records import checks
from ltc.providers.carers.models import Carer
from tests.conftest import NOW
from tests.entitlement_builders import grant
from tests.people_builders import id_number, person

GRANTED_FROM = date(2026, 2, 1)


def shanghai(day: date, hour: int, minute: int = 0) -> datetime:
    """An aware instant at ``hour:minute`` in Asia/Shanghai on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL_TZ)


def carer(session, provider, n: int, *, name: str = "李护理", user: User | None = None,
          staff_type: str = "assistant") -> Carer:
    row = Carer(provider_id=provider.id, name=f"{name}{n}", id_number=id_number(900 + n), birth_date=date(1980, 1, 1),
                sex="F", staff_type=staff_type, user_id=user.id if user else None, employed_from=date(2025, 1, 1))
    session.add(row)
    session.flush()
    return row


def home_plan(session, world, who, *, visit_types=None, provider=None) -> CarePlan:
    """A final home-care plan of ``who`` in force from GRANTED_FROM, with its entitlement."""
    provider = provider or world.provider
    visit_types = visit_types or [
        VisitTypeInput("日常照护", 2, "week", 60, ("SH01", "SH02"), weekdays=(1, 4), start_time=time(9, 0)),
        VisitTypeInput("健康评估", 2, "month", 30, ("SH01",))]
    plan = plans.save_plan(session, person_id=who.id, provider_id=provider.id, care_type="home", level=4,
                           visit_types=visit_types, actor=actor_of(world.users["pr_op"]), now=NOW)
    entitlement = grant(session, who, provider, care_type="home", starts_on=GRANTED_FROM, care_plan_id=plan.id)
    plans.finalize_plan(session, plan, actor=SYSTEM, now=NOW, entitlement_id=entitlement.id,
                        effective_from=GRANTED_FROM)
    return plan


@dataclass
class HomeCare:
    person: object
    plan: CarePlan
    carer: Carer
    other_carer: Carer
    operator: Actor


def home_care(session, world, n: int = 1) -> HomeCare:
    who = person(session, n, district="东城区")
    plan = home_plan(session, world, who)
    mine = carer(session, world.provider, 1, user=world.users["pr_carer"])
    other = carer(session, world.provider, 2)
    return HomeCare(who, plan, mine, other, actor_of(world.users["pr_op"]))


@dataclass
class FakeFinding:
    rule: str
    severity: str
    message: str
    params: dict = field(default_factory=dict)
    evidence: dict = field(default_factory=dict)


def stand_in_rules(monkeypatch) -> dict[int, list]:
    """A stand-in for the compliance rules (registered by that domain later): V01 on every visit
    without a GPS point, stored by visit id and read back for the visit page."""
    stored: dict[int, list] = {}

    def checker(session, kind, record, *, now):
        stored[record.id] = [] if record.check_in_lat is not None else [FakeFinding("V01", "FLAG", "没有定位")]
        return stored[record.id]

    monkeypatch.setattr(checks, "_checkers", [checker])
    monkeypatch.setattr(checks, "_readers", [lambda session, kind, record_id: stored.get(record_id, [])])
    return stored
