"""The ``recompute_ratings`` job (SPEC §8, §9; REF day 2, 02:00), per unit. Listing the units prepares
the run set-based (``prepare``: carer stars of M, quarterly cost-performance, every provider's raw
components and the scheme means) in the listing's transaction; each unit (``monthly:<provider>`` or
``annual:<provider>``) then finishes one provider in its own transaction and writes its star. The
annual run of Y joins the first run after every December-Y settlement is paid. Idempotent: a rerun
updates the same rows and writes a star only when it changed."""
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.policy.services import policy_on
from ltc.ratings.run.kinds import RunKind
from ltc.ratings.run.models import RatingRun
from ltc.ratings.run.prepare import prepare
from ltc.ratings.run.rating import finish
from ltc.ratings.run.windows import Window, rated_month
from ltc.ratings.scoring.policy import RatingsPolicy


def _policy(session: Session, day: date) -> RatingsPolicy:
    return policy_on(session, day).section(RatingsPolicy)


def annual_due(session: Session, year: int) -> bool:
    """Every December-``year`` settlement exists paid, and the annual run of ``year`` is not stored."""
    december = date(year, 12, 1)
    total, paid = session.execute(select(func.count(), func.count().filter(
        Settlement.status == SettlementStatus.PAID.value)).where(Settlement.month == december)).one()
    done = session.scalar(select(RatingRun.id).where(RatingRun.kind == RunKind.ANNUAL.value,
                                                     RatingRun.period == date(year, 1, 1)))
    return bool(total) and total == paid and done is None


def windows_due(session: Session, due: date) -> list[Window]:
    month = rated_month(due)
    windows = [Window.monthly(month)]
    if annual_due(session, month.year - 1):
        windows.append(Window.annual(month.year - 1))
    return windows


def providers_to_rate(session: Session, *, due_at: datetime) -> list[str]:
    policy, keys = _policy(session, due_at.date()), []
    for window in windows_due(session, due_at.date()):
        _run, providers = prepare(session, window, policy, now=due_at)
        keys += [f"{window.kind.value}:{provider}" for provider in providers]
    return keys


def rate_unit(session: Session, unit: str, *, now: datetime, due_at: datetime) -> dict[str, int]:
    kind, provider = unit.split(":")
    month = rated_month(due_at.date())
    period = month if kind == RunKind.MONTHLY else date(month.year - 1, 1, 1)
    run = session.scalars(select(RatingRun).where(RatingRun.kind == kind, RatingRun.period == period)).one()
    rating = finish(session, run, int(provider), _policy(session, due_at.date()), now=now)
    return {"rated": int(rating.star is not None), kind: 1}
