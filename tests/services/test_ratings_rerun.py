"""A rerun of the ratings and the stars entered by hand (SPEC §1, §8): a computed monthly star supersedes
the one the MIA entered for that month — even of the same value — while the entered stars before it stay;
a rerun after the inputs changed leaves no rating rows of carers or providers no longer rated."""
from datetime import date

from sqlalchemy import select

from ltc.billing.stars.models import ProviderMonthlyStar, ProviderStarEvent
from ltc.billing.stars.services import monthly_star_on
from tests.effects_builders import monthly
from tests.services.test_ratings_run import JULY, _rating, _run, city

JUNE = date(2026, 6, 1)


def test_a_computed_star_supersedes_the_entered_one_of_its_month_and_keeps_the_history_before(session, world):
    city(session, world)
    today = date(2026, 8, 1)
    monthly(session, world.provider, JUNE, 5, today=today)
    monthly(session, world.provider, JULY, 3, today=today)        # the same value the run computes (★3)
    monthly(session, world.provider2, JULY, 5, today=today)
    _run(session)
    assert (_rating(session, world.provider).star, _rating(session, world.provider2).star) == (3, 3)
    rows = {(r.org_id, r.month): r for r in session.scalars(select(ProviderMonthlyStar))}
    assert {key: (r.stars, r.source) for key, r in rows.items()} == {
        (world.provider.id, JUNE): (5, "entered"), (world.provider.id, JULY): (3, "computed"),
        (world.provider2.id, JULY): (3, "computed")}
    assert monthly_star_on(session, world.provider.id, date(2026, 7, 15)) == 5
    assert monthly_star_on(session, world.provider2.id, date(2026, 8, 1)) == 3
    superseded = session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.source == "computed")
                                 .order_by(ProviderStarEvent.org_id)).all()
    assert [(e.org_id, e.before, e.stars) for e in superseded] == [(world.provider.id, 3, 3),
                                                                  (world.provider2.id, 5, 3)]
    _run(session)                                                  # a rerun writes no star event again
    assert session.scalars(select(ProviderStarEvent).where(ProviderStarEvent.source == "computed")).all() == superseded
