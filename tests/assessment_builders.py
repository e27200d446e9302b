"""Builders for the assessment workflow: agencies with assessors and experts, applications
driven to a given state through the real services."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from ltc.assessment.applications.services import acceptance
from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services import evaluation
from ltc.assessment.experts import services as experts
from ltc.assessment.applications.services import intake
from ltc.assessment.applications.services import recusal
from ltc.assessment.applications.services import scheduling
from ltc.assessment.applications.models import Application
from ltc.assessment.scale.services import seed_rulesets
from ltc.auth.models import User
from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, Actor
from ltc.core.clock import LOCAL_TZ
from ltc.core.months import add_months
from ltc.orgs.models import Organisation
from ltc.policy.ref import seed_ref
from tests.builders import World, org, user
from tests.conftest import NOW
from tests.people_builders import person

DEPENDENT, PARTLY, INDEPENDENT = "dependent", "partly", "independent"
#: A = 3, B = 0 → E (acceptable)
ANSWERS_E = {"feeding": DEPENDENT, "bowel_bladder": DEPENDENT, "bathing": DEPENDENT,
             "dressing": INDEPENDENT, "toileting": PARTLY, "transfer": INDEPENDENT}
#: A = 2, B = 0 → D (can only be refused)
ANSWERS_D = ANSWERS_E | {"bathing": PARTLY}
RECUSAL = "本人与被评估人无亲属关系、无利害关系，不存在应当回避的情形。"
CERTIFIED = (date(2025, 1, 1), date(2028, 1, 1))

ADL = ("feeding", "dressing", "face_oral_hygiene", "bowel", "bladder", "toileting", "walking", "transfer",
       "stairs", "bathing")
COGNITION = ("time_orientation", "person_orientation", "space_orientation", "memory")
PERCEPTION = ("vision", "hearing", "communication")


def items(adl, cognition, perception) -> dict[str, int]:
    return (dict(zip(ADL, adl, strict=False)) | dict(zip(COGNITION, cognition, strict=False))
            | dict(zip(PERCEPTION, perception, strict=False)))


#: SPEC §3.2 examples, by the level they grade to
ITEMS_BY_LEVEL = {
    0: items((10, 10, 5, 10, 10, 10, 15, 15, 10, 5), (4, 4, 4, 4), (4, 4, 4)),
    2: items((10, 5, 5, 10, 10, 5, 10, 10, 0, 0), (0, 1, 0, 0), (3, 3, 3)),
    3: items((0,) * 10, (4, 4, 4, 4), (4, 4, 4)),
    5: items((0,) * 10, (1, 0, 0, 0), (2, 0, 0)),
}


def at(day: date, hour: int = 10) -> datetime:
    """``hour`` o'clock on ``day`` in Shanghai, as an aware datetime."""
    return datetime.combine(day, time(hour), tzinfo=LOCAL_TZ)


def next_day(moment: datetime, days: int = 1) -> datetime:
    return moment + timedelta(days=days)


@dataclass
class AgencyStaff:
    org: Organisation
    admin: User
    experts: list[User]          # three assessors with a valid certificate
    assessor: User               # an assessor without a certificate

    def actor(self, who: User) -> Actor:
        return actor_of(who)


@dataclass
class Cast:
    world: World
    agencies: list[AgencyStaff]
    persons: list = field(default_factory=list)

    def actor(self, username: str) -> Actor:
        return actor_of(self.world.users[username])

    @property
    def ins(self) -> Actor:
        return self.actor("ins_op")


def staff(session, agency: Organisation, prefix: str) -> AgencyStaff:
    admin = user(session, agency, f"{prefix}_admin", "admin")
    certified = []
    for i in range(1, 4):
        expert = user(session, agency, f"{prefix}_e{i}", "assessor")
        experts.add_certificate(session, user=expert, certificate_no=f"ZJ-{prefix}-{i}", valid_from=CERTIFIED[0],
                                valid_to=CERTIFIED[1], actor=SYSTEM, now=NOW)
        certified.append(expert)
    return AgencyStaff(org=agency, admin=admin, experts=certified,
                       assessor=user(session, agency, f"{prefix}_a", "assessor"))


