"""Generating a provider's regular settlement of a month (SPEC §7.3). Flushes, never commits.

``generate_settlement`` reads the provider-month (``reader``), keeps the findings of every rule
(as the nightly scan does), prices it (``pricing.price_month``), adds the late lines (补记) of
earlier submitted months and the adjustments waiting for this provider, and stores the result:

* no settlement yet: revision 1;
* a draft: a new revision with a diff against the previous one — unless no line changed (then
  nothing is written);
* submitted or later: untouched (its corrections are adjustment lines of a later settlement).
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.billing import adjustments, late, reader, revisions
from ltc.billing.bulk import insert_rows
from ltc.billing.kinds import RevisionSource, SettlementKind, SettlementStatus
from ltc.billing.lines import LinePlan, Totals, from_row, totals
from ltc.billing.models import Settlement, SettlementAdjustment, SettlementFinding, SettlementRevision
from ltc.billing.pricing import price_month
from ltc.compliance import services as compliance
from ltc.compliance.kinds import FindingStatus
from ltc.compliance.models import Finding
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.months import first_of_month, first_of_next_month
from ltc.entitlements.models import Entitlement
from ltc.providers.records.models import Stay, Visit


@dataclass(frozen=True)
class Generated:
    """What a generation did: ``created`` (revision 1), ``revised`` (a new revision), ``unchanged``
    (no line changed) or ``locked`` (submitted or later: not touched)."""

    settlement_id: int | None
    outcome: str
    revision: int | None = None

    def counts(self) -> dict[str, int]:
        return {self.outcome: 1}


def providers_of_month(session: Session, month: date) -> list[int]:
    """Providers with a visit, a stay or a live entitlement in ``month``, or an adjustment of an earlier
    month waiting for their next regular settlement (created for it if absent)."""
    end = first_of_next_month(month)
    visits = select(Visit.provider_id).where(Visit.service_date >= month, Visit.service_date < end)
    stays = select(Stay.provider_id).where(Stay.admitted_on < end,
                                           or_(Stay.discharged_on.is_(None), Stay.discharged_on >= month))
    entitled = select(Entitlement.provider_id).where(Entitlement.live_filter(), Entitlement.valid_from < end,
                                                     or_(Entitlement.valid_to.is_(None), Entitlement.valid_to > month))
    waiting = select(SettlementAdjustment.provider_id).where(SettlementAdjustment.settlement_id.is_(None),
                                                             SettlementAdjustment.service_month < month)
    return sorted(set(session.scalars(visits.union(stays, entitled, waiting))))


def regular_settlement(session: Session, provider_id: int, month: date) -> Settlement | None:
    return session.scalar(select(Settlement).where(Settlement.provider_id == provider_id,
                                                   Settlement.month == first_of_month(month),
                                                   Settlement.kind == SettlementKind.REGULAR.value))


def next_draft(session: Session, provider_id: int, after: date) -> Settlement | None:
    """The provider's earliest unsubmitted regular settlement of a month after ``after``: the one an
    adjustment of ``after`` is booked into."""
    return session.scalar(select(Settlement).where(
        Settlement.provider_id == provider_id, Settlement.kind == SettlementKind.REGULAR.value,
        Settlement.status == SettlementStatus.DRAFT.value, Settlement.month > after).order_by(Settlement.month))


def plan_lines(session: Session, provider_id: int, month: date, *, as_of: datetime, now: datetime,
               settlement: Settlement | None) -> list[LinePlan]:
    """The lines the month would have now: its rate rows (its findings kept on the way), the late
    lines of earlier submitted months and the adjustments waiting for this provider."""
    data = reader.provider_month_input(session, provider_id, month, as_of=as_of)
    compliance.scan_provider_month(session, provider_id, month, now=now, as_of=as_of, facts=data.facts,
                                   found=data.findings)
    priced = price_month(data.pricing)
    plans = [from_row(row) for row in priced.rows if row.provider_id == provider_id]
    plans += late.late_lines(session, provider_id, month, as_of=as_of)
    plans += adjustments.adjustment_lines(session, provider_id, month,
                                          settlement.id if settlement is not None else None)
    return plans


def generate_settlement(session: Session, provider_id: int, month: date, *, actor: Actor, now: datetime,
                        as_of: datetime | None = None, source: RevisionSource = RevisionSource.COMMAND) -> Generated:
    """Generate (or regenerate) ``provider_id``'s regular settlement of ``month``. ``as_of`` is the
    business moment the rules judge at (a job's due time; by default ``now``)."""
    month, as_of = first_of_month(month), as_of or now
    settlement = regular_settlement(session, provider_id, month)
    if settlement is not None and settlement.status != SettlementStatus.DRAFT.value:
        return Generated(settlement.id, "locked", settlement.revision)
    plans = plan_lines(session, provider_id, month, as_of=as_of, now=now, settlement=settlement)
    new_totals = totals(plans)
    if settlement is None:
        settlement = Settlement(provider_id=provider_id, month=month, kind=SettlementKind.REGULAR.value,
                                status=SettlementStatus.DRAFT.value, revision=0, as_of=local_today(as_of),
                                generated_at=now)
        session.add(settlement)
        session.flush()
        old, old_totals = [], None
    else:
        old = revisions.stored_lines(session, settlement.id, settlement.revision)
        if revisions.same_lines(old, plans):
            return Generated(settlement.id, "unchanged", settlement.revision)
        old_totals = _totals_of(settlement)
    number = settlement.revision + 1
    line_ids = revisions.write_lines(session, settlement, number, plans)
    _link_findings(session, settlement, number, plans, line_ids)
    adjustments.book(session, [p.adjustment_id for p in plans if p.adjustment_id is not None], settlement.id)
    _set_totals(settlement, number, new_totals, as_of=local_today(as_of), now=now)
    session.add(SettlementRevision(settlement_id=settlement.id, number=number, source=source.value,
                                   as_of=local_today(as_of), created_at=now, created_by=actor.user_id,
                                   lines=len(plans), diff=revisions.diff(old, plans, old_totals, new_totals),
                                   **_money(new_totals)))
    session.flush()
    audit.record(session, actor, "generate", "settlement", settlement.id,
                 after={"month": month, "revision": number, "source": source.value, **new_totals.as_dict()},
                 detail=f"provider {provider_id} {month:%Y-%m}", now=now)
    return Generated(settlement.id, "created" if number == 1 else "revised", number)


def _money(t: Totals) -> dict:
    return {"billable": t.billable, "fund": t.fund, "copay": t.copay, "adjustments": t.adjustments}


def _totals_of(settlement: Settlement) -> Totals:
    return Totals(settlement.billable, settlement.fund, settlement.copay, settlement.adjustments,
                  settlement.beneficiaries)


def _set_totals(settlement: Settlement, number: int, t: Totals, *, as_of: date, now: datetime) -> None:
    settlement.revision = number
    settlement.billable, settlement.fund, settlement.copay = t.billable, t.fund, t.copay
    settlement.adjustments, settlement.beneficiaries = t.adjustments, t.beneficiaries
    settlement.net = t.fund - settlement.deposit + t.adjustments
    settlement.as_of, settlement.generated_at = as_of, now


def _link_findings(session: Session, settlement: Settlement, number: int, plans: list[LinePlan],
                   line_ids: list[int]) -> None:
    """Link the month's open findings on the provider's records to this revision, each with the line
    whose records it is about (bed-day findings: the line whose run covers the day)."""
    where = {}
    for line_id, plan in zip(line_ids, plans, strict=True):
        if plan.kind == "adjustment":
            continue
        for r in plan.records:
            where.setdefault((r.record_kind, r.record_id), []).append((r.service_date, r.service_to, line_id))
    rows = session.execute(select(Finding.id, Finding.record_kind, Finding.record_id, Finding.service_date).where(
        Finding.provider_id == settlement.provider_id, Finding.month == settlement.month,
        Finding.status == FindingStatus.OPEN.value)).all()
    links = [(settlement.id, number, fid, _line_of(where.get((kind, rid), ()), day)) for fid, kind, rid, day in rows]
    insert_rows(session, SettlementFinding.__table__, ("settlement_id", "revision", "finding_id", "line_id"), links)


def _line_of(runs, day: date) -> int | None:
    for start, stop, line_id in runs:
        if start == day or (stop is not None and start <= day < stop):
            return line_id
    return runs[0][2] if runs else None
