"""Dispatch (SPEC §3.1): least-loaded active agency, seeded tie-break, manual override."""
from datetime import date

import pytest

from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services.dispatch import agency_loads, pick_agency
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.orgs.services import set_status
from tests.assessment_builders import accepted, cast, dispatched, file
from tests.conftest import NOW, TODAY
from tests.people_builders import person


@pytest.fixture
def c(session, world):
    return cast(session, world)


def busy(session, c, agency: int, n: int):
    """An open case at agency ``agency`` for a new person ``n``."""
    dispatched(session, c, agency=agency, person_id=person(session, n, name=f"忙{n}").id)


def ids(c) -> list[int]:
    return [a.org.id for a in c.agencies]


def test_the_least_loaded_active_agency_is_picked(session, c):
    busy(session, c, 0, 11)
    busy(session, c, 1, 12)
    busy(session, c, 1, 13)
    assert agency_loads(session, TODAY) == {ids(c)[0]: 1, ids(c)[1]: 2, ids(c)[2]: 0}
    app = dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW)
    assert (app.status, app.agency_id, app.dispatch_method) == ("dispatched", ids(c)[2], "random")
    assert app.dispatched_on == TODAY
    event = app.events[-1]
    assert (event.from_status, event.to_status, event.action) == ("accepted", "dispatched", "dispatch")
    assert event.data["loads"] == {str(ids(c)[0]): 1, str(ids(c)[1]): 2, str(ids(c)[2]): 0}


def test_a_tie_is_broken_by_the_stored_seed_which_reproduces_the_choice(session, c):
    app = dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW)
    assert app.dispatch_seed is not None
    assert app.agency_id == pick_agency({i: 0 for i in ids(c)}, app.dispatch_seed)
    assert app.events[-1].data["seed"] == app.dispatch_seed


def test_a_given_seed_decides_among_tied_agencies(session, c):
    tied = {i: 0 for i in ids(c)}
    seed_for = {pick_agency(tied, s): s for s in range(30)}
    assert set(seed_for) == set(ids(c))
    middle = ids(c)[1]
    app = dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW, seed=seed_for[middle])
    assert (app.agency_id, app.dispatch_seed) == (middle, seed_for[middle])


def test_suspended_agencies_are_not_dispatched(session, c):
    for a in c.agencies[:2]:
        set_status(session, a.org, actor=c.ins, now=NOW, status="suspended", valid_from=date(2026, 3, 1))
    assert agency_loads(session, TODAY) == {ids(c)[2]: 0}
    assert dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW).agency_id == ids(c)[2]


def test_a_manual_choice_needs_a_reason_and_an_active_agency(session, c):
    app = accepted(session, c)
    with pytest.raises(ValidationFailed) as caught:
        dispatch.dispatch(session, app.id, actor=c.ins, now=NOW, agency_id=ids(c)[1], reason=" ")
    assert "reason" in caught.value.fields
    with pytest.raises(ValidationFailed) as caught:
        dispatch.dispatch(session, app.id, actor=c.ins, now=NOW, agency_id=c.world.provider.id, reason="就近")
    assert "agency_id" in caught.value.fields
    assert app.status == "accepted"
    app = dispatch.dispatch(session, app.id, actor=c.ins, now=NOW, agency_id=ids(c)[1], reason="就近评估")
    assert (app.agency_id, app.dispatch_method, app.dispatch_reason, app.dispatch_seed) == (
        ids(c)[1], "manual", "就近评估", None)


@pytest.mark.parametrize("username", ["ins_rev", "pr_op", "ag_admin", "mia_admin"])
def test_only_insurer_operators_dispatch(session, c, username):
    app = accepted(session, c)
    with pytest.raises(Forbidden):
        dispatch.dispatch(session, app.id, actor=c.actor(username), now=NOW)


def test_only_accepted_applications_are_dispatched(session, c):
    app = file(session, c)
    with pytest.raises(InvalidTransition):
        dispatch.dispatch(session, app.id, actor=c.ins, now=NOW)
    assert app.agency_id is None
