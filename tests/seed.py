"""Reference data seeded once per test session (committed), which every test reuses: the REF
policy, the national-scale ruleset and the service catalogue. Each test still rolls back its own
changes; a test about seeding itself, or one that needs an empty store, asks for ``unseeded``."""
from sqlalchemy import delete, select

from ltc.assessment.scale.models import AssessmentRuleset
from ltc.assessment.scale.services import seed_rulesets
from ltc.core.audit import SYSTEM, AuditEntry
from ltc.policy.models import PolicyEvent, PolicyVersion
from ltc.policy.ref import seed_ref
from ltc.providers.catalogue import services as catalogue_services
from ltc.providers.catalogue.models import ServiceItem, ServiceItemCareType, ServiceItemMinutes, ServiceItemStaffType

#: the tables the seed fills, children first; the seed is all they hold between tests
SEEDED = (ServiceItemMinutes, ServiceItemCareType, ServiceItemStaffType, ServiceItem, AssessmentRuleset,
          PolicyEvent, PolicyVersion, AuditEntry)


def seed_reference_data(session, *, now) -> None:
    """What builders used to seed in every test; idempotent."""
    seed_ref(session, now=now)
    seed_rulesets(session, actor=SYSTEM, now=now)
    if session.scalar(select(ServiceItem.id).limit(1)) is None:
        catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=now)
    session.flush()


def has_catalogue(session) -> bool:
    return session.scalar(select(ServiceItem.id).limit(1)) is not None


def remove_reference_data(session) -> None:
    """Delete the seed inside the caller's transaction (rolled back with the test)."""
    for model in SEEDED:
        session.execute(delete(model))
    session.flush()
