"""Publicity and conclusion (SPEC §3.1): threshold, publicity days, the daily job, the list."""
from datetime import date

import pytest
from sqlalchemy import select

from ltc.assessment.applications import jobs
from ltc.assessment.applications.events import ConclusionFinal
from ltc.assessment.applications.services.conclusion import conclude_ended_publicities, published_list
from ltc.core import events
from ltc.core.audit import SYSTEM
from ltc.notices.models import Notice
from tests.assessment_builders import at, cast, confirmed


@pytest.fixture
def c(session, world):
    return cast(session, world)


def con_notices(session, app) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.subject_id == app.id, Notice.kind == "conclusion")))


def test_a_level_at_the_threshold_is_publicized_from_the_next_working_day_for_five_working_days(session, c):
    app = confirmed(session, c, level=3, confirm_on=date(2026, 3, 19))     # Thursday
    assert app.status == "publicized" and app.level == 3
    assert (app.publicity_start, app.publicity_end) == (date(2026, 3, 20), date(2026, 3, 26))
    assert app.concluded_on is None and con_notices(session, app) == []


def test_publicity_over_a_holiday_counts_working_days(session, c):
    app = confirmed(session, c, level=5, confirm_on=date(2026, 3, 30), visit_on=date(2026, 3, 27))
    # 3 April is a Friday before Qingming (4–6 April)
    assert (app.publicity_start, app.publicity_end) == (date(2026, 3, 31), date(2026, 4, 7))


def test_the_daily_job_concludes_the_day_after_publicity_ended(session, c):
    app = confirmed(session, c, level=3)
    assert conclude_ended_publicities(session, today=date(2026, 3, 26), actor=SYSTEM, now=at(date(2026, 3, 26))) == 0
    assert app.status == "publicized"
    counts = jobs.conclude_publicities(session, now=at(date(2026, 3, 27), 0), due_at=at(date(2026, 3, 27), 0))
    assert counts == {"concluded": 1}
    assert (app.status, app.concluded_on) == ("concluded", date(2026, 3, 27))
    assert (app.valid_from, app.valid_to) == (date(2026, 3, 27), date(2028, 3, 27))
    [notice] = con_notices(session, app)
    assert notice.number == "CON-2026-000001"
    assert notice.data["level"] == 3 and notice.data["valid_to"] == "2028-03-27"
    assert notice.data["experts"] == [c.agencies[0].experts[1].full_name, c.agencies[0].experts[2].full_name]
    assert "无异议" in notice.data["objection_text"]
    assert app.events[-1].actor_user_id is None and app.events[-1].action == "conclude_after_publicity"
    # idempotent
    rerun = jobs.conclude_publicities(session, now=at(date(2026, 3, 27), 1), due_at=at(date(2026, 3, 27), 0))
    assert rerun == {"concluded": 0}
    assert len(con_notices(session, app)) == 1


def test_a_level_below_the_threshold_is_concluded_on_the_day_of_confirmation(session, c):
    app = confirmed(session, c, level=2, confirm_on=date(2026, 3, 19))
    assert (app.status, app.concluded_on, app.valid_to) == ("concluded", date(2026, 3, 19), date(2028, 3, 19))
    assert app.publicity_start is None
    [notice] = con_notices(session, app)
    assert "2026-03-26 前" in notice.data["objection_text"]
    assert [(e.from_status, e.to_status) for e in app.events][-2:] == [("assessed", "confirmed"),
                                                                        ("confirmed", "concluded")]


def test_the_published_list_masks_names_and_ids_during_publicity_only(session, c):
    app = confirmed(session, c, level=5)
    assert published_list(session, date(2026, 3, 19)).items == []
    page = published_list(session, date(2026, 3, 20))
    [row] = page.items
    assert (row.application_id, row.name, row.level, row.agency) == (app.id, "李*光", 5, "评估机构甲")
    assert row.id_number.startswith("1101") and "*" in row.id_number and len(row.id_number) == 18
    assert page.total == 1 and published_list(session, date(2026, 3, 26)).total == 1
    assert published_list(session, date(2026, 3, 27)).total == 0


def test_subscribers_hear_of_final_conclusions(session, c, monkeypatch):
    heard = []
    assert [h.__module__ for h in events.hub.subscribers(ConclusionFinal)] == ["ltc.entitlements.opening"]
    monkeypatch.setattr(events.hub, "_handlers",
                        {ConclusionFinal: [lambda s, event: heard.append(event.application.id)]})
    app = confirmed(session, c, level=2)
    assert heard == [app.id]
