"""The write-once event of each step (who, which organisation, when, why) plus the audit row."""
from datetime import datetime

from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.ratings.effects.kinds import EffectAction
from ltc.ratings.effects.models import AgreementReviewProposal, EffectEvent, RectificationNotice

ENTITIES = {RectificationNotice: "rectification_notice", AgreementReviewProposal: "agreement_review_proposal"}


def write_event(session: Session, subject: RectificationNotice | AgreementReviewProposal, action: EffectAction, *,
                actor: Actor, now: datetime, note: str | None = None, after: dict | None = None) -> EffectEvent:
    key = "notice_id" if isinstance(subject, RectificationNotice) else "proposal_id"
    event = EffectEvent(**{key: subject.id}, action=action.value, actor_id=actor.user_id, org_id=actor.org_id,
                        at=now, note=note)
    session.add(event)
    session.flush()
    audit.record(session, actor, action.value, ENTITIES[type(subject)], subject.id, now=now,
                 after={"note": note, **(after or {})})
    return event
