"""Review cases over the API (SPEC §4.1): the caller's organisation's waiting cases, one case
with its definition, checks and trail, and the decision on the current step. The same engine,
scope rule and page data as the review pages.

Reading a case needs ``Action.ROSTER_VIEW`` and the case in scope (404 otherwise: the MIA sees
all, every other organisation the cases in which it owns a step). The waiting list needs a role
that some step of a case type in force names for the caller's kind of organisation (REF:
reviewer); deciding a step another organisation owns, or a step that names none of the caller's
roles, is a 403, a stale ``version`` a 409 naming who changed the case and when. A ``return``
goes to ``return_to`` when given (one of the current step's ``return_to``), else to its
``return_default``; a reason must be one of the current step's ``reasons`` (``OTHER`` needs text).
"""
from datetime import date, datetime
from typing import Annotated, Literal

from flask import jsonify
from pydantic import Field

from ltc.api.blueprint import bp
from ltc.auth.web import api_permission, api_user
from ltc.api.paging import PageQuery, page_json
from ltc.api.schema import Body, Int32, Out, Page, api_route
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Forbidden
from ltc.extensions import db
from ltc.web.messages import check_words
from ltc.reviews import engine
from ltc.reviews.definitions import DECISION_LABELS, OTHER_REASON, ReasonDef
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewStage
from ltc.reviews.queries import inbox
from ltc.reviews.worklists import CasePage, case_page, decides_reviews, event_who, inbox_rows


# --- request and response bodies ---------------------------------------------------------------------------

Decision = Literal[tuple(DECISION_LABELS)]


class Org(Out):
    id: int
    name: str


class CheckOut(Out):
    code: str
    label: str
    passed: bool | None
    detail: str


class PendingRow(Out):
    id: int
    title: str
    case_type: str
    step: str
    round: int
    entered_on: date | None
    due_on: date | None
    overdue: bool
    version: int


class PendingQuery(PageQuery):
    case_type: str | None = Field(None, description="only cases of this type (its code)")


class StageOut(Out):
    step: str
    owner: Org | None
    entered_on: date | None
    due_on: date | None
    left_on: date | None
    decision: str | None
    overdue: bool
    overdue_marked_on: date | None


class EventOut(Out):
    action: str
    step: str | None
    by: str
    org: Org | None
    at: datetime | None
    reason_code: str | None
    reason_label: str | None
    reason_text: str | None
    subject_revision: int
    checks: list[CheckOut] | None


class Subject(Out):
    type: str
    id: int
    revision: int


class StepOut(Out):
    code: str
    label: str
    owner_kind: str
    owner: Org | None
    decisions: list[Decision]
    roles: list[str]
    return_to: list[str]
    state: Literal["done", "current", "todo"]


class Reason(Out):
    code: str
    label: str
    decisions: list[Decision]
    steps: list[str] = Field(description="the steps it may justify a decision of; empty: every step")


class CurrentStep(Out):
    code: str
    label: str
    owner: Org | None
    entered_on: date | None
    due_on: date | None
    overdue: bool
    decisions: list[Decision]
    roles: list[str]
    return_to: list[str] = Field(description="the steps a return may go to, in step order")
    return_default: str | None = Field(description="where a return goes when the decision names no return_to")
    reasons: list[Reason] = Field(description="the reasons offered on this step (OTHER needs reason_text)")


class Round(Out):
    round: int
    stages: list[StageOut]
    events: list[EventOut]


class CaseOut(Out):
    id: int
    case_type: str
    label: str
    title: str
    status: str
    round: int
    version: int
    subject: Subject
    person_id: int | None
    opened_on: date | None
    closed_at: datetime | None
    close_reason: str | None
    steps: list[StepOut]
    current_step: CurrentStep | None
    reasons: list[Reason]
    checks: list[CheckOut]
    can_decide: bool
    trail: list[Round]


class DecisionRequest(Body):
    decision: Decision
    reason_code: Annotated[str, Field(max_length=40, description="required for return, decline, reject")] | None = None
    reason_text: Annotated[str, Field(max_length=1000, description="required for return and for reason OTHER")] \
        | None = None
    return_to: Annotated[str, Field(max_length=40, description="for return: the step to go back to, one of "
                                                               "current_step.return_to; default its return_default")] \
        | None = None
    version: Int32 = Field(description="the case version read; a stale one is a 409")


# --- values ------------------------------------------------------------------------------------

def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _org(page: CasePage, org_id: int | None) -> dict | None:
    return None if org_id is None else {"id": org_id, "name": page.names.get(org_id, "")}


def _stage(page: CasePage, s: ReviewStage) -> dict:
    return {"step": s.step_code, "owner": _org(page, s.owner_org_id), "entered_on": _iso(s.entered_on),
            "due_on": _iso(s.due_on), "left_on": _iso(s.left_on), "decision": s.decision,
            "overdue": s.overdue(page.today), "overdue_marked_on": _iso(s.overdue_marked_on)}


