"""Home-page work list for admins: failed logins of their organisation's accounts."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ltc.auth.models import LoginAttempt, User
from ltc.auth.permissions import Action, can
from ltc.auth.scope import scoped
from ltc.core.clock import LOCAL_TZ
from ltc.web.worklists import WorkList

LIMIT = 10


def failed_logins(session: Session, user, today: date) -> WorkList | None:
    """Accounts with failed logins in the last 24 hours, with the number of addresses they came
    from (one: the user forgot the password; many: someone guessing). Locks: ``Throttle``."""
    if not can(user, Action.MANAGE_OWN_USERS):
        return None
    since = datetime.combine(today, time(), LOCAL_TZ) - timedelta(days=1)
    stmt = scoped(
        select(User.username, User.full_name, func.count(LoginAttempt.id).label("failures"),
               func.count(LoginAttempt.ip.distinct()).label("addresses"), func.max(LoginAttempt.at).label("last"))
        .join(LoginAttempt, LoginAttempt.username == User.username)
        .where(LoginAttempt.success.is_(False), LoginAttempt.at >= since)
        .group_by(User.username, User.full_name), User, user).order_by(func.count(LoginAttempt.id).desc())
    rows = session.execute(stmt.limit(LIMIT)).all()
    return WorkList(
        title="近 24 小时登录失败的账号",
        columns=[("username", "用户名"), ("full_name", "姓名"), ("failures", "失败次数"), ("addresses", "来源 IP 数"),
                 ("last", "最近一次")],
        rows=[{"username": r.username, "full_name": r.full_name, "failures": r.failures,
               "addresses": r.addresses, "last": r.last.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")} for r in rows],
        total=len(rows), empty_text="没有登录失败的记录")
