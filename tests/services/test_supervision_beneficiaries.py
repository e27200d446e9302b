"""The beneficiaries theme against a hand-counted city: seven entitlements of six persons in three
districts over January–March 2026 (a change of provider across districts, one within a district, an
expiry, a death, a lower conclusion and a void entitlement)."""
from datetime import date, datetime, timezone

import pytest

from ltc.supervision.facts import refresh_month
from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes import beneficiaries
from tests import builders
from tests.people_builders import person
from tests.supervision_builders import entitlement, provider_in

NOW = datetime(2026, 4, 2, 21, 0, tzinfo=timezone.utc)
JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
Q1 = Filters(JAN, MAR)
CITY = Viewer(Audience.MIA)


@pytest.fixture
def city(session, world, monkeypatch):
    from ltc.supervision import facts
    monkeypatch.setattr(facts, "_SOURCES", {s.metric: s for s in beneficiaries.FACT_SOURCES})
    builders.org(session, "insurer", "南区保险公司", 90, districts=["南区"])
    provider_in(session, 0, "东城区", org_id=world.provider.id)
    provider_in(session, 0, "西城区", org_id=world.provider2.id)
    third = provider_in(session, 91, "东城区", name="东城护理站")
    people = {n: person(session, n, district=d, name=f"参保人{n}", valid_from=date(2025, 1, 1))
              for n, d in ((1, "东城区"), (2, "西城区"), (3, "南区"), (4, "东城区"), (5, "东城区"), (6, "东城区"))}
    home, inst = world.provider, world.provider2
    ent = lambda n, at, care, level, start, end, reason="expiry", **kw: entitlement(  # noqa: E731
        session, people[n], at, care_type=care, level=level, valid_from=start, valid_to=end, end_reason=reason, **kw)
    ent(1, home, "home", 3, date(2025, 12, 1), date(2026, 2, 15))                           # A: expires 14 Feb
    ent(2, inst, "institution", 4, JAN, FEB, "change")                                     # B → C
    ent(2, home, "institution", 5, FEB, date(2028, 1, 1))                                  # C: 西城 → 东城 provider
    ent(3, home, "special", 5, date(2026, 1, 10), date(2026, 3, 20), "death")              # D: 南区, died 19 Mar
    ent(4, home, "home", 4, FEB, MAR, "reassessed")                                        # E: lower conclusion
    ent(5, home, "home", 4, JAN, date(2027, 1, 1), status="void")                          # F: void, never counted
    ent(6, home, "home", 3, JAN, MAR, "change")                                            # G → H
    ent(6, third, "home", 3, MAR, date(2027, 1, 1))                                        # H: same district
    for month in (JAN, FEB, MAR):
        refresh_month(session, month, now=NOW)
    return world


def _table(session, key, viewer=CITY, filters=Q1):
    figure = next(f for f in beneficiaries.FIGURES if f.key == key)
    data = figure.compute(session, viewer, filters)
    return [c.title for c in data.columns], [list(r) for r in data.rows]


def test_beneficiaries_by_level_count_the_entitlements_in_force_at_each_month_end(session, city):
    titles, rows = _table(session, "beneficiaries_by_level")
    assert titles == ["月份", "重度失能Ⅰ级", "重度失能Ⅱ级", "重度失能Ⅲ级"]
    assert rows == [[JAN, 2, 1, 1], [FEB, 1, 1, 2], [MAR, 1, 0, 1]]


def test_beneficiaries_by_care_type_and_by_district(session, city):
    titles, rows = _table(session, "beneficiaries_by_care_type")
    assert titles == ["月份", "医疗专护", "机构护理", "居家上门护理", "巡护", "亲情照护"]
    assert rows == [[JAN, 1, 1, 2, 0, 0], [FEB, 1, 1, 2, 0, 0], [MAR, 0, 1, 1, 0, 0]]
    titles, rows = _table(session, "beneficiaries_by_district")
    assert sorted(titles[1:]) == sorted(["东城区", "西城区", "南区"])
    by_name = {t: [r[i] for r in rows] for i, t in enumerate(titles)}
    assert by_name["东城区"] == [2, 2, 1] and by_name["西城区"] == [1, 1, 1] and by_name["南区"] == [1, 1, 0]


def test_new_and_ended_by_reason(session, city):
    titles, rows = _table(session, "beneficiaries_flow")
    assert titles == ["月份", "新增享受待遇人员", "评估结论到期终止", "死亡终止", "重新评估等级降低终止", "转出终止"]
    assert rows == [[JAN, 3, 0, 0, 0, 0], [FEB, 1, 1, 0, 1, 0], [MAR, 0, 0, 1, 0, 0]]


def test_migrated_across_and_within_districts(session, city):
    titles, rows = _table(session, "beneficiaries_migrated")
    assert titles == ["月份", "同区县更换服务机构", "跨区县更换服务机构"]
    assert rows == [[JAN, 0, 0], [FEB, 0, 1], [MAR, 1, 0]]


def test_an_insurer_counts_only_its_districts_and_filters_apply(session, city):
    insurer = Viewer(Audience.INSURER, city.insurer.id)
    _, rows = _table(session, "beneficiaries_by_care_type", insurer)
    assert [sum(r[1:]) for r in rows] == [3, 3, 2]            # 南区's special-care beneficiary is not counted
    _, rows = _table(session, "beneficiaries_flow", insurer)
    assert rows == [[JAN, 2, 0, 0, 0, 0], [FEB, 1, 1, 0, 1, 0], [MAR, 0, 0, 0, 0, 0]]
    _, rows = _table(session, "beneficiaries_by_level", filters=Filters(JAN, MAR, district="西城区"))
    assert [sum(r[1:]) for r in rows] == [1, 1, 1]
    _, rows = _table(session, "beneficiaries_by_level", filters=Filters(JAN, MAR, care_type="home", level=3))
    assert [r[1] for r in rows] == [2, 1, 1]


def test_the_current_month_counts_on_today(session, world, monkeypatch):
    monkeypatch.setattr(beneficiaries, "local_today", lambda: date(2026, 3, 10))
    assert beneficiaries.reference_day(MAR) == date(2026, 3, 10)
    assert beneficiaries.reference_day(FEB) == date(2026, 2, 28)
