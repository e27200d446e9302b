"""The conclusion, publicity and finality (SPEC §3.1): the conclusion date is the second expert's
confirmation day, the notice is issued that day for every level with the objection deadline, and
the final date is computed — the daily job records it, whenever it runs."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications import jobs
from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.services.conclusion import published_list, record_finality
from ltc.core import events
from ltc.core.audit import SYSTEM
from ltc.core.calendar import set_override
from ltc.notices.models import Notice
from tests.assessment_builders import at, confirmed

D = date


@pytest.fixture
def c(shared_cast):
    return shared_cast


def con_notices(session, app) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.subject_id == app.id, Notice.kind == "conclusion")))


def daily_job(session, due: date, *, ran_on: date | None = None) -> dict:
    """The 00:30 job due on ``due``, run on ``ran_on`` (a catch-up when later)."""
    return jobs.finality(session, now=at(ran_on or due, 0), due_at=at(due, 0))


@pytest.fixture
def heard(monkeypatch):
    heard = []
    monkeypatch.setattr(events.hub, "_handlers", {ConclusionFinal: [lambda s, event: heard.append(
        (event.application.id, event.application.final_on))]})
    return heard


def test_a_level_at_the_threshold_is_concluded_on_confirmation_and_publicized(session, c):
    app = confirmed(session, c, level=3, confirm_on=D(2026, 3, 19))     # Thursday
    assert app.status == "publicized" and app.level == 3
    assert (app.concluded_on, app.valid_from, app.valid_to) == (D(2026, 3, 19), D(2026, 3, 19), D(2028, 3, 19))
    assert (app.publicity_start, app.publicity_end, app.objection_until) == (D(2026, 3, 20), D(2026, 3, 26),
                                                                            D(2026, 3, 26))
    assert app.final_on is None
    [notice] = con_notices(session, app)          # issued on the conclusion date, with the deadline
    assert (notice.number, notice.issued_at) == ("CON-2026-000001", at(D(2026, 3, 19), 11))
    assert notice.data["concluded_on"] == "2026-03-19" and notice.data["objection_until"] == "2026-03-26"
    assert "2026-03-26" in notice.data["objection_text"] and "公示" in notice.data["objection_text"]
    assert notice.data["experts"] == [c.agencies[0].experts[1].full_name, c.agencies[0].experts[2].full_name]


def test_publicity_over_a_holiday_counts_working_days(session, c):
    app = confirmed(session, c, level=5, confirm_on=D(2026, 3, 30), visit_on=D(2026, 3, 27))
    # 3 April is a Friday before Qingming (4–6 April)
    assert (app.publicity_start, app.publicity_end) == (D(2026, 3, 31), D(2026, 4, 7))


def test_the_daily_job_records_finality_the_day_after_publicity_ended(session, c, heard):
    app = confirmed(session, c, level=3)
    assert daily_job(session, D(2026, 3, 26)) == {"final": 0}
    assert (app.status, app.final_on, heard) == ("publicized", None, [])
    assert daily_job(session, D(2026, 3, 27)) == {"final": 1}
    assert (app.status, app.final_on, app.concluded_on) == ("concluded", D(2026, 3, 27), D(2026, 3, 19))
    assert (app.valid_from, app.valid_to) == (D(2026, 3, 19), D(2028, 3, 19))
    assert heard == [(app.id, D(2026, 3, 27))]
    assert app.events[-1].actor_user_id is None and app.events[-1].action == "conclude_after_publicity"
    assert daily_job(session, D(2026, 3, 27), ran_on=D(2026, 3, 28)) == {"final": 0}      # idempotent
    assert len(con_notices(session, app)) == 1 and len(heard) == 1


@pytest.mark.parametrize("level", [3, 2])
def test_a_catch_up_two_days_late_changes_no_date(session, c, heard, level):
    """Whether the missed run is caught up on a later day or only the latest due time runs."""
    app = confirmed(session, c, level=level, confirm_on=D(2026, 3, 19))
    assert daily_job(session, D(2026, 3, 29), ran_on=D(2026, 3, 29)) == {"final": 1}
    assert (app.status, app.concluded_on, app.final_on) == ("concluded", D(2026, 3, 19), D(2026, 3, 27))
    assert (app.valid_from, app.valid_to) == (D(2026, 3, 19), D(2028, 3, 19))
    assert heard == [(app.id, D(2026, 3, 27))]


def test_a_level_below_the_threshold_is_concluded_on_confirmation_and_final_after_its_objection_window(
        session, c, heard):
    app = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    assert (app.status, app.concluded_on, app.valid_to) == ("concluded", D(2026, 3, 19), D(2028, 3, 19))
    assert (app.publicity_start, app.objection_until, app.final_on) == (None, D(2026, 3, 26), None)
    [notice] = con_notices(session, app)
    assert "2026-03-26" in notice.data["objection_text"] and notice.data["objection_until"] == "2026-03-26"
    assert [(e.from_status, e.to_status) for e in app.events][-2:] == [("assessed", "confirmed"),
                                                                        ("confirmed", "concluded")]
    assert heard == []                                          # not final while it may be objected to
    assert daily_job(session, D(2026, 3, 26)) == {"final": 0}
    assert daily_job(session, D(2026, 3, 27)) == {"final": 1}
    assert (app.status, app.final_on, heard) == ("concluded", D(2026, 3, 27), [(app.id, D(2026, 3, 27))])
    session.expire(app, ["events"])
    assert app.events[-1].action == "final" and app.events[-1].data["final_on"] == "2026-03-27"


def test_the_window_ends_on_the_later_of_the_printed_and_the_recomputed_day(session, c):
    later = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    admin = c.actor("mia_op")
    set_override(session, day=D(2026, 3, 25), is_workday=False, note="临时休假", actor=admin, now=at(D(2026, 3, 20)))
    record_finality(session, today=D(2026, 3, 27), actor=SYSTEM, now=at(D(2026, 3, 27), 0))
    assert later.final_on is None                               # the window now ends on 27 March
    record_finality(session, today=D(2026, 3, 28), actor=SYSTEM, now=at(D(2026, 3, 28), 0))
    assert later.final_on == D(2026, 3, 28)


def test_a_calendar_change_never_shortens_the_printed_window(session, c):
    app = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    set_override(session, day=D(2026, 3, 21), is_workday=True, note="调休", actor=c.actor("mia_op"),
                 now=at(D(2026, 3, 20)))                        # computed now: 25 March; printed: 26 March
    record_finality(session, today=D(2026, 3, 26), actor=SYSTEM, now=at(D(2026, 3, 26), 0))
    assert app.final_on is None
    record_finality(session, today=D(2026, 3, 27), actor=SYSTEM, now=at(D(2026, 3, 27), 0))
    assert app.final_on == D(2026, 3, 27)


def test_the_published_list_masks_names_and_ids_during_publicity_only(session, c):
    app = confirmed(session, c, level=5)
    assert published_list(session, D(2026, 3, 19)).items == []
    page = published_list(session, D(2026, 3, 20))
    [row] = page.items
    assert (row.application_id, row.name, row.level, row.agency) == (app.id, "李*光", 5, "评估机构甲")
    assert row.id_number.startswith("1101") and "*" in row.id_number and len(row.id_number) == 18
    assert page.total == 1 and published_list(session, D(2026, 3, 26)).total == 1
    assert published_list(session, D(2026, 3, 27)).total == 0


def test_final_conclusions_are_heard_by_the_entitlement_opening_and_the_lower_conclusion_end(session, c):
    assert [h.__module__ for h in events.hub.subscribers(ConclusionFinal)] == [
        "ltc.entitlements.opening", "ltc.entitlements.lowering"]


def test_the_conclusion_notice_reads_publicity_days_and_validity_from_the_policy_in_force(session, c):
    from tests.services.test_assessment_acceptance import publish_assessment_policy

    publish_assessment_policy(session, D(2026, 3, 1), publicity_working_days=7, validity_months=36)
    app = confirmed(session, c, level=3, confirm_on=D(2026, 3, 19))
    assert (app.publicity_end, app.valid_to) == (D(2026, 3, 30), D(2029, 3, 19))
    [notice] = con_notices(session, app)
    assert notice.data["validity_months"] == 36
    assert "公示 7 个工作日，至 2026-03-30 止" in notice.data["objection_text"]


def test_below_the_threshold_the_notice_states_the_objection_days_of_the_policy(session, c):
    from tests.services.test_assessment_acceptance import publish_assessment_policy

    publish_assessment_policy(session, D(2026, 3, 1), objection_working_days=10)
    app = confirmed(session, c, level=2, confirm_on=D(2026, 3, 19))
    [notice] = con_notices(session, app)
    assert "10 个工作日内" in notice.data["objection_text"] and notice.data["validity_months"] == 24


@pytest.mark.usefixtures("real_pdf")
def test_the_printed_conclusion_notice_changes_with_the_policy(session, c):
    from ltc.notices.rendering import render_pending, using
    from tests.services.test_assessment_acceptance import publish_assessment_policy
    from tests.services.test_notices import pdf_text

    publish_assessment_policy(session, D(2026, 3, 1), publicity_working_days=7, validity_months=36)
    app = confirmed(session, c, level=3, confirm_on=D(2026, 3, 19))
    [notice] = con_notices(session, app)
    render_pending(using(session), [notice.id])
    text = pdf_text(notice.content)
    assert "本结论有效期36个月" in text and "公示 7 个工作日" in text
