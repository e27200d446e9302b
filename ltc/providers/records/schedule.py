"""The month's visit schedule (排班, SPEC §5.3, §5.4): generated from the care plan in force on
each day, its visit types, weekdays and start times; idempotent.

Each generated visit remembers its slot (``slot_start``: visit type and start from the plan), so
regenerating a month creates only the slots still missing, keeps every visit already checked in,
moved, reassigned or cancelled by hand, and removes only untouched scheduled visits whose slot
the plan no longer has (a plan changed mid-month). New visits go to the beneficiary's carer
chosen by the operator (``BeneficiaryCarer``), who also gets the untouched visits nobody has yet.

One beneficiary's month is small and runs in the request; a provider's whole month runs in the
request up to ``IN_REQUEST_MAX`` beneficiaries and is otherwise queued for the scheduler process
as a per-unit run (one unit per beneficiary, ``records.jobs``).
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import load_calendar
from ltc.core.clock import LOCAL_TZ
from ltc.core.errors import Conflict, NotFound
from ltc.core.months import days, first_of_month, month_bounds
from ltc.core.periods import overlap_filter
from ltc.entitlements.models import Entitlement
from ltc.entitlements.plans import plans_in_force
from ltc.providers.care_plans.models import CarePlan, CarePlanVisitType
from ltc.providers.kinds import FrequencyUnit, RecordSource, VisitStatus
from ltc.providers.records.models import BeneficiaryCarer, ScheduleRequest, Visit, VisitItem
from ltc.providers.records.slots import SlotType, monthly_slots, weekly_slots
from ltc.providers.records.visit_input import VISIT_CARE_TYPES, carer_of, service_date_of

#: a provider's month with at most this many beneficiaries is generated in the request
IN_REQUEST_MAX = 30
SCHEDULE_JOB = "visit_schedule"


@dataclass
class ScheduleCounts:
    created: int = 0
    kept: int = 0
    removed: int = 0
    assigned: int = 0

    def add(self, other: "ScheduleCounts") -> None:
        for name in ("created", "kept", "removed", "assigned"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "kept": self.kept, "removed": self.removed, "assigned": self.assigned}


def _utc(naive_local: datetime) -> datetime:
    return naive_local.replace(tzinfo=LOCAL_TZ).astimezone(timezone.utc)


def _month_start(month: date) -> tuple[date, date, datetime, datetime]:
    first, following = month_bounds(first_of_month(month))
    return first, following, _utc(datetime.combine(first, datetime.min.time())), \
        _utc(datetime.combine(following, datetime.min.time()))


def beneficiaries(session: Session, provider_id: int, month: date) -> list[int]:
    """The persons with a visit-based entitlement at the provider in the month, by id."""
    first, following = month_bounds(first_of_month(month))
    return list(session.scalars(select(Entitlement.person_id).distinct().where(
        Entitlement.provider_id == provider_id, Entitlement.care_type.in_(VISIT_CARE_TYPES),
        overlap_filter(Entitlement, first, following)).order_by(Entitlement.person_id)))


def _plan_days(session: Session, provider_id: int, person_id: int, month: date) -> dict[int, tuple[CarePlan, list]]:
    """Plan id → (the plan, the days of the month it is in force for the person at the provider)."""
    first, following = month_bounds(first_of_month(month))
    ids = list(session.scalars(select(Entitlement.id).where(
        Entitlement.person_id == person_id, Entitlement.provider_id == provider_id,
        Entitlement.care_type.in_(VISIT_CARE_TYPES), overlap_filter(Entitlement, first, following))))
    found: dict[int, tuple[CarePlan, list]] = {}
    for day in days(first, following) if ids else ():
        for plan in plans_in_force(session, ids, day).values():
            found.setdefault(plan.id, (plan, []))[1].append(day)
    return found


def _slot_type(visit_type: CarePlanVisitType) -> SlotType:
    return SlotType(visit_type.id, visit_type.frequency, visit_type.frequency_unit, visit_type.planned_minutes,
                    tuple(int(d) for d in visit_type.weekdays or ""), visit_type.start_time)


def wanted_slots(session: Session, provider_id: int, person_id: int, month: date) -> dict[tuple, CarePlanVisitType]:
    """(visit type id, UTC start) → visit type, for every slot of the plans in force in the month."""
    first, following, _, _ = _month_start(month)
    calendar = load_calendar(session, first, following)
    month_working = [d for d in days(first, following) if calendar.is_workday(d)]
    wanted: dict[tuple, CarePlanVisitType] = {}
    for plan, plan_days in _plan_days(session, provider_id, person_id, month).values():
        for visit_type in plan.visit_types:
            kind = _slot_type(visit_type)
            if kind.unit == FrequencyUnit.WEEK:
                starts = weekly_slots(kind, plan_days)
            else:
                starts = monthly_slots(kind, [d for d in plan_days if calendar.is_workday(d)], len(month_working))
            wanted.update({(visit_type.id, _utc(start)): visit_type for start in starts})
    return wanted


def default_carer_id(session: Session, provider_id: int, person_id: int) -> int | None:
    return session.scalar(select(BeneficiaryCarer.carer_id).where(
        BeneficiaryCarer.provider_id == provider_id, BeneficiaryCarer.person_id == person_id))


def _reconcile(session: Session, existing: list[Visit], wanted: dict, carer_id: int | None) -> ScheduleCounts:
    counts = ScheduleCounts()
    for visit in existing:
        untouched = visit.status == VisitStatus.SCHEDULED and visit.version == 1
        if wanted.pop((visit.visit_type_id, visit.slot_start), None) is not None:
            counts.kept += 1
            if untouched and visit.carer_id is None and carer_id is not None:
                visit.carer_id = carer_id
                counts.assigned += 1
        elif untouched:
            session.delete(visit)
            counts.removed += 1
        else:
            counts.kept += 1
    return counts


def generate_person_month(session: Session, *, provider_id: int, person_id: int, month: date, actor: Actor,
                          now: datetime) -> ScheduleCounts:
    """Bring the person's scheduled visits at the provider in ``month`` in line with the plan (idempotent)."""
    _, _, start, end = _month_start(month)
    wanted = wanted_slots(session, provider_id, person_id, month)
    existing = list(session.scalars(select(Visit).where(
        Visit.provider_id == provider_id, Visit.person_id == person_id, Visit.slot_start >= start,
        Visit.slot_start < end).order_by(Visit.id)))
    carer_id = default_carer_id(session, provider_id, person_id)
    counts = _reconcile(session, existing, wanted, carer_id)
    for (_, slot), visit_type in sorted(wanted.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        session.add(Visit(
            provider_id=provider_id, person_id=person_id, carer_id=carer_id, care_type=visit_type.plan.care_type,
            plan_id=visit_type.plan_id, visit_type_id=visit_type.id, status=VisitStatus.SCHEDULED.value,
            scheduled_start=slot, slot_start=slot, service_date=service_date_of(slot),
            planned_minutes=visit_type.planned_minutes, source=RecordSource.SCHEDULE.value,
            created_by=actor.user_id, created_at=now,
            items=[VisitItem(service_item_id=i.service_item_id) for i in visit_type.items]))
        counts.created += 1
    try:
        with session.begin_nested():   # another run added the same slot meanwhile: refuse, keep the session usable
            session.flush()
    except IntegrityError:
        raise Conflict("排班正在由其他用户生成，请稍后刷新查看") from None
    if counts.created or counts.removed or counts.assigned:
        audit.record(session, actor, "generate_schedule", "visit_schedule", f"{provider_id}:{person_id}:{month:%Y-%m}",
                     after=counts.as_dict(), now=now)
    return counts


@dataclass
class MonthOutcome:
    """A provider's month: generated now (``counts``) or queued (``run_id``)."""

    beneficiaries: int
    counts: ScheduleCounts | None = None
    run_id: int | None = None


def schedule_month(session: Session, *, provider_id: int, month: date, actor: Actor, now: datetime,
                   person_id: int | None = None) -> MonthOutcome:
    """Generate the month for one beneficiary, or for every beneficiary of the provider — in the
    request when they are few, otherwise as a queued per-unit run of the scheduler process."""
    month = first_of_month(month)
    people = beneficiaries(session, provider_id, month)
    if person_id is not None:
        if person_id not in people:
            raise NotFound("该参保人本月不是本机构的上门服务对象")
        people = [person_id]
    if len(people) <= IN_REQUEST_MAX:
        total = ScheduleCounts()
        for pid in people:
            total.add(generate_person_month(session, provider_id=provider_id, person_id=pid, month=month,
                                            actor=actor, now=now))
        return MonthOutcome(len(people), counts=total)
    from ltc.scheduler.queue import queue_new_run
    from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job

    run = queue_new_run(session, get_job(SCHEDULE_JOB, ON_DEMAND_JOBS), actor=actor, now=now)
    session.add(ScheduleRequest(run_id=run.id, provider_id=provider_id, month=month, requested_by=actor.user_id,
                                requested_at=now))
    session.flush()
    return MonthOutcome(len(people), run_id=run.id)


def set_default_carer(session: Session, *, provider_id: int, person_id: int, carer_id: int | None, actor: Actor,
                      now: datetime) -> BeneficiaryCarer | None:
    """Choose (or, with None, clear) the carer who gets the beneficiary's generated visits. Raises
    NotFound for a person without a visit-based care plan at the provider or a carer of another."""
    has_plan = session.scalar(select(CarePlan.id).where(
        CarePlan.person_id == person_id, CarePlan.provider_id == provider_id,
        CarePlan.care_type.in_(VISIT_CARE_TYPES)).limit(1))
    if has_plan is None:
        raise NotFound("参保人不存在或无权访问")
    row = session.scalar(select(BeneficiaryCarer).where(BeneficiaryCarer.provider_id == provider_id,
                                                        BeneficiaryCarer.person_id == person_id))
    before = {"carer_id": row.carer_id if row else None}
    if carer_id is None:
        if row is not None:
            session.delete(row)
        row = None
    else:
        carer = carer_of(session, actor, carer_id)
        if carer.provider_id != provider_id:
            raise NotFound("护理人员不存在或无权访问")
        if row is None:
            row = BeneficiaryCarer(provider_id=provider_id, person_id=person_id, carer_id=carer_id)
            session.add(row)
        row.carer_id, row.set_by, row.set_at = carer_id, actor.user_id, now
    session.flush()
    audit.record(session, actor, "set_carer", "beneficiary_carer", f"{provider_id}:{person_id}", before=before,
                 after={"carer_id": carer_id}, now=now)
    return row

