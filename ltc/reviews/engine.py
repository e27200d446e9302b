"""The review engine (SPEC §4.1): open a case, decide its current step, revise its subject.

A case follows the steps of its case type (policy data, frozen on the case at opening).
``approve`` moves to the next step or completes the case; ``return`` opens a new stage at
the earlier step the decider picks among those the definition allows (by default the nearest
one) and starts a new round; ``decline`` / ``reject`` end it. Only
the organisation owning the current step may decide, only a user holding one of the roles
the step names, and only a decision the step allows.
Every decision is a compare-and-set on ``ReviewCase.version``: of two users deciding at
once exactly one succeeds, the other gets a Conflict naming who changed the case and when.
Services flush, never commit.
"""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.calendar import add_working_days
from ltc.core.clock import local_today, to_local
from ltc.core.errors import Conflict, Forbidden, InvalidTransition, ValidationFailed
from ltc.policy.schema import parse_as, to_raw
from ltc.policy.services import policy_on
from ltc.reviews.definitions import (DECISION_LABELS, OTHER, ROLE_LABELS, CaseTypeDef, ReviewPolicy, StepDef,
                                     due_date)
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewParty, ReviewStage
from ltc.reviews.owners import owner_kind, resolve_owner
from ltc.reviews.registry import Check, LinkContext, subject_links, subject_type
from ltc.reviews.states import END_STATUS, CaseStatus, Decision, check_transition


#: set while a subject's own services decide a step of a subject type with ``own_decisions``
_SUBJECT_DECIDING: ContextVar[bool] = ContextVar("review_subject_deciding", default=False)
OWN_DECISIONS = "本案件的步骤须在业务页面（%(page)s）办理，审核案件页面不能直接作出决定"


@contextmanager
def through_subject() -> Iterator[None]:
    """Around the subject's own services deciding a step of its case (``SubjectType.own_decisions``)."""
    token = _SUBJECT_DECIDING.set(True)
    try:
        yield
    finally:
        _SUBJECT_DECIDING.reset(token)


def decided_elsewhere(case: ReviewCase) -> bool:
    """Whether the case's steps are decided only through its subject's own services (never here)."""
    return subject_type(case.subject_type).own_decisions


def _check_own_decisions(session: Session, case: ReviewCase) -> None:
    if decided_elsewhere(case) and not _SUBJECT_DECIDING.get():
        pages = [link.label for link in subject_links(session, case, LinkContext(case.step_code, None, False))]
        raise Forbidden(OWN_DECISIONS, {"decision": "decided on the subject's page"},
                        params={"page": pages[0] if pages else case.subject_type})


def definition(case: ReviewCase) -> CaseTypeDef:
    """The case type as frozen on the case."""
    return parse_as(CaseTypeDef, case.definition, "definition")


def current_step(case: ReviewCase) -> StepDef | None:
    return definition(case).step(case.step_code) if case.status == CaseStatus.OPEN and case.step_code else None


def current_stage(session: Session, case: ReviewCase) -> ReviewStage | None:
    return session.scalar(select(ReviewStage).where(ReviewStage.case_id == case.id, ReviewStage.left_at.is_(None))
                          .order_by(ReviewStage.id.desc()).limit(1))


def open_case(session: Session, *, case_type: str, subject_id: int, actor: Actor, now: datetime,
              note: str | None = None) -> ReviewCase:
    """Open a case of ``case_type`` (as defined by the policy in force today) on a subject.

    Every step must have an owner today (ValidationFailed otherwise); each step's owner is then
    resolved again when the step is entered (``_enter``). The case enters its first step. Raises
    Conflict when the subject already has an open case of that type.
    """
    today = local_today(now)
    policy = policy_on(session, today)
    try:
        ctype = policy.section(ReviewPolicy).case_type(case_type)
    except LookupError:
        raise ValidationFailed("%(day)s 的政策参数中没有审核类型 %(case_type)s", {"case_type": "unknown"},
                               params={"day": str(today), "case_type": case_type}) from None
    subject = subject_type(ctype.subject)
    existing = session.scalar(select(ReviewCase.id).where(
        ReviewCase.case_type == case_type, ReviewCase.subject_type == ctype.subject,
        ReviewCase.subject_id == subject_id, ReviewCase.status == CaseStatus.OPEN))
    if existing is not None:
        raise Conflict("该审核对象已有进行中的审核案件（%(existing)s）", {"subject": "open case exists"},
                       params={"existing": existing})
    parties = subject.parties(session, subject_id)
    owners = {step.code: resolve_owner(session, step.owner, parties, parties.business_day or today)
              for step in ctype.steps}
    case = ReviewCase(case_type=case_type, policy_version_id=policy.version_id, definition=to_raw(ctype),
                      subject_type=ctype.subject, subject_id=subject_id, person_id=parties.person_id,
                      title=subject.title(session, subject_id), status=CaseStatus.OPEN.value, round=1, owners=owners,
                      opened_on=today, opened_at=now, version=1)
    session.add(case)
    session.flush()
    for org_id in sorted(set(owners.values())):  # the expected owners see the case from its opening
        session.add(ReviewParty(case_id=case.id, org_id=org_id))
    session.flush()
    first = ctype.steps[0]
    _event(session, case, None, "opened", actor, now, text=note)
    _enter(session, case, first, today, now)
    audit.record(session, actor, "open", "review_case", case.id, now=now,
                 after={"case_type": case_type, "subject": f"{ctype.subject}:{subject_id}", "owners": owners})
    session.flush()
    return case


