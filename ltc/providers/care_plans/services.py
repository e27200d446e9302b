"""Care plan services (SPEC §5.3): save a new version, finalise it, read the current one, check it.

A plan belongs to (person, provider, care type). ``save_plan`` always adds a version (the
previous one is kept untouched); ``finalize_plan`` marks the version the entitlement was
granted with. Scope: a provider sees its own plans, the MIA all, an insurer those of the
persons it sees (the roster's rule), an agency none.
"""
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.billing.policy import BillingPolicy
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, NotFound, ValidationFailed
from ltc.core.months import add_months
from ltc.orgs.kinds import CareType
from ltc.orgs.models import Organisation
from ltc.people.finding import person_matches
from ltc.people.models import InsuredPerson
from ltc.people.services import category_on, tags_on
from ltc.core import events
from ltc.policy.services import policy_on
from ltc.providers.care_plans.events import PlanSaved
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.care_plans.checks import Check, PlannedVisit
from ltc.providers.care_plans.checks import plan_checks as run_checks
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitItem, CarePlanVisitType, FrequencyUnit, PlanStatus

MAX_FREQUENCY = {FrequencyUnit.WEEK: 21, FrequencyUnit.MONTH: 93}
#: the message of a refused plan (msgid): its problems follow, each also on its field
PLAN_PROBLEMS = "护理计划有误：%(problems)s"
MAX_MINUTES = 24 * 60
MAX_VISIT_TYPES = 20
#: the months the calendar-month check covers when the plan's end is not known
PLAN_HORIZON_MONTHS = 12


@dataclass(frozen=True)
class VisitTypeInput:
    name: str
    frequency: int | None
    frequency_unit: str
    planned_minutes: int | None
    item_codes: tuple[str, ...] = ()
    #: ISO weekdays (1 = Monday) of a weekly visit type
    weekdays: tuple[int, ...] = ()
    #: the usual start time (Asia/Shanghai); required for a weekly visit type
    start_time: time | None = None


def care_plans_in_scope(user: User) -> ColumnElement[bool] | None:
    kind = user.org_kind
    if kind == "mia":
        return None
    if kind == "provider":
        return CarePlan.provider_id == user.org_id
    if kind in ("insurer", "agency"):  # an agency: the persons it assessed or whose requests name it
        return CarePlan.person_id.in_(scoped(select(InsuredPerson.id), InsuredPerson, user))
    return false()


def persons_with_plans(org_id: int):
    """A provider sees the persons it holds a care plan for."""
    return select(CarePlan.person_id).where(CarePlan.provider_id == org_id)


# --- validation ---------------------------------------------------------------------------

def _field(index: int, name: str) -> str:
    """The form field name of visit type ``index`` (WTForms FieldList of FormField)."""
    return f"visit_types-{index}-{name}"


def _check_visit(index: int, visit: VisitTypeInput, problems: dict[str, str]) -> None:
    if not visit.name.strip():
        problems[_field(index, "name")] = "请填写服务名称"
    elif len(visit.name.strip()) > 100:
        problems[_field(index, "name")] = "服务名称不超过 100 个字"
    if visit.frequency_unit not in MAX_FREQUENCY:
        problems[_field(index, "frequency_unit")] = "频次单位应为每周或每月"
    elif not isinstance(visit.frequency, int) or not 1 <= visit.frequency <= MAX_FREQUENCY[visit.frequency_unit]:
        problems[_field(index, "frequency")] = f"频次应为 1 至 {MAX_FREQUENCY[visit.frequency_unit]} 次"
    if not isinstance(visit.planned_minutes, int) or not 1 <= visit.planned_minutes <= MAX_MINUTES:
        problems[_field(index, "planned_minutes")] = f"计划分钟数应为 1 至 {MAX_MINUTES}"
    _check_weekdays(index, visit, problems)
    _check_start_time(index, visit, problems)
    if not visit.item_codes:
        problems[_field(index, "items")] = "至少选择一个服务项目"
    elif len(set(visit.item_codes)) != len(visit.item_codes):
        problems[_field(index, "items")] = "服务项目重复"


