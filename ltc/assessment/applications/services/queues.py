"""Work queues of the assessment workflow (SPEC §3.1): which applications wait for whom.

Each queue is a named filter over applications, visible to some roles; ``queue_select``
turns it into one SELECT restricted by the Application scope rule (``ltc.auth.scope.scoped``),
with the running due date and its SLA state computed in SQL (so a queue can be filtered on
"overdue" and paginated by the database):

- the due date is the acceptance deadline while ``submitted``, the conclusion deadline from
  acceptance to the conclusion unless a 复评 pauses it, else none (as ``deadlines.due_on``);
- ``overdue`` from the day after the due date (SPEC §0.1), ``due_soon`` when it falls within
  ``SOON_WORKING_DAYS`` working days of today, else ``ok``.

``workload_select`` aggregates an agency's assessors' visits in one statement.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, literal, select
from sqlalchemy.orm import Session, aliased

from ltc.assessment.applications.models import (Application, Assessment, AssessmentAssessor, AssessmentSignature,
                                               AssessmentVisit, Confirmation, SelfAssessment)
from ltc.assessment.applications.deadlines import due_on
from ltc.assessment.applications.numbers import application_id_of
from ltc.assessment.experts.services import expert_ids
from ltc.assessment.applications.states import TERMINAL, VISIT_BOOKED, Status
from ltc.auth.models import User, UserRole
from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.core.calendar import add_working_days
from ltc.core.errors import Forbidden, NotFound
from ltc.core.months import month_bounds
from ltc.orgs.models import Organisation
from ltc.people.finding import person_matches
from ltc.people.models import InsuredPerson

OK, DUE_SOON, OVERDUE = "ok", "due_soon", "overdue"
SLA_LABELS = {OK: "正常", DUE_SOON: "即将到期", OVERDUE: "已超期"}
SOON_WORKING_DAYS = 2
S = Status


@dataclass(frozen=True)
class QueueContext:
    """What a queue needs to know about the viewer and the day (computed once per request)."""

    user: User
    today: date
    #: the last day that still counts as "due soon"
    soon_until: date
    #: the viewer holds a valid expert certificate today
    is_expert: bool = False


def queue_context(session: Session, user: User, today: date) -> QueueContext:
    return QueueContext(user=user, today=today, soon_until=add_working_days(session, today, SOON_WORKING_DAYS),
                        is_expert=bool(expert_ids(session, [user.id], today)) if "assessor" in user.roles else False)


def sla_state(due: date | None, ctx: QueueContext) -> str:
    """The SLA state of a due date (the Python twin of ``sla_expression``)."""
    if due is None:
        return OK
    if due < ctx.today:
        return OVERDUE
    return DUE_SOON if due <= ctx.soon_until else OK


# --- SQL expressions -------------------------------------------------------------------------

def _values(statuses) -> list[str]:
    return [Status(s).value for s in statuses]


def _clock_statuses() -> tuple[list[str], list[str]]:
    """The statuses in which ``deadlines.due_on`` runs the acceptance and the conclusion clock
    (asked of ``due_on`` itself, so the SQL below cannot drift from it)."""
    acceptance, conclusion = [], []
    for status in Status:
        probe = SimpleNamespace(status=status.value, acceptance_due_on=date.min, conclusion_due_on=date.max,
                                paused_since=None)
        due = due_on(probe)
        if due == date.min:
            acceptance.append(status.value)
        elif due == date.max:
            conclusion.append(status.value)
    return acceptance, conclusion


ACCEPTANCE_CLOCK, CONCLUSION_CLOCK = _clock_statuses()


def due_expression() -> ColumnElement:
    """The running due date of an application, as ``deadlines.due_on`` computes it."""
    return case(
        (Application.status.in_(ACCEPTANCE_CLOCK), Application.acceptance_due_on),
        (and_(Application.status.in_(CONCLUSION_CLOCK), Application.paused_since.is_(None)),
         Application.conclusion_due_on),
        else_=None)


def sla_expression(ctx: QueueContext) -> ColumnElement:
    due = due_expression()
    return case((due < ctx.today, literal(OVERDUE)), (due <= ctx.soon_until, literal(DUE_SOON)), else_=literal(OK))


def _current_visit_has(user_id: int) -> ColumnElement[bool]:
    """The application's current (not superseded) visit sends ``user_id`` on site."""
    return exists(select(AssessmentAssessor.id).join(AssessmentVisit, AssessmentVisit.id == AssessmentAssessor.visit_id)
                  .where(AssessmentVisit.application_id == Application.id, AssessmentVisit.superseded_at.is_(None),
                         AssessmentAssessor.user_id == user_id))


def _has_record() -> ColumnElement[bool]:
    return exists(select(Assessment.id).where(Assessment.application_id == Application.id))


