"""Two-step issuance: the notice is numbered and stored pending in the business transaction, its
PDF rendered after commit; a failed render stays pending and the job "retry pending notices"
issues it (SPEC §9). Rendered here with the fast double (the PDF's content is tested in
test_notices.py)."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from ltc.core.audit import AuditEntry
from ltc.notices import services
from ltc.notices.jobs import retry_pending_notices
from ltc.notices.models import Notice
from ltc.notices.rendering import pending_ids, render_pending, using
from ltc.scheduler.registry import get_job
from tests.conftest import NOW
from tests.pdf_double import tiny_pdf
from tests.services.test_notices import issue


def failing(template_name, data):
    raise RuntimeError("WeasyPrint crashed")


def test_issuing_stores_the_numbered_notice_pending_with_its_values_but_no_pdf(session):
    notice = issue(session, "acceptance")
    session.expire_all()
    stored = session.get(Notice, notice.id)
    assert (stored.number, stored.status, stored.is_pending) == ("ACC-2026-000001", "pending", True)
    assert stored.content is None and stored.sha256 is None and stored.size is None and stored.rendered_at is None
    assert stored.data["number"] == "ACC-2026-000001" and stored.data["person_name"] == "王秀英"


def test_rendering_after_commit_stores_the_pdf_with_its_sha256_and_marks_the_notice_issued(session):
    notice = issue(session)
    session.commit()
    report = render_pending(using(session), [notice.id], now=NOW + timedelta(seconds=2))
    assert report.issued == ["CON-2026-000001"] and report.failed == []
    session.expire_all()
    stored = session.get(Notice, notice.id)
    assert stored.status == "issued" and stored.content == tiny_pdf("conclusion.html", stored.data)
    assert stored.rendered_at == NOW + timedelta(seconds=2) and stored.issued_at == NOW
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "notice",
                                                          AuditEntry.action == "render")) == "render"


def test_a_notice_already_issued_or_rolled_back_is_not_rendered_again(session):
    notice = issue(session)
    session.commit()
    assert render_pending(using(session), [notice.id]).counts() == {"issued": 1, "still_pending": 0}
    assert render_pending(using(session), [notice.id, notice.id + 99]).counts() == {"issued": 0, "still_pending": 0}
    renders = session.scalars(select(AuditEntry).where(AuditEntry.action == "render")).all()
    assert len(renders) == 1


def test_a_failed_render_leaves_the_notice_pending_with_its_number_and_the_retry_job_issues_it(session, caplog):
    first, second = issue(session, subject_id=1), issue(session, subject_id=2)
    session.commit()
    report = render_pending(using(session), [first.id, second.id], renderer=failing)
    assert report.failed == ["CON-2026-000001", "CON-2026-000002"] and report.issued == []
    assert "CON-2026-000001: rendering failed; it stays pending" in caplog.text
    session.expire_all()
    assert [n.status for n in session.scalars(select(Notice).order_by(Notice.id))] == ["pending", "pending"]
    assert pending_ids(session) == [first.id, second.id]

    assert retry_pending_notices(session, now=NOW, due_at=NOW) == {"issued": 2, "still_pending": 0}
    session.expire_all()
    stored = session.scalars(select(Notice).order_by(Notice.id)).all()
    assert [(n.number, n.status) for n in stored] == [("CON-2026-000001", "issued"), ("CON-2026-000002", "issued")]
    assert retry_pending_notices(session, now=NOW, due_at=NOW) == {"issued": 0, "still_pending": 0}  # idempotent


def test_the_retry_job_is_in_the_registry_every_ten_minutes():
    job = get_job("retry_pending_notices")
    assert job.schedule.every_minutes == 10 and job.schedule.describe() == "每10分钟"
    assert job.load() is retry_pending_notices


def test_take_issued_hands_out_only_the_notices_of_transactions_that_ended(session):
    first = issue(session, subject_id=1)
    assert services.take_issued(session) == []  # its transaction is still open
    session.commit()
    second = issue(session, subject_id=2)
    assert services.take_issued(session) == [first.id]
    assert services.take_issued(session) == []
    session.commit()
    assert services.take_issued(session) == [second.id]


@pytest.mark.parametrize("kind", ["acceptance", "refusal", "conclusion", "entitlement"])
def test_every_kind_is_rendered_from_its_stored_values(session, kind):
    notice = issue(session, kind)
    session.commit()
    seen = []
    render_pending(using(session), [notice.id], renderer=lambda t, d: seen.append((t, d)) or tiny_pdf(t, d))
    assert seen == [(f"{kind}.html", notice.data)]
