"""The date rules of SPEC §4.2 (pure: no Flask, no database). Ends are exclusive.

Which grants are change cases (``is_change_case``) and where each grant starts
(``grant_start``): a first entitlement (``first_start``, never before the previous one ends),
a change of level only (``level_change_start``) or of care type or provider
(``care_change_start``, with a bridging entitlement when the replaced one ends first).
"""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ltc.core.months import first_of_month, first_of_next_month
from ltc.entitlements.states import EndReason
from ltc.orgs.kinds import CareType

#: care types whose first entitlement starts in the conclusion month (bed-based care)
SAME_MONTH = frozenset({CareType.INSTITUTION, CareType.SPECIAL})
NEXT_MONTH = frozenset({CareType.HOME, CareType.OUTREACH, CareType.FAMILY})


def first_start(care_type: str, conclusion_date: date, *, previous_end: date | None = None) -> date:
    """A first entitlement: ``institution`` / ``special`` from the 1st of the conclusion month,
    ``home`` / ``outreach`` / ``family`` from the 1st of the month after — but never before
    ``previous_end``, the end of the person's previous entitlement (a first entitlement after
    a lapse starts at the later of the two). Raises ValueError for an unknown care type."""
    if care_type in SAME_MONTH:
        start = first_of_month(conclusion_date)
    elif care_type in NEXT_MONTH:
        start = first_of_next_month(conclusion_date)
    else:
        raise ValueError(f"unknown care type {care_type!r}")
    return max(start, previous_end) if previous_end is not None else start


def change_start(trigger_date: date) -> date:
    """The 1st of the month after ``trigger_date``: where a change of level counts from (the
    new conclusion date) and a change of care type or provider (the day its case completes)."""
    return first_of_next_month(trigger_date)


def is_change_case(previous: tuple[date, date] | None, *, concluded_on: date, today: date,
                   reassessments_opened: Iterable[date] = ()) -> bool:
    """Whether a grant replaces ``previous``, the person's latest entitlement ``[from, to)``:
    when it has not ended on the conclusion date (or, for a request made today, today), or
    when a reassessment or 复评 the grant rests on was opened while it was active — even if
    the conclusion came after it ended. Any other grant after an entitlement ended is a first
    entitlement after a lapse."""
    if previous is None:
        return False
    valid_from, valid_to = previous
    if valid_to > min(concluded_on, today):
        return True
    return any(valid_from <= opened < valid_to for opened in reassessments_opened)


def level_change_start(conclusion_date: date, replaced_to: date) -> date:
    """A change of level only starts on the earlier of the 1st of the month after the new
    conclusion date and the replaced entitlement's end, so a renewal concluded before expiry
    leaves no gap; the replaced one ends on that same date."""
    return min(change_start(conclusion_date), replaced_to)


def care_change_start(completed_on: date, requested_from: date | None = None) -> date:
    """A change of care type or provider (alone or with a level change) starts on the 1st of
    the month after its case completes, or on a later requested date — never earlier: the old
    provider keeps caring and billing until then."""
    start = change_start(completed_on)
    return max(start, requested_from) if requested_from is not None else start


@dataclass(frozen=True)
class Replaced:
    """The entitlement a change case replaces, as the date rules see it."""

    valid_to: date
    care_type: str
    provider_id: int

    def changes_care(self, care_type: str, provider_id: int) -> bool:
        """Whether a grant of ``care_type`` with ``provider_id`` changes the care type or the
        provider (alone or with the level) rather than the level only."""
        return (care_type, provider_id) != (self.care_type, self.provider_id)


@dataclass(frozen=True)
class Start:
    """Where a granted entitlement starts and, when the replaced one ends first, where the
    bridging entitlement starts: the current care type and provider at the new level over
    ``[bridge_from, starts_on)``, granted by the same case, so there is no gap."""

    starts_on: date
    bridge_from: date | None = None

    @property
    def bridge(self) -> tuple[date, date] | None:
        return (self.bridge_from, self.starts_on) if self.bridge_from is not None else None


def grant_start(care_type: str, provider_id: int, *, concluded_on: date, replaced: Replaced | None,
                previous_end: date | None, completed_on: date, requested_from: date | None = None) -> Start:
    """The start of the entitlement a completed case grants (SPEC §4.2). Without ``replaced``,
    a first entitlement (never before ``previous_end``); with the same care type and provider,
    a change of level only; otherwise a change of care type or provider, completed on
    ``completed_on``, bridged from the replaced entitlement's end when that comes first."""
    if replaced is None:
        return Start(first_start(care_type, concluded_on, previous_end=previous_end))
    if not replaced.changes_care(care_type, provider_id):
        return Start(level_change_start(concluded_on, replaced.valid_to))
    start = care_change_start(completed_on, requested_from)
    return Start(start, bridge_from=replaced.valid_to if replaced.valid_to < start else None)


def end_after_death(death_date: date) -> date:
    """The day of death is still covered; the entitlement ends (exclusive) the next day."""
    return death_date + timedelta(days=1)


def entitlement_end(conclusion_valid_to: date, *, death_date: date | None = None,
                    replaced_from: date | None = None) -> tuple[date, str]:
    """The exclusive end and why: the earliest of the conclusion's validity end (``expiry``),
    the day after death (``death``) and the start of the replacing entitlement (``change``).
    On a tie the more definitive reason wins: death, then change, then expiry."""
    candidates = [(conclusion_valid_to, 2, EndReason.EXPIRY.value)]
    if death_date is not None:
        candidates.append((end_after_death(death_date), 0, EndReason.DEATH.value))
    if replaced_from is not None:
        candidates.append((replaced_from, 1, EndReason.CHANGE.value))
    end, _, reason = min(candidates)
    return end, reason


def revision_start(requested_from: date | None, approved_on: date, *, entitlement_from: date | None = None) -> date:
    """SPEC §4.2: a care-plan revision takes effect on the later of the requested date and the
    day after its approval — never retroactively (no request: the day after approval) — and not
    before the entitlement it belongs to starts."""
    earliest = max(approved_on + timedelta(days=1), entitlement_from or approved_on)
    return max(requested_from, earliest) if requested_from is not None else earliest
