"""Findings (智能监管, SPEC §6; issue 13 point 1): findings by rule and month, the providers and carers
with the most findings per 100 records, and the visit-anomaly flags S01 and S02.

Facts, one grouped SELECT per month each (the district is the person's, as in the findings lists):

* ``findings``: open findings of the month by district, care type, provider and ``rule:severity``;
* ``carer_findings``: the same by carer (``dim`` = the carer's id);
* ``care_records``: the month's records — visits checked in (``dim`` = the carer's id) and stays with a
  bed-day in the month — by district, care type and provider (the denominator of the rankings).
"""
from datetime import date

from sqlalchemy import Select, String, and_, case, cast, func, literal_column, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from ltc.compliance.kinds import RULE_LABELS, FindingStatus, RuleCode, Severity
from ltc.compliance.models import Finding
from ltc.core.months import first_of_next_month
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.providers.carers.models import Carer
from ltc.providers.kinds import RecordKind, VisitStatus
from ltc.providers.records.models import Leave, Stay, Visit
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import (Audience, Chart, Column, Dim, Figure, FigureData, Filters, ValueKind,
                                     Viewer)
from ltc.supervision.themes.care_tables import in_month, monthly_figure, per_hundred, present_keys

SUPERVISORS = frozenset({Audience.MIA, Audience.INSURER})
#: the findings carry no level: their figures honour months, district and care type
FINDING_DIMS = frozenset({Dim.MONTH, Dim.DISTRICT, Dim.CARE_TYPE})
TOP = 10
ANOMALY_RULES = (RuleCode.S01, RuleCode.S02)
SEVERITIES = (Severity.REJECT, Severity.FLAG, Severity.WARN)
SEVERITY_TITLES = {Severity.REJECT: "不予支付", Severity.FLAG: "待审核", Severity.WARN: "提醒"}
DONE_OR_STARTED = (VisitStatus.IN_PROGRESS.value, VisitStatus.DONE.value)


# --- facts ------------------------------------------------------------------------------------

def _care_type():
    """The care type of a finding's record (a visit, a stay, a leave's stay; a package is family care)."""
    leave_stay = aliased(Stay)
    expr = func.coalesce(Visit.care_type, Stay.care_type, leave_stay.care_type,
                         case((Finding.record_kind == RecordKind.PACKAGE.value, literal_column("'family'"))))
    joins = ((Visit, and_(Finding.record_kind == RecordKind.VISIT.value, Visit.id == Finding.record_id)),
             (Stay, and_(Finding.record_kind == RecordKind.STAY.value, Stay.id == Finding.record_id)),
             (Leave, and_(Finding.record_kind == RecordKind.LEAVE.value, Leave.id == Finding.record_id)),
             (leave_stay, leave_stay.id == Leave.stay_id))
    return expr, joins


def _findings(month: date, dim, *where) -> Select:
    """One row per (district, care type, provider, ``dim``) of the month's open findings (grouped outside
    the join, so the computed columns are grouped by name on every database)."""
    care_type, joins = _care_type()
    inner = (select(InsuredPerson.district.label("district"), care_type.label("care_type"),
                    Finding.provider_id.label("provider_id"), dim.label("dim"))
             .select_from(Finding).join(InsuredPerson, InsuredPerson.id == Finding.person_id))
    for target, on in joins:
        inner = inner.outerjoin(target, on)
    found = inner.where(Finding.month == month, Finding.status == FindingStatus.OPEN.value, *where).subquery()
    keys = (found.c.district, found.c.care_type, found.c.provider_id, found.c.dim)
    return select(*keys, func.count().label("value")).group_by(*keys)


def findings_by_rule(month: date) -> Select:
    return _findings(month, Finding.rule + literal_column("':'") + Finding.severity)


def findings_by_carer(month: date) -> Select:
    return _findings(month, cast(Finding.carer_id, String), Finding.carer_id.is_not(None))


def care_records(month: date) -> Select:
    """Visits checked in during the month (by carer) and stays with a bed-day in it (算入不算出)."""
    visits = (select(InsuredPerson.district.label("district"), Visit.care_type.label("care_type"),
                     Visit.provider_id.label("provider_id"), cast(Visit.carer_id, String).label("dim"),
                     func.count().label("value"))
              .join(InsuredPerson, InsuredPerson.id == Visit.person_id)
              .where(in_month(Visit.service_date, month), Visit.status.in_(DONE_OR_STARTED))
              .group_by(InsuredPerson.district, Visit.care_type, Visit.provider_id, Visit.carer_id))
    stays = (select(InsuredPerson.district, Stay.care_type, Stay.provider_id, cast(null(), String),
                    func.count())
             .join(InsuredPerson, InsuredPerson.id == Stay.person_id)
             .where(Stay.admitted_on < first_of_next_month(month),
                    or_(Stay.discharged_on.is_(None), Stay.discharged_on > month, Stay.admitted_on >= month))
             .group_by(InsuredPerson.district, Stay.care_type, Stay.provider_id))
    return select(union_all(visits, stays).subquery())


FACT_SOURCES = (
    FactSource("findings", findings_by_rule, "open findings by district, care type, provider and rule:severity"),
    FactSource("carer_findings", findings_by_carer, "open findings on carers' visits by carer (dim)"),
    FactSource("care_records", care_records, "visits checked in (dim: carer) and stays with a bed-day"),
)


# --- figures ----------------------------------------------------------------------------------

def _rule_rows(session: Session, viewer: Viewer, filters: Filters, by=("dim",)) -> list[tuple]:
    return fact_rows(session, "findings", viewer, filters, by=by, dims=FINDING_DIMS)


