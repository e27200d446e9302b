"""The notices of SPEC §2, §3.1 and §4.2 as plain data (pure: no Flask, no database).

Each kind has a number prefix, a Chinese title, a template under ``templates/pdf/`` and a
frozen dataclass declaring exactly the values its template needs. ``build_document`` checks
the keys and types of a caller's mapping and raises ``ValidationFailed`` naming the fields;
``template_values`` turns a document into the plain dict a template (and the stored notice)
receives.
"""
import types
from dataclasses import MISSING, asdict, dataclass, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Mapping, Union, get_args, get_origin, get_type_hints

from ltc.core.errors import ValidationFailed

#: SPEC §3.1 refusal codes and the wording printed on the refusal notice; ``{months}`` is the
#: policy's ``min_months_between_assessments`` in force on the refusal date (never written here)
REFUSAL_WORDING = {
    "not_insured": "申请人未参加长期护理保险，或参保状态不正常（如暂停、中止参保）",
    "conditions_not_met": "申请人不符合长期护理保险失能评估的申请条件",
    "self_assessment_below_e": "申请人自评结果低于E级，未达到申请失能评估的标准",
    "incomplete_or_false_materials": "申请材料不完整或不真实",
    "too_soon": "距上一次评估结论作出之日未满{months}个月，且无经办机构要求重新评估的情形",
    "in_progress": "申请人已有一件正在办理中的评估申请，不得重复申请",
    "outside_fund_scope": ("申请人所需的护理费用不属于长期护理保险基金支付范围"
                           "（如应由工伤保险支付，或依法应由第三人负担）"),
    "other": "其他原因",
}


class Kind(StrEnum):
    ACCEPTANCE = "acceptance"
    REFUSAL = "refusal"
    CONCLUSION = "conclusion"
    ENTITLEMENT = "entitlement"
    TERMINATION = "termination"


@dataclass(frozen=True)
class AcceptanceNotice:
    person_name: str
    id_number_masked: str
    application_no: str
    submitted_on: date
    accepted_on: date
    conclusion_due_on: date
    insurer_name: str

    def extras(self) -> dict:
        return {"issuer_name": self.insurer_name}


@dataclass(frozen=True)
class RefusalNotice:
    person_name: str
    id_number_masked: str
    application_no: str
    submitted_on: date
    refused_on: date
    reason_code: str
    insurer_name: str
    min_months_between_assessments: int  # the policy in force on ``refused_on``
    reason_text: str | None = None  # filled from REFUSAL_WORDING; if given it must match
    detail: str | None = None

    def check(self) -> dict[str, str]:
        if errors := _fill_wording(self, REFUSAL_WORDING, "reason_code", "未知的不予受理原因代码",
                                   "与不予受理原因代码的表述不一致",
                                   months=self.min_months_between_assessments):
            return errors
        if self.reason_code == "other" and not self.detail:
            return {"detail": "原因为“其他”时必须填写具体说明"}
        return {}

    def extras(self) -> dict:
        return {"issuer_name": self.insurer_name}


@dataclass(frozen=True)
class ConclusionNotice:
    person_name: str
    id_number_masked: str
    sex: str
    age: int
    application_no: str
    agency_name: str
    assessors: tuple[str, ...]
    experts: tuple[str, ...]
    assessed_on: date
    confirmed_on: date
    concluded_on: date
    level: int
    level_name: str
    adl_total: int
    adl_grade: int
    cognition_total: int
    cognition_grade: int
    perception_total: int
    perception_grade: int
    cp_grade: int
    grade_names: dict[int, str]
    valid_from: date
    valid_to: date
    validity_months: int      # the policy's validity, as printed (never a literal in the template)
    ruleset: str
    objection_text: str
    is_review: bool
    objection_until: date | None = None  # the objection deadline (none for a 复评)

    def check(self) -> dict[str, str]:
        errors = _period_errors(self.valid_from, self.valid_to)
        grades = ("adl_grade", "cognition_grade", "perception_grade", "cp_grade")
        errors.update({g: "没有对应的等级名称" for g in grades if getattr(self, g) not in self.grade_names})
        return errors

    def extras(self) -> dict:
        name = self.grade_names.get
        rows = [("日常生活活动能力", self.adl_total, 100, self.adl_grade),
                ("认知能力", self.cognition_total, 16, self.cognition_grade),
                ("感知觉与沟通能力", self.perception_total, 12, self.perception_grade)]
        return {
            "issuer_name": self.agency_name,
            "valid_last_day": self.valid_to - timedelta(days=1),
            "indicators": [{"name": n, "total": t, "maximum": m, "grade": g, "grade_name": name(g)}
                           for n, t, m, g in rows],
            "cp_grade_name": name(self.cp_grade),
        }


