"""Go-live import of existing beneficiaries (SPEC §4.2): preview, then apply.

Columns ``id_number,level,concluded_on,valid_until,care_type,provider,valid_from`` (Chinese or
English headers of the downloadable template accepted, ``TEMPLATE``). ``valid_until`` (有效期至)
is the conclusion's **last valid day, inclusive**, as legacy systems export it: the stored
validity end (exclusive, like every period here) is the day after; when blank the validity is
the conclusion date plus the policy's ``validity_months``. ``provider`` is the provider's USCC
code or its id. Rows become ``migrated`` entitlements that bypass the review, each resting on
its legacy conclusion stored as a migrated conclusion (so the expiry reassessment and the
6-month rule apply to it).

The import is bounded by the go-live date (app setting ``GO_LIVE_DATE``, env
``LTC_GO_LIVE_DATE``): only entitlements starting — and conclusions made — before it, and only
for persons with no conclusion, open application or open entitlement request in the system
(their own migrated conclusion aside, so re-importing a file changes nothing: a person already
holding the same entitlement from the same start is ``unchanged``). A file with any bad row is
rejected whole and nothing is written. The import is audited with the file's SHA-256.
"""
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.policy import AssessmentPolicy
from ltc.assessment.applications.states import OPEN, Kind, Status
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import DomainError, ValidationFailed
from ltc.core.months import add_months
from ltc.entitlements import dates
from ltc.entitlements.models import LEVEL_NAMES, Entitlement, EntitlementRequest
from ltc.entitlements.notice import entitlement_ref
from ltc.entitlements.services import Conclusion, grant_entitlement
from ltc.entitlements.states import Origin, RequestStatus
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.orgs.models import Organisation
from ltc.people.ids import normalise_id_number
from ltc.people.models import InsuredPerson
from ltc.core.sheets import Preview, as_date, as_text, is_blank, read_table
from ltc.policy.services import policy_on
from ltc.providers.models import ProviderCareTypePeriod

FIELDS = ("id_number", "level", "concluded_on", "valid_until", "care_type", "provider", "valid_from")
REQUIRED_COLUMNS = ("id_number", "level", "concluded_on", "care_type", "provider", "valid_from")
#: the header of the downloadable template (msgids: Chinese, translated for English users)
TEMPLATE = {"id_number": "身份证号", "level": "失能等级（1–5）", "concluded_on": "评估结论日期",
            "valid_until": "有效期至（最后有效日，含当日）", "care_type": "服务形式（代码或名称）",
            "provider": "服务机构（统一社会信用代码）", "valid_from": "待遇开始日期"}
#: the same headers in English (scripts/en_terms.py translates ``TEMPLATE`` with these)
TEMPLATE_EN = {"id_number": "ID number", "level": "Disability level (1–5)", "concluded_on": "Conclusion date",
               "valid_until": "Valid until (last valid day, inclusive)", "care_type": "Care type (code or name)",
               "provider": "Care provider (unified social credit code)", "valid_from": "Entitlement start date"}
HEADER_ALIASES = {"身份证号": "id_number", "失能等级": "level", "评估结论日期": "concluded_on",
                  "结论日期": "concluded_on", "有效期至": "valid_until", "结论有效期至": "valid_until",
                  "服务形式": "care_type", "服务机构": "provider", "待遇开始日期": "valid_from",
                  **{header: name for name, header in TEMPLATE.items()},
                  **{header: name for name, header in TEMPLATE_EN.items()}}
#: columns of the earlier layout whose meaning changed: refused with what to use instead
RENAMED = {"conclusion_valid_to": "valid_until", "结论有效期截止": "有效期至"}
CARE_TYPE_BY_NAME = {**{c.value: c.value for c in CareType}, **{v: k.value for k, v in CARE_TYPE_LABELS.items()}}
MAX_ROWS = 100_000
CHUNK = 5_000


@dataclass
class EntitlementRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)
    person_id: int | None = None
    provider_id: int | None = None
    action: str | None = None     # create / unchanged

    @property
    def conclusion(self) -> Conclusion:
        v = self.values
        return Conclusion(v["level"], v["concluded_on"], v["conclusion_valid_to"])


@dataclass
class EntitlementsPreview(Preview):
    rows: list[EntitlementRow] = field(default_factory=list)
    go_live: date | None = None


# --- one row on its own ---------------------------------------------------------------------

