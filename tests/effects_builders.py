"""Builders for dynamic management (SPEC §8 effects): stars written through billing's star service."""
from datetime import date, datetime, timezone

from ltc.billing.stars import services as stars
from ltc.billing.stars.services import StarChange
from ltc.core.audit import SYSTEM
from tests.carer_builders import provider_district

NOW = datetime(2026, 6, 10, 2, 0, tzinfo=timezone.utc)
TODAY = date(2026, 6, 10)


def placed(session, world):
    """The world's provider in 东城区 (the insurer's) and provider2 in 西城区 (also the insurer's)."""
    provider_district(session, world.provider, "东城区")
    provider_district(session, world.provider2, "西城区")
    return world


def monthly(session, provider, month: date, stars_: int, *, now=NOW, today=TODAY):
    return stars.set_star(session, StarChange("monthly", provider.id, month, stars_, "评定"), actor=SYSTEM, now=now,
                          today=today)


def annual(session, provider, year: int, stars_: int, *, now=NOW, today=date(2027, 2, 2)):
    return stars.set_star(session, StarChange("annual", provider.id, date(year, 1, 1), stars_, "年度评定"),
                          actor=SYSTEM, now=now, today=today)