def _check_weekdays(index: int, visit: VisitTypeInput, problems: dict[str, str]) -> None:
    """Weekdays belong to a weekly visit type, each once, and divide its frequency evenly."""
    days = visit.weekdays
    if not days:
        return
    if any(not isinstance(d, int) or not 1 <= d <= 7 for d in days) or len(set(days)) != len(days):
        problems[_field(index, "weekdays")] = "服务日应为周一至周日，不可重复"
    elif visit.frequency_unit != FrequencyUnit.WEEK:
        problems[_field(index, "weekdays")] = "只有按周的服务可以指定服务日"
    elif isinstance(visit.frequency, int) and visit.frequency % len(days):
        problems[_field(index, "weekdays")] = f"每周 {visit.frequency} 次不能平均安排在 {len(days)} 个服务日"


def _check_start_time(index: int, visit: VisitTypeInput, problems: dict[str, str]) -> None:
    """A weekly visit type has a usual start time (the schedule and punctuality use it)."""
    if visit.start_time is not None and not isinstance(visit.start_time, time):
        problems[_field(index, "start_time")] = "开始时间格式不正确"
    elif visit.start_time is None and visit.frequency_unit == FrequencyUnit.WEEK:
        problems[_field(index, "start_time")] = "按周的服务须填写开始时间"


def _check_items(session: Session, visits: list[VisitTypeInput], care_type: str,
                 problems: dict[str, str]) -> None:
    codes = sorted({c for v in visits for c in v.item_codes})
    bad = catalogue_services.check_items_allowed(session, codes, care_type)
    for index, visit in enumerate(visits):
        reasons = [bad[c] for c in visit.item_codes if c in bad]
        if reasons:
            problems.setdefault(_field(index, "items"), "；".join(reasons))


def _check_plan_fields(care_type: str, level: int, note: str | None, visits: list[VisitTypeInput],
                       problems: dict[str, str]) -> None:
    """The plan's own fields: care type, level, note and the number of visit types."""
    if care_type not in set(CareType):
        problems["care_type"] = "未知的服务形式"
    if not isinstance(level, int) or not 1 <= level <= 5:
        problems["level"] = "失能等级应为 1 至 5 级"
    if note is not None and len(note) > 500:
        problems["note"] = "备注不超过 500 个字"
    if not visits:
        problems["visit_types"] = "至少填写一种服务"
    elif len(visits) > MAX_VISIT_TYPES:
        problems["visit_types"] = f"服务种类不超过 {MAX_VISIT_TYPES} 种"


def _check_visits(visits: list[VisitTypeInput], problems: dict[str, str]) -> None:
    """Each visit type on its own, and no two with the same name."""
    names = [v.name.strip() for v in visits]
    for index, visit in enumerate(visits):
        _check_visit(index, visit, problems)
        if names[index] and names.index(names[index]) != index:
            problems[_field(index, "name")] = "服务名称重复"


def _check_input(session: Session, *, person_id: int, provider_id: int, care_type: str, level: int,
                 visits: list[VisitTypeInput], note: str | None) -> None:
    """Raise ValidationFailed naming every bad field; nothing is written before this passes."""
    person = session.get(InsuredPerson, person_id)
    if person is None or person.is_merged:
        raise NotFound("参保人不存在")
    provider = session.get(Organisation, provider_id)
    if provider is None or provider.kind != "provider":
        raise NotFound("护理服务机构不存在")
    problems: dict[str, str] = {}
    _check_plan_fields(care_type, level, note, visits, problems)
    _check_visits(visits, problems)
    if "care_type" not in problems:
        _check_items(session, visits, care_type, problems)
    if problems:
        raise ValidationFailed(PLAN_PROBLEMS, problems, params={"problems": "；".join(problems.values())})


# --- writes -------------------------------------------------------------------------------

