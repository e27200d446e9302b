"""Complaints over the API (SPEC §8): the register in the caller's scope, registering one (insurer and
MIA operators) and the handling insurer's outcome with the reply. The same services and scope rule as
the pages: another insurer's complaint is a 404."""
from datetime import date
from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Body, Int32, IsoDate, Out, Page, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import api_permission, api_user
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.ratings.complaints import queries, services
from ltc.ratings.complaints.kinds import Channel, Complainant, Outcome, Status
from ltc.ratings.complaints.models import NAME_MAX, PHONE_MAX, TEXT_MAX, Complaint


class ComplaintQuery(PageQuery):
    status: Literal[tuple(Status)] | None = None


class ComplaintOut(Out):
    id: int
    person_id: int
    insurer_id: int
    provider_id: int
    carer_id: int | None
    complainant: Literal[tuple(Complainant)]
    channel: Literal[tuple(Channel)]
    what: str
    happened_on: date
    received_on: date
    due_on: date
    status: Literal[tuple(Status)]
    overdue_marked_on: date | None
    outcome: Literal[tuple(Outcome)] | None
    reply: str | None
    closed_on: date | None


class ComplaintRequest(Body):
    id_number: Annotated[str, Field(max_length=30)]
    provider_id: Int32
    carer_id: Int32 | None = None
    complainant: Literal[tuple(Complainant)]
    complainant_name: Annotated[str, Field(max_length=NAME_MAX)]
    complainant_phone: Annotated[str, Field(max_length=PHONE_MAX)] | None = None
    channel: Literal[tuple(Channel)]
    what: Annotated[str, Field(max_length=TEXT_MAX)]
    happened_on: IsoDate


class DecisionRequest(Body):
    outcome: Literal[tuple(Outcome)]
    reply: Annotated[str, Field(max_length=TEXT_MAX)]


def complaint_json(c: Complaint) -> dict:
    dates = {name: (getattr(c, name).isoformat() if getattr(c, name) else None)
             for name in ("happened_on", "received_on", "overdue_marked_on", "closed_on")}
    return {"id": c.id, "person_id": c.person_id, "insurer_id": c.insurer_id, "provider_id": c.provider_id,
            "carer_id": c.carer_id, "complainant": c.complainant, "channel": c.channel, "what": c.what,
            "due_on": services.due_on(db.session, c).isoformat(), "status": c.status, "outcome": c.outcome,
            "reply": c.reply, **dates}


@bp.get("/complaints")
@api_permission(Action.VIEW_COMPLAINTS)
@api_route(summary="The complaints in my scope, newest first", query=ComplaintQuery,
           responses={200: Page[ComplaintOut]})
def list_complaints(query: ComplaintQuery):
    page = queries.register_page(db.session, api_user(), status=query.status, page=query.page,
                                 per_page=query.per_page)
    return page_json(page, [complaint_json(c) for c, _person in page.items])


@bp.post("/complaints")
@api_permission(Action.REGISTER_COMPLAINTS)
@api_route(summary="Register a complaint (it lists the person for a follow-up)", body=ComplaintRequest,
           responses={201: ComplaintOut})
def register_complaint(body: ComplaintRequest):
    found = services.register_complaint(db.session, services.ComplaintInput(**body.model_dump()),
                                        actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(complaint_json(found)), 201


@bp.post("/complaints/<int:complaint_id>/decide")
@api_permission(Action.INSURER_OPERATIONS)
@api_route(summary="Close a complaint with its outcome and the reply to the complainant (the handling insurer)",
           body=DecisionRequest, responses={200: ComplaintOut}, errors=(404, 409))
def decide_complaint(complaint_id: int, body: DecisionRequest):
    get_scoped(db.session, api_user(), Complaint, complaint_id)
    found = services.decide_complaint(db.session, complaint_id, outcome=body.outcome, reply=body.reply,
                                      actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(complaint_json(found))
