"""The job "retry pending notices" (SPEC §9, every 10 minutes), scheduler signature
``fn(session, *, now, due_at) -> dict`` of counts. Idempotent: an issued notice is skipped."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.notices.rendering import render_pending, using


def retry_pending_notices(session: Session, *, now: datetime, due_at: datetime | None = None) -> dict[str, int]:
    """Render every pending notice (a render after commit that failed, or a notice issued by a
    job or a command). A job over many units: it commits once per notice (SPEC §9), so no
    render runs inside a write transaction; a notice whose render fails stays pending."""
    return render_pending(using(session), now=now).counts()
