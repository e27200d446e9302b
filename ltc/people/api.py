"""Insured persons over the API: the same services, scope and audit as the pages."""
from datetime import date
from typing import Annotated, Literal

from flask import jsonify, url_for
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.auth.web import api_permission, api_user
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Body, IsoDate, Out, Page, StrList, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.people import services
from ltc.people.ids import mask_id, mask_phone
from ltc.people.models import Category, InsuredPerson
from ltc.web.transactions import records_view


def _text(name: str):
    """A registry text field, as long as the service allows."""
    return Annotated[str, Field(max_length=services.MAX_LENGTH[name])]


Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]


class PersonChanges(Body):
    """The registry fields to change; a field left out keeps its value."""
    id_number: Annotated[str, Field(max_length=30)] | None = None
    name: _text("name") | None = None
    phone: _text("phone") | None = None
    address: _text("address") | None = None
    district: _text("district") | None = None
    township: _text("township") | None = None
    village: _text("village") | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class NewPerson(Body):
    id_number: Annotated[str, Field(max_length=30, description="18 characters with a valid check digit")]
    name: _text("name")
    district: _text("district")
    phone: _text("phone") | None = None
    address: _text("address") | None = None
    township: _text("township") | None = None
    village: _text("village") | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    status: Literal[tuple(s.value for s in services.SETTABLE_STATUSES)] | None = Field(
        None, description="default: active")
    category: Literal[tuple(c.value for c in Category)] | None = None
    tags: StrList = []
    valid_from: IsoDate | None = Field(None, description="the first day of status, category and tags")


class PersonQuery(PageQuery):
    q: str | None = Field(None, description="name, full ID number or its last digits")
    district: str | None = None


class PersonSummary(Out):
    id: int
    id_number: str = Field(description="masked")
    name: str
    sex: str
    phone: str | None = Field(description="masked")
    district: str
    township: str | None
    village: str | None


class Period(Out):
    value: str
    valid_from: date
    valid_to: date | None


class History(Out):
    status: list[Period]
    category: list[Period]
    tags: list[Period]


class PersonOut(Out):
    id: int
    id_number: str
    name: str
    sex: str
    birth_date: date
    phone: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    district: str
    township: str | None
    village: str | None
    death_date: date | None
    status: str | None
    category: str | None
    tags: list[str]
    history: History


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
@api_route(summary="List insured persons in scope (ID numbers and phones masked)", query=PersonQuery,
           responses={200: Page[PersonSummary]})
def list_persons(query: PersonQuery):
    page = paginate(db.session, services.search_persons(api_user(), query.q, query.district),
                    page=query.page, per_page=query.per_page)
    return page_json(page, [summary_json(p) for p in page.items])


@bp.get("/persons/<int:person_id>")
@records_view
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="One insured person with full values (the view is audited)", responses={200: PersonOut},
           errors=(404,))
def get_person(person_id: int):
    detail = services.get_person_full(db.session, api_user(), person_id, now=utcnow())
    db.session.commit()
    return jsonify(person_json(detail))


@bp.post("/persons")
@api_permission(Action.ROSTER_EDIT)
@api_route(summary="Register an insured person", body=NewPerson, responses={201: PersonOut}, errors=(409,))
def create_person(body: NewPerson):
    user, now = api_user(), utcnow()
    person = services.create_person(db.session, body.model_dump(include=set(services.FIELDS)),
                                    actor=actor_of(user), now=now, status=body.status or "active",
                                    category=body.category, tags=body.tags, valid_from=body.valid_from)
    detail = services.person_detail(db.session, person, local_today(now))
    db.session.commit()
    response = jsonify(person_json(detail))
    response.headers["Location"] = url_for("api.get_person", person_id=person.id)
    return response, 201


@bp.patch("/persons/<int:person_id>")
@api_permission(Action.ROSTER_EDIT)
@api_route(summary="Change an insured person's registry fields", body=PersonChanges, responses={200: PersonOut},
           errors=(404, 409))
def update_person(person_id: int, body: PersonChanges):
    user, now = api_user(), utcnow()
    person = get_scoped(db.session, user, InsuredPerson, person_id)
    services.update_person(db.session, person, body.model_dump(exclude_unset=True), actor=actor_of(user), now=now)
    detail = services.person_detail(db.session, person, local_today(now))
    db.session.commit()
    return jsonify(person_json(detail))
