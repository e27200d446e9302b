"""A live app on a fresh committed database of the suite's kind, for tests with real threads
(each its own connection, so they cannot see the per-test rolled-back transaction): a temporary
SQLite file, or on PostgreSQL a database created on the test server and dropped afterwards."""
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from ltc import create_app
from ltc.config import TestConfig
from ltc.core.db import ensure_extensions
from ltc.extensions import db
from ltc.notices.pdf import RENDERER_SETTING
from tests.conftest import NOW
from tests.pdf_double import tiny_pdf
from tests.seed import seed_reference_data


def fresh_database(url: str):
    """(URL of a new empty database of the same kind, a function that drops it)."""
    if url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="ltc-live-")
        return f"sqlite:///{folder}/live.sqlite3", lambda: shutil.rmtree(folder, ignore_errors=True)
    name = f"ltc_live_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")

    def drop():
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False), drop


def live_app(app, populate: Callable) -> Iterator[tuple]:
    """Yield (the live app, what ``populate(session)`` returned, committed), then drop the database."""
    url, drop = fresh_database(app.config["SQLALCHEMY_DATABASE_URI"])
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    live = create_app({**config, "SQLALCHEMY_DATABASE_URI": url, "PROPAGATE_TEST_ERRORS": False,
                       "WTF_CSRF_ENABLED": False, "API_CHECK_RESPONSES": False, RENDERER_SETTING: tiny_pdf})
    try:
        with live.app_context():
            with db.engine.begin() as conn:
                ensure_extensions(conn)
            db.create_all()
            seed_reference_data(db.session, now=NOW)
            data = populate(db.session)
            db.session.commit()
            db.session.remove()
        yield live, data
    finally:
        with live.app_context():
            db.engine.dispose()
        drop()


def together(*calls):
    """Run the calls in threads released at once; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n, call):
        barrier.wait(10)
        results[n] = call()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    return results
