"""Provider rating pages (SPEC §8): the provider sees every component with its inputs and how the star
follows, and files an appeal within 10 working days; the insurer and the MIA see the rating of their
scope, another provider gets a 404; Chinese first, English complete."""
from sqlalchemy import select

from ltc.core.clock import utcnow
from ltc.ratings.run.models import ProviderRating, RatingAppeal, RatingRun
from tests.conftest import login
from tests.services.test_ratings_run import _run, city


def _rated(session, world) -> ProviderRating:
    city(session, world)
    _run(session)
    for run in session.scalars(select(RatingRun)):
        run.computed_at = utcnow()                 # the run was just now: the appeal window is open
    session.flush()
    return session.scalars(select(ProviderRating).where(ProviderRating.provider_id == world.provider.id)).one()


def test_the_provider_sees_each_component_and_files_an_appeal(client, world, session):
    rating = _rated(session, world)
    login(client, "pr_op")
    assert f"/ratings/stars/{rating.id}" in client.get("/ratings/stars/").data.decode()
    page = client.get(f"/ratings/stars/{rating.id}").data.decode()
    for words in ("护理人员平均星级", "回访满意度", "绩效评价", "诚信评价", "76.76", "60.83", "77.27", "55.00",
                  "★★★", "收缩后得分", "人月数", 'data-testid="appeal-form"'):
        assert words in page, words
    answer = client.post(f"/ratings/stars/{rating.id}/appeal", data={"reason": "回访记录遗漏"})
    assert answer.status_code == 302
    appeal = session.scalars(select(RatingAppeal)).one()
    assert appeal.case_id is not None and appeal.outcome == "open"
    page = client.get(f"/ratings/stars/{rating.id}").data.decode()
    assert "回访记录遗漏" in page and "审核中" in page and 'data-testid="appeal-form"' not in page


def test_the_insurer_and_the_mia_see_it_another_provider_gets_404_and_may_not_appeal(client, world, session):
    rating = _rated(session, world)
    for username in ("ins_rev", "mia_admin"):
        client.post("/logout")
        login(client, username)
        page = client.get(f"/ratings/stars/{rating.id}").data.decode()
        assert "76.76" in page and 'data-testid="appeal-form"' not in page
    client.post("/logout")
    login(client, "pr2_op")
    assert client.get(f"/ratings/stars/{rating.id}").status_code == 404
    assert client.post(f"/ratings/stars/{rating.id}/appeal", data={"reason": "x"}).status_code == 404
    assert f"/ratings/stars/{rating.id}\"" not in client.get("/ratings/stars/").data.decode()


def test_the_pages_in_english(client, world, session):
    rating = _rated(session, world)
    login(client, "pr_op")
    client.post("/lang/en")
    page = client.get(f"/ratings/stars/{rating.id}").data.decode()
    for words in ("Provider star rating", "Carer average stars", "Follow-up satisfaction", "Cost-performance",
                  "Integrity", "Shrunk score", "Appeal"):
        assert words in page, words
