"""Accepting or refusing a submitted application (SPEC §3.1), by an insurer operator.

``acceptance_problems`` lists the refusal codes the facts call for; ``accept`` refuses to
accept while there is any (the operator then refuses with one of them). Acceptance starts
the conclusion SLA; both decisions issue their notice (ACC / RFS).
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.services.due_dates import conclusion_due_on
from ltc.assessment.applications.services.lookups import last_conclusion, open_applications
from ltc.assessment.applications.services.notifying import notify
from ltc.assessment.applications.states import IN_PROCESS, REFUSAL_LABELS, Kind, RefusalCode, Status, check_transition
from ltc.assessment.applications.services.transitions import (acting_user, assessment_policy, check_version, load,
                                                              move, require)
from ltc.auth.permissions import Action
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, ValidationFailed
from ltc.core.months import add_months
from ltc.people.models import PersonStatus
from ltc.people.services import status_on

R = RefusalCode


class CannotAccept(Conflict):
    """The facts call for a refusal; ``codes`` are the refusal codes that apply."""

    def __init__(self, problems: list[tuple[RefusalCode, str]]):
        self.codes = [code for code, _ in problems]
        super().__init__("不能受理：" + "；".join(text for _, text in problems),
                         {"refusal_code": ", ".join(self.codes)})


def acceptance_problems(session: Session, app: Application, today: date) -> list[tuple[RefusalCode, str]]:
    """The refusal codes that apply to ``app`` on ``today``, each with an explanation."""
    problems: list[tuple[RefusalCode, str]] = []
    if app.self_assessment is not None and not app.self_assessment.acceptable and app.kind != Kind.REASSESSMENT:
        problems.append((R.SELF_ASSESSMENT_BELOW_E, f"自评结果为 {app.self_assessment.grade} 级，E 级以上方可受理"))
    status = status_on(session, app.person_id, today)
    if status != PersonStatus.ACTIVE:
        problems.append((R.NOT_INSURED, f"{today.isoformat()} 参保状态为“{status or '无'}”"))
    others = [a for a in open_applications(session, app.person_id, other_than=app.id)
              if a.status in IN_PROCESS and a.kind != Kind.REVIEW]
    if others:
        problems.append((R.IN_PROGRESS, f"申请 {others[0].number} 正在办理中"))
    previous = last_conclusion(session, app.person_id)
    if previous is not None and app.kind != Kind.REASSESSMENT:
        months = assessment_policy(session, today).min_months_between_assessments
        made = previous.valid_from   # the conclusion date; for a 复评, its confirmation date (SPEC §3.1)
        if today < add_months(made, months):
            problems.append((R.TOO_SOON, f"上次评估结论作出于 {made.isoformat()}，未满 {months} 个月"))
    if app.kind == Kind.INITIAL and not app.declared_disability_6m:
        problems.append((R.CONDITIONS_NOT_MET, "未声明经规范治疗后失能状态已持续 6 个月以上"))
    return problems


def _handler(session: Session, application_id: int, actor: Actor, expected_version: int | None):
    user = acting_user(session, actor)
    require(user, Action.HANDLE_APPLICATION, "只有商保公司经办人员可以受理申请")
    app = load(session, application_id, user)
    check_version(session, app, expected_version)
    return app


def accept(session: Session, application_id: int, *, actor: Actor, now: datetime,
           expected_version: int | None = None) -> Application:
    """Accept a submitted application: ``accepted``, conclusion due ``conclusion_sla_working_days``
    working days after today (policy in force today), acceptance notice issued.

    A reassessment (opened by the system or ordered by the insurer) has no self-assessment and
    skips its gate (SPEC §3.1). Raises Forbidden, NotFound, Conflict (stale page), InvalidTransition,
    ValidationFailed (no self-assessment recorded on an application filed by or for a person) and
    CannotAccept listing the refusal codes that apply."""
    app = _handler(session, application_id, actor, expected_version)
    check_transition(app.status, Status.ACCEPTED)
    today = local_today(now)
    if app.self_assessment is None and app.kind != Kind.REASSESSMENT:
        raise ValidationFailed("请先录入自评表", {"self_assessment": "required"})
    if problems := acceptance_problems(session, app, today):
        raise CannotAccept(problems)
    app.accepted_on = today
    app.conclusion_due_on = conclusion_due_on(session, today)
    move(session, app, Status.ACCEPTED, action="accept", actor=actor, now=now,
         data={"accepted_on": today, "conclusion_due_on": app.conclusion_due_on})
    notify(session, app, "ACC", actor=actor, now=now)
    return app


def refuse(session: Session, application_id: int, *, actor: Actor, now: datetime, code: str,
           text: str | None = None, expected_version: int | None = None) -> Application:
    """Refuse a submitted application with one of the refusal codes (``other`` needs a text);
    the refusal notice carries the code's wording. Raises Forbidden, NotFound, Conflict,
    InvalidTransition and ValidationFailed (unknown code, missing or too long text)."""
    app = _handler(session, application_id, actor, expected_version)
    check_transition(app.status, Status.REFUSED)
    if code not in set(RefusalCode):
        raise ValidationFailed("不予受理原因无效", {"code": "unknown refusal code"})
    text = (text or "").strip() or None
    if code == R.OTHER and text is None:
        raise ValidationFailed("“其他原因”须填写说明", {"text": "required for other"})
    if text is not None and len(text) > 500:
        raise ValidationFailed("说明不能超过 500 个字符", {"text": "at most 500 characters"})
    app.refusal_code, app.refusal_text = code, text
    move(session, app, Status.REFUSED, action="refuse", actor=actor, now=now,
         reason=text or REFUSAL_LABELS[RefusalCode(code)], data={"refusal_code": code})
    notify(session, app, "RFS", actor=actor, now=now)
    return app
