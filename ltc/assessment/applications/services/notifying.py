"""The notices an application issues (SPEC §3.1): acceptance, refusal, conclusion.

Builds the plain values each notice declares in ``ltc.notices.documents`` from the
application and hands them to ``ltc.notices.services.issue_notice``.
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import (Application, Assessment, AssessmentAssessor, Confirmation,
                                               application_number)
from ltc.assessment.scale.services import get_ruleset
from ltc.assessment.applications.states import Kind
from ltc.assessment.applications.services.transitions import assessment_policy
from ltc.auth.models import User
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.notices.documents import Kind as NoticeKind
from ltc.notices.services import issue_notice
from ltc.orgs.contracts import insurer_of_district
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson

SUBJECT = "application"
SEX = {"M": "男", "F": "女"}


def application_no(app: Application) -> str:
    """``SQ-2026-000042`` of an application or of a row with its ``submitted_on`` and ``id``."""
    return application_number(app.submitted_on, app.id)


def insurer_name(session: Session, district: str, day: date) -> str:
    """The insurer whose contract covers ``district`` on ``day`` (the application date); the MIA's
    name where none does."""
    insurer_id = insurer_of_district(session, district, day)
    if insurer_id is not None:
        return session.get(Organisation, insurer_id).name
    mia = session.scalar(select(Organisation.name).where(Organisation.kind == "mia").limit(1))
    return mia or "医疗保障经办机构"


def _person(session: Session, app: Application) -> InsuredPerson:
    return session.get(InsuredPerson, app.person_id)


def _common(session: Session, app: Application) -> dict:
    person = _person(session, app)
    return {"person_name": person.name, "id_number_masked": mask_id(person.id_number),
            "application_no": application_no(app)}


def acceptance_data(session: Session, app: Application) -> dict:
    person = _person(session, app)
    return {**_common(session, app), "submitted_on": app.submitted_on, "accepted_on": app.accepted_on,
            "conclusion_due_on": app.conclusion_due_on,
            "insurer_name": insurer_name(session, person.district, app.submitted_on)}


def refusal_data(session: Session, app: Application, refused_on: date) -> dict:
    person = _person(session, app)
    return {**_common(session, app), "submitted_on": app.submitted_on, "refused_on": refused_on,
            "reason_code": app.refusal_code, "detail": app.refusal_text,
            "insurer_name": insurer_name(session, person.district, app.submitted_on),
            "min_months_between_assessments": assessment_policy(session, refused_on).min_months_between_assessments}


def _names(session: Session, user_ids) -> tuple[str, ...]:
    ids = list(user_ids)
    names = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
    return tuple(names[i] for i in ids)


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def objection_text(session: Session, app: Application) -> str:
    """How to object, with the deadline and the publicity or objection days of the policy in force
    on the conclusion date (SPEC §3.1); a 复评 is final."""
    if app.kind == Kind.REVIEW:
        return "本结论为复评结论，是最终评估结论，不再受理异议。"
    deadline = app.objection_until.isoformat()
    policy = assessment_policy(session, app.concluded_on)
    if app.publicity_start is not None:
        return (f"本结论自 {app.publicity_start.isoformat()} 起公示 {policy.publicity_working_days} 个工作日，"
                f"至 {deadline} 止。如对本结论有异议，可于 {deadline}（含）前向经办机构提出复评申请；"
                "公示期满无异议的，本结论为最终评估结论。")
    days = policy.objection_working_days
    return (f"如对本结论有异议，可于 {deadline}（含）前（本通知书作出之日起 {days} 个工作日内）"
            f"向经办机构提出复评申请；期满无异议的，本结论为最终评估结论。")


def conclusion_data(session: Session, app: Application) -> dict:
    """The conclusion notice of ``app`` (a 复评 child or an application concluded on its own)."""
    person = _person(session, app)
    record = session.scalar(select(Assessment).where(Assessment.application_id == app.id))
    ruleset = get_ruleset(session, record.ruleset_id)
    on_site = session.scalars(select(AssessmentAssessor.user_id).where(AssessmentAssessor.visit_id == record.visit_id)
                              .order_by(AssessmentAssessor.id))
    experts = session.scalars(select(Confirmation.user_id).where(Confirmation.application_id == app.id)
                              .order_by(Confirmation.id))
    agency = session.get(Organisation, app.agency_id)
    return {
        **_common(session, app), "sex": SEX[person.sex], "age": _age(person.birth_date, app.concluded_on),
        "agency_name": agency.name, "assessors": _names(session, on_site), "experts": _names(session, experts),
        "assessed_on": record.assessed_on, "confirmed_on": app.confirmed_on, "concluded_on": app.concluded_on,
        "level": app.level, "level_name": ruleset.level_names[app.level],
        "adl_total": record.adl_total, "adl_grade": record.adl_grade,
        "cognition_total": record.cognition_total, "cognition_grade": record.cognition_grade,
        "perception_total": record.perception_total, "perception_grade": record.perception_grade,
        "cp_grade": record.cp_grade, "grade_names": dict(enumerate(ruleset.grade_names)),
        "valid_from": app.valid_from, "valid_to": app.valid_to, "ruleset": ruleset.id,
        "validity_months": assessment_policy(session, app.concluded_on).validity_months,
        "objection_text": objection_text(session, app), "is_review": app.kind == Kind.REVIEW,
        "objection_until": None if app.kind == Kind.REVIEW else app.objection_until,
    }


def notify(session: Session, app: Application, kind: str, *, actor: Actor, now: datetime):
    """Issue the ``kind`` notice (``ACC``, ``RFS`` or ``CON``) of ``app``."""
    if kind == "ACC":
        notice_kind, data = NoticeKind.ACCEPTANCE, acceptance_data(session, app)
    elif kind == "RFS":
        notice_kind, data = NoticeKind.REFUSAL, refusal_data(session, app, local_today(now))
    elif kind == "CON":
        notice_kind, data = NoticeKind.CONCLUSION, conclusion_data(session, app)
    else:
        raise ValueError(f"unknown notice {kind}")
    return issue_notice(session, kind=notice_kind.value, subject_type=SUBJECT, subject_id=app.id, data=data,
                        actor=actor, now=now)
