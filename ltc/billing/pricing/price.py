"""Rate rows of a month (SPEC §7.2): units, rejected and held units, rounding, fund caps."""
from ltc.billing.pricing.model import Pricing, PricingInput

#: SPEC §7.2 / issue 11: a rejected unit is counted once, under the first failing rule in this order
REJECT_ORDER = ("E07", "E03", "E01", "E02", "P01", "E08", "D02", "V10", "V06", "V04", "P02", "V09", "V03", "V07",
                "F01")


def price_month(inputs: PricingInput) -> Pricing:
    """Price one provider-month (``inputs.provider_id``) or one beneficiary-month.

    Units: bed-days of ``special`` / ``institution`` stays (each bed-day of the facts), planned minutes
    of ``home`` visits, ``outreach`` visits, one ``family`` package per beneficiary and provider. Each
    unit is rejected under the first REJECT finding on its record and date in ``REJECT_ORDER`` (V07 on
    a home visit rejects only its ``minutes_over``), else payable — held when an open FLAG finding is
    on it. Payable units are grouped into rate rows per segment (``segments``) and per unit amount and
    ratio (the category, tags, grade and daily price in force on each service date); each row is
    rounded once for billable, then for fund; an outreach segment's fund cap reduces its rows' fund
    from the latest-dated row backwards. Family: the package (300 × entitled days ÷ days in month,
    rejected by F01) and the beneficiary's allowance.

    Raises LookupError when a service date has no published billing policy."""
    raise NotImplementedError
