"""Login throttling (issue #9 point 8): failures lock one account at one IP (5), one account from
any IP (a higher ceiling) and one IP for every account (a much higher ceiling), each for the lock
window; failures for other accounts never lock an account at a shared IP."""
from datetime import timedelta

import pytest

from ltc.auth import services
from ltc.auth.models import LoginAttempt
from ltc.auth.services import BadCredentials, LoginLocked, Throttle
from ltc.core.clock import utcnow
from tests.builders import PASSWORD

THROTTLE = Throttle(per_ip_account=5, per_account=20, per_ip=100, lock=timedelta(minutes=15))


def attempt(session, username: str, password: str, ip: str, now) -> str:
    """"ok", "bad" or "locked"."""
    try:
        services.authenticate(session, username=username, password=password, ip=ip, now=now, throttle=THROTTLE)
    except BadCredentials:
        return "bad"
    except LoginLocked:
        return "locked"
    return "ok"


def failures(session, usernames, ips, now, *, minutes_ago: int = 1) -> None:
    """Failed attempts, one per (username, ip) of the two sequences zipped (a str: the same each time)."""
    names = [usernames] * len(ips) if isinstance(usernames, str) else usernames
    ips = [ips] * len(names) if isinstance(ips, str) else ips
    session.add_all(LoginAttempt(username=name, ip=ip, at=now - timedelta(minutes=minutes_ago), success=False)
                    for name, ip in zip(names, ips, strict=True))
    session.flush()


def test_five_failures_lock_the_account_at_that_ip_even_for_the_right_password(session, world):
    now = utcnow()
    assert [attempt(session, "pr_admin", "wrong", "10.0.0.1", now) for _ in range(5)] == ["bad"] * 5
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.1", now) == "locked"


def test_failures_for_other_accounts_never_lock_an_account_at_the_same_ip(session, world):
    now = utcnow()
    for name in ("a", "b", "c", "d", "e", "pr_op", "pr_op", "pr_op", "pr_op", "pr_op"):
        attempt(session, name, "wrong", "10.0.0.1", now)
    assert attempt(session, "pr_op", PASSWORD, "10.0.0.1", now) == "locked"
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.1", now) == "ok"


def test_an_account_locked_at_one_ip_still_logs_in_from_another(session, world):
    now = utcnow()
    failures(session, "pr_admin", ["10.0.0.1"] * 5, now)
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.1", now) == "locked"
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.2", now) == "ok"


def test_failures_for_one_account_from_many_ips_lock_it_everywhere_at_the_account_ceiling(session, world):
    now = utcnow()
    failures(session, "pr_admin", [f"10.0.1.{n}" for n in range(19)], now)
    assert attempt(session, "pr_admin", "wrong", "10.0.2.1", now) == "bad"  # the 20th
    assert attempt(session, "pr_admin", PASSWORD, "10.0.2.2", now) == "locked"
    assert attempt(session, "pr_op", PASSWORD, "10.0.2.2", now) == "ok"


def test_an_ip_is_locked_for_every_account_only_at_the_much_higher_ip_ceiling(session, world):
    now = utcnow()
    failures(session, [f"user{n}" for n in range(99)], "10.0.0.9", now)
    assert attempt(session, "pr_op", PASSWORD, "10.0.0.9", now) == "ok"
    assert attempt(session, "nobody", "wrong", "10.0.0.9", now) == "bad"  # the 100th failure at this IP
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.9", now) == "locked"
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.10", now) == "ok"


def test_a_success_starts_the_count_of_that_account_again(session, world):
    now = utcnow()
    failures(session, "pr_admin", ["10.0.0.1"] * 4, now, minutes_ago=2)
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.1", now - timedelta(minutes=1)) == "ok"
    assert [attempt(session, "pr_admin", "wrong", "10.0.0.1", now) for _ in range(4)] == ["bad"] * 4
    assert attempt(session, "pr_admin", PASSWORD, "10.0.0.1", now) == "ok"


def test_a_success_does_not_lift_the_ip_ceiling(session, world):
    now = utcnow()
    failures(session, [f"user{n}" for n in range(100)], "10.0.0.9", now, minutes_ago=2)
    session.add(LoginAttempt(username="pr_op", ip="10.0.0.9", at=now - timedelta(minutes=1), success=True))
    session.flush()
    assert attempt(session, "pr_op", PASSWORD, "10.0.0.9", now) == "locked"


@pytest.mark.parametrize("username, ips", [
    ("pr_admin", ["10.0.0.1"] * 5),
    ("pr_admin", [f"10.0.1.{n}" for n in range(20)]),
])
def test_every_lock_ends_after_the_lock_window(session, world, username, ips):
    now = utcnow()
    failures(session, username, ips, now, minutes_ago=16)
    assert attempt(session, username, PASSWORD, "10.0.0.1", now) == "ok"


def test_the_lock_message_names_the_windows_minutes(session, world):
    now = utcnow()
    failures(session, "pr_admin", ["10.0.0.1"] * 3, now)
    with pytest.raises(LoginLocked, match="30 分钟"):
        services.authenticate(session, username="pr_admin", password=PASSWORD, ip="10.0.0.1", now=now,
                              throttle=Throttle(per_ip_account=3, lock=timedelta(minutes=30)))


def test_the_admins_list_of_failed_logins_says_from_how_many_addresses(session, world):
    """Failures from one address are a user who forgot the password; from many, someone guessing."""
    from ltc.auth.worklists import failed_logins
    from ltc.core.clock import LOCAL_TZ
    now = utcnow()
    failures(session, "pr_op", ["10.0.0.1", "10.0.0.2", "10.0.0.2"], now)
    failures(session, "pr_carer", ["10.0.0.3"], now)
    work = failed_logins(session, world.users["pr_admin"], now.astimezone(LOCAL_TZ).date())
    assert ("addresses", "来源 IP 数") in work.columns
    assert [(r["username"], r["failures"], r["addresses"]) for r in work.rows] == [
        ("pr_op", 3, 2), ("pr_carer", 1, 1)]
