"""The audit's random sample (SPEC §7.3): max(3, ⌈rate × beneficiaries⌉), the rate by the provider's
monthly star on the 1st of M+1, a stored seed that reproduces the draw."""
from decimal import Decimal

import pytest

from ltc.billing.review import sampling, stars
from ltc.billing.review.policy import REF, SettlementReviewPolicy
from ltc.core.errors import Conflict
from ltc.policy.schema import parse_as
from tests.settlement_review_builders import AUDIT_NOW, NOW, actor, settlement
from ltc.billing.review import workflow

POLICY = parse_as(SettlementReviewPolicy, REF, "settlement_review")


@pytest.mark.parametrize(("star", "persons", "size"), [
    (None, 10, 3), (None, 100, 5), (None, 101, 6), (1, 100, 15), (2, 40, 6), (3, 100, 5), (4, 100, 3),
    (5, 1000, 30), (5, 2, 2), (1, 0, 0),
])
def test_sample_size_is_the_larger_of_three_and_the_rate_by_star_rounded_up(star, persons, size):
    assert sampling.sample_size(POLICY.sample_rate(star), persons, POLICY.sample_minimum) == size


def test_the_rates_by_star_are_refs():
    assert [POLICY.sample_rate(s) for s in (1, 2, 3, 4, 5, None)] == [Decimal(x) for x in (
        "0.15", "0.15", "0.05", "0.03", "0.03", "0.05")]


def test_the_same_seed_draws_the_same_persons_and_another_seed_may_not():
    persons = list(range(1, 201))
    assert sampling.draw(persons, 10, 42) == sampling.draw(list(reversed(persons)), 10, 42)
    assert len(set(sampling.draw(persons, 10, 42))) == 10
    assert any(sampling.draw(persons, 10, seed) != sampling.draw(persons, 10, 42) for seed in range(1, 5))


def _submitted(session, world, persons):
    built = settlement(session, world, persons=persons, visits_each=1, flagged_each=0, with_reject=False)
    workflow.submit(session, built.settlement, remarks={}, actor=actor(world, "pr_op"), now=NOW)
    return built


def test_the_stored_sample_is_reproduced_from_its_seed_and_is_drawn_once(session, world):
    built = _submitted(session, world, persons=12)
    chosen = sampling.draw_sample(session, built.settlement, actor=actor(world, "ins_op"), now=AUDIT_NOW)
    row = workflow.audit_row(session, built.settlement)
    assert (row.star, row.sample_rate, row.beneficiaries, row.sample_size) == (None, Decimal("0.05"), 12, 3)
    assert row.sample_seed is not None and len(chosen) == 3
    assert sampling.sampled_persons(session, built.settlement) == chosen == sampling.redraw(session, built.settlement)
    with pytest.raises(Conflict):
        sampling.draw_sample(session, built.settlement, actor=actor(world, "ins_op"), now=AUDIT_NOW)


def test_the_providers_monthly_star_on_the_first_of_the_next_month_sets_the_rate(session, world, monkeypatch):
    seen = []

    def reader(_session, provider_id, day):
        seen.append((provider_id, day))
        return 1

    monkeypatch.setattr(stars, "_reader", reader)
    built = _submitted(session, world, persons=30)
    chosen = sampling.draw_sample(session, built.settlement, actor=actor(world, "ins_rev"), now=AUDIT_NOW, seed=5)
    row = workflow.audit_row(session, built.settlement)
    assert (row.star, row.sample_rate, row.sample_size, len(chosen)) == (1, Decimal("0.15"), 5, 5)
    assert seen == [(world.provider.id, built.settlement.month.replace(month=7))]
