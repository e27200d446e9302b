"""Revisions of a settlement (SPEC §7.3): a regeneration of a draft writes a new revision of lines (the
old ones are kept) with a diff of totals and lines against the previous one; a run that changes no
line writes nothing. Reading the stored lines back into ``LinePlan`` values makes the comparison
exact (same keys, same rounded values)."""
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.bulk import insert_rows
from ltc.billing.lines import LinePlan, RecordUnits, Totals
from ltc.billing.models import Settlement, SettlementLine, SettlementLineRecord

#: the columns of a stored line that make its ``LinePlan`` (the field names, in the same order)
_STORED = ("kind", "person_id", "care_type", "level", "date_from", "date_to", "rate", "unit", "payable_units",
           "held_units", "rejected", "billable", "ratio", "fund", "copay", "service_month", "reason", "adjustment_id",
           "note", "params")
#: the values a diff names per changed line
DIFF_FIELDS = ("level", "payable_units", "held_units", "rejected", "billable", "ratio", "fund", "copay")


def stored_lines(session: Session, settlement_id: int, revision: int) -> list[LinePlan]:
    """The lines of one revision as ``LinePlan`` values (with their records), in id order: two
    statements of plain rows."""
    line = SettlementLine.__table__.c
    lines = session.execute(select(line.id, *(line[name] for name in _STORED))
                            .where(line.settlement_id == settlement_id, line.revision == revision)
                            .order_by(line.id)).all()
    record = SettlementLineRecord.__table__.c
    rows = session.execute(select(record.line_id, record.record_kind, record.record_id, record.service_date,
                                  record.service_to, record.units, record.held)
                           .join(SettlementLine.__table__, line.id == record.line_id)
                           .where(line.settlement_id == settlement_id, line.revision == revision)
                           .order_by(record.id))
    records: dict[int, list[RecordUnits]] = defaultdict(list)
    for line_id, *values in rows:
        records[line_id].append(RecordUnits(*values))
    plans = []
    for line_id, *values in lines:
        fields = dict(zip(_STORED, values, strict=True))
        fields["rejected"], fields["params"] = dict(fields["rejected"]), dict(fields["params"] or {})
        plans.append(LinePlan(**fields, records=tuple(records[line_id])))
    return plans


def same_lines(old: Sequence[LinePlan], new: Sequence[LinePlan]) -> bool:
    """Whether ``new`` has the lines of ``old`` with the same values (``LinePlan.values``), compared as tuples."""
    return len(old) == len(new) and sorted(map(_compared, old)) == sorted(map(_compared, new))


def _compared(line: LinePlan) -> tuple:
    return (line.key, line.level, line.payable_units, line.held_units, tuple(sorted(line.rejected.items())),
            str(line.billable), str(line.ratio), str(line.fund), str(line.copay),
            tuple(sorted((r.record_kind, r.record_id, r.service_date.isoformat(),
                          r.service_to.isoformat() if r.service_to else "", r.units, r.held) for r in line.records)))


def _describe(line: LinePlan) -> dict:
    return {"kind": line.kind, "person_id": line.person_id, "care_type": line.care_type,
            "from": line.date_from.isoformat(), "to": line.date_to.isoformat(), "rate": str(line.rate),
            "unit": line.unit, "payable_units": line.payable_units, "fund": str(line.fund),
            "billable": str(line.billable)}


def diff(old: Sequence[LinePlan], new: Sequence[LinePlan], old_totals: Totals | None, new_totals: Totals) -> dict:
    """What changed from ``old`` to ``new``: totals, lines added, removed and changed (by key)."""
    if old_totals is None:
        return {}
    before, after = {line.key: line for line in old}, {line.key: line for line in new}
    changed = []
    for key in sorted(set(before) & set(after), key=repr):
        a, b = before[key].values(), after[key].values()
        fields = {name: [a[name], b[name]] for name in DIFF_FIELDS if a[name] != b[name]}
        if fields or a["records"] != b["records"]:
            changed.append({"line": _describe(after[key]), "fields": fields})
    totals = {name: [value, new_totals.as_dict()[name]] for name, value in old_totals.as_dict().items()
              if value != new_totals.as_dict()[name]}
    return {"totals": totals,
            "added": [_describe(after[k]) for k in sorted(set(after) - set(before), key=repr)],
            "removed": [_describe(before[k]) for k in sorted(set(before) - set(after), key=repr)],
            "changed": changed}


LINE_COLUMNS = ("settlement_id", "revision", "kind", "person_id", "care_type", "level", "date_from", "date_to",
                "rate", "unit", "payable_units", "held_units", "rejected", "billable", "ratio", "fund", "copay",
                "service_month", "reason", "adjustment_id", "note", "params")
RECORD_COLUMNS = ("line_id", "record_kind", "record_id", "service_date", "service_to", "units", "held")


def write_lines(session: Session, settlement: Settlement, revision: int, plans: Sequence[LinePlan]) -> list[int]:
    """Store ``plans`` as the lines of ``revision`` with their records (bulk inserts); their ids in order."""
    rows = [(settlement.id, revision, plan.kind, plan.person_id, plan.care_type, plan.level, plan.date_from,
             plan.date_to, plan.rate, plan.unit, plan.payable_units, plan.held_units, plan.rejected, plan.billable,
             plan.ratio, plan.fund, plan.copay, plan.service_month, plan.reason, plan.adjustment_id, plan.note,
             plan.params) for plan in plans]
    ids = insert_rows(session, SettlementLine.__table__, LINE_COLUMNS, rows, ids=True)
    links = [(line_id, r.record_kind, r.record_id, r.service_date, r.service_to, r.units, r.held)
             for line_id, plan in zip(ids, plans, strict=True) for r in plan.records]
    insert_rows(session, SettlementLineRecord.__table__, RECORD_COLUMNS, links)
    return ids
