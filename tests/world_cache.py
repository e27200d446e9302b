"""The ``world`` fixture's data built once and shared by consecutive tests that ask for it.

Building the world (five organisations, their periods and contracts, thirteen users, each through
the services with its audit rows) takes over a hundred statements; some 1,200 tests ask for it.
So the first of a run of such tests builds it on a connection of its own, inside an outer
transaction that is never committed, and each test runs in a savepoint on that connection, rolled
back after it: every test starts from the same world, and nothing of it is ever committed.

The open transaction holds SQLite's write lock (and, on PostgreSQL, uncommitted rows that
another connection's insert of the same key would wait for), so the connection is closed (the
world rolled back) before any test that does not ask for the world, and before a fixture wider
than a test (a module's committed data, a live server) is set up or torn down.
"""
import pytest
from sqlalchemy import select

from ltc.auth.models import User
from ltc.extensions import db
from ltc.orgs.models import Organisation
from tests import builders

ORGS = ("mia", "insurer", "agency", "provider", "provider2")
WIDE = ("class", "module", "package")

_state: dict = {"conn": None, "outer": None, "orgs": None, "users": None, "keep": False}
_wide_fixtures: set = set()



def begin_test(app, bound_session):
    """The world's connection (building the world on it first if needed) and a savepoint for one test."""
    if _state["conn"] is None:
        conn = db.engine.connect()
        outer = conn.begin()
        try:
            with bound_session(app, conn) as session:
                w = builders.world(session)
                session.commit()  # a savepoint release: the world stays in the outer transaction
                orgs = {name: getattr(w, name).id for name in ORGS}
                users = {name: u.id for name, u in w.users.items()}
        except BaseException:
            outer.rollback()
            conn.close()
            raise
        _state.update(conn=conn, outer=outer, orgs=orgs, users=users)
    return _state["conn"], _state["conn"].begin_nested()


def end_test(txn) -> None:
    """Roll the test's savepoint back; keep the world for the next test only if it asks for it."""
    try:
        if txn.is_active and _state["conn"] is not None:
            txn.rollback()
    finally:
        if not (_state["keep"] and _state["outer"].is_active):
            drop()


def load(session) -> builders.World:
    """The shared world's objects, loaded into the test's session."""
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(_state["orgs"].values())))}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(_state["users"].values())))}
    return builders.World(**{name: orgs[oid] for name, oid in _state["orgs"].items()},
                          users={name: users[uid] for name, uid in _state["users"].items()})


def drop() -> None:
    """Roll the world back and close its connection (a no-op when there is none)."""
    conn, outer = _state["conn"], _state["outer"]
    _state.update(conn=None, outer=None, orgs=None, users=None)
    if conn is not None:
        try:
            if outer.is_active:
                outer.rollback()
        finally:
            conn.close()


def _wants_world(item) -> bool:
    return item is not None and "world" in getattr(item, "fixturenames", ())


# --- hooks, installed by tests/conftest.py -------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of ``item``: drop the world unless the test asks for it and sets up no
    wider fixture (which may write on another connection)."""
    if not _wants_world(item):
        drop()
        return
    info = getattr(item, "_fixtureinfo", None)
    for defs in (info.name2fixturedefs.values() if info else ()):
        if defs and defs[-1].scope in WIDE and defs[-1].cached_result is None:
            drop()
            return


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Keep the world past this test's teardown only for a next test that asks for it and when no
    wider fixture is torn down in between (one is when the next test is in another module or class)."""
    same_parent = nextitem is not None and nextitem.parent is item.parent
    _state["keep"] = _wants_world(nextitem) and (same_parent or not _wide_fixtures)
    try:
        yield
    finally:
        _state["keep"] = False


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    yield
    if fixturedef.scope in WIDE:
        _wide_fixtures.add(fixturedef)


def pytest_fixture_post_finalizer(fixturedef, request):
    _wide_fixtures.discard(fixturedef)
