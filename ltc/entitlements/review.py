"""The four-party entitlement review (SPEC §4.2) on the review engine.

Registers the ``entitlement_request`` subject: its parties (the provider on the request,
the agency that issued the final conclusion, the person for the district insurer), the
checks each step shows, the ``care_plan`` precondition of step 1, and what completion does
(grant the entitlement with the SPEC §4.2 dates, finalise the plan, issue the notice).
Opens requests from final conclusions (``ConclusionFinal``) and cancels them on death (``PersonDied``).
"""
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import Kind, Status
from ltc.billing import benefits
from ltc.billing.benefits import percent, yuan
from ltc.billing.policy import BillingPolicy
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.periods import covering_filter, overlap_filter, period_on
from ltc.entitlements import dates
from ltc.entitlements.models import Entitlement
from ltc.entitlements.notice import issue_entitlement_notice
from ltc.entitlements.requests import EntitlementRequest
from ltc.entitlements.services import active_on, grant_entitlement
from ltc.entitlements.states import LIVE, RequestKind, RequestStatus, check_transition
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType, OrgKind
from ltc.orgs.models import Organisation
from ltc.people.kinds import PersonStatus
from ltc.people.models import InsuredPerson
from ltc.people.events import PersonDied
from ltc.people.services import category_on, status_on, tags_on
from ltc.policy.services import policy_on
from ltc.providers.care_plans import services as care_plans
from ltc.providers.care_plans.events import PlanSaved
from ltc.providers.models import ProviderBedsPeriod, ProviderGradePeriod, ProviderPricePeriod
from ltc.providers.services import care_types_on
from ltc.reviews import engine
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import Check, Parties, SubjectType
from ltc.reviews.states import CaseStatus

CASE_TYPE = "entitlement"
SUBJECT = "entitlement_request"
BED_CARE_TYPES = (CareType.INSTITUTION.value, CareType.SPECIAL.value)
#: the request status a case that ended without completing gives (any other end cancels the request)
CASE_OUTCOME = {CaseStatus.DECLINED: RequestStatus.DECLINED, CaseStatus.REJECTED: RequestStatus.REJECTED}


# --- opening ---------------------------------------------------------------------------

def final_agency(session: Session, app: Application) -> int | None:
    """The agency that issued the final conclusion: a concluded 复评 child's, else the application's."""
    child = session.scalar(select(Application.agency_id).where(
        Application.parent_id == app.id, Application.kind == Kind.REVIEW.value,
        Application.status == Status.CONCLUDED.value).order_by(Application.id.desc()).limit(1))
    return child or app.agency_id


def request_entitlement(session: Session, app: Application, *, care_type: str | None, provider_id: int | None,
                        actor: Actor, now: datetime, trigger_date: date | None = None) -> EntitlementRequest:
    """Open the review of an entitlement on ``app``'s final conclusion (or record why not).

    A change case when the person has an entitlement active on the trigger date: the new
    conclusion's date (``trigger_date``, passed by the conclusion hook) or, for a change of care
    type or provider requested by the insurer, today. Raises ValidationFailed when ``app`` has no final conclusion at or above the threshold,
    Conflict when the person already has an open request.
    """
    today = local_today(now)
    if app.status != Status.CONCLUDED.value or app.level is None or app.concluded_on is None:
        raise ValidationFailed("该申请尚无最终评估结论", {"application_id": "not concluded"})
    policy = policy_on(session, today).section(AssessmentPolicy)
    if app.level < policy.benefit_threshold:
        raise ValidationFailed(f"失能等级 {app.level} 级低于享受待遇的最低等级", {"application_id": "below threshold"})
    if session.scalar(select(EntitlementRequest.id).where(EntitlementRequest.person_id == app.person_id,
                                                          EntitlementRequest.status == RequestStatus.OPEN)):
        raise Conflict("该参保人已有进行中的待遇审核", {"person_id": "open request"})
    trigger = trigger_date or today
    current = active_on(session, app.person_id, trigger) or active_on(session, app.person_id, today)
    request = EntitlementRequest(
        kind=(RequestKind.CHANGE if current else RequestKind.INITIAL).value, person_id=app.person_id,
        application_id=app.id, agency_id=final_agency(session, app), level=app.level,
        care_type=care_type or CareType.HOME.value, provider_id=provider_id,
        replaces_id=current.id if current else None, trigger_date=trigger,
        status=RequestStatus.OPEN.value, created_at=now, created_by_id=actor.user_id)
    problem = _not_opened_reason(session, policy, app.level, care_type, provider_id)
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