def cast(session, world: World) -> Cast:
    """REF policy and rulesets, three active agencies with staff, and one insured person in 东城区."""
    seed_ref(session, now=NOW)
    seed_rulesets(session, now=NOW)
    second = org(session, "agency", "评估机构乙", 6)
    third = org(session, "agency", "评估机构丙", 7)
    c = Cast(world=world, agencies=[staff(session, world.agency, "ag1"), staff(session, second, "ag2"),
                                    staff(session, third, "ag3")])
    c.persons.append(person(session, 1, name="李四光"))
    session.flush()
    return c


APPLICANT = intake.Applicant(name="李小光", relation="child", phone="13900001111")


def file(session, c: Cast, *, by: str = "ins_op", person_id: int | None = None, now: datetime = NOW,
         answers: dict | None = None, declared: bool = True, **extra) -> Application:
    return intake.file_application(
        session, actor=c.actor(by), now=now, person_id=person_id or c.persons[0].id, applicant=APPLICANT,
        declared_disability_6m=declared, self_assessment=answers or ANSWERS_E, **extra)


def accepted(session, c: Cast, *, now: datetime = NOW, **kw) -> Application:
    app = file(session, c, now=now, **kw)
    return acceptance.accept(session, app.id, actor=c.ins, now=now)



def dispatched(session, c: Cast, *, agency: int = 0, now: datetime = NOW, **kw) -> Application:
    app = accepted(session, c, now=now, **kw)
    return dispatch.dispatch(session, app.id, actor=c.ins, now=now, agency_id=c.agencies[agency].org.id,
                             reason="测试指定评估机构")


def on_site(*assessors: User) -> list[int]:
    return [a.id for a in assessors]


def declare(session, app: Application, *assessors: User, now: datetime = NOW) -> Application:
    """Each of ``assessors`` makes the recusal declaration in their own session."""
    for assessor in assessors:
        recusal.declare(session, app.id, actor=actor_of(assessor), now=now, text=RECUSAL)
    return app


def scheduled(session, c: Cast, *, agency: int = 0, now: datetime = NOW, visit_on: date = date(2026, 3, 18),
              **kw) -> Application:
    """On site: the agency's first expert and its non-expert assessor, both having declared."""
    app = dispatched(session, c, agency=agency, now=now, **kw)
    a = c.agencies[agency]
    scheduling.schedule(session, app.id, actor=actor_of(a.admin), now=now, visit_on=visit_on,
                        assessors=on_site(a.experts[0], a.assessor))
    return declare(session, app, a.experts[0], a.assessor, now=now)


def assessed(session, c: Cast, *, level: int = 3, agency: int = 0, visit_on: date = date(2026, 3, 18),
             **kw) -> Application:
    app = scheduled(session, c, agency=agency, visit_on=visit_on, **kw)
    a = c.agencies[agency]
    when = at(visit_on, 16)
    evaluation.enter_assessment(session, app.id, ITEMS_BY_LEVEL[level], actor=actor_of(a.experts[0]), now=when)
    return evaluation.cosign(session, app.id, actor=actor_of(a.assessor), now=when)


def confirmed(session, c: Cast, *, level: int = 3, agency: int = 0, confirm_on: date = date(2026, 3, 19),
              **kw) -> Application:
    """Confirmed by the agency's second and third experts (neither on site)."""
    app = assessed(session, c, level=level, agency=agency, **kw)
    a = c.agencies[agency]
    evaluation.confirm(session, app.id, actor=actor_of(a.experts[1]), now=at(confirm_on))
    return evaluation.confirm(session, app.id, actor=actor_of(a.experts[2]), now=at(confirm_on, 11))


def past_conclusion(session, person_id: int, concluded_on: date, *, level: int = 3, validity_months: int = 24,
                    kind: str = "initial") -> Application:
    """A concluded, final application from before the test (inserted directly, as migrated history)."""
    app = Application(person_id=person_id, kind=kind, status="concluded", applicant_name="历史",
                      applicant_relation="self", applicant_phone="13800000000", declared_disability_6m=True,
                      submitted_at=at(concluded_on), submitted_on=concluded_on, accepted_on=concluded_on,
                      concluded_on=concluded_on, level=level,
                      valid_from=concluded_on, valid_to=add_months(concluded_on, validity_months),
                      final_on=concluded_on)
    session.add(app)
    session.flush()
    return app
