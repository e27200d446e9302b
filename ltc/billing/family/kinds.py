"""Family-care allowance payment lines and beneficiary bank accounts (SPEC §7.3), pure."""
from enum import StrEnum


class LineStatus(StrEnum):
    """``payable``: on the month's payment list with a bank account; ``held``: no bank account yet,
    held and shown on the insurer's list until one is entered; ``paid``: paid (date, bank reference)."""

    PAYABLE = "payable"
    HELD = "held"
    PAID = "paid"


class AccountSource(StrEnum):
    """Where a bank account comes from: the application (申请表), or the insurer on the person's request."""

    APPLICATION = "application"
    INSURER = "insurer"


#: msgids, translated where shown
LINE_STATUS_LABELS = {LineStatus.PAYABLE: "待支付", LineStatus.HELD: "暂缓支付（缺银行账户）",
                      LineStatus.PAID: "已支付"}
ACCOUNT_SOURCE_LABELS = {AccountSource.APPLICATION: "申请表", AccountSource.INSURER: "承办机构依本人申请变更"}
