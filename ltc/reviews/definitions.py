"""Review case types as data (SPEC §4.1): the ``reviews`` section of the policy store.

A case type is a list of steps. Each step names the org kind that owns it, how the owning
organisation is found (``owner``), the decisions it allows, where a ``return`` goes, its SLA
rule (``working_days:n`` or ``day_of_month:d``) and an optional precondition (a named check
that must pass before ``approve``) and the roles that may decide it (REF ``reviewer``).
Coded reasons are data too. Pure: no Flask, no database. The owner rules themselves are a
registry (``ltc.reviews.owners``); ``owner_rule_errors`` checks a policy against the names it
is given.
"""
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar, Literal

from ltc.core.months import first_of_next_month
from ltc.policy.schema import FieldError, param

SECTION = "reviews"
Decision = Literal["approve", "return", "decline", "reject"]
Role = Literal["admin", "operator", "reviewer", "assessor", "carer"]
#: who decides a step when its definition names no roles (REF; policy data stored before roles existed)
DEFAULT_ROLES: tuple[Role, ...] = ("reviewer",)
ROLE_LABELS = {"admin": "管理员", "operator": "经办员", "reviewer": "审核员", "assessor": "评估员", "carer": "护理员"}
DECISION_LABELS = {"approve": "通过", "return": "退回", "decline": "拒绝接收", "reject": "不予通过"}
ENDING = frozenset({"decline", "reject"})
_SLA = re.compile(r"(working_days|day_of_month):([0-9]{1,3})")
_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
ONE_DAY = timedelta(days=1)


def parse_sla(rule: str) -> tuple[str, int]:
    """``("working_days", n)`` or ``("day_of_month", d)``; ValueError when malformed."""
    match = _SLA.fullmatch(rule)
    if not match:
        raise ValueError("must be working_days:N or day_of_month:D")
    kind, number = match.group(1), int(match.group(2))
    if kind == "working_days" and not 1 <= number <= 60:
        raise ValueError("working days must be 1–60")
    if kind == "day_of_month" and not 1 <= number <= 28:
        raise ValueError("day of month must be 1–28")
    return kind, number


def due_date(rule: str, entered_on: date, add_working_days: Callable[[date, int], date], *,
             period_end: date | None = None) -> date:
    """The due date of a stage entered on ``entered_on`` (overdue from the day after), SPEC §4.1.

    ``working_days:n`` is the n-th working day after the entry date. ``day_of_month:d`` is day
    d of the month after the subject's period (``period_end``, exclusive as every period: a
    settlement of March ends on 1 April and is due on the d-th of April), moved forward to the
    next working day when it is not one (《民法典》第二百零三条); a stage entered after that
    day is due on its entry day. Fallback for a subject without a period: the next d-th on or
    after the entry date, moved forward the same way. ``add_working_days(day, n)`` is the
    calendar's (SPEC §0.1).
    """
    kind, number = parse_sla(rule)
    if kind == "working_days":
        return add_working_days(entered_on, number)
    if period_end is not None:
        nominal = first_of_next_month(period_end - ONE_DAY).replace(day=number)
    elif entered_on.day <= number:
        nominal = entered_on.replace(day=number)
    else:
        nominal = first_of_next_month(entered_on).replace(day=number)
    return max(add_working_days(nominal - ONE_DAY, 1), entered_on)


@dataclass(frozen=True)
class ReasonDef:
    code: str = param("原因代码")
    label: str = param("原因")
    decisions: tuple[Decision, ...] = param("适用的决定")

    def __post_init__(self) -> None:
        errors = {}
        if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,19}", self.code):
            errors["code"] = "2–20 capital letters, digits or _"
        if not self.label.strip():
            errors["label"] = "required"
        if not self.decisions or "approve" in self.decisions:
            errors["decisions"] = "one or more of return, decline, reject"
        if errors:
            raise FieldError(errors)


@dataclass(frozen=True)
class StepDef:
    code: str = param("步骤代码")
    label: str = param("步骤名称")
    owner: str = param("责任机构")  # an owner rule registered in ``ltc.reviews.owners``
    decisions: tuple[Decision, ...] = param("可作的决定")
    sla: str = param("办理时限")
    return_to: str | None = param("退回至")
    precondition: str | None = param("通过前须满足")
    roles: tuple[Role, ...] = field(default=DEFAULT_ROLES, metadata={"label": "可办理的角色", "unit": None})

    def may_decide(self, roles) -> bool:
        """Whether a user holding ``roles`` may decide this step (for its owning organisation)."""
        return bool(set(self.roles).intersection(roles))

    def __post_init__(self) -> None:
        errors = {}
        if not _CODE.fullmatch(self.code):
            errors["code"] = "lower-case letters, digits and _"
        if not _CODE.fullmatch(self.owner):
            errors["owner"] = "lower-case letters, digits and _"
        if not self.roles:
            errors["roles"] = "at least one role"
        elif len(set(self.roles)) != len(self.roles):
            errors["roles"] = "listed twice"
        if "approve" not in self.decisions:
            errors["decisions"] = "every step allows approve"
        elif len(set(self.decisions)) != len(self.decisions):
            errors["decisions"] = "listed twice"
        if ("return" in self.decisions) != (self.return_to is not None):
            errors["return_to"] = "required exactly when the step allows return"
        try:
            parse_sla(self.sla)
        except ValueError as exc:
            errors["sla"] = str(exc)
        if errors:
            raise FieldError(errors)


