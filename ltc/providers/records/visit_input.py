"""The entered fields of a visit: loading in the actor's provider, shape validation, duplicates,
snapshots and corrections (the helpers of ``records.visits``)."""
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Integer, String, bindparam, column, exists, or_, select, union
from sqlalchemy.orm import Session

from ltc.core import prepared
from ltc.core.audit import Actor
from ltc.core.clock import to_local
from ltc.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from ltc.core.db import in_list
from ltc.entitlements.models import Entitlement, EntitlementStatus
from ltc.core.periods import covering_filter
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitType, PlanStatus
from ltc.providers.carers.models import Carer
from ltc.providers.catalogue.models import ServiceItem
from ltc.providers.catalogue.services import minutes_for
from ltc.providers.kinds import RecordSource, VisitCareType, VisitStatus
from ltc.providers.models import ProviderCareTypePeriod
from ltc.providers.records.models import BeneficiaryCarer, Visit, VisitItem

MAX_MINUTES = 24 * 60
REASON_MAX = 500
SIX_PLACES = Decimal("0.000001")
VISIT_CARE_TYPES = tuple(t.value for t in VisitCareType)
#: the fields a check-in enters (an exact duplicate has every one of them equal)
CHECK_IN_FIELDS = ("check_in_lat", "check_in_lon", "device_id", "photo_hash", "source")


class DuplicateVisit(Conflict):
    """An exact duplicate of a stored visit (409): ``visit_id`` is the stored one."""

    def __init__(self, visit_id: int):
        super().__init__("与已保存的服务记录（编号 %(id)s）完全相同，未重复保存", params={"id": visit_id})
        self.visit_id = visit_id


def service_date_of(moment: datetime) -> date:
    """The Asia/Shanghai date of a check-in (a visit crossing midnight belongs to that date)."""
    return to_local(moment).date()


# --- loading in scope ------------------------------------------------------------------------

def _in_provider(actor: Actor, provider_id: int) -> bool:
    return actor.org_id is None or actor.org_id == provider_id


def carer_of(session: Session, actor: Actor, carer_id: int | None) -> Carer:
    if not carer_id:
        raise ValidationFailed("请选择护理人员", {"carer_id": "请选择护理人员"})
    carer = session.get(Carer, carer_id)
    if carer is None or not _in_provider(actor, carer.provider_id):
        raise NotFound("护理人员不存在或无权访问")
    return carer


def visit_of(session: Session, actor: Actor, visit_id: int) -> Visit:
    visit = session.get(Visit, visit_id) if visit_id else None
    if visit is None or not _in_provider(actor, visit.provider_id):
        raise NotFound("服务记录不存在或无权访问")
    return visit


def visits_of_day(session: Session, carer: Carer, person_id: int, at: datetime) -> list[Visit]:
    """The person's visits of the Asia/Shanghai day of ``at`` that a check-in by ``carer`` at ``at``
    may meet (by id), read once: those of the carer checked in at ``at`` (its exact duplicates and
    the visits with the same start, V10) and the untouched scheduled visits of the carer's provider
    it may go into (the carer's or nobody's yet). The day's other visits are left unread."""
    return list(session.scalars(_visits_of_day(), {"person_id": person_id, "day": service_date_of(at),
                                                   "carer_id": carer.id, "at": at,
                                                   "provider_id": carer.provider_id}))


@cache
def _visits_of_day():
    """The statement of ``visits_of_day``, built once."""
    carer = bindparam("carer_id")
    return select(Visit).where(
        Visit.person_id == bindparam("person_id"), Visit.service_date == bindparam("day"),
        or_((Visit.carer_id == carer) & (Visit.check_in_at == bindparam("at", type_=Visit.check_in_at.type)),
            (Visit.status == VisitStatus.SCHEDULED.value) & (Visit.provider_id == bindparam("provider_id"))
            & (Visit.carer_id.is_(None) | (Visit.carer_id == carer)))).order_by(Visit.id)


