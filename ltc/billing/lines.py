"""Settlement lines as plain values before they are stored (SPEC §7.2): one ``LinePlan`` per rate row
of pricing (regular or late) or per adjustment, with the records its units came from. Stored lines
are read back into the same shape, so a regeneration compares like with like (``revisions``)."""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from ltc.billing.kinds import LineKind
from ltc.billing.pricing import RateRow, UnitSource

ZERO = Decimal("0.00")
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class RecordUnits:
    """The payable units (of which ``held``) a record gave a line: a visit on its date, or a run of a
    stay's bed-days ``[service_date, service_to)``."""

    record_kind: str
    record_id: int
    service_date: date
    service_to: date | None
    units: int
    held: int = 0


@dataclass(frozen=True)
class LinePlan:
    kind: str
    person_id: int | None
    care_type: str | None
    level: int | None
    date_from: date
    date_to: date
    rate: Decimal
    unit: str
    payable_units: int
    held_units: int
    rejected: dict
    billable: Decimal
    ratio: Decimal
    fund: Decimal
    copay: Decimal
    service_month: date | None = None
    reason: str | None = None
    adjustment_id: int | None = None
    note: str | None = None
    params: dict = field(default_factory=dict)
    records: tuple[RecordUnits, ...] = ()

    @property
    def key(self) -> tuple:
        """What names a line across revisions (its values may change)."""
        return (self.kind, self.person_id, self.care_type, self.date_from.isoformat(), self.date_to.isoformat(),
                str(self.rate), self.unit, self.service_month.isoformat() if self.service_month else None,
                self.adjustment_id)

    def values(self) -> dict:
        """The values a regeneration compares (JSON-able)."""
        return {"level": self.level, "payable_units": self.payable_units, "held_units": self.held_units,
                "rejected": dict(sorted(self.rejected.items())), "billable": str(self.billable),
                "ratio": str(self.ratio), "fund": str(self.fund), "copay": str(self.copay),
                "records": sorted([r.record_kind, r.record_id, r.service_date.isoformat(),
                                   r.service_to.isoformat() if r.service_to else None, r.units, r.held]
                                  for r in self.records)}


def record_units(sources: Iterable[UnitSource]) -> tuple[RecordUnits, ...]:
    """The sources of a rate row as stored links: each visit (or package) as it is; a stay's bed-days
    as runs of consecutive days with the same payable and held units."""
    found: list[RecordUnits] = []
    ordered = sorted(sources, key=lambda s: (s.kind, s.id, s.service_date))
    for (kind, record_id), group in groupby(ordered, key=lambda s: (s.kind, s.id)):
        if kind != "stay":
            found += [RecordUnits(kind, record_id, s.service_date, None, s.payable, s.held) for s in group]
            continue
        run: list[UnitSource] = []
        for s in group:
            if run and (s.service_date != run[-1].service_date + ONE_DAY
                        or (s.payable, s.held) != (run[-1].payable, run[-1].held)):
                found.append(_run(run))
                run = []
            run.append(s)
        found.append(_run(run))
    return tuple(found)


def _run(days: list[UnitSource]) -> RecordUnits:
    first, last = days[0], days[-1]
    return RecordUnits("stay", first.id, first.service_date, last.service_date + ONE_DAY,
                       sum(d.payable for d in days), sum(d.held for d in days))


def from_row(row: RateRow, *, kind: str = LineKind.REGULAR.value, service_month: date | None = None,
             note: str | None = None, params: dict | None = None) -> LinePlan:
    """The line of one rate row (a late line names the earlier service month it belongs to)."""
    held = dict(sorted(row.held.items()))
    return LinePlan(
        kind=kind, person_id=row.beneficiary_id, care_type=row.care_type, level=row.level, date_from=row.start,
        date_to=row.end, rate=row.rate, unit=str(row.unit), payable_units=row.payable_units,
        held_units=sum(held.values()), rejected=dict(sorted(row.rejected.items())), billable=row.billable,
        ratio=row.ratio, fund=row.fund, copay=row.copay, service_month=service_month, note=note,
        params={**(params or {}), **({"held": held} if held else {}),
                **({"fund_reduced": str(row.fund_reduced)} if row.fund_reduced else {})},
        records=record_units(row.sources))


@dataclass(frozen=True)
class Totals:
    billable: Decimal = ZERO
    fund: Decimal = ZERO
    copay: Decimal = ZERO
    adjustments: Decimal = ZERO
    beneficiaries: int = 0

    def as_dict(self) -> dict:
        return {"billable": str(self.billable), "fund": str(self.fund), "copay": str(self.copay),
                "adjustments": str(self.adjustments)}


def totals(lines: Iterable[LinePlan]) -> Totals:
    """Regular and late lines make billable, fund and copay (sums of rounded lines); adjustment lines
    make ``adjustments`` (their fund, ±)."""
    lines = list(lines)
    service = [line for line in lines if line.kind != LineKind.ADJUSTMENT]
    adjustments = [line for line in lines if line.kind == LineKind.ADJUSTMENT]
    return Totals(billable=sum((line.billable for line in service), ZERO),
                  fund=sum((line.fund for line in service), ZERO),
                  copay=sum((line.copay for line in service), ZERO),
                  adjustments=sum((line.fund for line in adjustments), ZERO),
                  beneficiaries=len({line.person_id for line in service if line.person_id is not None}))
