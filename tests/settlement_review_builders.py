"""A submitted-ready settlement for the settlement review tests: June 2026 home care of the world's
provider (placed in 东城区, the world insurer's district), one line per person at 65/h and ratio 0.90,
one-hour visits; some visits carry an open V01 FLAG, one a REJECT (V03). Built straight into bill-core's
tables (the generation is bill-core's and tested there)."""
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import select

from ltc.auth.services import actor_of
from ltc.billing.models import Settlement, SettlementFinding, SettlementLine, SettlementLineRecord, SettlementRevision
from ltc.compliance.models import Finding
from ltc.core.money import to_money
from ltc.providers.services import district_on
from tests.carer_builders import provider_district
from tests.compliance_db_builders import carer, visit
from tests.people_builders import person

JUNE = date(2026, 6, 1)
NOW = datetime(2026, 7, 2, 2, 0, tzinfo=timezone.utc)          # 2 July, 10:00 in Shanghai
AUDIT_NOW = datetime(2026, 7, 8, 2, 0, tzinfo=timezone.utc)    # 8 July (a Wednesday)
RATE, RATIO = Decimal("65"), Decimal("0.90")


@dataclass
class Built:
    settlement: Settlement
    persons: list = field(default_factory=list)
    carers: list = field(default_factory=list)
    visits: dict = field(default_factory=dict)        # person id → [visits]
    flagged: list = field(default_factory=list)       # visits with an open V01
    rejected: list = field(default_factory=list)      # (visit, finding) with a V03 REJECT


def _finding(session, settlement, line, v, rule: str, severity: str) -> Finding:
    row = Finding(rule=rule, severity=severity, record_kind="visit", record_id=v.id, provider_id=v.provider_id,
                  person_id=v.person_id, carer_id=v.carer_id, service_date=v.service_date, month=JUNE,
                  evidence={}, message="测试发现", params={}, status="open", source="scan", found_at=NOW)
    session.add(row)
    session.flush()
    session.add(SettlementFinding(settlement_id=settlement.id, revision=settlement.revision, finding_id=row.id,
                                  line_id=line.id))
    return row


def _line(session, settlement, who, visits, rejected_visit=None) -> SettlementLine:
    minutes = sum(v.planned_minutes for v in visits)
    billable = to_money(RATE * minutes / 60)
    fund = to_money(billable * RATIO)
    line = SettlementLine(settlement_id=settlement.id, revision=settlement.revision, kind="regular", person_id=who.id,
                          care_type="home", level=4, date_from=JUNE, date_to=date(2026, 7, 1), rate=RATE,
                          unit="minute", payable_units=minutes, rejected={"V03": 60} if rejected_visit else {},
                          billable=billable, ratio=RATIO, fund=fund, copay=billable - fund)
    session.add(line)
    session.flush()
    for v in visits:
        session.add(SettlementLineRecord(line_id=line.id, record_kind="visit", record_id=v.id,
                                         service_date=v.service_date, units=v.planned_minutes))
    return line


def settlement(session, world, *, persons: int = 4, visits_each: int = 3, flagged_each: int = 1,
               with_reject: bool = True, n0: int = 1, provider=None) -> Built:
    """The world provider's draft June settlement; each person's first ``flagged_each`` visits carry V01."""
    provider = provider or world.provider
    if district_on(session, provider.id, JUNE) is None:
        provider_district(session, provider, "东城区")
    found = Settlement(provider_id=provider.id, month=JUNE, status="draft", revision=1, as_of=date(2026, 7, 1),
                       generated_at=NOW)
    session.add(found)
    session.flush()
    session.add(SettlementRevision(settlement_id=found.id, number=1, source="schedule", as_of=date(2026, 7, 1)))
    built = Built(found)
    built.carers = [carer(session, provider, n0 + i) for i in range(2)]
    for i in range(persons):
        who = person(session, n0 + i, name=f"参保人{n0 + i}")
        built.persons.append(who)
        made = [visit(session, who, built.carers[d % 2], day=f"2026-06-{10 + d:02d}", hour=9 + i % 8)
                for d in range(visits_each)]
        extra = visit(session, who, built.carers[0], day="2026-06-25", hour=9 + i % 8, minutes=30) \
            if with_reject and i == 0 else None
        built.visits[who.id] = made
        line = _line(session, found, who, made, extra)
        for v in made[:flagged_each]:
            _finding(session, found, line, v, "V01", "FLAG")
            built.flagged.append(v)
        if extra is not None:
            built.rejected.append((extra, _finding(session, found, line, extra, "V03", "REJECT")))
    session.flush()
    lines = session.scalars(select(SettlementLine).where(SettlementLine.settlement_id == found.id)).all()
    found.billable = sum((ln.billable for ln in lines), Decimal("0.00"))
    found.fund = sum((ln.fund for ln in lines), Decimal("0.00"))
    found.copay, found.net, found.beneficiaries = found.billable - found.fund, found.fund, persons
    session.flush()
    return built


def actor(world, username: str):
    return actor_of(world.users[username])


def submitted(session, world, **kw) -> Built:
    """``settlement(…)`` submitted by its provider's operator on 2 July."""
    from ltc.billing.review import workflow

    built = settlement(session, world, **kw)
    operator = "pr2_op" if built.settlement.provider_id == world.provider2.id else "pr_op"
    workflow.submit(session, built.settlement, remarks={}, actor=actor(world, operator), now=NOW)
    return built


def decided(session, world, **kw) -> Built:
    """A submitted settlement whose every record is decided on 8 July (the first flagged visit refused,
    the rest paid, the sample drawn with seed 11 and paid), the audit step still open."""
    from ltc.billing.review import auditing, sampling
    from ltc.billing.review.auditing import RecordFilter

    built = submitted(session, world, **kw)
    rev = actor(world, "ins_rev")
    auditing.decide_flagged(session, built.settlement, [("visit", built.flagged[0].id)], "refuse",
                            reason_code="LOCATION", actor=rev, now=AUDIT_NOW)
    auditing.decide_flagged_by_filter(session, built.settlement, RecordFilter(), "pay", actor=rev, now=AUDIT_NOW)
    for person_id in sampling.draw_sample(session, built.settlement, actor=rev, now=AUDIT_NOW, seed=11):
        auditing.decide_sampled(session, built.settlement, None, "pay", person_id=person_id, actor=rev, now=AUDIT_NOW)
    return built


def audited(session, world, **kw) -> Built:
    """``decided(…)`` with the audit finished on 8 July: at the MIA's approval."""
    from ltc.billing.review import auditing

    built = decided(session, world, **kw)
    auditing.finish_audit(session, built.settlement, actor=actor(world, "ins_rev"), now=AUDIT_NOW)
    return built
