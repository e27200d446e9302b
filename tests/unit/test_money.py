from decimal import Decimal

import pytest

from ltc.core.money import to_money


@pytest.mark.parametrize("value,expected", [
    (Decimal("50.915"), Decimal("50.92")),   # half-up, not banker's
    (Decimal("0.005"), Decimal("0.01")),
    (Decimal("-0.005"), Decimal("-0.01")),
    (Decimal(65) * 47 / 60, Decimal("50.92")),  # SPEC §7.2: a 47-minute visit at 65/h
    (10, Decimal("10.00")),
])
def test_to_money_rounds_half_up(value, expected):
    assert to_money(value) == expected


def test_to_money_refuses_floats():
    with pytest.raises(TypeError):
        to_money(0.1)