def scheduled_visit(session: Session, carer: Carer, day_visits: list[Visit], *, person_id: int, at: datetime,
                    visit_id: int | None, visit_type_id: int | None) -> Visit | None:
    """The scheduled visit a check-in goes into: ``visit_id``, or the person's untouched visit of
    that day (``day_visits``) for this carer (or for nobody yet) nearest in time; None for an
    unscheduled visit."""
    if visit_id is not None:
        visit = session.get(Visit, visit_id)
        if visit is None or visit.provider_id != carer.provider_id or visit.person_id != person_id:
            raise NotFound("排班不存在或无权访问")
        if visit.status != VisitStatus.SCHEDULED:
            raise InvalidTransition("该排班已签到、已完成或已取消")
        if visit.carer_id not in (None, carer.id):
            raise Conflict("该排班已分配给其他护理人员，请先改派")
        return visit
    candidates = [v for v in day_visits if v.provider_id == carer.provider_id and v.status == VisitStatus.SCHEDULED
                  and v.carer_id in (carer.id, None) and visit_type_id in (None, v.visit_type_id)]
    candidates.sort(key=lambda v: (v.carer_id is None, abs((v.scheduled_start - at).total_seconds())))
    return candidates[0] if candidates else None


@dataclass(frozen=True)
class PlanVisitType:
    """What a new visit takes from its plan's visit type."""
    plan_id: int
    care_type: str
    visit_type_id: int
    planned_minutes: int


_PLAN_TYPES = (column("plan_id", Integer), column("care_type", String), column("visit_type_id", Integer),
               column("planned_minutes", Integer), column("entitlement_id", Integer))
_PLAN_TYPE_BINDS = {"day": Entitlement.__table__.c.valid_from.type}


def _plan_types_sql(_in) -> str:
    """The visit types of the person's plans at the provider: of the final versions in force on
    ``day`` for its live visit-based entitlements covering it (by entitlement, then version: the
    last version of an entitlement is in force), then of its latest final plan (no entitlement)."""
    kinds = in_list(VISIT_CARE_TYPES)
    return (
        "SELECT p.id, p.care_type, t.id, t.planned_minutes, e.id FROM entitlements e "
        "JOIN care_plans p ON p.person_id = e.person_id AND p.provider_id = e.provider_id "
        "AND p.care_type = e.care_type LEFT JOIN care_plan_visit_types t ON t.plan_id = p.id "
        f"WHERE e.person_id = :person AND e.provider_id = :provider AND e.care_type IN {kinds} "
        f"AND e.status != '{EntitlementStatus.VOID.value}' AND e.valid_from <= :day "
        f"AND (e.valid_to IS NULL OR e.valid_to > :day) AND p.status = '{PlanStatus.FINAL.value}' "
        "AND p.effective_from <= :day ORDER BY e.id, p.version, t.position")


def _latest_plan_sql(_in) -> str:
    return (
        "SELECT p.id, p.care_type, t.id, t.planned_minutes, NULL FROM care_plans p "
        "LEFT JOIN care_plan_visit_types t ON t.plan_id = p.id "
        f"WHERE p.id = (SELECT id FROM care_plans WHERE person_id = :person AND provider_id = :provider "
        f"AND care_type IN {in_list(VISIT_CARE_TYPES)} AND status = '{PlanStatus.FINAL.value}' "
        "ORDER BY created_at DESC, id DESC LIMIT 1) ORDER BY t.position")


