"""Pooled connections are pinged only after sitting idle (``core.db.ping_when_idle``, issue 10 Performance:
no extra round trip per request on a busy server), and one whose ping fails is replaced."""
from sqlalchemy import create_engine, event, text

from ltc.core.db import ping_when_idle


def _engine(idle_seconds: float):
    engine = create_engine("sqlite://")
    ping_when_idle(engine, idle_seconds=idle_seconds)
    connects, pings = [], []
    event.listen(engine, "connect", lambda *_: connects.append(1))
    original = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(1)
        if len(pings) == 1:
            raise OSError("server closed the connection")
        return original(dbapi_connection)
    engine.dialect.do_ping = ping
    return engine, connects, pings


def _use(engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_used_recently_is_not_pinged():
    engine, connects, pings = _engine(idle_seconds=3600)
    for _ in range(3):
        _use(engine)
    assert pings == [] and len(connects) == 1


def test_an_idle_connection_is_pinged_and_replaced_when_the_ping_fails():
    engine, connects, pings = _engine(idle_seconds=0)
    _use(engine)
    _use(engine)     # idle since its check-in: pinged, the ping fails, a new connection is made
    assert len(pings) == 1 and len(connects) == 2
    _use(engine)     # pinged again: it answers, the connection stays
    assert len(pings) == 2 and len(connects) == 2