def _versions_stmt(person_id: int, provider_id: int, care_type: str):
    return select(CarePlan).where(CarePlan.person_id == person_id, CarePlan.provider_id == provider_id,
                                  CarePlan.care_type == care_type)


def snapshot(plan: CarePlan) -> dict:
    return {"person_id": plan.person_id, "provider_id": plan.provider_id, "care_type": plan.care_type,
            "level": plan.level, "version": plan.version, "status": plan.status, "previous_id": plan.previous_id,
            "note": plan.note, "requested_from": plan.requested_from.isoformat() if plan.requested_from else None,
            "visit_types": [
                {"name": v.name, "frequency": v.frequency, "frequency_unit": v.frequency_unit,
                 "planned_minutes": v.planned_minutes, "weekdays": v.weekdays,
                 "start_time": v.start_time.isoformat(timespec="minutes") if v.start_time else None,
                 "items": [i.item.code for i in v.items]}
                for v in plan.visit_types]}


def save_plan(session: Session, *, person_id: int, provider_id: int, care_type: str, level: int,
              visit_types: list[VisitTypeInput], actor: Actor, now: datetime, note: str | None = None,
              requested_from: date | None = None) -> CarePlan:
    """Save the plan as a new draft version (the previous version is kept as it was).

    ``requested_from`` is the day a revision after the grant should take effect (the
    subscribers of ``PlanSaved`` turn such a version into a revision under review).

    Raises NotFound (person, provider), ValidationFailed naming each bad field
    (``visit_types-<i>-<field>``): unknown item, item not in the care type, frequency 0 …, or
    Conflict when another save took the same version number at the same moment.
    """
    note = (note or "").strip() or None
    _check_input(session, person_id=person_id, provider_id=provider_id, care_type=care_type, level=level,
                 visits=visit_types, note=note)
    previous = current_plan(session, person_id=person_id, provider_id=provider_id, care_type=care_type)
    items = catalogue_services.items_by_code(session, {c for v in visit_types for c in v.item_codes})
    plan = CarePlan(person_id=person_id, provider_id=provider_id, care_type=care_type, level=level,
                    version=previous.version + 1 if previous else 1, status=PlanStatus.DRAFT.value,
                    previous_id=previous.id if previous else None, created_by=actor.user_id, created_at=now,
                    note=note, requested_from=requested_from)
    for position, visit in enumerate(visit_types, start=1):
        plan.visit_types.append(CarePlanVisitType(
            position=position, name=visit.name.strip(), frequency=visit.frequency,
            frequency_unit=visit.frequency_unit, planned_minutes=visit.planned_minutes,
            weekdays="".join(str(d) for d in sorted(visit.weekdays)) or None, start_time=visit.start_time,
            items=[CarePlanVisitItem(item=items[code]) for code in visit.item_codes]))
    try:
        with session.begin_nested():   # a concurrent save took this version number: refuse, keep the session usable
            session.add(plan)
            session.flush()
    except IntegrityError:
        raise Conflict("护理计划刚被其他用户修改，请刷新后重新保存") from None
    audit.record(session, actor, "create", "care_plan", plan.id, after=snapshot(plan), now=now)
    events.publish(session, PlanSaved(plan=plan, actor=actor, now=now))
    return plan


def finalize_plan(session: Session, plan: CarePlan, *, actor: Actor, now: datetime,
                  entitlement_id: int | None = None, effective_from: date | None = None) -> CarePlan:
    """Mark the version the entitlement is granted with (or a revision approved for it) as final,
    in force from ``effective_from`` (idempotent)."""
    if plan.status == PlanStatus.FINAL:
        return plan
    before = {"status": plan.status}
    plan.status = PlanStatus.FINAL.value
    plan.entitlement_id = entitlement_id or plan.entitlement_id
    plan.effective_from = effective_from
    session.flush()
    audit.record(session, actor, "finalize", "care_plan", plan.id, before=before, now=now, after={
        "status": PlanStatus.FINAL.value, "version": plan.version, "entitlement_id": plan.entitlement_id,
        "effective_from": effective_from.isoformat() if effective_from else None})
    return plan