def _plan_visit_type(session: Session, carer: Carer, person_id: int, day: date) -> PlanVisitType | None:
    """The first visit type (with its plan) of the plan in force on ``day`` (else of the latest final
    plan) of the person at the carer's provider, for a visit of a care type recorded as visits."""
    params = {"person": person_id, "provider": carer.provider_id, "day": day}
    in_force: dict[int, list] = {}
    for row in prepared.rows(session, ("plan types",), _plan_types_sql, params, types=_PLAN_TYPE_BINDS,
                             columns=_PLAN_TYPES):
        kept = in_force.get(row.entitlement_id)
        if kept is None or kept[0].plan_id != row.plan_id:   # a later version: in force instead
            in_force[row.entitlement_id] = kept = []
        kept.append(row)
    for rows in in_force.values():
        if rows[0].visit_type_id is not None:
            return PlanVisitType(*rows[0][:4])
    latest = prepared.rows(session, ("latest plan",), _latest_plan_sql, params, columns=_PLAN_TYPES)
    return PlanVisitType(*latest[0][:4]) if latest and latest[0].visit_type_id is not None else None


def _care_type_without_plan(session: Session, carer: Carer, person_id: int, day: date, entered: str | None) -> str:
    """The care type of a visit without a plan: the entered one, else the person's visit-based
    entitlement at the carer's provider that day, else the provider's one visit care type in its
    agreement that day. Raises ValidationFailed (``care_type``) when that leaves a choice."""
    if entered is not None:
        if entered not in VISIT_CARE_TYPES:
            raise ValidationFailed("服务形式无效", {"care_type": "服务形式无效"})
        return entered
    entitled = set(session.scalars(select(Entitlement.care_type).where(
        Entitlement.person_id == person_id, Entitlement.provider_id == carer.provider_id,
        Entitlement.care_type.in_(VISIT_CARE_TYPES), Entitlement.live_filter(), covering_filter(Entitlement, day))))
    choices = entitled or set(session.scalars(select(ProviderCareTypePeriod.care_type).where(
        ProviderCareTypePeriod.org_id == carer.provider_id, ProviderCareTypePeriod.care_type.in_(VISIT_CARE_TYPES),
        covering_filter(ProviderCareTypePeriod, day))))
    if len(choices) != 1:
        raise ValidationFailed("该参保人在本机构没有上门服务的护理计划，请选择服务形式",
                               {"care_type": "请选择服务形式"})
    return choices.pop()


def _check_known(session: Session, provider_id: int, person_id: int) -> None:
    """A visit outside any plan is for a person the provider has dealt with: an entitlement (of any
    time), a care plan, a visit or a chosen carer there. NotFound otherwise (no other person's name
    or address is answered)."""
    known = [exists().where(model.person_id == person_id, column == provider_id) for model, column in (
        (Entitlement, Entitlement.provider_id), (CarePlan, CarePlan.provider_id), (Visit, Visit.provider_id),
        (BeneficiaryCarer, BeneficiaryCarer.provider_id))]
    if not session.scalar(select(or_(*known))):
        raise NotFound("参保人不存在或无权访问", {"person_id": "not found"})


def served_person_ids(provider_id: int):
    """A select of the persons whose visits the provider may record: a visit-based care plan or
    entitlement there (a plan in force or not), or a carer the provider chose for them."""
    return union(
        select(CarePlan.person_id).where(CarePlan.provider_id == provider_id, CarePlan.care_type.in_(VISIT_CARE_TYPES)),
        select(Entitlement.person_id).where(Entitlement.provider_id == provider_id,
                                            Entitlement.care_type.in_(VISIT_CARE_TYPES), Entitlement.live_filter()),
        select(BeneficiaryCarer.person_id).where(BeneficiaryCarer.provider_id == provider_id))


def standard_minutes(session: Session, item_ids, day: date) -> int:
    """The catalogue's standard minutes of the items on ``day``, summed (0 without items)."""
    return sum(minutes_for(session, sorted({int(i) for i in item_ids or ()}), day).values())


def _without_plan(session: Session, carer: Carer, *, person_id: int, day: date, care_type: str | None,
                  planned_minutes: int | None, item_ids) -> dict[str, Any]:
    """A visit outside any care plan (no plan in force, no entitlement at the provider): stored with
    its findings (E01, V09) like any other. Planned minutes: the entered value, else the catalogue's
    standard minutes of its items (0 until a check-out names them)."""
    _check_known(session, carer.provider_id, person_id)
    if planned_minutes is not None:
        check_planned_minutes(planned_minutes)
    return {"care_type": _care_type_without_plan(session, carer, person_id, day, care_type), "plan_id": None,
            "visit_type_id": None,
            "planned_minutes": planned_minutes if planned_minutes else standard_minutes(session, item_ids, day)}


