"""The provider-level inputs of a ratings run (SPEC §8), set-based, one grouped query each: carer
stars, staffing (qualified carers per occupied bed), follow-up satisfaction, the quarterly
cost-performance scores, confirmed violations (integrity) and the beneficiary-months a provider's
settlement results cover (the ``n`` of cost and integrity)."""
from collections import defaultdict
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ltc.billing.kinds import LineKind
from ltc.billing.models import Settlement, SettlementLine
from ltc.billing.review.models import SettlementRecordDecision
from ltc.compliance.models import Finding
from ltc.core.months import first_of_month, last_of_month
from ltc.core.periods import covering_filter
from ltc.providers.carers.models import Carer, CarerQualificationPeriod
from ltc.providers.records.models import Stay
from ltc.ratings.followups.models import FollowUp
from ltc.ratings.points.models import ViolationPoint
from ltc.ratings.run.confirmed import SUBMITTED, confirmed_finding
from ltc.ratings.run.models import CarerStar, CostQuarter
from ltc.ratings.run.windows import Window
from ltc.ratings.scoring.evaluations import FRAUD, SERIOUS_PROVIDER_RULES, Violation, violation_class

PROVIDER_RULES = tuple(sorted(SERIOUS_PROVIDER_RULES))


def carer_stars(session: Session, window: Window) -> dict[int, tuple[int, int]]:
    """provider → (carer stars counted, their sum): the stars of M (annual: of every month of Y)."""
    rows = session.execute(select(CarerStar.provider_id, func.count(), func.sum(CarerStar.star))
                           .where(CarerStar.month >= first_of_month(window.last_activity_month)
                                  if window.kind == "monthly" else CarerStar.month >= window.activity_from,
                                  CarerStar.month < window.activity_to)
                           .group_by(CarerStar.provider_id))
    return {p: (int(n), int(s)) for p, n, s in rows}


def occupied_beds(session: Session, window: Window) -> dict[int, int]:
    """provider → persons in a bed-based stay on the last day of the activity window."""
    day = last_of_month(window.last_activity_month)
    rows = session.execute(select(Stay.provider_id, func.count(func.distinct(Stay.person_id)))
                           .where(Stay.admitted_on <= day, or_(Stay.discharged_on.is_(None), Stay.discharged_on > day))
                           .group_by(Stay.provider_id))
    return dict(rows.all())


def qualified_carers(session: Session, window: Window) -> dict[int, int]:
    day = last_of_month(window.last_activity_month)
    rows = session.execute(select(Carer.provider_id, func.count(func.distinct(Carer.id)))
                           .join(CarerQualificationPeriod, CarerQualificationPeriod.carer_id == Carer.id)
                           .where(covering_filter(CarerQualificationPeriod, day),
                                  or_(Carer.left_on.is_(None), Carer.left_on > day))
                           .group_by(Carer.provider_id))
    return dict(rows.all())


def satisfaction(session: Session, window: Window) -> dict[int, tuple[int, int]]:
    """provider → (follow-ups recorded in the activity window, the sum of their "overall")."""
    rows = session.execute(select(FollowUp.provider_id, func.count(), func.sum(FollowUp.overall))
                           .where(FollowUp.provider_id.is_not(None), FollowUp.overall.is_not(None),
                                  FollowUp.visited_on >= window.activity_from, FollowUp.visited_on < window.activity_to)
                           .group_by(FollowUp.provider_id))
    return {p: (int(n), int(s)) for p, n, s in rows}


def cost_quarters(session: Session, window: Window) -> dict[int, list[CostQuarter]]:
    found: dict[int, list[CostQuarter]] = defaultdict(list)
    for row in session.scalars(select(CostQuarter).where(CostQuarter.quarter.in_(window.quarters()))
                               .order_by(CostQuarter.quarter)):
        found[row.provider_id].append(row)
    return found


def beneficiary_months(session: Session, window: Window) -> dict[int, int]:
    """provider → distinct (person, month) of its settled regular lines in the settlement window."""
    cells = (select(Settlement.provider_id, SettlementLine.person_id, Settlement.month).distinct()
             .join(Settlement, Settlement.id == SettlementLine.settlement_id)
             .where(Settlement.status.in_(SUBMITTED), Settlement.month >= window.settled_from,
                    Settlement.month < window.settled_to, SettlementLine.kind == LineKind.REGULAR.value,
                    SettlementLine.revision == Settlement.revision, SettlementLine.person_id.is_not(None))
             .subquery())
    return dict(session.execute(select(cells.c.provider_id, func.count()).group_by(cells.c.provider_id)).all())


def violations(session: Session, window: Window) -> dict[int, list[Violation]]:
    """provider → its confirmed violations of the settlement window: the carers' point-bearing findings
    (the violation-points ledger, classed by their points) and the provider-level refusals."""
    person = func.coalesce(Finding.person_id, SettlementRecordDecision.person_id)
    ledger = session.execute(
        select(ViolationPoint.provider_id, ViolationPoint.rule, ViolationPoint.carer_id, person,
               ViolationPoint.service_date, ViolationPoint.points)
        .outerjoin(Finding, Finding.id == ViolationPoint.finding_id)
        .outerjoin(SettlementRecordDecision, SettlementRecordDecision.id == ViolationPoint.decision_id)
        .where(ViolationPoint.service_date >= window.settled_from, ViolationPoint.service_date < window.settled_to))
    found: dict[int, list[Violation]] = defaultdict(list)
    for provider, rule, carer, person_id, day, points in ledger:
        found[provider].append(Violation(rule, f"carer:{carer}", person_id, first_of_month(day),
                                         violation_class(rule, points)))
    provider_level = session.execute(
        select(Finding.provider_id, Finding.rule, Finding.person_id, Finding.month).distinct()
        .where(Finding.rule.in_(PROVIDER_RULES), Finding.month >= window.settled_from,
               Finding.month < window.settled_to, confirmed_finding()))
    for provider, rule, person_id, month in provider_level:
        found[provider].append(Violation(rule, f"provider:{provider}", person_id, month, violation_class(rule, 0)))
    return found


def last_fraud(session: Session, day: date) -> dict[int, date]:
    rows = session.execute(select(ViolationPoint.provider_id, func.max(ViolationPoint.attached_on))
                           .where(ViolationPoint.rule == FRAUD, ViolationPoint.attached_on <= day)
                           .group_by(ViolationPoint.provider_id))
    return dict(rows.all())


def rated_providers(session: Session, window: Window) -> list[int]:
    """Providers with a carer star, an occupied bed, or a settled month in the window."""
    settled = select(Settlement.provider_id).where(Settlement.status.in_(SUBMITTED),
                                                   Settlement.month >= window.settled_from,
                                                   Settlement.month < window.settled_to)
    stars = select(CarerStar.provider_id).where(CarerStar.month >= window.activity_from,
                                                CarerStar.month < window.activity_to)
    ids = set(session.scalars(settled.union(stars))) | set(occupied_beds(session, window))
    return sorted(ids)


