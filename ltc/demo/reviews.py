"""Demo entitlement reviews (SPEC §4.2) and migrated beneficiaries, made by the real services.

Six applications filed by the home-care agency ``provider`` walk through the assessment to a
final level-5 conclusion (the daily job concludes their publicity, which opens each review);
then the parties decide: cases wait at each of the four steps (the one at the MIA with a
return in its trail), one is declined by the provider, one is granted. A file of three
existing beneficiaries goes through the go-live import (go-live: the load date); one of them has a
legacy conclusion expiring within the reassessment lead time, so the daily job's service opens its
reassessment, which the insurer accepts. Persons after the application demo's are used, so
walk-throughs keep the first ones.
"""
import logging
from datetime import datetime, timedelta, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services import acceptance, conclusion, intake
from ltc.assessment.applications.services.reassessment import open_reassessments
from ltc.assessment.applications.states import Kind
from ltc.auth.models import User
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_month
from ltc.demo.applications import ANSWERS_E, Cast, Plan, walk, working_days_back
from ltc.demo.data import person_rows
from ltc.entitlements import imports as migration_import
from ltc.entitlements.models import Entitlement
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.states import RequestStatus
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.care_plans.services import VisitTypeInput, save_plan
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase
from ltc.reviews.states import CaseStatus, Decision

NINE = time(9, 0)  # a weekly visit type's usual start time

log = logging.getLogger(__name__)

PERSON_OFFSET, PERSON_COUNT, MIGRATED = 40, 6, 3
#: the first migrated beneficiary's legacy conclusion is valid until this many days after the load date
EXPIRING_IN_DAYS = 60
STEPS = ("provider", "agency", "insurer", "mia")
DECIDERS = {"provider": "provider", "agency": "agency", "agency2": "agency2", "insurer": "insurer", "mia": "mia"}
VISITS = [VisitTypeInput(name="生活照料", frequency=3, frequency_unit="week", planned_minutes=60,
                         item_codes=("SH01", "SH02", "SH05"), start_time=NINE),
          VisitTypeInput(name="助浴", frequency=1, frequency_unit="week", planned_minutes=45, item_codes=("SH02",),
                         start_time=NINE)]
USERNAMES = ("insurer", "provider", "provider2", "agency", "agency2", "mia", "assessor1", "assessor2", "assessor3",
             "assessor4", "assessor5", "assessor6")


def _persons(session: Session, first: int, count: int) -> list[InsuredPerson]:
    numbers = [row["id_number"] for row in person_rows(first + count)[first:]]
    found = {p.id_number: p for p in session.scalars(select(InsuredPerson).where(InsuredPerson.id_number.in_(numbers)))}
    return [found[n] for n in numbers if n in found]


def _decider(c: Cast, case: ReviewCase) -> str:
    org_id = case.owners[case.step_code]
    return next(name for name in DECIDERS if c.users[name].org_id == org_id)


def _advance(c: Cast, case: ReviewCase, until: str, now: datetime) -> None:
    while case.status == CaseStatus.OPEN and case.step_code != until:
        engine.decide(c.session, case, DecisionInput(Decision.APPROVE), actor=c.actor(_decider(c, case)), now=now)


def load_reviews(session: Session, *, now: datetime) -> int:
    """The demo review cases and migrated beneficiaries, unless any entitlement or entitlement
    request exists (idempotent). Returns how many cases were opened."""
    if session.scalar(select(Entitlement.id).limit(1)) or session.scalar(
            select(EntitlementRequest.id).where(EntitlementRequest.status != RequestStatus.NOT_OPENED).limit(1)):
        return 0
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(USERNAMES)))}
    persons = _persons(session, PERSON_OFFSET, PERSON_COUNT + MIGRATED)
    if len(users) < len(USERNAMES) or len(persons) < PERSON_COUNT + MIGRATED:
        log.warning("demo reviews skipped: demo users or persons %d–%d are missing",
                    PERSON_OFFSET, PERSON_OFFSET + PERSON_COUNT + MIGRATED)
        return 0
    catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=now)
    c = Cast(session=session, now=now, days=working_days_back(session, local_today(now), 20), users=users,
             persons=persons[:PERSON_COUNT])
    apps = [walk(c, Plan(filed=19, accepted=18, dispatched=17, scheduled=16, visit=14, assessed=True, confirmed=13),
                 level=5, by="provider", seed=20 + n) for n in range(PERSON_COUNT)]
    conclusion.record_finality(session, today=c.day(6), actor=SYSTEM, now=c.at(6, 0, 30))
    cases = []
    for app in apps:
        request = session.scalar(select(EntitlementRequest).where(EntitlementRequest.application_id == app.id))
        if request is None or request.case_id is None:
            continue
        cases.append(session.get(ReviewCase, request.case_id))
        if len(cases) > 1:
            save_plan(session, person_id=request.person_id, provider_id=request.provider_id,
                      care_type=request.care_type, level=request.level, visit_types=VISITS,
                      actor=c.actor("provider"), now=c.at(5, 10), note="首次护理计划")
    _scenarios(c, cases)
    _migrated(session, persons[PERSON_COUNT:], c)
    return len(cases)


