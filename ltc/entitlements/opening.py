"""Opening entitlement reviews (SPEC §4.2): a request from a final conclusion at or above the
benefit threshold (``ConclusionFinal``), or from an insurer's choice of another care type or
provider; requests kept as not opened with the reason; open cases cancelled on death
(``PersonDied``) and opened again as new cases when the death is undone (``DeathUndone``); a
new care-plan version recorded as a new revision of the case's subject (``PlanSaved``).
``ltc.entitlements.wire`` subscribes the handlers.

The subject itself (parties, checks, completion) is registered in ``ltc.entitlements.subject``.
"""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import Kind, Status
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.entitlements import dates
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.entitlements.services import entitlements_of
from ltc.entitlements.states import LIVE, RequestKind, RequestStatus
from ltc.orgs.kinds import CARE_TYPE_LABELS, OrgKind
from ltc.orgs.models import Organisation
from ltc.people.events import DeathUndone, PersonDied
from ltc.policy.services import policy_on
from ltc.providers.care_plans.events import PlanSaved
from ltc.providers.services import care_types_on
from ltc.reviews import engine
from ltc.reviews.models import ReviewCase

CASE_TYPE = "entitlement"


def final_agency(session: Session, app: Application) -> int | None:
    """The agency that issued the final conclusion: a concluded 复评 child's, else the application's."""
    child = session.scalar(select(Application.agency_id).where(
        Application.parent_id == app.id, Application.kind == Kind.REVIEW.value,
        Application.status == Status.CONCLUDED.value).order_by(Application.id.desc()).limit(1))
    return child or app.agency_id


def request_entitlement(session: Session, app: Application, *, care_type: str | None, provider_id: int | None,
                        actor: Actor, now: datetime, trigger_date: date | None = None,
                        requested_from: date | None = None) -> EntitlementRequest:
    """Open the review of an entitlement on ``app``'s final conclusion (or record why not).

    A change case replacing the entitlement ``replaced_entitlement`` finds (SPEC §4.2), else a
    first entitlement. ``trigger_date`` (the conclusion date, passed by the conclusion hook;
    today for a request by the insurer) is kept on the request. ``requested_from``: a change of
    care type or provider asked to start later than the 1st of the month after completion.
    Raises ValidationFailed when ``app`` has no final conclusion at or above the threshold, is a
    migrated conclusion (made by no agency in the system), or
    a requested date comes with anything but a change of care type or provider, Conflict when
    the person already has an open request.
    """
    today = local_today(now)
    if app.status != Status.CONCLUDED.value or app.level is None or app.final_on is None:
        raise ValidationFailed("该申请尚无最终评估结论", {"application_id": "not concluded"})
    if app.kind == Kind.MIGRATED:   # no agency in the system made it: step 2 would have no owner
        raise ValidationFailed("上线迁移的评估结论不经四方审核，不能据此发起待遇审核；请在重新评估后办理",
                               {"application_id": "migrated conclusion"})
    policy = policy_on(session, today).section(AssessmentPolicy)
    if app.level < policy.benefit_threshold:
        raise ValidationFailed("失能等级 %(level)s 级低于享受待遇的最低等级", {"application_id": "below threshold"},
                               params={"level": app.level})
    if session.scalar(select(EntitlementRequest.id).where(EntitlementRequest.person_id == app.person_id,
                                                          EntitlementRequest.status == RequestStatus.OPEN)):
        raise Conflict("该参保人已有进行中的待遇审核", {"person_id": "open request"})
    trigger = trigger_date or today
    current = replaced_entitlement(session, app, today=today)
    if requested_from is not None and not (current and dates.Replaced(
            current.valid_to, current.care_type, current.provider_id).changes_care(care_type, provider_id)):
        raise ValidationFailed("只有变更服务形式或护理机构时才能指定开始日期",
                               {"requested_from": "only for a change of care type or provider"})
    request = EntitlementRequest(
        kind=(RequestKind.CHANGE if current else RequestKind.INITIAL).value, person_id=app.person_id,
        application_id=app.id, agency_id=final_agency(session, app), level=app.level,
        care_type=care_type or None, provider_id=provider_id,
        replaces_id=current.id if current else None, trigger_date=trigger, requested_from=requested_from,
        status=RequestStatus.OPEN.value, created_at=now, created_by_id=actor.user_id)
    problem = _not_opened_reason(session, policy, app.level, care_type, provider_id, today)
    if problem:
        request.status, request.reason = RequestStatus.NOT_OPENED.value, problem
        session.add(request)
        session.flush()
        audit.record(session, actor, "not_opened", "entitlement_request", request.id, now=now, detail=problem)
        return request
    session.add(request)
    session.flush()
    case = engine.open_case(session, case_type=CASE_TYPE, subject_id=request.id, actor=actor, now=now)
    request.case_id = case.id
    audit.record(session, actor, "open", "entitlement_request", request.id, now=now,
                 after={"kind": request.kind, "care_type": request.care_type, "provider_id": provider_id,
                        "case_id": case.id})
    session.flush()
    return request


def replaced_entitlement(session: Session, app: Application, *, today: date) -> Entitlement | None:
    """The entitlement a grant on ``app`` replaces (SPEC §4.2): the person's latest one when it
    has not ended on ``app``'s conclusion date or today, or when a reassessment or 复评 the
    conclusion rests on was opened while it was active (even if it concluded after the end).
    None for a first entitlement, after a lapse or not."""
    history = entitlements_of(session, app.person_id)
    if not history:
        return None
    latest = max(history, key=lambda e: (e.valid_from, e.id))
    change = dates.is_change_case((latest.valid_from, latest.valid_to), concluded_on=app.concluded_on or today,
                                  today=today, reassessments_opened=reassessments_opened(session, app))
    return latest if change else None


