"""Review case types as data (SPEC §4.1): the ``reviews`` section of the policy store.

A case type is a list of steps. Each step names the org kind that owns it, how the owning
organisation is found (``owner``), the decisions it allows, where a ``return`` goes, its SLA
rule (``working_days:n`` or ``day_of_month:d``) and an optional precondition (a named check
that must pass before ``approve``) and the roles that may decide it (REF ``reviewer``).
Coded reasons are data too, each scoped to the decisions (and, when it lists them, the steps)
it may justify; every decision that needs a reason also offers the built-in ``OTHER`` (text
required). A step's ``return_to`` is the set of earlier steps a ``return`` may go to (policy data
stored before that was one step, a string: it loads as that step alone).
Pure: no Flask, no database. The owner rules themselves are a registry (``ltc.reviews.owners``);
``owner_rule_errors`` checks a policy against the names it is given.
"""
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import ClassVar, Literal

from ltc.auth.permissions import ROLE_LABELS  # noqa: F401 (re-exported)
from ltc.core.months import first_of_next_month
from ltc.policy.schema import FieldError, param

SECTION = "reviews"
Decision = Literal["approve", "return", "decline", "reject"]
Role = Literal["admin", "operator", "reviewer", "assessor", "carer"]
#: who decides a step when its definition names no roles (REF; policy data stored before roles existed)
DEFAULT_ROLES: tuple[Role, ...] = ("reviewer",)
DECISION_LABELS = {"approve": "通过", "return": "退回", "decline": "拒绝接收", "reject": "不予通过"}
ENDING = frozenset({"decline", "reject"})
#: the decisions that need a coded reason
REASONED: tuple[Decision, ...] = ("return", "decline", "reject")
#: offered by every reasoned decision of every step; its text is required
OTHER = "OTHER"
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
    #: the steps whose decisions it may justify; none listed: every step (data stored before scoping)
    steps: tuple[str, ...] = field(default=(), metadata={"label": "适用的步骤（留空为全部步骤）", "unit": None})

    def __post_init__(self) -> None:
        errors = {}
        if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,19}", self.code):
            errors["code"] = "2–20 capital letters, digits or _"
        if not self.label.strip():
            errors["label"] = "required"
        if not self.decisions or "approve" in self.decisions:
            errors["decisions"] = "one or more of return, decline, reject"
        if len(set(self.steps)) != len(self.steps):
            errors["steps"] = "listed twice"
        if errors:
            raise FieldError(errors)

    def applies(self, step_code: str, decision: str) -> bool:
        """Whether this reason may justify ``decision`` on the step ``step_code``."""
        return decision in self.decisions and (not self.steps or step_code in self.steps)


#: the reason every reasoned decision offers besides the case type's own
OTHER_REASON = ReasonDef(code=OTHER, label="其他", decisions=REASONED)


def _targets(value: tuple[str, ...] | str | None) -> tuple[str, ...]:
    """A step's return targets: one step as stored before the revision (a string), or none."""
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class StepDef:
    code: str = param("步骤代码")
    label: str = param("步骤名称")
    owner: str = param("责任机构")  # an owner rule registered in ``ltc.reviews.owners``
    decisions: tuple[Decision, ...] = param("可作的决定")
    sla: str = param("办理时限")
    #: the earlier steps a ``return`` may go to (the decider picks one); a string: that step alone
    return_to: tuple[str, ...] | str | None = param("退回至")
    precondition: str | None = param("通过前须满足")
    roles: tuple[Role, ...] = field(default=DEFAULT_ROLES, metadata={"label": "可办理的角色", "unit": None})

    def may_decide(self, roles) -> bool:
        """Whether a user holding ``roles`` may decide this step (for its owning organisation)."""
        return bool(set(self.roles).intersection(roles))

    def _return_problem(self) -> str | None:
        if ("return" in self.decisions) != bool(self.return_to):
            return "required exactly when the step allows return"
        if len(set(self.return_to)) != len(self.return_to):
            return "listed twice"
        return None

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
        object.__setattr__(self, "return_to", _targets(self.return_to))
        if problem := self._return_problem():
            errors["return_to"] = problem
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
            if any(target not in codes[:i] for target in step.return_to):
                errors[f"steps[{i}].return_to"] = "must name earlier steps"
        errors.update(self._reason_errors())
        if errors:
            raise FieldError(errors)

    def _reason_errors(self) -> dict[str, str]:
        errors = {}
        codes = [r.code for r in self.reasons]
        if len(set(codes)) != len(codes):
            errors["reasons"] = "reason codes must be unique"
        if OTHER in codes:
            errors["reasons"] = f"{OTHER} is built in: every reasoned decision offers it"
        steps = {s.code: s for s in self.steps}
        for i, reason in enumerate(self.reasons):
            for code in reason.steps:
                if code not in steps:
                    errors[f"reasons[{i}].steps"] = f"unknown step {code}"
                elif not set(reason.decisions) & set(steps[code].decisions):
                    errors[f"reasons[{i}].steps"] = f"step {code} allows none of its decisions"
        return errors

    def step(self, code: str) -> StepDef:
        for step in self.steps:
            if step.code == code:
                return step
        raise LookupError(code)

    def index(self, code: str) -> int:
        return [s.code for s in self.steps].index(code)

    def reasons_for(self, step_code: str, decision: str) -> tuple[ReasonDef, ...]:
        """The reasons that may justify ``decision`` on the step: its own, then ``OTHER``."""
        if decision not in REASONED:
            return ()
        return tuple(r for r in self.reasons if r.applies(step_code, decision)) + (OTHER_REASON,)

    def reasons_at(self, step_code: str) -> tuple[ReasonDef, ...]:
        """The reasons offered on the step for any of its decisions (``OTHER`` last, if any)."""
        decisions = [d for d in self.step(step_code).decisions if d in REASONED]
        own = tuple(r for r in self.reasons if any(r.applies(step_code, d) for d in decisions))
        return own + (OTHER_REASON,) if decisions else own

    def reason_label(self, code: str | None) -> str:
        for reason in self.reasons + (OTHER_REASON,):
            if reason.code == code:
                return reason.label
        return code or ""

    def return_targets(self, step_code: str) -> tuple[StepDef, ...]:
        """The steps a return from ``step_code`` may go to, in step order."""
        allowed = set(self.step(step_code).return_to)
        return tuple(s for s in self.steps if s.code in allowed)

    def default_return(self, step_code: str) -> str | None:
        """Where a return goes unless the decider picks another target: the previous step when
        allowed, else the nearest allowed earlier one."""
        targets = self.return_targets(step_code)
        return targets[-1].code if targets else None


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


