"""Issuing notices (SPEC §3.1): the PDF a person receives, its number, storage and audit.

Documents tests: the PDFs are rendered by WeasyPrint (``real_pdf``)."""
import hashlib
import re
import subprocess
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from ltc.auth.services import actor_of
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.core.errors import NotFound, ValidationFailed
from ltc.notices import services
from ltc.notices.models import Notice, NoticeCounter
from ltc.notices.rendering import render_pending, using
from tests.conftest import NOW
from tests.unit.test_notices_documents import (acceptance_data, conclusion_data, entitlement_data,
                                               refusal_data)

pytestmark = pytest.mark.usefixtures("real_pdf")


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                          check=True).stdout.decode()


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout


def pdf_info(content: bytes, tmp_path) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout


def issue(session, kind="conclusion", data=None, *, subject_id=1, now=NOW, actor=SYSTEM) -> Notice:
    """Step one: the numbered notice, pending."""
    data = data if data is not None else {"conclusion": conclusion_data, "acceptance": acceptance_data,
                                          "refusal": refusal_data, "entitlement": entitlement_data}[kind]()
    return services.issue_notice(session, kind=kind, subject_type="application", subject_id=subject_id,
                                 data=data, actor=actor, now=now)


def rendered(session, notice: Notice) -> Notice:
    """Step two, as after the caller's commit: its PDF rendered and stored."""
    render_pending(using(session), [notice.id])
    return notice


def issued(session, kind="conclusion", data=None, **kwargs) -> Notice:
    return rendered(session, issue(session, kind, data, **kwargs))


def test_conclusion_notice_shows_level_person_number_and_indicators_in_chinese(session, world):
    notice = issued(session, actor=actor_of(world.users["ag_admin"]))
    text = pdf_text(notice.content)
    for expected in ("评估结论通知书", "CON-2026-000001", "张三丰", "1101**********1234", "重度失能Ⅱ级",
                     "日常生活活动能力", "重度受损", "评估机构甲", "李评估、王评估", "赵专家、钱专家",
                     "本结论有效期24个月，自2026年3月16日起至2028年3月15日止",
                     "请于2026年3月23日前向承办保险公司提出书面异议"):
        assert expected in text, expected
    assert "CN-2021-37" in text and "2026年3月16日" in text
    assert "最终评估结论" not in text


def test_a_review_conclusion_says_it_is_final(session):
    text = pdf_text(issued(session, data=conclusion_data(is_review=True)).content)
    assert "本结论为复评结论，是最终评估结论" in text
    assert "提出书面异议" not in text


def test_chinese_is_drawn_with_an_embedded_cjk_font_on_a_single_a4_page(session, tmp_path):
    notice = issued(session)
    fonts = pdf_fonts(notice.content, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk), fonts  # embedded, subset, unicode map
    assert ".notdef" not in fonts
    info = pdf_info(notice.content, tmp_path)
    assert "Pages:           1" in info and "(A4)" in info


@pytest.mark.parametrize("kind, expected", [
    ("acceptance", ["受理通知书", "ACC-2026-000001", "王秀英", "2026年3月13日予以受理", "2026年4月24日前",
                    "承办保险公司"]),
    ("refusal", ["不予受理通知书", "RFS-2026-000001", "距上一次评估结论作出之日未满6个月"]),
    ("entitlement", ["待遇核定通知书", "ENT-2026-000001", "机构护理", "养老院乙", "60.00元/日",
                     "2026年3月1日起至2028年3月15日止", "市医保中心"]),
])
def test_every_kind_renders_its_notice(session, kind, expected):
    text = pdf_text(issued(session, kind).content)
    for fragment in expected:
        assert fragment in text, fragment


def test_refusal_for_other_reasons_prints_the_detail(session):
    notice = issued(session, "refusal", refusal_data(reason_code="other", detail="申请表未由本人或代理人签字"))
    text = pdf_text(notice.content)
    assert "其他原因" in text and "申请表未由本人或代理人签字" in text


def test_numbers_run_gap_free_per_kind_and_restart_each_shanghai_year(session):
    numbers = [issue(session).number, issue(session).number, issue(session, "acceptance").number,
               issue(session).number]
    assert numbers == ["CON-2026-000001", "CON-2026-000002", "ACC-2026-000001", "CON-2026-000003"]
    # 2026-12-31 16:30 UTC is already 1 January 2027 in Shanghai
    new_year = datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)
    first = issue(session, now=new_year)
    assert (first.number, first.year, first.seq) == ("CON-2027-000001", 2027, 1)
    assert issue(session, now=datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc)).number == "CON-2026-000004"


