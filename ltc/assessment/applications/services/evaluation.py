"""The on-site assessment and its confirmation (SPEC §3.1, §3.2).

Once both on-site assessors have made their recusal declaration (``recusal``), one of them
enters the joint record (17 items, graded by the server
with the ruleset in force on the visit date; entering signs it); the other co-signs, and
with both signatures the application is ``assessed``. Entering again before both signed
replaces the record and clears the signatures. Then two distinct experts of the agency —
certificate valid on the day, at least one of them not on site — confirm it; with the
second confirmation the application is ``confirmed`` and goes on to publicity or conclusion.
"""
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.scale import scale
from ltc.assessment.applications.models import Application, Assessment, AssessmentSignature, Confirmation
from ltc.assessment.applications.services.conclusion import after_confirmation
from ltc.assessment.experts.services import is_expert
from ltc.assessment.scale.services import ruleset_in_force
from ltc.assessment.applications.services.recusal import check_declared
from ltc.assessment.applications.services.scheduling import current_visit, on_site_ids
from ltc.assessment.applications.states import STATUS_LABELS, VISIT_BOOKED, Status, check_transition
from ltc.assessment.applications.services.transitions import agency_staff, move, record_event, touch
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed

CONFIRMATIONS = 2
GRADING_FIELDS = ("adl_total", "cognition_total", "perception_total", "adl_grade", "cognition_grade",
                  "perception_grade", "cp_grade", "level")


def _assessor(session: Session, actor: Actor, application_id: int,
              expected_version: int | None) -> tuple[User, Application]:
    return agency_staff(session, actor, application_id, expected_version, action=Action.ENTER_ASSESSMENT,
                        messages=("只有评估机构的评估员可以录入、签名和确认评估", "只有受派评估机构的评估员可以办理"))


def _check_visit(app: Application, user: User, on_site: list[int], today) -> None:
    if app.status not in VISIT_BOOKED:
        raise InvalidTransition("申请状态为%(status)s，不能录入或签名评估记录", {"status": app.status},
                                params={"status": STATUS_LABELS.get(app.status, app.status)})
    if user.id not in on_site:
        raise Forbidden("只有本次上门的评估人员可以录入和签名评估记录")
    if today < app.visit_on:
        raise ValidationFailed("上门评估日期为 %(visit_on)s，当日起方可录入",
                               {"visit_on": "in the future"}, params={"visit_on": app.visit_on.isoformat()})


def joint_record(session: Session, app: Application) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.application_id == app.id))


def enter_assessment(session: Session, application_id: int, items: Mapping, *, actor: Actor, now: datetime,
                     notes: str | None = None, expected_version: int | None = None) -> Assessment:
    """Enter (or replace) the joint record; the server's grading is stored and the entering
    assessor has signed it. Raises Forbidden (not on site), NotFound, Conflict,
    InvalidTransition, ValidationFailed (items named, visit date ahead) and NoRulesetInForce."""
    user, app = _assessor(session, actor, application_id, expected_version)
    today = local_today(now)
    _check_visit(app, user, on_site_ids(session, app), today)
    check_declared(session, app)
    grading = scale.grade(ruleset_in_force(session, app.visit_on), items)
    visit = current_visit(session, app)
    record = joint_record(session, app)
    replaced = record is not None
    if record is None:
        record = Assessment(application_id=app.id)
    else:
        record.signatures.clear()
        session.flush()
    record.visit_id, record.ruleset_id, record.items = visit.id, grading.ruleset_id, dict(items)
    for name in GRADING_FIELDS:
        setattr(record, name, getattr(grading, name))
    record.assessed_on, record.entered_by, record.entered_at = app.visit_on, user.id, now
    record.notes = (notes or "").strip() or None
    session.add(record)
    session.flush()
    record.signatures.append(AssessmentSignature(user_id=user.id, signed_at=now))
    touch(app)
    session.flush()
    record_event(session, app, from_status=app.status, action="reenter_assessment" if replaced else "enter_assessment",
                 actor=actor, now=now, data=grading.as_dict())
    session.flush()
    return record


def cosign(session: Session, application_id: int, *, actor: Actor, now: datetime,
           expected_version: int | None = None) -> Application:
    """Co-sign the joint record; once every on-site assessor signed, the application is
    ``assessed``. Raises Forbidden, NotFound, Conflict (no record, already signed), InvalidTransition."""
    user, app = _assessor(session, actor, application_id, expected_version)
    on_site = on_site_ids(session, app)
    _check_visit(app, user, on_site, local_today(now))
    record = joint_record(session, app)
    if record is None:
        raise Conflict("评估记录尚未录入", {"assessment": "missing"})
    if user.id in {s.user_id for s in record.signatures}:
        raise Conflict("您已签名该评估记录", {"assessment": "already signed"})
    record.signatures.append(AssessmentSignature(user_id=user.id, signed_at=now))
    session.flush()
    if {s.user_id for s in record.signatures} >= set(on_site):
        move(session, app, Status.ASSESSED, action="cosign", actor=actor, now=now,
             data={"level": record.level, "ruleset": record.ruleset_id})
    else:
        touch(app)
        record_event(session, app, from_status=app.status, action="sign", actor=actor, now=now)
        session.flush()
    return app


def confirm(session: Session, application_id: int, *, actor: Actor, now: datetime,
            expected_version: int | None = None) -> Application:
    """One expert's confirmation. The second distinct expert makes the application
    ``confirmed`` with the record's level, and then ``publicized`` or ``concluded``.

    Raises Forbidden (not an expert of the agency on the day, or both confirmers on site),
    Conflict (already confirmed by this expert), NotFound and InvalidTransition."""
    user, app = _assessor(session, actor, application_id, expected_version)
    check_transition(app.status, Status.CONFIRMED)
    today = local_today(now)
    if not is_expert(session, user.id, today):
        raise Forbidden("%(day)s 您不是持有有效证书的评估专家，不能确认评估结论", params={"day": today.isoformat()})
    earlier = list(session.scalars(select(Confirmation).where(Confirmation.application_id == app.id)))
    if user.id in {c.user_id for c in earlier}:
        raise Conflict("同一专家不能重复确认", {"confirmation": "already confirmed"})
    on_site = user.id in on_site_ids(session, app)
    if on_site and any(c.on_site for c in earlier):
        raise Forbidden("两名确认专家中至少一名须未参与现场评估")
    session.add(Confirmation(application_id=app.id, user_id=user.id, on_site=on_site, at=now))
    session.flush()
    if len(earlier) + 1 < CONFIRMATIONS:
        touch(app)
        record_event(session, app, from_status=app.status, action="confirm_first", actor=actor, now=now,
                     data={"on_site": on_site})
        session.flush()
        return app
    record = joint_record(session, app)
    app.level, app.confirmed_on = record.level, today
    move(session, app, Status.CONFIRMED, action="confirm", actor=actor, now=now,
         data={"level": record.level, "experts": [c.user_id for c in earlier] + [user.id]})
    after_confirmation(session, app, actor=actor, now=now)
    return app
