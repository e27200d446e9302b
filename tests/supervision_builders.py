"""Builders for the supervision themes' tests: entitlements as stored periods (no review), providers with
a district, and settlements with lines in a given state."""
import copy
from datetime import date, datetime, timezone
from decimal import Decimal

from ltc.billing.models import Settlement, SettlementLine
from ltc.core.periods import add_period
from ltc.entitlements.models import Entitlement
from ltc.providers.models import ProviderDistrictPeriod
from tests.assessment_builders import past_conclusion
from tests.builders import district as listed_district
from tests.builders import org

AT = datetime(2026, 1, 1, 0, 0, tzinfo=timezone.utc)


def provider_in(session, n: int, district: str, *, name: str | None = None, org_id: int | None = None):
    """Provider ``n`` (or the existing ``org_id``) located in ``district`` from 2025."""
    listed_district(session, district)
    found = org(session, "provider", name or f"服务机构{n}", n) if org_id is None else None
    add_period(session, ProviderDistrictPeriod, org_id=org_id or found.id, district=district,
               valid_from=date(2025, 1, 1))
    return found


def entitlement(session, person, provider, *, care_type: str, level: int, valid_from: date, valid_to: date,
                end_reason: str = "expiry", status: str = "active") -> Entitlement:
    """A stored entitlement period (as a grant leaves it), on a concluded application of ``person``."""
    app = past_conclusion(session, person.id, date(2025, 11, 20), level=level)
    found = Entitlement(person_id=person.id, level=level, care_type=care_type, provider_id=provider.id,
                        application_id=app.id, conclusion_level=level, conclusion_date=app.concluded_on,
                        conclusion_valid_to=app.valid_to, origin="review", end_reason=end_reason, status=status,
                        void_reason="death" if status == "void" else None,
                        valid_from=valid_from, valid_to=valid_to)
    session.add(found)
    session.flush()
    return found


def settlement(session, provider, month: date, status: str, *lines) -> Settlement:
    """A settlement of ``provider``'s ``month`` in ``status`` with revision-1 ``lines``: tuples of
    (person, care_type, level, fund) or (person, care_type, level, fund, kind, service_month, reason)."""
    found = Settlement(provider_id=provider.id, month=month, status="draft", revision=1, as_of=month,
                       generated_at=AT)
    session.add(found)
    session.flush()
    for person, care_type, level, fund, *late in lines:
        kind, service_month, reason = late or ("regular", None, None)
        session.add(SettlementLine(settlement_id=found.id, revision=1, kind=kind, person_id=person and person.id,
                                   care_type=care_type, level=level, date_from=service_month or month,
                                   date_to=service_month or month, unit="day", fund=Decimal(fund),
                                   billable=Decimal(fund), service_month=service_month, reason=reason))
    # a superseded revision's line never counts
    session.add(SettlementLine(settlement_id=found.id, revision=0, kind="regular", person_id=None,
                               care_type="home", level=3, date_from=month, date_to=month, unit="day",
                               fund=Decimal("999.00")))
    session.flush()
    found.status = status          # a paid settlement's lines are immutable: written first
    session.flush()
    return found


def special_quota_draft(session, *, level_5: str = "230", number: int = 2):
    """A draft policy version copying REF with another special-care quota for L5 at hospital_2/_3."""
    from sqlalchemy import select

    from ltc.policy.models import PolicyVersion

    ref = session.scalar(select(PolicyVersion).where(PolicyVersion.number == 1))
    sections = copy.deepcopy(ref.sections)
    sections["billing"]["special"]["quota_groups"][0]["per_day"]["5"] = level_5
    version = PolicyVersion(number=number, name="提高专护定额", status="draft", sections=sections)
    session.add(version)
    session.flush()
    return version
