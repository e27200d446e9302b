"""Kinds of the ratings run (SPEC §8), pure."""
from enum import StrEnum


class RunKind(StrEnum):
    """``monthly``: month M's star, in force from the 1st of M+1; ``annual``: year Y's star."""

    MONTHLY = "monthly"
    ANNUAL = "annual"


class ComponentName(StrEnum):
    CARERS = "carers"
    STAFFING = "staffing"
    SATISFACTION = "satisfaction"
    COST = "cost"
    INTEGRITY = "integrity"


#: msgids, translated where shown
COMPONENT_LABELS = {ComponentName.CARERS: "护理人员平均星级", ComponentName.STAFFING: "人员配置",
                    ComponentName.SATISFACTION: "回访满意度", ComponentName.COST: "绩效评价",
                    ComponentName.INTEGRITY: "诚信评价"}
RUN_KIND_LABELS = {RunKind.MONTHLY: "月度星级", RunKind.ANNUAL: "年度星级"}