def test_a_rolled_back_issuance_gives_its_number_back(session):
    assert issue(session).number == "CON-2026-000001"
    savepoint = session.begin_nested()
    assert issue(session, subject_id=2).number == "CON-2026-000002"
    savepoint.rollback()
    again = issue(session, subject_id=3)
    assert again.number == "CON-2026-000002"
    assert session.scalar(select(func.count()).select_from(Notice)) == 2
    counter = session.get(NoticeCounter, ("conclusion", 2026))
    assert counter.last_seq == 2


def test_missing_data_is_refused_before_a_number_is_taken(session):
    data = conclusion_data()
    del data["level_name"]
    with pytest.raises(ValidationFailed) as err:
        issue(session, data=data)
    assert err.value.fields == {"level_name": "缺少该字段"}
    assert session.scalar(select(func.count()).select_from(NoticeCounter)) == 0
    assert issue(session).number == "CON-2026-000001"


def test_unknown_kind_is_refused(session):
    with pytest.raises(ValidationFailed):
        services.issue_notice(session, kind="invoice", subject_type="application", subject_id=1, data={},
                              actor=SYSTEM, now=NOW)


def test_the_stored_pdf_matches_its_sha256_and_the_data_is_kept(session, world):
    actor = actor_of(world.users["ins_op"])
    notice = issued(session, "acceptance", actor=actor, subject_id=42)
    session.expire_all()
    stored = session.get(Notice, notice.id)
    assert stored.status == "issued" and stored.content.startswith(b"%PDF-")
    assert stored.sha256 == hashlib.sha256(stored.content).hexdigest()
    assert stored.size == len(stored.content)
    assert (stored.kind, stored.year, stored.seq, stored.subject_type, stored.subject_id) == \
        ("acceptance", 2026, 1, "application", 42)
    assert stored.issued_by_id == world.users["ins_op"].id and stored.issued_at == NOW
    assert stored.data["person_name"] == "王秀英" and stored.data["accepted_on"] == "2026-03-13"
    assert stored.data["number"] == "ACC-2026-000001"
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "notice",
                                                       AuditEntry.entity_id == str(notice.id)).order_by(AuditEntry.id))
    issue_entry, render_entry = entries
    assert (issue_entry.action, issue_entry.user_id, issue_entry.org_id) == ("issue", actor.user_id, actor.org_id)
    assert issue_entry.after["number"] == "ACC-2026-000001" and issue_entry.after["status"] == "pending"
    assert (render_entry.action, render_entry.user_id) == ("render", None)
    assert render_entry.after == {"status": "issued", "number": "ACC-2026-000001", "sha256": stored.sha256,
                                  "size": stored.size}


def test_notices_of_a_subject_are_listed_oldest_first(session):
    first = issue(session, "acceptance", subject_id=7)
    issue(session, "acceptance", subject_id=8)
    second = issue(session, subject_id=7)
    assert services.notices_for(session, "application", 7) == [first, second]
    assert services.notices_for(session, "entitlement", 7) == []
    assert services.get_notice(session, second.id) is second
    with pytest.raises(NotFound):
        services.get_notice(session, second.id + 100)


def test_a_below_threshold_conclusion_notice_fits_on_one_page(session, tmp_path):
    """A level below the benefit threshold with the publicity wording (the longest objection text):
    signature and footnote stay on the first page."""
    objection = ("本结论自 2026-03-17 起公示 5 个工作日，至 2026-03-23 止。如对本结论有异议，可于 2026-03-23（含）前"
                 "向经办机构提出复评申请；公示期满无异议的，本结论为最终评估结论。")
    data = conclusion_data(level=1, level_name="轻度失能", adl_total=70, adl_grade=1, cognition_total=16,
                           cognition_grade=0, perception_total=12, perception_grade=0, cp_grade=0,
                           objection_text=objection)
    notice = issued(session, data=data)
    assert re.search(r"Pages:\s+1\n", pdf_info(notice.content, tmp_path))
    text = pdf_text(notice.content)
    assert "本通知书编号" in text and re.search(r"第\s*1\s*页\s*共\s*1\s*页", text)