@dataclass(frozen=True)
class EntitlementNotice:
    person_name: str
    id_number_masked: str
    level: int
    level_name: str
    care_type_name: str
    provider_name: str
    valid_from: date
    valid_to: date
    conclusion_no: str
    benefit_lines: tuple[tuple[str, str], ...]
    issuer_name: str
    plan_version: str | None = None  # the care plan version in force at the grant

    def check(self) -> dict[str, str]:
        return _period_errors(self.valid_from, self.valid_to)

    def extras(self) -> dict:
        return {"valid_last_day": self.valid_to - timedelta(days=1)}


#: why an entitlement was terminated, as printed on the termination notice (SPEC §2, §4.2)
TERMINATION_WORDING = {
    "death": "参保人死亡",
    "transfer": "参保人转出本统筹地区",
    "reassessed": "经重新评估，失能等级已不符合享受该项待遇的条件",   # a lower conclusion (SPEC §4.2)
}


@dataclass(frozen=True)
class TerminationNotice:
    """待遇终止通知书 (SPEC §2): the entitlement ends from ``ends_on`` (exclusive end), or is
    void when it had not started (``void``); sent to the provider."""

    person_name: str
    id_number_masked: str
    level: int
    level_name: str
    care_type_name: str
    provider_name: str
    valid_from: date
    valid_to: date            # the end granted (exclusive), before the termination
    ends_on: date             # the new exclusive end: the day after the death / transfer date
    event_date: date          # the date of death or of the transfer
    reason: str
    void: bool
    issuer_name: str
    reason_text: str | None = None  # filled from TERMINATION_WORDING

    def check(self) -> dict[str, str]:
        return _fill_wording(self, TERMINATION_WORDING, "reason", "未知的待遇终止原因", "与终止原因的表述不一致") or \
            _period_errors(self.valid_from, self.valid_to)

    def extras(self) -> dict:
        return {"valid_last_day": self.valid_to - timedelta(days=1),
                "last_covered_day": self.ends_on - timedelta(days=1)}


@dataclass(frozen=True)
class KindSpec:
    kind: Kind
    prefix: str
    title: str
    template: str
    document: type


KINDS: dict[str, KindSpec] = {spec.kind: spec for spec in (
    KindSpec(Kind.ACCEPTANCE, "ACC", "受理通知书", "acceptance.html", AcceptanceNotice),
    KindSpec(Kind.REFUSAL, "RFS", "不予受理通知书", "refusal.html", RefusalNotice),
    KindSpec(Kind.CONCLUSION, "CON", "评估结论通知书", "conclusion.html", ConclusionNotice),
    KindSpec(Kind.ENTITLEMENT, "ENT", "待遇核定通知书", "entitlement.html", EntitlementNotice),
    KindSpec(Kind.TERMINATION, "TRM", "待遇终止通知书", "termination.html", TerminationNotice),
)}


