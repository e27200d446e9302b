"""Filing an application (SPEC §3.1): applicant data, self-assessment, documents.

An insurer operator files for a person of a district its contract covers that day; a provider operator files on a
person's behalf (and from then on sees that application and its person). An insurer may
also order a reassessment. The system files reassessments itself (``ltc.assessment.applications.services.reassessment``)
without a self-assessment, which the insurer then records before accepting.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.assessment.applications.services.beneficiaries import is_beneficiary
from ltc.assessment.applications.models import Application, SelfAssessment
from ltc.assessment.applications.services.due_dates import acceptance_due_on
from ltc.assessment.applications.services.lookups import current_conclusion
from ltc.assessment.applications.services.documents import StoredDocument, document_row
from ltc.assessment.applications.selfassessment import grade_self_assessment
from ltc.assessment.applications.states import OPEN, Kind, ReassessmentReason, Status
from ltc.assessment.applications.services.transitions import (acting_user, flush, load,
                                                              record_event, require, touch)
from ltc.auth.models import User
from ltc.auth.permissions import Action
from ltc.auth.scope import get_scoped, scoped
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ltc.orgs.contracts import insurer_of_district
from ltc.orgs.kinds import CareType
from ltc.orgs.models import Organisation
from ltc.people.ids import normalise_id_number, parse_id_number
from ltc.people.models import InsuredPerson
from ltc.people.services import PHONE

RELATIONS = {"self": "本人", "spouse": "配偶", "child": "子女", "parent": "父母", "relative": "其他亲属",
             "guardian": "监护人", "other": "其他"}
#: reassessments an insurer operator may order; the others are opened by the system
ORDERED_REASONS = (ReassessmentReason.FOLLOW_UP, ReassessmentReason.INSURER_ORDER)


class OpenApplicationExists(Conflict):
    """The person already has an open application the filer can see (e.g. the form sent twice)."""

    def __init__(self, open_app: Application):
        super().__init__(f"该参保人已有办理中的申请 {open_app.number}，不能重复提交；请在原申请中继续办理",
                         {"id_number": "open application"})
        self.application_id = open_app.id
        self.number = open_app.number


@dataclass(frozen=True)
class Applicant:
    """The applicant or agent (申请人/代理人)."""

    name: str
    relation: str
    phone: str
    id_number: str | None = None


@dataclass(frozen=True)
class BankAccount:
    """Where a family-care allowance is paid (optional)."""

    holder: str
    bank: str
    account_no: str


def person_by_id_number(session: Session, id_number: str) -> InsuredPerson:
    """The insured person with this resident ID number. Raises NotFound."""
    person = session.scalar(select(InsuredPerson).where(InsuredPerson.id_number == normalise_id_number(id_number),
                                                        InsuredPerson.live_filter()))
    if person is None:
        raise NotFound("参保人不存在，请核对身份证号", {"id_number": "unknown"})
    return person


def _check_applicant(applicant: Applicant, today) -> dict:
    problems: dict[str, str] = {}
    name = (applicant.name or "").strip()
    phone = (applicant.phone or "").strip()
    if not name or len(name) > 50:
        problems["applicant.name"] = "required, at most 50 characters"
    if applicant.relation not in RELATIONS:
        problems["applicant.relation"] = "must be one of " + ", ".join(RELATIONS)
    if not PHONE.fullmatch(phone):
        problems["applicant.phone"] = "required: digits, +, - or spaces"
    id_number = normalise_id_number(applicant.id_number or "") or None
    if id_number is not None:
        try:
            parse_id_number(id_number, today)
        except ValueError as exc:
            problems["applicant.id_number"] = str(exc)
    if problems:
        raise ValidationFailed("申请人信息有误：%(fields)s", problems, params={"fields": list(problems)})
    return {"applicant_name": name, "applicant_relation": applicant.relation, "applicant_phone": phone,
            "applicant_id_number": id_number}


def _check_preference(session: Session, care_type: str | None, provider_id: int | None) -> dict:
    if care_type is not None and care_type not in set(CareType):
        raise ValidationFailed("服务形式无效", {"care_type": "unknown care type"})
    if provider_id is not None:
        provider = session.get(Organisation, provider_id)
        if provider is None or provider.kind != "provider":
            raise ValidationFailed("意向护理服务机构无效", {"provider_id": "not a care provider"})
    return {"preferred_care_type": care_type, "preferred_provider_id": provider_id}


def _check_bank(bank: BankAccount | None) -> dict:
    if bank is None:
        return {}
    holder, name = (bank.holder or "").strip(), (bank.bank or "").strip()
    number = "".join((bank.account_no or "").split())
    problems = {}
    if not holder or len(holder) > 50:
        problems["bank.holder"] = "required, at most 50 characters"
    if not name or len(name) > 100:
        problems["bank.bank"] = "required, at most 100 characters"
    if not (number.isascii() and number.isdigit()) or not 8 <= len(number) <= 30:
        problems["bank.account_no"] = "8 to 30 digits"
    if problems:
        raise ValidationFailed("银行账户信息有误：%(fields)s", problems, params={"fields": list(problems)})
    return {"bank_account_holder": holder, "bank_name": name, "bank_account_no": number}


def _check_filer(session: Session, user: User, person_id: int, kind: Kind, reason: str | None,
                 today: date) -> InsuredPerson:
    require(user, Action.FILE_APPLICATION, "只有商保公司或护理服务机构的经办人员可以提交申请")
    if user.org_kind == "insurer":
        person = get_scoped(session, user, InsuredPerson, person_id)
        if insurer_of_district(session, person.district, today) != user.org_id:
            raise Forbidden("参保人所在区县 %(today)s 不由贵公司承办，不能代为申请",
                            params={"today": today.isoformat()})
    else:
        person = session.get(InsuredPerson, person_id)
        if person is None or person.is_merged:
            raise NotFound("参保人不存在")
        if kind is not Kind.INITIAL:
            raise Forbidden("护理服务机构只能代参保人提交首次申请")
    if kind is Kind.REVIEW:
        raise ValidationFailed("复评由异议产生，不能直接提交", {"kind": "review"})
    if kind is Kind.REASSESSMENT and reason not in ORDERED_REASONS:
        raise ValidationFailed("重新评估须注明原因", {"reassessment_reason": "follow_up or insurer_order"})
    if kind is Kind.REASSESSMENT and not is_beneficiary(session, person.id, today):
        raise ValidationFailed("重新评估只适用于享有（或即将享有）长护险待遇的参保人，其他人员请提交首次申请",
                               {"kind": "no active or future entitlement"})
    if person.death_date is not None:
        raise Conflict("参保人已于 %(death_date)s 死亡", {"person_id": "deceased"},
                       params={"death_date": person.death_date.isoformat()})
    return person


def _check_none_open(session: Session, user: User, person_id: int) -> None:
    """Refuse a second open application the filer can see (a 复评 runs beside its parent and
    does not count); one the filer cannot see is the insurer's ``in_progress`` refusal."""
    stmt = select(Application).where(Application.person_id == person_id, Application.kind != Kind.REVIEW.value,
                                     Application.status.in_([s.value for s in OPEN])).order_by(Application.id)
    open_app = session.scalars(scoped(stmt, Application, user)).first()
    if open_app is not None:
        raise OpenApplicationExists(open_app)