def set_revision_status(session: Session, plan: CarePlan, status: PlanStatus, *, actor: Actor, now: datetime,
                        entitlement_id: int | None = None, why: str | None = None) -> CarePlan:
    """A version saved after the grant: ``pending`` under review for ``entitlement_id``, then
    ``rejected`` or ``replaced`` (by a newer version in the same case). Never takes effect."""
    before = {"status": plan.status}
    plan.status = status.value
    plan.entitlement_id = entitlement_id or plan.entitlement_id
    session.flush()
    audit.record(session, actor, f"revision_{status.value}", "care_plan", plan.id, before=before, now=now,
                 after={"status": plan.status, "entitlement_id": plan.entitlement_id, "why": why})
    return plan


# --- reads --------------------------------------------------------------------------------

def current_plan(session: Session, *, person_id: int, provider_id: int, care_type: str,
                 final_only: bool = False) -> CarePlan | None:
    """The latest version (the latest final one with ``final_only``), or None."""
    stmt = _versions_stmt(person_id, provider_id, care_type)
    if final_only:
        stmt = stmt.where(CarePlan.status == PlanStatus.FINAL.value)
    return session.scalars(stmt.order_by(CarePlan.version.desc()).limit(1)).first()


def versions_of(session: Session, plan: CarePlan) -> list[CarePlan]:
    """Every version of the plan's (person, provider, care type), newest first."""
    stmt = _versions_stmt(plan.person_id, plan.provider_id, plan.care_type)
    return list(session.scalars(stmt.order_by(CarePlan.version.desc())))


def latest_plans(user: User, q: str = ""):
    """The latest version of each plan in the user's scope (a SELECT for pagination), newest first;
    with ``q``, of the persons whose name or ID number matches it."""
    older = aliased(CarePlan)
    latest = select(func.max(older.version)).where(
        older.person_id == CarePlan.person_id, older.provider_id == CarePlan.provider_id,
        older.care_type == CarePlan.care_type).scalar_subquery()
    stmt = select(CarePlan).where(CarePlan.version == latest)
    if q.strip():
        stmt = stmt.where(CarePlan.person_id.in_(select(InsuredPerson.id).where(person_matches(q))))
    return scoped(stmt, CarePlan, user).order_by(CarePlan.created_at.desc(), CarePlan.id.desc())


def planned_visits(plan: CarePlan) -> list[PlannedVisit]:
    return [PlannedVisit(v.name, v.frequency, v.frequency_unit, v.planned_minutes,
                         tuple(i.item.code for i in v.items), tuple(int(d) for d in v.weekdays or ""))
            for v in plan.visit_types]


def plan_checks(session: Session, plan: CarePlan, day: date, *, end: date | None = None) -> list[Check]:
    """The checks of SPEC §5.3 under the policy in force on ``day`` and the person's category and
    tags on ``day``; the calendar months from ``day`` to ``end`` (exclusive; default twelve
    months). Raises NoPolicyInForce when no policy covers ``day``."""
    billing = policy_on(session, day).section(BillingPolicy)
    visits = planned_visits(plan)
    codes = sorted({c for v in visits for c in v.item_codes})
    return run_checks(visits, care_type=plan.care_type, level=plan.level,
                      category=category_on(session, plan.person_id, day), tags=tags_on(session, plan.person_id, day),
                      billing=billing, item_problems=catalogue_services.check_items_allowed(session, codes,
                                                                                            plan.care_type),
                      period=(day, end if end and end > day else add_months(day, PLAN_HORIZON_MONTHS)))


def record_view(session: Session, plan: CarePlan, *, actor: Actor, now: datetime) -> None:
    """A care plan shown in full is a view of personal data: audited."""
    audit.record(session, actor, "view", "care_plan", plan.id, now=now, detail=f"person {plan.person_id}")
    session.flush()
