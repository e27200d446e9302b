"""What the pages read of violation points (SPEC §6, §8): per carer, the points of the rolling window
and the suspensions they triggered; a carer's ledger with why each row attached. A provider sees its
own carers, an insurer the carers of providers in its districts, the MIA all (404 otherwise: the
carers' scope rule)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.billing.models import Settlement
from ltc.core.months import add_months
from ltc.orgs.models import Organisation
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.carers.services.scope import carers_in_scope
from ltc.ratings.points.models import PointSuspension, ViolationPoint


def points_in_scope(user: User) -> ColumnElement[bool] | None:
    """The ledger rows ``user`` may read: those of the carers in the user's scope."""
    clause = carers_in_scope(user)
    if clause is None:
        return None
    return ViolationPoint.carer_id.in_(select(Carer.id).where(clause))


def window_start(day: date, months: int) -> date:
    """The first day after ``day − months``: the rolling window is ``(day − months, day]``."""
    return add_months(day, -months)


def carers_with_points(viewer: User, *, day: date, months: int) -> Select:
    """(carer, provider name, points in the window, all points, last attached) of every carer in scope
    with points, the most points first."""
    start = window_start(day, months)
    in_window = func.sum(ViolationPoint.points).filter(ViolationPoint.attached_on > start,
                                                       ViolationPoint.attached_on <= day)
    stmt = (select(Carer, Organisation.name, func.coalesce(in_window, 0).label("window"),
                   func.sum(ViolationPoint.points).label("total"), func.max(ViolationPoint.attached_on))
            .join(ViolationPoint, ViolationPoint.carer_id == Carer.id)
            .join(Organisation, Organisation.id == Carer.provider_id)
            .group_by(Carer.id, Organisation.name)
            .order_by(func.coalesce(in_window, 0).desc(), Carer.name, Carer.id))
    return scoped(stmt, Carer, viewer)


@dataclass(frozen=True)
class LedgerRow:
    point: ViolationPoint
    month: date


def ledger(session: Session, carer: Carer) -> list[LedgerRow]:
    """The carer's ledger rows, the latest first, with their settlement's month."""
    rows = session.execute(select(ViolationPoint, Settlement.month)
                           .join(Settlement, Settlement.id == ViolationPoint.settlement_id)
                           .where(ViolationPoint.carer_id == carer.id)
                           .order_by(ViolationPoint.attached_on.desc(), ViolationPoint.id.desc())).all()
    return [LedgerRow(point, month) for point, month in rows]


def points_between(session: Session, carer_id: int, start: date, end: date) -> int:
    """Points attached in ``(start, end]``."""
    return session.scalar(select(func.coalesce(func.sum(ViolationPoint.points), 0)).where(
        ViolationPoint.carer_id == carer_id, ViolationPoint.attached_on > start,
        ViolationPoint.attached_on <= end)) or 0


def suspensions(session: Session, carer_id: int) -> list[tuple[PointSuspension, CarerSuspensionPeriod | None]]:
    rows = session.execute(select(PointSuspension, CarerSuspensionPeriod)
                           .outerjoin(CarerSuspensionPeriod, CarerSuspensionPeriod.id == PointSuspension.suspension_id)
                           .where(PointSuspension.carer_id == carer_id)
                           .order_by(PointSuspension.triggered_on.desc())).all()
    return [(row, period) for row, period in rows]


def suspensions_to_notice(session: Session, provider_id: int, day: date, limit: int):
    """(carer, points, period) of the provider's points suspensions not over on ``day``, soonest first."""
    return session.execute(
        select(Carer, PointSuspension.points, CarerSuspensionPeriod)
        .join(PointSuspension, PointSuspension.carer_id == Carer.id)
        .join(CarerSuspensionPeriod, CarerSuspensionPeriod.id == PointSuspension.suspension_id)
        .where(PointSuspension.provider_id == provider_id, CarerSuspensionPeriod.valid_to > day)
        .order_by(CarerSuspensionPeriod.valid_from, Carer.name).limit(limit)).all()
