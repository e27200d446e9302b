"""How a step's owning organisation is found (the ``owner`` rule of a step, SPEC §4.1)."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.errors import ValidationFailed
from ltc.orgs.models import Organisation
from ltc.people.models import InsuredPerson
from ltc.reviews.registry import Parties


def resolve_owner(session: Session, rule: str, parties: Parties) -> int:
    """The organisation id owning a step with ``rule``. Raises ValidationFailed when none is found."""
    if rule == "subject_provider" and parties.provider_id:
        return parties.provider_id
    if rule == "subject_agency" and parties.agency_id:
        return parties.agency_id
    if rule == "district_insurer" and parties.person_id:
        district = session.scalar(select(InsuredPerson.district).where(InsuredPerson.id == parties.person_id))
        insurer = district_insurer(session, district)
        if insurer is not None:
            return insurer
    if rule == "mia":
        mia = session.scalar(select(Organisation.id).where(Organisation.kind == "mia").order_by(Organisation.id))
        if mia is not None:
            return mia
    raise ValidationFailed(f"找不到负责该审核步骤的机构（{rule}）", {"owner": rule})


def district_insurer(session: Session, district: str | None) -> int | None:
    """The insurer responsible for ``district`` (the lowest id if several claim it)."""
    if not district:
        return None
    insurers = session.execute(select(Organisation.id, Organisation.districts)
                               .where(Organisation.kind == "insurer").order_by(Organisation.id)).all()
    return next((org_id for org_id, districts in insurers if district in (districts or [])), None)
