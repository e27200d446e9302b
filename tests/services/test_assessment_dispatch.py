"""Dispatch (SPEC §3.1): least-loaded active agency, seeded tie-break, manual override."""
from datetime import date, timedelta

import pytest

from ltc.assessment.applications.services import dispatch
from ltc.assessment.applications.services.dispatch import agency_loads, pick_agency
from ltc.core.errors import Forbidden, InvalidTransition, ValidationFailed
from ltc.orgs.services import set_status
from tests.assessment_builders import accepted, dispatched, file
from tests.conftest import NOW, TODAY
from tests.people_builders import person


@pytest.fixture
def c(shared_cast):
    return shared_cast


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


def end_agreement(session, c, agency: int, last_day: date):
    """The agency's agreement (from the builder: 2025-01-01 … 2027-12-31) ends after ``last_day``."""
    period = c.agencies[agency].org.agreements[0]
    period.valid_to = last_day + timedelta(days=1)
    session.flush()


def test_an_agency_outside_its_agreement_period_is_not_dispatched(session, c):
    end_agreement(session, c, 0, TODAY - timedelta(days=1))
    end_agreement(session, c, 1, TODAY)  # the last day of the agreement still counts
    assert agency_loads(session, TODAY) == {ids(c)[1]: 0, ids(c)[2]: 0}
    assert dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW).agency_id in ids(c)[1:]


def test_an_agency_without_any_agreement_is_not_dispatched(session, c):
    for period in c.agencies[2].org.agreements:
        session.delete(period)
    session.flush()
    assert set(agency_loads(session, TODAY)) == set(ids(c)[:2])


def test_a_manual_choice_outside_the_agreement_period_is_refused_with_the_reason(session, c):
    end_agreement(session, c, 1, TODAY - timedelta(days=1))
    app = accepted(session, c)
    with pytest.raises(ValidationFailed) as caught:
        dispatch.dispatch(session, app.id, actor=c.ins, now=NOW, agency_id=ids(c)[1], reason="就近评估")
    assert "协议期" in caught.value.message and "评估机构乙" in caught.value.message
    assert caught.value.fields == {"agency_id": "outside its agreement period"}
    assert app.status == "accepted"


def test_a_manual_choice_of_a_suspended_agency_says_so(session, c):
    set_status(session, c.agencies[1].org, actor=c.ins, now=NOW, status="suspended", valid_from=date(2026, 3, 1))
    with pytest.raises(ValidationFailed) as caught:
        dispatch.dispatch(session, accepted(session, c).id, actor=c.ins, now=NOW, agency_id=ids(c)[1], reason="就近")
    assert "暂停" in caught.value.message or "非正常" in caught.value.message
