"""User management by administrators: who may manage whose users, and self-protection."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from ltc.auth.models import User
from ltc.auth.passwords import verify_password
from ltc.core.audit import AuditEntry
from ltc.core.errors import Conflict, Forbidden, ValidationFailed
from ltc.auth.services import users

NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)
GOOD = "Secret-pass-42"


def add(session, actor, org, username="new_user", roles=("operator",), password=GOOD):
    return users.add_user(session, actor=actor, now=NOW, org=org, username=username, full_name="新用户",
                          password=password, roles=set(roles))


def test_an_org_admin_creates_users_in_its_own_organisation_only(session, world):
    pr_admin = world.users["pr_admin"]
    created = add(session, pr_admin, world.provider, username="New.Carer", roles=("carer",))
    assert (created.username, created.org_id, created.roles) == ("new.carer", world.provider.id,
                                                                   frozenset({"carer"}))
    with pytest.raises(Forbidden):
        add(session, pr_admin, world.provider2, username="intruder")
    assert session.scalar(select(User).where(User.username == "intruder")) is None


def test_the_mia_admin_creates_users_in_any_organisation(session, world):
    created = add(session, world.users["mia_admin"], world.agency, roles=("assessor",))
    assert created.org_id == world.agency.id
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user",
                                                   AuditEntry.entity_id == str(created.id))).one()
    assert (row.action, row.user_id) == ("create", world.users["mia_admin"].id)


def test_operators_manage_nobody(session, world):
    with pytest.raises(Forbidden):
        add(session, world.users["pr_op"], world.provider)
    with pytest.raises(Forbidden):
        add(session, world.users["mia_op"], world.provider)


@pytest.mark.parametrize("kwargs, error", [
    ({"roles": ("assessor",)}, "不适用于该类机构"),        # assessors belong to agencies
    ({"roles": ()}, "至少选择一个角色"),
    ({"password": "short1"}, "至少 10 个字符"),
    ({"password": "onlyletterslong"}, "字母和数字"),
    ({"username": "x!"}, "用户名应为"),
])
def test_roles_by_kind_password_policy_and_username_shape(session, world, kwargs, error):
    with pytest.raises(ValidationFailed, match=error):
        add(session, world.users["pr_admin"], world.provider, **kwargs)


def test_a_taken_username_is_a_conflict(session, world):
    with pytest.raises(Conflict):
        add(session, world.users["mia_admin"], world.agency, username="PR_OP")


def test_edit_changes_name_roles_and_active_with_an_audit_row(session, world):
    op = world.users["pr_op"]
    users.edit_user(session, op, actor=world.users["pr_admin"], now=NOW, full_name="改名",
                    roles={"operator", "reviewer"}, active=False)
    assert (op.full_name, op.roles, op.active) == ("改名", frozenset({"operator", "reviewer"}), False)
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.action == "update",
                                                   AuditEntry.entity_id == str(op.id))).one()
    assert row.before["active"] is True and row.after["active"] is False


def test_an_org_admin_cannot_edit_or_reset_another_organisations_user(session, world):
    other = world.users["pr2_op"]
    with pytest.raises(Forbidden):
        users.edit_user(session, other, actor=world.users["pr_admin"], now=NOW, full_name="x",
                        roles={"operator"}, active=False)
    with pytest.raises(Forbidden):
        users.reset_password(session, other, actor=world.users["pr_admin"], now=NOW, password=GOOD)


def test_nobody_deactivates_themself_or_drops_their_own_admin_role(session, world):
    me = world.users["pr_admin"]
    with pytest.raises(ValidationFailed, match="不能停用自己的账号"):
        users.edit_user(session, me, actor=me, now=NOW, full_name="我", roles={"admin"}, active=False)
    with pytest.raises(ValidationFailed, match="不能移除自己的管理员角色"):
        users.edit_user(session, me, actor=me, now=NOW, full_name="我", roles={"operator"}, active=True)
    users.edit_user(session, me, actor=me, now=NOW, full_name="我", roles={"admin", "operator"}, active=True)
    assert me.roles == frozenset({"admin", "operator"})


def test_reset_password_applies_the_policy_and_is_audited(session, world):
    carer = world.users["pr_carer"]
    with pytest.raises(ValidationFailed):
        users.reset_password(session, carer, actor=world.users["pr_admin"], now=NOW, password="abc")
    users.reset_password(session, carer, actor=world.users["pr_admin"], now=NOW, password=GOOD)
    assert verify_password(carer.password_hash, GOOD)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "set_password",
                                                    AuditEntry.entity_id == str(carer.id))).one()


def test_search_users_is_scoped_and_filtered(session, world):
    own = users.search_users(session, world.users["pr_admin"], org_id=world.provider2.id)
    assert {u.username for u in own.items} == set()  # another org's filter finds nothing outside scope
    own = users.search_users(session, world.users["pr_admin"])
    assert {u.username for u in own.items} == {"pr_admin", "pr_op", "pr_carer"}
    everyone = users.search_users(session, world.users["mia_admin"], per_page=100)
    assert everyone.total == 13
    found = users.search_users(session, world.users["mia_admin"], text="pr2")
    assert {u.username for u in found.items} == {"pr2_admin", "pr2_op"}
    users.edit_user(session, world.users["pr_op"], actor=world.users["pr_admin"], now=NOW,
                    full_name="pr_op", roles={"operator"}, active=False)
    inactive = users.search_users(session, world.users["mia_admin"], active=False)
    assert [u.username for u in inactive.items] == ["pr_op"]
