"""Demo ratings results (SPEC §8, §9), made by the real jobs and services after the demo follow-ups.

* The daily ``violation_points`` job runs as of the load date over the approved and paid settlements:
  points attach where a refusal's appeal window is over.
* The ``recompute_ratings`` job due on day 2 of this month rates last month: every provider's components,
  the carers' stars and the provider's computed monthly star of last month. Stars entered by hand count
  until computed (SPEC §1): the computed star supersedes the MIA's entered star of last month (billing's
  demo entered it before the run existed; the change is a star event naming both), and the entered
  history before it (the month before last, last year's annual stars) stays as entered.
* The MIA enters last month's ★2 and last year's annual ★1 of the demo provider without settlements:
  billing's star service publishes them, and the ratings' effects issue a rectification notice and put
  an agreement-review proposal in the MIA's inbox.
"""
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.stars.kinds import StarKind
from ltc.billing.stars.services import StarChange, set_star
from ltc.demo.rating_inputs import load_rating_inputs
from ltc.demo.records import Scene, demo_scene
from ltc.orgs.models import Organisation
from ltc.ratings.points import jobs as points_job
from ltc.ratings.run import jobs as ratings_job
from ltc.ratings.run.models import RatingRun

#: the demo provider without settlements: its monthly star of last month and annual star of last year
LOW_PROVIDER = "康乐居家照护站"
LOW_MONTHLY, LOW_ANNUAL = 2, 1
LOW_REASON = "依据月度服务质量考核结果录入：回访满意度低、投诉多"
LOW_ANNUAL_REASON = "依据年度考核评定结果录入：年度考核不合格"


def load_rating_run(session: Session, *, now) -> dict[str, int]:
    """Run the points and ratings jobs and set the low stars, unless a ratings run exists (idempotent).
    Returns the units each job ran."""
    if session.scalar(select(RatingRun.id).limit(1)) is not None:
        return {}
    s = demo_scene(session, now=now)
    if s is None:
        return {}
    load_rating_inputs(s)
    done = {"points": _points(s), "ratings": _ratings(s)}
    _low_stars(s)
    session.flush()
    return done


def _points(s: Scene) -> int:
    """The daily points job of the load date (00:45)."""
    due_at = s.at(s.month.today, 0, 45)
    units = points_job.settlements_to_check(s.session, due_at=due_at)
    for unit in units:
        points_job.attach_unit(s.session, unit, now=s.now, due_at=due_at)
    return len(units)


def _ratings(s: Scene) -> int:
    """The ratings job due on day 2 of this month (02:00): every unit listed is prepared and finished."""
    due_at = s.at(s.month.this + timedelta(days=1), 2)
    units = ratings_job.providers_to_rate(s.session, due_at=due_at)
    for unit in units:
        ratings_job.rate_unit(s.session, unit, now=s.now, due_at=due_at)
    return len(units)


def _low_stars(s: Scene) -> None:
    provider = s.session.scalar(select(Organisation.id).where(Organisation.name == LOW_PROVIDER))
    if provider is None:
        return
    today = s.month.today
    for change in (StarChange(StarKind.MONTHLY.value, provider, s.month.last, LOW_MONTHLY, LOW_REASON),
                   StarChange(StarKind.ANNUAL.value, provider, date(today.year - 1, 1, 1), LOW_ANNUAL,
                              LOW_ANNUAL_REASON)):
        set_star(s.session, change, actor=s.actor("mia"), now=s.now, today=today)
