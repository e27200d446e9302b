"""Builders for entitlements in tests."""
from datetime import date

from ltc.core.audit import SYSTEM
from ltc.entitlements import services
from ltc.entitlements.services import Conclusion
from tests.assessment_builders import past_conclusion
from tests.conftest import NOW

CONCLUDED = date(2026, 1, 20)


def conclusion(session, person, *, concluded_on: date = CONCLUDED, level: int = 4, agency=None):
    """A concluded application of ``person`` (history inserted directly), optionally dispatched to ``agency``."""
    app = past_conclusion(session, person.id, concluded_on, level=level)
    if agency is not None:
        app.agency_id = agency.id
        session.flush()
    return app


def grant(session, person, provider, *, care_type: str = "institution", conclusion_of=None, starts_on=None,
          level: int | None = None, replaces=None, actor=SYSTEM, now=NOW, **extra):
    concl = conclusion_of if conclusion_of is not None else conclusion(session, person)
    start = starts_on or services.first_start(care_type, concl)
    return services.grant_entitlement(
        session, person_id=person.id, level=level or concl.level, care_type=care_type, provider_id=provider.id,
        conclusion=concl, starts_on=start, replaces=replaces, actor=actor, now=now, **extra)


def plain_conclusion(level: int = 4, concluded_on: date = CONCLUDED, valid_to: date = date(2028, 1, 20)) -> Conclusion:
    return Conclusion(level, concluded_on, valid_to)