def _level(value) -> int:
    text = as_text(value)
    if not (text.isascii() and text.isdigit() and int(text) in LEVEL_NAMES):
        raise ValueError(f"失能等级应为 1–5 的整数：{text}")
    return int(text)


def _care_type(value) -> str:
    text = as_text(value)
    if text not in CARE_TYPE_BY_NAME:
        raise ValueError(f"未知的服务形式：{text}")
    return CARE_TYPE_BY_NAME[text]


PARSERS = {"id_number": lambda v: normalise_id_number(as_text(v)) or _missing(), "level": _level,
           "concluded_on": as_date, "valid_until": as_date, "care_type": _care_type,
           "provider": lambda v: as_text(v) or _missing(), "valid_from": as_date}
LABELS = {"id_number": "身份证号", "level": "失能等级", "concluded_on": "评估结论日期",
          "valid_until": "有效期至", "care_type": "服务形式", "provider": "服务机构",
          "valid_from": "待遇开始日期"}


def _missing():
    raise ValueError("不能为空")


def parse_row(line: int, cells: list, columns: list[str], today: date, go_live: date) -> EntitlementRow:
    """One data row checked on its own (cell shapes, codes, dates, the go-live bound)."""
    row = EntitlementRow(line=line, values=dict.fromkeys(FIELDS))
    if not is_blank(cells[len(columns):]):
        row.errors.append("该行的单元格多于表头的列")
    raw = {name: cell for name, cell in zip(columns, cells, strict=False) if name}
    if raw.get("id_number") is not None and not isinstance(raw["id_number"], str):
        row.errors.append("身份证号单元格须为文本格式（数字格式会丢失位数）")
    for name in FIELDS:
        if name == "valid_until" and as_text(raw.get(name)) == "":
            continue
        try:
            row.values[name] = PARSERS[name](raw.get(name))
        except ValueError as exc:
            row.errors.append(f"{LABELS[name]}：{exc}")
    _check_dates(row, today, go_live)
    return row


def _check_dates(row: EntitlementRow, today: date, go_live: date) -> None:
    v = row.values
    concluded, until = v["concluded_on"], v["valid_until"]
    if concluded and concluded > today:
        row.errors.append("评估结论日期不能晚于今天")
    if concluded and concluded >= go_live:
        row.errors.append(f"评估结论日期须早于上线日期 {go_live.isoformat()}（上线后的结论在系统内作出）")
    if v["valid_from"] and v["valid_from"] >= go_live:
        row.errors.append(f"待遇开始日期须早于上线日期 {go_live.isoformat()}（上线后开始的待遇须经四方审核）")
    if concluded and until and until < concluded:
        row.errors.append("有效期至（最后有效日）不能早于评估结论日期")
    # the last valid day, inclusive, becomes the exclusive end every period here uses
    v["conclusion_valid_to"] = until + timedelta(days=1) if until else None


# --- rows against the database --------------------------------------------------------------

def _chunks(values: list) -> Iterable[list]:
    for i in range(0, len(values), CHUNK):
        yield values[i:i + CHUNK]


def _persons(session: Session, numbers: Iterable[str]) -> dict[str, tuple[int, date | None]]:
    found = {}
    for chunk in _chunks(sorted(set(numbers))):
        rows = session.execute(select(InsuredPerson.id_number, InsuredPerson.id, InsuredPerson.death_date)
                               .where(InsuredPerson.id_number.in_(chunk), InsuredPerson.live_filter()))
        found.update({number: (pid, death) for number, pid, death in rows})
    return found


def _providers(session: Session) -> tuple[dict[str, int], set[int]]:
    rows = session.execute(select(Organisation.uscc, Organisation.id).where(Organisation.kind == "provider")).all()
    return {code: oid for code, oid in rows}, {oid for _, oid in rows}


def _resolve(session: Session, rows: list[EntitlementRow]) -> None:
    persons = _persons(session, [r.values["id_number"] for r in rows if r.values["id_number"]])
    by_code, ids = _providers(session)
    for row in rows:
        v = row.values
        if v["id_number"]:
            row.person_id, death = persons.get(v["id_number"], (None, None))
            if row.person_id is None:
                row.errors.append(f"身份证号 {v['id_number']} 未登记为参保人")
            v["death_date"] = death
        if v["provider"]:
            code = v["provider"].upper()
            row.provider_id = by_code.get(code) or (int(code) if code.isdigit() and int(code) in ids else None)
            if row.provider_id is None:
                row.errors.append(f"服务机构 {v['provider']} 不是已登记的定点护理服务机构"
                                  "（统一社会信用代码或机构编号）")


