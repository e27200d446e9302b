"""The facts' computed values (``ltc.compliance.facts``): computed once per fact, the same values."""
from datetime import date, datetime, timezone
from decimal import Decimal

from ltc.compliance.facts import BedDay, Period, Point, RecordRef, Visit, cached_property, covering


def test_a_cached_value_is_computed_once_per_fact_and_kept_in_it():
    calls = []

    class Fact:
        @cached_property
        def value(self):
            calls.append(self)
            return len(calls)

    one, two = Fact(), Fact()
    assert (one.value, one.value, two.value, one.value) == (1, 1, 2, 1)
    assert calls == [one, two] and vars(one) == {"value": 1}
    assert isinstance(Fact.value, cached_property) and Fact.value.__doc__ is None


def test_a_visit_keeps_its_service_date_ref_and_end_on_a_frozen_fact():
    check_in = datetime(2026, 6, 9, 16, 30, tzinfo=timezone.utc)   # 00:30 on 10 June in Shanghai
    v = Visit(7, 1, 2, 3, "home", 45, check_in=check_in)
    assert (v.service_date, v.ref, v.end) == (date(2026, 6, 10), RecordRef("visit", 7), datetime(
        2026, 6, 9, 17, 15, tzinfo=timezone.utc))
    assert v.ref is v.ref and v == Visit(7, 1, 2, 3, "home", 45, check_in=check_in)
    bed = BedDay(5, 1, 3, "institution", date(2026, 6, 10), date(2026, 6, 1))
    assert (bed.ref, bed.service_date, bed.start.isoformat()) == (RecordRef("stay", 5), date(2026, 6, 10),
                                                                  "2026-06-10T00:00:00+08:00")


def test_distances_and_covering_periods():
    home = Point(Decimal("31.230416"), Decimal("121.473701"))
    north = Point(Decimal("31.239416"), Decimal("121.473701"))   # 0.009° of latitude further north
    assert round(home.metres_to(north)) == 1001 and home.metres_to(home) == 0.0
    assert round(north.metres_to(home)) == round(home.metres_to(north))
    periods = [Period(date(2026, 1, 1), date(2026, 6, 1)), Period(date(2026, 6, 1), None)]
    assert covering(periods, date(2026, 5, 31)) is periods[0] and covering(periods, date(2026, 6, 1)) is periods[1]
    assert covering(periods, date(2025, 12, 31)) is None and covering((), date(2026, 6, 1)) is None
