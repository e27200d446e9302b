"""A second, test-only review subject: a provider's monthly statement, keyed by the provider
organisation's id and concerning no person — the shape settlements will have.

The subject names only the provider (``Parties(provider_id=…)``); its case type
``provider_statement`` exists only as data: the provider's operator submits (owner
``subject_provider``, roles ``operator``), the insurer of the provider's dated district reviews
(``provider_district_insurer``), the MIA approves (``mia``). Nothing in ``ltc.reviews`` knows it.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from ltc.core.audit import Actor
from ltc.orgs import services as orgs
from ltc.orgs.models import District, Organisation
from ltc.providers import services as providers
from ltc.reviews import engine
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import Check, LinkContext, Parties, SubjectLink, SubjectType, register_subject
from tests import builders
from tests.conftest import NOW
from tests.review_builders import publish_case_type

SUBJECT = "test_provider_statement"
CASE_TYPE = {
    "code": "provider_statement", "label": "机构月结单审核（测试）", "subject": SUBJECT,
    "steps": [
        {"code": "provider", "label": "机构提交", "owner": "subject_provider", "decisions": ["approve"],
         "sla": "working_days:3", "return_to": None, "precondition": "statement_uploaded", "roles": ["operator"]},
        {"code": "insurer", "label": "商保审核", "owner": "provider_district_insurer",
         "decisions": ["approve", "return"], "sla": "working_days:3", "return_to": "provider", "precondition": None},
        {"code": "mia", "label": "医保核定", "owner": "mia", "decisions": ["approve", "return", "reject"],
         "sla": "working_days:3", "return_to": "insurer", "precondition": None},
    ],
    "reasons": [{"code": "DOCS", "label": "材料不全", "decisions": ["return"]},
                {"code": "FRAUD", "label": "虚假材料", "decisions": ["return", "reject"]}],
}


@dataclass
class Ledger:
    """What the subject's hooks saw, and the per-subject facts its callbacks read."""

    not_uploaded: set[int] = field(default_factory=set)
    completed: list[tuple[int, str]] = field(default_factory=list)  # (case id, actor label)
    ended: list[tuple[int, str]] = field(default_factory=list)      # (case id, case status)


LEDGER = Ledger()


def _checks(session, case: ReviewCase, step: str, day) -> list[Check]:
    return [Check("statement", "月结单", case.subject_id not in LEDGER.not_uploaded, f"{step} · {day}")]


def _uploaded(session, case: ReviewCase, day) -> str | None:
    return "月结单未上传" if case.subject_id in LEDGER.not_uploaded else None


def _links(session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    links = [SubjectLink("机构信息", "orgs.org_detail", {"org_id": case.subject_id}),
             SubjectLink("不存在的页面", "nowhere.page")]  # an endpoint the app does not serve: left out
    if context.owner_kind == "provider" and context.can_decide:
        links.append(SubjectLink("上传月结单", "orgs.org_detail", {"org_id": case.subject_id, "upload": 1}))
    return links


register_subject(SubjectType(
    name=SUBJECT,
    parties=lambda session, sid: Parties(provider_id=sid),
    title=lambda session, sid: f"机构月结单 {sid}",
    checks=_checks,
    preconditions={"statement_uploaded": _uploaded},
    links=_links,
    on_complete=lambda session, case, *, actor, now: LEDGER.completed.append((case.id, actor.label)),
    on_end=lambda session, case, *, actor, now: LEDGER.ended.append((case.id, case.status)),
))


def reset() -> None:
    LEDGER.not_uploaded.clear()
    LEDGER.completed.clear()
    LEDGER.ended.clear()


def publish(session, w: builders.World, now: datetime = NOW) -> None:
    """The case type in a new policy version, a second insurer (海淀区) and the reviewers."""
    publish_case_type(session, CASE_TYPE, actor=Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev"), now=now)
    insurer2 = builders.org(session, "insurer", "承办保险公司乙", 7, districts=["海淀区"])
    w.users["ins2_rev"] = builders.user(session, insurer2, "ins2_rev", "reviewer")
    w.users["pr_rev"] = builders.user(session, w.provider, "pr_rev", "reviewer")
    w.users["pr_both"] = builders.user(session, w.provider, "pr_both", "operator", "reviewer")
    session.flush()


def open_statement(session, w: builders.World, provider_id: int, district: str, *,
                   now: datetime = NOW) -> ReviewCase:
    _give_district(session, w, provider_id, district, now)
    return engine.open_case(session, case_type="provider_statement", subject_id=provider_id,
                            actor=Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev"), now=now)


def _give_district(session, w: builders.World, provider_id: int, district: str, now: datetime) -> None:
    """The provider belongs to ``district`` (added to the MIA's list if new) from 1 January 2026."""
    mia = Actor(w.users["mia_rev"].id, w.mia.id, "mia_rev")
    if session.scalar(select(District.id).where(District.code == district)) is None:
        orgs.add_district(session, actor=mia, now=now, code=district, name=district)
    if providers.district_on(session, provider_id, now.date()) != district:
        providers.set_district(session, session.get(Organisation, provider_id), actor=mia, now=now,
                               district=district, valid_from=date(2026, 1, 1))
