"""What the assessment pages show (reads only; the writes are the workflow services).

``application_page`` gathers one application's detail page: facts, dates with the SLA state,
self-assessment, documents, event trail, notices, visit, joint record with its explanation,
confirmations, 复评 links — and the flags saying which action forms the viewer gets. The
flags mirror the services' rules so that nobody is shown a form that can only fail; the
services still decide.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.scale import scale
from ltc.assessment.applications.services.acceptance import acceptance_problems
from ltc.assessment.applications.models import (Application, ApplicationDocument, ApplicationEvent, Assessment,
                                               AssessmentVisit, Confirmation)
from ltc.assessment.applications.deadlines import due_on
from ltc.assessment.experts.services import expert_ids
from ltc.assessment.applications.services.notifying import application_no
from ltc.assessment.applications.services.objections import objection_deadline
from ltc.assessment.applications.services.queues import QueueContext, sla_state
from ltc.assessment.scale.services import get_ruleset
from ltc.assessment.applications.services.scheduling import current_visit
from ltc.assessment.applications.states import OPEN, VISIT_BOOKED, Status
from ltc.auth.models import User, UserRole
from ltc.auth.permissions import Action, can
from ltc.auth.scope import get_scoped, scoped
from ltc.core.errors import ValidationFailed
from ltc.notices.services import notices_for
from ltc.orgs.models import Organisation
from ltc.people.ids import mask_id, normalise_id_number
from ltc.people.models import InsuredPerson

ACTION_LABELS = {
    "file": "提交申请", "record_self_assessment": "录入自评表", "add_document": "补充材料", "accept": "受理",
    "refuse": "不予受理", "dispatch": "派单", "schedule": "预约上门评估", "reschedule": "改约上门评估",
    "declare_recusal": "作出回避声明",
    "enter_assessment": "录入评估记录", "reenter_assessment": "重新录入评估记录", "sign": "签名",
    "cosign": "会签完成", "confirm_first": "专家确认（第一位）", "confirm": "专家确认完成", "publicize": "公示",
    "conclude": "作出结论", "conclude_after_publicity": "公示期满作出结论", "conclude_by_review": "以复评结论作出结论",
    "object": "提出异议", "open_review": "启动复评", "accept_review": "复评受理", "objection_closed": "异议终结",
    "withdraw": "撤回", "cancel": "取消", "cancel_with_parent": "随原申请取消", "migrate": "上线迁移导入",
}


@dataclass(frozen=True)
class Flags:
    """Which action forms the viewer gets on the detail page."""

    self_assessment: bool = False
    documents: bool = False
    accept: bool = False
    dispatch: bool = False
    schedule: bool = False
    reschedule: bool = False
    declare: bool = False
    enter: bool = False
    cosign: bool = False
    confirm: bool = False
    #: an on-site expert after another on-site expert confirmed: the second confirmer must be off site
    confirm_off_site_only: bool = False
    object: bool = False
    withdraw: bool = False
    cancel: bool = False

    @property
    def any(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass
class ApplicationPage:
    app: Application
    number: str
    person: InsuredPerson
    masked_id: str
    masked_account: str
    agency: str | None
    filer: str | None
    provider: str | None
    due: date | None
    sla: str
    events: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    notices: list = field(default_factory=list)
    visit: AssessmentVisit | None = None
    assessors: list = field(default_factory=list)
    record: Assessment | None = None
    record_items: list = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)
    #: per indicator of the record: (name, total, grade, grade name), in the ruleset's order
    indicator_rows: list[tuple[str, int, int, str]] = field(default_factory=list)
    level_name: str = ""
    signatures: list = field(default_factory=list)
    confirmations: list = field(default_factory=list)
    children: list = field(default_factory=list)
    objection_until: date | None = None
    #: for the insurer about to decide: the refusal codes the facts call for, with why
    acceptance_problems: list = field(default_factory=list)
    flags: Flags = Flags()


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())


def _org_name(session: Session, org_id: int | None) -> str | None:
    return None if org_id is None else session.scalar(select(Organisation.name).where(Organisation.id == org_id))


def event_rows(session: Session, app: Application) -> list[dict]:
    rows = session.execute(
        select(ApplicationEvent, User.full_name, Organisation.name)
        .outerjoin(User, User.id == ApplicationEvent.actor_user_id)
        .outerjoin(Organisation, Organisation.id == ApplicationEvent.actor_org_id)
        .where(ApplicationEvent.application_id == app.id).order_by(ApplicationEvent.at, ApplicationEvent.id))
    return [{"at": e.at, "who": who or "系统", "org": org or "", "action": ACTION_LABELS.get(e.action, e.action),
             "from_status": e.from_status, "to_status": e.to_status, "reason": e.reason} for e, who, org in rows]


def _record(session: Session, page: ApplicationPage) -> None:
    record = session.scalar(select(Assessment).where(Assessment.application_id == page.app.id))
    if record is None:
        return
    ruleset = get_ruleset(session, record.ruleset_id)
    grading = scale.Grading(ruleset_id=record.ruleset_id, adl_total=record.adl_total,
                            cognition_total=record.cognition_total, perception_total=record.perception_total,
                            adl_grade=record.adl_grade, cognition_grade=record.cognition_grade,
                            perception_grade=record.perception_grade, cp_grade=record.cp_grade,
                            level=record.level, level_name=ruleset.level_names[record.level])
    page.record = record
    page.record_items = [{"indicator": ruleset.indicators[item.indicator].name, "name": item.name,
                          "value": record.items.get(item.code)} for item in ruleset.items]
    page.explanation = scale.explain(ruleset, grading).lines()
    page.indicator_rows = [(ruleset.indicators[code].name, total, grade, ruleset.grade_names[grade])
                           for code, total, grade in (("adl", record.adl_total, record.adl_grade),
                                                      ("cognition", record.cognition_total, record.cognition_grade),
                                                      ("perception", record.perception_total, record.perception_grade))]
    page.level_name = ruleset.level_names[record.level]
    names = _names(session, [s.user_id for s in record.signatures])
    page.signatures = [{"name": names.get(s.user_id, ""), "at": s.signed_at} for s in record.signatures]


def application_page(session: Session, ctx: QueueContext, application_id: int) -> ApplicationPage:
    """The detail page of one application in the viewer's scope. Raises NotFound."""
    app = get_scoped(session, ctx.user, Application, application_id)
    person = session.get(InsuredPerson, app.person_id)
    due = due_on(app)
    page = ApplicationPage(app=app, number=application_no(app), person=person, masked_id=mask_id(person.id_number),
                           masked_account=mask_id(app.bank_account_no),
                           agency=_org_name(session, app.agency_id), filer=_org_name(session, app.filed_by_org_id),
                           provider=_org_name(session, app.preferred_provider_id), due=due, sla=sla_state(due, ctx))
    page.events = event_rows(session, app)
    page.documents = list(session.scalars(select(ApplicationDocument)
                                          .where(ApplicationDocument.application_id == app.id)
                                          .order_by(ApplicationDocument.id)))
    page.notices = notices_for(session, "application", app.id)
    page.visit = current_visit(session, app)
    if page.visit is not None:
        names = _names(session, [a.user_id for a in page.visit.assessors])
        page.assessors = [{"user_id": a.user_id, "name": names.get(a.user_id, ""), "is_expert": a.is_expert,
                           "recusal_text": a.recusal_text, "declared_at": a.declared_at}
                          for a in page.visit.assessors]
    _record(session, page)
    confirmations = list(session.scalars(select(Confirmation).where(Confirmation.application_id == app.id)
                                         .order_by(Confirmation.id)))
    names = _names(session, [c.user_id for c in confirmations])
    page.confirmations = [{"user_id": c.user_id, "name": names.get(c.user_id, ""), "on_site": c.on_site, "at": c.at}
                          for c in confirmations]
    page.children = list(session.scalars(scoped(select(Application).where(Application.parent_id == app.id),
                                                Application, ctx.user).order_by(Application.id)))
    page.objection_until = objection_deadline(session, app)
    page.flags = flags_for(ctx, page)
    if page.flags.accept:
        page.acceptance_problems = acceptance_problems(session, app, ctx.today)
    return page


