"""Expiry reminders on the owning organisation's home page (SPEC §9: 60 days ahead): agreements,
insurers' contracts and expert certificates that end without a following period."""
from datetime import date, datetime, timedelta, timezone

import pytest

from ltc.assessment.experts import services as experts
from ltc.assessment.experts.worklists import certificates_ending
from ltc.core.audit import SYSTEM
from ltc.core.periods import add_period, period_on
from ltc.orgs.models import AgreementPeriod, InsurerContract
from ltc.orgs.worklists import agreements_ending, contracts_ending
from ltc.web.worklists import EXPIRY_REMINDER_DAYS
from tests.builders import contract, org, user

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 3, 16)


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def ending(session, model, day_after_last: date, **key):
    period = period_on(session, model, TODAY, **key)
    period.valid_to = day_after_last
    session.flush()
    return period


def rows(worklist, column):
    return [row[column] for row in worklist.rows]


def test_the_reminder_window_is_60_days():
    assert EXPIRY_REMINDER_DAYS == 60


def test_the_mia_admin_sees_contracts_ending_within_60_days_without_a_successor(session, world, request_context):
    ending(session, InsurerContract, TODAY + timedelta(days=60), district="东城区")
    ending(session, InsurerContract, TODAY + timedelta(days=61), district="西城区")
    mia_admin = world.users["mia_admin"]
    listed = contracts_ending(session, mia_admin, TODAY)
    assert (listed.title, rows(listed, "district"), rows(listed, "last_day")) == (
        "60 天内到期的承办合同", ["东城区"], [TODAY + timedelta(days=59)])
    contract(session, org(session, "insurer", "承办乙", 651), "东城区", TODAY + timedelta(days=60))
    assert contracts_ending(session, mia_admin, TODAY).rows == []  # re-tendered: nothing to remind


def test_an_insurer_admin_sees_its_own_contracts_others_no_list(session, world, request_context):
    ending(session, InsurerContract, TODAY + timedelta(days=10), district="东城区")
    other = org(session, "insurer", "承办乙", 652)
    contract(session, other, "南湖区", date(2025, 1, 1), TODAY + timedelta(days=5))
    assert rows(contracts_ending(session, world.users["ins_admin"], TODAY), "insurer") == ["承办保险公司"]
    assert rows(contracts_ending(session, user(session, other, "ins652_admin", "admin"), TODAY),
                "district") == ["南湖区"]
    assert contracts_ending(session, world.users["ins_op"], TODAY) is None
    assert contracts_ending(session, world.users["pr_admin"], TODAY) is None


def test_agreements_ending_within_60_days_reach_their_organisation(session, world):
    ending(session, AgreementPeriod, TODAY + timedelta(days=45), org_id=world.provider.id)
    ending(session, AgreementPeriod, TODAY + timedelta(days=75), org_id=world.provider2.id)
    assert rows(agreements_ending(session, world.users["mia_admin"], TODAY), "name") == ["居家护理甲"]
    assert rows(agreements_ending(session, world.users["pr_admin"], TODAY), "name") == ["居家护理甲"]
    add_period(session, AgreementPeriod, org_id=world.provider.id, agreement_no="XY-NEXT",
               valid_from=TODAY + timedelta(days=45))
    assert agreements_ending(session, world.users["pr_admin"], TODAY).rows == []  # renewed


def test_an_agency_sees_its_experts_certificates_ending_within_60_days(session, world):
    assessor = user(session, world.agency, "ag_expert", "assessor")
    other_agency = org(session, "agency", "评估机构乙", 653)
    stranger = user(session, other_agency, "ag2_expert", "assessor")
    admin = world.users["ag_admin"]
    for holder, n, days in ((assessor, 1, 30), (stranger, 2, 20)):
        experts.add_certificate(session, user=holder, certificate_no=f"ZJ-{n}", valid_from=date(2024, 1, 1),
                                valid_to=TODAY + timedelta(days=days), actor=SYSTEM, now=NOW)
    listed = certificates_ending(session, admin, TODAY)
    assert (listed.title, rows(listed, "expert"), rows(listed, "last_day")) == (
        "60 天内到期的评估专家证书", ["ag_expert"], [TODAY + timedelta(days=29)])
    assert rows(certificates_ending(session, world.users["mia_admin"], TODAY), "certificate_no") == ["ZJ-2", "ZJ-1"]
    assert certificates_ending(session, world.users["pr_admin"], TODAY) is None
    experts.add_certificate(session, user=assessor, certificate_no="ZJ-3", valid_from=TODAY + timedelta(days=30),
                            valid_to=None, actor=SYSTEM, now=NOW)
    assert certificates_ending(session, admin, TODAY).rows == []