def new_visit(session: Session, carer: Carer, *, person_id: int, at: datetime, visit_type_id: int | None,
              actor: Actor, now: datetime, care_type: str | None = None, planned_minutes: int | None = None,
              item_ids=()) -> Visit:
    """An unscheduled visit of the given visit type (or the plan's first one): care type and planned
    minutes come from the person's care plan at the carer's provider; without a plan from the
    entered values (``_without_plan``)."""
    day = service_date_of(at)
    if visit_type_id is not None:
        visit_type = session.get(CarePlanVisitType, visit_type_id)
        plan = visit_type.plan if visit_type else None
        if plan is None or plan.person_id != person_id or plan.provider_id != carer.provider_id \
                or plan.care_type not in VISIT_CARE_TYPES:
            raise ValidationFailed("服务类型不属于该参保人在本机构的护理计划", {"visit_type_id": "服务类型无效"})
        found = PlanVisitType(plan.id, plan.care_type, visit_type.id, visit_type.planned_minutes)
    else:
        found = _plan_visit_type(session, carer, person_id, day)
    if found is None:
        values = _without_plan(session, carer, person_id=person_id, day=day, care_type=care_type,
                               planned_minutes=planned_minutes, item_ids=item_ids)
    else:
        values = {"care_type": found.care_type, "plan_id": found.plan_id, "visit_type_id": found.visit_type_id,
                  "planned_minutes": found.planned_minutes}
    return Visit(provider_id=carer.provider_id, person_id=person_id, service_date=day, created_by=actor.user_id,
                 created_at=now, items=[], **values)


# --- shape validation --------------------------------------------------------------------------

def check_moment(moment: Any, name: str) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValidationFailed("时间须带时区", {name: "时间须带时区"})


def clean_text(value: str | None, limit: int, name: str) -> str | None:
    value = (value or "").strip() or None
    if value is not None and len(value) > limit:
        raise ValidationFailed("内容不超过 %(n)s 个字", {name: "内容过长"}, params={"n": limit})
    return value


def _coordinate(value: Any, limit: int, name: str) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(SIX_PLACES)
    except (InvalidOperation, ValueError):
        raise ValidationFailed("坐标格式不正确", {name: "坐标格式不正确"}) from None
    if not -limit <= number <= limit:
        raise ValidationFailed("坐标超出范围", {name: "坐标超出范围"})
    return number


def clean_point(lat: Any, lon: Any, prefix: str) -> dict[str, Decimal | None]:
    """A GPS point (both or neither), to six decimals."""
    if lat is None and lon is None:
        return {f"{prefix}_lat": None, f"{prefix}_lon": None}
    if lat is None or lon is None:
        raise ValidationFailed("经度和纬度须同时填写", {f"{prefix}_lat": "经度和纬度须同时填写"})
    return {f"{prefix}_lat": _coordinate(lat, 90, f"{prefix}_lat"),
            f"{prefix}_lon": _coordinate(lon, 180, f"{prefix}_lon")}


def clean_check_in(*, lat: Any, lon: Any, device_id: str | None, photo_hash: str | None,
                   source: str) -> dict[str, Any]:
    if source not in {s.value for s in RecordSource}:
        raise ValidationFailed("未知的记录来源", {"source": "未知的记录来源"})
    return {**clean_point(lat, lon, "check_in"), "device_id": clean_text(device_id, 100, "device_id"),
            "photo_hash": clean_text(photo_hash, 128, "photo_hash"), "source": source}


def _minutes_valid(minutes: Any) -> bool:
    return isinstance(minutes, int) and not isinstance(minutes, bool) and 0 <= minutes <= MAX_MINUTES


