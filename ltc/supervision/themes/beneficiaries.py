"""The beneficiaries theme (待遇享受人员, issue 13 point 1; SPEC §4.2 entitlements): how many people are
entitled, by level, care type and district over time; who joined, who left and why, who moved.

Definitions (every month M, its **reference day** R = the last day of M, or today for the current month):

* a **beneficiary-month** is a live (not void) entitlement in force on R (``valid_from ≤ R < valid_to``);
  a person has at most one on a date, so it counts persons; by the entitlement's level, care type and
  provider and the person's district;
* **new**: an entitlement starting in M up to R (``first(M) ≤ valid_from ≤ R``) that continues none (no
  live entitlement of the person ends on its start): first entitlements and returns after a lapse;
* **ended**: an entitlement whose last day falls in M up to R (``first(M) < valid_to ≤ R + 1 day``) and that
  no live entitlement of the person continues (its ``valid_to`` is nobody's start), by its end reason
  (expiry, death, lower conclusion, transfer out);
* **migrated**: an entitlement starting in M up to R that continues one at another provider (a change of
  provider, SPEC §4.2); ``district`` when the two providers' districts on the change day differ, else
  ``provider``. A person's own address has no dated history, so a move of home is not seen here.

Every count is one grouped ``SELECT`` per month (``FACT_SOURCES``), kept as monthly facts.
"""
from datetime import date, timedelta

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from ltc.core.clock import local_today
from ltc.core.months import last_of_month
from ltc.entitlements.models import LEVEL_NAMES, Entitlement
from ltc.entitlements.states import EndReason, EntitlementStatus
from ltc.orgs.kinds import CARE_TYPE_LABELS, CareType
from ltc.orgs.models import District
from ltc.people.models import InsuredPerson
from ltc.providers.models import ProviderDistrictPeriod
from ltc.supervision.facts import FactSource, fact_rows
from ltc.supervision.figures import Audience, Chart, Column, Dim, Figure, FigureData, Filters, Viewer
from ltc.supervision.themes.monthly_wide import by_month, monthly_table

THEME = "beneficiaries"
AUDIENCES = frozenset({Audience.MIA, Audience.INSURER})
ALL_DIMS = frozenset(Dim)
IN_FORCE, NEW, ENDED, MIGRATED = ("beneficiaries", "beneficiaries_new", "beneficiaries_ended",
                                  "beneficiaries_migrated")
MOVED_DISTRICT, MOVED_PROVIDER = "district", "provider"
#: the end reasons a flow figure shows, in order (a change is a continuation, not an end)
END_REASONS = (EndReason.EXPIRY, EndReason.DEATH, EndReason.REASSESSED, EndReason.TRANSFER)


def reference_day(month: date) -> date:
    """The day month ``month`` is counted on: its last day, or today while it runs."""
    return min(last_of_month(month), local_today())


# --- fact sources ------------------------------------------------------------------------------------

def _rows(*where, dim=None, joins=()) -> Select:
    """The live entitlements matching ``where`` with the fact dimensions (and ``dim``), one row each."""
    columns = [InsuredPerson.district.label("district"), Entitlement.care_type.label("care_type"),
               Entitlement.level.label("level"), Entitlement.provider_id.label("provider_id")]
    if dim is not None:
        columns.append(dim.label("dim"))
    stmt = select(*columns).join(InsuredPerson, InsuredPerson.id == Entitlement.person_id)
    for target, on in joins:
        stmt = stmt.join(target, on)
    return stmt.where(Entitlement.live_filter(), *where)


def _grouped(rows: Select) -> Select:
    sub = rows.subquery()
    keys = [c for c in sub.c]
    return select(*keys, func.count().label("value")).group_by(*keys)


def _neighbour(on) -> exists:
    other = aliased(Entitlement)
    return exists().where(other.person_id == Entitlement.person_id,
                          other.status != EntitlementStatus.VOID.value, on(other))


def in_force(month: date) -> Select:
    day = reference_day(month)
    return _grouped(_rows(Entitlement.valid_from <= day, Entitlement.valid_to > day))


def new(month: date) -> Select:
    continues = _neighbour(lambda prev: prev.valid_to == Entitlement.valid_from)
    return _grouped(_rows(Entitlement.valid_from >= month, Entitlement.valid_from <= reference_day(month),
                          ~continues))


def ended(month: date) -> Select:
    continued = _neighbour(lambda nxt: nxt.valid_from == Entitlement.valid_to)
    return _grouped(_rows(Entitlement.valid_to > month,
                          Entitlement.valid_to <= reference_day(month) + timedelta(days=1),
                          ~continued, dim=Entitlement.end_reason))


def _district_of(provider_id, day):
    return (select(ProviderDistrictPeriod.district)
            .where(ProviderDistrictPeriod.org_id == provider_id, ProviderDistrictPeriod.valid_from <= day,
                   or_(ProviderDistrictPeriod.valid_to.is_(None), ProviderDistrictPeriod.valid_to > day))
            .limit(1).scalar_subquery())


