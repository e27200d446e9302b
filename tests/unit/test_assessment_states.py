"""The application lifecycle table of SPEC §3.1."""
import pytest

from ltc.assessment.applications.states import (OPEN, TERMINAL, TRANSITIONS, Status, check_transition, is_open)
from ltc.core.errors import InvalidTransition

S = Status
FORWARD = [
    (S.SUBMITTED, S.ACCEPTED), (S.SUBMITTED, S.REFUSED),
    (S.ACCEPTED, S.DISPATCHED),
    (S.DISPATCHED, S.SCHEDULED),
    (S.SCHEDULED, S.RESCHEDULED), (S.RESCHEDULED, S.RESCHEDULED),
    (S.SCHEDULED, S.ASSESSED), (S.RESCHEDULED, S.ASSESSED),
    (S.ASSESSED, S.CONFIRMED),
    (S.CONFIRMED, S.PUBLICIZED), (S.CONFIRMED, S.CONCLUDED),
    (S.PUBLICIZED, S.CONCLUDED), (S.PUBLICIZED, S.OBJECTED), (S.CONCLUDED, S.OBJECTED),
    (S.OBJECTED, S.CONCLUDED), (S.OBJECTED, S.PUBLICIZED),   # the 复评 concludes it; the objection is withdrawn
]
OPEN_STATES = [S.SUBMITTED, S.ACCEPTED, S.DISPATCHED, S.SCHEDULED, S.RESCHEDULED, S.ASSESSED,
               S.CONFIRMED, S.PUBLICIZED, S.OBJECTED]
# an objected parent cannot itself be withdrawn (SPEC §3.1); it can be cancelled
CLOSING = [(s, t) for s in OPEN_STATES for t in (S.WITHDRAWN, S.CANCELLED) if (s, t) != (S.OBJECTED, S.WITHDRAWN)]
ALLOWED = FORWARD + CLOSING


@pytest.mark.parametrize("current,target", ALLOWED)
def test_every_allowed_transition(current, target):
    assert check_transition(current, target) is target
    assert check_transition(current.value, target.value) is target


def test_the_table_allows_nothing_else():
    table = {(s, t) for s, targets in TRANSITIONS.items() for t in targets}
    assert table == set(ALLOWED)


@pytest.mark.parametrize("current,target", [
    (S.SUBMITTED, S.DISPATCHED),      # skipping acceptance
    (S.ACCEPTED, S.SCHEDULED),        # skipping dispatch
    (S.DISPATCHED, S.ASSESSED),       # no visit booked
    (S.DISPATCHED, S.RESCHEDULED),
    (S.ASSESSED, S.PUBLICIZED),       # not confirmed
    (S.ASSESSED, S.CONCLUDED),
    (S.CONFIRMED, S.OBJECTED),        # nothing published yet
    (S.REFUSED, S.ACCEPTED),          # terminal
    (S.REFUSED, S.CANCELLED),
    (S.CONCLUDED, S.WITHDRAWN),
    (S.CONCLUDED, S.CANCELLED),
    (S.CONCLUDED, S.PUBLICIZED),
    (S.WITHDRAWN, S.SUBMITTED),
    (S.CANCELLED, S.CANCELLED),
    (S.OBJECTED, S.WITHDRAWN),        # withdraw the objection instead
    (S.SUBMITTED, S.SUBMITTED),
])
def test_forbidden_transitions_raise_with_both_states_named(current, target):
    with pytest.raises(InvalidTransition) as caught:
        check_transition(current, target)
    from ltc.assessment.applications.states import STATUS_LABELS

    message = caught.value.message  # in words (issue 9 point 10); the codes stay in ``fields`` for the API
    assert f"“{STATUS_LABELS[current]}”" in message and f"“{STATUS_LABELS[target]}”" in message
    assert current.value not in message and f"{current.value} to {target.value}" in caught.value.fields["status"]
    assert caught.value.status == 409


def test_unknown_states_are_refused():
    with pytest.raises(InvalidTransition):
        check_transition("submitted", "approved")
    with pytest.raises(InvalidTransition):
        check_transition("draft", "submitted")


def test_open_and_terminal_states_partition_the_statuses():
    assert OPEN | TERMINAL == set(Status) and not OPEN & TERMINAL
    assert TERMINAL == {S.REFUSED, S.CONCLUDED, S.WITHDRAWN, S.CANCELLED}
    assert all(is_open(s) for s in OPEN_STATES)
    assert not any(is_open(s) for s in TERMINAL)