def _not_opened_reason(session: Session, policy: AssessmentPolicy, level: int, care_type: str | None,
                       provider_id: int | None) -> str | None:
    if not care_type or care_type not in CARE_TYPE_LABELS:
        return "申请未选择服务形式，请商保公司为参保人发起待遇审核"
    if not policy.level_allowed(level, care_type):
        return (f"失能等级 {level} 级不能享受{CARE_TYPE_LABELS[care_type]}"
                f"（最低 {policy.min_level(care_type)} 级），请商保公司另选服务形式")
    provider = session.get(Organisation, provider_id) if provider_id else None
    if provider is None or provider.kind != OrgKind.PROVIDER:
        return "申请未选择定点护理服务机构，请商保公司为参保人发起待遇审核"
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
    current = active_on(session, app.person_id, max(app.concluded_on, local_today(now)))
    if current is not None and not (care_type and provider_id):
        care_type, provider_id = current.care_type, current.provider_id  # a reassessment keeps the choice
    request_entitlement(session, app, care_type=care_type, provider_id=provider_id, actor=actor, now=now,
                        trigger_date=app.concluded_on)


def on_person_died(session: Session, event: PersonDied) -> None:
    person = event.person
    engine.cancel_open_cases_of_person(session, person.id, reason=f"参保人已于 {person.death_date} 死亡",
                                       actor=event.actor, now=event.now)


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


def persons_of_requests(org_id: int):
    """A provider named on an entitlement request (or an agency whose conclusion it rests on)
    sees the person, e.g. to draft the care plan at step 1."""
    return select(EntitlementRequest.person_id).where(
        (EntitlementRequest.provider_id == org_id) | (EntitlementRequest.agency_id == org_id))


# --- the subject for the engine ----------------------------------------------------------

def _request(session: Session, subject_id: int) -> EntitlementRequest:
    return session.get(EntitlementRequest, subject_id)


def parties(session: Session, subject_id: int) -> Parties:
    request = _request(session, subject_id)
    return Parties(person_id=request.person_id, provider_id=request.provider_id, agency_id=request.agency_id)


def title(session: Session, subject_id: int) -> str:
    request = _request(session, subject_id)
    person = session.get(InsuredPerson, request.person_id)
    kind = "待遇变更" if request.kind == RequestKind.CHANGE else "待遇资格"
    return f"{person.name} · {CARE_TYPE_LABELS[request.care_type]} · {request.level}级 · {kind}"


def starts_on(session: Session, request: EntitlementRequest) -> date:
    """SPEC §4.2: a first entitlement from the 1st of the conclusion month (institution, special)
    or of the month after (home, outreach, family); a change from the 1st of the month after
    the trigger date."""
    if request.kind == RequestKind.CHANGE:
        return dates.change_start(request.trigger_date)
    app = session.get(Application, request.application_id)
    return dates.first_start(request.care_type, app.concluded_on)


def current_plan(session: Session, request: EntitlementRequest):
    return care_plans.current_plan(session, person_id=request.person_id, provider_id=request.provider_id,
                   care_type=request.care_type)


def plan_checks(session: Session, request: EntitlementRequest, day: date) -> list[Check]:
    plan = current_plan(session, request)
    if plan is None:
        return [Check("plan", "护理计划", False, "护理机构尚未制定护理计划")]
    found = care_plans.plan_checks(session, plan, day)
    head = Check("plan", "护理计划", plan.level == request.level,
                 f"第 {plan.version} 版，{len(plan.visit_types)} 种服务，按 {plan.level} 级制定"
                 + ("" if plan.level == request.level else f"，与核定等级 {request.level} 级不符"))
    return [head, *[Check(f"plan.{c.code}", "护理计划检查", c.passed, c.message) for c in found]]