def kind_spec(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValidationFailed("未知的通知书类型：%(kind)s", {"kind": "unknown"}, params={"kind": kind}) from None


def notice_number(kind: str, year: int, seq: int) -> str:
    """``ACC-2026-000001``: prefix, year, six-digit sequence (SPEC §3.1)."""
    return f"{kind_spec(kind).prefix}-{year}-{seq:06d}"


def build_document(kind: str, data: Mapping[str, Any]):
    """The kind's dataclass built from ``data``. Raises ValidationFailed naming missing,
    unknown and ill-typed fields."""
    spec = kind_spec(kind)
    hints = get_type_hints(spec.document)
    declared = {f.name: f for f in fields(spec.document)}
    errors = {name: "未知字段" for name in data if name not in declared}
    errors.update({name: "缺少该字段" for name, f in declared.items()
                   if name not in data and f.default is MISSING})
    values = {}
    for name in declared.keys() & data.keys():
        try:
            values[name] = _coerce(hints[name], data[name])
        except (TypeError, ValueError) as exc:
            errors[name] = str(exc)
    if not errors:
        document = spec.document(**values)
        errors = document.check() if hasattr(document, "check") else {}
    if errors:
        listed = [f"{name}：{why}" for name, why in sorted(errors.items())]
        raise ValidationFailed("%(title)s数据有误（%(fields)s）", errors,
                               params={"title": spec.title, "fields": listed})
    return document


def template_values(document, *, number: str, issued_on: date) -> dict:
    """The plain values a template receives: the document's fields, the derived values it
    prints (issuer, last valid day, indicator rows), the title, number and issue date."""
    spec = next(s for s in KINDS.values() if isinstance(document, s.document))
    values = {**asdict(document), **document.extras(),
              "kind": str(spec.kind), "title": spec.title, "number": number, "issued_on": issued_on}
    return plain(values)


def plain(value: Any) -> Any:
    """JSON-ready: dates as ISO strings, tuples as lists, mapping keys as strings."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def cn_date(value: date | str | None) -> str:
    """``2026年3月16日`` from a date or an ISO date string."""
    if value in (None, ""):
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


# --- type checks --------------------------------------------------------------------------

def _fill_wording(document, wordings: dict[str, str], code_field: str, unknown: str, mismatch: str,
                  **parameters: Any) -> dict[str, str]:
    """The notice's printed ``reason_text`` is the fixed wording of its reason code, with the
    policy ``parameters`` it names filled in: filled in when absent, refused when it differs.
    Returns the errors (field → reason)."""
    wording = wordings.get(getattr(document, code_field))
    if wording is None:
        return {code_field: unknown}
    wording = wording.format(**parameters)
    if document.reason_text is None:
        object.__setattr__(document, "reason_text", wording)  # frozen dataclass: set once, before use
    elif document.reason_text != wording:
        return {"reason_text": mismatch}
    return {}


def _period_errors(valid_from: date, valid_to: date) -> dict[str, str]:
    return {} if valid_to > valid_from else {"valid_to": "有效期结束日（不含）必须晚于开始日"}


def _coerce(hint, value):
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):  # ``X | None``
        return None if value is None else _coerce(next(a for a in args if a is not type(None)), value)
    if origin is tuple:
        return _coerce_tuple(args, value)
    if origin is dict:
        return _coerce_dict(args, value)
    return _coerce_scalar(hint, value)


def _coerce_scalar(hint, value):
    """``str`` (non-blank, stripped), ``bool``, ``int`` (exactly that type) or ``date``."""
    if hint is str:
        if not isinstance(value, str) or not value.strip():
            raise TypeError("应为非空文本")
        return value.strip()
    if hint is bool or hint is int:
        if type(value) is not hint:
            raise TypeError("应为布尔值" if hint is bool else "应为整数")
        return value
    if hint is date:
        return _date(value)
    raise TypeError(f"不支持的类型 {hint}")  # pragma: no cover - a declaration bug


def _coerce_tuple(args: tuple, value) -> tuple:
    """``tuple[X, ...]`` or a fixed-length ``tuple[X, Y]`` from a list or tuple."""
    if not isinstance(value, (list, tuple)):
        raise TypeError("应为列表")
    if args[-1] is Ellipsis:
        return tuple(_coerce(args[0], v) for v in value)
    if len(value) != len(args):
        raise TypeError(f"应为{len(args)}项")
    return tuple(_coerce(a, v) for a, v in zip(args, value, strict=False))


def _coerce_dict(args: tuple, value) -> dict:
    """``dict[int, X]`` from a mapping (keys may be decimal strings after JSON)."""
    if not isinstance(value, Mapping):
        raise TypeError("应为映射")
    return {_int_key(k): _coerce(args[1], v) for k, v in value.items()}


def _date(value) -> date:
    if isinstance(value, datetime):
        raise TypeError("应为日期，而不是时间")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise TypeError("应为日期（YYYY-MM-DD）")


def _int_key(key) -> int:
    """Grade keys: ints, or their decimal strings once the data went through JSON."""
    if type(key) is int:
        return key
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key)
    raise TypeError("键应为整数")
