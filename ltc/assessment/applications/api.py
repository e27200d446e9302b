"""Applications over the API (SPEC §3.1): list and read them in the caller's scope, enter and
co-sign the joint assessment record (after each on-site assessor's own recusal declaration),
download the notices. The same services, scope rule and
validation as the pages.

Reading needs ``Action.ROSTER_VIEW`` (the staff of every organisation kind and the agencies'
assessors); the Application scope rule then decides what each sees — the MIA all, an insurer
those of the districts its contracts covered on their date, an agency what was dispatched to
it, a provider what it filed — and anything else is a 404. A role the who-does-what table gives
nothing in the workflow (a provider's carer) gets 403. Entering and co-signing need
``Action.ENTER_ASSESSMENT``; the service then admits only an on-site assessor of an application
whose visit is booked (403 / 409).
"""
from datetime import date, datetime

from flask import Response, jsonify, url_for
from sqlalchemy import select

from ltc.api.blueprint import bp
from ltc.assessment.applications.api_schemas import (ApplicationDetail, ApplicationQuery, ApplicationRow,
                                                     AssessmentEntry, Cosignature, RecordOut, RecusalDeclaration,
                                                     RecusalOut)
from ltc.auth.web import api_permission, api_user
from ltc.api.paging import page_json
from ltc.api.schema import PDF, Checked, Page, api_route, raise_problems
from ltc.assessment.applications.services import evaluation
from ltc.assessment.applications.services import recusal
from ltc.assessment.applications.models import Application, ApplicationEvent, Assessment
from ltc.assessment.applications.services.notifying import application_no
from ltc.assessment.applications.services.pages import ApplicationPage, application_page
from ltc.assessment.applications.services.queues import QUEUES, QueueFilters, queue_context, queue_select
from ltc.assessment.scale.services import get_ruleset, ruleset_in_force
from ltc.assessment.scale.scale import validate_items
from ltc.assessment.applications.states import VISIT_BOOKED
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped
from ltc.auth.services import actor_of
from ltc.core.clock import local_today, utcnow
from ltc.core.errors import NotFound
from ltc.core.pagination import paginate
from ltc.extensions import db
from ltc.notices.models import Notice
from ltc.notices.services import open_notice
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id, mask_phone
from ltc.web.transactions import records_view

GRADING_FIELDS = evaluation.GRADING_FIELDS

_DATES = ("submitted_on", "accepted_on", "dispatched_on", "visit_on", "publicity_start", "publicity_end",
          "concluded_on", "final_on", "acceptance_due_on", "conclusion_due_on", "due_on")


# --- values ------------------------------------------------------------------------------------

def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _names(session, user_ids) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _org(org_id: int | None, name: str | None) -> dict | None:
    return None if org_id is None else {"id": org_id, "name": name}


def row_json(row) -> dict:
    """One list row (a ``queue_select`` row with the agency id and both due dates added)."""
    return {"id": row.id, "number": application_no(row), "kind": row.kind, "status": row.status,
            "parent_id": row.parent_id,
            "person": {"id": row.person_id, "name": row.person_name, "id_number": mask_id(row.id_number),
                       "district": row.district},
            "self_assessment_grade": row.self_grade,
            **{name: iso(getattr(row, name)) for name in _DATES}, "sla": row.sla,
            "agency": _org(row.agency_id, row.agency_name), "filed_by": row.filer_name, "level": row.level}


def record_json(session, record: Assessment) -> dict:
    """The stored joint record: answers, the server's grading, who signed."""
    ruleset = get_ruleset(session, record.ruleset_id)
    names = _names(session, [record.entered_by, *(s.user_id for s in record.signatures)])
    return {**{name: getattr(record, name) for name in GRADING_FIELDS},
            "level_name": ruleset.level_names[record.level], "ruleset": record.ruleset_id,
            "items": dict(record.items), "assessed_on": iso(record.assessed_on), "notes": record.notes,
            "entered_by": record.entered_by, "entered_at": iso(record.entered_at),
            "signatures": [{"user_id": s.user_id, "name": names.get(s.user_id, ""), "signed_at": iso(s.signed_at)}
                           for s in record.signatures]}


