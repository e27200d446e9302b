"""Dynamic management over the API (SPEC §1, §8 effects): the rectification notices in the caller's scope
(a provider its own, an insurer those it checks, the MIA all), one notice with its responses, the
provider operator's written response and the insurer's check of it; the MIA admin's agreement-review
proposals and its decision. The same services and scope rules as the pages: a notice or proposal
outside the caller's scope is a 404, a role the action is not given a 403."""
from datetime import date, datetime
from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Body, IsoDate, Out, Page, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import api_permission, api_user
from ltc.core.clock import utcnow
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.orgs.models import Organisation
from ltc.ratings.effects.kinds import CheckDecision, NoticeStatus, ProposalCause, ProposalDecision, ProposalStatus
from ltc.ratings.effects.models import (REASON_MAX, TEXT_MAX, AgreementReviewProposal, RectificationNotice,
                                        RectificationResponse)
from ltc.ratings.effects.services import proposals, readers, rectification


class NoticeQuery(PageQuery):
    status: Literal[tuple(NoticeStatus)] | None = None


class ProposalQuery(PageQuery):
    status: Literal[tuple(ProposalStatus)] | None = None


class ResponseOut(Out):
    id: int
    text: str
    file_name: str | None
    responded_by: int
    responded_at: datetime
    decision: Literal[tuple(CheckDecision)] | None
    check_reason: str | None
    checked_by: int | None
    checked_at: datetime | None


class NoticeOut(Out):
    id: int
    number: str
    provider_id: int
    provider: str
    insurer_id: int | None
    district: str | None
    month: str = Field(description="YYYY-MM: the rated month whose monthly star called for the notice")
    stars: int
    issued_on: date
    status: Literal[tuple(NoticeStatus)]
    responses: list[ResponseOut]


class ProposalOut(Out):
    id: int
    provider_id: int
    provider: str
    year: int
    stars: int
    cause: Literal[tuple(ProposalCause)]
    status: Literal[tuple(ProposalStatus)]
    proposed_at: datetime
    decision: Literal[tuple(ProposalDecision)] | None
    effective_on: date | None
    reason: str | None
    decided_by: int | None
    decided_at: datetime | None


class ResponseRequest(Body):
    text: Annotated[str, Field(min_length=1, max_length=TEXT_MAX)]


class CheckRequest(Body):
    decision: Literal[tuple(CheckDecision)]
    reason: Annotated[str, Field(max_length=REASON_MAX)] | None = None


class DecisionRequest(Body):
    decision: Literal[tuple(ProposalDecision)]
    effective_on: IsoDate | None = Field(default=None, description="required to suspend or end: the first day")
    reason: Annotated[str, Field(min_length=1, max_length=REASON_MAX)]


