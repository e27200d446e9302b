"""Planning a "from day D on, the value is V" change to a dated attribute (pure).

Shared by the single-person services and the bulk importer so both treat the same
history the same way: no change when V already holds on D, an in-place correction when
the open period starts on D itself, otherwise a new open-ended period (the open one that
started earlier is closed at D). A period starting after D is a conflict: the change would
rewrite later history, which must be corrected explicitly.
"""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Step(StrEnum):
    UNCHANGED = "unchanged"
    REPLACE = "replace"   # the open period starting on D gets the new value
    ADD = "add"           # a new period [D, ∞); an open period that started earlier ends at D


@dataclass(frozen=True)
class Span:
    valid_from: date
    valid_to: date | None
    value: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


class DatedConflict(ValueError):
    """The change cannot be applied without rewriting other periods: a msgid and its params."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid % params)
        self.msgid, self.params = msgid, params


def value_on(spans: list[Span], day: date) -> str | None:
    return next((s.value for s in spans if s.covers(day)), None)


def values_on(spans: list[Span], day: date) -> set[str]:
    """For multi-valued attributes (tags): every value whose period covers ``day``."""
    return {s.value for s in spans if s.covers(day)}


def plan_change(spans: list[Span], value: str, day: date) -> Step:
    """How to make ``value`` hold from ``day`` on. Raises DatedConflict."""
    cover = next((s for s in spans if s.covers(day)), None)
    if cover is not None and cover.value == value:
        return Step.UNCHANGED
    later = sorted(s.valid_from for s in spans if s.valid_from > day)
    if later:
        raise DatedConflict("%(later)s 起已有登记，不能从 %(day)s 起变更",
                            later=later[0].isoformat(), day=day.isoformat())
    if cover is None:
        return Step.ADD
    if cover.valid_to is not None:
        raise DatedConflict("%(day)s 处于已结束的期间内，不能从该日起变更", day=day.isoformat())
    return Step.REPLACE if cover.valid_from == day else Step.ADD