def events_json(session, app: Application) -> list[dict]:
    rows = session.execute(
        select(ApplicationEvent, User.full_name, Organisation.name)
        .outerjoin(User, User.id == ApplicationEvent.actor_user_id)
        .outerjoin(Organisation, Organisation.id == ApplicationEvent.actor_org_id)
        .where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.id))
    return [{"at": iso(e.at), "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
             "actor": {"user_id": e.actor_user_id, "name": who or "系统", "org": org}, "reason": e.reason}
            for e, who, org in rows]


def _facts(page: ApplicationPage) -> dict:
    app, person = page.app, page.person
    return {
        "id": app.id, "number": page.number, "kind": app.kind, "status": app.status, "version": app.version,
        "parent_id": app.parent_id,
        "person": {"id": person.id, "name": person.name, "id_number": page.masked_id, "district": person.district},
        "applicant": {"name": app.applicant_name, "relation": app.applicant_relation,
                      "phone": mask_phone(app.applicant_phone)},
        "self_assessment_grade": app.self_assessment.grade if app.self_assessment else None,
        **{name: iso(getattr(app, name)) for name in _DATES if name != "due_on"},
        "confirmed_on": iso(app.confirmed_on), "valid_from": iso(app.valid_from), "valid_to": iso(app.valid_to),
        "due_on": iso(page.due), "sla": page.sla, "paused_since": iso(app.paused_since),
        "objection_until": iso(page.objection_until),
        "agency": _org(app.agency_id, page.agency), "filed_by": page.filer, "level": app.level,
        "refusal": None if app.refusal_code is None else {"code": app.refusal_code, "text": app.refusal_text},
        "close_reason": app.close_reason,
    }


def detail_json(session, page: ApplicationPage) -> dict:
    app = page.app
    record = record_json(session, page.record) if page.record is not None else None
    visit = None if page.visit is None else {
        "visit_on": iso(page.visit.visit_on),
        "assessors": [{**{k: a[k] for k in ("user_id", "name", "is_expert")}, "declared_at": iso(a["declared_at"])}
                      for a in page.assessors]}
    return {
        **_facts(page),
        "level_name": _level_name(session, app, page.record),
        "visit": visit, "assessment": record,
        "confirmations": [{"user_id": c["user_id"], "name": c["name"], "on_site": c["on_site"], "at": iso(c["at"])}
                          for c in page.confirmations],
        "children": [child.id for child in page.children],
        "events": events_json(session, app),
        "notices": [{"id": n.id, "number": n.number, "kind": n.kind, "issued_at": iso(n.issued_at),
                     "status": n.status,  # pending: numbered, its PDF being generated (no download yet)
                     "download_url": None if n.is_pending else url_for(
                         "api.download_application_notice", application_id=app.id, notice_id=n.id)}
                    for n in page.notices],
    }


def _level_name(session, app: Application, record: Assessment | None) -> str | None:
    """The name of the application's level (for an objected parent, its 复评's) in the ruleset
    of its joint record; none without a record (e.g. migrated history)."""
    if app.level is None or record is None:
        return None
    return get_ruleset(session, record.ruleset_id).level_names[app.level]


# --- checks and answers ------------------------------------------------------------------------

def _check_entry(body: Checked[AssessmentEntry], app: Application, today: date) -> None:
    """Raise ValidationFailed naming every problem of an entry: its shape, each answer against
    the ruleset in force on the visit date (``items.<code>``), the visit date if ``assessed_on``
    is given."""
    problems = dict(body.problems)
    if body.fine("items"):
        ruleset = ruleset_in_force(db.session, app.visit_on or today)
        problems.update({f"items.{code}": why for code, why in validate_items(ruleset, body.raw["items"]).items()})
    day, booked = body.raw.get("assessed_on"), app.visit_on if app.status in VISIT_BOOKED else None
    if body.fine("assessed_on") and day is not None and booked is not None and date.fromisoformat(day) != booked:
        problems["assessed_on"] = f"must be the booked visit date {booked.isoformat()}"
    raise_problems(problems)


def _record_response(app: Application) -> dict:
    record = evaluation.joint_record(db.session, app)
    return {"application_id": app.id, "status": app.status, "version": app.version,
            "assessment": record_json(db.session, record)}


# --- routes ------------------------------------------------------------------------------------

@bp.get("/applications")
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="List applications in scope, most urgent first (ID numbers masked; SLA state per row)",
           query=ApplicationQuery, responses={200: Page[ApplicationRow]})
