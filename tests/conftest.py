"""Test fixtures: the schema is built once per database, each test runs in a rolled-back transaction.

Set TEST_DATABASE_URL to run on PostgreSQL (``make test`` runs the suite on SQLite and then on
a private PostgreSQL server).
"""
import os
import tempfile
from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
import flask_babel
from flask import g
from flask.globals import app_ctx
from sqlalchemy.orm import scoped_session, sessionmaker

from ltc import create_app, wire
from ltc.auth import passwords
from ltc.config import TestConfig
from ltc.core.db import ensure_extensions
from ltc.extensions import db
from ltc.notices.pdf import RENDERER_SETTING
from tests import builders, world_cache
from tests.pdf_double import tiny_pdf
from tests.seed import remove_reference_data, seed_reference_data

#: the app's own password hash method, before the ``app`` fixture lowers the cost
PRODUCTION_HASH_METHOD = passwords.HASH_METHOD
NOW = datetime(2026, 3, 16, 2, 0, tzinfo=timezone.utc)  # Monday 2026-03-16 10:00 in Shanghai
TODAY = date(2026, 3, 16)


pytest_runtest_setup = world_cache.pytest_runtest_setup
pytest_runtest_teardown = world_cache.pytest_runtest_teardown
pytest_fixture_setup = world_cache.pytest_fixture_setup
pytest_fixture_post_finalizer = world_cache.pytest_fixture_post_finalizer


def pytest_configure(config):
    """Fill the registries before collection: some tests are parametrized over them (e.g. the
    policy sections), and pure unit tests use them without an app."""
    wire()


def pytest_collection_modifyitems(config, items):
    """``make test`` runs the suite twice, on SQLite and on PostgreSQL: its PostgreSQL run (with
    LTC_TEST_DATABASE_ONLY=1) leaves out what cannot differ between the two, the tests that use no
    database at all (no ``app``: the pure unit tests, the lint and the architecture) and those
    marked ``once``."""
    if os.environ.get("LTC_TEST_DATABASE_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        independent = "app" not in getattr(item, "fixturenames", ()) or item.get_closest_marker("once")
        (left if independent else kept).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    path = os.path.join(tempfile.mkdtemp(prefix="ltc-test-"), "test.sqlite3")
    return f"sqlite:///{path}"


def _compile_translations() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = os.path.join(os.path.dirname(os.path.dirname(__file__)), "ltc", "translations")
    for lang in os.listdir(root):
        po = os.path.join(root, lang, "LC_MESSAGES", "messages.po")
        with open(po, "rb") as f:
            catalog = read_po(f, locale=lang)
        with open(po[:-2] + "mo", "wb") as f:
            write_mo(f, catalog)


@pytest.fixture(scope="session")
def app():
    _compile_translations()
    instance = tempfile.mkdtemp(prefix="ltc-instance-")
    os.environ["LTC_INSTANCE_PATH"] = instance
    # notices render with a fast double (a tiny valid PDF); documents tests use ``real_pdf``
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": _database_url(), "UPLOAD_FOLDER": instance,
                      RENDERER_SETTING: tiny_pdf})
    passwords.HASH_METHOD = "pbkdf2:sha256:1000"  # cheap hashes: the suite creates many users

    @app.before_request
    def forget_cached_user():
        # the test's app context outlives each request: drop the per-request caches of
        # Flask-Login (the user) and Flask-Babel (the locale)
        g.pop("_login_user", None)
        flask_babel.refresh()

    with app.app_context():
        with db.engine.begin() as conn:
            ensure_extensions(conn)
        db.drop_all()
        db.create_all()
        seed_reference_data(db.session, now=NOW)  # once per session, committed; tests reuse it
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        world_cache.drop()
        db.engine.dispose()


@contextmanager
def _bound_session(app, conn):
    """``db.session`` bound to ``conn`` inside the block: commits become savepoint releases
    (SQLAlchemy's join_transaction_mode="create_savepoint"; on SQLite thanks to the pysqlite recipe)."""
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False),
        scopefunc=lambda: id(app_ctx._get_current_object()),
    )
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original


@pytest.fixture
def session(app, request):
    """A real Session on one connection whose transaction is rolled back after the test.

    Service code and views may commit: commits become savepoint releases. A test that asks for
    ``world`` runs in a savepoint on the connection that holds the world (see ``tests.world_cache``).
    """
    with app.app_context():
        shared = world_cache.recipe_of(request.node)
        if shared:
            conn, txn = world_cache.begin_test(app, _bound_session, shared)
        else:
            world_cache.drop()
            conn = db.engine.connect()
            txn = conn.begin()
        try:
            with _bound_session(app, conn) as bound:
                yield bound
        finally:
            if shared:
                world_cache.end_test(txn)
            else:
                txn.rollback()
                conn.close()


@pytest.fixture
def unseeded(session):
    """An empty policy store, ruleset table, catalogue and audit log for this test (the session's
    seed is deleted inside the test's transaction, so it comes back afterwards)."""
    remove_reference_data(session)


@pytest.fixture
def real_pdf(app, monkeypatch):
    """Notices render with WeasyPrint (the app's default renderer) instead of the fast double:
    for the tests about the documents themselves and one workflow test per notice kind."""
    monkeypatch.setitem(app.config, RENDERER_SETTING, None)


@pytest.fixture
def client(app, session, monkeypatch):
    """A test client with CSRF disabled (one test re-enables it to prove the protection)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    return app.test_client()


@pytest.fixture
def csrf_client(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    return app.test_client()


@pytest.fixture
def world(session):
    """The four kinds of organisation with one user of each role, as in the demo.

    Built once and kept in the outer transaction of the connection that the tests asking for it
    share (each test in its own savepoint, rolled back after it; see ``tests.world_cache``): the
    objects are loaded into the test's session. Committed as far as the test sees (a request
    whose error handler rolls back does not take it away).
    """
    return world_cache.load(session)


@pytest.fixture
def shared_cast(session, world):
    """``tests.assessment_builders.cast`` of the world, shared like the world (see ``tests.world_cache``)."""
    return world_cache.load(session, "shared_cast")


@pytest.fixture
def shared_review(session, world):
    """``tests.review_builders.review_cast`` of the world, shared like the world."""
    return world_cache.load(session, "shared_review")


def login(client, username: str, password: str = builders.PASSWORD):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code == 302, response.data.decode()[:500]
    return response
