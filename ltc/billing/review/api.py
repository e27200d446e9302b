"""The settlement review over the API (SPEC §7.3): a settlement's review state, the provider's
submission (with remarks and evidence on flagged records), the insurer's record decisions (the records
listed, or every undecided flagged record a filter matches), the sample and the audit's completion.
The same services and scope rule as the pages: a settlement outside the caller's scope is a 404, a
step the caller's organisation does not own a 403, a step the case is not at a 409."""
from decimal import Decimal
from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.api.schema import Body, Int32, Out, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import api_permission, api_user
from ltc.billing.models import Settlement
from ltc.billing.review import auditing, sampling, workflow
from ltc.billing.review.auditing import RecordFilter
from ltc.billing.review.kinds import RecordDecision, RefusalReason
from ltc.core.clock import utcnow
from ltc.extensions import db
from ltc.providers.kinds import RecordKind
from ltc.reviews import engine

Text = Annotated[str, Field(max_length=1000)]


class RecordRef(Body):
    record_kind: Literal[tuple(k.value for k in RecordKind)]
    record_id: Int32


class Remark(RecordRef):
    remark: Text = ""
    evidence: Text = ""


class SubmitRequest(Body):
    note: Text = ""
    remarks: list[Remark] = Field(default_factory=list, max_length=10_000)


class FilterIn(Body):
    rule: Annotated[str, Field(max_length=9)] | None = None   # a rule code, or follow_up
    carer_id: Int32 | None = None
    person_id: Int32 | None = None


class DecisionRequest(Body):
    """Either ``records`` (flagged, or with ``origin`` sample: of the sampled persons) or ``filter``
    (every undecided flagged record it matches)."""

    decision: Literal[tuple(d.value for d in RecordDecision)]
    reason_code: Literal[tuple(r.value for r in RefusalReason)] | None = None
    reason_text: Text = ""
    origin: Literal["flag", "sample"] = "flag"
    records: list[RecordRef] | None = Field(default=None, max_length=10_000)
    filter: FilterIn | None = None


class NoteRequest(Body):
    note: Text = ""


class ReviewOut(Out):
    settlement_id: int
    status: str
    step: str | None
    due_on: str | None
    flagged: int
    flagged_decided: int
    sampled: bool
    sample_records: int
    sample_decided: int
    sample_persons: list[int]
    refused: int
    deducted_fund: Decimal


class DecidedOut(ReviewOut):
    decided: int


def _review(settlement: Settlement) -> dict:
    case = workflow.case_of(db.session, settlement)
    stage = engine.current_stage(db.session, case) if case else None
    done = auditing.progress(db.session, settlement)
    return {"settlement_id": settlement.id, "status": settlement.status, "step": case.step_code if case else None,
            "due_on": stage.due_on.isoformat() if stage else None, "flagged": done.flagged,
            "flagged_decided": done.flagged_decided, "sampled": done.sampled, "sample_records": done.sample_records,
            "sample_decided": done.sample_decided, "sample_persons": sampling.sampled_persons(db.session, settlement),
            "refused": done.refused, "deducted_fund": str(done.deducted_fund)}


def _settlement(settlement_id: int) -> Settlement:
    return get_scoped(db.session, api_user(), Settlement, settlement_id)


@bp.get("/billing/settlements/<int:settlement_id>/review")
@api_permission(Action.VIEW_FINDINGS)
@api_route(summary="A settlement's review: its step and due date, the audit's progress, sample and deductions",
           responses={200: ReviewOut}, errors=(404,))
def get_settlement_review(settlement_id: int):
    return jsonify(_review(_settlement(settlement_id)))


@bp.post("/billing/settlements/<int:settlement_id>/submit")
@api_permission(Action.CARE_RECORDS)
@api_route(summary="Submit the provider's settlement, with a remark and evidence per flagged record",
           body=SubmitRequest, responses={200: ReviewOut}, errors=(404, 409))
def submit_settlement(settlement_id: int, body: SubmitRequest):
    settlement = _settlement(settlement_id)
    remarks = {(r.record_kind, r.record_id): (r.remark, r.evidence) for r in body.remarks}
    workflow.submit(db.session, settlement, remarks=remarks, actor=actor_of(api_user()), now=utcnow(),
                    note=body.note or None)
    db.session.commit()
    return jsonify(_review(settlement))


def _decide(settlement: Settlement, body: DecisionRequest) -> int:
    user, now = api_user(), utcnow()
    common = {"reason_code": body.reason_code, "reason_text": body.reason_text, "actor": actor_of(user), "now": now}
    keys = [(r.record_kind, r.record_id) for r in body.records or ()]
    if body.origin == "sample":
        return auditing.decide_sampled(db.session, settlement, keys, body.decision, **common)
    if body.filter is not None:
        where = RecordFilter(rule=body.filter.rule, carer_id=body.filter.carer_id, person_id=body.filter.person_id)
        return auditing.decide_flagged_by_filter(db.session, settlement, where, body.decision, **common)
    return auditing.decide_flagged(db.session, settlement, keys, body.decision, **common)


@bp.post("/billing/settlements/<int:settlement_id>/decisions")
@api_permission(Action.INSURER_OPERATIONS)
@api_route(summary="Pay or refuse records of a submitted settlement (the insurer at its audit step): the records "
                   "listed, or every undecided flagged record a filter matches; a refusal needs a reason",
           body=DecisionRequest, responses={200: DecidedOut}, errors=(404, 409))
def decide_settlement_records(settlement_id: int, body: DecisionRequest):
    settlement = _settlement(settlement_id)
    decided = _decide(settlement, body)
    db.session.commit()
    return jsonify(_review(settlement) | {"decided": decided})


@bp.post("/billing/settlements/<int:settlement_id>/sample")
@api_permission(Action.INSURER_OPERATIONS)
@api_route(summary="Draw the audit's random sample of beneficiaries (once; the seed is stored)",
           body=NoteRequest, body_required=False, responses={200: ReviewOut}, errors=(404, 409))
def draw_settlement_sample(settlement_id: int, body: NoteRequest | None):
    settlement = _settlement(settlement_id)
    sampling.draw_sample(db.session, settlement, actor=actor_of(api_user()), now=utcnow())
    db.session.commit()
    return jsonify(_review(settlement))


@bp.post("/billing/settlements/<int:settlement_id>/audit")
@api_permission(Action.DECIDE_REVIEW)
@api_route(summary="Finish the insurer's audit (every flagged and sampled record decided): to the MIA's approval",
           body=NoteRequest, body_required=False, responses={200: ReviewOut}, errors=(404, 409))
def finish_settlement_audit(settlement_id: int, body: NoteRequest | None):
    settlement = _settlement(settlement_id)
    auditing.finish_audit(db.session, settlement, actor=actor_of(api_user()), now=utcnow(),
                          note=(body.note if body else "") or None)
    db.session.commit()
    return jsonify(_review(settlement))
