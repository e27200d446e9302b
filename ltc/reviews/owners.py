"""How a step's owning organisation is found (the ``owner`` rule of a step, SPEC §4.1).

Owner rules are a registry, like subject types: ``register_owner_rule(name, org_kind, resolve)``
where ``resolve(session, parties, day)`` returns the owning organisation's id or None. A case
type (policy data) names a rule per step; the policy is refused when it names a rule nobody
registered (``unknown_owner_rules``, checked whenever the ``reviews`` section is validated).
``ltc.reviews.wire`` registers the built-in rules (``BUILT_IN``) and that check.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.core.errors import ValidationFailed
from ltc.orgs.kinds import OrgKind
from ltc.orgs.models import Organisation
from ltc.orgs.contracts import insurer_of_district
from ltc.people.models import InsuredPerson
from ltc.providers.services import district_on
from ltc.reviews.definitions import ReviewPolicy, owner_rule_errors
from ltc.reviews.registry import Parties

Resolve = Callable[[Session, Parties, date], int | None]


@dataclass(frozen=True)
class OwnerRule:
    name: str
    org_kind: str
    resolve: Resolve


OWNER_RULES: dict[str, OwnerRule] = {}


def register_owner_rule(name: str, org_kind: str, resolve: Resolve) -> OwnerRule:
    """Declare how the owner of a step with rule ``name`` (an organisation of ``org_kind``) is found."""
    rule = OwnerRule(name, org_kind, resolve)
    if OWNER_RULES.get(name, rule) != rule:
        raise ValueError(f"another owner rule {name!r} is registered")
    OWNER_RULES[name] = rule
    return rule


def owner_kind(rule: str) -> str:
    """The org kind owning steps with ``rule``. LookupError for an unregistered rule."""
    try:
        return OWNER_RULES[rule].org_kind
    except KeyError:
        raise LookupError(f"no owner rule {rule!r} is registered") from None


def resolve_owner(session: Session, rule: str, parties: Parties, day: date) -> int:
    """The organisation id owning a step with ``rule`` on ``day``. Raises ValidationFailed when none is found."""
    found = OWNER_RULES[rule].resolve(session, parties, day) if rule in OWNER_RULES else None
    if found is None:
        raise ValidationFailed("找不到负责该审核步骤的机构（%(rule)s）", {"owner": rule}, params={"rule": rule})
    return found


def unknown_owner_rules(policy: ReviewPolicy) -> dict[str, str]:
    """Errors (path → reason) of the steps naming an unregistered owner rule."""
    return owner_rule_errors(policy, OWNER_RULES.keys())


# --- the built-in rules ----------------------------------------------------------------

def _district_insurer(session: Session, parties: Parties, day: date) -> int | None:
    """The subject's district (``parties.district``), else the person's."""
    district = parties.district
    if district is None and parties.person_id:
        district = session.scalar(select(InsuredPerson.district).where(InsuredPerson.id == parties.person_id))
    return insurer_of_district(session, district, day)


def _provider_district_insurer(session: Session, parties: Parties, day: date) -> int | None:
    """The insurer of the provider's district on ``day`` (SPEC §4.1: settlements and appeals)."""
    if not parties.provider_id:
        return None
    return insurer_of_district(session, district_on(session, parties.provider_id, day), day)


def _mia(session: Session, parties: Parties, day: date) -> int | None:
    return session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.MIA).order_by(Organisation.id))


def _subject_provider(session: Session, parties: Parties, day: date) -> int | None:
    return parties.provider_id


def _subject_agency(session: Session, parties: Parties, day: date) -> int | None:
    return parties.agency_id


#: (name, org kind, resolve) of the rules every city has
BUILT_IN = (
    ("subject_provider", OrgKind.PROVIDER, _subject_provider),
    ("subject_agency", OrgKind.AGENCY, _subject_agency),
    ("district_insurer", OrgKind.INSURER, _district_insurer),
    ("provider_district_insurer", OrgKind.INSURER, _provider_district_insurer),
    ("mia", OrgKind.MIA, _mia),
)
