"""Hospital stays over the API: bulk upsert from the medical-insurance system, and a person's
stays. A bad item rejects the whole call, naming it (``stays[3].admitted_on``)."""
from datetime import date
from typing import Annotated

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.auth.web import api_permission, api_user
from ltc.api.schema import Body, Checked, Out, api_route, raise_problems
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.people.hospital import services as hospital
from ltc.people.hospital.models import HospitalStay
from ltc.people.hospital.services import StayInput
from ltc.people.models import InsuredPerson
from ltc.web.transactions import records_view

MAX_STAYS = 1000

_CATEGORY = {"enum": list(hospital.CATEGORY_LABELS)}
_DATE = {"format": "date"}


class StayIn(Body):
    """One stay as the medical-insurance system sends it; a stay is known by person, hospital
    and admission date."""
    id_number: Annotated[str, Field(max_length=30)]
    hospital: Annotated[str, Field(max_length=hospital.HOSPITAL_MAX)]
    category: Annotated[str, Field(json_schema_extra=_CATEGORY)]
    admitted_on: Annotated[str, Field(json_schema_extra=_DATE)]
    discharged_on: Annotated[str | None, Field(json_schema_extra=_DATE,
                                               description="null while the stay is open")] = None


class StaysUpsert(Body):
    stays: Annotated[list[StayIn], Field(max_length=MAX_STAYS)]


class Counts(Out):
    create: int
    update: int
    unchanged: int


class CountsOut(Out):
    counts: Counts


class StayOut(Out):
    id: int
    hospital: str
    category: Annotated[str, Field(json_schema_extra=_CATEGORY)]
    admitted_on: date
    discharged_on: date | None


class StaysOut(Out):
    items: list[StayOut]


def stay_json(stay: HospitalStay) -> dict:
    return {"id": stay.id, "hospital": stay.hospital, "category": stay.category,
            "admitted_on": stay.admitted_on.isoformat(),
            "discharged_on": stay.discharged_on.isoformat() if stay.discharged_on else None}


def _checked_items(body: Checked[StaysUpsert]) -> tuple[list[dict], dict[str, str]]:
    """Each item's clean values (empty for a malformed one), and every problem under ``stays[i].field``."""
    today, problems, cleaned = local_today(), dict(body.problems), []
    for n, item in enumerate(body.raw["stays"]):
        clean: dict = {}
        if body.fine(f"stays[{n}]"):
            clean, found = hospital.check_fields(item, today=today)
            problems.update({f"stays[{n}].{k}": msg for k, msg in found.items()})
        cleaned.append(clean)
    return cleaned, problems


def _stay_inputs(body: Checked[StaysUpsert]) -> list[StayInput]:
    """Checked, resolved stays; raises ValidationFailed naming every bad item."""
    if any(not key.startswith("stays[") for key in body.problems):  # the body itself is wrong
        raise_problems(body.problems)
    cleaned, problems = _checked_items(body)
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
    raise_problems(problems)
    return [StayInput(person_id=persons[c["id_number"]], hospital=c["hospital"], category=c["category"],
                      admitted_on=c["admitted_on"], discharged_on=c["discharged_on"]) for c in cleaned]


@bp.post("/hospital-stays")
@api_permission(Action.ROSTER_EDIT)
@api_route(summary=f"Create or update up to {MAX_STAYS} hospital stays by (person, hospital, admission date); "
                   "all or nothing: every bad item is named", body=StaysUpsert, partial=True,
           responses={200: CountsOut})
def upsert_stays(body: Checked[StaysUpsert]):
    rows = _stay_inputs(body)
    counts = hospital.upsert_stays(db.session, rows, actor=actor_of(api_user()), now=utcnow(), source="api")
    db.session.commit()
    return jsonify(counts=counts)


@bp.get("/persons/<int:person_id>/hospital-stays")
@records_view
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="An insured person's hospital stays, latest admission first", responses={200: StaysOut},
           errors=(404,))
def person_stays(person_id: int):
    person = get_scoped(db.session, api_user(), InsuredPerson, person_id)
    stays = hospital.stays_of(db.session, person.id)
    hospital.record_views(db.session, stays, actor=actor_of(api_user()), now=utcnow())
    db.session.commit()  # the audited view
    return jsonify(items=[stay_json(s) for s in stays])
