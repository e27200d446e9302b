"""Policy store services (SPEC §0.3): the policy in force on a day; drafts, edits, publication.

Code reads typed values: ``policy_on(session, day).section("assessment")`` returns the
parsed ``AssessmentPolicy``. Writes flush, never commit; each state change writes a
PolicyEvent and an audit entry.
"""
import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar, overload

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.clock import local_today
from ltc.core.errors import Conflict, DomainError, InvalidTransition, NotFound, ValidationFailed
from ltc.policy.models import PolicyAction, PolicyEvent, PolicyStatus, PolicyVersion, check_transition
from ltc.policy.ref import ref_sections
from ltc.policy.schema import invalid_policy, parse_section, section_name, to_raw, validate_sections
from ltc.policy.timeline import timeline

T = TypeVar("T")
PUBLISHED = PolicyStatus.PUBLISHED.value


class NoPolicyInForce(DomainError):
    """No published version covers the date: the policy store is incomplete."""

    status = 409


# --- reading ---------------------------------------------------------------------------

_PARSED: dict[tuple[int, str], tuple[Any, Any]] = {}  # (version id, section) → (raw, parsed)


@dataclass(frozen=True)
class Policy:
    """A published version, detached from the session, with typed section accessors."""

    version_id: int
    number: int
    name: str
    effective_from: date
    effective_to: date | None
    sections: Mapping[str, Any]

    @overload
    def section(self, key: type[T]) -> T: ...
    @overload
    def section(self, key: str) -> Any: ...

    def section(self, key):
        """The parsed section (by name or by its registered dataclass). Raises ValidationFailed."""
        name = key if isinstance(key, str) else section_name(key)
        raw = self.sections.get(name, {})
        cached = _PARSED.get((self.version_id, name))
        if cached is not None and cached[0] == raw:
            return cached[1]
        parsed = parse_section(name, raw)
        if len(_PARSED) > 512:
            _PARSED.clear()
        _PARSED[(self.version_id, name)] = (copy.deepcopy(raw), parsed)
        return parsed


def _covering(day: date):
    return and_(PolicyVersion.status == PUBLISHED, PolicyVersion.effective_from <= day,
                or_(PolicyVersion.effective_to.is_(None), PolicyVersion.effective_to > day))


def _overlapping(start: date, end: date | None):
    conditions = [PolicyVersion.status == PUBLISHED,
                  or_(PolicyVersion.effective_to.is_(None), PolicyVersion.effective_to > start)]
    if end is not None:
        conditions.append(PolicyVersion.effective_from < end)
    return and_(*conditions)


def version_on(session: Session, day: date) -> PolicyVersion | None:
    """The published version whose ``[effective_from, effective_to)`` contains ``day``."""
    return session.scalars(select(PolicyVersion).where(_covering(day))).first()


def policy_on(session: Session, day: date) -> Policy:
    """The policy governing ``day``. Raises NoPolicyInForce when no published version covers it.
    The published versions are read once per transaction (``timeline``)."""
    version = timeline(session).on(day)
    if version is None:
        raise NoPolicyInForce("%(day)s 没有生效的政策版本", params={"day": day.isoformat()})
    return Policy(version.id, version.number, version.name, version.effective_from,
                  version.effective_to, version.sections)


def version_starts(session: Session, after: date, before: date) -> list[date]:
    """Days strictly between ``after`` and ``before`` where a published version starts."""
    return timeline(session).starts_within(after, before)


def get_version(session: Session, version_id: int) -> PolicyVersion:
    version = session.get(PolicyVersion, version_id)
    if version is None:
        raise NotFound("政策版本不存在")
    return version


def validate_version(version: PolicyVersion) -> dict[str, str]:
    """Errors (field path → reason) of ``version`` against every registered section schema."""
    return validate_sections(version.sections)


# --- writing ---------------------------------------------------------------------------

def _event(session: Session, version: PolicyVersion, action: PolicyAction, actor: Actor,
           now: datetime, note: str | None) -> None:
    session.add(PolicyEvent(version_id=version.id, action=action.value, user_id=actor.user_id,
                            at=now, note=note))


def create_draft(session: Session, *, actor: Actor, now: datetime, from_version: PolicyVersion | None = None,
                 name: str | None = None, note: str | None = None) -> PolicyVersion:
    """A new draft copying ``from_version``, else the version in force today, else the latest
    published one, else REF. It gets the next number."""
    source = from_version or version_on(session, local_today(now)) or session.scalars(
        select(PolicyVersion).where(PolicyVersion.status == PUBLISHED)
        .order_by(PolicyVersion.effective_from.desc())).first()
    number = (session.scalar(select(func.max(PolicyVersion.number))) or 0) + 1
    version = PolicyVersion(
        number=number, name=(name or "").strip() or f"第 {number} 版", status=PolicyStatus.DRAFT.value,
        sections=copy.deepcopy(source.sections) if source is not None else ref_sections(),
        created_by=actor.user_id, created_at=now, note=note)
    session.add(version)
    session.flush()
    origin = f"copy of version {source.number}" if source is not None else "copy of REF"
    _event(session, version, PolicyAction.CREATED, actor, now, note or origin)
    audit.record(session, actor, "create", "policy_version", version.id, now=now,
                 after={"number": number, "name": version.name}, detail=origin)
    session.flush()
    return version