def step_checks(session: Session, case: ReviewCase, step: str, day: date) -> list[Check]:
    request = _request(session, case.subject_id)
    start = starts_on(session, request)
    provider_checks = [_agreement(session, request, start), _capacity(session, request, start),
                       _no_other(session, request, start)]
    agency_checks = _conclusion_checks(session, request, start)
    insurer_checks = _insurance_checks(session, request, start)
    plan = plan_checks(session, request, start)
    by_step = {
        "provider": provider_checks + plan,
        "agency": agency_checks + plan,
        "insurer": insurer_checks,
        "mia": provider_checks + agency_checks + insurer_checks + plan + [_dates(session, request, start)],
    }
    return by_step.get(step, [])


def care_plan_ready(session: Session, case: ReviewCase, day: date) -> str | None:
    """Step 1's precondition: a care plan whose checks all pass."""
    request = _request(session, case.subject_id)
    failing = [c for c in plan_checks(session, request, starts_on(session, request)) if c.passed is False]
    return "护理计划未制定或未通过检查：" + "；".join(c.detail for c in failing) if failing else None


def _agreement(session: Session, request: EntitlementRequest, start: date) -> Check:
    ok = request.care_type in care_types_on(session, request.provider_id, start)
    label = CARE_TYPE_LABELS[request.care_type]
    return Check("agreement", "服务协议", ok, f"{start} {'在' if ok else '不在'}协议范围内：{label}")


def _capacity(session: Session, request: EntitlementRequest, start: date) -> Check:
    if request.care_type not in BED_CARE_TYPES:
        return Check("capacity", "服务能力", None, "护理人员数量核查将在护理人员名册上线后提供")
    beds = period_on(session, ProviderBedsPeriod, start, org_id=request.provider_id)
    used = session.scalar(select(func.count()).select_from(Entitlement).where(
        Entitlement.provider_id == request.provider_id, Entitlement.care_type.in_(BED_CARE_TYPES),
        covering_filter(Entitlement, start),
        Entitlement.id != (request.replaces_id or 0))) or 0
    if beds is None:
        return Check("capacity", "床位", False, f"{start} 无核定床位数")
    return Check("capacity", "床位", used < beds.beds, f"核定床位 {beds.beds} 张，{start} 已占用 {used} 张")


def _no_other(session: Session, request: EntitlementRequest, start: date) -> Check:
    other = session.scalars(select(Entitlement).where(
        Entitlement.person_id == request.person_id, Entitlement.id != (request.replaces_id or 0),
        overlap_filter(Entitlement, start, None))).first()
    if other is None:
        return Check("no_other", "无其他有效待遇", True, f"{start} 起无其他有效待遇")
    return Check("no_other", "无其他有效待遇", False,
                 f"已有待遇 {other.valid_from}–{other.valid_to or '…'}（{CARE_TYPE_LABELS[other.care_type]}）")


def _conclusion_checks(session: Session, request: EntitlementRequest, start: date) -> list[Check]:
    app = session.get(Application, request.application_id)
    pending = session.scalar(select(func.count()).select_from(Application).where(
        Application.parent_id == app.id, Application.kind == Kind.REVIEW.value,
        Application.status.notin_((Status.CONCLUDED.value, Status.CANCELLED.value, Status.WITHDRAWN.value,
                                   Status.REFUSED.value))))
    final = app.status == Status.CONCLUDED.value and not pending
    policy = policy_on(session, start).section(AssessmentPolicy)
    valid = app.valid_to is not None and app.valid_to > start
    allowed = policy.level_allowed(request.level, request.care_type)
    return [
        Check("final", "结论已生效", final, "公示期满、无未决异议" if final else "结论尚在公示或复评中"),
        Check("validity", "等级与有效期", valid, f"{app.level} 级，有效期 {app.valid_from} 至 {app.valid_to}（不含）"),
        Check("level_allowed", "等级适用服务形式", allowed,
              f"{CARE_TYPE_LABELS[request.care_type]}最低 {policy.min_level(request.care_type)} 级"),
    ]


def _insurance_checks(session: Session, request: EntitlementRequest, start: date) -> list[Check]:
    status = status_on(session, request.person_id, start)
    category = category_on(session, request.person_id, start)
    tags = tags_on(session, request.person_id, start)
    checks = [
        Check("insurance", "参保状态", status == PersonStatus.ACTIVE, f"{start} 参保状态：{status or '无记录'}"),
        Check("category", "参保类别与人群标识", category is not None,
              f"{category or '无参保类别'}；{'、'.join(tags) or '无人群标识'}"),
        _no_other(session, request, start),
    ]
    sheet = benefit_sheet(session, request, start)
    if sheet is not None:
        checks.append(Check("benefits", "待遇标准", sheet.complete, "；".join(sheet.lines + sheet.problems)))
    return checks


