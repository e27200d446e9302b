"""Scenarios for the pricing and trial tests: a trial body (issue 11 point 2) with defaults, the
REF billing and compliance sections, the catalogue of ``ltc/data/service_items.csv``."""
import copy
import csv
from datetime import date
from pathlib import Path

from ltc.billing.policy import REF as BILLING_REF
from ltc.billing.policy import BillingPolicy
from ltc.billing.pricing import BillingTimeline, BillingVersion
from ltc.billing.trial.scenario import run
from ltc.billing.trial.schemas import TrialIn
from ltc.compliance import policy as compliance_policy
from ltc.compliance.facts import Item
from ltc.policy.schema import parse_as

CATALOGUE_CSV = Path(__file__).resolve().parents[1] / "ltc" / "data" / "service_items.csv"
COMPLIANCE = parse_as(compliance_policy.CompliancePolicy, compliance_policy.REF, "compliance")


def catalogue() -> dict[str, Item]:
    with CATALOGUE_CSV.open(encoding="utf-8") as rows:
        return {r["code"]: Item(r["code"], r["class"], frozenset(r["allowed_staff"].split("|")))
                for r in csv.DictReader(rows)}


CATALOGUE = catalogue()


def billing(**changes) -> BillingPolicy:
    """REF billing with some values changed: ``billing(home={"hourly_rate_life": "70"})`` merges one level deep."""
    raw = copy.deepcopy(BILLING_REF)
    for key, value in changes.items():
        raw[key] = {**raw[key], **value} if isinstance(value, dict) else value
    return parse_as(BillingPolicy, raw, "billing")


REF = billing()


def timeline(*versions: tuple[date, BillingPolicy]) -> BillingTimeline:
    """REF from 2020, then each (effective_from, section) until the next."""
    starts = [(date(2020, 1, 1), REF), *versions]
    return BillingTimeline(tuple(BillingVersion(start, nxt[0] if nxt else None, section) for (start, section), nxt
                                 in zip(starts, [*starts[1:], None], strict=True)))


def entitlement(care_type: str, level: int = 5, start: str = "2026-01-01", **kw) -> dict:
    return {"care_type": care_type, "level": level, "from": start, "conclusion_date": kw.pop("conclusion_date", start),
            "conclusion_valid_to": kw.pop("conclusion_valid_to", "2028-01-01"), **kw}


def visit(day: str, minutes: int = 60, *, hour: int = 9, planned: int | None = None, items=("SH01",),
          carer: str = "c1", staff: str = "nurse", **kw) -> dict:
    """A visit of ``minutes`` on ``day`` at ``hour``:00 Shanghai time."""
    start = f"{day}T{hour:02d}:00:00+08:00"
    end_minutes = hour * 60 + minutes
    end = f"{day}T{end_minutes // 60:02d}:{end_minutes % 60:02d}:00+08:00"
    return {"carer": carer, "carer_staff_type": staff, "start": start, "end": end,
            "planned_minutes": planned or minutes, "items": list(items), **kw}


def body(month: str, care_type: str, *, level: int = 5, category="employee", tags=(), **kw) -> dict:
    person = {"category": category, "tags": list(tags), **kw.pop("person", {})}
    return {"month": month, "person": person,
            "entitlements": kw.pop("entitlements", [entitlement(care_type, level)]),
            "provider": kw.pop("provider", {"facility_grade": "hospital_2", "daily_price": "58.00"}),
            "plan": None, **kw}


def trial(raw: dict, versions: BillingTimeline | None = None):
    """Validate ``raw`` as the API does and run the trial (evaluate + price)."""
    return run(TrialIn.model_validate(raw), catalogue=CATALOGUE, timeline=versions or timeline(),
               compliance=COMPLIANCE)


def daily(day: int, month: str = "2026-06") -> str:
    return f"{month}-{day:02d}"
