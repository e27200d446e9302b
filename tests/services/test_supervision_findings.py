"""The findings theme against a hand-counted month pair (May and June 2026):

* person A (东城区) — carer 1 of the home provider: 2 visits done in May, 4 in June (plus one scheduled and
  one cancelled, which are no records); findings V03 in May, V03 + S01 in June, and a cleared V01;
* person B (西城区) — carer 2: 2 visits done in June, S02 on one;
* person C (南区, outside the insurer's districts) — a stay at the nursing home from 1 June, E01 on two days.
"""
from datetime import date

import pytest

from ltc.supervision.figures import Audience, Filters, Viewer
from ltc.supervision.themes import findings
from tests import care_figure_builders as b
from tests.compliance_db_builders import carer
from tests.people_builders import person

MIA = Viewer(Audience.MIA)
BOTH = Filters(b.MAY, b.JUNE)
METRICS = ("findings", "carer_findings", "care_records")


@pytest.fixture
def data(session, world):
    a = person(session, 801, name="甲", district="东城区")
    bee = person(session, 802, name="乙", district="西城区")
    c = person(session, 803, name="丙", district="南区")
    c1, c2 = carer(session, world.provider, 1), carer(session, world.provider, 2)
    may = [b.visit(session, world.provider, a, c1, f"2026-05-0{d}") for d in (4, 5)]
    june = [b.visit(session, world.provider, a, c1, f"2026-06-0{d}") for d in (1, 2, 3, 4)]
    b.visit(session, world.provider, a, c1, "2026-06-08", status="scheduled")
    b.visit(session, world.provider, a, c1, "2026-06-09", status="cancelled")
    june_b = [b.visit(session, world.provider, bee, c2, f"2026-06-1{d}") for d in (1, 2)]
    bed = b.stay(session, world.provider2, c, date(2026, 6, 1))
    b.finding(session, may[0], "V03")
    b.finding(session, june[0], "V03")
    b.finding(session, june[0], "S01")
    b.finding(session, june[1], "V01", status="cleared")
    b.finding(session, june_b[0], "S02")
    for day in (date(2026, 6, 1), date(2026, 6, 2)):
        b.finding(session, bed, "E01", day=day)
    b.refresh(session, METRICS, b.MAY, b.JUNE)
    return {"c1": c1, "c2": c2}


def test_findings_by_rule_count_the_open_findings_with_their_severity(session, data):
    table = findings.rules_table(session, MIA, BOTH)
    assert table.rows == (("E01", "REJECT", 2), ("V03", "REJECT", 2), ("S01", "FLAG", 1), ("S02", "FLAG", 1))
    assert [c.labels for c in table.columns[:2]] == ["rule", "severity"]


def test_findings_by_rule_and_month_put_a_column_per_rule_found(session, data):
    table = findings.rules_by_month(session, MIA, BOTH)
    assert [c.title for c in table.columns] == [
        "月份", "无有效待遇", "服务时长不足", "定位或照片重复使用", "服务时长异常集中"]
    assert table.rows == ((b.MAY, 0, 1, 0, 0), (b.JUNE, 2, 1, 1, 1))


def test_the_anomaly_flags_count_s01_and_s02_per_month(session, data):
    assert findings.anomalies_by_month(session, MIA, BOTH).rows == ((b.MAY, 0, 0), (b.JUNE, 1, 1))


def test_top_providers_rank_by_findings_per_100_records(session, world, data):
    # the nursing home: 1 stay, 2 findings; the home provider: 8 visits done, 4 open findings
    assert findings.top_providers(session, MIA, BOTH).rows == (
        ("养老院乙", 1, 2, 200), ("居家护理甲", 8, 4, 50))


def test_top_carers_rank_by_findings_per_100_visits(session, data):
    # carer 1: 6 visits, 3 findings; carer 2: 2 visits, 1 finding (same rate, fewer findings last)
    assert findings.top_carers(session, MIA, BOTH).rows == (
        ("护理员1", "居家护理甲", 6, 3, 50), ("护理员2", "居家护理甲", 2, 1, 50))


def test_an_insurer_sees_the_findings_of_its_districts_persons(session, world, data):
    insurer = Viewer(Audience.INSURER, world.insurer.id)
    assert findings.rules_table(session, insurer, BOTH).rows == (
        ("V03", "REJECT", 2), ("S01", "FLAG", 1), ("S02", "FLAG", 1))
    assert findings.top_providers(session, insurer, BOTH).rows == (("居家护理甲", 8, 4, 50),)


def test_a_provider_sees_its_own_findings_and_the_filters_narrow_them(session, world, data):
    own = Viewer(Audience.PROVIDER, world.provider2.id)
    assert findings.rules_table(session, own, BOTH).rows == (("E01", "REJECT", 2),)
    june_home = Filters(b.JUNE, b.JUNE, care_type="home", district="西城区")
    assert findings.rules_table(session, MIA, june_home).rows == (("S02", "FLAG", 1),)
    assert findings.severity_by_month(session, MIA, Filters(b.JUNE, b.JUNE)).rows == ((b.JUNE, 3, 2, 0),)


def test_every_findings_chart_draws(session, world, data):
    charts = b.rendered(session, findings.FIGURES, MIA, BOTH)
    assert set(charts) == {f.key for f in findings.FIGURES}
    assert all(b"<svg" in svg and b"<script" not in svg for svg in charts.values())