class _Lookups:
    """The assessment policy per day and the providers' care-type agreements, read once per file."""

    def __init__(self, session: Session):
        self.session = session
        self.policies: dict[date, AssessmentPolicy] = {}
        self.agreements: dict[tuple[int, str], list[ProviderCareTypePeriod]] = {}
        for period in session.scalars(select(ProviderCareTypePeriod)):
            self.agreements.setdefault((period.org_id, period.care_type), []).append(period)

    def policy(self, day: date) -> AssessmentPolicy:
        """Raises NoPolicyInForce when no published version covers ``day``."""
        if day not in self.policies:
            self.policies[day] = policy_on(self.session, day).section(AssessmentPolicy)
        return self.policies[day]

    def agreed(self, provider_id: int, care_type: str, day: date) -> bool:
        return any(p.covers(day) for p in self.agreements.get((provider_id, care_type), ()))


def _policy_checks(lookups: _Lookups, row: EntitlementRow) -> None:
    """Default validity end, level allowed for the care type, provider agreement, end after start."""
    v = row.values
    try:
        if v["conclusion_valid_to"] is None:
            v["conclusion_valid_to"] = add_months(v["concluded_on"], lookups.policy(v["concluded_on"]).validity_months)
        policy = lookups.policy(v["valid_from"])
    except DomainError as exc:
        row.errors.append(exc.message)
        return
    care = CARE_TYPE_LABELS[v["care_type"]]
    if not policy.level_allowed(v["level"], v["care_type"]):
        row.errors.append(f"失能等级 {v['level']} 不能享受{care}（最低 {policy.min_level(v['care_type'])} 级）")
    if row.provider_id and not lookups.agreed(row.provider_id, v["care_type"], v["valid_from"]):
        row.errors.append(f"服务机构在 {v['valid_from'].isoformat()} 的协议不含{care}")
    end, reason = dates.entitlement_end(v["conclusion_valid_to"], death_date=v.get("death_date"))
    v["valid_to"], v["end_reason"] = end, reason
    if v["valid_from"] >= end:
        row.errors.append("待遇开始日期不早于待遇结束日期（参保人死亡或评估结论到期）")


def _same(stored: Entitlement, row: EntitlementRow) -> bool:
    v = row.values
    return (stored.origin, stored.level, stored.care_type, stored.provider_id, stored.conclusion_level,
            stored.conclusion_date, stored.conclusion_valid_to) == (
        Origin.MIGRATED, v["level"], v["care_type"], row.provider_id, v["level"], v["concluded_on"],
        v["conclusion_valid_to"])


def _existing(session: Session, person_ids: list[int]) -> dict[int, list[Entitlement]]:
    found: dict[int, list[Entitlement]] = {}
    for chunk in _chunks(sorted(set(person_ids))):
        for e in session.scalars(select(Entitlement).where(Entitlement.person_id.in_(chunk),
                                                           Entitlement.live_filter())):
            found.setdefault(e.person_id, []).append(e)
    return found


def classify(session: Session, rows: list[EntitlementRow]) -> None:
    """Each valid row is ``create`` or ``unchanged``; an overlap with a stored entitlement or an
    earlier row of the file is an error."""
    valid = [r for r in rows if not r.errors]
    stored = _existing(session, [r.person_id for r in valid])
    taken: dict[int, list[tuple[date, date, int]]] = {}
    for row in valid:
        v = row.values
        start, end = v["valid_from"], v["valid_to"]
        for e in stored.get(row.person_id, []):
            if e.valid_from == start and _same(e, row):
                row.action = "unchanged"
            elif e.valid_from == start:
                row.errors.append(f"已有同一开始日期、内容不同的待遇（{entitlement_ref(session, e)}），待遇不可修改")
            elif e.valid_from < end and start < e.valid_to:
                row.errors.append(f"与已有待遇 [{e.valid_from}, {e.valid_to}) 重叠")
        for other_start, other_end, line in taken.get(row.person_id, []):
            if other_start < end and start < other_end:
                row.errors.append(f"与第 {line} 行同一参保人的待遇期间重叠")
        taken.setdefault(row.person_id, []).append((start, end, row.line))
        if not row.errors and row.action is None:
            row.action = "create"


