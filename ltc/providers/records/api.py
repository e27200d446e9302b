"""The carers' API (SPEC §5.4, §6; issue 10 point 4): my visits today, check-in, check-out with the
items delivered, and the offline batch of a phone that lost signal. Every write needs an
``Idempotency-Key`` (a retry gets the first answer), is checked by the entry-time rules and is
answered 201 with its findings; an exact duplicate of a stored visit is 409 naming it.

A carer acts only as itself and for the beneficiaries of its own visits; a provider operator acts
for its provider's carers (``carer_scope``); a visit is read or checked out through the one scope
rule of visits (``get_scoped``). The request edge commits (``ltc.api.idempotency``)."""
from flask import jsonify, url_for

from ltc.api.blueprint import bp
from ltc.api.schema import Checked, api_route, check, raise_problems
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.auth.web import api_caller, api_permission, api_user
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import Conflict, DomainError
from ltc.extensions import db
from ltc.providers.kinds import RecordKind, RecordSource
from ltc.providers.records import carer_scope as scope
from ltc.providers.records import checks
from ltc.providers.records import visits
from ltc.providers.records.models import Visit
from ltc.providers.records.api_schemas import (IN_ONE_VISIT, Batch, BatchOut, CheckIn, CheckOut, OfflineVisit,
                                               SavedVisit, StoredVisit, TodayQuery, VisitsOfDay, findings_json,
                                               visit_json)
from ltc.web.messages import error_words

WRITE_ERRORS = (404, 409)


def _device(person_id: int | None = None) -> scope.Device:
    """The sender (``api_caller``: no user row loaded); with ``person_id`` whether a carer may act for them."""
    user = api_caller()
    return scope.device_of(db.session, actor_of(user), operator=user.has_role("operator"), person_id=person_id)


def _visit_json(visit, device: scope.Device | None = None) -> dict:
    return visit_json(visit, *scope.name_and_address(db.session, visit.person_id, device))


def _saved_json(outcome: visits.VisitOutcome, device: scope.Device | None = None) -> dict:
    return {"visit": _visit_json(outcome.visit, device), "findings": findings_json(outcome.findings),
            "same_start_as": outcome.duplicate_of}


def _duplicate(exc: visits.DuplicateVisit) -> Conflict:
    """The 409 of an exact duplicate, linking the stored visit."""
    return Conflict(exc.message, {"visit": url_for("api.carer_visit", visit_id=exc.visit_id)}, params=exc.params)


def _saved(outcome: visits.VisitOutcome, device: scope.Device | None = None):
    response = jsonify(_saved_json(outcome, device))
    response.headers["Location"] = url_for("api.carer_visit", visit_id=outcome.visit.id)
    return response, 201


@bp.get("/carer/visits/today")
@api_permission(Action.LOG_VISITS)
@api_route(summary="My visits today (Asia/Shanghai); an operator: its provider's or one carer's",
           query=TodayQuery, responses={200: VisitsOfDay}, errors=(404,))
def carer_visits_today(query: TodayQuery):
    day = local_today(utcnow())
    rows = scope.visits_of_day(db.session, _device(), day, query.carer_id)
    return jsonify(date=day.isoformat(), items=[visit_json(*row) for row in rows])


@bp.get("/carer/visits/<int:visit_id>")
@api_permission(Action.LOG_VISITS)
@api_route(summary="One visit of mine (an operator: of its provider) with its stored findings",
           responses={200: StoredVisit}, errors=(404,))
def carer_visit(visit_id: int):
    visit = get_scoped(db.session, api_user(), Visit, visit_id)
    findings = checks.findings_of(db.session, [(RecordKind.VISIT.value, visit.id)])
    return jsonify(visit=_visit_json(visit), findings=findings_json(findings))


@bp.post("/carer/visits/check-in")
@api_permission(Action.LOG_VISITS)
@api_route(summary="Check in at a beneficiary's (into the scheduled visit, or a new one of the plan)",
           body=CheckIn, responses={201: SavedVisit}, errors=WRITE_ERRORS, key_required=True)
