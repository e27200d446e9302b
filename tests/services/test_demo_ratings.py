"""The demo's follow-ups and complaints (issue 12): after ``demo load`` last month's sample is drawn and
recorded, three complaints exist (two upheld, one open), the ward patient's "not confirmed" follow-up
holds the bed-days of the ward's draft, this month's sample waits on the insurer's worklist, and the
demo logins see them on their pages."""
import re

from sqlalchemy import select

from ltc.billing.models import Settlement, SettlementLine
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months, first_of_month
from ltc.demo.loader import load_demo
from ltc.demo.ratings import load_ratings
from ltc.orgs.models import Organisation
from ltc.ratings.complaints.models import Complaint
from ltc.ratings.followups.models import FollowUp, FollowUpDraw
from tests.conftest import login

PASSWORD = "Demo-test-2026"


def _page(app, username: str, url: str) -> str:
    client = app.test_client()
    login(client, username, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.get_data(as_text=True)


def test_after_demo_load_follow_ups_and_complaints_fill_the_pages(app, session, monkeypatch):
    now = utcnow()
    load_demo(session, password=PASSWORD, now=now)
    session.commit()
    this = first_of_month(local_today(now))
    last = add_months(this, -1)
    assert sorted(d.month for d in session.scalars(select(FollowUpDraw))) == [last, this]
    follow_ups = session.scalars(select(FollowUp)).all()
    assert {f.origin for f in follow_ups} >= {"monthly_sample", "complaint"}
    assert all(f.status == "done" for f in follow_ups if f.due_on < this and f.origin != "new_grant")
    assert any(f.status == "open" for f in follow_ups)
    assert sorted(c.outcome or "open" for c in session.scalars(select(Complaint))) == ["open", "upheld", "upheld"]
    (held,) = [f for f in follow_ups if f.confirmed is False]
    ward = session.scalar(select(Organisation.id).where(Organisation.name == "市第二人民医院医疗专护病区"))
    draft = session.scalar(select(Settlement).where(Settlement.provider_id == ward, Settlement.month == last))
    lines = session.scalars(select(SettlementLine).where(
        SettlementLine.settlement_id == draft.id, SettlementLine.revision == draft.revision,
        SettlementLine.person_id == held.person_id)).all()
    assert draft.status == "draft" and sum(ln.held_units for ln in lines) > 0
    assert load_ratings(session, now=now) == 0                                  # loading again adds nothing

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    assert len(re.findall('data-testid="follow-up-row"', _page(app, "insurer", "/ratings/follow-ups/?status="))) >= 5
    assert len(re.findall('data-testid="complaint-row"', _page(app, "mia", "/ratings/complaints/"))) == 3
    assert "回访未确认服务" in _page(app, "provider3", f"/settlements/{draft.id}")
