"""The ``entitlement_request`` subject of the four-party entitlement review (SPEC §4.2), as
the review engine sees it: its parties (the provider on the request, the agency that issued
the final conclusion, the person for the district insurer), its title, the care-plan link on
the case page, the checks each step shows, the ``care_plan`` precondition of step 1, and what
completion does (grant the entitlement with the SPEC §4.2 dates, finalise the plan, issue the
notice) or an ending does (the request declined, rejected or cancelled).

Opening requests and cases lives in ``ltc.entitlements.opening``.
"""
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.numbers import application_id_of
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import Kind, Status
from ltc.billing import benefits
from ltc.billing.benefits import percent, yuan
from ltc.billing.policy import BillingPolicy
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.periods import overlap_filter, period_on
from ltc.entitlements import dates
from ltc.entitlements.capacity import capacity_check
from ltc.entitlements.models import Entitlement
from ltc.entitlements.notice import issue_entitlement_notice
from ltc.entitlements.models import EntitlementRequest
from ltc.entitlements.services import entitlements_of, grant_entitlement
from ltc.entitlements.states import RequestKind, RequestStatus, check_transition
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.people.kinds import CATEGORY_LABELS, STATUS_LABELS as PERSON_STATUS_LABELS, TAG_LABELS, PersonStatus
from ltc.people.models import InsuredPerson
from ltc.people.services import category_on, status_on, tags_on
from ltc.policy.services import NoPolicyInForce, policy_on
from ltc.providers.care_plans import services as care_plans
from ltc.providers.models import ProviderGradePeriod, ProviderPricePeriod
from ltc.providers.services import care_types_on
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import Check, LinkContext, Parties, SubjectLink, SubjectType
from ltc.reviews.states import CaseStatus

SUBJECT = "entitlement_request"
#: the request status a case that ended without completing gives (any other end cancels the request)
CASE_OUTCOME = {CaseStatus.DECLINED: RequestStatus.DECLINED, CaseStatus.REJECTED: RequestStatus.REJECTED}
CARE_PLAN_EDITOR = "care_plans.new_plan"


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


def grant_start(session: Session, request: EntitlementRequest, completed_on: date) -> dates.Start:
    """SPEC §4.2: where the entitlement the request grants starts, and the bridging entitlement
    before it, were the case to complete on ``completed_on`` (``dates.grant_start``): a first
    entitlement never before the end of the person's previous one; a change of level at the
    earlier of the 1st of the month after the conclusion and the replaced end; a change of care
    type or provider on the 1st of the month after completion or the later date requested. A
    granted request keeps the start it was granted with."""
    replaced = session.get(Entitlement, request.replaces_id) if request.replaces_id else None
    if request.status == RequestStatus.GRANTED and request.starts_on is not None:
        bridged = replaced is not None and replaced.valid_to < request.starts_on
        return dates.Start(request.starts_on, bridge_from=replaced.valid_to if bridged else None)
    app = session.get(Application, request.application_id)
    previous_end = None
    if replaced is None:
        previous_end = max((e.valid_to for e in entitlements_of(session, request.person_id)), default=None)
    return dates.grant_start(
        request.care_type, request.provider_id, concluded_on=app.concluded_on,
        replaced=dates.Replaced(replaced.valid_to, replaced.care_type, replaced.provider_id) if replaced else None,
        previous_end=previous_end, completed_on=completed_on, requested_from=request.requested_from)


def starts_on(session: Session, request: EntitlementRequest, completed_on: date) -> date:
    """The start of the entitlement the request grants, were the case to complete on ``completed_on``."""
    return grant_start(session, request, completed_on).starts_on


def current_plan(session: Session, request: EntitlementRequest):
    return care_plans.current_plan(session, person_id=request.person_id, provider_id=request.provider_id,
                   care_type=request.care_type)


def plan_checks(session: Session, request: EntitlementRequest, day: date) -> list[Check]:
    plan = current_plan(session, request)
    if plan is None:
        return [Check("plan", "护理计划", False, "护理机构尚未制定护理计划")]
    app = session.get(Application, request.application_id)
    found = care_plans.plan_checks(session, plan, day, end=app.valid_to)
    same = plan.level == request.level
    head = Check("plan", "护理计划", same, "第 %(version)s 版，%(kinds)s 种服务，按 %(level)s 级制定" if same
                 else "第 %(version)s 版，%(kinds)s 种服务，按 %(level)s 级制定，与核定等级 %(granted)s 级不符",
                 {"version": plan.version, "kinds": len(plan.visit_types), "level": plan.level,
                  "granted": request.level})
    return [head, *[Check(f"plan.{c.code}", "护理计划提示" if c.warning else "护理计划检查",
                          None if c.warning else c.passed, c.detail, c.params) for c in found]]


