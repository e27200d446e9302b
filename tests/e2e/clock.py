"""Moving the live server's clock forward (browser tests only).

Every timestamp and business date of ``ltc`` comes from ``ltc.core.clock``, so replacing the
``datetime`` it reads with one whose ``now`` is shifted moves the whole app — pages, services,
jobs, notices — while the browser walks on; ``monkeypatch`` puts the real clock back after the test.
"""
from datetime import date, datetime, time

import pytest

from ltc.core import clock as app_clock
from ltc.core.clock import LOCAL_TZ


def travel(monkeypatch: pytest.MonkeyPatch, day: date, hour: int = 9) -> datetime:
    """From now on the app's clock reads ``hour`` o'clock on ``day`` (Asia/Shanghai) and runs on
    from there. Returns the app's new current time."""
    offset = datetime.combine(day, time(hour), LOCAL_TZ) - datetime.now(LOCAL_TZ)

    class Shifted(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + offset

    monkeypatch.setattr(app_clock, "datetime", Shifted)
    return app_clock.utcnow()
