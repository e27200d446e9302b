"""The two review subjects billing registers on the engine (SPEC §4.1): ``settlement`` (a provider's
monthly settlement; its insurer is the one of the provider's district in the service month, its
deadlines count from the end of the month) and ``settlement_appeal``."""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.billing.kinds import SettlementStatus
from ltc.billing.models import Settlement
from ltc.billing.review import appeals
from ltc.billing.review.auditing import audit_problem, progress
from ltc.billing.review.case_types import APPEAL_SUBJECT, SETTLEMENT_SUBJECT
from ltc.billing.review.models import SettlementAppeal
from ltc.billing.review.payment import payment_problem
from ltc.billing.review.workflow import decided_elsewhere
from ltc.core.audit import Actor
from ltc.core.months import first_of_next_month
from ltc.orgs.models import Organisation
from ltc.reviews.models import ReviewCase
from ltc.reviews.registry import Check, LinkContext, Parties, SubjectLink, SubjectType


def _parties(session: Session, settlement: Settlement) -> Parties:
    return Parties(provider_id=settlement.provider_id, business_day=settlement.month)


def settlement_parties(session: Session, subject_id: int) -> Parties:
    return _parties(session, session.get(Settlement, subject_id))


def settlement_title(session: Session, subject_id: int) -> str:
    settlement = session.get(Settlement, subject_id)
    provider = session.get(Organisation, settlement.provider_id)
    return f"{provider.name} · {settlement.month:%Y-%m} · 月度结算"


def settlement_period_end(session: Session, subject_id: int) -> date:
    return first_of_next_month(session.get(Settlement, subject_id).month)


def settlement_checks(session: Session, case: ReviewCase, step: str, day: date) -> list[Check]:
    """What the deciders see: totals, the audit's progress and its deductions."""
    settlement = session.get(Settlement, case.subject_id)
    done = progress(session, settlement)
    return [
        Check("totals", "结算金额", None, "应付 %(billable)s 元，基金支付 %(fund)s 元",
              {"billable": str(settlement.billable), "fund": str(settlement.fund)}),
        Check("flagged", "待审核记录", done.flagged_decided == done.flagged, "已决定 %(done)s / %(all)s",
              {"done": done.flagged_decided, "all": done.flagged}),
        Check("sample", "抽查", done.sampled and done.sample_decided == done.sample_records,
              "已审核 %(done)s / %(all)s 条记录", {"done": done.sample_decided, "all": done.sample_records}),
        Check("deductions", "审核扣减", None, "%(count)s 条记录，扣减基金 %(fund)s 元",
              {"count": done.refused, "fund": str(done.deducted_fund)}),
    ]


def _through_review(session: Session, case: ReviewCase, day: date) -> str | None:
    return decided_elsewhere()


def _audit_complete(session: Session, case: ReviewCase, day: date) -> str | None:
    return decided_elsewhere() or audit_problem(session, session.get(Settlement, case.subject_id))


def _payment_recorded(session: Session, case: ReviewCase, day: date) -> str | None:
    return decided_elsewhere() or payment_problem(session, session.get(Settlement, case.subject_id))


def settlement_paid(session: Session, case: ReviewCase, *, actor: Actor, now: datetime) -> None:
    """The payment step completed the case: the settlement is paid (immutable from now on)."""
    settlement = session.get(Settlement, case.subject_id)
    settlement.status = SettlementStatus.PAID.value
    session.flush()


def settlement_links(session: Session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    return [SubjectLink("结算审核", "settlement_review.workspace", {"settlement_id": case.subject_id})]


SETTLEMENT_TYPE = SubjectType(
    name=SETTLEMENT_SUBJECT, parties=settlement_parties, title=settlement_title, checks=settlement_checks,
    preconditions={"settlement_review": _through_review, "audit_complete": _audit_complete,
                   "payment_recorded": _payment_recorded},
    on_complete=settlement_paid, links=settlement_links, period_end=settlement_period_end)


def appeal_parties(session: Session, subject_id: int) -> Parties:
    appeal = session.get(SettlementAppeal, subject_id)
    return _parties(session, session.get(Settlement, appeal.settlement_id))


def appeal_title(session: Session, subject_id: int) -> str:
    appeal = session.get(SettlementAppeal, subject_id)
    return f"{settlement_title(session, appeal.settlement_id)} · 申诉"


def appeal_links(session: Session, case: ReviewCase, context: LinkContext) -> list[SubjectLink]:
    appeal = session.get(SettlementAppeal, case.subject_id)
    return [SubjectLink("结算审核", "settlement_review.workspace", {"settlement_id": appeal.settlement_id})]


APPEAL_TYPE = SubjectType(
    name=APPEAL_SUBJECT, parties=appeal_parties, title=appeal_title, on_complete=appeals.appeal_won,
    on_end=appeals.appeal_ended, links=appeal_links)
