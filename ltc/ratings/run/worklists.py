"""The provider's home-page notice of its rating appeals' outcomes (SPEC §8): each appeal the insurer or
the MIA decided in the last ``RECENT_DAYS`` days, won (the star recomputed: before → after) or lost,
linked to the rating page. Computed on read like the other reminders; the insurer and the MIA find
the open appeals in their review inbox (the ``rating_appeal`` case's steps)."""
from datetime import date, datetime, time, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.permissions import Action, can
from ltc.core.clock import LOCAL_TZ
from ltc.ratings.run.kinds import APPEAL_OUTCOME_LABELS, AppealOutcome, RunKind
from ltc.ratings.run.models import ProviderRating, RatingAppeal, RatingRun
from ltc.web.worklists import WorkList

RECENT_DAYS = 30
LIMIT = 10


def decided_appeals(session: Session, provider_id: int, today: date) -> list[tuple[RatingAppeal, RatingRun]]:
    """The provider's appeals decided since ``RECENT_DAYS`` before ``today``, the latest first."""
    since = datetime.combine(today - timedelta(days=RECENT_DAYS), time(), tzinfo=LOCAL_TZ)
    return list(session.execute(
        select(RatingAppeal, RatingRun).join(ProviderRating, ProviderRating.id == RatingAppeal.rating_id)
        .join(RatingRun, RatingRun.id == ProviderRating.run_id)
        .where(RatingAppeal.provider_id == provider_id, RatingAppeal.outcome != AppealOutcome.OPEN.value,
               RatingAppeal.decided_at >= since)
        .order_by(RatingAppeal.decided_at.desc(), RatingAppeal.id.desc()).limit(LIMIT)).tuples())


def _stars(star: int | None) -> str:
    return "★" * star if star else "—"


def rating_appeal_outcomes(session: Session, user, today: date) -> WorkList | None:
    if user.org_kind != "provider" or not can(user, Action.VIEW_RATINGS):
        return None
    rows = decided_appeals(session, user.org_id, today)
    if not rows:
        return None
    return WorkList(
        title="星级评定申诉结果",
        columns=[("period", "评定期间"), ("outcome", "申诉结果"), ("stars", "星级（申诉前 → 申诉后）"),
                 ("decided_on", "决定日期")],
        rows=[{"period": f"{run.period:%Y-%m}" if run.kind == RunKind.MONTHLY else f"{run.period:%Y}",
               "url": url_for("provider_ratings.rating", rating_id=appeal.rating_id),
               "outcome": _(APPEAL_OUTCOME_LABELS[AppealOutcome(appeal.outcome)]),
               "stars": f"{_stars(appeal.star_before)} → {_stars(appeal.star_after or appeal.star_before)}",
               "decided_on": appeal.decided_at.astimezone(LOCAL_TZ).date()}
              for appeal, run in rows],
        total=len(rows), link=url_for("provider_ratings.ratings"))
