"""A review step's insurer is resolved when the step is entered, from the contract in force on the
subject's business date, and kept until decided (SPEC §1, §4.1): a re-tender on date D moves the
steps entered from D to the new insurer; a stage entered before D stays with the old one."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from ltc.auth.scope import scoped
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.errors import Forbidden
from ltc.core.periods import add_period
from ltc.orgs.contracts import end_contract
from ltc.orgs.models import InsurerContract
from ltc.providers.models import ProviderDistrictPeriod
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewStage
from ltc.reviews.registry import Parties, SubjectType, register_subject
from tests.builders import contract, org, user
from tests.review_builders import approve_through, opened, plan_for, publish_case_type, review_cast

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)  # Monday 16 March 2026, 10:00 in Shanghai


def retender(session, w, district: str, on: date):
    """The world insurer's contract for ``district`` ends at ``on``; a new insurer (with a
    reviewer) holds it from ``on``. Returns (new insurer, its reviewer)."""
    running = session.scalars(select(InsurerContract).where(InsurerContract.district == district,
                                                            InsurerContract.insurer_id == w.insurer.id)).one()
    end_contract(session, running, actor=SYSTEM, now=NOW, valid_to=on)
    new = org(session, "insurer", "新承办保险公司", 641)
    contract(session, new, district, on)
    return new, actor_of(user(session, new, "ins641_rev", "reviewer"))


def insurer_stage(session, case) -> ReviewStage:
    return session.scalars(select(ReviewStage).where(ReviewStage.case_id == case.id,
                                                     ReviewStage.step_code == "insurer")
                           .order_by(ReviewStage.id.desc())).first()


def visible_to(session, actor: Actor, case) -> bool:
    from ltc.auth.models import User
    viewer = session.get(User, actor.user_id)
    return session.scalar(scoped(select(ReviewCase.id).where(ReviewCase.id == case.id), ReviewCase, viewer)) is not None


def test_a_re_tender_before_the_case_moves_its_insurer_step_to_the_new_insurer(session, world):
    r = review_cast(session, world)
    new, _reviewer = retender(session, world, r.c.persons[0].district, date(2026, 3, 1))
    request, case = opened(session, r, now=NOW)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency")
    assert insurer_stage(session, case).owner_org_id == new.id
    assert case.owners["insurer"] == new.id
    with pytest.raises(Forbidden, match="不由贵机构办理"):
        engine.decide(session, case, DecisionInput("approve"), actor=r.actor("insurer"), now=NOW)


def test_a_stage_entered_before_the_re_tender_stays_with_the_old_insurer_until_decided(session, world):
    r = review_cast(session, world)
    request, case = opened(session, r, now=NOW)
    plan_for(session, request)
    approve_through(session, r, case, "provider", "agency")
    new, new_reviewer = retender(session, world, r.c.persons[0].district, date(2026, 3, 18))
    later = NOW + timedelta(days=3)  # 19 March: the new contract is in force
    assert insurer_stage(session, case).owner_org_id == world.insurer.id
    with pytest.raises(Forbidden):
        engine.decide(session, case, DecisionInput("approve"), actor=new_reviewer, now=later)
    engine.decide(session, case, DecisionInput("approve"), actor=r.actor("insurer"), now=later)
    assert case.step_code == "mia"
    engine.decide(session, case, DecisionInput("return", "FACTS", "核对参保类别", return_to="insurer"),
                  actor=r.actor("mia"), now=later)
    again = insurer_stage(session, case)
    assert (again.round, again.owner_org_id) == (2, new.id)  # entered again after D: the new insurer
    assert visible_to(session, r.actor("insurer"), case)  # the old insurer keeps its decided history
    assert visible_to(session, new_reviewer, case)
    engine.decide(session, case, DecisionInput("approve"), actor=new_reviewer, now=later)
    assert case.step_code == "mia"


# --- a subject with a business date (a settlement's service month) ------------------------------

SERVICE_MONTHS: dict[int, date] = {}

register_subject(SubjectType(
    name="test_service_month_statement",
    parties=lambda session, sid: Parties(provider_id=sid // 100, business_day=SERVICE_MONTHS[sid]),
    title=lambda session, sid: f"月度结算 {sid}",
))

CASE_TYPE = {
    "code": "service_month_statement", "label": "月度结算（测试）", "subject": "test_service_month_statement",
    "steps": [{"code": "insurer", "label": "商保审核", "owner": "provider_district_insurer",
               "decisions": ["approve"], "sla": "working_days:3", "return_to": None, "precondition": None}],
    "reasons": [],
}


def test_a_settlement_step_goes_to_the_insurer_of_its_service_month_whatever_the_entry_date(session, world):
    mia = Actor(world.users["mia_rev"].id, world.mia.id, "mia_rev")
    publish_case_type(session, CASE_TYPE, actor=mia)
    add_period(session, ProviderDistrictPeriod, org_id=world.provider.id, district="东城区",
               valid_from=date(2025, 1, 1))
    new, _reviewer = retender(session, world, "东城区", date(2026, 3, 1))
    february, march = world.provider.id * 100 + 2, world.provider.id * 100 + 3
    SERVICE_MONTHS.update({february: date(2026, 2, 1), march: date(2026, 3, 1)})
    for subject_id, owner in ((february, world.insurer.id), (march, new.id)):
        case = engine.open_case(session, case_type="service_month_statement", subject_id=subject_id, actor=mia, now=NOW)
        assert engine.current_stage(session, case).owner_org_id == owner
