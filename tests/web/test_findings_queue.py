"""The findings queue (SPEC §6): the insurer's queue with filters, counts per rule and exports, a
provider's own findings, one finding with its explanation; out of scope is a 404."""
import csv
import io
import re
from datetime import date
from decimal import Decimal

from ltc.compliance import services
from tests.compliance_db_builders import NOW, beneficiary, carer, visit
from tests.conftest import login

JUNE = date(2026, 6, 1)


def _june_findings(session, world):
    """Provider 1's June: a short visit (V03) and a visit 500 m away from home (V01)."""
    person, nurse = beneficiary(session, world.provider), carer(session, world.provider)
    short = visit(session, person, nurse, minutes=30)
    far = visit(session, person, nurse, day="2026-06-11", gps=(person.latitude + Decimal("0.0045"), person.longitude))
    services.scan_provider_month(session, world.provider.id, JUNE, now=NOW)
    session.commit()
    return short, far


def _rows(page: str) -> list[str]:
    return re.findall(r'data-testid="finding-row" data-finding="\d+" data-rule="(\w+)"', page)


def test_the_insurer_sees_the_queue_with_counts_filters_and_explanations(client, session, world):
    _june_findings(session, world)
    login(client, "ins_op")
    page = client.get("/findings/").get_data(as_text=True)
    assert sorted(_rows(page)) == ["V01", "V03"]
    assert "实际服务 30 分钟，低于最低时长 54 分钟" in page and "服务时长不足" in page
    assert 'data-rule="V01">签到位置偏离</a> <span class="badge text-bg-light border">1</span>' in page
    only = client.get("/findings/", query_string={"rule": "V03", "month": "2026-06"}).get_data(as_text=True)
    assert _rows(only) == ["V03"]
    assert _rows(client.get("/findings/", query_string={"month": "2026-05"}).get_data(as_text=True)) == []
    assert _rows(client.get("/findings/", query_string={"severity": "FLAG"}).get_data(as_text=True)) == ["V01"]
    assert "月份格式应为 YYYY-MM" in client.get("/findings/", query_string={"month": "June"}).get_data(as_text=True)


def test_the_queue_exports_csv_and_xlsx(client, session, world):
    _june_findings(session, world)
    login(client, "ins_rev")
    exported = client.get("/findings/", query_string={"format": "csv", "rule": "V03"})
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["规则", "处理方式", "服务日期"] and len(rows) == 2
    assert rows[1][:3] == ["服务时长不足", "不予支付", "2026-06-10"]
    xlsx = client.get("/findings/", query_string={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.mimetype.endswith("spreadsheetml.sheet")


def test_a_provider_sees_only_its_own_findings_and_another_gets_404(client, session, world):
    short, _far = _june_findings(session, world)
    login(client, "pr_op")
    page = client.get("/findings/").get_data(as_text=True)
    assert sorted(_rows(page)) == ["V01", "V03"]
    finding_id = int(re.search(r'data-finding="(\d+)" data-rule="V03"', page).group(1))
    detail = client.get(f"/findings/{finding_id}").get_data(as_text=True)
    assert "实际服务 30 分钟，低于最低时长 54 分钟" in detail and f"上门服务 {short.id}" in detail
    client.post("/logout")
    login(client, "pr2_op")
    assert _rows(client.get("/findings/").get_data(as_text=True)) == []
    assert client.get(f"/findings/{finding_id}").status_code == 404


def test_a_finding_links_to_its_record_in_the_queue_and_on_its_page(client, session, world):
    short, _far = _june_findings(session, world)
    login(client, "ins_op")
    page = client.get("/findings/", query_string={"rule": "V03"}).get_data(as_text=True)
    assert re.findall(r'href="(/visits/\d+)" data-testid="finding-record-link"', page) == [f"/visits/{short.id}"]
    finding_id = int(re.search(r'data-finding="(\d+)"', page).group(1))
    detail = client.get(f"/findings/{finding_id}").get_data(as_text=True)
    assert f'href="/visits/{short.id}" data-testid="finding-record-link"' in detail
    assert client.get(f"/visits/{short.id}").status_code == 200


def test_an_agency_may_not_open_the_queue(client, world):
    login(client, "ag_admin")
    assert client.get("/findings/").status_code == 403


def test_the_home_page_reminds_the_provider_of_conclusions_ending_within_60_days_but_not_the_carer(
        client, session, world, monkeypatch):
    from ltc.home import views as home_views
    from tests.entitlement_builders import conclusion, grant
    from tests.people_builders import person
    monkeypatch.setattr(home_views, "local_today", lambda: date(2026, 6, 1))
    ending = person(session, 3, name="王到期")
    grant(session, ending, world.provider, care_type="home", starts_on=date(2026, 2, 1),
          conclusion_of=conclusion(session, ending, concluded_on=date(2024, 7, 20)))   # valid 24 months
    later = person(session, 4, name="李还早")
    grant(session, later, world.provider, care_type="home", starts_on=date(2026, 2, 1))
    session.commit()
    login(client, "pr_op")
    home = client.get("/").get_data(as_text=True)
    assert "评估结论即将到期的待遇人员" in home and "王到期" in home and "李还早" not in home
    client.post("/logout")
    login(client, "pr_carer")
    assert "评估结论即将到期的待遇人员" not in client.get("/").get_data(as_text=True)
