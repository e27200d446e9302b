"""What counts as a confirmed finding, a sampled record and a refusal (SPEC §6, §8), as SQL clauses
over settlement results: a finding still open on a record included in a submitted (or later)
settlement, that is a REJECT not won on appeal, or a FLAG the insurer refused; a sampled record is a
record of a person in the settlement's random sample; a refusal is the insurer's ``refuse`` decision."""
from sqlalchemy import ColumnElement, and_, exists, or_, select

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement, SettlementFinding
from ltc.billing.review.kinds import AppealOutcome, RecordDecision
from ltc.billing.review.models import (SettlementAppeal, SettlementAppealItem, SettlementRecordDecision,
                                         SettlementSample)
from ltc.compliance.kinds import FindingStatus, Severity
from ltc.compliance.models import Finding

SUBMITTED = tuple(s.value for s in SettlementStatus if s != SettlementStatus.DRAFT)


def refused(record_kind: str, record_id) -> ColumnElement[bool]:
    return exists().where(SettlementRecordDecision.record_kind == record_kind,
                          SettlementRecordDecision.record_id == record_id,
                          SettlementRecordDecision.decision == RecordDecision.REFUSE.value)


def _appeal_won(record_kind: str, record_id) -> ColumnElement[bool]:
    return exists().where(SettlementAppealItem.record_kind == record_kind, SettlementAppealItem.record_id == record_id,
                          SettlementAppeal.id == SettlementAppealItem.appeal_id,
                          SettlementAppeal.outcome == AppealOutcome.WON.value)


def confirmed_finding() -> ColumnElement[bool]:
    """A clause on ``Finding``: the finding is confirmed (see the module)."""
    settled = exists().where(SettlementFinding.finding_id == Finding.id,
                             Settlement.id == SettlementFinding.settlement_id, Settlement.status.in_(SUBMITTED))
    return and_(Finding.status == FindingStatus.OPEN.value, settled, or_(
        and_(Finding.severity == Severity.REJECT.value, ~_appeal_won(Finding.record_kind, Finding.record_id)),
        and_(Finding.severity == Severity.FLAG.value, refused(Finding.record_kind, Finding.record_id))))


def has_confirmed_finding(record_kind: str, record_id) -> ColumnElement[bool]:
    return exists(select(Finding.id).where(Finding.record_kind == record_kind, Finding.record_id == record_id,
                                           confirmed_finding()))


def sampled(provider_id, person_id, month) -> ColumnElement[bool]:
    """The person was in the random sample of the provider's settlement of ``month``."""
    return exists().where(SettlementSample.person_id == person_id, Settlement.id == SettlementSample.settlement_id,
                          Settlement.provider_id == provider_id, Settlement.month == month)
