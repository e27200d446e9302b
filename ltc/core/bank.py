"""Bank account fields as people type them (a beneficiary's allowance account, a provider's settlement
account): whitespace collapsed, the account number without spaces, lengths and the number checked."""
from collections.abc import Mapping

from ltc.core.errors import ValidationFailed

ACCOUNT_NO_MIN = 8


def cleaned(change: object, limits: Mapping[str, int]) -> tuple[dict[str, str], str | None]:
    """The fields ``limits`` names, read from ``change``, and the first one left empty (None when all
    are filled: then each is within its limit and the account number has at least 8 digits, else
    ValidationFailed). The caller says which fields it needs when one is empty."""
    values = {name: " ".join((getattr(change, name) or "").split()) for name in limits}
    values["account_no"] = values["account_no"].replace(" ", "")
    empty = next((name for name in limits if not values[name]), None)
    if empty is not None:
        return values, empty
    for name, limit in limits.items():
        if len(values[name]) > limit:
            raise ValidationFailed("内容过长", {name: "too long"})
    if not values["account_no"].isdigit() or len(values["account_no"]) < ACCOUNT_NO_MIN:
        raise ValidationFailed("银行账号须为至少 8 位数字", {"account_no": "invalid"})
    return values, None
