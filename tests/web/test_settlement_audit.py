"""The settlement review pages (SPEC §7.3): the insurer's audit workspace (flagged records with filters
and bulk decisions, the sample, deductions, progress), the provider's submission and appeal, the MIA's
approval list with totals per district, the payment page (batch export, return file); all scoped."""
import io
import re
from datetime import date

from sqlalchemy import select

from ltc.billing.review import approval, auditing, payment, sampling
from ltc.billing.review.models import PaymentBatchLine, SettlementAppeal, SettlementRemark
from ltc.reviews.models import ReviewCase
from tests.builders import org, user
from tests.carer_builders import provider_district
from tests.conftest import login
from tests.settlement_review_builders import AUDIT_NOW, actor, audited, decided, settlement, submitted


def _url(s, tail: str = "") -> str:
    return f"/settlements/review/{s.id}{tail}"


def test_the_provider_submits_from_its_page_with_a_remark_on_a_flagged_record(client, session, world):
    built = settlement(session, world)
    flagged = built.flagged[0]
    session.commit()
    login(client, "pr_op")
    page = client.get(_url(built.settlement, "/submit"))
    assert page.status_code == 200 and "待审核记录的说明和证据" in page.get_data(as_text=True)
    assert f"/settlements/review/{built.settlement.id}/submit" in client.get(
        f"/settlements/{built.settlement.id}").get_data(as_text=True)
    response = client.post(_url(built.settlement, "/submit"),
                           data={"note": "六月", f"remark-visit-{flagged.id}": "老人在女儿家接受服务"})
    assert response.status_code == 302
    assert built.settlement.status == "submitted"
    workspace = client.get(_url(built.settlement)).get_data(as_text=True)
    assert "老人在女儿家接受服务" in workspace and 'data-status="submitted"' in workspace


def test_the_workspace_filters_flagged_records_and_decides_them_in_bulk(client, session, world):
    built = submitted(session, world, persons=3, flagged_each=2)
    session.commit()
    login(client, "ins_rev")
    page = client.get(_url(built.settlement), query_string={"carer_id": built.carers[0].id})
    rows = re.findall(r'data-testid="flagged-row" data-record="visit:(\d+)"', page.get_data(as_text=True))
    assert sorted(map(int, rows)) == sorted(v.id for v in built.flagged if v.carer_id == built.carers[0].id)
    response = client.post(_url(built.settlement, "/bulk"), data={
        "rule": "V01", "carer_id": str(built.carers[0].id), "person_id": "", "decision": "refuse",
        "reason_code": "LOCATION", "reason_text": "定位偏离"})
    assert response.status_code == 302
    assert auditing.progress(session, built.settlement).refused == 3
    page = client.get(_url(built.settlement)).get_data(as_text=True)
    assert page.count('data-testid="deduction"') == 3 and "签到位置偏离" in page


def test_the_workspace_draws_the_sample_and_pays_a_sampled_persons_records(client, session, world):
    built = submitted(session, world, persons=4)
    session.commit()
    login(client, "ins_op")
    assert client.post(_url(built.settlement, "/sample")).status_code == 302
    [first, *_] = sampling.sampled_persons(session, built.settlement)
    page = client.get(_url(built.settlement)).get_data(as_text=True)
    assert page.count('data-testid="sample-person"') == 3 and 'data-testid="sample-seed"' in page
    response = client.post(_url(built.settlement, "/person"), data={"person_id": first, "decision": "pay"})
    assert response.status_code == 302
    done = auditing.progress(session, built.settlement)
    assert done.sampled and done.sample_decided == len(built.visits[first])


def test_a_refusal_without_reason_is_shown_and_nothing_changes(client, session, world):
    built = submitted(session, world)
    session.commit()
    login(client, "ins_rev")
    response = client.post(_url(built.settlement, "/records"), data={"keys": f"visit:{built.flagged[0].id}",
                                                                   "decision": "refuse"}, follow_redirects=True)
    assert "不予支付须选择原因" in response.get_data(as_text=True)
    assert auditing.decisions(session, built.settlement) == {}


def test_settlements_outside_the_scope_are_404(client, session, world):
    built = submitted(session, world)
    other_insurer = org(session, "insurer", "另一保险公司", 90, districts=["南城区"])
    user(session, other_insurer, "other_ins", "reviewer")
    session.commit()
    for username in ("other_ins", "pr2_op"):
        login(client, username)
        assert client.get(_url(built.settlement)).status_code == 404
        client.post("/logout")
    login(client, "other_ins")
    response = client.post(_url(built.settlement, "/records"), data={"keys": "visit:1", "decision": "pay"})
    assert response.status_code == 404
    assert client.post("/settlements/review/payment/batch/999/return").status_code == 404


def test_the_mia_approves_many_settlements_from_the_list_with_totals_per_district(client, session, world):
    one = audited(session, world)
    provider_district(session, world.provider2, "西城区")
    two = audited(session, world, provider=world.provider2, n0=30)
    session.commit()
    login(client, "mia_rev")
    page = client.get("/settlements/review/approval").get_data(as_text=True)
    assert re.findall(r'data-testid="district-total" data-district="([^"]+)"', page) == ["东城区", "西城区"]
    assert page.count('data-testid="approval-row"') == 2
    response = client.post("/settlements/review/approval", data={"ids": [one.settlement.id, two.settlement.id]})
    assert response.status_code == 302
    assert (one.settlement.status, two.settlement.status) == ("approved", "approved")