def flags_for(ctx: QueueContext, page: ApplicationPage) -> Flags:
    user, app, status = ctx.user, page.app, Status(page.app.status)
    handler = can(user, Action.HANDLE_APPLICATION)
    filer = app.filed_by_org_id == user.org_id and can(user, Action.FILE_APPLICATION)
    of_agency = app.agency_id == user.org_id
    scheduler = of_agency and can(user, Action.SCHEDULE_ASSESSMENT)
    assessor = of_agency and can(user, Action.ENTER_ASSESSMENT)
    on_site = user.id in {a["user_id"] for a in page.assessors}
    declared = {a["user_id"] for a in page.assessors if a["declared_at"] is not None}
    all_declared = bool(page.assessors) and len(declared) == len(page.assessors)
    visit_due = status in VISIT_BOOKED and app.visit_on is not None and ctx.today >= app.visit_on
    signed = user.id in {s.user_id for s in page.record.signatures} if page.record else False
    confirmed = user.id in {c["user_id"] for c in page.confirmations}
    may_confirm = assessor and ctx.is_expert and status is Status.ASSESSED and not confirmed
    off_site_only = on_site and any(c["on_site"] for c in page.confirmations)
    return Flags(
        self_assessment=(handler or filer) and status is Status.SUBMITTED,
        documents=(handler or filer) and status in OPEN,
        accept=handler and status is Status.SUBMITTED,
        dispatch=handler and status is Status.ACCEPTED,
        schedule=scheduler and status is Status.DISPATCHED,
        reschedule=scheduler and status in VISIT_BOOKED,
        declare=assessor and on_site and status in VISIT_BOOKED and user.id not in declared,
        enter=assessor and on_site and visit_due and all_declared,
        cosign=assessor and on_site and visit_due and page.record is not None and not signed,
        confirm=may_confirm and not off_site_only,
        confirm_off_site_only=may_confirm and off_site_only,
        object=(handler or filer) and page.objection_until is not None and ctx.today <= page.objection_until,
        withdraw=(handler or filer) and status in OPEN,
        cancel=handler and status in OPEN,
    )


