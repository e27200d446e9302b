"""The units of a month and what happens to each (SPEC §7.2): payable, held or rejected, pure.

A unit is a bed-day of a stay (1), a planned minute of a home visit, an outreach visit (1) or a
family package (1). Each rejected unit is counted once, under the first REJECT finding on its record
and date in ``REJECT_ORDER`` (then any other REJECT rule, then an insurer's refusal); V07 on a home
visit rejects only its minutes over the cap (a partial visit at the cap). Payable units under an open
FLAG (or of a person held by a follow-up) are held, under the first FLAG rule.
"""
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date

from ltc.billing.pricing.model import PricingInput, Unit
from ltc.compliance.facts import Finding, RecordRef
from ltc.compliance.kinds import RuleCode, Severity
from ltc.orgs.kinds import CareType
from ltc.providers.kinds import ItemClass

#: issue 11 point 2: a rejected unit is counted once, under the first failing rule in this order
REJECT_ORDER = ("E07", "E03", "E01", "E02", "P01", "E08", "D02", "V10", "V06", "V04", "P02", "V09", "V03", "V07",
                "F01")
#: held units are shown under the first open FLAG in this order; a follow-up hold last
HELD_ORDER = tuple(rule.value for rule in RuleCode)
FOLLOW_UP = "follow_up"
_RANK = {rule: i for i, rule in enumerate((*REJECT_ORDER, *(r for r in HELD_ORDER if r not in REJECT_ORDER)))}


@dataclass(slots=True)
class UnitRecord:
    """The units one record has on one service date, and their verdict."""

    kind: str
    id: int
    service_date: date
    beneficiary_id: int
    provider_id: int
    care_type: str
    unit: Unit
    units: int
    medical: bool = False   # a home visit with a medical item (the medical hourly rate)
    payable: int = 0
    held: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)


FindingIndex = dict[tuple[RecordRef, date], list[Finding]]


def index_findings(findings) -> FindingIndex:
    """The findings by the record and date they are on."""
    by_unit: FindingIndex = defaultdict(list)
    for f in findings:
        by_unit[(f.record, f.service_date)].append(f)
    return by_unit


def judge(unit: UnitRecord, found: list[Finding], refused: str | None, held_person: bool) -> UnitRecord:
    """Set the unit's payable, held and rejected counts from the findings on it."""
    if not found and refused is None:   # most units: payable, held only by a follow-up
        unit.payable = unit.units
        if held_person and unit.payable:
            unit.held = {FOLLOW_UP: unit.payable}
        return unit
    rejecting = sorted((f for f in found if f.severity == Severity.REJECT), key=lambda f: _RANK[f.rule.value])
    first = rejecting[0] if rejecting else None
    if first is None and refused is not None:
        unit.rejected = {refused: unit.units}
        return unit
    rejected = 0
    if first is not None:
        rejected = unit.units
        if first.rule == RuleCode.V07 and unit.unit == Unit.MINUTE and first.minutes_over is not None:
            rejected = min(first.minutes_over, unit.units)
        unit.rejected = {first.rule.value: rejected}
    unit.payable = unit.units - rejected
    flags = sorted((f.rule.value for f in found if f.severity == Severity.FLAG), key=_RANK.__getitem__)
    hold = flags[0] if flags else FOLLOW_UP if held_person else None
    if hold is not None and unit.payable:
        unit.held = {hold: unit.payable}
    return unit


def _selected(inputs: PricingInput, beneficiary_id: int, provider_id: int) -> bool:
    return (inputs.provider_id is None or provider_id == inputs.provider_id) and (
        inputs.beneficiary_ids is None or beneficiary_id in inputs.beneficiary_ids)


def record_units(inputs: PricingInput) -> Iterator[UnitRecord]:
    """The bed-days and delivered (checked-in) home and outreach visits of the selection, unjudged."""
    for day in inputs.facts.bed_days:
        if _selected(inputs, day.beneficiary_id, day.provider_id):
            yield UnitRecord("stay", day.stay_id, day.day, day.beneficiary_id, day.provider_id, day.care_type,
                             Unit.DAY, 1)
    for visit in inputs.facts.visits:
        if visit.check_in is None or not _selected(inputs, visit.beneficiary_id, visit.provider_id):
            continue
        if visit.care_type == CareType.HOME:
            yield UnitRecord("visit", visit.id, visit.service_date, visit.beneficiary_id, visit.provider_id,
                             visit.care_type, Unit.MINUTE, visit.planned_minutes,
                             medical=any(item.item_class == ItemClass.MEDICAL for item in visit.items))
        elif visit.care_type == CareType.OUTREACH:
            yield UnitRecord("visit", visit.id, visit.service_date, visit.beneficiary_id, visit.provider_id,
                             visit.care_type, Unit.VISIT, 1)


def judged_units(inputs: PricingInput, found: FindingIndex) -> list[UnitRecord]:
    """Every unit of the selection with its verdict."""
    refused: Mapping = inputs.refused
    judged = []
    for unit in record_units(inputs):
        key = (RecordRef(unit.kind, unit.id), unit.service_date)
        judged.append(judge(unit, found.get(key, ()), refused.get(key) if refused else None,
                            unit.beneficiary_id in inputs.held_persons))
    return judged
