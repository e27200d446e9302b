"""What every benchmark shares: an empty schema on DATABASE_URL (or a temp SQLite file) and a
timer that prints one line per measurement."""
import os
import sys
import tempfile
import time
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from ltc import create_app  # noqa: E402
from ltc.core.db import ensure_extensions  # noqa: E402
from ltc.extensions import db  # noqa: E402


@contextmanager
def empty_database():
    """An app context on a freshly created schema (drops what is there: use a scratch database)."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        with db.engine.begin() as conn:
            ensure_extensions(conn)
        db.drop_all()
        db.create_all()
        yield db


def analyze() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("ANALYZE"))


def batches(total: int, size: int = 20_000, what: str = "rows"):
    """``range`` chunks of ``total``, printing "seeded n / total" after each (the caller commits)."""
    for start in range(0, total, size):
        yield range(start, min(total, start + size))
        print(f"\r  seeded {min(total, start + size):>9,} / {total:,} {what}", end="", flush=True)
    print()


def timed(label: str, fn, width: int = 40) -> None:
    t0 = time.perf_counter()
    result = fn()
    print(f"{label:<{width}} {1000 * (time.perf_counter() - t0):8.1f} ms   ({result})")
