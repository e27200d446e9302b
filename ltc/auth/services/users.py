"""User management by administrators (SPEC §1).

The MIA admin manages the users of every organisation; any other organisation's admin only
its own. Nobody deactivates themself or drops their own admin role (they would lock
themselves out). Builds on ``ltc.auth.services``; the acting *user* is passed as ``actor``
because the rules depend on its organisation and roles. Flush, never commit.
"""
import re
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ltc.auth.models import User
from ltc.auth.passwords import password_problem
from ltc.auth.permissions import Action, Role, can
from ltc.auth.scope import scoped
from ltc.auth.services import ROLES_BY_KIND, actor_of, create_user, set_password, update_user
from ltc.core.errors import Forbidden, ValidationFailed
from ltc.core.pagination import Page, paginate
from ltc.orgs.models import Organisation

ALL_ROLES = tuple(role.value for role in Role)
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,59}")


def check_username(username: str) -> str:
    """The username in lower case. Raises ValidationFailed unless 3–60 of a-z 0-9 _ . - ."""
    username = (username or "").strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValidationFailed("用户名应为 3–60 位小写字母、数字或 _ . -，以字母或数字开头",
                               {"username": "invalid"})
    return username


def manages_all(actor: User) -> bool:
    return can(actor, Action.MANAGE_ALL_USERS)


def check_manages(actor: User, org: Organisation) -> None:
    """Raises Forbidden unless ``actor`` may manage the users of ``org``."""
    if manages_all(actor):
        return
    if can(actor, Action.MANAGE_OWN_USERS) and actor.org_id == org.id:
        return
    raise Forbidden("只能管理本机构的用户", {"org_id": "not yours"})


def roles_for(kind: str | None) -> list[str]:
    """Roles an organisation of ``kind`` may grant, in a stable order (all roles for None)."""
    allowed = ROLES_BY_KIND.get(kind, set(ALL_ROLES)) if kind else set(ALL_ROLES)
    return [r for r in ALL_ROLES if r in allowed]


def add_user(session: Session, *, actor: User, now: datetime, org: Organisation, username: str,
             full_name: str, password: str, roles: set[str]) -> User:
    """Create a user of ``org``. Raises Forbidden (another organisation's users), ValidationFailed
    (weak password, roles not for this kind of organisation) or Conflict (username taken)."""
    check_manages(actor, org)
    username = check_username(username)
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed("姓名必填", {"full_name": "required"})
    return create_user(session, actor=actor_of(actor), org=org, username=username, full_name=full_name,
                       password=password, roles=set(roles), now=now)


def edit_user(session: Session, user: User, *, actor: User, now: datetime, full_name: str,
              roles: set[str], active: bool) -> User:
    """Change a user's name, roles and active flag. Raises Forbidden, ValidationFailed (bad roles,
    deactivating oneself, removing one's own admin role)."""
    check_manages(actor, user.org)
    if user.id == actor.id and not active:
        raise ValidationFailed("不能停用自己的账号", {"active": "self"})
    if user.id == actor.id and "admin" in user.roles and "admin" not in roles:
        raise ValidationFailed("不能移除自己的管理员角色", {"roles": "self"})
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationFailed("姓名必填", {"full_name": "required"})
    return update_user(session, user, actor=actor_of(actor), full_name=full_name, roles=set(roles),
                       active=active, now=now)


def reset_password(session: Session, user: User, *, actor: User, now: datetime, password: str) -> None:
    """Set a new password for ``user`` (the password policy applies). Raises Forbidden, ValidationFailed."""
    check_manages(actor, user.org)
    if problem := password_problem(password):
        raise ValidationFailed(problem, {"password": problem})
    set_password(session, user, password, actor=actor_of(actor), now=now)


def search_users(session: Session, viewer: User, *, org_id: int | None = None, text: str | None = None,
                 active: bool | None = None, page: int = 1, per_page: int = 25) -> Page:
    """Users the viewer may see (the scope rule: the MIA all, others their own organisation)."""
    stmt = select(User).join(User.org).order_by(Organisation.name, User.username)
    if org_id:
        stmt = stmt.where(User.org_id == org_id)
    if text and text.strip():
        needle = text.strip()
        stmt = stmt.where(or_(User.username.contains(needle.lower(), autoescape=True),
                              User.full_name.contains(needle, autoescape=True)))
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    return paginate(session, scoped(stmt, User, viewer), page=page, per_page=per_page)


def orgs_for_new_users(session: Session, actor: User) -> list[Organisation]:
    """The organisations ``actor`` may create users in."""
    if not manages_all(actor):
        return [actor.org]
    return list(session.scalars(select(Organisation).order_by(Organisation.kind, Organisation.name)))
