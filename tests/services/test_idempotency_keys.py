"""Claiming an Idempotency-Key (``ltc.api.idempotency``): the first request holds the key, a later
one gets the stored row; another request under the same key is refused; keys are per user."""
import pytest

from ltc.api.idempotency import Fingerprint, KeyReused, check_replay, claim
from tests.conftest import NOW

REQUEST = Fingerprint("POST", "/api/v1/carer/visits/check-in", "a" * 64)


def test_the_first_claim_holds_the_key_and_a_later_one_reads_it(session, world):
    user_id = world.users["pr_carer"].id
    row, mine = claim(session, user_id=user_id, key="k", fingerprint=REQUEST, now=NOW)
    assert mine and row.id is not None and row.response_status is None
    row.response_status, row.response_body = 201, {"visit": {"id": 7}}
    session.flush()
    again, mine = claim(session, user_id=user_id, key="k", fingerprint=REQUEST, now=NOW)
    assert not mine and again.id == row.id and again.response_body == {"visit": {"id": 7}}
    check_replay(again, REQUEST)


@pytest.mark.parametrize("other", [Fingerprint("POST", REQUEST.path, "b" * 64),
                                   Fingerprint("POST", "/api/v1/carer/visits/batch", REQUEST.body_hash),
                                   Fingerprint("PATCH", REQUEST.path, REQUEST.body_hash)])
def test_another_request_under_the_same_key_is_refused(session, world, other):
    row, _ = claim(session, user_id=world.users["pr_carer"].id, key="k", fingerprint=REQUEST, now=NOW)
    with pytest.raises(KeyReused) as refused:
        check_replay(row, other)
    assert refused.value.status == 422


def test_keys_are_per_user(session, world):
    first, _ = claim(session, user_id=world.users["pr_carer"].id, key="k", fingerprint=REQUEST, now=NOW)
    second, mine = claim(session, user_id=world.users["pr_op"].id, key="k", fingerprint=REQUEST, now=NOW)
    assert mine and second.id != first.id
