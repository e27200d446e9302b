"""What a reviewer sees, for the pages and the API alike: inbox rows, the case page (its steps,
the checks of the current step, the trail by round, whether the user may decide) and the
home-page work list of the organisation's waiting cases."""
from dataclasses import dataclass, field
from datetime import date

from flask import url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.web.worklists import WorkList
from ltc.orgs.models import Organisation
from ltc.reviews import engine
from ltc.reviews.definitions import DECISION_LABELS, CaseTypeDef, ReviewPolicy, StepDef
from ltc.reviews.models import ReviewCase, ReviewEvent, ReviewStage
from ltc.reviews.owners import owner_kind
from ltc.reviews.queries import Round, inbox, inbox_counts, returns_leading_to, trail
from ltc.reviews.registry import Check
from ltc.reviews.states import STATUS_LABELS, CaseStatus

ACTION_LABELS = {**DECISION_LABELS, "opened": "发起审核", "revised": "审核对象已修改", "cancelled": "撤销"}
OWNER_KIND_LABELS = {"mia": "医保经办机构", "insurer": "商保公司", "agency": "评估机构", "provider": "护理机构"}
WORKLIST_ROWS = 5


def case_type_labels(session: Session, today: date) -> dict[str, str]:
    """Code → label of the case types in the policy in force today."""
    from ltc.policy.services import policy_on
    return {c.code: c.label for c in policy_on(session, today).section(ReviewPolicy).case_types}


def decides_reviews(session: Session, user: User, today: date) -> bool:
    """Whether ``user`` may decide some step of a case type in force today: a step its kind of
    organisation owns that names one of its roles (REF: reviewers). Gates the inbox; without
    a policy in force nobody decides."""
    from ltc.policy.services import NoPolicyInForce, policy_on
    try:
        case_types = policy_on(session, today).section(ReviewPolicy).case_types
    except NoPolicyInForce:
        return False
    return any(owner_kind(step.owner) == user.org_kind and step.may_decide(user.roles)
               for ctype in case_types for step in ctype.steps)


def org_names(session: Session, ids) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))).all())


def step_label(case: ReviewCase, code: str | None) -> str:
    for step in case.definition.get("steps", []):
        if step["code"] == code:
            return step["label"]
    return code or ""


def inbox_row(stage: ReviewStage, case: ReviewCase, names: dict[int, str], today: date) -> dict:
    return {"id": case.id, "title": case.title, "case_type": case.definition.get("label", case.case_type),
            "step": step_label(case, stage.step_code), "round": case.round, "entered_on": stage.entered_on,
            "due_on": stage.due_on, "overdue": stage.overdue(today), "owner": names.get(stage.owner_org_id, ""),
            "version": case.version}


def inbox_rows(session: Session, page_items, today: date) -> list[dict]:
    names = org_names(session, [s.owner_org_id for s, _ in page_items])
    return [inbox_row(s, c, names, today) for s, c in page_items]


def marked_returned(session: Session, page_items, rows: list[dict]) -> list[dict]:
    """``rows`` (of ``page_items``) with ``returned``: whether the case is in a round a return started."""
    returned = returns_leading_to(session, [c for _, c in page_items])
    return [{**row, "returned": row["id"] in returned} for row in rows]


def case_row(case: ReviewCase, stage: ReviewStage | None, names: dict[int, str], today: date) -> dict:
    """A row of the all-cases list (``stage``: the open one, if any)."""
    return {"id": case.id, "title": case.title, "case_type": case.definition.get("label", case.case_type),
            "status": case.status, "status_label": STATUS_LABELS.get(case.status, case.status),
            "step": step_label(case, case.step_code), "round": case.round,
            "owner": names.get(stage.owner_org_id, "") if stage else "",
            "due_on": stage.due_on if stage else None, "overdue": bool(stage and stage.overdue(today)),
            "opened_on": case.opened_on}


def case_rows(session: Session, cases: list[ReviewCase], today: date) -> list[dict]:
    ids = [c.id for c in cases]
    stages = {s.case_id: s for s in session.scalars(select(ReviewStage).where(
        ReviewStage.case_id.in_(ids), ReviewStage.left_at.is_(None)))} if ids else {}
    names = org_names(session, [s.owner_org_id for s in stages.values()])
    return [case_row(c, stages.get(c.id), names, today) for c in cases]


# --- the case page -------------------------------------------------------------------------

@dataclass
class StepView:
    step: StepDef
    owner_kind: str
    owner_org_id: int | None
    owner: str
    state: str  # done | current | todo


