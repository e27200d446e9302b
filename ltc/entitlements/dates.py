"""The date rules of SPEC §4.2 (pure: no Flask, no database). Ends are exclusive."""
from datetime import date, timedelta

from ltc.core.months import first_of_month, first_of_next_month
from ltc.entitlements.states import EndReason
from ltc.orgs.kinds import CareType

#: care types whose first entitlement starts in the conclusion month (bed-based care)
SAME_MONTH = frozenset({CareType.INSTITUTION, CareType.SPECIAL})
NEXT_MONTH = frozenset({CareType.HOME, CareType.OUTREACH, CareType.FAMILY})


def first_start(care_type: str, conclusion_date: date) -> date:
    """A first entitlement: ``institution`` / ``special`` from the 1st of the conclusion month,
    ``home`` / ``outreach`` / ``family`` from the 1st of the month after. Raises ValueError
    for an unknown care type."""
    if care_type in SAME_MONTH:
        return first_of_month(conclusion_date)
    if care_type in NEXT_MONTH:
        return first_of_next_month(conclusion_date)
    raise ValueError(f"unknown care type {care_type!r}")


def change_start(trigger_date: date) -> date:
    """A change (new level, care type or provider) starts on the 1st of the month after the
    trigger date (the new conclusion date or the date the change was requested); the replaced
    entitlement ends on that same date."""
    return first_of_next_month(trigger_date)


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