def _blockers(session: Session, person_ids: list[int]) -> dict[int, list]:
    """Per person: their conclusions and open applications (any kind) and open entitlement requests."""
    found: dict[int, list] = {}
    live = [Status.CONCLUDED.value, *(s.value for s in OPEN)]
    for chunk in _chunks(sorted(set(person_ids))):
        for app in session.scalars(select(Application).where(Application.person_id.in_(chunk),
                                                             Application.status.in_(live))):
            found.setdefault(app.person_id, []).append(app)
        for req in session.scalars(select(EntitlementRequest).where(
                EntitlementRequest.person_id.in_(chunk), EntitlementRequest.status == RequestStatus.OPEN.value)):
            found.setdefault(req.person_id, []).append(req)
    return found


def _key(row: EntitlementRow) -> tuple:
    v = row.values
    return v["level"], v["concluded_on"], v["conclusion_valid_to"]


def _blocker_error(record, in_file: set[tuple]) -> str | None:
    """Why ``record`` bars the person from the import, or None: a migrated conclusion the file
    itself brings (``in_file``: the person's conclusions in the file), imported before."""
    if isinstance(record, EntitlementRequest):
        return f"参保人已有进行中的待遇审核（待遇申请 {record.id}），不能上线迁移"
    if record.status != Status.CONCLUDED:
        return f"参保人已有正在办理的评估申请（申请 {record.number}），不能上线迁移"
    if record.kind != Kind.MIGRATED:
        return f"参保人在系统内已有评估结论（申请 {record.number}，{record.concluded_on}），不能上线迁移"
    if (record.level, record.concluded_on, record.valid_to) not in in_file:
        return f"参保人已有不同的上线迁移结论（{record.level} 级，{record.concluded_on}），迁移结论不可修改"
    return None


def check_persons(session: Session, rows: list[EntitlementRow]) -> None:
    """SPEC §4.2: only persons with no conclusion or open request in the system."""
    valid = [r for r in rows if not r.errors]
    blockers = _blockers(session, [r.person_id for r in valid])
    in_file: dict[int, set[tuple]] = {}
    for row in valid:
        in_file.setdefault(row.person_id, set()).add(_key(row))
    for row in valid:
        for record in blockers.get(row.person_id, []):
            if (error := _blocker_error(record, in_file[row.person_id])) is not None:
                row.errors.append(error)


def preview(session: Session, data: bytes, filename: str, *, today: date,
            go_live: date | None) -> EntitlementsPreview:
    """Read and check a whole file without writing anything. Without a go-live date the file is refused."""
    result = EntitlementsPreview(filename=filename, sha256=hashlib.sha256(data).hexdigest(), today=today,
                                 go_live=go_live)
    if go_live is None:
        result.header_errors.append("未设置上线日期（LTC_GO_LIVE_DATE），不能进行上线迁移导入")
        return result
    table = read_table(result, data, aliases=HEADER_ALIASES, known=FIELDS, required=REQUIRED_COLUMNS,
                       max_rows=MAX_ROWS)
    result.header_errors += [f"“{old}”列（有效期结束的次日）已停用：请改用“{new}”，填写最后有效日（含当日）"
                             for old, new in RENAMED.items() if f"未知列：{old}" in result.header_errors]
    if table is None:
        return result
    columns, body = table
    result.rows = [parse_row(line, cells, columns, today, go_live) for line, cells in body]
    _resolve(session, result.rows)
    lookups = _Lookups(session)
    for row in result.rows:
        if not row.errors:
            _policy_checks(lookups, row)
    check_persons(session, result.rows)
    classify(session, result.rows)
    return result


def apply(session: Session, result: EntitlementsPreview, *, actor: Actor, now: datetime) -> dict[str, int]:
    """Write a checked preview. Raises ValidationFailed when it has any error (nothing written)."""
    if not result.ok:
        raise ValidationFailed("文件有错误，未导入任何数据", {"file": "has errors"})
    for row in result.rows:
        if row.action == "create":
            v = row.values
            grant_entitlement(session, person_id=row.person_id, level=v["level"], care_type=v["care_type"],
                              provider_id=row.provider_id, conclusion=row.conclusion, starts_on=v["valid_from"],
                              origin=Origin.MIGRATED.value, actor=actor, now=now)
    counts = {k: n for k, n in result.counts.items() if k in ("create", "unchanged")}
    audit.record(session, actor, "import", "entitlement_import", None, now=now, detail=result.filename[:500],
                 after={"filename": result.filename, "sha256": result.sha256, "counts": counts})
    session.flush()
    return counts
