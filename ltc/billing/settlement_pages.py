"""What the settlement pages and the API read (SPEC §7.3), scoped by the settlements' rule: the
settlements in scope, one settlement's current lines with their findings and records, its revisions;
and the provider's request to regenerate its own draft (a queued scheduler run, never in the request)."""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.billing.kinds import REGENERATE_JOB, SettlementStatus
from ltc.billing.models import Settlement, SettlementFinding, SettlementLine, SettlementRevision
from ltc.compliance.models import Finding
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, Forbidden
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.scheduler.models import JobRun, RunStatus


def settlements(user: User, *, month: date | None = None, status: str | None = None) -> Select:
    """(settlement, provider name) in the user's scope, newest month first."""
    stmt = (select(Settlement, Organisation.name).join(Organisation, Organisation.id == Settlement.provider_id)
            .order_by(Settlement.month.desc(), Organisation.name, Settlement.id))
    if month is not None:
        stmt = stmt.where(Settlement.month == month)
    if status:
        stmt = stmt.where(Settlement.status == status)
    return scoped(stmt, Settlement, user)


@dataclass(frozen=True)
class LineView:
    line: SettlementLine
    person: str | None
    findings: tuple[Finding, ...]


def current_lines(session: Session, settlement: Settlement, revision: int | None = None) -> list[LineView]:
    """The lines of the current revision (or ``revision``) with the person's name and their findings."""
    number = revision or settlement.revision
    lines = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == settlement.id,
                                                         SettlementLine.revision == number)
                            .order_by(SettlementLine.kind.desc(), SettlementLine.person_id,
                                      SettlementLine.care_type, SettlementLine.date_from, SettlementLine.id)).all()
    names = dict(session.execute(select(InsuredPerson.id, InsuredPerson.name).where(
        InsuredPerson.id.in_({line.person_id for line in lines if line.person_id is not None}))).tuples().all())
    found: dict[int, list[Finding]] = defaultdict(list)
    rows = session.execute(select(SettlementFinding.line_id, Finding).join(
        Finding, Finding.id == SettlementFinding.finding_id).where(
        SettlementFinding.settlement_id == settlement.id, SettlementFinding.revision == number)
        .order_by(Finding.service_date, Finding.rule)).all()
    for line_id, finding in rows:
        found[line_id].append(finding)
    return [LineView(line, names.get(line.person_id), tuple(found[line.id])) for line in lines]


def unlinked_findings(session: Session, settlement: Settlement) -> list[Finding]:
    """Findings of the current revision about no line (e.g. outside every entitlement)."""
    return list(session.scalars(select(Finding).join(SettlementFinding, SettlementFinding.finding_id == Finding.id)
                                .where(SettlementFinding.settlement_id == settlement.id,
                                       SettlementFinding.revision == settlement.revision,
                                       SettlementFinding.line_id.is_(None))
                                .order_by(Finding.service_date, Finding.rule)))


def revisions_of(session: Session, settlement: Settlement) -> list[SettlementRevision]:
    return list(session.scalars(select(SettlementRevision).where(SettlementRevision.settlement_id == settlement.id)
                                .order_by(SettlementRevision.number.desc())))


def regeneration_run(session: Session, settlement: Settlement) -> JobRun | None:
    if settlement.regeneration_run_id is None:
        return None
    return session.get(JobRun, settlement.regeneration_run_id)


def may_regenerate(user: User, settlement: Settlement) -> bool:
    return (settlement.status == SettlementStatus.DRAFT.value and user.org_id == settlement.provider_id
            and user.has_role("operator"))


def request_regeneration(session: Session, settlement: Settlement, *, user: User, actor: Actor,
                         now: datetime) -> JobRun:
    """Queue the regeneration of the provider's own draft (the scheduler process runs it, the page
    shows its progress); a run already waiting or running is returned as it is. Raises Forbidden
    (another organisation's settlement), Conflict (submitted: only a draft is regenerated)."""
    if user.org_id != settlement.provider_id:
        raise Forbidden("只能重新生成本机构的结算")
    if settlement.status != SettlementStatus.DRAFT.value:
        raise Conflict("结算已提交，不能重新生成", {"status": settlement.status})
    current = regeneration_run(session, settlement)
    if current is not None and current.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        return current
    from ltc.scheduler.queue import queue_new_run
    from ltc.scheduler.registry import ON_DEMAND_JOBS, get_job

    run = queue_new_run(session, get_job(REGENERATE_JOB, ON_DEMAND_JOBS), actor=actor, now=now)
    settlement.regeneration_run_id = run.id
    session.flush()
    audit.record(session, actor, "regenerate", "settlement", settlement.id, after={"run_id": run.id}, now=now)
    return run
