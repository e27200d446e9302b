"""The daily 06:00 job marking overdue review visits (SPEC §9), through the scheduler registry."""
from datetime import datetime, timezone

from sqlalchemy import select

from ltc.reviews.models import ReviewStage
from ltc.reviews.registry import Parties
from ltc.scheduler.registry import DAILY_0600, get_job
from tests.web.test_review_pages import cases, open_case  # noqa: F401  (fixture)


def at(year: int, month: int, day: int, hour: int = 2) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.utc)


def test_the_job_marks_overdue_visits_once(session, cases, world):  # noqa: F811
    job = get_job("review_overdue")
    assert (job.title, job.schedule) == ("审核超时标记", DAILY_0600)
    mark = job.load()
    late = open_case(session, 9010, Parties(cases.one.person_id, world.provider.id, world.agency.id), cases.mia,
                     now=at(2026, 4, 2))          # the 5th is Qingming (a Sunday): due Tue 7 April, as the fixture's
    fresh = open_case(session, 9011, Parties(cases.one.person_id, world.provider.id, world.agency.id), cases.mia,
                      now=at(2026, 4, 5))                                # opened on the 5th: due 7 April too
    assert mark(session, now=at(2026, 4, 7), due_at=at(2026, 4, 7)) == {"marked": 0}     # due today: not late
    # 2026-04-07 22:00 UTC is 06:00 on 8 April in Shanghai: every open visit due 7 April is late
    assert mark(session, now=at(2026, 4, 7, 22), due_at=at(2026, 4, 7, 22)) == {"marked": 5}
    assert mark(session, now=at(2026, 4, 8, 22), due_at=at(2026, 4, 8, 22)) == {"marked": 0}  # idempotent
    marks = session.scalars(select(ReviewStage.overdue_marked_on).where(
        ReviewStage.case_id.in_((late.id, fresh.id)))).all()
    assert [m.isoformat() for m in marks] == ["2026-04-08", "2026-04-08"]
