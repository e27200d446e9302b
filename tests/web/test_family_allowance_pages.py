"""The family-care allowance pages (SPEC §7.3): the insurer's monthly list with the held payment shown
as such, CSV/XLSX, marking the list paid; the bank account changed by the insurer only (on the
person's request); persons and lines outside the user's scope are a 404; Chinese and English."""
import pytest
from sqlalchemy import select

from ltc.billing.family import services
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.core.audit import AuditEntry
from tests.conftest import login
from tests.family_builders import AS_OF, JUNE, family_month
from tests.people_builders import person

LIST = "/billing/family/?month=2026-06"


@pytest.fixture
def family(session, world):
    f = family_month(session)
    allowances = services.allowances_for(session, f.provider.id, JUNE, as_of=AS_OF)
    services.refresh_provider_month(session, f.provider.id, JUNE, allowances, today=AS_OF.date(), now=AS_OF)
    session.commit()
    return f


def test_the_insurer_sees_the_list_with_the_held_payment_and_exclusions(client, family):
    login(client, "ins_op")
    page = client.get(LIST).data.decode()
    assert "亲情照护补贴发放名单" in page and page.count('data-testid="family-line"') == 3
    assert "暂缓支付（缺银行账户）" in page and "缺少银行账户" in page
    assert "住院期间服务 5天" in page and "参保状态异常 10天" in page     # exclusions in words, not codes
    assert "共 3 人，合计 1225.00 元" in page
    held = client.get(LIST + "&status=held").data.decode()
    assert held.count('data-testid="family-line"') == 1


def test_the_list_exports_as_csv_and_xlsx_and_each_export_is_audited(client, family, session):
    login(client, "ins_op")
    csv = client.get(LIST + "&format=csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.data.decode("utf-8-sig")
    assert "6222020200112233445" in text and "450.00" in text and "暂缓支付（缺银行账户）" in text
    xlsx = client.get(LIST + "&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    exports = session.scalars(select(AuditEntry).where(AuditEntry.entity == "family_allowance_list",
                                                       AuditEntry.action == "export")).all()
    assert [(e.entity_id, e.after) for e in exports] == [("2026-06", {"lines": 3})] * 2


def test_the_insurer_marks_the_payable_lines_paid(client, family, session):
    login(client, "ins_op")
    response = client.post("/billing/family/pay?month=2026-06", data={"paid_on": "2026-07-20",
                                                                       "bank_reference": "YH-0720"})
    assert response.status_code == 302
    statuses = sorted(session.scalars(select(FamilyAllowanceLine.status)).all())
    assert statuses == ["held", "paid", "paid"]
    assert "YH-0720" in client.get(LIST).data.decode()
    again = client.post("/billing/family/pay?month=2026-06", data={"paid_on": "2026-07-21", "bank_reference": "X"})
    assert again.status_code == 400 and "本月没有待支付的补贴" in again.data.decode()


def test_the_insurer_changes_a_bank_account_and_the_held_payment_becomes_payable(client, family, session):
    login(client, "ins_op")
    url = f"/billing/family/accounts/{family.inpatient.id}"
    assert 'data-testid="change-account"' in client.get(url).data.decode()
    response = client.post(url, data={"holder": "李四", "bank_name": "建设银行", "account_no": "6217000011112222",
                                      "valid_from": "2026-07-01", "request": "本人书面申请", "reason": "补录账户"})
    assert response.status_code == 302
    page = client.get(url).data.decode()
    assert "6217********2222" in page and "承办机构依本人申请变更" in page and "本人书面申请" in page
    line = session.scalars(select(FamilyAllowanceLine).where(
        FamilyAllowanceLine.person_id == family.inpatient.id)).one()
    assert line.status == "payable"


def test_only_the_insurer_changes_an_account(client, family):
    login(client, "mia_admin")
    url = f"/billing/family/accounts/{family.inpatient.id}"
    page = client.get(url).data.decode()
    assert "补贴银行账户" in page and 'data-testid="change-account"' not in page
    assert client.post(url, data={"holder": "x", "bank_name": "y", "account_no": "12345678", "valid_from": "2026-07-01",
                                  "request": "r", "reason": "r"}).status_code == 403
    client.post("/logout")
    login(client, "pr_op")
    assert client.get(LIST).status_code == 403
    assert client.get(url).status_code == 403


def test_a_person_outside_the_insurers_districts_is_a_404(client, family, session):
    stranger = person(session, 95, district="南城区")
    session.commit()
    login(client, "ins_op")
    assert client.get(f"/billing/family/accounts/{stranger.id}").status_code == 404
    assert client.post(f"/billing/family/accounts/{stranger.id}", data={}).status_code == 404


def test_the_list_in_english(client, family):
    login(client, "ins_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.get(LIST).data.decode()
    assert "Family-care allowance payment list" in page and "Held (no bank account)" in page
    assert "Record this month&#39;s allowances as paid" in page or "Record this month's allowances as paid" in page
    assert "亲情照护补贴发放名单" not in page


def test_the_insurer_does_not_see_lines_of_persons_outside_its_districts(client, family, session):
    from decimal import Decimal

    stranger = person(session, 96, name="王五", district="南城区")
    session.add(FamilyAllowanceLine(month=JUNE, person_id=stranger.id, provider_id=family.provider.id, days=30,
                                    excluded={}, amount=Decimal("450.00"), status="held", generated_at=AS_OF))
    session.commit()
    login(client, "ins_op")
    page = client.get(LIST).data.decode()
    assert page.count('data-testid="family-line"') == 3 and "王五" not in page
    client.post("/logout")
    login(client, "mia_op")
    page = client.get(LIST).data.decode()
    assert page.count('data-testid="family-line"') == 4 and "王五" in page
    assert 'data-testid="mark-paid"' not in page        # the MIA sees the list; the insurer pays it
