"""Each role's home page: the organisation and its work lists."""
from datetime import date, timedelta

from ltc.auth import services
from ltc.core.clock import local_today, utcnow
from ltc.core.periods import period_on
from ltc.orgs.models import AgreementPeriod
from tests.conftest import login
from tests.web.test_no_raw_codes import visible


def _end_agreement(session, org, last_day: date):
    period = period_on(session, AgreementPeriod, local_today(), org_id=org.id)
    period.valid_to = last_day + timedelta(days=1)
    session.commit()


def test_home_shows_the_users_organisation_and_roles(client, world):
    login(client, "pr2_op")
    page = client.get("/").data.decode()
    assert "养老院乙" in page and "经办员" in page and "机构护理" in page and "60" in page
    assert "operator" not in visible(page) and "institution" not in visible(page)  # words, not codes


def test_mia_admin_sees_every_agreement_ending_soon(client, session, world):
    _end_agreement(session, world.provider, local_today() + timedelta(days=30))
    login(client, "mia_admin")
    page = client.get("/").data.decode()
    assert "60 天内到期的服务协议" in page and "居家护理甲" in page


def test_provider_admin_sees_only_its_own_agreement(client, session, world):
    _end_agreement(session, world.provider2, local_today() + timedelta(days=30))
    login(client, "pr_admin")
    page = client.get("/").data.decode()
    assert "60 天内到期的服务协议" in page and "养老院乙" not in page
    assert "近 60 天内没有到期的协议" in page


def test_admins_see_failed_logins_of_their_own_users_only(client, session, world):
    for name in ("pr_op", "pr2_op"):
        try:
            services.authenticate(session, username=name, password="bad", ip="10.9.9.9", now=utcnow())
        except services.BadCredentials:
            pass
    session.commit()
    login(client, "pr_admin")
    page = client.get("/").data.decode()
    assert "近 24 小时登录失败的账号" in page and "pr_op" in page and "pr2_op" not in page


def test_users_without_lists_see_nothing_to_do(client, world):
    login(client, "pr_carer")
    assert "暂无待办事项" in client.get("/").data.decode()