def check_minutes(minutes: Any) -> None:
    if not _minutes_valid(minutes):
        raise ValidationFailed("实际分钟数应为 0 至 %(n)s", {"actual_minutes": "实际分钟数无效"},
                               params={"n": MAX_MINUTES})


def check_planned_minutes(minutes: Any) -> None:
    if not _minutes_valid(minutes):
        raise ValidationFailed("计划分钟数应为 0 至 %(n)s", {"planned_minutes": "计划分钟数无效"},
                               params={"n": MAX_MINUTES})


def minutes_between(start: datetime | None, end: datetime) -> int:
    return 0 if start is None else int((end - start).total_seconds() // 60)


def items_of(session: Session, item_ids) -> list[ServiceItem]:
    ids = sorted({int(i) for i in item_ids or ()})
    if not ids:
        raise ValidationFailed("至少选择一个服务项目", {"item_ids": "至少选择一个服务项目"})
    items = list(session.scalars(select(ServiceItem).where(ServiceItem.id.in_(ids)).order_by(ServiceItem.id)))
    if len(items) != len(ids):
        raise ValidationFailed("服务项目不存在", {"item_ids": "服务项目不存在"})
    return items


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写更正原因", {"reason": "请填写更正原因"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed("更正原因不超过 %(n)s 个字", {"reason": "更正原因过长"}, params={"n": REASON_MAX})
    return reason


# --- duplicates ------------------------------------------------------------------------------

def _item_ids(visit: Visit) -> set[int]:
    return {i.service_item_id for i in visit.items}


def set_items(visit: Visit, item_ids) -> None:
    """Keep the rows of items still delivered, drop the others, add the new ones (never two rows
    of one item at once: the unique key holds during the flush)."""
    wanted = {int(i) for i in item_ids}
    visit.items = [row for row in visit.items if row.service_item_id in wanted]
    kept = _item_ids(visit)
    visit.items.extend(VisitItem(service_item_id=i) for i in sorted(wanted - kept))


def same_check_out(visit: Visit, *, at: datetime, item_ids, notes: str | None) -> bool:
    return (visit.check_out_at == at and _item_ids(visit) == {int(i) for i in item_ids or ()}
            and visit.notes == ((notes or "").strip() or None))


def refuse_duplicate(day_visits: list[Visit], *, carer_id: int, check_in_at: datetime, values: dict[str, Any],
                     visit_type_id: int | None, check_out: tuple | None = None) -> None:
    """Raise DuplicateVisit when a stored visit of the day equals the entered one in every entered field."""
    for visit in day_visits:
        if visit.carer_id != carer_id or visit.check_in_at != check_in_at:
            continue
        if any(getattr(visit, name) != value for name, value in values.items()):
            continue
        if visit_type_id is not None and visit.visit_type_id != visit_type_id:
            continue
        if check_out is not None and not same_check_out(visit, at=check_out[0], item_ids=check_out[1],
                                                        notes=check_out[2]):
            continue
        raise DuplicateVisit(visit_id=visit.id)


def same_start_among(day_visits: list[Visit], visit: Visit) -> int | None:
    """``same_start_as`` from the visits of the day read before ``visit`` was checked in."""
    same = [v.id for v in day_visits if v.id != visit.id and v.carer_id == visit.carer_id
            and v.check_in_at == visit.check_in_at and v.status != VisitStatus.CANCELLED]
    return min(same, default=None)


def same_start_as(session: Session, visit: Visit) -> int | None:
    """The earliest other visit with the same beneficiary, carer and check-in (V10), if any."""
    if visit.check_in_at is None or visit.carer_id is None:
        return None
    return session.scalars(select(Visit.id).where(
        Visit.person_id == visit.person_id, Visit.carer_id == visit.carer_id, Visit.check_in_at == visit.check_in_at,
        Visit.id != visit.id, Visit.status != VisitStatus.CANCELLED.value).order_by(Visit.id).limit(1)).first()


# --- snapshots and corrections ---------------------------------------------------------------

SNAPSHOT_FIELDS = ("person_id", "carer_id", "care_type", "plan_id", "visit_type_id", "status", "scheduled_start",
                   "check_in_at", "check_out_at", "service_date", "planned_minutes", "actual_minutes",
                   "check_in_lat", "check_in_lon", "check_out_lat", "check_out_lon", "device_id", "photo_hash",
                   "notes", "source", "uploaded_at", "version")


def snapshot(visit: Visit) -> dict[str, Any]:
    data = {name: getattr(visit, name) for name in SNAPSHOT_FIELDS}
    data["item_ids"] = sorted(_item_ids(visit))
    return data


def _clean_times(values: dict[str, Any]) -> None:
    for name in ("check_in_at", "check_out_at", "scheduled_start"):
        if values.get(name) is not None:
            check_moment(values[name], name)
    start, end = values.get("check_in_at"), values.get("check_out_at")
    if end is not None and (start is None or end < start):
        raise ValidationFailed("签退时间不能早于签到时间", {"check_out_at": "签退时间不能早于签到时间"})
    if start is None and values.get("scheduled_start") is None:
        raise ValidationFailed("须有签到时间或排班时间", {"check_in_at": "须有签到时间或排班时间"})


def clean_changes(session: Session, actor: Actor, visit: Visit, changes: dict[str, Any]) -> dict[str, Any]:
    """The visit's values after ``changes``, validated as a whole."""
    values = snapshot(visit)
    values.update(changes)
    _clean_times(values)
    if "carer_id" in changes and changes["carer_id"] is not None:
        carer = carer_of(session, actor, changes["carer_id"])
        if carer.provider_id != visit.provider_id:
            raise NotFound("护理人员不存在或无权访问")
    if "visit_type_id" in changes:
        _check_visit_type(session, visit, changes["visit_type_id"])
    if values["actual_minutes"] is not None:
        check_minutes(values["actual_minutes"])
    values.update(clean_point(values["check_in_lat"], values["check_in_lon"], "check_in"))
    values.update(clean_point(values["check_out_lat"], values["check_out_lon"], "check_out"))
    values["device_id"] = clean_text(values["device_id"], 100, "device_id")
    values["photo_hash"] = clean_text(values["photo_hash"], 128, "photo_hash")
    values["notes"] = clean_text(values["notes"], 1000, "notes")
    if "item_ids" in changes:
        values["item_ids"] = [i.id for i in items_of(session, changes["item_ids"])]
    return values


def _check_visit_type(session: Session, visit: Visit, visit_type_id: int | None) -> None:
    visit_type = session.get(CarePlanVisitType, visit_type_id) if visit_type_id else None
    if visit_type_id is not None and (visit_type is None or visit_type.plan.person_id != visit.person_id
                                      or visit_type.plan.provider_id != visit.provider_id):
        raise ValidationFailed("服务类型不属于该参保人在本机构的护理计划", {"visit_type_id": "服务类型无效"})


def differs(visit: Visit, values: dict[str, Any]) -> bool:
    current = snapshot(visit)
    return any(current[k] != v for k, v in values.items() if k in current)


def apply_changes(visit: Visit, values: dict[str, Any]) -> None:
    """Set the corrected values; the service date and the status follow the times."""
    for name in ("carer_id", "visit_type_id", "scheduled_start", "check_in_at", "check_out_at", "actual_minutes",
                 "check_in_lat", "check_in_lon", "check_out_lat", "check_out_lon", "device_id", "photo_hash",
                 "notes"):
        setattr(visit, name, values[name])
    set_items(visit, values["item_ids"])
    visit.service_date = service_date_of(visit.check_in_at or visit.scheduled_start)
    if visit.check_out_at is not None:
        visit.status = VisitStatus.DONE.value
    elif visit.check_in_at is not None:
        visit.status = VisitStatus.IN_PROGRESS.value
