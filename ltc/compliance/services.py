"""Running the rules and keeping their findings (SPEC §6). Functions flush, never commit.

* ``check_record`` — entry-time checks (事前提醒): called through the records' checker registry
  after a visit, stay or leave is saved; stores and returns the record's findings, and refreshes
  the cross-record findings (V04, V06, V10, V07) of the other records the save affects (an
  offline upload can make a visit saved earlier "the later" one).
* ``scan_provider_month`` — the full rule set over a provider-month (the nightly scan and
  settlement generation), idempotent: unchanged findings are kept, new ones added, findings
  no longer found ``cleared``.

Findings are never deleted; a finding is identified by (rule, record, service date).
"""
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ltc.compliance import entry, readers
from ltc.compliance.facts import Facts
from ltc.compliance.facts import Finding as Found
from ltc.compliance.kinds import FindingSource, FindingStatus, RuleCode, Severity
from ltc.compliance.models import Finding, ScanMark
from ltc.compliance.policy import CompliancePolicy
from ltc.compliance.rules import evaluate
from ltc.compliance.rules.caps import over_cap, segment_of
from ltc.core import prepared
from ltc.core.clock import local_today
from ltc.core.months import add_months, first_of_month, first_of_next_month
from ltc.policy.services import policy_on
from ltc.providers.kinds import RecordKind

#: rules whose verdict on a visit depends on the beneficiary's other records, and on the carer's
#: other visits: refreshed on those records at entry time
BY_BENEFICIARY = frozenset({RuleCode.V06, RuleCode.V10, RuleCode.V07})
BY_CARER = frozenset({RuleCode.V04})