@dataclass(frozen=True)
class DecisionInput:
    decision: str
    reason_code: str | None = None
    reason_text: str | None = None
    expected_version: int | None = None
    #: for ``return``: the step to go back to (one the definition allows); None: the default one
    return_to: str | None = None


def decide(session: Session, case: ReviewCase, data: DecisionInput, *, actor: Actor, now: datetime) -> ReviewCase:
    """Record ``data.decision`` on the case's current step for the actor's organisation.

    Raises Conflict (changed meanwhile / closed), Forbidden (not this organisation's turn, or
    the user holds none of the roles the step names), ValidationFailed (decision not allowed
    here, reason missing or not one for this step and decision, ``OTHER`` or a return without
    text, a return target the step does not allow, precondition unmet).
    """
    today = local_today(now)
    _check_version(session, case, data.expected_version)
    ctype = definition(case)
    step = current_step(case)
    if step is None:
        raise InvalidTransition("该审核案件已结束", {"decision": "case closed"})
    _check_own_decisions(session, case)
    stage = current_stage(session, case)
    if stage is None or stage.owner_org_id != actor.org_id:
        raise Forbidden("当前步骤不由贵机构办理", {"decision": "not your step"})
    _check_roles(session, step, actor)
    _check_decision(ctype, step, data)
    target = _return_target(ctype, step, data)
    if data.decision == Decision.APPROVE and step.precondition:
        problem = subject_type(case.subject_type).preconditions[step.precondition](session, case, today)
        if problem:
            raise ValidationFailed(problem, {"decision": problem})
    checks = step_checks(session, case, step.code, today)
    _claim(session, case, data.expected_version)

    stage.left_at, stage.left_on, stage.decision = now, today, data.decision
    _event(session, case, stage, data.decision, actor, now, code=data.reason_code, text=data.reason_text,
           snapshot={"checks": [c.as_dict() for c in checks], "due_on": stage.due_on.isoformat(),
                     "overdue": stage.overdue(today)} | ({"return_to": target.code} if target else {}))
    before = {"status": case.status, "step": case.step_code, "round": case.round}
    if data.decision == Decision.APPROVE:
        following = ctype.steps[ctype.index(step.code) + 1:]
        if following:
            _enter(session, case, following[0], today, now)
        else:
            _close(session, case, CaseStatus.COMPLETED, now)
            hook = subject_type(case.subject_type).on_complete
            if hook:
                hook(session, case, actor=actor, now=now)
    elif data.decision == Decision.RETURN:
        case.round += 1
        _enter(session, case, target, today, now)
    else:
        _close(session, case, END_STATUS[data.decision], now, reason=data.reason_text or data.reason_code)
        hook = subject_type(case.subject_type).on_end
        if hook:
            hook(session, case, actor=actor, now=now)
    audit.record(session, actor, data.decision, "review_case", case.id, now=now, before=before,
                 after={"status": case.status, "step": case.step_code, "round": case.round,
                        "reason": data.reason_code})
    session.flush()
    return case


def revise_subject(session: Session, case: ReviewCase, *, actor: Actor, now: datetime, note: str) -> None:
    """The subject changed (e.g. a new care-plan version): later events concern the new revision."""
    if case.status != CaseStatus.OPEN:
        return
    case.subject_revision += 1
    _event(session, case, current_stage(session, case), "revised", actor, now, text=note)
    session.flush()


def cancel_case(session: Session, case: ReviewCase, *, reason: str, actor: Actor, now: datetime,
                code: str | None = None) -> None:
    """End an open case without a decision (e.g. the person died), keeping its trail; ``code``
    (e.g. ``DEATH``) is recorded on the event so that the cause can be found again."""
    if case.status != CaseStatus.OPEN:
        return
    case.version += 1
    stage = current_stage(session, case)
    if stage is not None:
        stage.left_at, stage.left_on = now, local_today(now)
    _event(session, case, stage, "cancelled", actor, now, code=code, text=reason)
    _close(session, case, "cancelled", now, reason=reason)
    hook = subject_type(case.subject_type).on_end
    if hook:
        hook(session, case, actor=actor, now=now)
    audit.record(session, actor, "cancel", "review_case", case.id, now=now, after={"reason": reason})
    session.flush()


