"""Set-based readers of dated attributes (SPEC §0.2): the periods of many subjects overlapping a
window in one query per attribute family, then the value on each day without further queries."""
from datetime import date
from decimal import Decimal

import pytest

from ltc.core import periods
from ltc.core.months import month_bounds
from ltc.core.periods import add_period, each_day_by_subject, periods_overlapping
from ltc.entitlements import services as entitlements
from ltc.entitlements.models import Entitlement
from ltc.orgs import services as orgs
from ltc.people import services as people
from ltc.people.models import PersonStatusPeriod, PersonTagPeriod
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers import services as providers
from ltc.providers.catalogue.models import ServiceItem, ServiceItemMinutes
from ltc.providers.models import ProviderCareTypePeriod, ProviderPricePeriod
from tests.builders import org
from tests.entitlement_builders import grant, plain_conclusion
from tests.people_builders import person
from tests.queries import count_queries

D = date
MARCH = month_bounds(D(2026, 3, 1))


def status(session, p, value, start, end=None):
    return add_period(session, PersonStatusPeriod, person_id=p.id, status=value, valid_from=start, valid_to=end,
                      close_open=True)


def spans(found) -> dict:
    return {key: [(p.valid_from, p.valid_to) for p in rows] for key, rows in found.items()}


@pytest.fixture
def persons(session):
    """Five persons, all active from 1 January 2026 (the builder's default), then:
    0 ends on 1 March (half-open: not in March); 1 starts on 1 April (not in March);
    2 is suspended from 31 March; 3 dies on 10 March; 4 is active throughout."""
    ps = [person(session, n, name=f"测试{n}") for n in range(1, 6)]
    first = people.status_periods(session, [ps[0].id, ps[1].id], D(2026, 1, 1), None)
    first[ps[0].id][0].valid_to = D(2026, 3, 1)
    session.delete(first[ps[1].id][0])
    session.flush()
    status(session, ps[1], "active", D(2026, 4, 1))
    status(session, ps[2], "suspended", D(2026, 3, 31))
    status(session, ps[3], "deceased", D(2026, 3, 11))
    return ps


def test_the_periods_overlapping_a_month_are_read_half_open(session, persons):
    p0, p1, p2, p3, p4 = persons
    found = people.status_periods(session, [p.id for p in persons], *MARCH)
    assert spans(found) == {
        p0.id: [],                                                       # ended on 1 March: not in March
        p1.id: [],                                                       # starts on 1 April: not in March
        p2.id: [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 3, 31), None)],
        p3.id: [(D(2026, 1, 1), D(2026, 3, 11)), (D(2026, 3, 11), None)],
        p4.id: [(D(2026, 1, 1), None)],                                  # started before, open-ended
    }
    # a window ending on the first day of a period does not include it; one ending a day later does
    assert spans(people.status_periods(session, [p1.id], D(2026, 3, 1), D(2026, 4, 2))) == {
        p1.id: [(D(2026, 4, 1), None)]}
    assert spans(people.status_periods(session, [p0.id], D(2026, 2, 28), D(2026, 3, 31))) == {
        p0.id: [(D(2026, 1, 1), D(2026, 3, 1))]}


def test_an_open_window_reads_every_later_period(session, persons):
    p1 = persons[1]
    assert spans(people.status_periods(session, [p1.id], D(2026, 3, 1), None)) == {p1.id: [(D(2026, 4, 1), None)]}
    assert spans(people.status_periods(session, [p1.id], D(2030, 1, 1), None)) == {p1.id: [(D(2026, 4, 1), None)]}


def test_subjects_without_periods_and_empty_windows_give_empty_lists(session, persons):
    nobody = 10_000_000
    found = people.status_periods(session, [persons[4].id, nobody], *MARCH)
    assert found[nobody] == [] and len(found[persons[4].id]) == 1
    with count_queries(session) as statements:
        assert people.status_periods(session, [], *MARCH) == {}
        assert people.status_periods(session, [persons[4].id], D(2026, 3, 5), D(2026, 3, 5)) == {persons[4].id: []}
    assert statements == []


