"""User accounts: create, roles, passwords, authentication with throttling, API tokens."""
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, column, func, select, update
from sqlalchemy.orm import Session

from ltc.auth.models import ApiToken, LoginAttempt, User, UserRole
from ltc.auth.permissions import ROLE_LABELS
from ltc.auth.passwords import hash_password, password_problem, verify_password
from ltc.core import audit, prepared
from ltc.core.audit import Actor
from ltc.core.errors import Conflict, DomainError, ValidationFailed
from ltc.orgs.models import Organisation

ROLES_BY_KIND = {
    "mia": {"admin", "operator", "reviewer"},
    "insurer": {"admin", "operator", "reviewer"},
    "agency": {"admin", "operator", "reviewer", "assessor"},
    "provider": {"admin", "operator", "reviewer", "carer"},
}


class LoginLocked(DomainError):
    status = 429


class BadCredentials(DomainError):
    status = 401


def actor_of(user: "User | TokenUser") -> Actor:
    return Actor(user.id, user.org_id, user.username)


def check_roles(org: Organisation, roles: set[str]) -> None:
    if not roles:
        raise ValidationFailed("至少选择一个角色", {"roles": "required"})
    bad = roles - ROLES_BY_KIND[org.kind]
    if bad:
        raise ValidationFailed("角色 %(roles)s 不适用于该类机构", {"roles": "not allowed"},
                               params={"roles": [ROLE_LABELS.get(r, r) for r in sorted(bad)]})


def create_user(session: Session, *, actor: Actor, org: Organisation, username: str, full_name: str,
                password: str, roles: set[str], now: datetime, check_strength: bool = True) -> User:
    """Create a user. Raises ValidationFailed (weak password, bad roles) or Conflict (taken)."""
    username = username.strip().lower()
    if check_strength and (problem := password_problem(password)):
        raise ValidationFailed(problem, {"password": problem})
    check_roles(org, roles)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict("用户名 %(username)s 已存在", {"username": "taken"}, params={"username": username})
    user = User(username=username, full_name=full_name, org=org, password_hash=hash_password(password),
                created_at=now, role_rows=[UserRole(role=r) for r in sorted(roles)])
    session.add(user)
    session.flush()
    audit.record(session, actor, "create", "user", user.id, now=now,
                 after={"username": username, "org_id": org.id, "roles": sorted(roles)})
    return user


def update_user(session: Session, user: User, *, actor: Actor, full_name: str, roles: set[str],
                active: bool, now: datetime) -> User:
    check_roles(user.org, roles)
    before = {"full_name": user.full_name, "roles": sorted(user.roles), "active": user.active}
    user.full_name = full_name
    user.active = active
    current = {r.role: r for r in user.role_rows}
    for role in set(current) - roles:
        user.role_rows.remove(current[role])
    for role in roles - set(current):
        user.role_rows.append(UserRole(role=role))
    session.flush()
    after = {"full_name": full_name, "roles": sorted(roles), "active": active}
    audit.record(session, actor, "update", "user", user.id, now=now, **_diff(before, after))
    return user


def _diff(before: dict, after: dict) -> dict:
    b, a = audit.changes(before, after)
    return {"before": b, "after": a}


def change_password(session: Session, user: User, *, current: str, new: str, now: datetime) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("当前密码不正确", {"current_password": "wrong"})
    if problem := password_problem(new):
        raise ValidationFailed(problem, {"new_password": problem})
    set_password(session, user, new, actor=actor_of(user), now=now)


def set_password(session: Session, user: User, password: str, *, actor: Actor, now: datetime) -> None:
    """Set the password (whoever sets it): every session of the user ends and every API token of
    theirs is revoked, so that whoever held the old password holds nothing after the change."""
    user.password_hash = hash_password(password)
    user.password_changed_at = now
    user.session_epoch = User.session_epoch + 1  # in SQL: two changes at once both count
    session.flush()
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                             .order_by(ApiToken.id)).all()
    for token in tokens:
        revoke_token(session, token, actor=actor, now=now)
    audit.record(session, actor, "set_password", "user", user.id, now=now,
                 after={"sessions_ended": True, "tokens_revoked": len(tokens)})


# --- sessions --------------------------------------------------------------------------------

SESSION_KEY = re.compile(r"(\d{1,18}):(\d{1,18})", re.ASCII)


def end_sessions(session: Session, user: User, *, actor: Actor, now: datetime) -> None:
    """Log ``user`` out everywhere: raising the session epoch makes every session saved before
    refuse to load the user (``session_user``)."""
    user.session_epoch = User.session_epoch + 1
    session.flush()
    audit.record(session, actor, "logout", "user", user.id, now=now)


def session_user(session: Session, key: str) -> User | None:
    """The active user whose session key (``User.get_id``: id and session epoch) is ``key``; None
    for a key saved before the user's last logout or password change. Reads only."""
    match = SESSION_KEY.fullmatch(key or "")
    if match is None:
        return None
    user = session.get(User, int(match[1]))
    if user is None or not user.active or user.session_epoch != int(match[2]):
        return None
    return user


