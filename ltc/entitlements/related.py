"""How an entitlement's records relate (SPEC §4.2): the conclusion (application) a request rests
on, the request's review case and care plan, the entitlement it granted and the notices. Given
one of them, ``related_records`` links the others the user may open (``ltc.web.related``)."""
from dataclasses import dataclass, field

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.assessment.applications.models import Application
from ltc.assessment.applications.person_sections import notice_section
from ltc.assessment.applications.services.notifying import application_no
from ltc.auth.scope import scoped
from ltc.entitlements.models import Entitlement, EntitlementRequest
from ltc.entitlements.states import END_REASON_LABELS, STATUS_LABELS
from ltc.notices.models import Notice
from ltc.orgs.kinds import CARE_TYPE_LABELS
from ltc.orgs.models import Organisation
from ltc.notices.services import can_see
from ltc.providers.care_plans.models import CarePlan
from ltc.reviews.models import ReviewCase
from ltc.web.periods import period_text
from ltc.web.related import PersonSection, RelatedLink


@dataclass
class Chain:
    applications: set[int] = field(default_factory=set)
    cases: set[int] = field(default_factory=set)
    plans: set[int] = field(default_factory=set)
    entitlements: set[int] = field(default_factory=set)

    def add_request(self, r: EntitlementRequest) -> None:
        self.applications.add(r.application_id)
        self.cases.update(x for x in (r.case_id,) if x)
        self.plans.update(x for x in (r.care_plan_id,) if x)
        self.entitlements.update(x for x in (r.entitlement_id,) if x)

    def add_entitlement(self, e: Entitlement) -> None:
        self.applications.add(e.application_id)
        self.entitlements.add(e.id)
        self.cases.update(x for x in (e.review_case_id,) if x)
        self.plans.update(x for x in (e.care_plan_id,) if x)


def _requests_of(session: Session, kind: str, record_id: int) -> list[EntitlementRequest]:
    column = {"application": EntitlementRequest.application_id, "review_case": EntitlementRequest.case_id,
              "care_plan": EntitlementRequest.care_plan_id, "entitlement": EntitlementRequest.entitlement_id}[kind]
    stmt = select(EntitlementRequest).where(column == record_id)
    if kind == "care_plan" and (plan := session.get(CarePlan, record_id)) is not None:
        stmt = select(EntitlementRequest).where(or_(column == record_id, (
            (EntitlementRequest.status == "open") & (EntitlementRequest.person_id == plan.person_id)
            & (EntitlementRequest.provider_id == plan.provider_id)
            & (EntitlementRequest.care_type == plan.care_type))))
    return list(session.scalars(stmt))


def _entitlements_of(session: Session, kind: str, record_id: int) -> list[Entitlement]:
    column = {"application": Entitlement.application_id, "review_case": Entitlement.review_case_id,
              "care_plan": Entitlement.care_plan_id, "entitlement": Entitlement.id}[kind]
    return list(session.scalars(select(Entitlement).where(column == record_id)))


def chain_of(session: Session, kind: str, record_id: int) -> Chain:
    chain = Chain()
    for request in _requests_of(session, kind, record_id):
        chain.add_request(request)
    for entitlement in _entitlements_of(session, kind, record_id):
        chain.add_entitlement(entitlement)
    if kind == "care_plan" and (plan := session.get(CarePlan, record_id)) is not None and plan.entitlement_id:
        chain.add_entitlement(session.get(Entitlement, plan.entitlement_id))
    own = {"application": chain.applications, "review_case": chain.cases, "care_plan": chain.plans,
           "entitlement": chain.entitlements}[kind]
    own.discard(record_id)
    return chain


def _visible(session: Session, user, model, ids: set[int]) -> list:
    if not ids:
        return []
    return list(session.scalars(scoped(select(model).where(model.id.in_(ids)), model, user).order_by(model.id)))


def _notices(session: Session, user, subject_type: str, ids: list[int]) -> list[RelatedLink]:
    if not ids:
        return []
    notices = session.scalars(select(Notice).where(Notice.subject_type == subject_type, Notice.subject_id.in_(ids))
                              .order_by(Notice.issued_at, Notice.id))
    return [RelatedLink("通知书", n.number, url_for("notices.download", notice_id=n.id))
            for n in notices if not n.is_pending and can_see(session, user, n)]


def related_records(session: Session, user, kind: str, record_id: int) -> list[RelatedLink]:
    """Links to the records related to ``kind`` #``record_id`` that ``user`` may open."""
    chain = chain_of(session, kind, record_id)
    apps = _visible(session, user, Application, chain.applications)
    entitlements = _visible(session, user, Entitlement, chain.entitlements)
    links = [RelatedLink("评估结论", application_no(a), url_for("assessment.detail", application_id=a.id))
             for a in apps]
    links += [RelatedLink("审核案件", c.title, url_for("reviews.case_detail", case_id=c.id))
              for c in _visible(session, user, ReviewCase, chain.cases)]
    links += [RelatedLink("护理计划", _("第 %(n)s 版", n=p.version), url_for("care_plans.view_plan", plan_id=p.id))
              for p in _visible(session, user, CarePlan, chain.plans)]
    links += [RelatedLink("待遇资格", _("%(day)s 起", day=e.valid_from),
                          url_for("entitlements.detail", entitlement_id=e.id)) for e in entitlements]
    if kind != "application":
        links += _notices(session, user, "application", [a.id for a in apps])
    if kind != "entitlement":
        links += _notices(session, user, "entitlement", [e.id for e in entitlements])
    return links


def entitlement_sections(session: Session, user, person_id: int) -> list[PersonSection]:
    """The person page's list of the person's entitlements and their notices, in the user's scope."""
    stmt = (select(Entitlement, Organisation.name).join(Organisation, Organisation.id == Entitlement.provider_id)
            .where(Entitlement.person_id == person_id).order_by(Entitlement.valid_from.desc(), Entitlement.id.desc()))
    found = session.execute(scoped(stmt, Entitlement, user)).all()
    rows = [{"period": period_text(e.valid_from, e.valid_to), "level": e.level,
             "url": url_for("entitlements.detail", entitlement_id=e.id),
             "care_type": _(CARE_TYPE_LABELS[e.care_type]), "provider": name, "status": _status(e)}
            for e, name in found]
    return [PersonSection("entitlements", "待遇资格", [("period", "待遇期间"), ("level", "失能等级"),
                                                     ("care_type", "服务形式"), ("provider", "服务机构"),
                                                     ("status", "状态")], rows, order=30),
            notice_section(session, user, "entitlement", [e.id for e, _name in found])]


def _status(e: Entitlement) -> str:
    ended = f"（{_(END_REASON_LABELS[e.end_reason])}）" if e.end_reason else ""
    return _(STATUS_LABELS[e.status]) + ended
