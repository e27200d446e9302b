"""The entitlement notice (待遇核定通知书, SPEC §4.2), issued when the review completes, and the
termination notice (待遇终止通知书, SPEC §2) issued to the provider on death or transfer.

Builds the plain values ``ltc.notices.documents.EntitlementNotice`` declares and hands them
to ``issue_notice``; the notice is about the entitlement, so whoever sees the entitlement
(the person's insurer, the provider, the MIA) can open it.
"""
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import Actor
from ltc.assessment.applications.models import Application
from ltc.entitlements.models import LEVEL_NAMES, Entitlement
from ltc.entitlements.scope import SUBJECT
from ltc.notices.documents import Kind
from ltc.notices.models import Notice
from ltc.notices.services import issue_notice
from ltc.entitlements.states import Origin
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans.models import CarePlan


def conclusion_no(session: Session, entitlement: Entitlement) -> str:
    """The number of the conclusion notice the entitlement rests on; for a conclusion made
    before go-live (a migrated conclusion, which has no notice in the system), its date."""
    if entitlement.origin != Origin.MIGRATED:
        number = session.scalar(select(Notice.number).where(
            Notice.kind == Kind.CONCLUSION.value, Notice.subject_type == "application",
            Notice.subject_id == entitlement.application_id).order_by(Notice.id.desc()).limit(1))
        if number:
            return number
        app = session.get(Application, entitlement.application_id)
        return f"申请 {app.number}" if app is not None else "—"
    return f"{entitlement.conclusion_date.isoformat()} 评估结论（系统上线前）"


def plan_version_of(session: Session, entitlement: Entitlement) -> int | None:
    """The version number (第 N 版) of the care plan the entitlement was granted on."""
    if entitlement.care_plan_id is None:
        return None
    return session.scalar(select(CarePlan.version).where(CarePlan.id == entitlement.care_plan_id))


def entitlement_number(session: Session, entitlement_id: int) -> str | None:
    """The number users know an entitlement by: its entitlement notice's (ENT-2026-000001)."""
    return session.scalar(select(Notice.number).where(
        Notice.kind == Kind.ENTITLEMENT.value, Notice.subject_type == SUBJECT, Notice.subject_id == entitlement_id)
        .order_by(Notice.id).limit(1))


def entitlement_ref(session: Session, entitlement: Entitlement) -> str:
    """How messages name an entitlement: its ENT- number, or (none issued, e.g. migrated) its start."""
    return entitlement_number(session, entitlement.id) or f"{entitlement.valid_from.isoformat()} 起的待遇"


def _issuer(session: Session) -> str:
    name = session.scalar(select(Organisation.name).where(Organisation.kind == "mia").order_by(Organisation.id))
    return name or "医疗保障经办机构"


def level_name(session: Session, entitlement: Entitlement) -> str:
    """The level's name in the national-scale ruleset in force on the conclusion date (the
    scale is versioned data); the current scale's names for older, migrated conclusions."""
    from ltc.assessment.scale.services import NoRulesetInForce, ruleset_in_force
    try:
        return ruleset_in_force(session, entitlement.conclusion_date).level_names[entitlement.level]
    except NoRulesetInForce:
        return LEVEL_NAMES[entitlement.level]


def notice_data(session: Session, entitlement: Entitlement, *, plan_version: str | None = None,
                benefit_lines: Sequence[tuple[str, str]] = ()) -> dict:
    person = session.get(InsuredPerson, entitlement.person_id)
    provider = session.get(Organisation, entitlement.provider_id)
    if plan_version is None and entitlement.care_plan_id is not None:
        plan_version = f"护理计划第 {plan_version_of(session, entitlement)} 版"
    return {
        "person_name": person.name, "id_number_masked": mask_id(person.id_number),
        "level": entitlement.level, "level_name": level_name(session, entitlement),
        "care_type_name": CARE_TYPE_LABELS[entitlement.care_type], "provider_name": provider.name,
        "valid_from": entitlement.valid_from, "valid_to": entitlement.valid_to,
        "conclusion_no": conclusion_no(session, entitlement), "benefit_lines": [list(line) for line in benefit_lines],
        "issuer_name": _issuer(session), "plan_version": plan_version,
    }


def issue_entitlement_notice(session: Session, entitlement: Entitlement, *, actor: Actor, now: datetime,
                             plan_version: str | None = None,
                             benefit_lines: Sequence[tuple[str, str]] = ()) -> Notice:
    """Issue the numbered 待遇核定通知书 PDF of ``entitlement`` (to the person and the provider).
    ``plan_version`` labels the care plan (default: its id); ``benefit_lines`` are the
    (label, amount) rows of the benefit sheet, printed as given."""
    data = notice_data(session, entitlement, plan_version=plan_version, benefit_lines=benefit_lines)
    return issue_notice(session, kind=Kind.ENTITLEMENT.value, subject_type=SUBJECT, subject_id=entitlement.id,
                        data=data, actor=actor, now=now)


def issue_termination_notice(session: Session, entitlement: Entitlement, *, granted_to: date, ends_on: date,
                             event_date: date, reason: str, void: bool, actor: Actor, now: datetime) -> Notice:
    """Issue the numbered 待遇终止通知书 (``TRM-YYYY-NNNNNN``, SPEC §2) of ``entitlement`` to its
    provider: it ends from ``ends_on`` (the day after ``event_date``), or is void when it had not
    started; ``granted_to`` is the end it had before."""
    person = session.get(InsuredPerson, entitlement.person_id)
    provider = session.get(Organisation, entitlement.provider_id)
    data = {"person_name": person.name, "id_number_masked": mask_id(person.id_number),
            "level": entitlement.level, "level_name": level_name(session, entitlement),
            "care_type_name": CARE_TYPE_LABELS[entitlement.care_type], "provider_name": provider.name,
            "valid_from": entitlement.valid_from, "valid_to": granted_to, "ends_on": ends_on,
            "event_date": event_date, "reason": reason, "void": void, "issuer_name": _issuer(session)}
    return issue_notice(session, kind=Kind.TERMINATION.value, subject_type=SUBJECT, subject_id=entitlement.id,
                        data=data, actor=actor, now=now)
