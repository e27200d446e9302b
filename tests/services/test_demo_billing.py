"""The demo's settlements (issue 11): after ``demo load`` the past months' settlements exist, made by the
real generation and review services, one at each stage (submitted with a remark, audited with a refusal
and the sample, approved with its deposit, paid with a bank reference, a won appeal as an adjustment in
the next draft); the MIA's stars are entered; the family allowance list holds the beneficiary without an
account; and the demo logins see them on their pages."""
import re
from decimal import Decimal

from sqlalchemy import func, select

from ltc.billing.deposits.models import DepositEntry, SettlementNet
from ltc.billing.family.models import FamilyAllowanceLine
from ltc.billing.models import Settlement, SettlementLine, SettlementRevision
from ltc.billing.review.models import (SettlementAppeal, SettlementAudit, SettlementRecordDecision, SettlementRemark,
                                       SettlementSample)
from ltc.billing.stars.models import ProviderAnnualStar, ProviderMonthlyStar
from ltc.core.clock import local_today, utcnow
from ltc.core.money import to_money
from ltc.core.months import add_months, first_of_month
from ltc.demo.billing import load_billing
from ltc.demo.loader import load_demo
from ltc.orgs.models import Organisation
from tests.conftest import login

PASSWORD = "Demo-test-2026"


def _count(page: str, testid: str) -> int:
    return len(re.findall(f'data-testid="{testid}"', page))


def _page(app, username: str, url: str) -> str:
    client = app.test_client()
    login(client, username, PASSWORD)
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.get_data(as_text=True)


def _settlements(session, last):
    names = {o.id: o.name for o in session.scalars(select(Organisation))}
    by = {}
    for s in session.scalars(select(Settlement)):
        key = {"颐年养老院": "home2", "市第二人民医院医疗专护病区": "ward", "安康居家护理服务中心": "home"}.get(
            names[s.provider_id])
        by[(key, "last" if s.month == last else "before")] = s
    return by


def _refused(session, settlement) -> int:
    """How many records the audit refused, each deducting part of the fund."""
    deducted = session.scalars(select(SettlementRecordDecision.deducted_fund).where(
        SettlementRecordDecision.settlement_id == settlement.id, SettlementRecordDecision.decision == "refuse")).all()
    assert all(fund > 0 for fund in deducted)
    return len(deducted)


def _sampled(session, settlement) -> int:
    return session.scalar(select(func.count()).select_from(SettlementSample).where(
        SettlementSample.settlement_id == settlement.id))


def _check_stages(session, by):
    submitted = by[("home", "last")]
    assert submitted.status == "submitted"
    assert session.scalar(select(SettlementRemark.remark).where(SettlementRemark.settlement_id == submitted.id))
    audited = by[("ward", "before")]
    assert audited.status == "audited"
    assert _refused(session, audited) >= 1 and _sampled(session, audited) >= 1
    approved = by[("home2", "last")]
    assert approved.status == "approved" and _refused(session, approved) >= 1 and _sampled(session, approved) >= 1
    withheld = session.scalar(select(DepositEntry.amount).where(DepositEntry.settlement_id == approved.id,
                                                                DepositEntry.kind == "withheld"))
    deducted = session.scalar(select(SettlementAudit.deducted_fund).where(SettlementAudit.settlement_id == approved.id))
    assert withheld == approved.deposit == to_money((approved.fund - deducted) * Decimal("0.10"))
    assert withheld > 0 and deducted > 0
    assert session.scalar(select(SettlementNet.payable).where(SettlementNet.settlement_id == approved.id)) > 0
    paid = by[("home2", "before")]
    audit = session.scalar(select(SettlementAudit).where(SettlementAudit.settlement_id == paid.id))
    assert paid.status == "paid" and audit.bank_reference and audit.paid_on
    appeal = session.scalar(select(SettlementAppeal).where(SettlementAppeal.settlement_id == audited.id))
    assert appeal.outcome == "won"
    draft = by[("ward", "last")]
    assert draft.status == "draft" and draft.adjustments > 0
    adjustment = session.scalar(select(SettlementLine).where(
        SettlementLine.settlement_id == draft.id, SettlementLine.revision == draft.revision,
        SettlementLine.kind == "adjustment"))
    assert (adjustment.reason, adjustment.service_month, adjustment.fund) == ("appeal", audited.month,
                                                                              draft.adjustments)


def test_after_demo_load_each_settlement_stage_exists_and_the_logins_see_them(app, session, monkeypatch):
    now = utcnow()
    load_demo(session, password=PASSWORD, now=now)
    session.commit()
    last = add_months(first_of_month(local_today(now)), -1)
    by = _settlements(session, last)
    assert {month for _, month in by} == {"before", "last"}
    # every settlement made by the generation (a revision by the monthly job), none by hand
    assert session.scalar(select(func.count()).select_from(SettlementRevision).where(
        SettlementRevision.source == "schedule")) == session.scalar(select(func.count()).select_from(Settlement))
    _check_stages(session, by)

    monthly = session.scalars(select(ProviderMonthlyStar)).all()
    annual = session.scalars(select(ProviderAnnualStar)).all()
    # the MIA's entered stars (last month's superseded by the ratings run's computed stars, SPEC §1)
    assert monthly and annual and all(s.reason for s in [*monthly, *annual])
    assert all(s.source == "entered" for s in [*annual, *(m for m in monthly if m.month < last)])
    lines = session.scalars(select(FamilyAllowanceLine).where(FamilyAllowanceLine.month == last)).all()
    assert sorted(line.status for line in lines) == ["held", "payable"]
    assert all(line.amount > Decimal("0") for line in lines)
    assert next(line for line in lines if line.status == "held").account_no is None
    assert load_billing(session, now=now) == 0                                  # loading again adds nothing

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    assert _count(_page(app, "provider", "/settlements/"), "settlement-row") >= 2
    assert _count(_page(app, "mia", "/settlements/review/approval"), "approval-row") == 1
    assert _count(_page(app, "mia", "/billing/stars/"), "star-row") >= 3
    assert _count(_page(app, "insurer", "/settlements/review/payment"), "awaiting-row") == 1
    assert _count(_page(app, "insurer", "/billing/family/"), "family-line") == 2
    assert _count(_page(app, "provider2", "/billing/deposits/"), "deposit-entry") >= 2
    page = _page(app, "provider3", f"/settlements/{by[('ward', 'last')].id}")
    assert 'data-testid="total-adjustments"' in page
    for username, key in (("provider", ("home", "last")), ("insurer", ("ward", "before"))):
        assert 'data-testid="workspace-title"' in _page(app, username, f"/settlements/review/{by[key].id}")