@dataclass(frozen=True)
class Throttle:
    """Failures inside the lock window that lock logins: of one account at one IP, of one account
    from any IP (someone guessing from many addresses), and of one IP for any account (a much
    higher ceiling: many users share an office's or a proxy's address)."""

    per_ip_account: int = 5
    per_account: int = 20
    per_ip: int = 100
    lock: timedelta = timedelta(minutes=15)


def _recent_failures(session: Session, since: datetime, *where, reset_on_success: bool) -> int:
    """Failures matching ``where`` inside the lock window (after the last success, if asked)."""
    stmt = select(func.count()).select_from(LoginAttempt).where(
        *where, LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    if reset_on_success:
        last_ok = session.scalar(select(func.max(LoginAttempt.at)).where(
            *where, LoginAttempt.success.is_(True), LoginAttempt.at >= since))
        if last_ok is not None:
            stmt = stmt.where(LoginAttempt.at > last_ok)
    return session.scalar(stmt)


def _locked(session: Session, username: str, ip: str, now: datetime, throttle: Throttle) -> bool:
    """A success ends the count of its account (at that IP, and from anywhere), never of an IP:
    logging in to one's own account must not let one go on guessing others."""
    since = now - throttle.lock
    return (_recent_failures(session, since, LoginAttempt.username == username, LoginAttempt.ip == ip,
                             reset_on_success=True) >= throttle.per_ip_account
            or _recent_failures(session, since, LoginAttempt.username == username,
                                reset_on_success=True) >= throttle.per_account
            or _recent_failures(session, since, LoginAttempt.ip == ip, reset_on_success=False) >= throttle.per_ip)


def authenticate(session: Session, *, username: str, password: str, ip: str, now: datetime,
                 throttle: Throttle = Throttle()) -> User:
    """Check credentials, throttled per (IP, account), per account and per IP (``Throttle``).

    Raises LoginLocked while locked (even with the right password; the attempt is not recorded,
    so it does not prolong the lock) and BadCredentials. Every other attempt is recorded.
    """
    username = username.strip().lower()
    if _locked(session, username, ip, now, throttle):
        minutes = int(throttle.lock.total_seconds() // 60)
        raise LoginLocked("登录失败次数过多，请 %(minutes)s 分钟后再试", params={"minutes": minutes})
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = user is not None and user.active and verify_password(user.password_hash, password)
    session.add(LoginAttempt(username=username, ip=ip, at=now, success=ok))
    session.flush()
    if not ok:
        raise BadCredentials("用户名或密码错误")
    return user


def issue_token(session: Session, user: User, *, now: datetime) -> str:
    """A new API token; only its SHA-256 is stored, the clear value is returned once."""
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=token_hash(token), prefix=token[:8], created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, actor_of(user), "issue_token", "api_token", row.id, now=now,
                 after={"user_id": user.id, "prefix": row.prefix})
    return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: a token's last use is recorded at most this often: a plain read writes nothing otherwise
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenUser:
    """The user of an unrevoked API token, as the request edge reads it in one statement (plain rows,
    no ORM object): who acts, of which organisation, with which roles, and the token's last use."""
    token_id: int
    last_used_at: datetime | None
    id: int
    username: str
    org_id: int
    org_kind: str
    locale: str | None
    roles: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


_TOKEN_USER_COLUMNS = (column("token_id", Integer), column("last_used_at", ApiToken.__table__.c.last_used_at.type),
                       column("user_id", Integer), column("username", String), column("org_id", Integer),
                       column("org_kind", String), column("locale", String), column("role", String))


def _token_user_sql(_in) -> str:
    """The token with its active user, the user's organisation kind and roles (a row per role)."""
    return ("SELECT t.id, t.last_used_at, u.id, u.username, u.org_id, o.kind, u.locale, r.role FROM api_tokens t "
            "JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id "
            "LEFT JOIN user_roles r ON r.user_id = u.id "
            "WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active")


def token_user(session: Session, token: str) -> TokenUser | None:
    """The user of the unrevoked token with this clear value, when active (reads only; one statement
    written once)."""
    rows = prepared.rows(session, ("token user",), _token_user_sql, {"token_hash": token_hash(token)},
                         columns=_TOKEN_USER_COLUMNS)
    if not rows:
        return None
    first = rows[0]
    return TokenUser(first.token_id, first.last_used_at, first.user_id, first.username, first.org_id,
                     first.org_kind, first.locale, frozenset(row.role for row in rows if row.role is not None))


def token_use_due(row: ApiToken | TokenUser, *, now: datetime) -> bool:
    """Whether the token's use at ``now`` is to be recorded (first use, or a minute since the last)."""
    return row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION


def record_token_use(session: Session, token_id: int, *, now: datetime) -> None:
    """Set the token's last use to ``now`` unless another request recorded one within the minute."""
    session.execute(update(ApiToken).where(
        ApiToken.id == token_id,
        (ApiToken.last_used_at.is_(None)) | (ApiToken.last_used_at <= now - TOKEN_USE_RESOLUTION))
        .values(last_used_at=now).execution_options(synchronize_session=False))
    session.flush()


def revoke_token(session: Session, token: ApiToken, *, actor: Actor, now: datetime) -> None:
    token.revoked_at = now
    session.flush()
    audit.record(session, actor, "revoke_token", "api_token", token.id, now=now,
                 after={"user_id": token.user_id, "prefix": token.prefix, "revoked_at": now})