def _signed_by(user_id: int) -> ColumnElement[bool]:
    return exists(select(AssessmentSignature.id).join(Assessment, Assessment.id == AssessmentSignature.assessment_id)
                  .where(Assessment.application_id == Application.id, AssessmentSignature.user_id == user_id))


def _to_assess(ctx: QueueContext) -> ColumnElement[bool]:
    return and_(_current_visit_has(ctx.user.id), ~_has_record())


def _to_cosign(ctx: QueueContext) -> ColumnElement[bool]:
    return and_(_current_visit_has(ctx.user.id), _has_record(), ~_signed_by(ctx.user.id))


def _to_confirm(ctx: QueueContext) -> ColumnElement[bool]:
    """Not yet confirmed by the expert, who may confirm it: an on-site expert only while no
    on-site expert has confirmed (one of the two confirmers must be off site)."""
    if not ctx.is_expert:
        return false()
    mine = exists(select(Confirmation.id).where(Confirmation.application_id == Application.id,
                                                Confirmation.user_id == ctx.user.id))
    on_site_confirmed = exists(select(Confirmation.id).where(Confirmation.application_id == Application.id,
                                                             Confirmation.on_site.is_(True)))
    return and_(Application.agency_id == ctx.user.org_id, ~mine,
                ~and_(_current_visit_has(ctx.user.id), on_site_confirmed))


def _of_my_agency(ctx: QueueContext) -> ColumnElement[bool]:
    return Application.agency_id == ctx.user.org_id


def _filed_by_me(ctx: QueueContext) -> ColumnElement[bool]:
    return Application.filed_by_org_id == ctx.user.org_id


# --- the queues --------------------------------------------------------------------------------

def _role(kind: str, action: Action) -> Callable[[User], bool]:
    return lambda user: user.org_kind == kind and can(user, action)


@dataclass(frozen=True)
class Queue:
    name: str
    title: str  # msgid
    #: the statuses the queue holds (all when empty); the status filter chooses among them
    statuses: tuple[Status, ...]
    visible: Callable[[User], bool]
    clause: Callable[[QueueContext], ColumnElement[bool]] | None = None


_INSURER_OP = _role("insurer", Action.HANDLE_APPLICATION)
_AGENCY_ADMIN = _role("agency", Action.SCHEDULE_ASSESSMENT)
_ASSESSOR = _role("agency", Action.ENTER_ASSESSMENT)
_PROVIDER_OP = _role("provider", Action.FILE_APPLICATION)

QUEUES: dict[str, Queue] = {q.name: q for q in (
    Queue("to_accept", "待受理", (S.SUBMITTED,), _INSURER_OP),
    Queue("to_dispatch", "待派单", (S.ACCEPTED,), _INSURER_OP),
    Queue("publicized", "公示中", (S.PUBLICIZED,), _INSURER_OP),
    Queue("objected", "异议", (S.OBJECTED,), _INSURER_OP),
    Queue("to_schedule", "待排期", (S.DISPATCHED,), _AGENCY_ADMIN, _of_my_agency),
    Queue("scheduled", "已排期", (S.SCHEDULED, S.RESCHEDULED), _AGENCY_ADMIN, _of_my_agency),
    Queue("to_assess", "待评估", tuple(VISIT_BOOKED), _ASSESSOR, _to_assess),
    Queue("to_cosign", "待会签", tuple(VISIT_BOOKED), _ASSESSOR, _to_cosign),
    Queue("to_confirm", "待确认", (S.ASSESSED,), _ASSESSOR, _to_confirm),
    Queue("filed", "本机构提交的申请", (), _PROVIDER_OP, _filed_by_me),
    Queue("all", "全部申请", (), lambda user: can(user, Action.ROSTER_VIEW)),
)}


def queues_for(user: User) -> list[Queue]:
    """The queues ``user`` works from, in display order."""
    return [q for q in QUEUES.values() if q.visible(user)]


def get_queue(name: str, user: User) -> Queue:
    """The queue ``name``. Raises NotFound (no such queue) or Forbidden (not for this role)."""
    queue = QUEUES.get(name)
    if queue is None:
        raise NotFound("没有这个工作队列")
    if not queue.visible(user):
        raise Forbidden("无权查看该工作队列")
    return queue


@dataclass(frozen=True)
class QueueFilters:
    district: str | None = None
    status: str | None = None
    overdue_only: bool = False
    #: a name, an ID number (or its last digits) or an application number
    q: str = ""
    #: only applications still being handled (not refused, concluded, withdrawn or cancelled)
    open_only: bool = False