def test_the_value_on_each_day_of_march_comes_from_one_query(session, persons):
    p0, p1, p2, p3, p4 = persons
    session.expunge_all()  # nothing cached: every period must come from the query
    with count_queries(session) as statements:
        found = people.status_periods(session, [p.id for p in persons], *MARCH)
        by_day = each_day_by_subject(found, *MARCH, "status")
    assert len(statements) == 1
    assert set(by_day[p0.id].values()) == {None} and set(by_day[p1.id].values()) == {None}
    assert by_day[p2.id][D(2026, 3, 30)] == "active" and by_day[p2.id][D(2026, 3, 31)] == "suspended"
    assert by_day[p3.id][D(2026, 3, 10)] == "active" and by_day[p3.id][D(2026, 3, 11)] == "deceased"
    assert list(by_day[p4.id].values()) == ["active"] * 31


def test_many_subjects_are_read_in_one_query_per_family(session):
    many = [person(session, n, name=f"批量{n}", tags=["medical_assistance"]) for n in range(1, 41)]
    ids = [p.id for p in many]
    session.expunge_all()
    with count_queries(session) as statements:
        statuses = people.status_periods(session, ids, *MARCH)
        categories = people.category_periods(session, ids, *MARCH)
        tags = people.tag_periods(session, ids, *MARCH)
    assert len(statements) == 3
    assert all(len(statuses[i]) == len(categories[i]) == len(tags[i]) == 1 for i in ids)
    assert {categories[i][0].category for i in ids} == {"employee"}


def test_more_subjects_than_one_statement_takes_are_split(session, persons, monkeypatch):
    monkeypatch.setattr(periods, "MAX_IDS_PER_QUERY", 2)
    with count_queries(session) as statements:
        found = people.status_periods(session, [p.id for p in persons], *MARCH)
    assert len(statements) == 3
    assert [len(found[p.id]) for p in persons] == [0, 0, 2, 2, 1]


def test_multi_valued_periods_are_read_per_subject_and_expanded_to_sets(session):
    p = person(session, 1, tags=["medical_assistance"])
    add_period(session, PersonTagPeriod, person_id=p.id, tag="chronic_class_a", valid_from=D(2026, 3, 10),
               valid_to=D(2026, 3, 20))
    found = people.tag_periods(session, [p.id], *MARCH)
    assert [(t.tag, t.valid_from) for t in found[p.id]] == [("medical_assistance", D(2026, 1, 1)),
                                                             ("chronic_class_a", D(2026, 3, 10))]
    by_day = each_day_by_subject(found, *MARCH, "tag", multi=True)[p.id]
    assert by_day[D(2026, 3, 9)] == {"medical_assistance"}
    assert by_day[D(2026, 3, 19)] == {"medical_assistance", "chronic_class_a"}
    assert by_day[D(2026, 3, 20)] == {"medical_assistance"}


def test_provider_periods_are_read_for_several_providers_at_once(session):
    a = org(session, "provider", "甲", 801, start=D(2025, 1, 1))
    b = org(session, "provider", "乙", 802, start=D(2026, 3, 15))
    for o, price in ((a, "80.00"), (b, "95.50")):
        add_period(session, ProviderPricePeriod, org_id=o.id, daily_price=Decimal(price),
                   valid_from=D(2026, 1, 1), valid_to=D(2026, 3, 16))
    add_period(session, ProviderPricePeriod, org_id=a.id, daily_price=Decimal("85.00"),
               valid_from=D(2026, 3, 16))
    for care_type in ("home", "outreach"):
        add_period(session, ProviderCareTypePeriod, org_id=a.id, care_type=care_type,
                   valid_from=D(2026, 2, 1))
    with count_queries(session) as statements:
        prices = providers.price_periods(session, [a.id, b.id], *MARCH)
        care_types = providers.care_type_periods(session, [a.id, b.id], *MARCH)
        statuses = orgs.status_periods(session, [a.id, b.id], *MARCH)
        agreements = orgs.agreement_periods(session, [a.id, b.id], *MARCH)
        grades = providers.grade_periods(session, [a.id, b.id], *MARCH)
        beds = providers.beds_periods(session, [a.id, b.id], *MARCH)
    assert len(statements) == 6
    price_by_day = each_day_by_subject(prices, *MARCH, "daily_price")
    assert price_by_day[a.id][D(2026, 3, 15)] == Decimal("80.00")
    assert price_by_day[a.id][D(2026, 3, 16)] == Decimal("85.00")
    assert price_by_day[b.id][D(2026, 3, 15)] == Decimal("95.50") and price_by_day[b.id][D(2026, 3, 16)] is None
    assert [c.care_type for c in care_types[a.id]] == ["home", "outreach"] and care_types[b.id] == []
    assert spans(statuses) == {a.id: [(D(2025, 1, 1), None)], b.id: [(D(2026, 3, 15), None)]}
    assert [len(agreements[a.id]), len(agreements[b.id])] == [1, 1]
    assert grades == {a.id: [], b.id: []} and beds == {a.id: [], b.id: []}


