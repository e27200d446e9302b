"""The provider's settlement statement (结算单, SPEC §7.3) as plain values: the current revision's
lines grouped by care type with a subtotal each, the late (补记) and adjustment lines, the findings
the revision was generated with (counted by rule, and the rejected / held ones listed), the totals
and, once the MIA approved it, the quality deposit and the net payment (a negative net is carried
forward, never paid out)."""
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.billing.documents import text
from ltc.billing.kinds import (ADJUSTMENT_REASON_LABELS, SETTLEMENT_STATUS_LABELS, LineKind, SettlementStatus)
from ltc.billing.models import Settlement, SettlementFinding, SettlementLine
from ltc.compliance.kinds import RULE_LABELS, SEVERITY_LABELS, Severity
from ltc.compliance.models import Finding
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id
from ltc.people.models import InsuredPerson

TITLE = "长期护理保险定点护理服务机构月度结算单"
ZERO = Decimal("0.00")
#: the deposit is withheld at the MIA's approval: from then on the statement prints it and the net
WITH_DEPOSIT = (SettlementStatus.APPROVED.value, SettlementStatus.PAID.value)
SUMMED = ("billable", "fund", "copay")


def current_lines(session: Session, settlement: Settlement) -> list[tuple[SettlementLine, InsuredPerson | None]]:
    """The settlement's current lines with their persons, in care type, person and date order."""
    stmt = (select(SettlementLine, InsuredPerson).outerjoin(InsuredPerson, InsuredPerson.id == SettlementLine.person_id)
            .where(SettlementLine.settlement_id == settlement.id, SettlementLine.revision == settlement.revision)
            .order_by(SettlementLine.kind, SettlementLine.care_type, InsuredPerson.name, SettlementLine.date_from,
                      SettlementLine.id))
    return list(session.execute(stmt).tuples())


def line_values(line: SettlementLine, person: InsuredPerson | None) -> dict:
    """One line as printed (and exported)."""
    return {
        "person_name": person.name if person else "", "id_number_masked": mask_id(person.id_number) if person else "",
        "care_type": CARE_TYPE_LABELS.get(line.care_type, line.care_type or ""), "level": line.level,
        "period": text.period_text(line.date_from, line.date_to),
        "service_month": text.cn_month(line.service_month) if line.service_month else "",
        "rate": text.money_text(line.rate), "service": text.units_text(line.unit, line.payable_units),
        "held": line.held_units, "rejected": rejected_text(line.rejected),
        "billable": text.money_text(line.billable), "ratio": text.ratio_text(line.ratio),
        "fund": text.money_text(line.fund), "copay": text.money_text(line.copay),
        "reason": ADJUSTMENT_REASON_LABELS.get(line.reason, "") if line.reason else "",
        "note": text.explained(line.note, line.params),
    }


def rejected_text(rejected: dict | None) -> str:
    """``E08 住院期间服务 2`` per rule, in rule order."""
    return "；".join(f"{rule} {RULE_LABELS.get(rule, '')} {units}".replace("  ", " ")
                    for rule, units in sorted((rejected or {}).items()) if units)


def statement_values(session: Session, settlement: Settlement, *, issued_on: date) -> dict:
    """The plain values of the provider statement template."""
    provider = session.get_one(Organisation, settlement.provider_id)
    rows = current_lines(session, settlement)
    regular = [(line, person) for line, person in rows if line.kind == LineKind.REGULAR.value]
    return {
        "title": TITLE, "provider_name": provider.name, "uscc": provider.uscc,
        "month": text.cn_month(settlement.month),
        "status": SETTLEMENT_STATUS_LABELS[SettlementStatus(settlement.status)],
        "revision": settlement.revision, "issued_on": issued_on, "beneficiaries": settlement.beneficiaries,
        "groups": _groups(regular),
        "late": [line_values(line, p) for line, p in rows if line.kind == LineKind.LATE.value],
        "adjustments": [line_values(line, p) for line, p in rows if line.kind == LineKind.ADJUSTMENT.value],
        "findings": _findings(session, settlement), "totals": totals_values(settlement),
    }


def _groups(rows: list) -> list[dict]:
    by_type: dict[str, list] = defaultdict(list)
    for line, person in rows:
        by_type[line.care_type or ""].append((line, person))
    return [{"care_type": CARE_TYPE_LABELS.get(care_type, care_type),
             "lines": [line_values(line, person) for line, person in found],
             "subtotal": {name: text.money_text(sum((getattr(line, name) for line, _ in found), ZERO))
                          for name in SUMMED}}
            for care_type, found in by_type.items()]


def totals_values(settlement: Settlement) -> dict:
    """The totals; ``deposit`` / ``net`` / ``carried_forward`` only once approved (else None)."""
    values = {name: text.money_text(getattr(settlement, name)) for name in (*SUMMED, "adjustments")}
    shown = settlement.status in WITH_DEPOSIT
    net = settlement.net if shown else None
    values.update(deposit=text.money_text(settlement.deposit) if shown else None,
                  net=text.money_text(max(net, ZERO)) if net is not None else None,
                  carried_forward=text.money_text(-net) if net is not None and net < 0 else None)
    return values


def _findings(session: Session, settlement: Settlement) -> dict:
    """The findings of the current revision: per rule (severity, count) and the rejected / held ones."""
    rows = session.execute(
        select(Finding, InsuredPerson.name).join(SettlementFinding, SettlementFinding.finding_id == Finding.id)
        .join(InsuredPerson, InsuredPerson.id == Finding.person_id)
        .where(SettlementFinding.settlement_id == settlement.id, SettlementFinding.revision == settlement.revision)
        .order_by(Finding.service_date, Finding.rule, Finding.id)).tuples().all()
    counts = Counter((finding.rule, finding.severity) for finding, _ in rows)
    listed = [{"date": finding.service_date, "rule": finding.rule, "rule_name": RULE_LABELS.get(finding.rule, ""),
               "severity": SEVERITY_LABELS.get(finding.severity, finding.severity), "person_name": name,
               "explanation": text.explained(finding.message, finding.params)}
              for finding, name in rows if finding.severity in (Severity.REJECT, Severity.FLAG)]
    return {"by_rule": [{"rule": rule, "rule_name": RULE_LABELS.get(rule, ""),
                         "severity": SEVERITY_LABELS.get(severity, severity), "count": count}
                        for (rule, severity), count in sorted(counts.items())],
            "listed": listed}