_CHECKERS = ["agency", "insurer", "mia"]   # the steps that may return
_DECIDERS = ["insurer", "mia"]             # the steps that may reject
_ENTITLEMENT_REASONS = [
    {"code": "DOCS", "label": "材料不全或有误", "decisions": ["return"], "steps": _CHECKERS},
    {"code": "PLAN", "label": "护理计划需修改", "decisions": ["return"], "steps": _CHECKERS},
    {"code": "FACTS", "label": "核查信息与系统记录不符", "decisions": ["return", "reject"], "steps": _CHECKERS},
    {"code": "CAPACITY", "label": "本机构床位或护理人员已满", "decisions": ["decline"], "steps": ["provider"]},
    {"code": "SCOPE", "label": "服务形式不在本机构协议范围内", "decisions": ["decline"], "steps": ["provider"]},
    {"code": "PERSON_CHOICE", "label": "参保人另选机构", "decisions": ["decline"], "steps": ["provider"]},
    {"code": "INSURANCE", "label": "参保状态不符合", "decisions": ["reject"], "steps": _DECIDERS},
    {"code": "DUPLICATE", "label": "重复享受待遇", "decisions": ["reject"], "steps": _DECIDERS},
    {"code": "LEVEL", "label": "失能等级不符合该服务形式", "decisions": ["reject"], "steps": _DECIDERS},
    {"code": "NOT_FINAL", "label": "评估结论尚未生效（公示期未满或异议未决）", "decisions": ["return"],
     "steps": _CHECKERS},
    {"code": "OTHER_BENEFIT", "label": "已享受其他护理类待遇（工伤保险生活护理费、残疾人护理补贴、特困供养护理）",
     "decisions": ["reject"], "steps": _DECIDERS},
    {"code": "SERVICE_AREA", "label": "参保人居住地不在本机构服务范围内", "decisions": ["decline"],
     "steps": ["provider"]},
    {"code": "PERSON_WITHDREW", "label": "参保人撤回申请", "decisions": ["decline", "reject"],
     "steps": ["provider", *_DECIDERS]},
]

#: REF: a care-plan revision after the grant (SPEC §4.2): the provider's operator submits, the insurer
#: of the person's district approves, returns or rejects; 3 working days per step
PLAN_REVISION = {
    "code": "plan_revision", "label": "护理计划变更审核", "subject": "care_plan_revision",
    "steps": [
        {"code": "provider", "label": "护理机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:3", "return_to": [], "precondition": "revised_plan", "roles": ["operator"]},
        {"code": "insurer", "label": "商保公司审核", "owner": "district_insurer",
         "decisions": ["approve", "return", "reject"], "sla": "working_days:3", "return_to": ["provider"],
         "precondition": "revised_plan", "roles": ["reviewer"]},
    ],
    "reasons": [
        {"code": "PLAN", "label": "护理计划需修改", "decisions": ["return"], "steps": ["insurer"]},
        {"code": "CAPS", "label": "超出失能等级的待遇上限", "decisions": ["return", "reject"], "steps": ["insurer"]},
        {"code": "NO_NEED", "label": "护理需求无变化，无需变更", "decisions": ["reject"], "steps": ["insurer"]},
    ],
}

#: REF: the four-party entitlement review of SPEC §4.2, 3 working days per step; each step returns
#: to the previous one, the MIA to any earlier step (SPEC §4.1)
REF_REVIEWS = {
    "case_types": [
        {
            "code": "entitlement", "label": "待遇资格四方审核", "subject": "entitlement_request",
            "steps": [
                {"code": "provider", "label": "护理机构确认", "owner": "subject_provider",
                 "decisions": ["approve", "decline"], "sla": "working_days:3", "return_to": [],
                 "precondition": "care_plan"},
                {"code": "agency", "label": "评估机构复核", "owner": "subject_agency",
                 "decisions": ["approve", "return"], "sla": "working_days:3", "return_to": ["provider"],
                 "precondition": None},
                {"code": "insurer", "label": "商保公司审核", "owner": "district_insurer",
                 "decisions": ["approve", "return", "reject"], "sla": "working_days:3", "return_to": ["agency"],
                 "precondition": None},
                {"code": "mia", "label": "医保经办机构核定", "owner": "mia",
                 "decisions": ["approve", "return", "reject"], "sla": "working_days:3",
                 "return_to": ["provider", "agency", "insurer"], "precondition": None},
            ],
            "reasons": _ENTITLEMENT_REASONS,
        },
        PLAN_REVISION,
    ],
}
