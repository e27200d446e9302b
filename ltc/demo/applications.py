"""Demo applications in every state of the workflow (SPEC §3.1), made by the real services.

Each application walks its steps on working days before ``now`` (the services take the
earlier ``now`` of each step, so every date rule holds as it would have on that day): filed,
accepted (ACC notice), dispatched, a visit booked within the dispatch window, the joint
record entered and co-signed on the visit day, confirmed by two experts of the agency, then
publicized or concluded (CON notice). The demo persons after the first ``PERSON_OFFSET`` are
used, one per application, so the first ones stay free for walk-throughs.
"""
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import closing
from ltc.assessment.applications.services import conclusion
from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services import evaluation
from ltc.assessment.applications.services import intake
from ltc.assessment.applications.services import objections
from ltc.assessment.applications.services import recusal
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Application
from ltc.assessment.applications.states import RefusalCode
from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.calendar import load_calendar
from ltc.core.clock import LOCAL_TZ, local_today
from ltc.demo.data import person_rows
from ltc.people.models import InsuredPerson

log = logging.getLogger(__name__)

PERSON_OFFSET, PERSON_COUNT = 20, 20
DEP, PART, IND = "dependent", "partly", "independent"
#: self-assessments: G (all dependent), E (A = 3, B = 0) and D (A = 2: can only be refused)
ANSWERS_G = dict.fromkeys(("feeding", "bowel_bladder", "bathing", "dressing", "toileting", "transfer"), DEP)
ANSWERS_E = ANSWERS_G | {"dressing": IND, "toileting": PART, "transfer": IND}
ANSWERS_D = ANSWERS_E | {"bathing": PART}
ADL = ("feeding", "dressing", "face_oral_hygiene", "bowel", "bladder", "toileting", "walking", "transfer",
       "stairs", "bathing")
COGNITION = ("time_orientation", "person_orientation", "space_orientation", "memory")
PERCEPTION = ("vision", "hearing", "communication")


def _items(adl, cognition, perception) -> dict[str, int]:
    return (dict(zip(ADL, adl, strict=False)) | dict(zip(COGNITION, cognition, strict=False))
            | dict(zip(PERCEPTION, perception, strict=False)))


#: answers grading to each level on the national scale (SPEC §3.2)
ITEMS_BY_LEVEL = {
    2: _items((10, 5, 5, 10, 10, 5, 10, 10, 0, 0), (0, 1, 0, 0), (3, 3, 3)),
    3: _items((0,) * 10, (4, 4, 4, 4), (4, 4, 4)),
    4: _items((0,) * 10, (1, 1, 0, 0), (4, 4, 4)),
    5: _items((0,) * 10, (1, 0, 0, 0), (2, 0, 0)),
}
#: per agency admin: the two on-site assessors (an expert first) and the two confirming
#: experts (the first not on site)
TEAMS = {"agency": (("assessor1", "assessor3"), ("assessor2", "assessor1")),
         "agency2": (("assessor4", "assessor5"), ("assessor6", "assessor4"))}
RECUSAL = "本人与被评估人无亲属关系、无利害关系，不存在应当回避的情形。"
APPLICANTS = (intake.Applicant(name="家属代办", relation="child", phone="13900001111"),
              intake.Applicant(name="配偶代办", relation="spouse", phone="13700002222"))


def working_days_back(session: Session, today: date, count: int) -> list[date]:
    """``[today, the working day before, …]``: ``count`` working days back from today."""
    calendar = load_calendar(session, today - timedelta(days=count * 3 + 30), today)
    days, day = [today], today
    while len(days) <= count:
        day -= timedelta(days=1)
        if calendar.is_workday(day):
            days.append(day)
    return days


