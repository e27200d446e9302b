"""The generated facts as table rows (pure): ``(table, columns, rows)`` for ``Writer.write``."""
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from ltc.demo.city.facts import Carer, Person, Provider, Visit, World

SINCE = date(2020, 1, 1)
Rows = tuple[str, tuple[str, ...], Iterator[tuple]]


def e6(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value).scaleb(-6)


def periods(windows: list[tuple[date, date]], inside: str, outside: str, since: date = SINCE,
            end_status: tuple[date, str] | None = None) -> list[tuple[str, date, date | None]]:
    """Consecutive status periods from ``since``: ``outside`` with ``inside`` windows cut in, then
    optionally a last status from a date (deceased from the day after death)."""
    result, at = [], since
    for a, b in sorted(windows):
        result.append((outside, at, a))
        result.append((inside, a, b))
        at = b
    if end_status:
        result.append((outside, at, end_status[0]))
        result.append((end_status[1], end_status[0], None))
    else:
        result.append((outside, at, None))
    return [r for r in result if r[2] is None or r[2] > r[1]]


def organisations(world: World, now: datetime) -> list[Rows]:
    orgs = world.others
    return [
        ("districts", ("code", "name", "active", "sort_order"),
         iter((code, f"合成{code}区", True, 100 + n) for n, code in enumerate(world.districts_new))),
        ("organisations", ("id", "kind", "name", "uscc", "address", "latitude", "longitude", "created_at"),
         iter([(i, kind, name, uscc, None, None, None, now) for i, kind, name, uscc in orgs]
              + [(p.id, "provider", p.name, p.uscc, f"合成市{p.district}区{p.id}号", e6(p.lat), e6(p.lon), now)
                 for p in world.providers])),
        ("org_status_periods", ("org_id", "status", "valid_from", "valid_to"),
         iter([(i, "active", SINCE, None) for i, *_ in orgs]
              + [(p.id, s, a, b) for p in world.providers for s, a, b in periods(p.suspended, "suspended", "active")])),
        ("agreement_periods", ("org_id", "agreement_no", "valid_from", "valid_to"),
         iter((i, f"XY-{i:06d}", SINCE, None) for i in [o[0] for o in orgs] + [p.id for p in world.providers])),
        ("insurer_contracts", ("insurer_id", "district", "contract_no", "valid_from", "valid_to", "created_at"),
         iter((world.insurer_id, d, f"CB-{d}", SINCE, None, now) for d in world.districts)),
    ] + provider_periods(world.providers)


def provider_periods(providers: list[Provider]) -> list[Rows]:
    return [
        ("provider_care_type_periods", ("org_id", "care_type", "valid_from"),
         iter((p.id, c, SINCE) for p in providers for c in p.care_types)),
        ("provider_grade_periods", ("org_id", "grade", "valid_from"), iter((p.id, p.grade, SINCE) for p in providers)),
        ("provider_beds_periods", ("org_id", "beds", "valid_from"),
         iter((p.id, p.beds, SINCE) for p in providers if p.beds)),
        ("provider_price_periods", ("org_id", "daily_price", "valid_from"),
         iter((p.id, p.price, SINCE) for p in providers if p.price is not None)),
        ("provider_district_periods", ("org_id", "district", "valid_from"),
         iter((p.id, p.district, SINCE) for p in providers)),
    ]


def _statuses(person: Person) -> list[tuple[str, date, date | None]]:
    death = (person.death + timedelta(days=1), "deceased") if person.death else None
    return periods(person.suspended, "suspended", "active", end_status=death)


def persons(world: World, now: datetime) -> list[Rows]:
    people = world.persons
    return [
        ("insured_persons", ("id", "id_number", "name", "phone", "address", "latitude", "longitude", "district",
                             "township", "birth_date", "sex", "death_date", "created_at", "updated_at"),
         iter((p.id, p.id_number, p.name, f"139{p.id % 10 ** 8:08d}", f"合成市{p.district}区幸福路{p.index + 1}号",
               e6(p.lat), e6(p.lon), p.district, "合成街道", p.birth, p.sex, p.death, now, now) for p in people)),
        ("person_status_periods", ("person_id", "status", "valid_from", "valid_to"),
         iter((p.id, s, a, b) for p in people for s, a, b in _statuses(p))),
        ("person_category_periods", ("person_id", "category", "valid_from"), iter((p.id, p.category, SINCE)
                                                                                    for p in people)),
        ("person_tag_periods", ("person_id", "tag", "valid_from"), iter((p.id, t, SINCE) for p in people
                                                                          for t in p.tags)),
        ("person_deaths", ("person_id", "death_date", "recorded_at", "status_before"),
         iter((p.id, p.death, now, [[s, a.isoformat(), b and b.isoformat()] for s, a, b in
                                    periods(p.suspended, "suspended", "active")]) for p in people if p.death)),
    ]


