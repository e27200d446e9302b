"""Provider stars as dated attributes (SPEC §8): which kind, who set them (pure)."""
from enum import StrEnum

STARS = (1, 2, 3, 4, 5)


class StarKind(StrEnum):
    """``monthly``: the star of month M, in force from the 1st of M+1 (read by the audit's sample
    rate); ``annual``: the star of year Y (read by the year-end deposit release)."""

    MONTHLY = "monthly"
    ANNUAL = "annual"


class StarSource(StrEnum):
    """``entered`` by an MIA admin until the ratings run exists; ``computed`` by that run."""

    ENTERED = "entered"
    COMPUTED = "computed"


#: msgids, translated where shown
STAR_KIND_LABELS = {StarKind.MONTHLY: "月度星级", StarKind.ANNUAL: "年度星级"}
STAR_SOURCE_LABELS = {StarSource.ENTERED: "人工录入", StarSource.COMPUTED: "系统评定"}
