"""Set-based readers of the carer register for other domains (SPEC §0.2): "what was true on day
D" for many carers, one statement each, so the compliance rules (P02), billing and the entitlement
review's capacity check never query per carer."""
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ltc.core.periods import covering_filter, periods_overlapping
from ltc.providers.carers.models import Carer, CarerQualificationPeriod, CarerSuspensionPeriod

CHUNK = 5_000


def employed_filter(day: date):
    return and_(Carer.employed_from <= day, or_(Carer.left_on.is_(None), Carer.left_on > day))


def carers_on(session: Session, provider_ids: Iterable[int], day: date) -> dict[int, list[Carer]]:
    """The carers on the staff of each provider on ``day`` (employed, whatever their
    qualifications or suspensions), by name; every requested provider is a key."""
    ids = sorted(set(provider_ids))
    found: dict[int, list[Carer]] = {provider_id: [] for provider_id in ids}
    for start in range(0, len(ids), CHUNK):
        stmt = (select(Carer).where(Carer.provider_id.in_(ids[start:start + CHUNK]), employed_filter(day))
                .order_by(Carer.provider_id, Carer.name, Carer.id))
        for carer in session.scalars(stmt):
            found[carer.provider_id].append(carer)
    return found


def _by_carer(session: Session, stmt_for, carer_ids: Iterable[int]) -> list:
    ids = sorted(set(carer_ids))
    rows: list = []
    for start in range(0, len(ids), CHUNK):
        rows += session.execute(stmt_for(ids[start:start + CHUNK])).all()
    return rows


def qualified_on(session: Session, carer_ids: Iterable[int], day: date) -> dict[int, frozenset[str]]:
    """The staff types each carer holds a qualification for on ``day`` (empty set: none)."""
    def stmt(ids):
        return select(CarerQualificationPeriod.carer_id, CarerQualificationPeriod.staff_type).where(
            CarerQualificationPeriod.carer_id.in_(ids), covering_filter(CarerQualificationPeriod, day))
    found: dict[int, set[str]] = {carer_id: set() for carer_id in set(carer_ids)}
    for carer_id, staff_type in _by_carer(session, stmt, carer_ids):
        found[carer_id].add(staff_type)
    return {carer_id: frozenset(types) for carer_id, types in found.items()}


def suspended_on(session: Session, carer_ids: Iterable[int], day: date) -> set[int]:
    """Which of ``carer_ids`` are suspended on ``day``."""
    def stmt(ids):
        return select(CarerSuspensionPeriod.carer_id).where(
            CarerSuspensionPeriod.carer_id.in_(ids), covering_filter(CarerSuspensionPeriod, day))
    return {carer_id for (carer_id,) in _by_carer(session, stmt, carer_ids)}


def qualification_periods(session: Session, carer_ids: Iterable[int], start: date,
                          end: date | None) -> dict[int, list[CarerQualificationPeriod]]:
    """Every qualification overlapping ``[start, end)`` per carer (a month's P02 in one read)."""
    return periods_overlapping(session, CarerQualificationPeriod, carer_ids, start, end)


def suspension_periods(session: Session, carer_ids: Iterable[int], start: date,
                       end: date | None) -> dict[int, list[CarerSuspensionPeriod]]:
    return periods_overlapping(session, CarerSuspensionPeriod, carer_ids, start, end)


def carer_of_user(session: Session, user) -> Carer | None:
    """The register entry of a carer's login, or None (not a carer, or not linked)."""
    if user is None or getattr(user, "id", None) is None:
        return None
    return session.scalars(select(Carer).where(Carer.user_id == user.id)).first()


def able_carers_count(session: Session, provider_id: int, staff_types: Collection[str], day: date) -> int:
    """How many carers of ``provider_id`` can deliver care on ``day`` as one of ``staff_types``:
    employed, of such a staff type, holding a qualification for it on the day, not suspended."""
    if not staff_types:
        return 0
    qualified = exists(select(CarerQualificationPeriod.id).where(
        CarerQualificationPeriod.carer_id == Carer.id, CarerQualificationPeriod.staff_type == Carer.staff_type,
        covering_filter(CarerQualificationPeriod, day)))
    suspended = exists(select(CarerSuspensionPeriod.id).where(
        CarerSuspensionPeriod.carer_id == Carer.id, covering_filter(CarerSuspensionPeriod, day)))
    return session.scalar(select(func.count()).select_from(Carer).where(
        Carer.provider_id == provider_id, Carer.staff_type.in_(sorted(staff_types)), employed_filter(day),
        qualified, ~suspended)) or 0
