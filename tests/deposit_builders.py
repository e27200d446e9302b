"""Small builders for the deposit, net payment and year-end clearing tests: settlements with given
totals (the generation and the review are other branches' work; these tests start at approval)."""
from datetime import date, datetime, timezone
from decimal import Decimal

from ltc.billing.models import Settlement
from ltc.billing.stars.services import StarChange, set_star
from ltc.core.audit import SYSTEM

NOW = datetime(2027, 2, 10, 2, 0, tzinfo=timezone.utc)


def settlement(session, provider, month: date, fund: str, *, adjustments: str = "0.00",
               status: str = "approved") -> Settlement:
    row = Settlement(provider_id=provider.id, month=month, status=status, billable=Decimal(fund),
                     fund=Decimal(fund), adjustments=Decimal(adjustments), as_of=month, generated_at=NOW)
    session.add(row)
    session.flush()
    return row


def annual_star(session, provider, year: int, stars: int) -> None:
    set_star(session, StarChange("annual", provider.id, date(year, 1, 1), stars, "年度评定"), actor=SYSTEM, now=NOW,
             today=date(year + 1, 2, 10))
