"""The demo's care records (issue 10 point 8): after ``demo load`` every rule of SPEC §6 has an open
finding made by the real services and the nightly scan, and every demo role's record pages list
something — the findings queue, the provider's findings, the census, week views and visit pages."""
import re
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from ltc.compliance.kinds import RuleCode
from ltc.compliance.models import Finding
from ltc.core.clock import local_today, utcnow
from ltc.core.months import add_months, first_of_month
from ltc.demo.loader import load_demo
from ltc.demo.records import load_records
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.records.models import Leave, Stay, Visit
from tests.conftest import login

PASSWORD = "Demo-test-2026"


def _count(page: str, testid: str) -> int:
    return len(re.findall(f'data-testid="{testid}"', page))


def _page(client, url: str, **query) -> str:
    response = client.get(url, query_string=query)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def _as(app, username: str):
    client = app.test_client()
    login(client, username, PASSWORD)
    return client


def test_after_demo_load_every_rule_has_an_open_finding_and_every_role_sees_records(app, session, monkeypatch):
    now = utcnow()
    load_demo(session, password=PASSWORD, now=now)
    session.commit()
    today = local_today(now)
    last = add_months(first_of_month(today), -1)

    open_rules = Counter(session.scalars(select(Finding.rule).where(Finding.status == "open")))
    assert {r.value for r in RuleCode} - set(open_rules) == set()
    done = session.scalars(select(Visit.service_date).where(Visit.status == "done")).all()
    assert min(done) >= last
    assert today.day == 1 or any(d >= first_of_month(today) for d in done)   # the current month to date
    assert session.scalar(select(func.count()).select_from(Visit).where(Visit.status == "scheduled",
                                                                        Visit.service_date >= today)) > 0
    leaves = sorted((lv.back_on - lv.out_on).days for lv in session.scalars(select(Leave)))
    assert leaves == [2, 4]
    assert session.scalar(select(func.count()).select_from(CarerSuspensionPeriod)) == 1
    assert load_records(session, now=now) == 0                                  # loading again adds nothing

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    client = _as(app, "insurer")
    assert _count(_page(client, "/findings/"), "finding-row") > 0
    assert _count(_page(client, "/findings/", rule="V11"), "finding-row") > 0
    nursing_home = session.scalar(select(Stay.provider_id).where(Stay.care_type == "institution"))
    assert _count(_page(client, f"/stays/provider/{nursing_home}/census", month=f"{last:%Y-%m}"), "census-row") > 0
    for username in ("provider", "provider2", "provider3"):
        client = _as(app, username)
        assert _count(_page(client, "/findings/"), "finding-row") > 0, username
    client = _as(app, "provider")
    home = session.scalar(select(Visit.provider_id).limit(1))          # its own register, not the bed-based staff
    assert _count(_page(client, "/carers/"), "carer-row") == session.scalar(
        select(func.count()).select_from(Carer).where(Carer.provider_id == home))
    page = _page(client, "/visits/week", week=(today - timedelta(days=7)).isoformat())
    assert _count(page, "visit-card") > 0, re.sub(r"\s+", " ", page[page.find("<main"):])[:2500]
    for username in ("provider2", "provider3"):
        client = _as(app, username)
        assert _count(_stays(client), "stay-row") > 0, username
    client = _as(app, "carer")
    assert _count(_page(client, "/visits/today"), "today-visit") > 0
    week = _page(client, "/visits/week", week=(today - timedelta(days=7)).isoformat())
    visit_id = re.search(r'data-visit="(\d+)"', week).group(1)
    assert 'data-testid="visit"' in _page(client, f"/visits/{visit_id}")


def _stays(client) -> str:
    response = client.get("/stays/", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)