def test_the_insurer_cannot_open_the_approval_list(client, session, world):
    login(client, "ins_rev")
    assert client.get("/settlements/review/approval").status_code == 403


def test_the_payment_page_exports_a_batch_and_imports_its_return_file(client, session, world):
    built = audited(session, world)
    approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    session.commit()
    login(client, "ins_op")
    page = client.get("/settlements/review/payment").get_data(as_text=True)
    assert f'data-testid="awaiting-row" data-settlement="{built.settlement.id}"' in page
    exported = client.post("/settlements/review/payment/batch", data={"ids": [built.settlement.id]})
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "批次行号,结算编号" in exported.get_data(as_text=True)
    line = session.scalars(select(PaymentBatchLine)).one()
    bad = "批次行号,结果,银行流水号,支付日期,失败原因\n" + f"{line.id},成功,,2026-12-01,\n"
    shown = client.post(f"/settlements/review/payment/batch/{line.batch_id}/return",
                        data={"file": (io.BytesIO(bad.encode()), "return.csv")}, follow_redirects=True)
    assert "第 2 行：支付成功须填写银行流水号" in shown.get_data(as_text=True) and line.status == "pending"
    good = "批次行号,结果,银行流水号,支付日期,失败原因\n" + f"{line.id},成功,BK-9,2026-12-01,\n"
    client.post(f"/settlements/review/payment/batch/{line.batch_id}/return",
                data={"file": (io.BytesIO(good.encode()), "return.csv")})
    paid_on = payment.audit_row(session, built.settlement).paid_on
    assert (built.settlement.status, paid_on) == ("paid", date(2026, 12, 1))


def test_the_payment_is_recorded_by_hand(client, session, world):
    built = audited(session, world)
    approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=AUDIT_NOW)
    session.commit()
    login(client, "ins_op")
    client.post("/settlements/review/payment/record", data={"settlement_id": built.settlement.id,
                                                             "paid_on": "2026-12-02", "bank_reference": "BK-77"})
    assert built.settlement.status == "paid"


def test_the_provider_appeals_from_the_workspace_and_the_insurer_upholds_it(client, session, world):
    built = decided(session, world)
    session.commit()
    login(client, "ins_rev")
    assert client.post(_url(built.settlement, "/finish"), data={"note": "完成"}).status_code == 302
    client.post("/logout")
    login(client, "pr_op")
    page = client.get(_url(built.settlement)).get_data(as_text=True)
    assert 'data-testid="appeal-form"' in page
    client.post(_url(built.settlement, "/appeal"), data={"refusals": f"visit:{built.flagged[0].id}",
                                                         "reason": "老人在女儿家"})
    appeal = session.scalars(select(SettlementAppeal)).one()
    client.post("/logout")
    login(client, "ins_rev")
    client.post(_url(built.settlement, "/appeal/decide"), data={"appeal_id": appeal.id, "upheld": "yes"})
    assert appeal.outcome == "won"
    assert 'data-outcome="won"' in client.get(_url(built.settlement)).get_data(as_text=True)


def test_the_engines_case_page_shows_the_settlement_case_with_its_checks_and_workspace_link(client, session, world):
    built = submitted(session, world)
    session.commit()
    login(client, "ins_rev")
    page = client.get(f"/reviews/{built.settlement.case_id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "商保公司审核" in text and "待审核记录" in text
    assert f"/settlements/review/{built.settlement.id}" in text


def test_the_engines_own_case_page_cannot_approve_a_settlement_step(client, session, world):
    built = decided(session, world)     # every record decided: only the page is missing
    session.commit()
    login(client, "ins_rev")
    case_id = built.settlement.case_id
    response = client.post(f"/reviews/{case_id}/decision", data={
        "decision": "approve", "expected_version": str(session.get(ReviewCase, case_id).version)},
        follow_redirects=True)
    assert "请在结算审核页面办理本步骤" in response.get_data(as_text=True)
    assert (session.get(ReviewCase, case_id).step_code, built.settlement.status) == ("audit", "submitted")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_the_provider_attaches_an_evidence_file_the_insurer_downloads_it_others_get_404(client, session, world,
                                                                                      app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "DOCUMENTS_FOLDER", str(tmp_path))
    built = settlement(session, world)
    flagged = built.flagged[0]
    session.commit()
    login(client, "pr_op")
    refused = client.post(_url(built.settlement, "/submit"), data={
        f"evidence-file-visit-{flagged.id}": (io.BytesIO(b"just text"), "note.txt")},
        content_type="multipart/form-data")
    assert refused.status_code == 400 and "不是 PDF、JPG 或 PNG 格式" in refused.get_data(as_text=True)
    assert built.settlement.status == "draft"
    client.post(_url(built.settlement, "/submit"), data={
        f"remark-visit-{flagged.id}": "签到照片", f"evidence-file-visit-{flagged.id}": (io.BytesIO(PNG), "照片.png")},
        content_type="multipart/form-data")
    remark = session.scalar(select(SettlementRemark))
    assert (remark.evidence_file, remark.evidence_type, built.settlement.status) == ("照片.png", "image/png",
                                                                                      "submitted")
    client.post("/logout")
    login(client, "ins_rev")
    page = client.get(_url(built.settlement)).get_data(as_text=True)
    assert 'data-testid="evidence-file"' in page
    download = client.get(_url(built.settlement, f"/evidence/{remark.id}"))
    assert download.status_code == 200 and download.data == PNG
    download.close()
    client.post("/logout")
    login(client, "pr2_op")
    assert client.get(_url(built.settlement, f"/evidence/{remark.id}")).status_code == 404