def cancel_open_cases_of_person(session: Session, person_id: int, *, reason: str, actor: Actor,
                                now: datetime, code: str | None = None) -> int:
    cases = session.scalars(select(ReviewCase).where(ReviewCase.person_id == person_id,
                                                     ReviewCase.status == CaseStatus.OPEN)).all()
    for case in cases:
        cancel_case(session, case, reason=reason, actor=actor, now=now, code=code)
    return len(cases)


def cancelled_with_code(session: Session, person_id: int, code: str) -> list[ReviewCase]:
    """The person's cancelled cases whose cancellation carried ``code``, oldest first."""
    return list(session.scalars(select(ReviewCase).where(
        ReviewCase.person_id == person_id, ReviewCase.status == CaseStatus.CANCELLED,
        ReviewCase.id.in_(select(ReviewEvent.case_id).where(ReviewEvent.action == "cancelled",
                                                            ReviewEvent.reason_code == code)))
        .order_by(ReviewCase.id)))


def step_checks(session: Session, case: ReviewCase, step_code: str, day: date) -> list[Check]:
    fn = subject_type(case.subject_type).checks
    return fn(session, case, step_code, day) if fn else []


def subject_period_end(session: Session, case: ReviewCase) -> date | None:
    """The end of the period the case's subject concerns (None when its type has no period)."""
    fn = subject_type(case.subject_type).period_end
    return fn(session, case.subject_id) if fn else None


def mark_overdue(session: Session, *, today: date) -> int:
    """Mark the open stages past their due date (SPEC §9, daily 06:00). Idempotent."""
    result = session.execute(update(ReviewStage).where(
        ReviewStage.left_at.is_(None), ReviewStage.due_on < today, ReviewStage.overdue_marked_on.is_(None),
    ).values(overdue_marked_on=today).execution_options(synchronize_session=False))
    return result.rowcount or 0


def may_decide(session: Session, case: ReviewCase, user: User) -> bool:
    """Whether ``user`` may decide the case's current step now: its organisation owns the open
    stage and the user holds one of the roles the step names (what ``decide`` checks first)."""
    step = current_step(case)
    stage = current_stage(session, case) if step else None
    return bool(stage and stage.owner_org_id == user.org_id and step.may_decide(user.roles))


# --- internals -------------------------------------------------------------------------

def _check_roles(session: Session, step: StepDef, actor: Actor) -> None:
    """The user behind ``actor`` must hold one of the step's roles. An actor that is no user
    (the system, an organisation acting as a whole) is checked by its organisation alone."""
    if actor.user_id is None:
        return
    user = session.get(User, actor.user_id)
    if user is None or not step.may_decide(user.roles):
        names = "、".join(ROLE_LABELS.get(r, r) for r in step.roles)
        raise Forbidden("本步骤须由%(roles)s办理", {"decision": "role not allowed"}, params={"roles": names})


def _check_decision(ctype: CaseTypeDef, step: StepDef, data: DecisionInput) -> None:
    label = DECISION_LABELS.get(data.decision, data.decision)
    if data.decision not in step.decisions:
        raise ValidationFailed("本步骤不能作出“%(decision)s”决定（可选：%(allowed)s）", {"decision": "not allowed"},
                               params={"decision": label, "allowed": [DECISION_LABELS[d] for d in step.decisions]})
    if data.decision == Decision.APPROVE:
        return
    codes = {r.code for r in ctype.reasons_for(step.code, data.decision)}
    if not data.reason_code:
        raise ValidationFailed("“%(decision)s”须选择原因", {"reason_code": "required"}, params={"decision": label})
    if data.reason_code not in codes:
        raise ValidationFailed("所选原因不适用于本步骤的“%(decision)s”决定", {"reason_code": "unknown"},
                               params={"decision": label})
    if not (data.reason_text or "").strip():
        if data.decision == Decision.RETURN:
            raise ValidationFailed("退回须写明具体原因", {"reason_text": "required"})
        if data.reason_code == OTHER:
            raise ValidationFailed("原因为“其他”时须写明具体原因", {"reason_text": "required"})
    if data.reason_text and len(data.reason_text) > 1000:
        raise ValidationFailed("说明不超过1000字", {"reason_text": "at most 1000 characters"})


