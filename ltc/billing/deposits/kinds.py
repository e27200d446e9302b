"""Quality deposit ledger entry kinds (SPEC §7.3), pure."""
from enum import StrEnum


class EntryKind(StrEnum):
    """``withheld`` from a settlement's approved fund; ``released`` to the provider by the year-end
    clearing (an adjustment line of its next regular settlement); ``returned`` to the fund (the rest)."""

    WITHHELD = "withheld"
    RELEASED = "released"
    RETURNED = "returned"


#: msgids, translated where shown
ENTRY_KIND_LABELS = {EntryKind.WITHHELD: "扣留", EntryKind.RELEASED: "返还机构", EntryKind.RETURNED: "返还基金"}
