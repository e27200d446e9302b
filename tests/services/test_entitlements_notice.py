"""The entitlement notice (待遇核定通知书, SPEC §4.2): a numbered PDF about the entitlement.

Documents tests: the PDFs are rendered by WeasyPrint (``real_pdf``)."""
from datetime import date

import pytest

from ltc.core.audit import SYSTEM
from ltc.entitlements.notice import issue_entitlement_notice
from ltc.notices import services as notices
from ltc.notices.models import Notice
from tests.conftest import NOW
from tests.entitlement_builders import conclusion, grant, plain_conclusion
from tests.people_builders import person
from tests.services.test_notices import pdf_text, rendered

pytestmark = pytest.mark.usefixtures("real_pdf")


def test_the_notice_prints_person_level_care_type_provider_period_plan_and_issue_date(session, world):
    someone = person(session, 1, name="张三丰")
    concl = conclusion(session, someone, concluded_on=date(2026, 1, 20), level=4)
    con = Notice(number="CON-2026-000007", kind="conclusion", year=2026, seq=7, subject_type="application",
                 subject_id=concl.id, data={}, content=b"%PDF", sha256="0" * 64, size=4)
    session.add(con)
    e = grant(session, someone, world.provider, care_type="home", conclusion_of=concl, care_plan_id=None)
    notice = issue_entitlement_notice(session, e, actor=SYSTEM, now=NOW, plan_version="第2版",
                                      benefit_lines=[("小时单价", "65.00元/小时")])
    assert notice.number == "ENT-2026-000001" and (notice.subject_type, notice.subject_id) == ("entitlement", e.id)
    assert notice.is_pending
    text = pdf_text(rendered(session, notice).content)
    for fragment in ("待遇核定通知书", "张三丰", "重度失能Ⅱ级（4级）", "居家上门护理", "居家护理甲",
                     "2026年2月1日起至2028年1月19日止", "CON-2026-000007", "第2版", "65.00元/小时",
                     "市医保中心", "2026年3月16日"):
        assert fragment in text, fragment
    assert "1101**" in text and someone.id_number not in text
    assert notices.notices_for(session, "entitlement", e.id) == [notice]


def test_a_migrated_entitlement_names_its_conclusion_date_and_the_policy_when_no_benefit_lines(session, world):
    someone = person(session, 1, name="李四")
    e = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(level=3), origin="migrated",
              starts_on=date(2025, 3, 1))
    text = pdf_text(rendered(session, issue_entitlement_notice(session, e, actor=SYSTEM, now=NOW)).content)
    for fragment in ("机构护理", "养老院乙", "重度失能Ⅰ级", "2026-01-20 评估结论",
                     "按待遇期间内有效的长期护理保险政策执行", "由服务机构制定后告知"):
        assert fragment in text, fragment


def test_the_provider_and_the_insurer_can_open_the_notice_but_another_provider_cannot(session, world):
    someone = person(session, 1, name="王五")
    e = grant(session, someone, world.provider2, conclusion_of=plain_conclusion(), origin="migrated",
              starts_on=date(2026, 1, 1))
    notice = issue_entitlement_notice(session, e, actor=SYSTEM, now=NOW)
    can = {name: notices.can_see(session, world.users[name], notice)
           for name in ("pr2_op", "ins_op", "mia_op", "pr_op")}
    assert can == {"pr2_op": True, "ins_op": True, "mia_op": True, "pr_op": False}


def test_the_termination_notice_of_a_lower_conclusion_prints_its_reason_and_last_day(session, world):
    from ltc.entitlements.notice import issue_termination_notice
    from ltc.entitlements.services import shorten

    someone = person(session, 1, name="张三丰")
    e = grant(session, someone, world.provider2, care_type="institution",
              conclusion_of=conclusion(session, someone, concluded_on=date(2025, 6, 10), level=4))
    granted_to = e.valid_to
    shorten(session, e, to=date(2026, 4, 1), reason="reassessed", actor=SYSTEM, now=NOW)
    notice = issue_termination_notice(session, e, granted_to=granted_to, ends_on=date(2026, 4, 1),
                                      event_date=date(2026, 3, 27), reason="reassessed", void=False,
                                      actor=SYSTEM, now=NOW)
    assert notice.number == "TRM-2026-000001" and (notice.subject_type, notice.subject_id) == ("entitlement", e.id)
    text = pdf_text(rendered(session, notice).content)
    for fragment in ("待遇终止通知书", "TRM-2026-000001", "张三丰", "养老院乙", "经重新评估", "2026年4月1日起终止",
                     "2026年3月31日"):
        assert fragment in text, fragment
    can = {name: notices.can_see(session, world.users[name], notice) for name in ("pr2_op", "pr_op", "ins_op")}
    assert can == {"pr2_op": True, "pr_op": False, "ins_op": True}
