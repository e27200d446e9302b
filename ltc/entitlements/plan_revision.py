"""Care-plan revisions after the grant (SPEC §4.2): the ``care_plan_revision`` review subject.

A plan version saved for an entitlement that has been granted (and has not ended) is a
revision: it is ``pending`` and goes through a small review case (``plan_revision``: the
provider's operator submits, the insurer of the person's district approves, returns or rejects).
The subject is the entitlement; the version under review is its latest pending one — a newer
save in the same case replaces it (a new subject revision). Approval makes the version final
from the later of the requested date and the day after approval (never retroactive); it
creates no entitlement. A rejected (or cancelled) revision never takes effect.
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed
from ltc.entitlements.dates import revision_start
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.entitlements.plans import plan_in_force
from ltc.entitlements.states import RequestStatus
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.models import InsuredPerson
from ltc.providers.care_plans import services as care_plans
from ltc.providers.care_plans.events import PlanSaved
from ltc.providers.care_plans.models import CarePlan, PlanStatus
from ltc.reviews import engine
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import Check, LinkContext, Parties, SubjectLink, SubjectType
from ltc.reviews.states import CaseStatus

SUBJECT = "care_plan_revision"
CASE_TYPE = "plan_revision"


def pending_versions(session: Session, entitlement_id: int) -> list[CarePlan]:
    """The entitlement's versions under review, newest first."""
    return list(session.scalars(select(CarePlan).where(
        CarePlan.entitlement_id == entitlement_id, CarePlan.status == PlanStatus.PENDING.value)
        .order_by(CarePlan.version.desc())))


def under_review(session: Session, entitlement_id: int) -> CarePlan | None:
    return next(iter(pending_versions(session, entitlement_id)), None)


def parties(session: Session, subject_id: int) -> Parties:
    entitlement = session.get(Entitlement, subject_id)
    return Parties(person_id=entitlement.person_id, provider_id=entitlement.provider_id)


def title(session: Session, subject_id: int) -> str:
    entitlement = session.get(Entitlement, subject_id)
    person = session.get(InsuredPerson, entitlement.person_id)
    return f"{person.name} · {CARE_TYPE_LABELS[entitlement.care_type]} · {entitlement.level}级 · 护理计划变更"


def step_checks(session: Session, case: ReviewCase, step: str, day: date) -> list[Check]:
    """What both steps see: the version and the one in force, the date it would take effect
    if approved on ``day``, its level, and the plan checks over the rest of the entitlement."""
    entitlement = session.get(Entitlement, case.subject_id)
    plan = under_review(session, entitlement.id)
    if plan is None:
        return [Check("plan", "变更后的护理计划", False, "没有待审核的护理计划版本")]
    starts = revision_start(plan.requested_from, day, entitlement_from=entitlement.valid_from)
    current = plan_in_force(session, entitlement.id, max(day, entitlement.valid_from))
    asked = ({"detail": "申请自 %(day)s 起生效", "params": {"day": str(plan.requested_from)}} if plan.requested_from
             else "未申请生效日期")
    checks = [
        Check("plan", "变更后的护理计划", None, "第 %(version)s 版（现行第 %(current)s 版）；%(asked)s" if current
              else "第 %(version)s 版；%(asked)s",
              {"version": plan.version, "current": current.version if current else "", "asked": asked}),
        Check("effective", "生效日期", starts < entitlement.valid_to,
              "若于 %(day)s 通过，自 %(start)s 起生效（不早于审批次日，不追溯）；待遇期至 %(end)s（不含）",
              {"day": str(day), "start": str(starts), "end": str(entitlement.valid_to)}),
        Check("level", "失能等级", plan.level == entitlement.level, "按 %(plan)s 级制定；待遇等级 %(level)s 级",
              {"plan": plan.level, "level": entitlement.level}),
    ]
    found = care_plans.plan_checks(session, plan, starts, end=entitlement.valid_to)
    return checks + [Check(f"plan.{c.code}", "护理计划提示" if c.warning else "护理计划检查",
                           None if c.warning else c.passed, c.detail, c.params) for c in found]


def revision_ready(session: Session, case: ReviewCase, day: date) -> str | None:
    """Both steps' precondition: a version under review whose checks pass and that would take
    effect before the entitlement ends."""
    failing = [c for c in step_checks(session, case, "", day) if c.passed is False]
    return "护理计划变更未通过检查：" + "；".join(c.text for c in failing) if failing else None


