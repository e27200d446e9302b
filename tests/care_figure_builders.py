"""Rows for the care themes' figures (findings, settlements, stars, the provider's dashboard), stored
directly so every figure can be checked against a small hand-counted data set."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from ltc.billing.models import Settlement
from ltc.billing.review.models import SettlementAudit, SettlementRecordDecision
from ltc.billing.stars.models import ProviderMonthlyStar
from ltc.compliance.models import Finding
from ltc.core.months import add_months, first_of_month
from ltc.core.periods import add_period
from ltc.providers.models import ProviderDistrictPeriod
from ltc.providers.records.models import Stay, Visit
from ltc.supervision.facts import refresh_month
from tests import builders
from tests.compliance_db_builders import local

NOW = datetime(2026, 7, 3, 2, 0, tzinfo=timezone.utc)
MAY, JUNE = date(2026, 5, 1), date(2026, 6, 1)
SEVERITY = {"V03": "REJECT", "E01": "REJECT", "S01": "FLAG", "S02": "FLAG", "V01": "FLAG", "V12": "FLAG"}


def located(session, provider, code: str, since: date = date(2025, 1, 1)) -> None:
    """The provider's district ``code`` from ``since``."""
    builders.district(session, code)
    add_period(session, ProviderDistrictPeriod, org_id=provider.id, district=code, valid_from=since)


def visit(session, provider, person, carer, day: str, *, status: str = "done", hour: int = 9) -> Visit:
    start = local(day, hour)
    done = status == "done"
    row = Visit(provider_id=provider.id, person_id=person.id, carer_id=carer.id if carer else None,
                care_type="home", status=status, scheduled_start=start,
                check_in_at=start if status in ("done", "in_progress") else None,
                check_out_at=start + timedelta(minutes=60) if done else None,
                service_date=date.fromisoformat(day), planned_minutes=60, actual_minutes=60 if done else None)
    session.add(row)
    session.flush()
    return row


def stay(session, provider, person, admitted: date, discharged: date | None = None,
         care_type: str = "institution") -> Stay:
    row = Stay(provider_id=provider.id, person_id=person.id, care_type=care_type, admitted_on=admitted,
               discharged_on=discharged)
    session.add(row)
    session.flush()
    return row


def finding(session, record, rule: str, *, day: date | None = None, status: str = "open") -> Finding:
    """A finding of ``rule`` on ``record`` (a visit or a stay), on its service date (a stay: ``day``)."""
    kind = "visit" if isinstance(record, Visit) else "stay"
    on = day or record.service_date
    row = Finding(rule=rule, severity=SEVERITY[rule], record_kind=kind, record_id=record.id,
                  provider_id=record.provider_id, person_id=record.person_id,
                  carer_id=getattr(record, "carer_id", None), service_date=on, month=first_of_month(on),
                  evidence={}, message="测试", params={}, status=status, source="scan", found_at=NOW)
    session.add(row)
    session.flush()
    return row


def settlement(session, provider, month: date, status: str, fund: str, *, deducted: str | None = None) -> Settlement:
    row = Settlement(provider_id=provider.id, month=month, status=status, billable=Decimal(fund) * 2,
                     fund=Decimal(fund), net=Decimal(fund), as_of=add_months(month, 1), generated_at=NOW)
    session.add(row)
    session.flush()
    if deducted is not None:
        session.add(SettlementAudit(settlement_id=row.id, deducted_fund=Decimal(deducted)))
        session.flush()
    return row


def decision(session, settled: Settlement, person, decision: str, reason: str | None, fund: str,
             record_id: int) -> SettlementRecordDecision:
    row = SettlementRecordDecision(settlement_id=settled.id, record_kind="visit", record_id=record_id,
                                   person_id=person.id, service_date=settled.month, origin="sample",
                                   decision=decision, reason_code=reason, deducted_fund=Decimal(fund),
                                   decided_at=NOW)
    session.add(row)
    session.flush()
    return row


def stars(session, provider, rated: dict[date, int]) -> None:
    """The provider's monthly stars: rated month → stars, each in force from the 1st of the next month
    until the next one."""
    months = sorted(rated)
    for month, following in zip(months, [*months[1:], None], strict=True):
        add_period(session, ProviderMonthlyStar, org_id=provider.id, month=month, stars=rated[month],
                   source="entered", reason="测试", valid_from=add_months(month, 1),
                   valid_to=add_months(following, 1) if following else None)


def refresh(session, metrics, *months: date) -> None:
    for month in months:
        refresh_month(session, month, now=NOW, metrics=metrics)


def rendered(session, figures, viewer, filters) -> dict[str, bytes]:
    """Each chart figure computed for ``viewer`` and drawn as the pages draw it (x labels as text)."""
    from ltc.supervision.charts import ChartSpec, render_svg
    from ltc.supervision.figures import Chart

    out = {}
    for figure in figures:
        data = figure.compute(session, viewer, filters)
        if figure.chart == Chart.TABLE:
            continue
        spec = ChartSpec(kind=figure.chart, title=figure.title, x_labels=[str(v) for v in data.column_values(data.x)],
                         series=[(data.columns[i].title, data.column_values(i)) for i in data.series])
        out[figure.key] = render_svg(spec)
    return out
