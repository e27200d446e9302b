"""Plain facts for the compliance rules' unit tests: one home-care beneficiary (id 1) of provider 10,
visited by carer 100, in June 2026, every fact valid unless a test says otherwise."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from ltc.compliance import policy as compliance_policy
from ltc.compliance.facts import (BedDay, Carer, CareTypePeriod, EntitlementFact, Facts, Item, Period, Person, Point,
                                  Provider, Qualification, StatusPeriod, Visit)
from ltc.compliance.rules import evaluate
from ltc.core.clock import LOCAL_TZ
from ltc.policy.schema import parse_as, to_raw

POLICY = parse_as(compliance_policy.CompliancePolicy, compliance_policy.REF, "compliance")
MONTH = date(2026, 6, 1)
#: after June: F01 is only judged once the month is over
AFTER = datetime(2026, 7, 2, tzinfo=timezone.utc)
PERSON, PROVIDER, CARER = 1, 10, 100
HOME = Point(lat=Decimal("31.230000"), lon=Decimal("121.470000"))
BATH = Item("SH01", "life", frozenset({"assistant", "nurse"}))
INJECTION = Item("YL01", "medical", frozenset({"nurse"}))
METRES_PER_DEGREE = 111_195.08


def at(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """A local (Asia/Shanghai) time, as the aware UTC datetime the facts hold."""
    local = datetime.combine(date.fromisoformat(day), datetime.min.time(), LOCAL_TZ)
    return (local + timedelta(hours=hour, minutes=minute)).astimezone(timezone.utc)


def north_of(point: Point, metres: float) -> Point:
    return Point(lat=(point.lat + Decimal(str(metres / METRES_PER_DEGREE))).quantize(Decimal("0.000001")),
                 lon=point.lon)


def entitlement(care_type: str = "home", provider_id: int = PROVIDER, valid_from: date = date(2026, 1, 1),
                valid_to: date | None = date(2028, 1, 1), **kw) -> EntitlementFact:
    return EntitlementFact(valid_from=valid_from, valid_to=valid_to, care_type=care_type, provider_id=provider_id,
                           level=kw.pop("level", 4), conclusion_date=kw.pop("conclusion_date", date(2025, 12, 10)),
                           conclusion_valid_to=kw.pop("conclusion_valid_to", valid_to or date(2028, 1, 1)))


def person(*entitlements: EntitlementFact, person_id: int = PERSON, **kw) -> Person:
    return Person(person_id, entitlements=entitlements or (entitlement(),),
                  statuses=kw.pop("statuses", (StatusPeriod(date(2000, 1, 1), None, "active"),)), **kw)


def provider(provider_id: int = PROVIDER, **kw) -> Provider:
    care_types = tuple(CareTypePeriod(date(2020, 1, 1), None, c)
                       for c in ("special", "institution", "home", "outreach", "family"))
    return Provider(provider_id, statuses=kw.pop("statuses", (StatusPeriod(date(2020, 1, 1), None, "active"),)),
                    agreements=kw.pop("agreements", (Period(date(2020, 1, 1), None),)),
                    care_types=kw.pop("care_types", care_types))


def carer(carer_id: int = CARER, staff_type: str = "assistant", **kw) -> Carer:
    return Carer(carer_id, staff_type,
                 qualifications=kw.pop("qualifications", (Qualification(date(2020, 1, 1), None, staff_type),)),
                 suspensions=kw.pop("suspensions", ()))


def visit(visit_id: int = 1, day: str = "2026-06-10", hour: int = 9, minute: int = 0, minutes: int = 60,
          **kw) -> Visit:
    """A one-hour home visit checked in at ``day hour:minute`` and out ``minutes`` later."""
    check_in = kw.pop("check_in", at(day, hour, minute))
    return Visit(id=visit_id, beneficiary_id=kw.pop("beneficiary_id", PERSON), carer_id=kw.pop("carer_id", CARER),
                 provider_id=kw.pop("provider_id", PROVIDER), care_type=kw.pop("care_type", "home"),
                 planned_minutes=kw.pop("planned_minutes", 60), scheduled_start=check_in, check_in=check_in,
                 check_out=kw.pop("check_out", check_in + timedelta(minutes=minutes)),
                 gps_in=kw.pop("gps_in", HOME), gps_out=kw.pop("gps_out", HOME), address=kw.pop("address", HOME),
                 address_key=kw.pop("address_key", f"address of {PERSON}"),
                 entered_at=kw.pop("entered_at", check_in + timedelta(minutes=minutes)),
                 items=kw.pop("items", (BATH,)), plan_items=kw.pop("plan_items", frozenset({"SH01", "YL01"})), **kw)


def facts(visits=(), bed_days=(), persons=None, providers=None, carers=None, caps=(), month=MONTH) -> Facts:
    persons = persons or (person(),)
    providers = providers or (provider(),)
    carers = carers or (carer(),)
    return Facts(month=month, visits=tuple(visits), bed_days=tuple(bed_days),
                 persons={p.id: p for p in persons}, providers={p.id: p for p in providers},
                 carers={c.id: c for c in carers}, caps=tuple(caps))


def findings(*visits: Visit, now: datetime = AFTER, policy=POLICY, **kw):
    return evaluate(facts(visits, **kw), policy, now=now)


def codes(found, record_id: int | None = None) -> set[str]:
    """The rule codes found (on one record when ``record_id`` is given)."""
    return {f.rule.value for f in found if record_id is None or f.record.id == record_id}


def with_policy(**changes):
    """REF with some parameters changed (e.g. ``with_policy(v01_max_distance_m=100)``)."""
    return parse_as(compliance_policy.CompliancePolicy, {**to_raw(POLICY), **changes}, "compliance")


def bed_day(day: str, stay_id: int = 7, care_type: str = "institution", **kw) -> BedDay:
    return BedDay(stay_id, kw.pop("beneficiary_id", PERSON), kw.pop("provider_id", PROVIDER), care_type,
                  date.fromisoformat(day), kw.pop("admitted_on", date(2026, 6, 1)), kw.pop("leave", None))

