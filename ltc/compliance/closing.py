"""V13 (SPEC §6): the nightly scan closes visits not checked out by the end of their day at their
planned minutes, keeping the previous version (the provider may correct it with a reason)."""
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import jsonable
from ltc.providers.kinds import RecordKind, VisitStatus
from ltc.providers.records.models import RecordVersion, Visit

CLOSE_REASON = "夜间巡检：服务日结束时未签退，按计划时长自动签退"
_KEPT = ("status", "check_out_at", "actual_minutes", "closed_by_scan")


def close_unfinished(session: Session, provider_id: int, *, before: date, now: datetime) -> int:
    """Check out, at check-in + planned minutes, every visit of the provider checked in on a day
    before ``before`` and never checked out. Returns how many were closed."""
    rows = session.scalars(select(Visit).where(
        Visit.provider_id == provider_id, Visit.service_date < before, Visit.check_in_at.is_not(None),
        Visit.check_out_at.is_(None), Visit.status != VisitStatus.CANCELLED.value, Visit.settled_at.is_(None))).all()
    for visit in rows:
        session.add(RecordVersion(record_kind=RecordKind.VISIT.value, record_id=visit.id, version=visit.version,
                                  data={name: jsonable(getattr(visit, name)) for name in _KEPT},
                                  changed_by=None, changed_at=now, reason=CLOSE_REASON))
        visit.check_out_at = visit.check_in_at + timedelta(minutes=visit.planned_minutes)
        visit.actual_minutes, visit.closed_by_scan = visit.planned_minutes, True
        visit.status, visit.version, visit.updated_at = VisitStatus.DONE.value, visit.version + 1, now
    session.flush()
    return len(rows)