@dataclass
class Cast:
    session: Session
    now: datetime
    days: list[date]
    users: dict[str, User]
    persons: list[InsuredPerson]
    used: int = 0
    made: list[Application] = field(default_factory=list)

    def day(self, back: int) -> date:
        return self.days[back]

    def at(self, back: int, hour: int, minute: int = 0) -> datetime:
        """``hour`` o'clock ``back`` working days ago (today: now)."""
        if back == 0:
            return self.now
        return datetime.combine(self.days[back], time(hour, minute), tzinfo=LOCAL_TZ)

    def actor(self, username: str) -> Actor:
        return actor_of(self.users[username])

    def next_person(self) -> InsuredPerson:
        self.used += 1
        return self.persons[self.used - 1]


@dataclass(frozen=True)
class Plan:
    """Working days before today (0 = today) of each step; ``None`` stops before it. With
    ``assessed`` the record is entered and co-signed on the visit day."""

    filed: int
    accepted: int | None = None
    dispatched: int | None = None
    scheduled: int | None = None
    visit: int | None = None
    assessed: bool = False
    confirmed: int | None = None


def _file(c: Cast, plan: Plan, *, by: str, answers: dict, reassessment: InsuredPerson | None) -> Application:
    provider = c.users["provider"].org_id if by == "provider" else None
    kind = {"kind": "reassessment", "reassessment_reason": "follow_up"} if reassessment else {}
    app = intake.file_application(
        c.session, actor=c.actor(by), now=c.at(plan.filed, 9), person_id=(reassessment or c.next_person()).id,
        applicant=APPLICANTS[len(c.made) % len(APPLICANTS)], declared_disability_6m=True, self_assessment=answers,
        care_type="home" if provider else None, provider_id=provider, **kind)
    c.made.append(app)
    return app


def _team(c: Cast, app: Application) -> tuple[str, tuple[str, str], tuple[str, str]]:
    admin = next(name for name in TEAMS if c.users[name].org_id == app.agency_id)
    return (admin, *TEAMS[admin])


def _assess(c: Cast, app: Application, plan: Plan, level: int) -> None:
    admin, on_site, experts = _team(c, app)
    s = c.session
    scheduling.schedule(s, app.id, actor=c.actor(admin), now=c.at(plan.scheduled, 14), visit_on=c.day(plan.visit),
                        assessors=[c.users[u].id for u in on_site])
    for n, u in enumerate(on_site):  # each assessor declares in their own session
        recusal.declare(s, app.id, actor=c.actor(u), now=c.at(plan.scheduled, 15, 10 * n), text=RECUSAL)
    if not plan.assessed:
        return
    evaluation.enter_assessment(s, app.id, ITEMS_BY_LEVEL[level], actor=c.actor(on_site[0]),
                                now=c.at(plan.visit, 16), notes="入户评估，家属在场。")
    evaluation.cosign(s, app.id, actor=c.actor(on_site[1]), now=c.at(plan.visit, 17))
    if plan.confirmed is not None:
        for n, expert in enumerate(experts):
            evaluation.confirm(s, app.id, actor=c.actor(expert), now=c.at(plan.confirmed, 15, 10 * n))


def walk(c: Cast, plan: Plan, *, level: int = 3, by: str = "insurer", answers: dict = ANSWERS_G,
         seed: int = 1, reassessment: InsuredPerson | None = None) -> Application:
    """File an application — for the next person of the cast, or a reassessment of the
    ``reassessment`` person the insurer orders after a follow-up visit — and take it through
    the steps the plan dates."""
    s, insurer = c.session, c.actor("insurer")
    app = _file(c, plan, by=by, answers=answers, reassessment=reassessment)
    if plan.accepted is not None:
        acceptance.accept(s, app.id, actor=insurer, now=c.at(plan.accepted, 10))
    if plan.dispatched is not None:
        dispatch.dispatch(s, app.id, actor=insurer, now=c.at(plan.dispatched, 11), seed=seed)
    if plan.scheduled is not None:
        _assess(c, app, plan, level)
    return app


# --- the scenarios, one or two applications per state ------------------------------------------

