"""The MIA's decision on an agreement-review proposal (SPEC §8 effects, §1: MIA admin), with the reason:

* ``suspend``: the provider is suspended from ``effective_on`` (its dated status, which rule P01 reads);
* ``end``: its agreement ends on ``effective_on`` (the first day no longer covered) and it is exited
  from that day;
* ``keep``: the agreement continues.
"""
from datetime import date, datetime

from sqlalchemy.orm import Session

from ltc.core.audit import Actor
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.orgs.kinds import OrgKind, OrgStatus
from ltc.orgs.models import Organisation
from ltc.orgs.services import end_agreement, set_status
from ltc.ratings.effects.kinds import DECISION_ACTION, DECISION_STATUS, ProposalDecision, ProposalStatus
from ltc.ratings.effects.models import REASON_MAX, AgreementReviewProposal
from ltc.ratings.effects.services.trail import write_event


def _checked(session: Session, proposal: AgreementReviewProposal, decision: str, effective_on: date | None,
             reason: str | None, actor: Actor) -> str:
    acting = None if actor.org_id is None else session.get(Organisation, actor.org_id)
    if acting is None or acting.kind != OrgKind.MIA:
        raise Forbidden("只有医保经办机构可以处理协议")
    if proposal.status != ProposalStatus.PENDING:
        raise InvalidTransition("该建议已处理", {"status": proposal.status})
    if decision not in set(ProposalDecision):
        raise ValidationFailed("处理决定无效", {"decision": "invalid"})
    if decision != ProposalDecision.KEEP and effective_on is None:
        raise ValidationFailed("请填写生效日期", {"effective_on": "required"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写处理原因", {"reason": "required"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed("原因不能超过 %(n)s 个字符", {"reason": "too long"}, params={"n": REASON_MAX})
    return reason


def decide_proposal(session: Session, proposal: AgreementReviewProposal, *, decision: str,
                    effective_on: date | None, reason: str | None, actor: Actor,
                    now: datetime) -> AgreementReviewProposal:
    """Record the MIA's decision and carry it out. Raises Forbidden (not the MIA), InvalidTransition (already decided),
    ValidationFailed (no reason, no date, or the provider's status / agreement cannot change that day)."""
    reason = _checked(session, proposal, decision, effective_on, reason, actor)
    provider = session.get_one(Organisation, proposal.provider_id)
    if decision == ProposalDecision.SUSPEND:
        set_status(session, provider, actor=actor, now=now, status=OrgStatus.SUSPENDED.value, valid_from=effective_on)
    elif decision == ProposalDecision.END:
        end_agreement(session, provider, actor=actor, now=now, ends_on=effective_on, reason=reason)
        set_status(session, provider, actor=actor, now=now, status=OrgStatus.EXITED.value, valid_from=effective_on)
    choice = ProposalDecision(decision)
    proposal.status, proposal.decision = DECISION_STATUS[choice].value, choice.value
    proposal.effective_on = None if choice == ProposalDecision.KEEP else effective_on
    proposal.reason, proposal.decided_by, proposal.decided_at = reason, actor.user_id, now
    session.flush()
    write_event(session, proposal, DECISION_ACTION[choice], actor=actor, now=now, note=reason,
                after={"decision": choice.value, "effective_on": proposal.effective_on})
    return proposal