def _reason(r: ReasonDef) -> dict:
    return {"code": r.code, "label": r.label, "decisions": list(r.decisions), "steps": list(r.steps)}


def _event(page: CasePage, e: ReviewEvent) -> dict:
    label = page.ctype.reason_label(e.reason_code) if e.reason_code else None
    return {"action": e.action, "step": e.step_code, "by": event_who(page, e) or e.actor_label,
            "org": _org(page, e.org_id),
            "at": _iso(e.at), "reason_code": e.reason_code, "reason_label": label,
            "reason_text": e.reason_text, "subject_revision": e.subject_revision,
            "checks": _stored_checks((e.snapshot or {}).get("checks"))}


def _stored_checks(checks: list[dict] | None) -> list[dict] | None:
    """A decision's stored checks as the API shows checks: the detail in words (its params filled in)."""
    if checks is None:
        return None
    return [{"code": c.get("code", ""), "label": c.get("label", ""), "passed": c.get("passed"),
             "detail": check_words(c)} for c in checks]


def case_json(page: CasePage) -> dict:
    case, step, stage = page.case, page.step, page.stage
    current = None if step is None else {
        "code": step.code, "label": step.label, "owner": _org(page, stage.owner_org_id if stage else None),
        "entered_on": _iso(stage.entered_on) if stage else None, "due_on": _iso(stage.due_on) if stage else None,
        "overdue": bool(stage and stage.overdue(page.today)), "decisions": list(step.decisions),
        "roles": list(step.roles), "return_to": [code for code, _label in page.return_targets],
        "return_default": page.return_default, "reasons": [_reason(r) for r in page.ctype.reasons_at(step.code)]}
    return {
        "id": case.id, "case_type": case.case_type, "label": page.ctype.label, "title": case.title,
        "status": case.status, "round": case.round, "version": case.version,
        "subject": {"type": case.subject_type, "id": case.subject_id, "revision": case.subject_revision},
        "person_id": case.person_id, "opened_on": _iso(case.opened_on), "closed_at": _iso(case.closed_at),
        "close_reason": case.close_reason,
        "steps": [{"code": s.step.code, "label": s.step.label, "owner_kind": s.owner_kind,
                   "owner": _org(page, s.owner_org_id), "decisions": list(s.step.decisions),
                   "roles": list(s.step.roles), "return_to": list(s.step.return_to), "state": s.state}
                  for s in page.steps],
        "current_step": current,
        "reasons": [_reason(r) for r in page.ctype.reasons + (OTHER_REASON,)],
        "checks": [{"code": c.code, "label": c.label, "passed": c.passed, "detail": check_words(c)}
                   for c in page.checks],
        "can_decide": page.can_decide,
        "trail": [{"round": r.number, "stages": [_stage(page, s) for s in r.stages],
                   "events": [_event(page, e) for e in r.events]} for r in page.rounds],
    }


# --- routes ------------------------------------------------------------------------------------

@bp.get("/reviews/pending")
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="The review cases waiting for my organisation, overdue first, then by due date",
           query=PendingQuery, responses={200: Page[PendingRow]})
def pending_reviews(query: PendingQuery):
    user, today = api_user(), local_today()
    if not decides_reviews(db.session, user, today):
        raise Forbidden("您的角色不办理任何审核步骤", {"roles": "decides no review step"})
    page = inbox(db.session, user.org_id, today, page=query.page, per_page=query.per_page,
                 case_type=query.case_type, roles=user.roles)
    items = [{k: (_iso(v) if k in ("entered_on", "due_on") else v) for k, v in row.items() if k != "owner"}
             for row in inbox_rows(db.session, page.items, today)]
    return page_json(page, items)


@bp.get("/reviews/<int:case_id>")
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="One review case in scope: its frozen steps, the current step and its checks, the trail "
                   "by round", responses={200: CaseOut}, errors=(404,))
def get_review(case_id: int):
    user = api_user()
    case = get_scoped(db.session, user, ReviewCase, case_id)
    return jsonify(case_json(case_page(db.session, case, user, local_today())))


@bp.post("/reviews/<int:case_id>/decision")
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="Decide the current step for my organisation (approve, return, decline, reject as the step "
                   "allows; a reason code of the step for all but approve; a return to one of the step's "
                   "return_to); a stale version is a 409",
           body=DecisionRequest, responses={200: CaseOut}, errors=(404, 409))
def decide_review(case_id: int, body: DecisionRequest):
    user, now = api_user(), utcnow()
    case = get_scoped(db.session, user, ReviewCase, case_id)
    engine.decide(db.session, case, DecisionInput(body.decision, body.reason_code or None,
                                                  body.reason_text or None, body.version,
                                                  return_to=body.return_to or None),
                  actor=actor_of(user), now=now)
    db.session.commit()
    return jsonify(case_json(case_page(db.session, case, user, local_today(now))))
