"""What a provider star written sets off (SPEC §8 effects), subscribed to billing's ``StarSet``.

* A **monthly** star of ★2 or below issues a rectification notice (整改通知) the first time it falls
  there: once, until a monthly star above ★2 (a later month's) shows the provider recovered.
* An **annual** ★1, or ★2 in two consecutive annual ratings, puts an agreement-review proposal in the
  MIA's inbox (one per provider and year).
"""
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ltc.billing.stars.events import StarSet
from ltc.billing.stars.kinds import StarKind
from ltc.billing.stars.models import ProviderMonthlyStar
from ltc.billing.stars.services import annual_star
from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.orgs.contracts import insurer_of_district
from ltc.providers.services import district_on
from ltc.ratings.effects.kinds import (RECTIFY_AT_OR_BELOW, EffectAction, NoticeStatus, ProposalCause,
                                       ProposalStatus)
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
from ltc.ratings.effects.services.trail import write_event


def on_star_set(session: Session, event: StarSet) -> None:
    if event.kind == StarKind.MONTHLY:
        if event.stars <= RECTIFY_AT_OR_BELOW and _first_fall(session, event.provider_id, event.period):
            issue_notice(session, event)
    elif event.kind == StarKind.ANNUAL:
        _propose_for(session, event)


def _first_fall(session: Session, provider_id: int, month: date) -> bool:
    """No notice since the provider last stood above ★2: the latest notice for a month up to ``month``
    is followed by a monthly star above ★2 of a month between it and ``month`` (or there is none)."""
    last = session.scalar(select(func.max(RectificationNotice.month)).where(
        RectificationNotice.provider_id == provider_id, RectificationNotice.month <= month))
    if last is None:
        return True
    if last == month:
        return False
    return bool(session.scalar(select(exists().where(
        ProviderMonthlyStar.org_id == provider_id, ProviderMonthlyStar.month > last,
        ProviderMonthlyStar.month < month, ProviderMonthlyStar.stars > RECTIFY_AT_OR_BELOW))))


def issue_notice(session: Session, event: StarSet) -> RectificationNotice:
    """The notice for the monthly star of ``event.period``, to be checked by the insurer whose contract
    covers the provider's district on the issue day."""
    today = local_today(event.now)
    district = district_on(session, event.provider_id, today)
    notice = RectificationNotice(
        number=f"ZG{event.period:%Y%m}-{event.provider_id:06d}", provider_id=event.provider_id,
        insurer_id=insurer_of_district(session, district, today), district=district, month=event.period,
        stars=event.stars, issued_on=today, status=NoticeStatus.AWAITING_RESPONSE.value)
    session.add(notice)
    session.flush()
    write_event(session, notice, EffectAction.ISSUED, actor=SYSTEM, now=event.now,
                after={"month": event.period, "stars": event.stars})
    return notice


def _propose_for(session: Session, event: StarSet) -> None:
    year = event.period.year
    if event.stars == 1:
        _propose(session, event, year, 1, ProposalCause.ANNUAL_ONE_STAR)
    elif event.stars == 2:
        if annual_star(session, event.provider_id, year - 1) == 2:
            _propose(session, event, year, 2, ProposalCause.TWO_YEARS_TWO_STARS)
        if annual_star(session, event.provider_id, year + 1) == 2:   # the later year was rated first
            _propose(session, event, year + 1, 2, ProposalCause.TWO_YEARS_TWO_STARS)


def _propose(session: Session, event: StarSet, year: int, stars: int, cause: ProposalCause) -> None:
    known = session.scalar(select(AgreementReviewProposal.id).where(
        AgreementReviewProposal.provider_id == event.provider_id, AgreementReviewProposal.year == year))
    if known is not None:
        return
    proposal = AgreementReviewProposal(provider_id=event.provider_id, year=year, stars=stars, cause=cause.value,
                                       status=ProposalStatus.PENDING.value, proposed_at=event.now)
    session.add(proposal)
    session.flush()
    write_event(session, proposal, EffectAction.PROPOSED, actor=SYSTEM, now=event.now,
                after={"year": year, "stars": stars})