@dataclass
class CasePage:
    case: ReviewCase
    ctype: CaseTypeDef
    steps: list[StepView]
    step: StepDef | None
    stage: ReviewStage | None
    owner: str
    checks: list[Check]
    rounds: list[Round]
    names: dict[int, str]
    users: dict[int, str]
    today: date
    can_decide: bool
    status_label: str
    reasons: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (code, label, its decisions here)
    #: (code, label) of the steps a return from the current step may go to, and the default one
    return_targets: list[tuple[str, str]] = field(default_factory=list)
    return_default: str | None = None
    #: the return that started the current round of an open case, if it was returned
    returned: ReviewEvent | None = None
    #: the subject's steps are decided on its own pages (its links), never on the case page
    decided_elsewhere: bool = False


def _steps(case: ReviewCase, ctype: CaseTypeDef, names: dict[int, str]) -> list[StepView]:
    views, state = [], "done" if case.status == CaseStatus.COMPLETED else "todo"
    position = ctype.index(case.step_code) if case.step_code else None
    for i, step in enumerate(ctype.steps):
        owner_id = case.owners.get(step.code)
        if position is not None:
            state = "done" if i < position else "current" if i == position else "todo"
        views.append(StepView(step, owner_kind(step.owner), owner_id, names.get(owner_id, ""), state))
    return views


def reason_choices(ctype: CaseTypeDef, step: StepDef | None) -> list[tuple[str, str, list[str]]]:
    """The reasons offered on ``step`` (none once the case is closed) as (code, label msgid, the
    msgids of the decisions of that step it may justify)."""
    if step is None:
        return []
    return [(r.code, r.label, [DECISION_LABELS[d] for d in step.decisions if r.applies(step.code, d)])
            for r in ctype.reasons_at(step.code)]


def case_page(session: Session, case: ReviewCase, user: User, today: date) -> CasePage:
    """Everything the case page and the API show of ``case`` to ``user`` on ``today``."""
    ctype = engine.definition(case)
    step = engine.current_step(case)
    stage = engine.current_stage(session, case) if step else None
    rounds = trail(session, case)
    events = [e for r in rounds for e in r.events]
    names = org_names(session, list(case.owners.values()) + [e.org_id for e in events]
                      + [s.owner_org_id for r in rounds for s in r.stages])
    user_ids = {e.user_id for e in events if e.user_id}
    users = dict(session.execute(select(User.id, User.full_name).where(User.id.in_(user_ids))).all()) if user_ids \
        else {}
    checks = engine.step_checks(session, case, step.code, today) if step else []
    return CasePage(case=case, ctype=ctype, steps=_steps(case, ctype, names), step=step, stage=stage,
                    owner=names.get(stage.owner_org_id, "") if stage else "", checks=checks, rounds=rounds,
                    names=names, users=users, today=today, decided_elsewhere=engine.decided_elsewhere(case),
                    can_decide=engine.may_decide(session, case, user) and not engine.decided_elsewhere(case),
                    status_label=STATUS_LABELS.get(case.status, case.status), reasons=reason_choices(ctype, step),
                    return_targets=[(s.code, s.label) for s in ctype.return_targets(step.code)] if step else [],
                    return_default=ctype.default_return(step.code) if step else None,
                    returned=returns_leading_to(session, [case]).get(case.id))


def event_who(page: CasePage, event: ReviewEvent) -> str | None:
    """The deciding user's name; None for the system (shown in words by the page)."""
    return page.users.get(event.user_id) or (None if event.user_id is None else event.actor_label)


def reason_label(ctype: CaseTypeDef, code: str | None) -> str:
    return ctype.reason_label(code)


# --- the home page -------------------------------------------------------------------------

def review_inbox(session: Session, user, today: date) -> WorkList | None:
    """Deciders: how many cases wait for their organisation, how many are overdue, the first ones."""
    if not decides_reviews(session, user, today):
        return None
    counts = inbox_counts(session, user.org_id, today, roles=user.roles)
    page = inbox(session, user.org_id, today, per_page=WORKLIST_ROWS, roles=user.roles)
    late = gettext("已超期")
    rows = [{**row, "due": f"{row['due_on']}（{late}）" if row["overdue"] else str(row["due_on"]),
             "url": url_for("reviews.case_detail", case_id=row["id"])}
            for row in inbox_rows(session, page.items, today)]
    return WorkList(title="待审核案件", rows=rows, overdue=counts.overdue,
                    columns=[("title", "审核案件"), ("step", "步骤"), ("due", "办理期限")],
                    total=counts.waiting, link=url_for("reviews.inbox"), empty_text="暂无待审核案件")


def pending_reviews(session: Session, user, today: date) -> int:
    """The menu badge of 待审核案件: the steps waiting for the user's organisation and role."""
    if not decides_reviews(session, user, today):
        return 0
    return inbox_counts(session, user.org_id, today, roles=user.roles).waiting
