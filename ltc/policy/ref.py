"""REF, the default parameter set (SPEC preamble): version 1 of the policy store.

Plain JSON-able data (decimals as strings) so a data migration can insert it as is.
Each domain registers its section with its REF values (``schema.register_section``); this
module composes them.
"""
import copy
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core import audit
from ltc.core.audit import SYSTEM
from ltc.core.errors import ValidationFailed
from ltc.policy.models import PolicyAction, PolicyEvent, PolicyStatus, PolicyVersion
from ltc.policy.schema import REF_VALUES, validate_sections

REF_NAME = "REF"
REF_EFFECTIVE_FROM = date(2020, 1, 1)
#: section name → REF values, as the domains registered them (read-only; ``ref_sections()`` copies)
REF_SECTIONS = REF_VALUES



def ref_sections() -> dict[str, dict]:
    """A deep copy of REF (every registered section's REF values), safe to modify."""
    return copy.deepcopy(REF_VALUES)


def seed_ref(session: Session, *, now: datetime) -> PolicyVersion | None:
    """Create version 1 "REF", published from 2020-01-01, open-ended.

    Does nothing (returns None) when any version exists. Raises ValidationFailed if REF
    does not satisfy the registered section schemas (a programming error).
    """
    if session.scalar(select(PolicyVersion.id).limit(1)) is not None:
        return None
    sections = ref_sections()
    if errors := validate_sections(sections):
        raise ValidationFailed("REF 政策参数无效", errors)
    version = PolicyVersion(number=1, name=REF_NAME, status=PolicyStatus.PUBLISHED.value,
                            effective_from=REF_EFFECTIVE_FROM, sections=sections, created_at=now,
                            published_at=now, note="默认参数集 REF")
    session.add(version)
    session.flush()
    for action in (PolicyAction.CREATED, PolicyAction.PUBLISHED):
        session.add(PolicyEvent(version_id=version.id, action=action.value, at=now, note="REF"))
    audit.record(session, SYSTEM, "publish", "policy_version", version.id, now=now,
                 after={"number": 1, "name": REF_NAME, "effective_from": REF_EFFECTIVE_FROM})
    session.flush()
    return version
