"""Scoped reads of dynamic management (SPEC §1 scope): a provider sees its own notices, an insurer the
notices it checks, the MIA everything; agreement-review proposals are the MIA's alone."""
from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.scope import scoped
from ltc.orgs.models import Organisation
from ltc.ratings.effects.kinds import NoticeStatus, ProposalStatus
from ltc.ratings.effects.models import AgreementReviewProposal, EffectEvent, RectificationNotice

#: what each party has to do: the provider answers, the insurer checks
TO_DO = {"provider": NoticeStatus.AWAITING_RESPONSE, "insurer": NoticeStatus.AWAITING_CHECK}


def notices_in_scope(user: User):
    if user.org_kind == "mia":
        return None
    if user.org_kind == "insurer":
        return RectificationNotice.insurer_id == user.org_id
    if user.org_kind == "provider":
        return RectificationNotice.provider_id == user.org_id
    return false()


def proposals_in_scope(user: User):
    return None if user.org_kind == "mia" else false()


def notices(user: User, *, status: str | None = None) -> Select:
    """(notice, provider name) rows in scope, newest first, optionally of one status."""
    stmt = (select(RectificationNotice, Organisation.name)
            .join(Organisation, Organisation.id == RectificationNotice.provider_id)
            .order_by(RectificationNotice.issued_on.desc(), RectificationNotice.id.desc()))
    if status:
        stmt = stmt.where(RectificationNotice.status == status)
    return scoped(stmt, RectificationNotice, user)


def to_do(user: User) -> Select | None:
    """The notices waiting for the user's organisation (None: the organisation has no step)."""
    status = TO_DO.get(user.org_kind)
    return None if status is None else notices(user, status=status.value)


def proposals(user: User, *, status: str | None = None) -> Select:
    stmt = (select(AgreementReviewProposal, Organisation.name)
            .join(Organisation, Organisation.id == AgreementReviewProposal.provider_id)
            .order_by(AgreementReviewProposal.proposed_at.desc(), AgreementReviewProposal.id.desc()))
    if status:
        stmt = stmt.where(AgreementReviewProposal.status == status)
    return scoped(stmt, AgreementReviewProposal, user)


def pending_proposals(user: User) -> Select:
    return proposals(user, status=ProposalStatus.PENDING.value)


def events_of(session: Session, subject: RectificationNotice | AgreementReviewProposal) -> list[EffectEvent]:
    column = EffectEvent.notice_id if isinstance(subject, RectificationNotice) else EffectEvent.proposal_id
    return list(session.scalars(select(EffectEvent).where(column == subject.id).order_by(EffectEvent.id)))


def actor_names(session: Session, events: list[EffectEvent]) -> dict[int, str]:
    """The names of the users who acted, by id (the system's steps have none)."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.full_name).where(User.id.in_(ids))).all())
