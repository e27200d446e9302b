"""The API token's user as the request edge reads it (issue 10, Performance: one statement, plain
rows): who it is, its organisation's kind and its roles; nothing for a revoked token or an inactive user."""
from sqlalchemy import select

from ltc.auth.models import ApiToken
from ltc.auth.services import issue_token, revoke_token, token_hash, token_use_due, token_user
from ltc.core.audit import SYSTEM
from tests import builders
from tests.builders import T0
from tests.queries import count_queries


def test_the_token_user_is_read_in_one_statement_with_its_roles_and_organisation_kind(session, world):
    login = builders.user(session, world.provider, "tu_two_roles", "operator", "reviewer")
    token = issue_token(session, login, now=T0)
    session.flush()
    with count_queries(session) as sent:
        found = token_user(session, token)
    assert len(sent) == 1
    assert (found.id, found.username, found.org_id, found.org_kind) == (login.id, "tu_two_roles",
                                                                         world.provider.id, "provider")
    assert found.roles == frozenset({"operator", "reviewer"}) and found.has_role("reviewer")
    assert not found.has_role("admin") and found.locale == login.locale
    assert found.last_used_at is None and token_use_due(found, now=T0)


def test_no_user_for_an_unknown_or_revoked_token_or_an_inactive_user(session, world):
    login = builders.user(session, world.provider, "tu_gone", "carer")
    token, other = issue_token(session, login, now=T0), issue_token(session, world.users["pr_op"], now=T0)
    session.flush()
    assert token_user(session, token + "x") is None
    login.active = False
    session.flush()
    assert token_user(session, token) is None
    assert token_user(session, other).username == "pr_op"
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(other))).one()
    revoke_token(session, row, actor=SYSTEM, now=T0)
    assert token_user(session, other) is None