def _when(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


def response_json(r: RectificationResponse) -> dict:
    return {"id": r.id, "text": r.text, "file_name": r.file_name, "responded_by": r.responded_by,
            "responded_at": _when(r.responded_at), "decision": r.decision, "check_reason": r.check_reason,
            "checked_by": r.checked_by, "checked_at": _when(r.checked_at)}


def notice_json(n: RectificationNotice, provider: str) -> dict:
    return {"id": n.id, "number": n.number, "provider_id": n.provider_id, "provider": provider,
            "insurer_id": n.insurer_id, "district": n.district, "month": f"{n.month:%Y-%m}", "stars": n.stars,
            "issued_on": n.issued_on.isoformat(), "status": n.status,
            "responses": [response_json(r) for r in n.responses]}


def proposal_json(p: AgreementReviewProposal, provider: str) -> dict:
    return {"id": p.id, "provider_id": p.provider_id, "provider": provider, "year": p.year, "stars": p.stars,
            "cause": p.cause, "status": p.status, "proposed_at": _when(p.proposed_at), "decision": p.decision,
            "effective_on": _when(p.effective_on), "reason": p.reason, "decided_by": p.decided_by,
            "decided_at": _when(p.decided_at)}


def _provider_name(provider_id: int) -> str:
    return db.session.get_one(Organisation, provider_id).name


def _page(stmt, query: PageQuery):
    return paginate(db.session, stmt, page=query.page, per_page=query.per_page, scalars=False)


@bp.get("/rectification-notices")
@api_permission(Action.VIEW_RECTIFICATIONS)
@api_route(summary="The rectification notices in my scope, newest first", query=NoticeQuery,
           responses={200: Page[NoticeOut]})
def list_notices(query: NoticeQuery):
    page = _page(readers.notices(api_user(), status=query.status), query)
    return page_json(page, [notice_json(n, name) for n, name in page.items])


@bp.get("/rectification-notices/<int:notice_id>")
@api_permission(Action.VIEW_RECTIFICATIONS)
@api_route(summary="One rectification notice in my scope with its responses and checks",
           responses={200: NoticeOut}, errors=(404,))
def get_notice(notice_id: int):
    notice = get_scoped(db.session, api_user(), RectificationNotice, notice_id)
    return jsonify(notice_json(notice, _provider_name(notice.provider_id)))


@bp.post("/rectification-notices/<int:notice_id>/respond")
@api_permission(Action.RESPOND_RECTIFICATION)
@api_route(summary="The notified provider's written response (then the insurer checks it)",
           body=ResponseRequest, responses={200: NoticeOut}, errors=(404, 409))
def respond_to_notice(notice_id: int, body: ResponseRequest):
    notice = get_scoped(db.session, api_user(), RectificationNotice, notice_id)
    rectification.respond(db.session, notice, text=body.text, attached=None, actor=actor_of(api_user()),
                          now=utcnow())
    db.session.commit()
    return jsonify(notice_json(notice, _provider_name(notice.provider_id)))


@bp.post("/rectification-notices/<int:notice_id>/check")
@api_permission(Action.CHECK_RECTIFICATION)
@api_route(summary="The insurer's check of the latest response: accepted closes the notice, not accepted "
                   "(with a reason) returns it to the provider", body=CheckRequest, responses={200: NoticeOut},
           errors=(404, 409))
def check_notice_response(notice_id: int, body: CheckRequest):
    notice = get_scoped(db.session, api_user(), RectificationNotice, notice_id)
    rectification.check_response(db.session, notice, decision=body.decision, reason=body.reason,
                                 actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(notice_json(notice, _provider_name(notice.provider_id)))


@bp.get("/agreement-reviews")
@api_permission(Action.AGREEMENT_REVIEWS)
@api_route(summary="The agreement-review proposals (the MIA's inbox), newest first", query=ProposalQuery,
           responses={200: Page[ProposalOut]})
def list_proposals(query: ProposalQuery):
    page = _page(readers.proposals(api_user(), status=query.status), query)
    return page_json(page, [proposal_json(p, name) for p, name in page.items])


@bp.get("/agreement-reviews/<int:proposal_id>")
@api_permission(Action.AGREEMENT_REVIEWS)
@api_route(summary="One agreement-review proposal", responses={200: ProposalOut}, errors=(404,))
def get_proposal(proposal_id: int):
    proposal = get_scoped(db.session, api_user(), AgreementReviewProposal, proposal_id)
    return jsonify(proposal_json(proposal, _provider_name(proposal.provider_id)))


@bp.post("/agreement-reviews/<int:proposal_id>/decide")
@api_permission(Action.AGREEMENT_REVIEWS)
@api_route(summary="The MIA's decision: suspend the provider from a day, end its agreement on a day, or keep it",
           body=DecisionRequest, responses={200: ProposalOut}, errors=(404, 409))
def decide_proposal(proposal_id: int, body: DecisionRequest):
    proposal = get_scoped(db.session, api_user(), AgreementReviewProposal, proposal_id)
    proposals.decide_proposal(db.session, proposal, decision=body.decision, effective_on=body.effective_on,
                              reason=body.reason, actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(proposal_json(proposal, _provider_name(proposal.provider_id)))
