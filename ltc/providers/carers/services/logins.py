"""A carer's own login (SPEC §1): a user of the provider with the role ``carer``, linked to at most
one register entry (``carers.user_id`` is unique), so the carer API and the visit pages know whose
visits a login may log."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ltc.auth.models import User, UserRole
from ltc.auth.permissions import Role
from ltc.auth.services import create_user
from ltc.auth.services.users import check_username
from ltc.core import audit
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, ValidationFailed
from ltc.orgs.models import Organisation
from ltc.providers.carers.models import Carer
from ltc.providers.carers.services.register import ENTITY


def _check_free(session: Session, carer: Carer, user: User) -> None:
    if carer.user_id is not None:
        raise Conflict("该护理人员已有登录账号", {"user_id": "already linked"})
    if user.org_id != carer.provider_id:
        raise ValidationFailed("只能关联本机构的用户", {"user_id": "another organisation"})
    if Role.CARER not in user.roles:
        raise ValidationFailed("该用户没有护理员角色", {"user_id": "not a carer"})
    other = session.scalar(select(Carer.name).where(Carer.user_id == user.id))
    if other is not None:
        raise Conflict("用户 %(username)s 已关联护理人员 %(name)s", {"user_id": "taken"},
                       params={"username": user.username, "name": other})


def link_login(session: Session, carer: Carer, *, user: User, actor: Actor, now: datetime) -> Carer:
    """Link an existing user of the carer's provider holding the ``carer`` role.

    Raises ValidationFailed (another organisation, no carer role) and Conflict (the carer
    already has a login, or the user is another carer's)."""
    _check_free(session, carer, user)
    carer.user_id = user.id
    carer.version += 1
    carer.updated_at = now
    session.flush()
    audit.record(session, actor, "link_login", ENTITY, carer.id, now=now, after={"username": user.username})
    return carer


def create_login(session: Session, carer: Carer, *, username: str, password: str, actor: Actor,
                 now: datetime) -> User:
    """Create the carer's login (role ``carer``, the carer's name) and link it.

    Raises ValidationFailed (bad username, weak password) and Conflict (taken username, the carer
    already has a login)."""
    if carer.user_id is not None:
        raise Conflict("该护理人员已有登录账号", {"user_id": "already linked"})
    org = session.get_one(Organisation, carer.provider_id)
    user = create_user(session, actor=actor, org=org, username=check_username(username), full_name=carer.name,
                       password=password, roles={Role.CARER.value}, now=now)
    link_login(session, carer, user=user, actor=actor, now=now)
    return user


def unlinked_carer_users(session: Session, provider_id: int) -> list[User]:
    """Active users of the provider with the carer role and no register entry (link candidates)."""
    linked = select(Carer.user_id).where(Carer.user_id.is_not(None))
    stmt = (select(User).join(UserRole, UserRole.user_id == User.id)
            .where(User.org_id == provider_id, User.active.is_(True), UserRole.role == Role.CARER.value,
                   User.id.not_in(linked)).order_by(User.full_name, User.id))
    return list(session.scalars(stmt).unique())