def _where(queue: Queue, ctx: QueueContext, filters: QueueFilters) -> list[ColumnElement[bool]]:
    clauses = []
    if queue.statuses:
        clauses.append(Application.status.in_(_values(queue.statuses)))
    if queue.clause is not None:
        clauses.append(queue.clause(ctx))
    if filters.status:
        clauses.append(Application.status == filters.status)
    if filters.district:
        clauses.append(InsuredPerson.district == filters.district)
    if filters.overdue_only:
        clauses.append(due_expression() < ctx.today)
    if filters.q.strip():
        clauses.append(application_matches(filters.q))
    if filters.open_only:
        clauses.append(Application.status.not_in(sorted(s.value for s in TERMINAL)))
    return clauses


def application_matches(q: str) -> ColumnElement[bool]:
    """Applications whose number is ``q``, or whose person's name or ID number matches it
    (the person must be joined)."""
    number = application_id_of(q)
    return Application.id == number if number is not None else person_matches(q)


def queue_select(queue: Queue, ctx: QueueContext, filters: QueueFilters = QueueFilters()) -> Select:
    """Rows of the queue in the viewer's scope, most urgent first: the application's columns,
    the person's name, ID number and district, the agency's and filer's names, the
    self-assessment grade, ``due_on`` and ``sla``."""
    agency, filer = aliased(Organisation), aliased(Organisation)
    due = due_expression()
    stmt = (select(Application.id, Application.kind, Application.status, Application.submitted_on,
                   Application.accepted_on, Application.dispatched_on, Application.visit_on,
                   Application.publicity_start, Application.publicity_end, Application.concluded_on,
                   Application.level, Application.parent_id, Application.reschedule_code,
                   Application.reschedule_note, Application.final_on,
                   InsuredPerson.name.label("person_name"), InsuredPerson.id_number, InsuredPerson.district,
                   agency.name.label("agency_name"), filer.name.label("filer_name"),
                   SelfAssessment.grade.label("self_grade"), due.label("due_on"),
                   sla_expression(ctx).label("sla"))
            .join(InsuredPerson, InsuredPerson.id == Application.person_id)
            .outerjoin(agency, agency.id == Application.agency_id)
            .outerjoin(filer, filer.id == Application.filed_by_org_id)
            .outerjoin(SelfAssessment, SelfAssessment.application_id == Application.id)
            .where(*_where(queue, ctx, filters))
            .order_by(due.is_(None), due, Application.submitted_on, Application.id))
    return scoped(stmt, Application, ctx.user)


def queue_counts(session: Session, queue: Queue, ctx: QueueContext,
                 filters: QueueFilters = QueueFilters()) -> tuple[int, int]:
    """(rows, overdue rows) of the queue for the viewer, in one query."""
    due = due_expression()
    stmt = (select(func.count(Application.id), func.count(case((due < ctx.today, Application.id))))
            .join(InsuredPerson, InsuredPerson.id == Application.person_id)
            .where(*_where(queue, ctx, filters)))
    total, overdue = session.execute(scoped(stmt, Application, ctx.user)).one()
    return total or 0, overdue or 0


def districts_of(session: Session, ctx: QueueContext) -> list[str]:
    """The districts of the applications the viewer sees (for the district filter)."""
    stmt = (select(InsuredPerson.district).join(Application, Application.person_id == InsuredPerson.id)
            .distinct().order_by(InsuredPerson.district))
    return list(session.scalars(scoped(stmt, Application, ctx.user)))


# --- the agency's workload --------------------------------------------------------------------

def workload_select(agency_id: int, today: date) -> Select:
    """Per active assessor of the agency: ``open_visits`` (current visits of applications
    awaiting the assessment), ``visits_this_month`` (current visits dated in today's month)
    and ``cosigns_pending`` (entered joint records of their visits they have not signed).
    One aggregated statement, one row per assessor, by name."""
    month_start, next_month = month_bounds(today)
    visit = aliased(AssessmentVisit)
    booked = Application.status.in_(_values(VISIT_BOOKED))
    signed = exists(select(AssessmentSignature.id).where(AssessmentSignature.assessment_id == Assessment.id,
                                                         AssessmentSignature.user_id == User.id))
    return (select(User.id, User.full_name,
                   func.count(case((booked, visit.id))).label("open_visits"),
                   func.count(case((and_(visit.visit_on >= month_start, visit.visit_on < next_month), visit.id)))
                   .label("visits_this_month"),
                   func.count(case((and_(booked, Assessment.id.is_not(None), ~signed), visit.id)))
                   .label("cosigns_pending"))
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "assessor"))
            .outerjoin(AssessmentAssessor, AssessmentAssessor.user_id == User.id)
            .outerjoin(visit, and_(visit.id == AssessmentAssessor.visit_id, visit.superseded_at.is_(None)))
            .outerjoin(Application, Application.id == visit.application_id)
            .outerjoin(Assessment, and_(Assessment.application_id == Application.id, Assessment.visit_id == visit.id))
            .where(User.org_id == agency_id, User.active.is_(True))
            .group_by(User.id, User.full_name)
            .order_by(User.full_name, User.id))

