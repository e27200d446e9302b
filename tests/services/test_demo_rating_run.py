"""The demo's ratings results (issue 12): after ``demo load`` the real ``violation_points`` and
``recompute_ratings`` jobs have run over the demo data (the carers' stars and every rated provider's
components and computed monthly star of last month, superseding the MIA's entered star of that month
while the entered history before it stays, SPEC §1 "until computed"); the home-care provider's computed
★2 and the demo provider without settlements, set to a monthly ★2 and an annual ★1 by the MIA, each have
a rectification notice, the latter an agreement-review proposal; the demo logins see them on their pages,
and billing reads the computed stars."""
import re

from sqlalchemy import func, select

from ltc.billing.stars.models import ProviderAnnualStar, ProviderMonthlyStar, ProviderStarEvent
from ltc.billing.stars.services import monthly_star_on
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months, first_of_month
from ltc.demo.loader import load_demo
from ltc.demo.rating_run import LOW_PROVIDER, load_rating_run
from ltc.orgs.models import Organisation
from ltc.ratings.effects.models import AgreementReviewProposal, RectificationNotice
from ltc.ratings.points.models import PointSettlementMark
from ltc.ratings.run.models import CarerStar, ProviderRating, RatingComponent, RatingRun
from tests.services.test_demo_ratings import PASSWORD, _page


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_after_demo_load_the_rating_pages_have_content(app, session, monkeypatch):
    now = utcnow()
    load_demo(session, password=PASSWORD, now=now)
    session.commit()
    last = add_months(first_of_month(local_today(now)), -1)
    (run,) = session.scalars(select(RatingRun)).all()
    assert (run.kind, run.period) == ("monthly", last)
    ratings = session.scalars(select(ProviderRating)).all()
    assert len(ratings) == 3                                     # the three providers with settlements
    assert _count(session, RatingComponent) == 4 * len(ratings)  # staffing or carers, satisfaction, cost, integrity
    assert _count(session, CarerStar) > 0
    _check_stars(session, ratings, last)
    assert session.scalar(select(func.count()).select_from(PointSettlementMark)) >= 1   # the paid settlement is done
    low = session.scalar(select(Organisation.id).where(Organisation.name == LOW_PROVIDER))
    notices = {n.provider_id: n for n in session.scalars(select(RectificationNotice))}
    home = session.scalar(select(Organisation.id).where(Organisation.name == "安康居家护理服务中心"))
    assert set(notices) == {low, home}
    notice = notices[low]
    assert (notice.provider_id, notice.month, notice.stars, notice.status) == (low, last, 2, "awaiting_response")
    assert (notices[home].month, notices[home].stars) == (last, next(r.star for r in ratings if r.provider_id == home))
    (proposal,) = session.scalars(select(AgreementReviewProposal)).all()
    year = local_today(now).year - 1
    assert (proposal.provider_id, proposal.year, proposal.stars, proposal.status) == (low, year, 1, "pending")
    assert session.scalar(select(ProviderAnnualStar.stars).where(ProviderAnnualStar.org_id == low)) == 1
    assert load_rating_run(session, now=now) == {}                              # loading again adds nothing

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    _check_pages(app, session, ratings, notice, proposal)


def _check_stars(session, ratings, last):
    """Every rated provider's star of last month is the computed one, in force from this month; the MIA's
    entered stars before it (the month before last, last year's annual stars) stay as entered."""
    assert all(r.star is not None for r in ratings)
    assert {r.star for r in ratings} == {2, 3}                                   # a home-care ★2, bed-based ★3
    monthly = session.scalars(select(ProviderMonthlyStar)).all()
    rated = {r.provider_id: r.star for r in ratings}
    computed = {m.org_id: m.stars for m in monthly if m.source == "computed"}
    assert computed == rated and all(m.month == last for m in monthly if m.source == "computed")
    assert all(m.source == "entered" for m in monthly if m.month < last)
    assert any(m.month < last and m.org_id in rated for m in monthly)
    assert all(s.source == "entered" for s in session.scalars(select(ProviderAnnualStar)))
    events = session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.source == "computed")).all()
    assert {e.org_id for e in events} == set(rated) and all(e.before is not None for e in events)
    day = add_months(last, 1)
    assert all(monthly_star_on(session, provider, day) == star for provider, star in rated.items())


def _check_pages(app, session, ratings, notice, proposal):
    """The ratings list by scope, a rating's components, the directory, the notice and the proposal."""
    for username, rows in (("mia", 3), ("insurer", 3), ("provider", 1)):
        assert _rows(_page(app, username, "/ratings/stars/"), "rating-row") == rows
        _page(app, username, "/ratings/points/")
    rating = next(r for r in ratings if r.provider_id == session.scalar(
        select(Organisation.id).where(Organisation.name == "安康居家护理服务中心")))
    assert _rows(_page(app, "provider", f"/ratings/stars/{rating.id}"), "component") == 4
    directory = _page(app, "mia", "/directory/")
    assert _rows(directory, "directory-row") == 4
    stars = dict(re.findall(r'>([^<>]+)</a></td>.*?data-testid="monthly-star">([^<]*)</td>', directory, re.S))
    names = dict(session.execute(select(Organisation.id, Organisation.name)).all())
    assert {names[r.provider_id]: "★" * r.star for r in ratings}.items() <= stars.items()   # the computed stars
    for username in ("mia", "insurer"):
        assert _rows(_page(app, username, "/ratings/effects/notices"), "notice-row") == 2
    assert _rows(_page(app, "provider", "/ratings/effects/notices"), "notice-row") == 1
    assert _rows(_page(app, "mia", "/ratings/effects/proposals"), "proposal-row") == 1
    _page(app, "mia", f"/ratings/effects/proposals/{proposal.id}")
    _page(app, "insurer", f"/ratings/effects/notices/{notice.id}")


def _rows(page: str, testid: str) -> int:
    return len(re.findall(f'data-testid="{testid}"', page))
