"""Current time and business date. Business dates are local dates in Asia/Shanghai."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def local_today(now: datetime | None = None) -> date:
    """The business date of ``now`` (default: the current instant) in Asia/Shanghai."""
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)
