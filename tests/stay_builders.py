"""Builders for stays and leaves in tests: residents of the world's nursing home and their stays."""
from datetime import date

import pytest

from ltc.auth.services import actor_of
from ltc.policy.ref import seed_ref
from ltc.providers.records import checks
from ltc.providers.records import stays as services
from tests.conftest import NOW
from tests.entitlement_builders import grant
from tests.people_builders import person


def resident(session, world, n: int = 1, *, name: str = "李四", district: str = "东城区", provider=None,
             care_type: str = "institution"):
    """A person with an entitlement at ``provider`` (the world's nursing home by default)."""
    seed_ref(session, now=NOW)
    p = person(session, n, name=name, district=district)
    grant(session, p, provider or world.provider2, care_type=care_type)
    session.flush()
    return p


def admit(session, world, p, admitted: date, discharged: date | None = None, *, who: str = "pr2_op",
          care_type: str = "institution", provider=None, **kw):
    return services.admit(session, provider_id=(provider or world.provider2).id, person_id=p.id,
                          care_type=care_type, admitted_on=admitted, discharged_on=discharged,
                          actor=actor_of(world.users[who]), now=NOW, **kw).record


class FakeFinding:
    rule, severity, params, evidence = "E01", "REJECT", {}, {}
    message = "无有效待遇"


@pytest.fixture
def fake_checker(monkeypatch):
    """A registered entry-time checker that finds one E01 on every record; the calls it saw."""
    seen: list[tuple] = []

    def checker(session, kind, record, *, now):
        seen.append((kind, record.id))
        return [FakeFinding()]

    monkeypatch.setattr(checks, "_checkers", [checker])
    return seen
