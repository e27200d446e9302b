"""The ``world`` fixture's data (or the assessment cast, or the review cast, built on it) built
once and shared by consecutive tests that ask for the same.

Building the world (five organisations, their periods and contracts, thirteen users, each through
the services with its audit rows) takes over a hundred statements; some 1,200 tests ask for it.
So the first of a run of such tests builds it on a connection of its own, inside an outer
transaction that is never committed, and each test runs in a savepoint on that connection, rolled
back after it: every test starts from the same world, and nothing of it is ever committed. The
test's objects are copies merged into its own session (``session.merge(load=False)``: no query).
A test that asks for ``shared_cast`` (``shared_review``) gets the world with the assessment cast
(the review cast) the same way; a test asking for another recipe than the one held rebuilds it.

The open transaction holds SQLite's write lock (and, on PostgreSQL, uncommitted rows that
another connection's insert of the same key would wait for), so the connection is closed (the
world rolled back) before any test that does not ask for the world, and before a fixture wider
than a test (a module's committed data, a live server) is set up or torn down.
"""
import dataclasses

import pytest

from ltc.extensions import db
from tests import builders

#: the fixtures that ask for shared data, the richest first, and what each holds
RECIPES = ("shared_review", "shared_cast", "world")
WIDE = ("class", "module", "package")

_state: dict = {"conn": None, "outer": None, "recipe": None, "built": None, "keep": False}
_wide_fixtures: set = set()



def recipe_of(item) -> str | None:
    names = getattr(item, "fixturenames", ()) if item is not None else ()
    return next((name for name in RECIPES if name in names), None)


def _build(session, recipe: str) -> dict:
    from tests.assessment_builders import cast
    from tests.review_builders import review_cast

    built = {"world": builders.world(session)}
    if recipe == "shared_cast":
        built[recipe] = cast(session, built["world"])
    elif recipe == "shared_review":
        built[recipe] = review_cast(session, built["world"])
    session.commit()  # a savepoint release: the data stays in the outer transaction
    return built


def begin_test(app, bound_session, recipe: str):
    """The shared connection (building the recipe on it first if needed) and a savepoint for one test."""
    if _state["recipe"] != recipe:
        drop()
    if _state["conn"] is None:
        conn = db.engine.connect()
        outer = conn.begin()
        try:
            with bound_session(app, conn) as session:
                built = _build(session, recipe)
        except BaseException:
            outer.rollback()
            conn.close()
            raise
        _state.update(conn=conn, outer=outer, recipe=recipe, built=built)
    return _state["conn"], _state["conn"].begin_nested()


def end_test(txn) -> None:
    """Roll the test's savepoint back; keep the world for the next test only if it asks for it."""
    try:
        if txn.is_active and _state["conn"] is not None:
            txn.rollback()
    finally:
        if not (_state["keep"] and _state["outer"].is_active):
            drop()


def load(session, name: str = "world"):
    """A copy of the shared ``name`` (the world, or a cast) for the test: its containers new, its
    rows merged into the test's session without a query."""
    return _into(session, _state["built"][name])


def _into(session, value):
    if hasattr(type(value), "__mapper__"):
        return session.merge(value, load=False)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _into(session, getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, list):
        return [_into(session, v) for v in value]
    if isinstance(value, dict):
        return {k: _into(session, v) for k, v in value.items()}
    return value


def drop() -> None:
    """Roll the world back and close its connection (a no-op when there is none)."""
    conn, outer = _state["conn"], _state["outer"]
    _state.update(conn=None, outer=None, recipe=None, built=None)
    if conn is not None:
        try:
            if outer.is_active:
                outer.rollback()
        finally:
            conn.close()


# --- hooks, installed by tests/conftest.py -------------------------------------------------------

@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture of ``item``: drop the world unless the test asks for it and sets up no
    wider fixture (which may write on another connection)."""
    if recipe_of(item) is None:
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
    _state["keep"] = recipe_of(nextitem) == _state["recipe"] and (same_parent or not _wide_fixtures)
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