def list_applications(query: ApplicationQuery):
    ctx = queue_context(db.session, api_user(), local_today())
    stmt = queue_select(QUEUES["all"], ctx, QueueFilters(status=query.status, overdue_only=query.overdue))
    stmt = stmt.add_columns(Application.person_id, Application.agency_id, Application.acceptance_due_on,
                            Application.conclusion_due_on)
    if query.agency_id is not None:
        stmt = stmt.where(Application.agency_id == query.agency_id)
    page = paginate(db.session, stmt, page=query.page, per_page=query.per_page, scalars=False)
    return page_json(page, [row_json(r) for r in page.items])


@bp.get("/applications/<int:application_id>")
@api_permission(Action.ROSTER_VIEW)
@api_route(summary="One application in scope: dates, SLA, visit, joint record, confirmations, events, notices",
           responses={200: ApplicationDetail}, errors=(404,))
def get_application(application_id: int):
    ctx = queue_context(db.session, api_user(), local_today())
    page = application_page(db.session, ctx, application_id)
    return jsonify(detail_json(db.session, page))


@bp.get("/applications/<int:application_id>/notices/<int:notice_id>.pdf")
@records_view
@api_permission(Action.OPEN_NOTICES)
@api_route(summary="Download a notice of the application (application/pdf, as issued; the view is audited)",
           responses={200: PDF}, errors=(404,))
def download_application_notice(application_id: int, notice_id: int):
    user = api_user()
    get_scoped(db.session, user, Application, application_id)
    notice = db.session.get(Notice, notice_id)
    if notice is None or (notice.subject_type, notice.subject_id) != ("application", application_id):
        raise NotFound("通知书不存在或无权访问")
    notice = open_notice(db.session, notice_id, user=user, actor=actor_of(user), now=utcnow())
    db.session.commit()
    return Response(notice.content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{notice.number}.pdf"', "Cache-Control": "private, no-store"})


@bp.post("/applications/<int:application_id>/assessment")
@api_permission(Action.ENTER_ASSESSMENT)
@api_route(summary="Enter (or replace) the joint record of a scheduled application as an on-site assessor; "
                   "the server grades it and the entry is your signature",
           body=AssessmentEntry, partial=True, responses={201: RecordOut}, errors=(404, 409))
def enter_assessment(application_id: int, body: Checked[AssessmentEntry]):
    user, now = api_user(), utcnow()
    app = get_scoped(db.session, user, Application, application_id)
    _check_entry(body, app, local_today(now))
    evaluation.enter_assessment(db.session, app.id, body.value.items, actor=actor_of(user), now=now,
                                notes=body.value.notes, expected_version=body.value.version)
    body = _record_response(app)
    db.session.commit()
    response = jsonify(body)
    response.headers["Location"] = url_for("api.get_application", application_id=app.id)
    return response, 201


@bp.post("/applications/<int:application_id>/assessment/cosign")
@api_permission(Action.ENTER_ASSESSMENT)
@api_route(summary="Co-sign the joint record as the other on-site assessor; with both signatures the "
                   "application is assessed", body=Cosignature, body_required=False, responses={200: RecordOut},
           errors=(404, 409))
def cosign_assessment(application_id: int, body: Cosignature | None):
    user = api_user()
    get_scoped(db.session, user, Application, application_id)
    app = evaluation.cosign(db.session, application_id, actor=actor_of(user), now=utcnow(),
                            expected_version=body.version if body else None)
    body = _record_response(app)
    db.session.commit()
    return jsonify(body)


@bp.post("/applications/<int:application_id>/recusal")
@api_permission(Action.ENTER_ASSESSMENT)
@api_route(summary="Make your own recusal declaration (回避声明) as an on-site assessor of the booked visit; "
                   "the joint record can be entered once both on-site assessors declared",
           body=RecusalDeclaration, responses={201: RecusalOut}, errors=(404, 409))
def declare_recusal(application_id: int, body: RecusalDeclaration):
    user = api_user()
    get_scoped(db.session, user, Application, application_id)
    row = recusal.declare(db.session, application_id, actor=actor_of(user), now=utcnow(), text=body.text,
                          expected_version=body.version)
    app = db.session.get(Application, application_id)
    out = {"application_id": app.id, "version": app.version, "user_id": row.user_id, "text": row.recusal_text,
           "declared_at": iso(row.declared_at)}
    db.session.commit()
    return jsonify(out), 201