def benefit_sheet(session: Session, request: EntitlementRequest, start: date):
    """The benefit sheet (rates, ratio, caps) of the policy in force on ``start``, or None
    without an insurance category on that date."""
    category = category_on(session, request.person_id, start)
    if category is None:
        return None
    grade = period_on(session, ProviderGradePeriod, start, org_id=request.provider_id)
    price = period_on(session, ProviderPricePeriod, start, org_id=request.provider_id)
    return benefits.benefit_sheet(policy_on(session, start).section(BillingPolicy), care_type=request.care_type,
                    level=request.level, category=category, tags=tags_on(session, request.person_id, start),
                    provider_grade=grade.grade if grade else None,
                    provider_daily_price=price.daily_price if price else None)


def _dates(session: Session, request: EntitlementRequest, start: date) -> Check:
    app = session.get(Application, request.application_id)
    person = session.get(InsuredPerson, request.person_id)
    end, reason = dates.entitlement_end(app.valid_to, death_date=person.death_date)
    ok = start < end
    note = "（追溯生效）" if start < local_today() else ""
    return Check("dates", "待遇起止日期", ok, f"{start} 起至 {end}（不含）{note}")


def complete(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """Final MIA approval: grant the entitlement, finalise the plan, issue the notice."""
    request = _request(session, case.subject_id)
    app = session.get(Application, request.application_id)
    plan = current_plan(session, request)
    start = starts_on(session, request)
    replaces = session.get(Entitlement, request.replaces_id) if request.replaces_id else None
    entitlement = grant_entitlement(
        session, person_id=request.person_id, level=request.level, care_type=request.care_type,
        provider_id=request.provider_id, conclusion=app, starts_on=start,
        care_plan_id=plan.id if plan else None, review_case_id=case.id, replaces=replaces, actor=actor, now=now)
    if plan is not None:
        care_plans.finalize_plan(session, plan, actor=actor, now=now)
    request.status = check_transition(request.status, RequestStatus.GRANTED).value
    request.entitlement_id, request.starts_on, request.care_plan_id = entitlement.id, start, plan.id if plan else None
    sheet = benefit_sheet(session, request, start)
    issue_entitlement_notice(session, entitlement, actor=actor, now=now,
                             plan_version=f"第 {plan.version} 版" if plan else None,
                             benefit_lines=notice_lines(sheet) if sheet else ())
    session.flush()


def notice_lines(sheet) -> list[tuple[str, str]]:
    """The benefit sheet as the notice's (label, value) rows."""
    rows = [("计价单位", sheet.unit),
            ("单价", yuan(sheet.unit_price) if sheet.unit_price is not None else None),
            ("含医疗护理项目的单价", yuan(sheet.unit_price_medical) if sheet.unit_price_medical is not None else None),
            ("每日限额", yuan(sheet.daily_cap) if sheet.daily_cap is not None else None),
            ("基金支付比例", percent(sheet.ratio)),
            ("每月服务时长上限", f"{sheet.hours_cap_per_month} 小时" if sheet.hours_cap_per_month else None),
            ("每月基金支付上限", yuan(sheet.fund_cap_per_month) if sheet.fund_cap_per_month is not None else None),
            ("每月服务包", yuan(sheet.package_per_month) if sheet.package_per_month is not None else None),
            ("每月最少服务次数", f"{sheet.min_package_visits_per_month} 次"
             if sheet.min_package_visits_per_month else None)]
    return [(label, value) for label, value in rows if value is not None]


def ended(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    request = _request(session, case.subject_id)
    outcome = CASE_OUTCOME.get(case.status, RequestStatus.CANCELLED)
    request.status = check_transition(request.status, outcome).value
    request.reason = case.close_reason
    session.flush()


#: registered with the review engine by ``ltc.entitlements.wire``
SUBJECT_TYPE = SubjectType(
    name=SUBJECT, parties=parties, title=title, checks=step_checks,
    preconditions={"care_plan": care_plan_ready}, on_complete=complete, on_end=ended,
)
