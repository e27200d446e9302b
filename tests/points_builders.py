"""Submitted June settlements whose audit and appeals give violation points (SPEC §6), on the
settlement review builders: the world provider's carers, the audit decided on Wednesday 8 July, the
MIA's approval on 10 July, the appeal window's last day Wednesday 15 July."""
from datetime import date, datetime, timezone

from sqlalchemy import select

from ltc.billing.models import SettlementLine
from tests.settlement_review_builders import AUDIT_NOW, Built, _finding, actor, settlement

APPROVE_NOW = datetime(2026, 7, 10, 2, 0, tzinfo=timezone.utc)
LAST_APPEAL_DAY = date(2026, 7, 15)
AFTER_WINDOW = date(2026, 7, 16)


def flag(session, built: Built, visit, rule: str):
    """Add a FLAG finding of ``rule`` on ``visit`` to the draft's current revision."""
    line = session.scalar(select(SettlementLine).where(SettlementLine.settlement_id == built.settlement.id,
                                                       SettlementLine.person_id == visit.person_id))
    return _finding(session, built.settlement, line, visit, rule, "FLAG")


def approved(session, world, *, refusals: dict | None = None, extra_flags: dict | None = None, **kw) -> Built:
    """A June settlement submitted, audited and approved. ``extra_flags`` ({visit index of person 0: rule})
    adds FLAG findings before submission; ``refusals`` ({visit index of person 0: (reason code, text)})
    refuses those visits (every other flagged or sampled record is paid)."""
    from ltc.billing.review import approval, auditing, sampling, workflow
    from ltc.billing.review.auditing import RecordFilter

    built = settlement(session, world, **kw)
    first = built.visits[built.persons[0].id]
    for index, rule in (extra_flags or {}).items():
        flag(session, built, first[index], rule)
    operator = "pr2_op" if built.settlement.provider_id == world.provider2.id else "pr_op"
    workflow.submit(session, built.settlement, remarks={}, actor=actor(world, operator), now=AUDIT_NOW)
    rev = actor(world, "ins_rev")
    for index, (code, text) in (refusals or {}).items():
        auditing.decide_flagged(session, built.settlement, [("visit", first[index].id)], "refuse",
                                reason_code=code, reason_text=text, actor=rev, now=AUDIT_NOW)
    auditing.decide_flagged_by_filter(session, built.settlement, RecordFilter(), "pay", actor=rev, now=AUDIT_NOW)
    for person_id in sampling.draw_sample(session, built.settlement, actor=rev, now=AUDIT_NOW, seed=11):
        auditing.decide_sampled(session, built.settlement, None, "pay", person_id=person_id, actor=rev, now=AUDIT_NOW)
    auditing.finish_audit(session, built.settlement, actor=rev, now=AUDIT_NOW)
    approval.approve(session, built.settlement, actor=actor(world, "mia_rev"), now=APPROVE_NOW)
    return built
