"""Events the compliance domain publishes (``ltc.core.events``)."""
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class MonthsRescanned:
    """The nightly scan re-checked these months of a provider because they are new, were not over
    when last scanned, or changed since (their records, or a dated fact of a beneficiary, carer or
    the provider): the billing domain regenerates their drafts and re-evaluates submitted ones (SPEC §7.3).
    ``due_at`` is the scan's due time (its business moment), ``now`` the clock."""

    provider_id: int
    months: tuple[date, ...]
    due_at: datetime
    now: datetime