def _split(code: str) -> tuple[str, str]:
    rule, _, severity = code.partition(":")
    return rule, severity


def rules_table(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """Per rule and severity: the open findings of the filtered months, most first."""
    totals: dict[tuple[str, str], int] = {}
    for code, value in _rule_rows(session, viewer, filters):
        totals[_split(code)] = totals.get(_split(code), 0) + int(value)
    rows = sorted(((rule, severity, n) for (rule, severity), n in totals.items()), key=lambda r: (-r[2], r[0]))
    return FigureData(columns=(Column("规则", ValueKind.TEXT, "rule"), Column("严重程度", ValueKind.TEXT, "severity"),
                               Column("问题数")), rows=tuple(rows), x=0, series=(2,))


def _by_month_rule(session, viewer, filters, rules=None) -> list[tuple]:
    rows = [(month, _split(code)[0], value)
            for month, code, value in _rule_rows(session, viewer, filters, by=("month", "dim"))]
    return [row for row in rows if rules is None or row[1] in rules]


def rules_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """The months down, a column per rule found (its label the title)."""
    rows = _by_month_rule(session, viewer, filters)
    rules = present_keys(rows, list(RuleCode))
    return monthly_figure(rows, filters.months, [(rule, RULE_LABELS[RuleCode(rule)]) for rule in rules])


def anomalies_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """S01 (a GPS point or photo reused at another address) and S02 (durations bunched at the minimum)."""
    rows = _by_month_rule(session, viewer, filters, rules={r.value for r in ANOMALY_RULES})
    return monthly_figure(rows, filters.months, [(rule.value, RULE_LABELS[rule]) for rule in ANOMALY_RULES])


def severity_by_month(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    rows = [(month, _split(code)[1], value)
            for month, code, value in _rule_rows(session, viewer, filters, by=("month", "dim"))]
    return monthly_figure(rows, filters.months, [(s.value, SEVERITY_TITLES[s]) for s in SEVERITIES])


def _ranked(counts: dict, records: dict) -> list[tuple]:
    """(key, records, findings, per 100) of the keys with findings, highest rate first (findings on no
    counted record — a leave, a family package — last), at most TOP."""
    rows = [(key, int(records.get(key, 0)), int(n), per_hundred(n, records.get(key, 0)))
            for key, n in counts.items() if n]
    rows.sort(key=lambda r: (r[3] is None, -(r[3] or 0), -r[2], str(r[0])))
    return rows[:TOP]


RANK_COLUMNS = (Column("服务记录数"), Column("问题数"), Column("每百条记录问题数", ValueKind.NUMBER))


def top_providers(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """The providers with the most open findings per 100 records over the filtered months."""
    counts = dict(_rule_total(session, viewer, filters, "findings", "provider_id"))
    records = dict(_rule_total(session, viewer, filters, "care_records", "provider_id"))
    ranked = _ranked(counts, records)
    names = dict(session.execute(select(Organisation.id, Organisation.name)
                                 .where(Organisation.id.in_([r[0] for r in ranked]))).all())
    rows = tuple((names[key], *rest) for key, *rest in ranked)
    return FigureData(columns=(Column("护理机构", ValueKind.TEXT), *RANK_COLUMNS), rows=rows, x=0, series=(3,))


def top_carers(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    """The carers with the most open findings on their visits per 100 visits over the filtered months."""
    counts = dict(_rule_total(session, viewer, filters, "carer_findings", "dim"))
    records = dict(_rule_total(session, viewer, filters, "care_records", "dim"))
    ranked = _ranked(counts, records)
    names = {str(cid): (name, org) for cid, name, org in session.execute(
        select(Carer.id, Carer.name, Organisation.name).join(Organisation, Organisation.id == Carer.provider_id)
        .where(Carer.id.in_([int(r[0]) for r in ranked])))}
    rows = tuple((*names[key], *rest) for key, *rest in ranked)
    return FigureData(columns=(Column("护理人员", ValueKind.TEXT), Column("护理机构", ValueKind.TEXT), *RANK_COLUMNS),
                      rows=rows, x=0, series=(4,))


def _rule_total(session, viewer, filters, metric: str, key: str) -> list[tuple]:
    return [row for row in fact_rows(session, metric, viewer, filters, by=(key,), dims=FINDING_DIMS)
            if row[0] is not None]


def _figure(key, title, chart, compute, description, audiences=SUPERVISORS) -> Figure:
    return Figure(key=key, title=title, theme="findings", chart=chart, audiences=audiences, compute=compute,
                  dims=FINDING_DIMS, description=description)


FIGURES = (
    _figure("findings_by_rule", "各规则问题数", Chart.HORIZONTAL_BAR, rules_table,
            "所选月份内仍有效的规则检查问题，按规则与严重程度统计"),
    _figure("findings_by_rule_month", "各月规则问题数", Chart.STACKED_BAR, rules_by_month,
            "每月仍有效的规则检查问题，按规则分列"),
    _figure("findings_top_providers", "问题率最高的护理机构", Chart.HORIZONTAL_BAR, top_providers,
            "每百条服务记录（上门服务与在院记录）的问题数，取前十名"),
    _figure("findings_top_carers", "问题率最高的护理人员", Chart.HORIZONTAL_BAR, top_carers,
            "每百次上门服务的问题数，取前十名"),
    _figure("findings_anomalies", "服务异常标记", Chart.LINE, anomalies_by_month,
            "定位或照片重复使用、服务时长异常集中的标记，每月标记数"),
)
