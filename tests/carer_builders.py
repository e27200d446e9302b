"""Builders for the carer register in tests."""
from datetime import date

from ltc.core.audit import SYSTEM
from ltc.core.periods import add_period
from ltc.providers.carers.services import dated, register
from ltc.providers.carers.services.register import CarerInput
from ltc.providers.models import ProviderDistrictPeriod
from tests.builders import district
from tests.conftest import NOW
from tests.people_builders import id_number


def carer(session, provider, n: int = 1, *, name: str = "王护理", staff_type: str = "assistant",
          employed_from: date = date(2025, 1, 1), qualified: bool = False, phone: str | None = "13900001111"):
    """A carer of ``provider`` (ID number ``n``), with an open qualification for their staff type
    from ``employed_from`` when ``qualified``."""
    entry = CarerInput(name=name, id_number=id_number(n + 500, birth=date(1980, 5, 4)), staff_type=staff_type,
                       employed_from=employed_from, phone=phone)
    found = register.register_carer(session, provider_id=provider.id, entry=entry, actor=SYSTEM, now=NOW)
    if qualified:
        dated.add_qualification(session, found, staff_type=staff_type, certificate_no=f"ZG-{n}",
                                valid_from=employed_from, valid_to=None, actor=SYSTEM, now=NOW)
    return found


def provider_district(session, provider, code: str = "东城区", valid_from: date = date(2025, 1, 1)):
    """Place ``provider`` in district ``code`` (the insurer's scope follows it)."""
    district(session, code)
    return add_period(session, ProviderDistrictPeriod, org_id=provider.id, district=code, valid_from=valid_from)
