"""A rating appeal notifies (issue 12, SPEC §8): once the provider files it, the insurer's reviewers find it
on their home page (the review inbox of the ``rating_appeal`` case), then the MIA's; once decided, the
provider's home page shows the outcome (won: the star before and after) linked to the rating page, for
``RECENT_DAYS``; another provider sees nothing of it."""
from datetime import timedelta

from sqlalchemy import select

from ltc.core.clock import utcnow
from ltc.ratings.run.models import RatingAppeal
from ltc.ratings.run.worklists import RECENT_DAYS, decided_appeals
from tests.conftest import login
from tests.services.test_ratings_run import _decide
from tests.web.test_provider_ratings_pages import _rated

TITLE = "星级评定申诉"


def _home(client, username: str) -> str:
    client.post("/logout")
    login(client, username)
    return client.get("/").data.decode()


def _filed(client, session, world):
    rating = _rated(session, world)
    login(client, "pr_op")
    assert client.post(f"/ratings/stars/{rating.id}/appeal", data={"reason": "回访记录遗漏"}).status_code == 302
    return rating, session.scalars(select(RatingAppeal)).one()


def test_the_insurer_then_the_mia_find_the_appeal_and_the_provider_sees_it_won(client, session, world):
    rating, appeal = _filed(client, session, world)
    assert "星级评定申诉结果" not in _home(client, "pr_op")                  # nothing decided yet
    page = _home(client, "ins_rev")
    assert TITLE in page and f"/reviews/{appeal.case_id}" in page
    assert TITLE not in _home(client, "mia_rev")                            # not the MIA's step yet
    _decide(session, world, appeal, "ins_rev", "approve", utcnow())
    assert TITLE in _home(client, "mia_rev")
    _decide(session, world, appeal, "mia_rev", "approve", utcnow())
    assert appeal.outcome == "won"
    page = _home(client, "pr_op")
    assert "星级评定申诉结果" in page and "申诉成立" in page and f"/ratings/stars/{rating.id}" in page
    assert f"{'★' * appeal.star_before} → {'★' * appeal.star_after}" in page
    assert "星级评定申诉结果" not in _home(client, "pr2_op")
    client.post("/logout")
    login(client, "pr_op")
    client.post("/lang/en")
    page = client.get("/").data.decode()
    assert "Rating appeal outcomes" in page and "Appeal upheld" in page and "Decided on" in page


def test_a_lost_appeal_shows_its_outcome_until_it_is_old(client, session, world):
    _rating, appeal = _filed(client, session, world)
    _decide(session, world, appeal, "ins_rev", "reject", utcnow())
    assert appeal.outcome == "lost"
    assert "申诉不成立" in _home(client, "pr_op")
    appeal.decided_at = utcnow() - timedelta(days=RECENT_DAYS + 1)
    session.flush()
    assert decided_appeals(session, world.provider.id, utcnow().date()) == []
    assert "星级评定申诉结果" not in _home(client, "pr_op")
