"""The demo carer register: the home-care provider's qualified staff, one qualification ending soon,
the demo ``carer`` login linked to its entry; loading again adds nothing."""
from sqlalchemy import func, select

from ltc.demo import carers as demo_carers, data
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services.readers import able_carers_count, carer_of_user
from ltc.core.clock import local_today
from tests.conftest import NOW


def test_the_demo_home_care_provider_has_a_qualified_register_and_the_carer_login_its_entry(session):
    orgs = data.load_orgs(session, now=NOW)
    users = data.load_users(session, orgs, "Demo-test-2026", NOW)
    demo_carers.load_carers(session, orgs, users, now=NOW)
    demo_carers.load_carers(session, orgs, users, now=NOW)
    provider = orgs["provider"]
    assert session.scalar(select(func.count()).select_from(Carer).where(Carer.provider_id == provider.id)) == len(
        demo_carers.CARERS)
    assert able_carers_count(session, provider.id, {"assistant", "nurse"}, local_today(NOW)) == 7
    login = next(u for u in users if u.username == "carer")
    assert carer_of_user(session, login).name == "卫护理员"