@dataclass
class Stored:
    added: int = 0
    changed: int = 0
    cleared: int = 0
    open: int = 0

    def __iadd__(self, other: "Stored") -> "Stored":
        for name in ("added", "changed", "cleared", "open"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    def counts(self) -> dict[str, int]:
        return {"findings_added": self.added, "findings_changed": self.changed, "findings_cleared": self.cleared}


def compliance_policy(session: Session, day: date) -> CompliancePolicy:
    return policy_on(session, day).section(CompliancePolicy)


# --- keeping findings ---------------------------------------------------------------------

_FIELDS = ("severity", "message", "params", "evidence", "minutes_over", "carer_id", "provider_id")


def _values(found: Found) -> dict[str, Any]:
    return {"severity": found.severity.value, "message": found.message, "params": dict(found.params),
            "evidence": dict(found.evidence), "minutes_over": found.minutes_over, "carer_id": found.carer_id,
            "provider_id": found.provider_id}


def store_findings(session: Session, found: Iterable[Found], *, where: list, includes: Callable[[Found], bool],
                   source: FindingSource, now: datetime, none_open: bool = False) -> Stored:
    """Make the open findings matching ``where`` (SQL conditions) equal to those of ``found`` that
    ``includes`` accepts: add the new, update the changed, clear the ones no longer found.
    ``none_open``: the caller knows there are none yet (a record checked for the first time)."""
    rows = [] if none_open else session.scalars(select(Finding).where(Finding.status == FindingStatus.OPEN.value,
                                                                      *where)).all()
    existing = {(row.rule, row.record_kind, row.record_id, row.service_date): row for row in rows}
    wanted = {f.key: f for f in found if includes(f)}
    result, new = Stored(open=len(wanted)), []
    for key, f in wanted.items():
        row, values = existing.get(key), _values(f)
        if row is None:
            new.append(dict(rule=f.rule.value, record_kind=f.record.kind, record_id=f.record.id,
                            person_id=f.person_id, service_date=f.service_date, month=first_of_month(f.service_date),
                            status=FindingStatus.OPEN.value, source=source.value, found_at=now, cleared_at=None,
                            **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            result.changed += 1
    for key, row in existing.items():
        if key not in wanted:
            row.status, row.cleared_at = FindingStatus.CLEARED.value, now
            result.cleared += 1
    session.flush()
    if new:
        _insert_new(session, new)
        result.added = len(new)
    return result


_NEW_COLUMNS = ("rule", "record_kind", "record_id", "person_id", "service_date", "month", "status", "source",
                "found_at", "cleared_at", *_FIELDS)
_JSON_COLUMNS = frozenset({"params", "evidence"})


#: below this many rows one ``INSERT … SELECT FROM json_to_recordset`` is cheaper than a ``COPY`` (two round trips
#: and its set-up)
COPY_FROM = 50
_RECORD = ", ".join(f"{name} {Finding.__table__.c[name].type.compile(dialect=postgresql.dialect())}"
                    for name in _NEW_COLUMNS)


def _recordset_sql(_in) -> str:
    """The rows bound as one JSON array of objects: one short statement text (prepared once) for any
    number of rows, one parameter."""
    return (f"INSERT INTO findings ({', '.join(_NEW_COLUMNS)}) SELECT {', '.join(_NEW_COLUMNS)} "
            f"FROM json_to_recordset(CAST(:rows AS JSON)) AS r({_RECORD})")


def _iso(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _insert_new(session: Session, new: list[dict]) -> None:
    """The new findings' rows: on PostgreSQL many (a month's) as one ``COPY`` on the session's
    connection (one stream, no statement per row), a few (an entry-time check's) as one insert of a
    JSON array of rows; elsewhere one insert of the rows."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(Finding.__table__), new)
        return
    if len(new) < COPY_FROM:
        rows = json.dumps([{name: row[name] for name in _NEW_COLUMNS} for row in new], default=_iso)
        prepared.execute(session, ("insert findings",), _recordset_sql, {"rows": rows})
        return
    json_positions = [i for i, name in enumerate(_NEW_COLUMNS) if name in _JSON_COLUMNS]
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY findings ({', '.join(_NEW_COLUMNS)}) FROM STDIN") as copy:
            for row in new:
                values = [row[name] for name in _NEW_COLUMNS]
                for i in json_positions:
                    values[i] = json.dumps(values[i])
                copy.write_row(values)


def open_findings(session: Session, record_kind: str, record_id: int) -> list[Finding]:
    """The record's open findings, by service date and rule."""
    return list(session.scalars(select(Finding).where(
        Finding.record_kind == record_kind, Finding.record_id == record_id,
        Finding.status == FindingStatus.OPEN.value).order_by(Finding.service_date, Finding.rule)))


def findings_of_records(session: Session, refs: Sequence[tuple[str, int]]) -> list[Finding]:
    """Every finding (open and cleared) of the records ``refs`` (kind, id), by service date and rule."""
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in refs:
        by_kind.setdefault(kind, []).append(record_id)
    if not by_kind:
        return []
    where = or_(*[(Finding.record_kind == kind) & Finding.record_id.in_(ids) for kind, ids in by_kind.items()])
    return list(session.scalars(select(Finding).where(where).order_by(Finding.service_date, Finding.rule,
                                                                      Finding.id)))


# --- entry time ------------------------------------------------------------------------------

def check_record(session: Session, record_kind: str, record: Any, *, now: datetime) -> list[Found]:
    """Entry-time checks of a saved visit, stay or leave (a leave: its stay). Stores the record's
    findings, refreshes V04/V06/V10/V07 on the records around it, returns the record's findings."""
    if record_kind == RecordKind.VISIT:
        return _check_visit(session, record, now=now)
    if record_kind == RecordKind.LEAVE:
        record, record_kind = record.stay, RecordKind.STAY
    if record_kind == RecordKind.STAY:
        return _check_stay(session, record, now=now)
    raise ValueError(f"unknown record kind {record_kind!r}")


def _check_visit(session: Session, visit, *, now: datetime) -> list[Found]:
    session.flush()
    if _may_be_live(visit):
        around = entry.around_check_in(session, visit)
        if around.latest:
            return _check_live(session, visit, around, now=now)
    facts = readers.around_visit(session, visit, now=now)
    found = evaluate(facts, compliance_policy(session, visit.service_date), now=now)
    own = _keep_record(session, found, RecordKind.VISIT, visit.id, now=now)
    others = [v for v in facts.visits if v.id != visit.id]
    _keep_related(session, found, {v.id for v in others if v.beneficiary_id == visit.person_id}, BY_BENEFICIARY,
                  now=now)
    if visit.carer_id is not None:
        _keep_related(session, found, {v.id for v in others if v.carer_id == visit.carer_id}, BY_CARER, now=now)
    return own


def _may_be_live(visit) -> bool:
    """A check-in never corrected, not yet checked out: live when it is also the beneficiary's latest of
    the month (the records before it keep their verdicts, only the carer's visits it overlaps can change)."""
    return visit.check_in_at is not None and visit.check_out_at is None and visit.version == 1


def _check_live(session: Session, visit, around: entry.Around, *, now: datetime) -> list[Found]:
    """The entry-time check of a live check-in from the facts of its day, its carer's overlapping
    visits and its cap segment's count so far (V07), instead of the whole month: the same findings."""
    facts = entry.at_check_in(session, visit, around, now=now)
    policy = compliance_policy(session, visit.service_date)
    found = entry.live_findings(facts, visit.id, policy, now=now)
    mine = [f for f in found if f.record.kind == RecordKind.VISIT and f.record.id == visit.id]
    if not any(f.severity == Severity.REJECT for f in mine):
        mine += _over_cap(session, visit, facts, policy)
    _keep_record(session, mine, RecordKind.VISIT, visit.id, now=now, first_check=not around.has_findings)
    if visit.carer_id is not None:
        later = {v.id for v in facts.visits if v.carer_id == visit.carer_id and v.check_in is not None
                 and (v.check_in, v.id) > (visit.check_in_at, visit.id)}
        _keep_related(session, found, later, BY_CARER, now=now)
    return mine


def _over_cap(session: Session, visit, facts: Facts, policy: CompliancePolicy) -> list[Found]:
    """V07 on a live check-in: its segments' counted visits before it consume the cap first."""
    own = next(v for v in facts.visits if v.id == visit.id)
    found = []
    for segment in segment_of(facts.caps, own):
        used_visits, used_minutes = entry.counted_before(session, visit, segment)
        hit = over_cap(segment, own, used_visits=used_visits, used_minutes=used_minutes, policy=policy)
        found += [hit] if hit is not None else []
    return found


def _check_stay(session: Session, stay, *, now: datetime) -> list[Found]:
    session.flush()
    today = local_today(now)
    policy = compliance_policy(session, today)
    first = max(first_of_month(stay.admitted_on), add_months(first_of_month(today), -policy.recheck_months))
    last = first_of_month(min(stay.discharged_on or today, today))
    own: list[Found] = []
    month = first
    while month <= last:
        facts = readers.around_stay(session, stay, month, now=now)
        found = evaluate(facts, compliance_policy(session, month), now=now)
        own += _keep_record(session, found, RecordKind.STAY, stay.id, now=now, month=month)
        _keep_related(session, found, {v.id for v in facts.visits}, {RuleCode.V06}, now=now)
        month = first_of_next_month(month)
    return own


def _keep_record(session: Session, found: list[Found], kind: str, record_id: int, *, now: datetime,
                 month: date | None = None, first_check: bool = False) -> list[Found]:
    where = [Finding.record_kind == kind, Finding.record_id == record_id]
    if month is not None:
        where.append(Finding.month == month)
    mine = [f for f in found if f.record.kind == kind and f.record.id == record_id]
    store_findings(session, mine, where=where, includes=lambda f: True, source=FindingSource.ENTRY, now=now,
                   none_open=first_check)
    return mine


def _keep_related(session: Session, found: list[Found], visit_ids: set[int], rules: frozenset | set, *,
                  now: datetime) -> None:
    """Refresh ``rules`` on other visits whose context the check read in full."""
    if not visit_ids:
        return
    store_findings(session, found, where=[Finding.record_kind == RecordKind.VISIT.value,
                                          Finding.record_id.in_(sorted(visit_ids)),
                                          Finding.rule.in_(sorted(r.value for r in rules))],
                   includes=lambda f: f.record.kind == RecordKind.VISIT and f.record.id in visit_ids
                   and f.rule in rules, source=FindingSource.ENTRY, now=now)


# --- the full set over a provider-month ----------------------------------------------------------

def scan_provider_month(session: Session, provider_id: int, month: date, *, now: datetime,
                        as_of: datetime | None = None, facts: Facts | None = None,
                        found: Sequence[Found] | None = None, marks: Mapping[date, ScanMark] | None = None) -> Stored:
    """Run every rule over ``provider_id``'s records of ``month`` (first day) and keep their findings
    (the provider's own records only; other providers' records are read for V06). Idempotent.

    ``as_of`` is the business moment the rules judge at (bed-days of open stays up to its day, V13,
    F01 once the month is over), by default ``now``; a job passes its due time. A caller that
    evaluated ``facts`` already (a settlement generation) passes its ``found``; one that read the
    provider's scan marks (``scan_marks``) passes them."""
    as_of = as_of or now
    facts = facts or readers.provider_month(session, provider_id, month, now=as_of)
    if found is None:
        found = evaluate(facts, compliance_policy(session, month), now=as_of)
    stored = store_findings(
        session, found, where=[Finding.provider_id == provider_id, Finding.month == month],
        includes=lambda f: f.provider_id == provider_id and first_of_month(f.service_date) == month,
        source=FindingSource.SCAN, now=now)
    mark = last_scan(session, provider_id, month) if marks is None else marks.get(month)
    _mark(session, provider_id, month, mark, now=now, as_of=local_today(as_of), open_count=stored.open)
    return stored


def _mark(session: Session, provider_id: int, month: date, mark: ScanMark | None, *, now: datetime, as_of: date,
          open_count: int) -> None:
    if mark is None:
        session.add(ScanMark(provider_id=provider_id, month=month, scanned_at=now, as_of=as_of,
                             findings_open=open_count))
    else:
        mark.scanned_at, mark.as_of, mark.findings_open = now, as_of, open_count
    session.flush()


def scan_marks(session: Session, provider_id: int, start: date, end: date) -> dict[date, ScanMark]:
    """The provider's scan marks of the months in ``[start, end)``, by month (one statement)."""
    return {mark.month: mark for mark in session.scalars(select(ScanMark).where(
        ScanMark.provider_id == provider_id, ScanMark.month >= start, ScanMark.month < end))}


def last_scan(session: Session, provider_id: int, month: date) -> ScanMark | None:
    """When the provider's month was last scanned (None: never)."""
    return session.scalar(select(ScanMark).where(ScanMark.provider_id == provider_id, ScanMark.month == month))
