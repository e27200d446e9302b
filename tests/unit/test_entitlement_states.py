"""Entitlement request statuses (SPEC §4.2): an open request ends as its review case ends."""
import pytest

from ltc.core.errors import InvalidTransition
from ltc.entitlements.states import (END_REASON_LABELS, ORIGIN_LABELS, TRANSITIONS, EndReason, Origin,
                                     RequestStatus, check_transition)

R = RequestStatus
ALLOWED = [(R.OPEN, R.GRANTED), (R.OPEN, R.DECLINED), (R.OPEN, R.REJECTED), (R.OPEN, R.CANCELLED)]


@pytest.mark.parametrize("current,target", ALLOWED)
def test_an_open_request_ends_as_its_case_ends(current, target):
    assert check_transition(current, target) is target
    assert check_transition(current.value, target.value) is target


def test_the_table_allows_nothing_else():
    assert {(s, t) for s, targets in TRANSITIONS.items() for t in targets} == set(ALLOWED)


@pytest.mark.parametrize("current,target", [
    (R.NOT_OPENED, R.OPEN),        # a request not opened stays with its reason; a new one is made
    (R.NOT_OPENED, R.GRANTED),
    (R.GRANTED, R.CANCELLED),      # a granted request is final
    (R.CANCELLED, R.OPEN),
    (R.DECLINED, R.GRANTED),
])
def test_a_request_that_is_not_open_is_refused_any_move(current, target):
    with pytest.raises(InvalidTransition) as caught:
        check_transition(current, target)
    assert caught.value.fields == {"status": f"cannot move from {current.value} to {target.value}"}


def test_an_unknown_status_is_refused():
    with pytest.raises(InvalidTransition):
        check_transition("granted", "paid")


def test_every_origin_and_end_reason_has_a_label():
    assert set(ORIGIN_LABELS) == set(Origin) and set(END_REASON_LABELS) == set(EndReason)