def carer_check_in(body: CheckIn):
    device, now = _device(body.person_id), utcnow()
    carer_id = scope.carer_for(device, body.carer_id)
    scope.check_person(db.session, device, body.person_id)
    try:
        outcome = visits.check_in(db.session, actor=device.actor, carer_id=carer_id, person_id=body.person_id,
                                  at=body.at, visit_id=body.visit_id, visit_type_id=body.visit_type_id,
                                  lat=body.lat, lon=body.lon, device_id=body.device_id, photo_hash=body.photo_hash,
                                  source=RecordSource.API.value, uploaded_at=now, now=now, care_type=body.care_type,
                                  planned_minutes=body.planned_minutes)
    except visits.DuplicateVisit as exc:
        raise _duplicate(exc) from None
    return _saved(outcome, device)


@bp.post("/carer/visits/<int:visit_id>/check-out")
@api_permission(Action.LOG_VISITS)
@api_route(summary="Check out of a visit in progress with the items delivered", body=CheckOut,
           responses={201: SavedVisit}, errors=WRITE_ERRORS, key_required=True)
def carer_check_out(visit_id: int, body: CheckOut):
    device = _device()
    get_scoped(db.session, api_user(), Visit, visit_id)  # a carer: its own visits only
    try:
        outcome = visits.check_out(db.session, visit_id, actor=device.actor, at=body.at, item_ids=body.item_ids,
                                   actual_minutes=body.actual_minutes, lat=body.lat, lon=body.lon,
                                   photo_hash=body.photo_hash, notes=body.notes, now=utcnow())
    except visits.DuplicateVisit as exc:
        raise _duplicate(exc) from None
    return _saved(outcome)


def _record_offline(device: scope.Device, item: OfflineVisit, now) -> dict:
    carer_id = scope.carer_for(device, item.carer_id)
    scope.check_person(db.session, device, item.person_id)
    values = item.model_dump(exclude={"carer_id"})
    outcome = visits.record_visit(db.session, actor=device.actor, carer_id=carer_id, source=RecordSource.OFFLINE.value,
                                  uploaded_at=now, now=now, **values)
    return {"status": 201, **_saved_json(outcome)}


def _error_json(exc: DomainError) -> dict:
    if isinstance(exc, visits.DuplicateVisit):
        exc = _duplicate(exc)
    return {"status": exc.status, "error": error_words(exc), "fields": exc.fields}


def _one_offline(device: scope.Device, item: OfflineVisit, now) -> dict:
    """One visit of a batch in a savepoint of its own: refused, it leaves nothing behind."""
    try:
        with db.session.begin_nested():
            return _record_offline(device, item, now)
    except DomainError as exc:
        return _error_json(exc)


@bp.post("/carer/visits/batch")
@api_permission(Action.LOG_VISITS)
@api_route(summary="Offline upload: whole visits recorded without signal, each checked as if entered at its "
                   "check-in, in check-in order; one result per visit (201 with findings, or its error)",
           body=Batch, responses={200: BatchOut}, key_required=True, partial=True)
def carer_batch(body: Checked[Batch]):
    raise_problems({name: problem for name, problem in body.problems.items() if not IN_ONE_VISIT.match(name)})
    device, now = _device(), utcnow()
    checked = [check(OfflineVisit, raw, f"visits[{n}]") for n, raw in enumerate(body.raw["visits"])]
    results: dict[int, dict] = {n: {"status": 400, "error": "invalid visit", "fields": c.problems}
                                for n, c in enumerate(checked) if c.problems}
    valid = sorted((c.value.check_in_at, n) for n, c in enumerate(checked) if not c.problems)
    for _, n in valid:
        results[n] = _one_offline(device, checked[n].value, now)
    return jsonify(results=[{"index": n, **results[n]} for n in range(len(checked))])
