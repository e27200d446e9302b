"""Appeals of a provider rating (SPEC §8): within 10 working days of the run (the working-day
calendar) the provider files a ``rating_appeal`` review case (provider → insurer → MIA). A won appeal
recomputes the provider's rating from the data as it stands now (the scheme means of the run kept),
writes the star again if it changed, and records why on the rating; a lost one only records the
outcome. Functions flush, never commit."""
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, Forbidden, ValidationFailed
from ltc.policy.services import policy_on
from ltc.ratings.run.carers import compute_carer_stars
from ltc.ratings.run import stale
from ltc.ratings.run.case_type import APPEAL_CASE
from ltc.ratings.run.cost import compute_quarter
from ltc.ratings.run.kinds import AppealOutcome, RunKind
from ltc.ratings.run.models import ProviderRating, RatingAppeal, RatingRun
from ltc.ratings.run.prepare import observations, store
from ltc.ratings.run.rating import as_of, finish
from ltc.ratings.run.windows import Window
from ltc.ratings.scoring.policy import RatingsPolicy
from ltc.reviews import engine
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase

APPEAL_DAYS = 10
REASON_MAX = 1000
ENTITY = "rating_appeal"
WON_REASON = "申诉成立，%(day)s 重新计算（申诉理由：%(reason)s）"


def appeal_deadline(session: Session, run: RatingRun) -> date:
    return add_working_days(session, local_today(run.computed_at), APPEAL_DAYS)


def open_appeal(session: Session, rating: ProviderRating) -> RatingAppeal | None:
    return session.scalars(select(RatingAppeal).where(RatingAppeal.rating_id == rating.id,
                                                      RatingAppeal.outcome == AppealOutcome.OPEN.value)).first()


def _check(session: Session, rating: ProviderRating, reason: str, actor: Actor, today: date) -> str:
    if actor.org_id != rating.provider_id:
        raise Forbidden("只有被评定的护理机构可以申诉", {"rating": "not yours"})
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise ValidationFailed("请填写申诉理由（不超过 %(n)s 个字符）", {"reason": "required"},
                               params={"n": REASON_MAX})
    if today > appeal_deadline(session, session.get(RatingRun, rating.run_id)):
        raise ValidationFailed("已超过申诉期限（评定后 %(n)s 个工作日）", {"rating": "too late"},
                               params={"n": APPEAL_DAYS})
    if open_appeal(session, rating) is not None:
        raise Conflict("该星级评定已有审核中的申诉", {"rating": "open appeal"})
    return reason


def file_appeal(session: Session, rating: ProviderRating, *, reason: str, actor: Actor,
                now: datetime) -> RatingAppeal:
    """File the provider's appeal and pass it to the insurer. Raises Forbidden (another organisation),
    ValidationFailed (no reason, past the deadline) or Conflict (an appeal is open)."""
    reason = _check(session, rating, reason, actor, local_today(now))
    appeal = RatingAppeal(rating_id=rating.id, provider_id=rating.provider_id, reason=reason,
                          filed_on=local_today(now), filed_by=actor.user_id, star_before=rating.star)
    session.add(appeal)
    session.flush()
    case = engine.open_case(session, case_type=APPEAL_CASE, subject_id=appeal.id, actor=actor, now=now)
    appeal.case_id = case.id
    engine.decide(session, case, DecisionInput("approve", reason_text=reason), actor=actor, now=now)
    audit.record(session, actor, "appeal_rating", ENTITY, appeal.id, now=now,
                 after={"rating_id": rating.id, "reason": reason})
    return appeal


def recompute(session: Session, rating: ProviderRating, *, reason: str, now: datetime) -> ProviderRating:
    """Recompute one provider's rating of its run from the data as it stands (the run's scheme means
    kept), recording ``reason``; when the data no longer rates the provider the rating is superseded
    (``stale.retire``: no score, no star)."""
    run = session.get(RatingRun, rating.run_id)
    window = Window.monthly(run.period) if run.kind == RunKind.MONTHLY else Window.annual(run.period.year)
    policy = policy_on(session, as_of(run)).section(RatingsPolicy)
    if window.kind == RunKind.MONTHLY:
        compute_carer_stars(session, window.period, policy, now=now)
    for quarter in window.quarters():
        compute_quarter(session, quarter, policy, now=now)
    found = observations(session, window, policy).get(rating.provider_id)
    if found is None:          # the data no longer rates the provider: the rating is superseded, not scored
        stale.retire(session, rating, appealed=True, now=now)
        session.flush()
        return rating
    store(session, run, rating.provider_id, found, policy.provider_weights, now)
    return finish(session, run, rating.provider_id, policy, now=now, reason=reason)


def appeal_won(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    appeal = session.get(RatingAppeal, case.subject_id)
    rating = session.get(ProviderRating, appeal.rating_id)
    why = WON_REASON % {"day": local_today(now).isoformat(), "reason": appeal.reason}
    recompute(session, rating, reason=why[:REASON_MAX], now=now)
    appeal.outcome, appeal.decided_at, appeal.star_after = AppealOutcome.WON.value, now, rating.star
    audit.record(session, actor, "rating_appeal_won", ENTITY, appeal.id, now=now,
                 before={"star": appeal.star_before}, after={"star": rating.star, "reason": why})


def appeal_ended(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    appeal = session.get(RatingAppeal, case.subject_id)
    appeal.outcome, appeal.decided_at = AppealOutcome.LOST.value, now
    audit.record(session, actor, "rating_appeal_lost", ENTITY, appeal.id, now=now)
    session.flush()
