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


class AppealOutcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


APPEAL_OUTCOME_LABELS = {AppealOutcome.OPEN: "审核中", AppealOutcome.WON: "申诉成立", AppealOutcome.LOST: "申诉不成立"}
#: the figures behind a component's raw mean (``RatingComponent.inputs`` keys)
INPUT_LABELS = {"carers": "有星级的护理人员", "stars": "星级合计", "qualified_carers": "持证护理人员",
                "occupied_beds": "在住床位", "follow_ups": "回访次数", "overall_sum": "总体满意度合计",
                "quarters": "季度得分", "beneficiary_months": "人月数", "minor": "一般违规", "serious": "严重违规",
                "fraud": "欺诈", "deducted": "扣分"}