def step_checks(session: Session, case: ReviewCase, step: str, day: date) -> list[Check]:
    request = _request(session, case.subject_id)
    grant = grant_start(session, request, day)
    start = grant.starts_on
    provider_checks = [_agreement(session, request, start), capacity_check(session, request, start),
                       _no_other(session, request, grant.bridge_from or start)]
    agency_checks = _conclusion_checks(session, request, start)
    insurer_checks = _insurance_checks(session, request, start)
    plan = plan_checks(session, request, start)
    by_step = {
        "provider": provider_checks + plan,
        "agency": agency_checks + plan,
        "insurer": insurer_checks,
        "mia": provider_checks + agency_checks + insurer_checks + plan + [_dates(session, request, grant)],
    }
    return by_step.get(step, [])


def care_plan_ready(session: Session, case: ReviewCase, day: date) -> str | None:
    """Step 1's precondition: a care plan whose checks all pass."""
    request = _request(session, case.subject_id)
    failing = [c for c in plan_checks(session, request, starts_on(session, request, day)) if c.passed is False]
    return "护理计划未制定或未通过检查：" + "；".join(c.text for c in failing) if failing else None


def _agreement(session: Session, request: EntitlementRequest, start: date) -> Check:
    ok = request.care_type in care_types_on(session, request.provider_id, start)
    return Check("agreement", "服务协议", ok, "%(day)s 在协议范围内：%(care_type)s" if ok
                 else "%(day)s 不在协议范围内：%(care_type)s",
                 {"day": str(start), "care_type": CARE_TYPE_LABELS[request.care_type]})


def _no_other(session: Session, request: EntitlementRequest, start: date) -> Check:
    other = session.scalars(select(Entitlement).where(
        Entitlement.person_id == request.person_id, Entitlement.id != (request.replaces_id or 0),
        overlap_filter(Entitlement, start, None))).first()
    if other is None:
        return Check("no_other", "无其他有效待遇", True, "%(day)s 起无其他有效待遇", {"day": str(start)})
    return Check("no_other", "无其他有效待遇", False, "已有待遇 %(start)s–%(end)s（%(care_type)s）",
                 {"start": str(other.valid_from), "end": str(other.valid_to or "…"),
                  "care_type": CARE_TYPE_LABELS[other.care_type]})


def _conclusion_checks(session: Session, request: EntitlementRequest, start: date) -> list[Check]:
    app = session.get(Application, request.application_id)
    pending = session.scalar(select(func.count()).select_from(Application).where(
        Application.parent_id == app.id, Application.kind == Kind.REVIEW.value,
        Application.status.notin_((Status.CONCLUDED.value, Status.CANCELLED.value, Status.WITHDRAWN.value,
                                   Status.REFUSED.value))))
    final = app.final_on is not None and app.status == Status.CONCLUDED.value and not pending  # SPEC §3.1
    policy = policy_on(session, start).section(AssessmentPolicy)
    valid = app.valid_to is not None and app.valid_to > start
    allowed = policy.level_allowed(request.level, request.care_type)
    return [
        Check("final", "结论已生效", final, "公示期满、无未决异议" if final else "结论尚在公示或复评中"),
        Check("validity", "等级与有效期", valid, "%(level)s 级，有效期 %(start)s 至 %(end)s（不含）",
              {"level": app.level, "start": str(app.valid_from), "end": str(app.valid_to)}),
        Check("level_allowed", "等级适用服务形式", allowed, "%(care_type)s最低 %(level)s 级",
              {"care_type": CARE_TYPE_LABELS[request.care_type], "level": policy.min_level(request.care_type)}),
    ]


def _insurance_checks(session: Session, request: EntitlementRequest, start: date) -> list[Check]:
    status = status_on(session, request.person_id, start)
    category = category_on(session, request.person_id, start)
    tags = tags_on(session, request.person_id, start)
    checks = [
        Check("insurance", "参保状态", status == PersonStatus.ACTIVE, "%(day)s 参保状态：%(status)s",
              {"day": str(start), "status": PERSON_STATUS_LABELS.get(status, status) if status else "无记录"}),
        Check("category", "参保类别与人群标识", category is not None, "%(category)s；%(tags)s",
              {"category": CATEGORY_LABELS.get(category, category) if category else "无参保类别",
               "tags": [TAG_LABELS.get(t, t) for t in sorted(tags)] or "无人群标识"}),
        _no_other(session, request, start),
    ]
    sheet = benefit_sheet(session, request, start)
    if sheet is not None:
        checks.append(Check("benefits", "待遇标准", sheet.complete, "；".join(sheet.lines + sheet.problems)))
    return checks


def benefit_sheet(session: Session, request: EntitlementRequest, start: date):
    """The benefit sheet (rates, ratio, caps) of the policy in force on ``start``, or None
    without an insurance category on that date."""
    return _sheet(session, request.person_id, request.care_type, request.provider_id, request.level, start)


