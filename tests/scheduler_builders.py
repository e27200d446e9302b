"""Committed scheduler data for tests with several processes or threads (cleaned up after)."""
from sqlalchemy import delete

from ltc.auth.models import LoginAttempt
from ltc.extensions import db
from ltc.scheduler.models import JobRun, JobRunUnit, SchedulerLock


def clean_scheduler_tables() -> None:
    """Delete the runs, their units, the lock rows and the login attempts the test jobs write."""
    with db.engine.begin() as conn:
        for model in (JobRunUnit, JobRun, SchedulerLock, LoginAttempt):
            conn.execute(delete(model))


def committed_scheduler(app):
    """The body of a ``committed`` fixture: an app context on clean tables, cleaned again after."""
    with app.app_context():
        clean_scheduler_tables()
        yield app
        db.session.remove()
        clean_scheduler_tables()