def entitlements(world: World, now: datetime) -> list[Rows]:
    ents, names = world.entitlements, {p.id: p for p in world.persons}
    return [
        ("applications", ("id", "person_id", "kind", "status", "applicant_name", "applicant_relation",
                          "applicant_phone", "preferred_care_type", "preferred_provider_id", "submitted_at",
                          "submitted_on", "concluded_on", "final_on", "level", "valid_from", "valid_to"),
         iter((e.app_id, e.person_id, "migrated", "concluded", names[e.person_id].name, "self", "", e.care_type,
               e.provider_id, now, now.date(), e.concluded_on, e.concluded_on, e.level, e.concluded_on,
               e.conclusion_valid_to) for e in ents)),
        ("application_events", ("application_id", "to_status", "action", "at", "data"),
         iter((e.app_id, "concluded", "migrate", now, {"level": e.level, "concluded_on": e.concluded_on.isoformat(),
                                                       "valid_to": e.conclusion_valid_to.isoformat()}) for e in ents)),
        ("entitlements", ("id", "person_id", "level", "care_type", "provider_id", "care_plan_id", "application_id",
                          "conclusion_level", "conclusion_date", "conclusion_valid_to", "origin", "end_reason",
                          "status", "valid_from", "valid_to", "created_at"),
         iter((e.id, e.person_id, e.level, e.care_type, e.provider_id, e.plan_id, e.app_id, e.level, e.concluded_on,
               e.conclusion_valid_to, "migrated", e.end_reason, "active", e.valid_from, e.valid_to, now)
              for e in ents)),
    ]


def plans(world: World, now: datetime, start_time: bool) -> list[Rows]:
    types = world.visit_types
    columns = ("id", "plan_id", "position", "name", "frequency", "frequency_unit", "planned_minutes", "weekdays")
    return [
        ("care_plans", ("id", "person_id", "provider_id", "care_type", "level", "version", "status", "created_at",
                        "entitlement_id", "effective_from"),
         iter((e.plan_id, e.person_id, e.provider_id, e.care_type, e.level, 1, "final", now, e.id, e.valid_from)
              for e in world.entitlements)),
        ("care_plan_visit_types", columns + (("start_time",) if start_time else ()),
         iter((vt.id, vt.plan_id, 1, "上门服务", len(vt.weekdays), "week", vt.minutes,
               "".join(map(str, vt.weekdays))) + ((vt.start,) if start_time else ()) for vt in types)),
        ("care_plan_visit_items", ("visit_type_id", "service_item_id"),
         iter((vt.id, item) for vt in types for item in vt.items)),
    ]


def carers(world: World, now: datetime) -> list[Rows]:
    people: list[Carer] = world.carers
    return [
        ("carers", ("id", "provider_id", "name", "id_number", "birth_date", "sex", "staff_type", "employed_from",
                    "created_at", "updated_at"),
         iter((c.id, c.provider_id, c.name, c.id_number, c.birth, c.sex, c.staff_type, c.qualified[0][0], now, now)
              for c in people)),
        ("carer_qualification_periods", ("carer_id", "staff_type", "certificate_no", "valid_from", "valid_to"),
         iter((c.id, c.staff_type, f"ZG{c.id:08d}{n}", a, b) for c in people for n, (a, b) in enumerate(c.qualified))),
        ("carer_suspension_periods", ("carer_id", "reason", "valid_from", "valid_to", "created_at"),
         iter((c.id, "合成数据：暂停执业", a, b, now) for c in people for a, b in c.suspended)),
        ("carer_certificates", ("carer_id", "name", "number", "valid_from", "valid_to"),
         iter((c.id, "健康证", f"JK{c.id:08d}", c.qualified[0][0], None) for c in people)),
    ]


def stays(world: World, now: datetime) -> list[Rows]:
    return [
        ("stays", ("id", "provider_id", "person_id", "care_type", "admitted_on", "discharged_on", "source",
                   "created_at", "updated_at"),
         iter((s.id, s.provider_id, s.person_id, s.care_type, s.admitted, s.discharged, "import", now, now)
              for s in world.stays)),
        ("leaves", ("id", "stay_id", "provider_id", "person_id", "out_on", "back_on", "reason", "source",
                    "created_at", "updated_at"),
         iter((lv.id, lv.stay_id, lv.provider_id, lv.person_id, lv.out, lv.back, "探亲", "import", now, now)
              for lv in world.leaves)),
        ("hospital_stays", ("id", "person_id", "hospital", "category", "admitted_on", "discharged_on", "created_at",
                            "updated_at"),
         iter((h.id, h.person_id, h.hospital, h.category, h.admitted, h.discharged, now, now)
              for h in world.hospital_stays)),
    ]


VISIT_COLUMNS = ("id", "provider_id", "person_id", "carer_id", "care_type", "plan_id", "visit_type_id", "status",
                 "scheduled_start", "check_in_at", "check_out_at", "service_date", "planned_minutes",
                 "actual_minutes", "check_in_lat", "check_in_lon", "check_out_lat", "check_out_lon", "device_id",
                 "photo_hash", "notes", "source", "uploaded_at", "created_at", "updated_at")


def visits(batch: list[Visit]) -> list[Rows]:
    return [
        ("visits", VISIT_COLUMNS,
         iter((v.id, v.provider_id, v.person_id, v.carer_id, v.care_type, v.plan_id, v.visit_type_id,
               "done" if v.check_out else "in_progress", v.scheduled, v.check_in, v.check_out, v.day, v.planned,
               v.actual, e6(v.in_lat), e6(v.in_lon), e6(v.out_lat), e6(v.out_lon), f"PAD-{v.carer_id:06d}", v.photo,
               v.notes, v.source, v.uploaded, v.uploaded, v.uploaded) for v in batch)),
        ("visit_items", ("visit_id", "service_item_id"), iter((v.id, i) for v in batch for i in v.items)),
    ]
