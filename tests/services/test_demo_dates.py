"""Demo agreements and expert certificates are dated from the load date (issue 8 point 15): a
fresh demo, whenever it is loaded, lists no agreement or certificate that ends soon."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import or_, select

from ltc.assessment.experts.models import ExpertCertificate
from ltc.auth.models import User
from ltc.core.clock import local_today, utcnow
from ltc.demo import carers as demo_carers, data
from ltc.demo.loader import load_demo
from ltc.demo.outcomes import PERSON_COUNT, PERSON_OFFSET
from ltc.entitlements.models import Entitlement
from ltc.orgs.models import AgreementPeriod
from ltc.web.worklists import worklists_for
from tests.conftest import NOW

LOAD_DATES = {
    "march 2026": NOW,
    "december 2026": datetime(2026, 12, 3, 2, 0, tzinfo=timezone.utc),
    "new year's eve 2027 in Shanghai": datetime(2027, 12, 31, 15, 30, tzinfo=timezone.utc),
    "2031": datetime(2031, 6, 2, 2, 0, tzinfo=timezone.utc),
}


def load_city(session, now):
    users = data.load_users(session, data.load_orgs(session, now=now), "Demo-test-2026", now)
    data.load_expert_certificates(session, users, now=now)
    session.flush()
    return users


@pytest.mark.parametrize("now", LOAD_DATES.values(), ids=LOAD_DATES.keys())
def test_no_home_page_lists_expiring_agreements_after_a_fresh_demo_load(app, session, now):
    today = local_today(now)
    users = load_city(session, now)
    with app.test_request_context():  # some lists link to their pages
        lists = {user.username: [wl for wl in worklists_for(session, user, today) if "到期" in wl.title]
                 for user in users}
    contracts = {name: [wl for wl in ending if "承办合同" in wl.title] for name, ending in lists.items()}
    others = [wl for ending in lists.values() for wl in ending if "承办合同" not in wl.title]
    assert all(wl.total == 0 and not wl.rows for wl in others), lists
    assert {wl.title for wl in lists["mia"]} >= {"60 天内到期的服务协议", "60 天内到期的评估专家证书"}  # there, empty
    # the one demo contract that ends soon on purpose (data.ENDING_DISTRICT), so the reminder can be seen
    assert [[row["district"] for row in wl.rows] for wl in contracts["mia"]] == [[data.ENDING_DISTRICT]]


@pytest.mark.parametrize("now", LOAD_DATES.values(), ids=LOAD_DATES.keys())
def test_demo_agreements_and_certificates_run_more_than_a_year_past_the_load_date(session, now):
    today = local_today(now)
    load_city(session, now)
    agreements = session.scalars(select(AgreementPeriod)).all()
    assert len(agreements) == len(data.ORGS)
    assert all(a.valid_from <= today and a.valid_to > today + timedelta(days=365) for a in agreements)
    certificates = session.scalars(select(ExpertCertificate)).all()
    assert len(certificates) == len(data.EXPERTS)
    assert all(c.covers(today) and c.valid_to > today + timedelta(days=730) for c in certificates)


def test_a_fresh_full_demo_load_lists_no_expiring_agreement_and_has_the_ended_entitlements(app, session):
    now = utcnow()
    load_demo(session, password="Demo-test-2026", now=now, persons=PERSON_OFFSET + PERSON_COUNT)
    users = session.scalars(select(User)).all()
    with app.test_request_context():
        lists = {user.username: [wl for wl in worklists_for(session, user, local_today(now)) if "到期" in wl.title]
                 for user in users}
    on_purpose = ("承办合同", "护理人员")  # the contract and the carer qualification that end soon on purpose
    assert all(wl.total == 0 for ending in lists.values() for wl in ending
               if not any(words in wl.title for words in on_purpose)), lists
    carers = [row["carer"] for wl in lists["provider"] if "护理人员" in wl.title for row in wl.rows]
    assert carers == [demo_carers.ENDING_CARER]
    ended = Counter(session.execute(select(Entitlement.status, Entitlement.end_reason)
                                    .where(or_(Entitlement.status == "void", Entitlement.end_reason == "reassessed"))))
    assert ended == {("void", "expiry"): 1, ("active", "reassessed"): 1}  # void keeps the end it was granted