def _return_target(ctype: CaseTypeDef, step: StepDef, data: DecisionInput) -> StepDef | None:
    """The step a return goes to: the one asked for, when the definition allows it, else the
    default (None for any other decision)."""
    if data.decision != Decision.RETURN:
        return None
    targets = ctype.return_targets(step.code)
    wanted = data.return_to or ctype.default_return(step.code)
    for target in targets:
        if target.code == wanted:
            return target
    labels = {s.code: s.label for s in ctype.steps}
    raise ValidationFailed("本步骤不能退回至“%(step)s”（可退回至：%(allowed)s）", {"return_to": "not allowed"},
                           params={"step": labels.get(wanted, wanted), "allowed": [t.label for t in targets]})


def _check_version(session: Session, case: ReviewCase, expected: int | None) -> None:
    """Before any other check: lock the case row (PostgreSQL; SQLite's writer holds the file),
    re-read it, and raise the Conflict naming the last change when it is no longer the version
    the decider saw. Otherwise the loser of a race would be told that the step (which moved on
    meanwhile) is not theirs, or that the case has ended."""
    session.scalar(select(ReviewCase).where(ReviewCase.id == case.id).with_for_update()
                   .execution_options(populate_existing=True))
    if expected is not None and case.version != expected:
        raise _stale(session, case)


def _claim(session: Session, case: ReviewCase, expected: int | None) -> None:
    """Compare-and-set the case version; Conflict naming the last change when it moved."""
    expected = case.version if expected is None else expected
    result = session.execute(update(ReviewCase).where(ReviewCase.id == case.id, ReviewCase.version == expected)
                             .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        session.expire(case)
        raise _stale(session, case)
    session.expire(case, ["version"])


def _owner_on_entry(session: Session, case: ReviewCase, step: StepDef, today: date) -> int:
    """The step's owner resolved on entry (SPEC §1): from the subject's business date (e.g. a
    settlement's service month), else the entry date, so a re-tender moves the steps entered from
    its date while a stage entered before stays with its owner until decided. The owner becomes
    a party of the case (which keeps the case in its scope) and the case's current owner of the step."""
    parties = subject_type(case.subject_type).parties(session, case.subject_id)
    owner = resolve_owner(session, step.owner, parties, parties.business_day or today)
    if case.owners.get(step.code) != owner:
        case.owners = {**case.owners, step.code: owner}
    if session.scalar(select(ReviewParty.id).where(ReviewParty.case_id == case.id,
                                                   ReviewParty.org_id == owner)) is None:
        session.add(ReviewParty(case_id=case.id, org_id=owner))
    return owner


def _stale(session: Session, case: ReviewCase) -> Conflict:
    last = session.scalar(select(ReviewEvent).where(ReviewEvent.case_id == case.id)
                          .order_by(ReviewEvent.id.desc()).limit(1))
    who, when = (last.actor_label, to_local(last.at).strftime("%Y-%m-%d %H:%M")) if last else ("?", "?")
    return Conflict("此案件已被 %(who)s 于 %(when)s 修改，请刷新后重试", {"version": "stale"},
                    params={"who": who, "when": when})


def _enter(session: Session, case: ReviewCase, step: StepDef, today: date, now: datetime) -> ReviewStage:
    owner = _owner_on_entry(session, case, step, today)
    case.step_code = step.code
    due_on = due_date(step.sla, today, lambda d, n: add_working_days(session, d, n),
                      period_end=subject_period_end(session, case))
    stage = ReviewStage(case_id=case.id, step_code=step.code, round=case.round, owner_kind=owner_kind(step.owner),
                        owner_org_id=owner, roles=" ".join(step.roles),
                        entered_on=today, entered_at=now, due_on=due_on)
    session.add(stage)
    session.flush()
    return stage


def _close(session: Session, case: ReviewCase, status: CaseStatus, now: datetime, *,
           reason: str | None = None) -> None:
    """End the open case with ``status``. Raises InvalidTransition when it has already ended."""
    case.status = check_transition(case.status, status).value
    case.step_code, case.closed_at, case.close_reason = None, now, reason


def _event(session: Session, case: ReviewCase, stage: ReviewStage | None, action: str, actor: Actor,
           now: datetime, *, code: str | None = None, text: str | None = None,
           snapshot: dict | None = None) -> ReviewEvent:
    event = ReviewEvent(case_id=case.id, stage_id=stage.id if stage else None, round=case.round,
                        step_code=stage.step_code if stage else case.step_code,
                        subject_revision=case.subject_revision, action=action, reason_code=code,
                        reason_text=(text or None), user_id=actor.user_id, org_id=actor.org_id,
                        actor_label=actor.label, at=now, snapshot=snapshot)
    session.add(event)
    session.flush()
    return event
