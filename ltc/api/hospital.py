"""Hospital stays over the API: bulk upsert from the medical-insurance system, and a person's
stays. A bad item rejects the whole call, naming it (``stays[3].admitted_on``)."""
from flask import jsonify

from ltc.api import bp
from ltc.api.auth import api_permission, api_user, json_body
from ltc.api.openapi import operation
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import ValidationFailed
from ltc.extensions import db
from ltc.people.hospital import services as hospital
from ltc.people.hospital.services import FIELDS, HospitalStay, StayInput
from ltc.people.models import InsuredPerson

MAX_STAYS = 1000
REQUIRED = ("id_number", "hospital", "category", "admitted_on")

_STR, _DATE = {"type": "string"}, {"type": "string", "format": "date"}
_CATEGORY = {"type": "string", "enum": list(hospital.CATEGORY_LABELS)}
STAY_IN = {"type": "object", "additionalProperties": False, "required": list(REQUIRED), "properties": {
    "id_number": _STR, "hospital": _STR, "category": _CATEGORY, "admitted_on": _DATE,
    "discharged_on": {**_DATE, "nullable": True, "description": "empty while the stay is open"}}}
UPSERT_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["stays"], "properties": {
    "stays": {"type": "array", "maxItems": MAX_STAYS, "items": STAY_IN}}}
COUNTS_SCHEMA = {"type": "object", "properties": {"counts": {"type": "object", "properties": {
    k: {"type": "integer"} for k in ("create", "update", "unchanged")}}}}
STAY_OUT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "hospital": _STR, "category": _CATEGORY, "admitted_on": _DATE,
    "discharged_on": {**_DATE, "nullable": True}}}
STAYS_SCHEMA = {"type": "object", "properties": {"items": {"type": "array", "items": STAY_OUT}}}


def stay_json(stay: HospitalStay) -> dict:
    return {"id": stay.id, "hospital": stay.hospital, "category": stay.category,
            "admitted_on": stay.admitted_on.isoformat(),
            "discharged_on": stay.discharged_on.isoformat() if stay.discharged_on else None}


def _shape_problems(item) -> dict[str, str]:
    if not isinstance(item, dict):
        return {"": "must be an object"}
    problems = {key: "unknown field" for key in item.keys() - set(FIELDS)}
    for key in FIELDS:
        value = item.get(key)
        if value is None:
            if key in REQUIRED:
                problems[key] = "required"
        elif not isinstance(value, str):
            problems[key] = "must be string"
    return problems


def _checked_items(items: list) -> tuple[list[dict], dict[str, str]]:
    """Each item's clean values, and every problem under ``stays[i].field``."""
    today, problems, cleaned = local_today(), {}, []
    for n, item in enumerate(items):
        found = _shape_problems(item)
        clean: dict = {}
        if not found:
            clean, found = hospital.check_fields(item, today=today)
        problems.update({f"stays[{n}]" + (f".{k}" if k else ""): msg for k, msg in found.items()})
        cleaned.append(clean)
    return cleaned, problems


def _stay_inputs(items: list) -> list[StayInput]:
    """Checked, resolved stays; raises ValidationFailed naming every bad item."""
    cleaned, problems = _checked_items(items)
    persons = hospital.person_ids_by_number(db.session, [c["id_number"] for c in cleaned if c])
    bad = {key.partition(".")[0] for key in problems}
    first: dict[tuple, int] = {}
    for n, clean in enumerate(cleaned):
        if f"stays[{n}]" in bad:
            continue
        if clean["id_number"] not in persons:
            problems[f"stays[{n}].id_number"] = "unknown person"
            continue
        key = (clean["id_number"], clean["hospital"], clean["admitted_on"])
        if key in first:
            problems[f"stays[{n}]"] = f"duplicate of stays[{first[key]}]"
        first.setdefault(key, n)
    if problems:
        raise ValidationFailed("invalid fields: " + ", ".join(sorted(problems)), problems)
    return [StayInput(person_id=persons[c["id_number"]], hospital=c["hospital"], category=c["category"],
                      admitted_on=c["admitted_on"], discharged_on=c["discharged_on"]) for c in cleaned]


@bp.post("/hospital-stays")
@api_permission(Action.ROSTER_EDIT)
@operation(summary=f"Create or update up to {MAX_STAYS} hospital stays by (person, hospital, admission date); "
                   "all or nothing", request_schema=UPSERT_SCHEMA, response_schema=COUNTS_SCHEMA)
def upsert_stays():
    stays = json_body({"stays": list}, required={"stays"})["stays"]
    if stays is None or len(stays) > MAX_STAYS:
        raise ValidationFailed(f"stays: a list of at most {MAX_STAYS} items",
                               {"stays": f"must be a list of at most {MAX_STAYS} items"})
    rows = _stay_inputs(stays)
    counts = hospital.upsert_stays(db.session, rows, actor=actor_of(api_user()), now=utcnow(), source="api")
    db.session.commit()
    return jsonify(counts=counts)


@bp.get("/persons/<int:person_id>/hospital-stays")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="An insured person's hospital stays, latest admission first", response_schema=STAYS_SCHEMA)
def person_stays(person_id: int):
    person = get_scoped(db.session, api_user(), InsuredPerson, person_id)
    return jsonify(items=[stay_json(s) for s in hospital.stays_of(db.session, person.id)])