def _early_states(c: Cast) -> None:
    walk(c, Plan(filed=7))                                    # submitted, acceptance overdue
    walk(c, Plan(filed=0), by="provider", answers=ANSWERS_E)  # submitted today by a provider
    walk(c, Plan(filed=3, accepted=2))
    refused = walk(c, Plan(filed=4), by="provider", answers=ANSWERS_D)
    acceptance.refuse(c.session, refused.id, actor=c.actor("insurer"), now=c.at(3, 10),
                      code=RefusalCode.SELF_ASSESSMENT_BELOW_E.value)
    walk(c, Plan(filed=5, accepted=4, dispatched=2), seed=2)


def _assessment_states(c: Cast) -> None:
    walk(c, Plan(filed=6, accepted=5, dispatched=4, scheduled=3, visit=0), by="provider", seed=3)
    walk(c, Plan(filed=8, accepted=7, dispatched=6, scheduled=5, visit=2, assessed=True), seed=4)


def _conclusions(c: Cast) -> None:
    """Below the threshold (concluded on confirmation, final after the objection window); above
    it, concluded on confirmation and final by the daily job after its publicity; one in publicity today."""
    walk(c, Plan(filed=16, accepted=15, dispatched=14, scheduled=13, visit=11, assessed=True, confirmed=9),
         level=2, by="provider", seed=5)
    walk(c, Plan(filed=19, accepted=18, dispatched=17, scheduled=16, visit=14, assessed=True, confirmed=13),
         level=5, seed=6)
    conclusion.record_finality(c.session, today=c.day(3), actor=SYSTEM, now=c.at(3, 0, 30))
    walk(c, Plan(filed=9, accepted=8, dispatched=7, scheduled=6, visit=4, assessed=True, confirmed=2), seed=7)


def _objection(c: Cast) -> None:
    """Objected during its publicity: the 复评 goes to the other agency and waits for its visit."""
    parent = walk(c, Plan(filed=14, accepted=13, dispatched=12, scheduled=11, visit=9, assessed=True, confirmed=8),
                  level=4, seed=8)
    objections.object_to(c.session, parent.id, actor=c.actor("insurer"), now=c.at(5, 10),
                         reason="家属认为失能程度评估偏低，申请复评。")


def _closed(c: Cast) -> None:
    withdrawn = walk(c, Plan(filed=3, accepted=2), by="provider")
    closing.withdraw(c.session, withdrawn.id, actor=c.actor("provider"), now=c.at(1, 10),
                     reason="家属决定暂缓申请")
    cancelled = walk(c, Plan(filed=6, accepted=5, dispatched=4), seed=9)
    closing.cancel(c.session, cancelled.id, actor=c.actor("insurer"), now=c.at(1, 11), reason="重复提交的申请")


SCENARIOS = (_early_states, _assessment_states, _conclusions, _objection, _closed)
USERNAMES = ("insurer", "provider", *TEAMS, *{u for team in TEAMS.values() for pair in team for u in pair})


def _persons(session: Session) -> list[InsuredPerson]:
    numbers = [row["id_number"] for row in person_rows(PERSON_OFFSET + PERSON_COUNT)[PERSON_OFFSET:]]
    found = {p.id_number: p for p in session.scalars(select(InsuredPerson).where(InsuredPerson.id_number.in_(numbers)))}
    return [found[n] for n in numbers if n in found]


def load_applications(session: Session, *, now: datetime) -> int:
    """Demo applications in every state, unless any application exists (idempotent). Needs
    the demo organisations, users, expert certificates and at least ``PERSON_OFFSET +
    PERSON_COUNT`` demo persons; without them nothing is made. Returns how many were made."""
    if session.scalar(select(Application.id).limit(1)) is not None:
        return 0
    users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(USERNAMES)))}
    persons = _persons(session)
    if len(users) < len(USERNAMES) or len(persons) < PERSON_COUNT:
        log.warning("demo applications skipped: demo users or the first %d demo persons are missing",
                    PERSON_OFFSET + PERSON_COUNT)
        return 0
    cast = Cast(session=session, now=now, days=working_days_back(session, local_today(now), 20), users=users,
                persons=persons)
    for scenario in SCENARIOS:
        scenario(cast)
    session.flush()
    return session.scalar(select(func.count(Application.id)))
