"""Follow-ups over the API (SPEC §8): the worklist in the caller's scope (the MIA all, an insurer its own,
a provider its beneficiaries'), one follow-up, and the visit record by an insurer operator or reviewer.
The same services and scope rule as the pages: another insurer's follow-up is a 404."""
from datetime import date
from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Body, IsoDate, Out, Page, api_route
from ltc.auth.permissions import Action
from ltc.auth.services import actor_of
from ltc.auth.web import api_permission, api_user
from ltc.core.clock import local_today, utcnow
from ltc.extensions import db
from ltc.ratings.followups import queries, recording
from ltc.ratings.followups.kinds import Channel, Origin, Status
from ltc.ratings.followups.models import FINDINGS_MAX, FollowUp

Score = Annotated[int, Field(ge=1, le=5)]


class FollowUpQuery(PageQuery):
    status: Literal[tuple(Status)] | None = None
    origin: Literal[tuple(Origin)] | None = None


class FollowUpOut(Out):
    id: int
    person_id: int
    insurer_id: int
    provider_id: int | None
    origin: Literal[tuple(Origin)]
    listed_on: date
    due_on: date
    assigned_to: int | None
    status: Literal[tuple(Status)]
    visited_on: date | None
    channel: Literal[tuple(Channel)] | None
    attitude: int | None
    punctuality: int | None
    skill: int | None
    overall: int | None
    confirmed: bool | None
    held_month: str | None = Field(description="YYYY-MM: the month whose records a not-confirmed record holds")
    level_mismatch: bool
    reassessment_id: int | None


class RecordRequest(Body):
    visited_on: IsoDate
    channel: Literal[tuple(Channel)]
    attitude: Score
    punctuality: Score
    skill: Score
    overall: Score
    confirmed: bool
    findings: Annotated[str, Field(max_length=FINDINGS_MAX)] = ""
    level_mismatch: bool = False


def follow_up_json(f: FollowUp) -> dict:
    return {"id": f.id, "person_id": f.person_id, "insurer_id": f.insurer_id, "provider_id": f.provider_id,
            "origin": f.origin, "listed_on": f.listed_on.isoformat(), "due_on": f.due_on.isoformat(),
            "assigned_to": f.assigned_to, "status": f.status,
            "visited_on": f.visited_on.isoformat() if f.visited_on else None, "channel": f.channel,
            "attitude": f.attitude, "punctuality": f.punctuality, "skill": f.skill, "overall": f.overall,
            "confirmed": f.confirmed, "held_month": f"{f.held_month:%Y-%m}" if f.held_month else None,
            "level_mismatch": f.level_mismatch, "reassessment_id": f.reassessment_id}


@bp.get("/follow-ups")
@api_permission(Action.VIEW_FOLLOW_UPS)
@api_route(summary="The follow-up visits in my scope, overdue first, then by due date", query=FollowUpQuery,
           responses={200: Page[FollowUpOut]})
def list_follow_ups(query: FollowUpQuery):
    filters = queries.Filters(status=query.status, origin=query.origin)
    page = queries.worklist(db.session, api_user(), filters, today=local_today(), page=query.page,
                            per_page=query.per_page)
    return page_json(page, [follow_up_json(f) for f, _person in page.items])


@bp.get("/follow-ups/<int:follow_up_id>")
@api_permission(Action.VIEW_FOLLOW_UPS)
@api_route(summary="One follow-up visit in my scope", responses={200: FollowUpOut}, errors=(404,))
def get_follow_up(follow_up_id: int):
    return jsonify(follow_up_json(recording.load(db.session, follow_up_id, api_user())))


@bp.post("/follow-ups/<int:follow_up_id>/record")
@api_permission(Action.INSURER_OPERATIONS)
@api_route(summary="Record a follow-up visit (not confirmed: the person's records of the visit's month are held "
                   "for the insurer's review; a level that no longer fits opens a reassessment)",
           body=RecordRequest, responses={200: FollowUpOut}, errors=(404, 409))
def record_follow_up(follow_up_id: int, body: RecordRequest):
    data = recording.FollowUpRecord(**body.model_dump())
    found = recording.record_follow_up(db.session, follow_up_id, data, actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(follow_up_json(found))
