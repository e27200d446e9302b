"""Insured persons over the API: the same services, scope and audit as the pages."""
from datetime import date

from flask import jsonify, request, url_for

from ltc.api import bp
from ltc.api.auth import api_permission, api_user, json_body
from ltc.api.openapi import operation
from ltc.api.paging import PAGE_PARAMETERS, page_args, page_json, page_schema
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import ValidationFailed
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.people import services
from ltc.people.ids import mask_id, mask_phone
from ltc.people.models import InsuredPerson

NUMBER = (int, float)
FIELD_TYPES = {"id_number": str, "name": str, "phone": str, "address": str, "district": str,
               "township": str, "village": str, "latitude": NUMBER, "longitude": NUMBER}
CREATE_TYPES = {**FIELD_TYPES, "status": str, "category": str, "tags": list, "valid_from": str}

_STR, _NULLABLE_STR = {"type": "string"}, {"type": "string", "nullable": True}
_NUM = {"type": "number", "nullable": True}
_PERIOD = {"type": "object", "properties": {"value": _STR, "valid_from": {"type": "string", "format": "date"},
                                            "valid_to": {"type": "string", "format": "date", "nullable": True}}}
FIELDS_SCHEMA = {"id_number": _STR, "name": _STR, "phone": _NULLABLE_STR, "address": _NULLABLE_STR,
                 "district": _STR, "township": _NULLABLE_STR, "village": _NULLABLE_STR,
                 "latitude": _NUM, "longitude": _NUM}
CREATE_SCHEMA = {"type": "object", "additionalProperties": False, "required": ["id_number", "name", "district"],
                 "properties": {**FIELDS_SCHEMA,
                                "status": {"type": "string", "enum": ["active", "suspended", "transferred"]},
                                "category": {"type": "string", "enum": ["employee", "resident"], "nullable": True},
                                "tags": {"type": "array", "items": _STR},
                                "valid_from": {"type": "string", "format": "date"}}}
PATCH_SCHEMA = {"type": "object", "additionalProperties": False, "properties": FIELDS_SCHEMA}
SUMMARY_SCHEMA = {"type": "object", "properties": {
    "id": {"type": "integer"}, "id_number": {"type": "string", "description": "masked"}, "name": _STR,
    "sex": _STR, "phone": {"type": "string", "description": "masked"}, "district": _STR,
    "township": _NULLABLE_STR, "village": _NULLABLE_STR}}
PERSON_SCHEMA = {"type": "object", "properties": {
    **FIELDS_SCHEMA, "id": {"type": "integer"}, "sex": _STR, "birth_date": {"type": "string", "format": "date"},
    "death_date": {"type": "string", "format": "date", "nullable": True}, "status": _NULLABLE_STR,
    "category": _NULLABLE_STR, "tags": {"type": "array", "items": _STR},
    "history": {"type": "object", "properties": {k: {"type": "array", "items": _PERIOD}
                                                 for k in ("status", "category", "tags")}}}}
LIST_SCHEMA = page_schema(SUMMARY_SCHEMA)
LIST_PARAMETERS = [
    *PAGE_PARAMETERS,
    {"name": "q", "in": "query", "schema": _STR, "description": "name, full ID number or its last digits"},
    {"name": "district", "in": "query", "schema": _STR},
]



def _coordinate(value):
    return None if value is None else float(value)


def summary_json(person: InsuredPerson) -> dict:
    return {"id": person.id, "id_number": mask_id(person.id_number), "name": person.name, "sex": person.sex,
            "phone": mask_phone(person.phone), "district": person.district, "township": person.township,
            "village": person.village}


def _periods(rows, attr: str) -> list[dict]:
    return [{"value": getattr(r, attr), "valid_from": r.valid_from.isoformat(),
             "valid_to": r.valid_to.isoformat() if r.valid_to else None} for r in rows]


def person_json(detail: services.PersonDetail) -> dict:
    p = detail.person
    return {"id": p.id, "id_number": p.id_number, "name": p.name, "sex": p.sex,
            "birth_date": p.birth_date.isoformat(), "phone": p.phone, "address": p.address,
            "latitude": _coordinate(p.latitude), "longitude": _coordinate(p.longitude),
            "district": p.district, "township": p.township, "village": p.village,
            "death_date": p.death_date.isoformat() if p.death_date else None,
            "status": detail.status, "category": detail.category, "tags": detail.tags,
            "history": {"status": _periods(p.statuses, "status"), "category": _periods(p.categories, "category"),
                        "tags": _periods(p.tags, "tag")}}


@bp.get("/persons")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="List insured persons in scope (ID numbers and phones masked)",
           response_schema=LIST_SCHEMA, parameters=LIST_PARAMETERS)
def list_persons():
    number, per_page = page_args()
    page = paginate(db.session, services.search_persons(api_user(), request.args.get("q"), request.args.get("district")),
                    page=number, per_page=per_page)
    return page_json(page, [summary_json(p) for p in page.items])


@bp.get("/persons/<int:person_id>")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="One insured person with full values (the view is audited)", response_schema=PERSON_SCHEMA)
def get_person(person_id: int):
    detail = services.get_person_full(db.session, api_user(), person_id, now=utcnow())
    db.session.commit()
    return jsonify(person_json(detail))


def _create_options(data: dict) -> dict:
    tags = data.get("tags") or []
    if not all(isinstance(t, str) for t in tags):
        raise ValidationFailed("invalid fields: tags", {"tags": "must be a list of strings"})
    try:
        valid_from = date.fromisoformat(data["valid_from"]) if data.get("valid_from") else None
    except ValueError:
        raise ValidationFailed("invalid fields: valid_from", {"valid_from": "must be a date YYYY-MM-DD"}) from None
    return {"status": data.get("status") or "active", "category": data.get("category"), "tags": tags,
            "valid_from": valid_from}


@bp.post("/persons")
@api_permission(Action.ROSTER_EDIT)
@operation(summary="Register an insured person", request_schema=CREATE_SCHEMA, response_schema=PERSON_SCHEMA,
           status=201)
def create_person():
    data = json_body(CREATE_TYPES, required={"id_number", "name", "district"})
    options = _create_options(data)
    user, now = api_user(), utcnow()
    person = services.create_person(db.session, {k: data.get(k) for k in services.FIELDS},
                                    actor=actor_of(user), now=now, **options)
    detail = services.person_detail(db.session, person, local_today(now))
    db.session.commit()
    response = jsonify(person_json(detail))
    response.headers["Location"] = url_for("api.get_person", person_id=person.id)
    return response, 201


@bp.patch("/persons/<int:person_id>")
@api_permission(Action.ROSTER_EDIT)
@operation(summary="Change an insured person's registry fields", request_schema=PATCH_SCHEMA,
           response_schema=PERSON_SCHEMA)
def update_person(person_id: int):
    user, now = api_user(), utcnow()
    person = get_scoped(db.session, user, InsuredPerson, person_id)
    data = json_body(FIELD_TYPES)
    services.update_person(db.session, person, data, actor=actor_of(user), now=now)
    detail = services.person_detail(db.session, person, local_today(now))
    db.session.commit()
    return jsonify(person_json(detail))
