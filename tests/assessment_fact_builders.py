"""Builders for the assessment and review supervision figures: applications, graded assessments,
entitlements and review stages inserted directly as history (every date chosen by the test), so each
figure can be checked against a hand count."""
from datetime import date, datetime, time, timezone
from itertools import count

from ltc.assessment.applications.models import Application, Assessment, AssessmentVisit
from ltc.core.months import add_months
from ltc.core.periods import add_period
from ltc.entitlements.models import Entitlement
from ltc.reviews.models import ReviewCase, ReviewParty, ReviewStage
from ltc.supervision.facts import refresh_month
from tests.assessment_builders import Cast, at
from tests.conftest import NOW
from tests.people_builders import id_number, person

_persons = count()
RULESET = "CN-2021-37"


def someone(session, district: str = "东城区"):
    n = next(_persons) % 400   # unique within a test; born 1940, unlike the other builders' persons
    return person(session, n, name=f"参保人{n}", district=district, id_number=id_number(n, birth=date(1940, 1, 1)))


def application(session, c: Cast, *, submitted_on: date, status: str = "concluded", kind: str = "initial",
                agency: int | None = 0, district: str = "东城区", level: int | None = None,
                parent: Application | None = None, **dates) -> Application:
    """An application of a new person in ``district`` (``dates``: accepted_on, conclusion_due_on,
    concluded_on, final_on, valid_to, paused_since …); graded at ``level`` by its agency when given."""
    who = someone(session, district) if parent is None else None
    app = Application(person_id=parent.person_id if parent else who.id, kind=kind, status=status,
                      parent_id=parent.id if parent else None, applicant_name="申请人", applicant_relation="self",
                      applicant_phone="13800000000", declared_disability_6m=True, preferred_care_type="home",
                      submitted_at=at(submitted_on), submitted_on=submitted_on,
                      agency_id=c.agencies[agency].org.id if agency is not None else None, **dates)
    if dates.get("concluded_on") and level is not None:
        app.level = level
        app.valid_from = app.valid_from or dates["concluded_on"]
        app.valid_to = app.valid_to or add_months(dates["concluded_on"], 24)
    session.add(app)
    session.flush()
    if level is not None:
        graded(session, c, app, level, agency or 0)
    return app


def graded(session, c: Cast, app: Application, level: int, agency: int = 0) -> Assessment:
    """The agency's joint assessment record of ``app`` at ``level``."""
    expert = c.agencies[agency].experts[0]
    day = app.concluded_on or app.submitted_on
    visit = AssessmentVisit(application_id=app.id, visit_on=day, scheduled_at=at(day), scheduled_by=expert.id)
    session.add(visit)
    session.flush()
    record = Assessment(application_id=app.id, visit_id=visit.id, ruleset_id=RULESET, items={}, adl_total=0,
                        cognition_total=16, perception_total=12, adl_grade=3, cognition_grade=0,
                        perception_grade=0, cp_grade=0, level=level, assessed_on=day, entered_by=expert.id)
    session.add(record)
    session.flush()
    return record


def conclusion(session, c: Cast, concluded_on: date, level: int, *, agency: int = 0, district: str = "东城区",
               **dates) -> Application:
    """A conclusion made on ``concluded_on`` at ``level`` by agency ``agency`` (final the same day)."""
    dates = {"accepted_on": concluded_on, **dates}
    return application(session, c, submitted_on=dates["accepted_on"], agency=agency, district=district, level=level,
                       concluded_on=concluded_on, final_on=concluded_on, **dates)


def entitlement(session, app: Application, provider_id: int, *, valid_to: date | None = None) -> Entitlement:
    """An active home-care entitlement resting on ``app`` from its conclusion date until ``valid_to``
    (default: the conclusion's expiry)."""
    return add_period(session, Entitlement, person_id=app.person_id, level=app.level, care_type="home",
                      provider_id=provider_id, application_id=app.id, conclusion_level=app.level,
                      conclusion_date=app.concluded_on, conclusion_valid_to=app.valid_to, origin="review",
                      status="active", valid_from=app.concluded_on, valid_to=valid_to or app.valid_to)


def review_case(session, *, person_id: int | None = None, provider_id: int | None = None,
                case_type: str = "entitlement") -> ReviewCase:
    """A review case of a person, or of a provider (a party of the case) when there is no person."""
    case = ReviewCase(case_type=case_type, definition={}, subject_type=case_type, subject_id=1,
                      person_id=person_id, title="审核", status="open", owners={}, opened_on=date(2026, 3, 1))
    session.add(case)
    session.flush()
    if provider_id is not None:
        session.add(ReviewParty(case_id=case.id, org_id=provider_id))
    return case


def stage(session, case: ReviewCase, owner_kind: str, step: str, owner_org_id: int, *, entered_on: date,
          due_on: date, left_on: date | None = None, decision: str | None = "approve") -> ReviewStage:
    """A stage of ``case`` at ``step``, decided on ``left_on`` (open when None; ``decision`` None with a
    ``left_on``: closed without a decision, e.g. the case was cancelled)."""
    row = ReviewStage(case_id=case.id, step_code=step, round=1, owner_kind=owner_kind, owner_org_id=owner_org_id,
                      roles="reviewer", entered_on=entered_on, entered_at=at(entered_on), due_on=due_on,
                      left_on=left_on, left_at=at(left_on) if left_on else None,
                      decision=decision if left_on else None)
    session.add(row)
    session.flush()
    return row


def refreshed(session, *months: date, metrics=None) -> None:
    """The monthly facts of ``months`` refreshed (only ``metrics`` when given)."""
    for month in months:
        refresh_month(session, month, now=NOW, metrics=metrics)


def noon(day: date) -> datetime:
    return datetime.combine(day, time(4), tzinfo=timezone.utc)