def complete(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """The insurer approved: the version takes effect (no new entitlement)."""
    plan = under_review(session, case.subject_id)
    entitlement = session.get(Entitlement, case.subject_id)
    care_plans.finalize_plan(session, plan, actor=actor, now=now, entitlement_id=entitlement.id,
                             effective_from=revision_start(plan.requested_from, local_today(now),
                                                           entitlement_from=entitlement.valid_from))


def ended(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """Rejected or cancelled: the versions under review never take effect."""
    for plan in pending_versions(session, case.subject_id):
        care_plans.set_revision_status(session, plan, PlanStatus.REJECTED, actor=actor, now=now,
                                       why=case.close_reason)


def links(session: Session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    """The version under review; its editor while it is the provider's turn."""
    plan = under_review(session, case.subject_id)
    if plan is None:
        return []
    found = [SubjectLink("护理计划", "care_plans.view_plan", {"plan_id": plan.id})]
    if context.owner_kind == "provider" and context.can_decide:
        found.append(SubjectLink("修改护理计划", "care_plans.edit_plan", {"plan_id": plan.id}))
    return found


def granted_entitlement(session: Session, *, person_id: int, provider_id: int, care_type: str,
                        today: date) -> Entitlement | None:
    """The entitlement a plan of (person, provider, care type) saved ``today`` would revise: the
    latest live one not yet ended (None: the plan is a draft for a request, or for nothing yet)."""
    return session.scalars(select(Entitlement).where(
        Entitlement.person_id == person_id, Entitlement.provider_id == provider_id,
        Entitlement.care_type == care_type, Entitlement.live_filter(), Entitlement.valid_to > today)
        .order_by(Entitlement.valid_from.desc())).first()


def open_case_of(session: Session, entitlement_id: int) -> ReviewCase | None:
    """The entitlement's open revision case, if any."""
    return session.scalars(select(ReviewCase).where(
        ReviewCase.subject_type == SUBJECT, ReviewCase.subject_id == entitlement_id,
        ReviewCase.status == CaseStatus.OPEN.value)).first()


def _open_request(session: Session, plan: CarePlan) -> bool:
    return session.scalar(select(EntitlementRequest.id).where(
        EntitlementRequest.person_id == plan.person_id, EntitlementRequest.provider_id == plan.provider_id,
        EntitlementRequest.care_type == plan.care_type, EntitlementRequest.status == RequestStatus.OPEN,
        EntitlementRequest.case_id.is_not(None))) is not None


def on_plan_saved(session: Session, event: PlanSaved) -> None:
    """A version saved after the grant (no request under review uses it) opens the entitlement's
    revision case, or is a new revision of the case already open. Raises ValidationFailed when
    the requested date is not before the entitlement's end."""
    plan, actor, now = event.plan, event.actor, event.now
    entitlement = granted_entitlement(session, person_id=plan.person_id, provider_id=plan.provider_id,
                                      care_type=plan.care_type, today=local_today(now))
    if entitlement is None or _open_request(session, plan):
        return
    if plan.requested_from is not None and plan.requested_from >= entitlement.valid_to:
        raise ValidationFailed("申请生效日期应早于待遇终止日期 %(end)s",
                               {"requested_from": "after the entitlement ends"}, params={"end": entitlement.valid_to})
    for older in pending_versions(session, entitlement.id):
        care_plans.set_revision_status(session, older, PlanStatus.REPLACED, actor=actor, now=now,
                                       why=f"第 {plan.version} 版")
    care_plans.set_revision_status(session, plan, PlanStatus.PENDING, actor=actor, now=now,
                                   entitlement_id=entitlement.id)
    case = open_case_of(session, entitlement.id)
    note = f"护理计划第 {plan.version} 版"
    if case is None:
        engine.open_case(session, case_type=CASE_TYPE, subject_id=entitlement.id, actor=actor, now=now, note=note)
    else:
        engine.revise_subject(session, case, actor=actor, now=now, note=note)


#: registered with the review engine by ``ltc.entitlements.wire``
SUBJECT_TYPE = SubjectType(
    name=SUBJECT, parties=parties, title=title, checks=step_checks, links=links,
    preconditions={"revised_plan": revision_ready}, on_complete=complete, on_end=ended,
)