@dataclass(frozen=True)
class CaseTypeDef:
    code: str = param("案件类型代码")
    label: str = param("案件类型")
    subject: str = param("审核对象")
    steps: tuple[StepDef, ...] = param("步骤")
    reasons: tuple[ReasonDef, ...] = param("原因代码表")

    def __post_init__(self) -> None:
        errors = {}
        if not _CODE.fullmatch(self.code):
            errors["code"] = "lower-case letters, digits and _"
        if not self.steps:
            errors["steps"] = "at least one step"
        codes = [s.code for s in self.steps]
        if len(set(codes)) != len(codes):
            errors["steps"] = "step codes must be unique"
        for i, step in enumerate(self.steps):
            if step.return_to is not None and step.return_to not in codes[:i]:
                errors[f"steps[{i}].return_to"] = "must name an earlier step"
        reason_codes = [r.code for r in self.reasons]
        if len(set(reason_codes)) != len(reason_codes):
            errors["reasons"] = "reason codes must be unique"
        needed = {d for s in self.steps for d in s.decisions if d != "approve"}
        for decision in sorted(needed):
            if not any(decision in r.decisions for r in self.reasons):
                errors["reasons"] = f"no reason code for {decision}"
        if errors:
            raise FieldError(errors)

    def step(self, code: str) -> StepDef:
        for step in self.steps:
            if step.code == code:
                return step
        raise LookupError(code)

    def index(self, code: str) -> int:
        return [s.code for s in self.steps].index(code)

    def reasons_for(self, decision: str) -> tuple[ReasonDef, ...]:
        return tuple(r for r in self.reasons if decision in r.decisions)


@dataclass(frozen=True)
class ReviewPolicy:
    LABEL: ClassVar[str] = "审核流程"

    case_types: tuple[CaseTypeDef, ...] = param("案件类型")

    def __post_init__(self) -> None:
        codes = [c.code for c in self.case_types]
        if len(set(codes)) != len(codes):
            raise FieldError({"case_types": "case type codes must be unique"})

    def case_type(self, code: str) -> CaseTypeDef:
        for case_type in self.case_types:
            if case_type.code == code:
                return case_type
        raise LookupError(code)




def owner_rule_errors(policy: ReviewPolicy, known: Collection[str]) -> dict[str, str]:
    """Errors (path → reason) of the steps whose owner rule is not one of the ``known`` names."""
    return {f"case_types[{i}].steps[{j}].owner": f"unknown owner rule (one of {', '.join(sorted(known))})"
            for i, ctype in enumerate(policy.case_types) for j, step in enumerate(ctype.steps)
            if step.owner not in known}


_ENTITLEMENT_REASONS = [
    {"code": "DOCS", "label": "材料不全或有误", "decisions": ["return"]},
    {"code": "PLAN", "label": "护理计划需修改", "decisions": ["return"]},
    {"code": "FACTS", "label": "核查信息与系统记录不符", "decisions": ["return", "reject"]},
    {"code": "CAPACITY", "label": "本机构床位或护理人员已满", "decisions": ["decline"]},
    {"code": "SCOPE", "label": "服务形式不在本机构协议范围内", "decisions": ["decline"]},
    {"code": "PERSON_CHOICE", "label": "参保人另选机构", "decisions": ["decline"]},
    {"code": "INSURANCE", "label": "参保状态不符合", "decisions": ["reject"]},
    {"code": "DUPLICATE", "label": "重复享受待遇", "decisions": ["reject"]},
    {"code": "LEVEL", "label": "失能等级不符合该服务形式", "decisions": ["reject"]},
]

#: REF: the four-party entitlement review of SPEC §4.2, 3 working days per step
REF_REVIEWS = {
    "case_types": [
        {
            "code": "entitlement", "label": "待遇资格四方审核", "subject": "entitlement_request",
            "steps": [
                {"code": "provider", "label": "护理机构确认", "owner": "subject_provider",
                 "decisions": ["approve", "decline"], "sla": "working_days:3", "return_to": None,
                 "precondition": "care_plan"},
                {"code": "agency", "label": "评估机构复核", "owner": "subject_agency",
                 "decisions": ["approve", "return"], "sla": "working_days:3", "return_to": "provider",
                 "precondition": None},
                {"code": "insurer", "label": "商保公司审核", "owner": "district_insurer",
                 "decisions": ["approve", "return", "reject"], "sla": "working_days:3", "return_to": "agency",
                 "precondition": None},
                {"code": "mia", "label": "医保经办机构核定", "owner": "mia",
                 "decisions": ["approve", "return", "reject"], "sla": "working_days:3", "return_to": "insurer",
                 "precondition": None},
            ],
            "reasons": _ENTITLEMENT_REASONS,
        },
    ],
}