def update_section(session: Session, version: PolicyVersion, name: str, raw: Any, *, actor: Actor,
                   now: datetime, note: str | None = None) -> PolicyVersion:
    """Replace section ``name`` of a draft with validated values.

    Raises InvalidTransition for a version that is not a draft and ValidationFailed
    (naming the field paths) for values that do not fit the section's schema.
    """
    if version.status != PolicyStatus.DRAFT:
        raise InvalidTransition("只能修改草稿版本", {"status": version.status})
    stored = to_raw(parse_section(name, raw))
    before = version.sections.get(name)
    version.sections = {**copy.deepcopy(version.sections), name: stored}
    session.flush()
    _event(session, version, PolicyAction.EDITED, actor, now, note or name)
    changed_before, changed_after = audit.changes(before or {}, stored)
    audit.record(session, actor, "update", "policy_version", version.id, now=now,
                 before={name: changed_before}, after={name: changed_after})
    session.flush()
    return version


def publish(session: Session, version: PolicyVersion, *, effective_from: date, actor: Actor, now: datetime,
            effective_to: date | None = None, note: str | None = None) -> PolicyVersion:
    """Publish a draft for ``[effective_from, effective_to)``.

    Every section must validate (ValidationFailed, naming the fields). The range must not
    overlap another published version (Conflict) — except that an open-ended published
    version that started before ``effective_from`` is ended at ``effective_from`` when the
    new version is itself open-ended ("from this date on, these rules").
    """
    check_transition(version.status, PolicyStatus.PUBLISHED)
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationFailed("结束日期必须晚于生效日期", {"effective_to": "must be after effective_from"})
    if errors := validate_version(version):
        raise invalid_policy(errors)
    to_close = None
    if effective_to is None:
        to_close = session.scalars(select(PolicyVersion).where(
            PolicyVersion.status == PUBLISHED, PolicyVersion.effective_to.is_(None),
            PolicyVersion.effective_from < effective_from)).first()
    clash = session.scalars(select(PolicyVersion).where(
        _overlapping(effective_from, effective_to), PolicyVersion.id != version.id,
        PolicyVersion.id != (to_close.id if to_close is not None else -1))).first()
    if clash is not None:
        raise Conflict("与已发布的第 %(number)s 版 [%(start)s, %(end)s) 重叠",
                       {"effective_from": "overlaps a published version"},
                       params={"number": clash.number, "start": str(clash.effective_from),
                               "end": str(clash.effective_to or "∞")})
    if to_close is not None:
        to_close.effective_to = effective_from
        session.flush()
        audit.record(session, actor, "close", "policy_version", to_close.id, now=now,
                     before={"effective_to": None}, after={"effective_to": effective_from},
                     detail=f"superseded by version {version.number}")
    version.status = PolicyStatus.PUBLISHED.value
    version.effective_from, version.effective_to = effective_from, effective_to
    version.published_by, version.published_at = actor.user_id, now
    session.flush()
    ended = f"ends version {to_close.number} on {effective_from}" if to_close is not None else None
    _event(session, version, PolicyAction.PUBLISHED, actor, now, "; ".join(filter(None, [note, ended])) or None)
    audit.record(session, actor, "publish", "policy_version", version.id, now=now,
                 after={"effective_from": effective_from, "effective_to": effective_to}, detail=ended)
    session.flush()
    return version


def retire(session: Session, version: PolicyVersion, *, actor: Actor, now: datetime,
           note: str | None = None) -> PolicyVersion:
    """Withdraw a draft, or a published version that has not yet taken effect.

    A version that has governed any day up to today stays (past months are replayed under
    it): Conflict. When a scheduled version is withdrawn, the published version that it
    would have ended is extended over its range again. Raises InvalidTransition otherwise.
    """
    check_transition(version.status, PolicyStatus.RETIRED)
    predecessor = None
    if version.status == PUBLISHED:
        if version.effective_from <= local_today(now):
            raise Conflict("已生效的政策版本不能废止；请发布新版本替代", {"status": "already in force"})
        predecessor = session.scalars(select(PolicyVersion).where(
            PolicyVersion.status == PUBLISHED, PolicyVersion.effective_to == version.effective_from)).first()
    version.status = PolicyStatus.RETIRED.value
    version.retired_at = now
    session.flush()
    if predecessor is not None:
        predecessor.effective_to = version.effective_to
        session.flush()
        audit.record(session, actor, "reopen", "policy_version", predecessor.id, now=now,
                     before={"effective_to": version.effective_from}, after={"effective_to": version.effective_to},
                     detail=f"version {version.number} retired")
    _event(session, version, PolicyAction.RETIRED, actor, now, note)
    audit.record(session, actor, "retire", "policy_version", version.id, now=now, detail=note)
    session.flush()
    return version
