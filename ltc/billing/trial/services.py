"""Trial calculation services (试算, issue 11 point 2): price a scenario with the policy in force, and
pre-fill a scenario from a real beneficiary-month in the user's scope. Nothing is written.

The scenario is checked and priced by the pure ``scenario.run`` (the compliance rules and
``price_month``); here only the policy versions and the catalogue are read, and for a pre-fill the
person's and provider's facts of the month, as the settlement reader reads them."""
from datetime import date

from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import get_scoped
from ltc.billing.pricing import PricingError
from ltc.billing.reader import billing_timeline
from ltc.billing.trial.prefill import scenario_json
from ltc.billing.trial.scenario import ScenarioRefused, TrialResult, run
from ltc.billing.trial.schemas import TrialIn
from ltc.compliance import dated
from ltc.compliance.policy import CompliancePolicy
from ltc.core.months import first_of_next_month
from ltc.policy.services import policy_on
from ltc.people.models import InsuredPerson

__all__ = ["EXAMPLE", "price_scenario", "prefill"]

NO_POLICY = "该月有日期没有生效的政策版本"
#: what is missing to price a unit, by the field that lacks it (msgids)
MISSING = {"person.category": "服务日没有参保类别", "provider.facility_grade": "政策未规定该机构等级和失能等级的定额",
           "provider.daily_price": "机构没有登记每日护理价格", "entitlements": "政策未规定该失能等级的支付标准"}

#: the worked example of issue 11 point 2: an institution month with a short leave and a hospital stay
EXAMPLE = {
    "month": "2026-04",
    "person": {"category": "resident", "tags": ["medical_assistance"], "death_date": None},
    "entitlements": [{"care_type": "institution", "level": 4, "from": "2026-04-01", "conclusion_date": "2026-04-08",
                      "conclusion_valid_to": "2028-04-08"}],
    "provider": {"facility_grade": "nursing_home", "daily_price": "58.00"},
    "stays": [{"admission": "2026-04-11", "discharge": None}],
    "leaves": [{"out": "2026-04-20", "back": "2026-04-22"}],
    "hospital_stays": [{"category": "inpatient", "admission": "2026-04-25", "discharge": "2026-04-27"}],
    "visits": [],
    "plan": None,
}


def price_scenario(session: Session, body: TrialIn) -> TrialResult:
    """Check and price ``body`` under the published versions of its month. Raises ScenarioRefused (422)
    naming the field the scenario cannot have or the policy cannot price, NoPolicyInForce (409)."""
    timeline = billing_timeline(session, body.month, first_of_next_month(body.month))
    compliance = policy_on(session, body.month).section(CompliancePolicy)
    catalogue = {item.code: item for item in dated.catalogue(session).values()}
    try:
        return run(body, catalogue=catalogue, timeline=timeline, compliance=compliance)
    except LookupError:
        raise ScenarioRefused("%(month)s 有日期没有生效的政策版本", {"month": NO_POLICY},
                              params={"month": body.month.isoformat()[:7]}) from None
    except PricingError as exc:
        problem = MISSING.get(exc.field, MISSING["entitlements"])
        raise ScenarioRefused("该场景无法计价：%(field)s %(problem)s", {exc.field: problem},
                              params={"field": exc.field, "problem": problem}) from None


def prefill(session: Session, user: User, person_id: int, month: date) -> dict:
    """The scenario of a real beneficiary-month: the person (in the user's scope) with one provider's
    entitlements in ``month`` (a provider user: its own), its records and dated facts, as a body.
    Raises NotFound (404) when the person is out of scope or has no such entitlement that month."""
    person = get_scoped(session, user, InsuredPerson, person_id)
    provider_id = user.org_id if user.org_kind == "provider" else None
    return scenario_json(session, person, month, provider_id)


