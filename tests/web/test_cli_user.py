"""`flask --app ltc user create` and `user set-password`: one commit, clear errors, non-zero exit."""
import pytest
from sqlalchemy import func, select

from ltc.auth.models import User
from ltc.auth.passwords import verify_password
from ltc.core.audit import AuditEntry
from tests.builders import org, user

GOOD = "Secret-pass-42"


@pytest.fixture
def runner(app, session):
    return app.test_cli_runner()


@pytest.fixture
def agency(session):
    return org(session, "agency", "评估机构戊", 901)


def user_count(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


def user_named(session, username) -> User | None:
    return session.scalars(select(User).where(User.username == username)).first()


def test_create_a_user_by_uscc_with_several_roles(runner, session, agency):
    result = runner.invoke(args=["user", "create", "--org-uscc", agency.uscc.lower(), "--username", "Zhao",
                                 "--name", "赵评估", "--role", "admin", "--role", "reviewer",
                                 "--password", GOOD])
    assert result.exit_code == 0, result.output
    assert "created user zhao" in result.output
    session.rollback()  # only what was not committed is lost
    created = user_named(session, "zhao")
    assert (created.org_id, created.full_name, created.roles) == (agency.id, "赵评估",
                                                                  frozenset({"admin", "reviewer"}))
    assert verify_password(created.password_hash, GOOD)
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "user",
                                                   AuditEntry.entity_id == str(created.id))).one()
    assert (row.action, row.user_id) == ("create", None)


def test_create_by_org_id_prompts_for_the_password_twice(runner, session, agency):
    result = runner.invoke(args=["user", "create", "--org-id", str(agency.id), "--username", "qian",
                                 "--name", "钱", "--role", "assessor"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert user_named(session, "qian").roles == frozenset({"assessor"})


@pytest.mark.parametrize("args, message", [
    (["--org-uscc", "91110000802100433A"], "校验位不正确"),
    (["--org-uscc", "91110000802100433B"], "机构不存在"),
    (["--org-id", "999999"], "机构不存在"),
    (["--role", "carer"], "不适用于该类机构"),
    (["--password", "short"], "至少 10 个字符"),
    (["--username", "a b"], "用户名应为"),
    (["--name", " "], "姓名不能为空"),
])
def test_bad_input_prints_the_reason_exits_non_zero_and_writes_nothing(runner, session, agency, args,
                                                                       message):
    base = {"--org-id": str(agency.id), "--username": "sun", "--name": "孙", "--role": "operator",
            "--password": GOOD}
    if "--org-uscc" in args:
        base.pop("--org-id")
    base.update(dict(zip(args[::2], args[1::2], strict=False)))
    before = user_count(session)
    result = runner.invoke(args=["user", "create", *[x for pair in base.items() for x in pair]])
    assert result.exit_code != 0
    assert message in result.output
    assert user_count(session) == before


def test_an_org_must_be_named_exactly_once(runner, session, agency):
    result = runner.invoke(args=["user", "create", "--username", "li", "--name", "李", "--role", "admin",
                                 "--password", GOOD])
    assert result.exit_code == 2 and "--org-id" in result.output
    result = runner.invoke(args=["user", "create", "--org-id", str(agency.id), "--org-uscc", agency.uscc,
                                 "--username", "li", "--name", "李", "--role", "admin", "--password", GOOD])
    assert result.exit_code == 2


def test_a_taken_username_is_refused(runner, session, agency):
    user(session, agency, "zhou", "assessor")
    result = runner.invoke(args=["user", "create", "--org-id", str(agency.id), "--username", "ZHOU",
                                 "--name", "周", "--role", "assessor", "--password", GOOD])
    assert result.exit_code == 1 and "已存在" in result.output


def test_set_password_changes_the_password(runner, session, agency):
    account = user(session, agency, "wu", "admin")
    result = runner.invoke(args=["user", "set-password", "WU"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    session.rollback()
    session.refresh(account)
    assert verify_password(account.password_hash, GOOD)
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "set_password",
                                                    AuditEntry.entity_id == str(account.id))).one()


def test_set_password_ends_the_users_sessions_and_revokes_their_tokens(runner, session, agency):
    from ltc.auth.models import ApiToken
    from ltc.auth.services import issue_token, session_user
    from ltc.core.clock import utcnow
    account = user(session, agency, "qian", "admin")
    issue_token(session, account, now=utcnow())
    session.commit()
    saved = account.get_id()
    result = runner.invoke(args=["user", "set-password", "qian", "--password", GOOD])
    assert result.exit_code == 0, result.output
    session.rollback()
    assert session_user(session, saved) is None
    assert session.scalars(select(ApiToken.revoked_at).where(ApiToken.user_id == account.id)).one() is not None


def test_set_password_refuses_an_unknown_user_or_a_weak_password(runner, session, agency):
    account = user(session, agency, "zheng", "admin")
    old_hash = account.password_hash
    result = runner.invoke(args=["user", "set-password", "nobody", "--password", GOOD])
    assert result.exit_code == 1 and "用户不存在" in result.output
    result = runner.invoke(args=["user", "set-password", "zheng", "--password", "alllettersonly"])
    assert result.exit_code == 1 and "字母和数字" in result.output
    session.refresh(account)
    assert account.password_hash == old_hash
