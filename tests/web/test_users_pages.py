"""User management pages: org admins manage their own users, the MIA admin everyone's."""
import re

import pytest
from sqlalchemy import select

from ltc.auth.models import User
from ltc.core.audit import AuditEntry
from tests.builders import PASSWORD
from tests.conftest import login

GOOD = "Secret-pass-42"


def usernames(response) -> set[str]:
    return set(re.findall(r'<tr data-testid="user-row">\s*<td translate="no">([^<]+)</td>', response.data.decode()))


def user_named(session, username) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def new_user_form(**overrides):
    data = {"username": "new_op", "full_name": "新经办", "roles": ["operator"], "password": GOOD,
            "confirm": GOOD}
    return {**data, **overrides}


@pytest.mark.parametrize("username", ["ins_op", "mia_op", "pr_op", "pr_carer", "ag_assessor"])
def test_non_admins_get_403_on_user_management(client, world, username):
    login(client, username)
    target = world.users["pr_op"].id
    assert client.get("/orgs/users").status_code == 403
    assert client.get("/orgs/users/new").status_code == 403
    assert client.post("/orgs/users/new", data=new_user_form()).status_code == 403
    assert client.get(f"/orgs/users/{target}/edit").status_code == 403
    assert client.post(f"/orgs/users/{target}/password",
                       data={"password": GOOD, "confirm": GOOD}).status_code == 403


def test_a_provider_admin_sees_only_its_own_users(client, world):
    login(client, "pr_admin")
    assert usernames(client.get("/orgs/users")) == {"pr_admin", "pr_op", "pr_carer"}
    # asking for another organisation's users does not widen the scope
    assert usernames(client.get(f"/orgs/users?org_id={world.provider2.id}")) == {"pr_admin", "pr_op",
                                                                                  "pr_carer"}


def test_another_organisations_user_is_a_404_and_stays_untouched(client, world, session):
    login(client, "pr_admin")
    other = world.users["pr2_op"]
    assert client.get(f"/orgs/users/{other.id}/edit").status_code == 404
    assert client.post(f"/orgs/users/{other.id}/edit",
                       data={"full_name": "被改", "roles": ["operator"]}).status_code == 404
    assert client.get(f"/orgs/users/{other.id}/password").status_code == 404
    assert client.post(f"/orgs/users/{other.id}/password",
                       data={"password": GOOD, "confirm": GOOD}).status_code == 404
    session.refresh(other)
    assert (other.full_name, other.active) == ("pr2_op", True)


def test_a_provider_admin_cannot_create_a_user_in_another_organisation(client, world, session):
    login(client, "pr_admin")
    page = client.get("/orgs/users/new").data.decode()
    assert 'name="org_id"' not in page
    assert 'value="carer"' in page and 'value="assessor"' not in page  # roles of a provider only
    response = client.post("/orgs/users/new", data=new_user_form(org_id=world.provider2.id))
    assert response.status_code == 302
    assert user_named(session, "new_op").org_id == world.provider.id


def test_roles_outside_the_organisation_kind_or_none_are_refused(client, world, session):
    login(client, "mia_admin")
    response = client.post("/orgs/users/new", data=new_user_form(org_id=world.provider.id, roles=["assessor"]))
    assert response.status_code == 400 and "不适用于该类机构" in response.data.decode()
    response = client.post("/orgs/users/new", data=new_user_form(org_id=world.provider.id, roles=[]))
    assert response.status_code == 400 and "至少选择一个角色" in response.data.decode()
    assert user_named(session, "new_op") is None


def test_the_password_policy_is_shown_on_the_form(client, world, session):
    login(client, "ins_admin")
    letters = "abcdefghijk"
    response = client.post("/orgs/users/new", data=new_user_form(password=letters, confirm=letters))
    assert response.status_code == 400
    assert "须同时包含字母和数字" in response.data.decode()
    assert user_named(session, "new_op") is None


def test_a_taken_username_is_shown_on_the_form(client, world, session):
    login(client, "ins_admin")
    response = client.post("/orgs/users/new", data=new_user_form(username="pr_op"))
    assert response.status_code == 409
    assert "已存在" in response.data.decode()


def test_the_mia_admin_creates_a_user_in_any_organisation_and_filters_the_list(client, world, session):
    login(client, "mia_admin")
    page = client.get(f"/orgs/users/new?org_id={world.agency.id}").data.decode()
    assert 'value="assessor"' in page and 'value="carer"' not in page
    response = client.post("/orgs/users/new", data=new_user_form(
        org_id=world.agency.id, username="assessor9", roles=["assessor"]))
    assert response.status_code == 302
    created = user_named(session, "assessor9")
    assert (created.org_id, created.roles) == (world.agency.id, frozenset({"assessor"}))
    audit = session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "user", AuditEntry.action == "create", AuditEntry.entity_id == str(created.id))).one()
    assert audit.user_id == world.users["mia_admin"].id
    assert usernames(client.get(f"/orgs/users?org_id={world.agency.id}")) == {"ag_admin", "ag_assessor",
                                                                               "assessor9"}
    assert usernames(client.get("/orgs/users?q=pr2")) == {"pr2_admin", "pr2_op"}


def test_the_mia_admin_edits_another_organisations_user(client, world, session):
    login(client, "mia_admin")
    op = world.users["pr2_op"]
    response = client.post(f"/orgs/users/{op.id}/edit",
                           data={"full_name": "蒋经办", "roles": ["operator", "reviewer"]})
    assert response.status_code == 302
    session.refresh(op)
    assert (op.full_name, op.roles, op.active) == ("蒋经办", frozenset({"operator", "reviewer"}), False)
    assert usernames(client.get("/orgs/users?active=0")) == {"pr2_op"}


def test_an_admin_cannot_deactivate_themself_or_drop_their_admin_role(client, world, session):
    login(client, "pr_admin")
    me = world.users["pr_admin"]
    response = client.post(f"/orgs/users/{me.id}/edit", data={"full_name": "我", "roles": ["admin"]})
    assert response.status_code == 400 and "不能停用自己的账号" in response.data.decode()
    response = client.post(f"/orgs/users/{me.id}/edit",
                           data={"full_name": "我", "roles": ["operator"], "active": "y"})
    assert response.status_code == 400 and "不能移除自己的管理员角色" in response.data.decode()
    session.refresh(me)
    assert (me.full_name, me.active, me.roles) == ("pr_admin", True, frozenset({"admin"}))


def test_a_deactivated_user_can_no_longer_log_in(client, world):
    login(client, "pr_admin")
    client.post(f"/orgs/users/{world.users['pr_carer'].id}/edit", data={"full_name": "卫", "roles": ["carer"]})
    client.post("/logout")
    assert client.post("/login", data={"username": "pr_carer", "password": PASSWORD}).status_code == 401


def test_reset_password_lets_the_user_log_in_with_the_new_one_only(client, world):
    login(client, "pr_admin")
    carer = world.users["pr_carer"]
    bad = client.post(f"/orgs/users/{carer.id}/password", data={"password": GOOD, "confirm": "other"})
    assert bad.status_code == 400
    assert client.post(f"/orgs/users/{carer.id}/password",
                       data={"password": GOOD, "confirm": GOOD}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"username": "pr_carer", "password": PASSWORD}).status_code == 401
    login(client, "pr_carer", GOOD)