# --- choices for the forms ---------------------------------------------------------------------

def agency_assessors(session: Session, agency_id: int, day: date) -> list[tuple[int, str, bool]]:
    """(id, name, expert on ``day``) of the agency's active assessors, by name."""
    users = session.execute(select(User.id, User.full_name).join(UserRole, UserRole.user_id == User.id)
                            .where(User.org_id == agency_id, User.active.is_(True), UserRole.role == "assessor")
                            .order_by(User.full_name, User.id)).all()
    experts = expert_ids(session, [u.id for u in users], day)
    return [(u.id, u.full_name, u.id in experts) for u in users]


def agency_names(session: Session, ids) -> dict[int, str]:
    ids = list(ids)
    if not ids:
        return {}
    return dict(session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())


UNKNOWN_PERSON = "参保人不存在，或姓名与身份证号不符"


def person_for_filing(session: Session, user: User, id_number: str, name: str) -> int:
    """The id of the insured person with this ID number and name, for an application.

    An insurer finds persons of the districts of its contracts only; a provider (who sees no person before it
    files for them) finds anyone whose ID number *and* name match — a wrong name reveals
    nothing. The filing service then checks who may file. Raises ValidationFailed on the
    ``id_number`` field."""
    number = normalise_id_number(id_number or "")
    stmt = select(InsuredPerson).where(InsuredPerson.id_number == number, InsuredPerson.live_filter())
    if user.org_kind != "provider":
        stmt = scoped(stmt, InsuredPerson, user)
    person = session.scalars(stmt).first()
    if person is None or person.name != (name or "").strip():
        raise ValidationFailed(UNKNOWN_PERSON, {"id_number": "unknown", "person_name": "does not match"})
    return person.id