def reassessments_opened(session: Session, app: Application) -> list[date]:
    """The dates the reassessment or 复评 ``app``'s conclusion rests on were opened: ``app``
    itself when it is one, and its concluded 复评."""
    opened = [app.submitted_on] if app.kind in (Kind.REASSESSMENT, Kind.REVIEW) else []
    return opened + list(session.scalars(select(Application.submitted_on).where(
        Application.parent_id == app.id, Application.kind == Kind.REVIEW.value,
        Application.status == Status.CONCLUDED.value)))


def _not_opened_reason(session: Session, policy: AssessmentPolicy, level: int, care_type: str | None,
                       provider_id: int | None, today: date) -> str | None:
    """Why no case opens for this choice (None: it opens). A provider must offer the care type
    today, or its case would stand in the way of the request for the right one."""
    if not care_type or care_type not in CARE_TYPE_LABELS:
        return "申请未选择服务形式，请商保公司为参保人发起待遇审核"
    if not policy.level_allowed(level, care_type):
        return (f"失能等级 {level} 级不能享受{CARE_TYPE_LABELS[care_type]}"
                f"（最低 {policy.min_level(care_type)} 级），请商保公司另选服务形式")
    provider = session.get(Organisation, provider_id) if provider_id else None
    if provider is None or provider.kind != OrgKind.PROVIDER:
        return "申请未选择定点护理服务机构，请商保公司为参保人发起待遇审核"
    if care_type not in care_types_on(session, provider.id, today):
        return (f"{provider.name} {today.isoformat()} 的服务协议不含{CARE_TYPE_LABELS[care_type]}，"
                f"请商保公司另选护理机构或服务形式")
    return None


def on_conclusion_final(session: Session, event: ConclusionFinal) -> None:
    """A final conclusion at or above the threshold opens the review, for the
    care type and provider preferred on the application — or, when it names none (e.g. a
    reassessment the daily job opened), those of the person's current entitlement."""
    app, actor, now = event.application, event.actor, event.now
    policy = policy_on(session, local_today(now)).section(AssessmentPolicy)
    if app.level is None or app.level < policy.benefit_threshold:
        return
    if session.scalar(select(EntitlementRequest.id).where(EntitlementRequest.application_id == app.id,
                                                          EntitlementRequest.status.in_(sorted(LIVE)))):
        return
    for request in session.scalars(select(EntitlementRequest).where(
            EntitlementRequest.person_id == app.person_id, EntitlementRequest.status == RequestStatus.OPEN)):
        engine.cancel_case(session, session.get(ReviewCase, request.case_id),
                           reason="新的评估结论已作出，按新结论重新审核", actor=actor, now=now)
    care_type, provider_id = app.preferred_care_type, app.preferred_provider_id
    current = replaced_entitlement(session, app, today=local_today(now))
    if current is not None and not (care_type and provider_id):
        care_type, provider_id = current.care_type, current.provider_id  # a reassessment keeps the choice
    request_entitlement(session, app, care_type=care_type, provider_id=provider_id, actor=actor, now=now,
                        trigger_date=app.concluded_on)


#: the reason code of a case cancellation caused by a death (found again when the death is undone)
DEATH_CODE = "DEATH"


def on_person_died(session: Session, event: PersonDied) -> None:
    person = event.person
    engine.cancel_open_cases_of_person(session, person.id, reason=f"参保人已于 {person.death_date} 死亡",
                                       actor=event.actor, now=event.now, code=DEATH_CODE)


def reopen_after_death(session: Session, person_id: int, *, actor: Actor, now: datetime) -> list[EntitlementRequest]:
    """Entitlement reviews that a death recorded in error cancelled are opened again, as new
    cases (an ended case never reopens, SPEC §4.1): for each application whose latest request
    the death cancelled and that has no live request, a new request for the same care type and
    provider, from the same trigger date; the old case keeps its trail."""
    cases = engine.cancelled_with_code(session, person_id, DEATH_CODE)
    latest: dict[int, EntitlementRequest] = {}
    for case in cases:
        request = session.scalar(select(EntitlementRequest).where(EntitlementRequest.case_id == case.id))
        if request is not None and request.status == RequestStatus.CANCELLED:
            latest[request.application_id] = request
    reopened = []
    for app_id, old in sorted(latest.items()):
        if session.scalar(select(EntitlementRequest.id).where(EntitlementRequest.application_id == app_id,
                                                              EntitlementRequest.status.in_(sorted(LIVE)))):
            continue
        new = request_entitlement(session, session.get(Application, app_id), care_type=old.care_type,
                                  provider_id=old.provider_id, actor=actor, now=now, trigger_date=old.trigger_date)
        audit.record(session, actor, "reopen_after_death_undone", "entitlement_request", new.id, now=now,
                     before={"request_id": old.id, "case_id": old.case_id}, after={"case_id": new.case_id})
        reopened.append(new)
    return reopened


def on_death_undone(session: Session, event: DeathUndone) -> None:
    reopen_after_death(session, event.person.id, actor=event.actor, now=event.now)


def on_plan_saved(session: Session, event: PlanSaved) -> None:
    """A new plan version for an open request is a new revision of the case's subject."""
    plan, actor, now = event.plan, event.actor, event.now
    request = session.scalar(select(EntitlementRequest).where(
        EntitlementRequest.person_id == plan.person_id, EntitlementRequest.provider_id == plan.provider_id,
        EntitlementRequest.care_type == plan.care_type, EntitlementRequest.status == RequestStatus.OPEN))
    if request is None or request.case_id is None:
        return
    request.care_plan_id = plan.id
    engine.revise_subject(session, session.get(ReviewCase, request.case_id), actor=actor, now=now,
                          note=f"护理计划第 {plan.version} 版")
