"""The one rounding rule for money: Decimal, ROUND_HALF_UP to 0.01; floats are refused."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money must not be a float; use Decimal")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
