"""Which violation points a submitted settlement gives, and on which day (SPEC §6). Reads only.

A finding about a carer's visit is confirmed on a record the settlement included:

* a REJECT finding the settlement was generated with, not overturned by an appeal;
* a FLAG finding on a record the insurer refused (S01 / S02 only when refused as falsified);
* the insurer's fraud finding: a refusal for fraud, its text the evidence (the fraud points of the
  ``compliance`` section); it stands for the record's falsification too.

Points attach on the day the appeal window closes without an appeal on that record (the window's last
day), or on the day an appeal about it is lost; a won appeal gives none, an open one waits. The points
of each rule are those of the compliance policy in force on the record's service date. Records
corrected or withdrawn before submission are in no submitted settlement: they give none.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.models import Settlement, SettlementFinding
from ltc.billing.review.appeals import appeal_deadline
from ltc.billing.review.kinds import AppealItemKind, AppealOutcome, RecordDecision, RefusalReason
from ltc.billing.review.models import SettlementAppeal, SettlementAppealItem, SettlementRecordDecision
from ltc.billing.review.records import reject_findings
from ltc.compliance.kinds import FindingStatus, Severity
from ltc.compliance.models import Finding
from ltc.compliance.policy import CompliancePolicy
from ltc.core.clock import local_today
from ltc.policy.services import policy_on
from ltc.providers.records.models import Visit
from ltc.ratings.points.kinds import FALSIFICATION_RULES, FRAUD, PointCause


@dataclass(frozen=True)
class Due:
    """A ledger row to write (``ViolationPoint``'s values)."""

    carer_id: int
    rule: str
    record_kind: str
    record_id: int
    service_date: date
    points: int
    attached_on: date
    cause: PointCause
    finding_id: int | None = None
    decision_id: int | None = None
    appeal_id: int | None = None
    note: str | None = None


@dataclass
class Appealed:
    """What the appeals of a settlement say about one record (or one REJECT finding of it)."""

    won: bool = False
    open: bool = False
    lost_on: date | None = None
    lost_id: int | None = None
    cancelled_on: date | None = None


def appeals_by_item(session: Session, settlement: Settlement) -> dict[tuple, Appealed]:
    """``(kind, record_kind, record_id[, rule])`` → what the settlement's appeals decided about it."""
    rows = session.execute(select(SettlementAppealItem, SettlementAppeal)
                           .join(SettlementAppeal, SettlementAppeal.id == SettlementAppealItem.appeal_id)
                           .where(SettlementAppeal.settlement_id == settlement.id)
                           .order_by(SettlementAppeal.id)).all()
    found: dict[tuple, Appealed] = {}
    for item, appeal in rows:
        rule = (item.rule,) if item.kind == AppealItemKind.REJECT else ()
        key = (item.kind, item.record_kind, item.record_id, *rule)
        state = found.setdefault(key, Appealed())
        day = local_today(appeal.decided_at) if appeal.decided_at else None
        if appeal.outcome == AppealOutcome.WON:
            state.won = True
        elif appeal.outcome == AppealOutcome.OPEN:
            state.open = True
        elif appeal.outcome == AppealOutcome.LOST and state.lost_on is None:
            state.lost_on, state.lost_id = day, appeal.id
        elif appeal.outcome == AppealOutcome.CANCELLED:
            state.cancelled_on = day
    return found


def attach_day(state: Appealed | None, deadline: date, today: date) -> tuple[date, int | None] | None:
    """(the day the points attach, the lost appeal) once due on ``today``; None: not (yet)."""
    state = state or Appealed()
    if state.won or state.open:
        return None
    if state.lost_on is not None:
        return (state.lost_on, state.lost_id) if state.lost_on <= today else None
    closes = max(deadline, state.cancelled_on or deadline)
    return (closes, None) if today > closes else None


class _Points:
    """The compliance section's points per rule, read once per service date."""

    def __init__(self, session: Session):
        self.session, self._by_day = session, {}

    def __call__(self, rule: str, day: date) -> int:
        if day not in self._by_day:
            self._by_day[day] = policy_on(self.session, day).section(CompliancePolicy)
        section = self._by_day[day]
        return section.fraud_points if rule == FRAUD else section.setting(rule).points


def due_points(session: Session, settlement: Settlement, today: date) -> list[Due]:
    """Every ledger row the settlement gives as of ``today`` (rows already written included)."""
    deadline = appeal_deadline(session, settlement)
    if deadline is None:
        return []
    appealed, points = appeals_by_item(session, settlement), _Points(session)
    return _rejects(session, settlement, appealed, points, deadline, today) + _refusals(
        session, settlement, appealed, points, deadline, today)


def _rejects(session, settlement, appealed, points, deadline, today) -> list[Due]:
    rows = []
    for finding, _line in reject_findings(session, settlement):
        worth = points(finding.rule, finding.service_date) if finding.carer_id else 0
        key = (AppealItemKind.REJECT.value, finding.record_kind, finding.record_id, finding.rule)
        if worth and (when := attach_day(appealed.get(key), deadline, today)):
            rows.append(Due(finding.carer_id, finding.rule, finding.record_kind, finding.record_id,
                            finding.service_date, worth, when[0], PointCause.REJECT, finding_id=finding.id,
                            appeal_id=when[1]))
    return rows


def _flags(session: Session, settlement: Settlement) -> dict[tuple[str, int], list[Finding]]:
    rows = session.scalars(select(Finding).join(SettlementFinding, SettlementFinding.finding_id == Finding.id).where(
        SettlementFinding.settlement_id == settlement.id, SettlementFinding.revision == settlement.revision,
        Finding.severity == Severity.FLAG.value, Finding.status == FindingStatus.OPEN.value).order_by(Finding.id))
    found: dict[tuple[str, int], list[Finding]] = {}
    for finding in rows:
        found.setdefault((finding.record_kind, finding.record_id), []).append(finding)
    return found


def _carers(session: Session, refusals: list[SettlementRecordDecision]) -> dict[int, int]:
    """Visit id → carer of the refused visits (a sampled record's decision names no carer)."""
    ids = [r.record_id for r in refusals if r.record_kind == "visit"]
    return dict(session.execute(select(Visit.id, Visit.carer_id).where(Visit.id.in_(ids))).all()) if ids else {}


def _refusals(session, settlement, appealed, points, deadline, today) -> list[Due]:
    refusals = list(session.scalars(select(SettlementRecordDecision).where(
        SettlementRecordDecision.settlement_id == settlement.id,
        SettlementRecordDecision.decision == RecordDecision.REFUSE.value).order_by(SettlementRecordDecision.id)))
    flags, carers, rows = _flags(session, settlement), _carers(session, refusals), []
    for refusal in refusals:
        carer_id = (refusal.carer_id or carers.get(refusal.record_id)) if refusal.record_kind == "visit" else None
        key = (AppealItemKind.REFUSAL.value, refusal.record_kind, refusal.record_id)
        when = attach_day(appealed.get(key), deadline, today) if carer_id else None
        if when is not None:
            rows += _refusal_rows(refusal, carer_id, flags.get((refusal.record_kind, refusal.record_id), []),
                                  points, when)
    return rows


def _refusal_rows(refusal: SettlementRecordDecision, carer_id: int, flags: list[Finding], points,
                  when: tuple[date, int | None]) -> list[Due]:
    base = dict(carer_id=carer_id, record_kind=refusal.record_kind, record_id=refusal.record_id,
                service_date=refusal.service_date, attached_on=when[0], decision_id=refusal.id, appeal_id=when[1],
                note=refusal.reason_text)
    if refusal.reason_code == RefusalReason.FRAUD:
        worth = points(FRAUD, refusal.service_date)
        return [Due(rule=FRAUD, points=worth, cause=PointCause.FRAUD, **base)] if worth else []
    rows = []
    for finding in flags:
        falsification = finding.rule in FALSIFICATION_RULES
        if falsification and refusal.reason_code != RefusalReason.FALSIFIED:
            continue
        if worth := points(finding.rule, finding.service_date):
            cause = PointCause.FALSIFIED if falsification else PointCause.FLAG_REFUSED
            rows.append(Due(rule=finding.rule, points=worth, cause=cause, finding_id=finding.id, **base))
    return rows


def window_over(session: Session, settlement: Settlement, today: date) -> bool:
    """The settlement can give no more points: its appeal window closed and no appeal is open."""
    deadline = appeal_deadline(session, settlement)
    if deadline is None or today <= deadline:
        return False
    return session.scalar(select(SettlementAppeal.id).where(
        SettlementAppeal.settlement_id == settlement.id,
        SettlementAppeal.outcome == AppealOutcome.OPEN.value).limit(1)) is None
