"""The rectification notice's workflow (SPEC §8 effects, §1): the provider's operator answers in writing
(a file optional), the insurer that owns the notice checks the answer — accepted closes the notice, not
accepted (with a reason) returns it to the provider for a new answer. Every step is an event."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.orgs.contracts import insurer_of_district
from ltc.providers.services import district_on
from ltc.ratings.effects.kinds import CheckDecision, EffectAction, NoticeStatus
from ltc.ratings.effects.models import REASON_MAX, TEXT_MAX, RectificationNotice, RectificationResponse
from ltc.ratings.effects.services.trail import write_event


@dataclass(frozen=True)
class AttachedFile:
    file_name: str
    content_type: str
    sha256: str
    storage_path: str


def _require(notice: RectificationNotice, status: NoticeStatus) -> None:
    if notice.status != status:
        raise InvalidTransition("该整改通知当前不能进行此操作", {"status": notice.status})


def respond(session: Session, notice: RectificationNotice, *, text: str, attached: AttachedFile | None,
            actor: Actor, now: datetime) -> RectificationResponse:
    """The provider's written response. Raises Forbidden (another organisation), InvalidTransition (not
    waiting for a response) or ValidationFailed (no text, too long)."""
    if actor.org_id != notice.provider_id:
        raise Forbidden("只有被通知的护理机构可以答复")
    _require(notice, NoticeStatus.AWAITING_RESPONSE)
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写整改情况", {"text": "required"})
    if len(text) > TEXT_MAX:
        raise ValidationFailed("整改情况不能超过 %(n)s 个字符", {"text": "too long"}, params={"n": TEXT_MAX})
    response = RectificationResponse(text=text, responded_by=actor.user_id, responded_at=now)
    if attached is not None:
        response.file_name, response.file_type = attached.file_name, attached.content_type
        response.file_sha256, response.file_path = attached.sha256, attached.storage_path
    notice.responses.append(response)
    notice.status = NoticeStatus.AWAITING_CHECK.value
    if notice.insurer_id is None:   # no contract covered the district at issue: the insurer of today checks
        today = local_today(now)
        notice.insurer_id = insurer_of_district(session, district_on(session, notice.provider_id, today), today)
    session.flush()
    write_event(session, notice, EffectAction.RESPONDED, actor=actor, now=now, note=text,
                after={"file": response.file_name, "sha256": response.file_sha256})
    return response


def check_response(session: Session, notice: RectificationNotice, *, decision: str, reason: str | None,
                   actor: Actor, now: datetime) -> RectificationResponse:
    """The insurer's check of the latest response. Raises Forbidden (not the notice's insurer),
    InvalidTransition (no response waiting) or ValidationFailed (unknown decision; no reason for
    "not accepted")."""
    if actor.org_id != notice.insurer_id:
        raise Forbidden("只有负责该机构所在区县的承办机构可以核查")
    _require(notice, NoticeStatus.AWAITING_CHECK)
    if decision not in set(CheckDecision):
        raise ValidationFailed("核查结论无效", {"decision": "invalid"})
    reason = (reason or "").strip() or None
    if decision == CheckDecision.NOT_ACCEPTED and not reason:
        raise ValidationFailed("核查不通过须填写原因", {"reason": "required"})
    if reason and len(reason) > REASON_MAX:
        raise ValidationFailed("原因不能超过 %(n)s 个字符", {"reason": "too long"}, params={"n": REASON_MAX})
    response = session.scalars(select(RectificationResponse).where(RectificationResponse.notice_id == notice.id)
                               .order_by(RectificationResponse.id.desc()).limit(1)).one()
    response.decision, response.check_reason = decision, reason
    response.checked_by, response.checked_at = actor.user_id, now
    accepted = decision == CheckDecision.ACCEPTED
    notice.status = (NoticeStatus.ACCEPTED if accepted else NoticeStatus.AWAITING_RESPONSE).value
    session.flush()
    write_event(session, notice, EffectAction.ACCEPTED if accepted else EffectAction.NOT_ACCEPTED, actor=actor,
                now=now, note=reason)
    return response
