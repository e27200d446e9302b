"""The review case lifecycle of SPEC §4.1: an open case ends once, in one of four ways."""
import pytest

from ltc.core.errors import InvalidTransition
from ltc.reviews.states import END_STATUS, STATUS_LABELS, TRANSITIONS, CaseStatus, Decision, check_transition

S = CaseStatus
ALLOWED = [(S.OPEN, S.COMPLETED), (S.OPEN, S.DECLINED), (S.OPEN, S.REJECTED), (S.OPEN, S.CANCELLED)]


@pytest.mark.parametrize("current,target", ALLOWED)
def test_an_open_case_may_end_each_way(current, target):
    assert check_transition(current, target) is target
    assert check_transition(current.value, target.value) is target


def test_the_table_allows_nothing_else():
    assert {(s, t) for s, targets in TRANSITIONS.items() for t in targets} == set(ALLOWED)


@pytest.mark.parametrize("current,target", [
    (S.COMPLETED, S.CANCELLED),   # an ended case never changes again
    (S.DECLINED, S.OPEN),
    (S.CANCELLED, S.CANCELLED),
    (S.OPEN, S.OPEN),
    (S.REJECTED, S.COMPLETED),
])
def test_an_ended_case_is_refused_any_move(current, target):
    with pytest.raises(InvalidTransition) as caught:
        check_transition(current, target)
    assert f"{current.value} to {target.value}" in caught.value.fields["status"]
    assert caught.value.status == 409


def test_an_unknown_status_is_refused():
    with pytest.raises(InvalidTransition):
        check_transition("open", "paused")


def test_only_decline_and_reject_end_a_case_by_decision():
    assert END_STATUS == {Decision.DECLINE: S.DECLINED, Decision.REJECT: S.REJECTED}


def test_every_status_has_a_label():
    assert set(STATUS_LABELS) == set(CaseStatus)


def test_the_policy_schema_allows_exactly_the_decisions_of_the_lifecycle():
    from typing import get_args

    from ltc.reviews import definitions

    assert set(get_args(definitions.Decision)) == set(Decision) == set(definitions.DECISION_LABELS)
    assert definitions.ENDING == set(END_STATUS)