def _self_assessment_row(answers: Mapping[str, str], *, user_id: int | None, now: datetime) -> SelfAssessment:
    graded = grade_self_assessment(answers)
    return SelfAssessment(**{k: answers[k] for k in ("feeding", "bowel_bladder", "bathing", "dressing",
                                                     "toileting", "transfer")},
                          a_count=graded.a, b_count=graded.b, grade=graded.grade, recorded_at=now,
                          recorded_by=user_id)


def file_application(session: Session, *, actor: Actor, now: datetime, person_id: int, applicant: Applicant,
                     declared_disability_6m: bool, self_assessment: Mapping[str, str],
                     care_type: str | None = None, provider_id: int | None = None,
                     bank: BankAccount | None = None, documents: Sequence[StoredDocument] = (),
                     kind: str = Kind.INITIAL, reassessment_reason: str | None = None) -> Application:
    """File an application: status ``submitted``, acceptance due ``acceptance_sla_working_days``
    working days after today. Another open application the filer sees stops the filing
    (OpenApplicationExists, e.g. the form sent again after Back); one it does not see is refused
    by the insurer as ``in_progress``. Raises Forbidden (not a filer, or a provider ordering a
    reassessment, an insurer whose contract does not cover the person's district today), NotFound
    (person unknown or outside an insurer's scope), Conflict (person deceased) and
    ValidationFailed naming the offending fields."""
    user = acting_user(session, actor)
    kind = Kind(kind)
    today = local_today(now)
    person = _check_filer(session, user, person_id, kind, reassessment_reason, today)
    _check_none_open(session, user, person.id)
    values = _check_applicant(applicant, today) | _check_preference(session, care_type, provider_id) | _check_bank(bank)
    answers = _self_assessment_row(self_assessment, user_id=user.id, now=now)
    previous = current_conclusion(session, person.id, today) if kind is Kind.REASSESSMENT else None
    app = new_application(session, person_id=person.id, kind=kind, today=today, now=now,
                          filed_by_user_id=user.id, filed_by_org_id=user.org_id,
                          declared_disability_6m=bool(declared_disability_6m),
                          reassessment_reason=reassessment_reason if kind is Kind.REASSESSMENT else None,
                          previous_id=previous.id if previous else None, **values)
    app.self_assessment = answers
    for stored in documents:
        session.add(document_row(stored, application_id=app.id, user_id=user.id, now=now))
    flush(session, app)
    record_event(session, app, from_status=None, action="file", actor=actor, now=now,
                 data={"person_id": person.id, "kind": kind.value, "self_assessment": answers.grade,
                       "documents": len(documents)})
    session.flush()
    return app