def _scenarios(c: Cast, cases: list[ReviewCase]) -> None:
    if len(cases) < PERSON_COUNT:
        log.warning("demo reviews: only %d cases were opened", len(cases))
        return
    waiting_provider, at_agency, at_insurer, at_mia, declined, granted = cases
    del waiting_provider  # waits at step 1: its care plan is not drafted yet
    _advance(c, at_agency, "agency", c.at(4, 10))
    _advance(c, at_insurer, "insurer", c.at(3, 10))
    _advance(c, at_mia, "insurer", c.at(4, 10))
    engine.decide(c.session, at_mia, DecisionInput(Decision.RETURN, "FACTS", "请评估机构核实评估结论有效期"),
                  actor=c.actor("insurer"), now=c.at(3, 11))
    _advance(c, at_mia, "mia", c.at(2, 10))
    engine.decide(c.session, declined, DecisionInput(Decision.DECLINE, "CAPACITY", "本月护理员排班已满，建议另选机构"),
                  actor=c.actor("provider"), now=c.at(4, 15))
    _advance(c, granted, "done", c.at(3, 9))


def _migrated(session: Session, persons: list[InsuredPerson], c: Cast) -> None:
    """Existing beneficiaries from before go-live (the load date), through the import (preview, then
    apply); the first one's legacy conclusion expires within the reassessment lead time, so the
    daily job's service opens its reassessment and the insurer accepts it."""
    home_care = session.get(Organisation, c.users["provider"].org_id)
    nursing_home = session.get(Organisation, c.users["provider2"].org_id)
    today = local_today(c.now)
    start = first_of_month(first_of_month(today) - timedelta(days=200))
    expiring_last_day = today + timedelta(days=EXPIRING_IN_DAYS)          # 有效期至: the last valid day
    lines = ["身份证号,失能等级,评估结论日期,有效期至,服务形式,服务机构,待遇开始日期"]
    for n, person in enumerate(persons):
        provider, care = (nursing_home, "institution") if n == 2 else (home_care, "home")
        if n == 0:   # concluded 24 months before its validity ends
            concluded, last_day = add_months(expiring_last_day + timedelta(days=1), -24), expiring_last_day
        else:
            concluded, last_day = start - timedelta(days=20), ""
        lines.append(f"{person.id_number},{3 + n},{concluded},{last_day},{care},{provider.uscc},{start}")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    result = migration_import.preview(session, data, "go-live-beneficiaries.csv", today=today, go_live=today)
    if not result.ok:
        log.warning("demo migrated beneficiaries skipped: %s %s", result.header_errors,
                    [(r.line, r.errors) for r in result.error_rows[:3]])
        return
    migration_import.apply(session, result, actor=c.actor("mia"), now=c.now)
    _reassess_expiring(session, persons[0], c)


def _reassess_expiring(session: Session, person: InsuredPerson, c: Cast) -> None:
    """The daily job's reassessments of the load date, then the insurer takes the migrated one in."""
    open_reassessments(session, today=local_today(c.now), actor=SYSTEM, now=c.now)
    app = session.scalar(select(Application).where(Application.person_id == person.id,
                                                   Application.kind == Kind.REASSESSMENT.value))
    if app is None:
        log.warning("demo: no reassessment was opened for the expiring migrated conclusion")
        return
    insurer = c.actor("insurer")
    intake.record_self_assessment(session, app.id, ANSWERS_E, actor=insurer, now=c.now)
    acceptance.accept(session, app.id, actor=insurer, now=c.now)