def test_a_providers_beneficiaries_for_a_month_in_one_query(session, world):
    """Entitlements read by provider: who was entitled with the provider on which day of March."""
    ps = [person(session, n, name=f"受益{n}") for n in range(1, 4)]
    grant(session, ps[0], world.provider2, conclusion_of=plain_conclusion(valid_to=D(2026, 3, 11)),
          origin="migrated", starts_on=D(2026, 1, 1))
    grant(session, ps[1], world.provider2, conclusion_of=plain_conclusion(), origin="migrated",
          starts_on=D(2026, 3, 20))
    grant(session, ps[2], world.provider, care_type="home", conclusion_of=plain_conclusion(), origin="migrated",
          starts_on=D(2026, 3, 1))
    session.expunge_all()
    with count_queries(session) as statements:
        by_provider = entitlements.entitlements_by_provider(session, [world.provider.id, world.provider2.id],
                                                            *MARCH)
    assert len(statements) == 1
    assert [(e.person_id, e.valid_from, e.valid_to) for e in by_provider[world.provider2.id]] == [
        (ps[0].id, D(2026, 1, 1), D(2026, 3, 11)), (ps[1].id, D(2026, 3, 20), D(2028, 1, 20))]
    assert [e.person_id for e in by_provider[world.provider.id]] == [ps[2].id]
    by_person = entitlements.entitlement_periods(session, [p.id for p in ps], D(2026, 3, 11), D(2026, 3, 20))
    assert {p.id: len(by_person[p.id]) for p in ps} == {ps[0].id: 0, ps[1].id: 0, ps[2].id: 1}


def test_catalogue_minutes_of_several_items(session):
    items = [ServiceItem(code=f"T{n}", item_class="life", name_zh=f"项目{n}") for n in range(3)]
    session.add_all(items)
    session.flush()
    add_period(session, ServiceItemMinutes, item_id=items[0].id, minutes=10, valid_from=D(2020, 1, 1),
               valid_to=D(2026, 3, 5))
    add_period(session, ServiceItemMinutes, item_id=items[0].id, minutes=15, valid_from=D(2026, 3, 5))
    add_period(session, ServiceItemMinutes, item_id=items[1].id, minutes=30, valid_from=D(2026, 4, 1))
    found = catalogue_services.minutes_periods(session, [i.id for i in items], *MARCH)
    assert [m.minutes for m in found[items[0].id]] == [10, 15]
    assert found[items[1].id] == [] and found[items[2].id] == []


def test_the_generic_reader_takes_the_subject_column(session, world):
    p = person(session, 1)
    grant(session, p, world.provider2, conclusion_of=plain_conclusion(), origin="migrated", starts_on=D(2026, 1, 1))
    by_person = periods_overlapping(session, Entitlement, [p.id], *MARCH)
    by_provider = periods_overlapping(session, Entitlement, [world.provider2.id], *MARCH,
                                      subject="provider_id")
    assert by_person[p.id] == by_provider[world.provider2.id] and len(by_person[p.id]) == 1