def new_application(session: Session, *, person_id: int, kind: Kind, today, now: datetime, **values) -> Application:
    """A ``submitted`` application with its acceptance deadline (no event yet)."""
    app = Application(person_id=person_id, kind=kind.value, status=Status.SUBMITTED.value, submitted_at=now,
                      submitted_on=today, acceptance_due_on=acceptance_due_on(session, today), **values)
    session.add(app)
    session.flush()
    return app


def _check_handler(session: Session, user: User, app: Application) -> None:
    """The insurer operator of the person's district, or an operator of the filing organisation."""
    if app.filed_by_org_id is not None and app.filed_by_org_id == user.org_id:
        require(user, Action.FILE_APPLICATION, "无权修改该申请")
    else:
        require(user, Action.HANDLE_APPLICATION, "无权修改该申请")


def record_self_assessment(session: Session, application_id: int, answers: Mapping[str, str], *,
                           actor: Actor, now: datetime) -> SelfAssessment:
    """Record (or replace) the self-assessment of a ``submitted`` application. Raises
    NotFound, Forbidden, Conflict (already accepted) and ValidationFailed."""
    user = acting_user(session, actor)
    app = load(session, application_id, user)
    _check_handler(session, user, app)
    if app.status != Status.SUBMITTED:
        raise Conflict("受理后不能再修改自评表", {"status": app.status})
    row = _self_assessment_row(answers, user_id=user.id, now=now)
    before = app.self_assessment.grade if app.self_assessment else None
    if app.self_assessment is not None:
        session.delete(app.self_assessment)
        session.flush()
    app.self_assessment = row
    touch(app)
    flush(session, app)
    record_event(session, app, from_status=app.status, action="record_self_assessment", actor=actor, now=now,
                 data={"self_assessment": row.grade, "previous": before})
    session.flush()
    return row


def add_document(session: Session, application_id: int, stored: StoredDocument, *, actor: Actor,
                 now: datetime):
    """Attach one more medical document to an open application. Raises NotFound/Forbidden/Conflict."""
    user = acting_user(session, actor)
    app = load(session, application_id, user)
    _check_handler(session, user, app)
    if app.status not in OPEN:
        raise Conflict("申请已办结，不能再上传材料", {"status": app.status})
    row = document_row(stored, application_id=app.id, user_id=user.id, now=now)
    session.add(row)
    session.flush()
    record_event(session, app, from_status=app.status, action="add_document", actor=actor, now=now,
                 data={"document_id": row.id, "file_name": row.file_name, "sha256": row.sha256})
    session.flush()
    return row
