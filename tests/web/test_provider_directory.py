"""The public provider directory (SPEC §8, issue 12 point 9): no login, Chinese first and English through
the switch; providers with care types, district, beds and stars, filtered by district and care type; a
provider page with the components of its computed rating; never a person; unlisted providers are 404."""
from datetime import date
from decimal import Decimal

from ltc.core.audit import SYSTEM
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_month
from ltc.orgs.services import end_agreement, set_status
from ltc.ratings.run.models import ProviderRating, RatingComponent, RatingRun
from tests.builders import T0, org
from tests.carer_builders import carer
from tests.effects_builders import annual, monthly, placed
from tests.people_builders import person


def _last_month() -> date:
    return add_months(first_of_month(local_today()), -1)


def _stars(session, world):
    placed(session, world)
    today = local_today()
    monthly(session, world.provider, _last_month(), 4, today=today)
    monthly(session, world.provider2, _last_month(), 5, today=today)
    annual(session, world.provider, today.year - 1, 3, today=today)


def test_the_directory_lists_providers_with_their_facts_without_login(client, session, world):
    _stars(session, world)
    session.commit()
    page = client.get("/directory/").data.decode()
    assert "定点护理机构名录" in page and "居家护理甲" in page and "养老院乙" in page
    assert page.index("养老院乙") < page.index("居家护理甲")                      # the better star first
    assert "★★★★★" in page and "居家上门护理" in page and "机构护理" in page and "60" in page
    assert "东城区" in page and "西城区" in page and "评估机构甲" not in page    # providers only
    only_east = client.get("/directory/?district=东城区").data.decode()
    assert "居家护理甲" in only_east and "养老院乙" not in only_east
    institutions = client.get("/directory/?care_type=institution").data.decode()
    assert "养老院乙" in institutions and "居家护理甲" not in institutions


def test_a_provider_page_shows_its_stars_and_the_components_of_its_rating(client, session, world):
    _stars(session, world)
    month = _last_month()
    run = RatingRun(kind="monthly", period=month, activity_from=add_months(month, -11), activity_to=month,
                    settled_from=add_months(month, -12), settled_to=add_months(month, -1), scheme={})
    session.add(run)
    session.flush()
    rating = ProviderRating(run_id=run.id, provider_id=world.provider.id, score=Decimal("84.10"), star=4)
    session.add(rating)
    session.flush()
    session.add_all([RatingComponent(rating_id=rating.id, component="satisfaction", n=7, raw=Decimal("90.00"),
                                     scheme_mean=Decimal("80.00"), adjusted=Decimal("84.12"), weight=Decimal("0.25")),
                     RatingComponent(rating_id=rating.id, component="integrity", n=1, raw=Decimal("100.00"),
                                     scheme_mean=Decimal("95.00"), adjusted=Decimal("95.45"), weight=Decimal("0.20"))])
    session.commit()
    page = client.get(f"/directory/{world.provider.id}").data.decode()
    assert "居家护理甲" in page and "★★★★" in page and month.strftime("%Y-%m") in page
    assert 'data-testid="components"' in page and "回访满意度" in page and "84.12" in page and "诚信评价" in page
    assert "★★★" in page and str(local_today().year - 1) in page                    # the annual star


def test_the_directory_never_shows_a_person(client, session, world):
    _stars(session, world)
    someone = person(session, 7, name="欧阳秘密", phone="13900001111")
    worker = carer(session, world.provider, 3, name="司马护理")
    session.commit()
    pages = client.get("/directory/").data.decode() + client.get(f"/directory/{world.provider.id}").data.decode()
    for secret in ("欧阳秘密", someone.id_number, "13900001111", "司马护理", worker.id_number, "pr_op"):
        assert secret not in pages


def test_providers_not_in_the_directory_are_404(client, session, world):
    _stars(session, world)
    set_status(session, world.provider2, actor=SYSTEM, now=T0, status="suspended", valid_from=date(2026, 1, 1))
    lapsed = org(session, "provider", "协议过期丙", 9, start=date(2024, 1, 1))
    end_agreement(session, lapsed, actor=SYSTEM, now=T0, ends_on=date(2026, 1, 1), reason="协议到期")
    session.commit()
    assert client.get(f"/directory/{world.provider2.id}").status_code == 404
    assert client.get(f"/directory/{world.agency.id}").status_code == 404
    assert client.get("/directory/999999").status_code == 404
    assert client.get(f"/directory/{lapsed.id}").status_code == 404
    listed = client.get("/directory/").data.decode()
    assert "养老院乙" not in listed and "协议过期丙" not in listed and "居家护理甲" in listed


def test_the_directory_in_english(client, session, world):
    _stars(session, world)
    session.commit()
    client.post("/lang/en", data={"next": "/directory/"})
    page = client.get("/directory/").data.decode()
    assert 'lang="en"' in page and "Directory of designated care providers" in page and "Home care" in page
    assert "护理机构名录" not in page


def test_a_directory_page_takes_the_same_few_queries_however_many_providers(session, world):
    """Set-based: the count, the page, care types, grades and annual stars — not a query per provider."""
    from ltc.ratings.directory import services
    from tests.queries import count_queries

    _stars(session, world)
    session.flush()
    with count_queries(session) as few:
        _page, rows = services.search(session, day=local_today())
    for n in range(20):
        org(session, "provider", f"新增机构{n}", 100 + n)
    session.flush()
    with count_queries(session) as many:
        _page, more = services.search(session, day=local_today())
    assert len(rows) == 2 and len(more) == 22
    assert len(many) == len(few) <= 5