def migrated(month: date) -> Select:
    prev = aliased(Entitlement)
    on = and_(prev.person_id == Entitlement.person_id, prev.valid_to == Entitlement.valid_from,
              prev.status != EntitlementStatus.VOID.value)
    day = Entitlement.valid_from
    moved = case((func.coalesce(_district_of(prev.provider_id, day), "") !=
                  func.coalesce(_district_of(Entitlement.provider_id, day), ""), literal(MOVED_DISTRICT)),
                 else_=literal(MOVED_PROVIDER))
    return _grouped(_rows(Entitlement.valid_from >= month, Entitlement.valid_from <= reference_day(month),
                          prev.provider_id != Entitlement.provider_id, dim=moved, joins=((prev, on),)))


FACT_SOURCES = (
    FactSource(IN_FORCE, in_force, "在月末（本月为今日）有效的待遇资格人数"),
    FactSource(NEW, new, "本月开始且不接续其他待遇的待遇资格"),
    FactSource(ENDED, ended, "本月最后有效且无后续待遇的待遇资格，按终止原因"),
    FactSource(MIGRATED, migrated, "本月更换服务机构（跨区县或同区县）的待遇资格"),
)


# --- figures ---------------------------------------------------------------------------------------

def _present(values: dict, order) -> list:
    seen = {key for _, key in values}
    keys = [k for k in order if k in seen]
    return keys or list(order)


def _by_level(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = by_month(session, IN_FORCE, viewer, filters, "level", dims=ALL_DIMS)
    titles = {level: Column(name) for level, name in LEVEL_NAMES.items()}
    return monthly_table(filters.months, _present(values, sorted(LEVEL_NAMES)), titles, values)


def _by_care_type(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = by_month(session, IN_FORCE, viewer, filters, "care_type", dims=ALL_DIMS)
    titles = {c.value: Column(CARE_TYPE_LABELS[c]) for c in CareType}
    return monthly_table(filters.months, [c.value for c in CareType], titles, values)


def _by_district(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = by_month(session, IN_FORCE, viewer, filters, "district", dims=ALL_DIMS)
    names = dict(session.execute(select(District.code, District.name)
                                 .order_by(District.sort_order, District.name)).tuples().all())
    seen = {key for _, key in values}
    codes = [code for code in names if code in seen] + sorted(c for c in seen if c not in names and c is not None)
    titles = {code: Column(names.get(code, code)) for code in codes}
    return monthly_table(filters.months, codes, titles, values)


def _flow(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = {(month, "new"): total for month, total in fact_rows(session, NEW, viewer, filters, dims=ALL_DIMS)}
    values |= by_month(session, ENDED, viewer, filters, "dim", dims=ALL_DIMS)
    keys = ["new", *(r.value for r in END_REASONS)]
    titles = {"new": Column("新增享受待遇人员")} | {r.value: Column(END_TITLES[r]) for r in END_REASONS}
    return monthly_table(filters.months, keys, titles, values)


def _migrated(session: Session, viewer: Viewer, filters: Filters) -> FigureData:
    values = by_month(session, MIGRATED, viewer, filters, "dim", dims=ALL_DIMS)
    titles = {MOVED_PROVIDER: Column("同区县更换服务机构"), MOVED_DISTRICT: Column("跨区县更换服务机构")}
    return monthly_table(filters.months, [MOVED_PROVIDER, MOVED_DISTRICT], titles, values)


#: msgids of the ended columns (the end reason's own label names the reason, not a column)
END_TITLES = {EndReason.EXPIRY: "评估结论到期终止", EndReason.DEATH: "死亡终止",
              EndReason.REASSESSED: "重新评估等级降低终止", EndReason.TRANSFER: "转出终止"}

COUNTED = ("待遇享受人员按月统计：每月以月末（当月为今日）有效的待遇资格计一人（同一人同一日至多一项有效待遇），"
           "按待遇的失能等级、服务形式、服务机构和参保人所属区县分组。")
FIGURES = (
    Figure("beneficiaries_by_level", "各失能等级待遇享受人数", THEME, Chart.STACKED_BAR, AUDIENCES, _by_level,
           ALL_DIMS, COUNTED),
    Figure("beneficiaries_by_care_type", "各服务形式待遇享受人数", THEME, Chart.STACKED_BAR, AUDIENCES,
           _by_care_type, ALL_DIMS, COUNTED),
    Figure("beneficiaries_by_district", "各区县待遇享受人数", THEME, Chart.LINE, AUDIENCES, _by_district, ALL_DIMS,
           COUNTED),
    Figure("beneficiaries_flow", "新增与终止待遇人数", THEME, Chart.BAR, AUDIENCES, _flow, ALL_DIMS,
           "新增：本月开始且不接续此前待遇的待遇资格（首次享受或中断后重新享受）；终止：本月最后有效且没有后续待遇接续的"
           "待遇资格，按终止原因（评估结论到期、死亡、重新评估等级降低、转出）。当月统计至今日。"),
    Figure("beneficiaries_migrated", "更换服务机构人数", THEME, Chart.BAR, AUDIENCES, _migrated, ALL_DIMS,
           "本月开始、接续同一人另一服务机构待遇的待遇资格：两家机构在变更日所属区县不同计为跨区县，否则计为同区县。"
           "参保人住址没有历史记录，搬家本身不在此统计。"),
)
