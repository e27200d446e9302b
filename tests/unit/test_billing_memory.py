"""A settlement generation runs with fewer young collections; the thresholds come back afterwards,
when the last of several generations running together ends (even on an error)."""
import gc

import pytest

from ltc.billing.memory import YOUNG_THRESHOLD, fewer_collections


def test_the_young_threshold_is_raised_while_generations_run_and_restored_after_the_last():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        with fewer_collections():
            assert gc.get_threshold()[0] == YOUNG_THRESHOLD
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD   # the outer one still runs
    assert gc.get_threshold() == before


def test_an_error_restores_the_thresholds():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections():
        raise RuntimeError("unit failed")
    assert gc.get_threshold() == before
