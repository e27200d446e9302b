"""Provider stars (SPEC §8): set by an MIA admin (until the ratings run computes them), read as of a day.

``monthly_star_on(session, provider_id, day)`` is what the settlement audit's sample rate reads (the
monthly star in force on the 1st of M+1), ``annual_star(session, provider_id, year)`` what the
year-end deposit clearing reads. Setting a star again for the same month or year corrects it; a
computed star is never overwritten by hand. Every change writes a ``ProviderStarEvent`` and an
audit row. Functions flush, never commit.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.stars.kinds import STARS, StarKind, StarSource
from ltc.billing.stars.models import REASON_MAX, ProviderAnnualStar, ProviderMonthlyStar, ProviderStarEvent
from ltc.billing.stars.events import StarSet
from ltc.core import audit, events
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.months import first_of_month, first_of_next_month
from ltc.core.periods import covering_filter, period_on
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation

ENTITY = "provider_star"


@dataclass(frozen=True)
class StarChange:
    kind: str
    provider_id: int
    period: date
    stars: int
    reason: str
    source: str = StarSource.ENTERED.value


def _check(session: Session, change: StarChange, today: date) -> str:
    provider = session.get(Organisation, change.provider_id)
    if provider is None or provider.kind != OrgKind.PROVIDER:
        raise ValidationFailed("只能为定点护理服务机构评定星级", {"provider_id": "not a provider"})
    if change.stars not in STARS:
        raise ValidationFailed("星级须为 1 至 5 星", {"stars": "out of range"})
    reason = (change.reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写录入原因", {"reason": "required"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed("原因不能超过 %(n)s 个字符", {"reason": "too long"}, params={"n": REASON_MAX})
    if change.kind == StarKind.MONTHLY and change.period >= first_of_month(today):
        raise ValidationFailed("只能评定已结束的月份", {"period": "month not over"})
    if change.kind == StarKind.ANNUAL and change.period.year >= today.year:
        raise ValidationFailed("只能评定已结束的年度", {"period": "year not over"})
    return reason


def _row(session: Session, change: StarChange):
    if change.kind == StarKind.MONTHLY:
        stmt = select(ProviderMonthlyStar).where(ProviderMonthlyStar.org_id == change.provider_id,
                                                 ProviderMonthlyStar.month == change.period)
    else:
        stmt = select(ProviderAnnualStar).where(ProviderAnnualStar.org_id == change.provider_id,
                                                ProviderAnnualStar.year == change.period.year)
    return session.scalars(stmt).first()


def _new_monthly(session: Session, change: StarChange) -> ProviderMonthlyStar:
    """A new month's period: from the 1st of M+1 to the next later star's start (open when none);
    an earlier open star ends where this one starts."""
    start = first_of_next_month(change.period)
    later = session.scalar(select(ProviderMonthlyStar.valid_from).where(
        ProviderMonthlyStar.org_id == change.provider_id, ProviderMonthlyStar.valid_from > start)
        .order_by(ProviderMonthlyStar.valid_from).limit(1))
    earlier = session.scalars(select(ProviderMonthlyStar).where(
        ProviderMonthlyStar.org_id == change.provider_id, ProviderMonthlyStar.valid_from < start)
        .order_by(ProviderMonthlyStar.valid_from.desc()).limit(1)).first()
    if earlier is not None and (earlier.valid_to is None or earlier.valid_to > start):
        earlier.valid_to = start
    row = ProviderMonthlyStar(org_id=change.provider_id, month=change.period, valid_from=start, valid_to=later)
    session.add(row)
    return row


def _new_annual(change: StarChange) -> ProviderAnnualStar:
    year = change.period.year
    return ProviderAnnualStar(org_id=change.provider_id, year=year, valid_from=date(year, 1, 1),
                              valid_to=date(year + 1, 1, 1))


def set_star(session: Session, change: StarChange, *, actor: Actor, now: datetime, today: date):
    """Set (or correct) the monthly star of a month or the annual star of a year.

    Publishes ``StarSet``. Raises ValidationFailed (not a provider, stars outside 1–5, no reason, a month or
    year not over) or Conflict (a computed star may not be overwritten by hand; the same value again from the
    same source — a computed star equal to the entered one still supersedes it, SPEC §1 "until computed")."""
    reason = _check(session, change, today)
    row = _row(session, change)
    before = None if row is None else row.stars
    if row is not None and row.source == StarSource.COMPUTED and change.source == StarSource.ENTERED:
        raise Conflict("该星级已由系统评定，不能人工修改", {"stars": "computed"})
    if before == change.stars and row.source == change.source:   # a computed star of the same value supersedes
        raise ValidationFailed("星级未变化", {"stars": "unchanged"})
    if row is None:
        row = _new_monthly(session, change) if change.kind == StarKind.MONTHLY else _new_annual(change)
        session.add(row)
    row.stars, row.source, row.reason, row.set_by, row.set_at = (change.stars, change.source, reason,
                                                                  actor.user_id, now)
    session.add(ProviderStarEvent(org_id=change.provider_id, kind=change.kind, period=change.period, before=before,
                                  stars=change.stars, source=change.source, reason=reason, actor_id=actor.user_id,
                                  at=now))
    session.flush()
    audit.record(session, actor, "set_star", ENTITY, change.provider_id, now=now,
                 before={"kind": change.kind, "period": change.period, "stars": before},
                 after={"kind": change.kind, "period": change.period, "stars": change.stars, "reason": reason})
    events.publish(session, StarSet(change.provider_id, change.kind, change.period, change.stars, before,
                                    change.source, now))
    return row


# --- reads ---------------------------------------------------------------------------------

def monthly_star_on(session: Session, provider_id: int, day: date) -> int | None:
    """The monthly star in force on ``day`` (the star of the month before ``day``'s month, or the
    latest earlier one); None when the provider has no star yet."""
    row = period_on(session, ProviderMonthlyStar, day, org_id=provider_id)
    return None if row is None else row.stars


def annual_star(session: Session, provider_id: int, year: int) -> int | None:
    """The annual star of ``year``; None when it is not set yet."""
    row = period_on(session, ProviderAnnualStar, date(year, 1, 1), org_id=provider_id)
    return None if row is None else row.stars


@dataclass(frozen=True)
class StarRow:
    provider: Organisation
    monthly: ProviderMonthlyStar | None
    annual: ProviderAnnualStar | None


def stars_overview(session: Session, provider_ids: list[int] | None, *, today: date) -> list[StarRow]:
    """Each provider (all when ``provider_ids`` is None) with its monthly star in force today and its
    latest annual star."""
    stmt = select(Organisation).where(Organisation.kind == OrgKind.PROVIDER).order_by(Organisation.name)
    if provider_ids is not None:
        stmt = stmt.where(Organisation.id.in_(provider_ids))
    providers = list(session.scalars(stmt))
    ids = [p.id for p in providers]
    monthly = {r.org_id: r for r in session.scalars(select(ProviderMonthlyStar).where(
        ProviderMonthlyStar.org_id.in_(ids), covering_filter(ProviderMonthlyStar, today)))}
    annual: dict[int, ProviderAnnualStar] = {}
    for row in session.scalars(select(ProviderAnnualStar).where(ProviderAnnualStar.org_id.in_(ids))
                               .order_by(ProviderAnnualStar.year)):
        annual[row.org_id] = row
    return [StarRow(p, monthly.get(p.id), annual.get(p.id)) for p in providers]


def star_history(session: Session, provider_id: int) -> list[ProviderStarEvent]:
    """Every star set or corrected for the provider, newest first."""
    return list(session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.org_id == provider_id)
                                .order_by(ProviderStarEvent.at.desc(), ProviderStarEvent.id.desc())))
