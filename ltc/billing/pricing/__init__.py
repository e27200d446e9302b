"""Pricing (SPEC §5.1, §7.1, §7.2), pure: no Flask, no database.

``price_month(PricingInput)`` turns the compliance facts of a provider-month (or a beneficiary-month)
and the findings of ``ltc.compliance.rules.evaluate`` into rate rows and family allowances; the
settlement generation and the trial calculation (试算) call it the same way. ``cap_segments`` gives
the V07 cap segments of the same segmentation (the compliance reader and the trial put them in
``Facts.caps``), so caps are consumed per the segments pricing bills.
"""
from ltc.billing.pricing.model import (Allowance, BillingTimeline, BillingVersion, DatedValue, PersonTerms, Pricing,
                                       PricingError, PricingInput, ProviderTerms, RateRow, Unit, UnitSource)
from ltc.billing.pricing.price import REJECT_ORDER, price_month
from ltc.billing.pricing.segments import Segment, cap_segments, pricing_terms, segments

__all__ = ["Allowance", "BillingTimeline", "BillingVersion", "DatedValue", "PersonTerms", "Pricing", "PricingError",
           "PricingInput", "ProviderTerms", "RateRow", "Unit", "UnitSource", "REJECT_ORDER", "price_month",
           "Segment", "cap_segments", "pricing_terms", "segments"]
