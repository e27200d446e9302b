"""Review cases over the API (SPEC §4.1): the caller's organisation's waiting cases, one case
with its definition, checks and trail, and the decision on the current step. The same engine,
scope rule and page data as the review pages.

Reading a case needs ``Action.ROSTER_VIEW`` and the case in scope (404 otherwise: the MIA sees
all, every other organisation the cases in which it owns a step). The waiting list needs a role
that some step of a case type in force names for the caller's kind of organisation (REF:
reviewer); deciding a step another organisation owns, or a step that names none of the caller's
roles, is a 403, a stale ``version`` a 409 naming who changed the case and when.
"""
from flask import jsonify, request

from ltc.api import bp
from ltc.api.auth import api_permission, api_user, json_body
from ltc.api.openapi import operation
from ltc.api.paging import PAGE_PARAMETERS, page_args, page_json, page_schema
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.extensions import db
from ltc.reviews import engine
from ltc.reviews.definitions import DECISION_LABELS
from ltc.reviews.engine import DecisionInput
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewStage
from ltc.reviews.queries import inbox
from ltc.reviews.worklists import CasePage, case_page, decides_reviews, event_who, inbox_rows


# --- OpenAPI schemas ---------------------------------------------------------------------------

_INT, _STR, _BOOL = {"type": "integer"}, {"type": "string"}, {"type": "boolean"}
_DATE = {"type": "string", "format": "date", "nullable": True}
_TIME = {"type": "string", "format": "date-time", "nullable": True}
_NULL_STR = {"type": "string", "nullable": True}
_DECISION = {"type": "string", "enum": list(DECISION_LABELS)}
_ORG = {"type": "object", "nullable": True, "properties": {"id": _INT, "name": _STR}}
_CHECK = {"type": "object", "properties": {"code": _STR, "label": _STR, "passed": {"type": "boolean", "nullable": True},
                                           "detail": _STR}}
PENDING_ROW = {"type": "object", "properties": {
    "id": _INT, "title": _STR, "case_type": _STR, "step": _STR, "round": _INT, "entered_on": _DATE,
    "due_on": _DATE, "overdue": _BOOL, "version": _INT}}
PENDING_SCHEMA = page_schema(PENDING_ROW)
PENDING_PARAMETERS = [
    *PAGE_PARAMETERS,
    {"name": "case_type", "in": "query", "schema": _STR},
]
STAGE_SCHEMA = {"type": "object", "properties": {
    "step": _STR, "owner": _ORG, "entered_on": _DATE, "due_on": _DATE, "left_on": _DATE, "decision": _NULL_STR,
    "overdue": _BOOL, "overdue_marked_on": _DATE}}
EVENT_SCHEMA = {"type": "object", "properties": {
    "action": _STR, "step": _NULL_STR, "by": _STR, "org": _ORG, "at": _TIME, "reason_code": _NULL_STR,
    "reason_label": _NULL_STR, "reason_text": _NULL_STR, "subject_revision": _INT,
    "checks": {"type": "array", "nullable": True, "items": _CHECK}}}
CASE_SCHEMA = {"type": "object", "properties": {
    "id": _INT, "case_type": _STR, "label": _STR, "title": _STR, "status": _STR, "round": _INT, "version": _INT,
    "subject": {"type": "object", "properties": {"type": _STR, "id": _INT, "revision": _INT}},
    "person_id": {"type": "integer", "nullable": True}, "opened_on": _DATE, "closed_at": _TIME,
    "close_reason": _NULL_STR,
    "steps": {"type": "array", "items": {"type": "object", "properties": {
        "code": _STR, "label": _STR, "owner_kind": _STR, "owner": _ORG,
        "decisions": {"type": "array", "items": _DECISION},
        "roles": {"type": "array", "items": _STR},
        "state": {"type": "string", "enum": ["done", "current", "todo"]}}}},
    "current_step": {"type": "object", "nullable": True, "properties": {
        "code": _STR, "label": _STR, "owner": _ORG, "entered_on": _DATE, "due_on": _DATE, "overdue": _BOOL,
        "decisions": {"type": "array", "items": _DECISION}, "roles": {"type": "array", "items": _STR}}},
    "reasons": {"type": "array", "items": {"type": "object", "properties": {
        "code": _STR, "label": _STR, "decisions": {"type": "array", "items": _DECISION}}}},
    "checks": {"type": "array", "items": _CHECK},
    "can_decide": _BOOL,
    "trail": {"type": "array", "items": {"type": "object", "properties": {
        "round": _INT, "stages": {"type": "array", "items": STAGE_SCHEMA},
        "events": {"type": "array", "items": EVENT_SCHEMA}}}}}}
DECISION_REQUEST = {"type": "object", "required": ["decision", "version"], "additionalProperties": False,
                    "properties": {
                        "decision": _DECISION,
                        "reason_code": {"type": "string", "description": "required for return, decline, reject"},
                        "reason_text": {"type": "string", "maxLength": 1000,
                                        "description": "required for return"},
                        "version": {"type": "integer", "description": "the case version read; a stale one is a 409"}}}