def _sheet(session: Session, person_id: int, care_type: str, provider_id: int, level: int, start: date):
    category = category_on(session, person_id, start)
    if category is None:
        return None
    grade = period_on(session, ProviderGradePeriod, start, org_id=provider_id)
    price = period_on(session, ProviderPricePeriod, start, org_id=provider_id)
    return benefits.benefit_sheet(policy_on(session, start).section(BillingPolicy), care_type=care_type,
                    level=level, category=category, tags=tags_on(session, person_id, start),
                    provider_grade=grade.grade if grade else None,
                    provider_daily_price=price.daily_price if price else None)


def level_caps(session: Session, *, person_id: int, care_type: str, provider_id: int, level: int,
               day: date) -> list[tuple[str, str]]:
    """The benefit sheet's (label, value) lines (rates, ratio, caps) of ``level`` on ``day``, shown
    while a care plan is drafted; none without a policy in force or an insurance category."""
    try:
        sheet = _sheet(session, person_id, care_type, provider_id, level, day)
    except NoPolicyInForce:
        return []
    return notice_lines(sheet) if sheet else []


def _dates(session: Session, request: EntitlementRequest, grant: dates.Start) -> Check:
    app = session.get(Application, request.application_id)
    person = session.get(InsuredPerson, request.person_id)
    end, reason = dates.entitlement_end(app.valid_to, death_date=person.death_date)
    start, first = grant.starts_on, grant.bridge_from or grant.starts_on
    ok = start < end
    params = {"start": str(start), "end": str(end), "note": "（追溯生效）" if first < local_today() else "",
              "bridge": ""}
    if grant.bridge_from is not None:
        replaced = session.get(Entitlement, request.replaces_id)
        params["bridge"] = {"detail": "%(start)s 起至 %(end)s（不含）原%(care_type)s按 %(level)s 级过渡；", "params": {
            "start": str(grant.bridge_from), "end": str(start), "care_type": CARE_TYPE_LABELS[replaced.care_type],
            "level": request.level}}
    return Check("dates", "待遇起止日期", ok, "%(bridge)s%(start)s 起至 %(end)s（不含）%(note)s", params)


def complete(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """Final MIA approval: grant the entitlement (and the bridging one before it, SPEC §4.2),
    finalise the plan, issue the notices."""
    request = _request(session, case.subject_id)
    app = session.get(Application, request.application_id)
    plan = current_plan(session, request)
    grant = grant_start(session, request, local_today(now))
    start = grant.starts_on
    replaces = session.get(Entitlement, request.replaces_id) if request.replaces_id else None
    bridge = None
    if grant.bridge_from is not None:
        bridge = replaces = grant_entitlement(
            session, person_id=request.person_id, level=request.level, care_type=replaces.care_type,
            provider_id=replaces.provider_id, conclusion=app, starts_on=grant.bridge_from,
            care_plan_id=replaces.care_plan_id, review_case_id=case.id, replaces=replaces, actor=actor, now=now)
    entitlement = grant_entitlement(
        session, person_id=request.person_id, level=request.level, care_type=request.care_type,
        provider_id=request.provider_id, conclusion=app, starts_on=start,
        care_plan_id=plan.id if plan else None, review_case_id=case.id, replaces=replaces, actor=actor, now=now)
    if plan is not None:
        care_plans.finalize_plan(session, plan, actor=actor, now=now, entitlement_id=entitlement.id,
                                 effective_from=start)
    request.status = check_transition(request.status, RequestStatus.GRANTED).value
    request.entitlement_id, request.starts_on, request.care_plan_id = entitlement.id, start, plan.id if plan else None
    if bridge is not None:
        sheet = _sheet(session, bridge.person_id, bridge.care_type, bridge.provider_id, bridge.level, bridge.valid_from)
        issue_entitlement_notice(session, bridge, actor=actor, now=now,
                                 benefit_lines=notice_lines(sheet) if sheet else ())
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


def links(session: Session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    """The care plan editor, while it is the provider's turn and the user may decide it."""
    if context.owner_kind != "provider" or not context.can_decide:
        return []
    request = _request(session, case.subject_id)
    return [SubjectLink("护理计划", CARE_PLAN_EDITOR, {"person_id": request.person_id, "care_type": request.care_type,
                                                    "level": request.level})]


def persons_of_requests(org_id: int):
    """A provider named on an entitlement request (or an agency whose conclusion it rests on)
    sees the person, e.g. to draft the care plan at step 1."""
    return select(EntitlementRequest.person_id).where(
        (EntitlementRequest.provider_id == org_id) | (EntitlementRequest.agency_id == org_id))


def find_requests(q: str):
    """The requests resting on the application an ``SQ-`` number names (None: ``q`` is not one)."""
    number = application_id_of(q)
    return None if number is None else select(EntitlementRequest.id).where(EntitlementRequest.application_id == number)


#: registered with the review engine by ``ltc.entitlements.wire``
SUBJECT_TYPE = SubjectType(
    name=SUBJECT, parties=parties, title=title, checks=step_checks, links=links,
    preconditions={"care_plan": care_plan_ready}, on_complete=complete, on_end=ended, find=find_requests,
)