# --- values ------------------------------------------------------------------------------------

def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _org(page: CasePage, org_id: int | None) -> dict | None:
    return None if org_id is None else {"id": org_id, "name": page.names.get(org_id, "")}


def _stage(page: CasePage, s: ReviewStage) -> dict:
    return {"step": s.step_code, "owner": _org(page, s.owner_org_id), "entered_on": _iso(s.entered_on),
            "due_on": _iso(s.due_on), "left_on": _iso(s.left_on), "decision": s.decision,
            "overdue": s.overdue(page.today), "overdue_marked_on": _iso(s.overdue_marked_on)}


def _event(page: CasePage, e: ReviewEvent) -> dict:
    reasons = {r.code: r.label for r in page.ctype.reasons}
    return {"action": e.action, "step": e.step_code, "by": event_who(page, e), "org": _org(page, e.org_id),
            "at": _iso(e.at), "reason_code": e.reason_code, "reason_label": reasons.get(e.reason_code),
            "reason_text": e.reason_text, "subject_revision": e.subject_revision,
            "checks": (e.snapshot or {}).get("checks")}


def case_json(page: CasePage) -> dict:
    case, step, stage = page.case, page.step, page.stage
    current = None if step is None else {
        "code": step.code, "label": step.label, "owner": _org(page, stage.owner_org_id if stage else None),
        "entered_on": _iso(stage.entered_on) if stage else None, "due_on": _iso(stage.due_on) if stage else None,
        "overdue": bool(stage and stage.overdue(page.today)), "decisions": list(step.decisions),
        "roles": list(step.roles)}
    return {
        "id": case.id, "case_type": case.case_type, "label": page.ctype.label, "title": case.title,
        "status": case.status, "round": case.round, "version": case.version,
        "subject": {"type": case.subject_type, "id": case.subject_id, "revision": case.subject_revision},
        "person_id": case.person_id, "opened_on": _iso(case.opened_on), "closed_at": _iso(case.closed_at),
        "close_reason": case.close_reason,
        "steps": [{"code": s.step.code, "label": s.step.label, "owner_kind": s.owner_kind,
                   "owner": _org(page, s.owner_org_id), "decisions": list(s.step.decisions),
                   "roles": list(s.step.roles), "state": s.state}
                  for s in page.steps],
        "current_step": current,
        "reasons": [{"code": r.code, "label": r.label, "decisions": list(r.decisions)} for r in page.ctype.reasons],
        "checks": [c.as_dict() for c in page.checks],
        "can_decide": page.can_decide,
        "trail": [{"round": r.number, "stages": [_stage(page, s) for s in r.stages],
                   "events": [_event(page, e) for e in r.events]} for r in page.rounds],
    }


# --- routes ------------------------------------------------------------------------------------

@bp.get("/reviews/pending")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="The review cases waiting for my organisation, overdue first, then by due date",
           response_schema=PENDING_SCHEMA, parameters=PENDING_PARAMETERS)
def pending_reviews():
    number, per_page = page_args()
    user, today = api_user(), local_today()
    if not decides_reviews(db.session, user, today):
        raise Forbidden("您的角色不办理任何审核步骤", {"roles": "decides no review step"})
    page = inbox(db.session, user.org_id, today, page=number, per_page=per_page,
                 case_type=request.args.get("case_type") or None, roles=user.roles)
    items = [{k: (_iso(v) if k in ("entered_on", "due_on") else v) for k, v in row.items() if k != "owner"}
             for row in inbox_rows(db.session, page.items, today)]
    return page_json(page, items)


@bp.get("/reviews/<int:case_id>")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="One review case in scope: its frozen steps, the current step and its checks, the trail "
                   "by round", response_schema=CASE_SCHEMA)
def get_review(case_id: int):
    user = api_user()
    case = get_scoped(db.session, user, ReviewCase, case_id)
    return jsonify(case_json(case_page(db.session, case, user, local_today())))


@bp.post("/reviews/<int:case_id>/decision")
@api_permission(Action.ROSTER_VIEW)
@operation(summary="Decide the current step for my organisation (approve, return, decline, reject as the step "
                   "allows; a reason code for all but approve); a stale version is a 409",
           request_schema=DECISION_REQUEST, response_schema=CASE_SCHEMA)
def decide_review(case_id: int):
    user, now = api_user(), utcnow()
    case = get_scoped(db.session, user, ReviewCase, case_id)
    data = json_body({"decision": str, "reason_code": str, "reason_text": str, "version": int},
                     required={"decision", "version"})
    missing = {k: "required" for k in ("decision", "version") if data.get(k) is None}
    if missing:
        raise ValidationFailed("invalid fields: " + ", ".join(sorted(missing)), missing)
    engine.decide(db.session, case, DecisionInput(data["decision"], data.get("reason_code") or None,
                                                  data.get("reason_text") or None, data["version"]),
                  actor=actor_of(user), now=now)
    db.session.commit()
    return jsonify(case_json(case_page(db.session, case, user, local_today(now))))
