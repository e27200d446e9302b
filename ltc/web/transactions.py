"""Which requests may write, and so begin their transactions with SQLite's write lock.

A request may write when its method is not GET, HEAD or OPTIONS, or when its view is marked
``@records_view`` (a GET that records an audited view of personal data: a person's full values,
a notice, a medical document, the ID-number collisions, hospital stays, a care plan). Its transactions begin with
``BEGIN IMMEDIATE`` (``ltc.core.db.writing``): it waits for another writer instead of failing
with "database is locked" when its read would have to become a write. Every other request is a
plain read and writes nothing; the one exception, an API token's last use, is recorded at most
once a minute in a transaction of its own (``ltc.auth.web``). PostgreSQL is unaffected.
"""
from flask import Flask, current_app, g, request

from ltc.core.db import reset_writing, set_writing

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def records_view(view):
    """Mark a GET view that writes (an audited view of personal data): its request may write."""
    view.records_view = True
    return view


def request_may_write() -> bool:
    if request.method not in READ_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "records_view", False))


def install(app: Flask) -> None:
    @app.before_request
    def classify_request():
        g.writing_token = set_writing(request_may_write())

    @app.teardown_request
    def end_request_class(_exc):
        token = g.pop("writing_token", None)
        if token is not None:
            try:
                reset_writing(token)
            except ValueError:  # a context other than the one that set it: leave it to that one
                set_writing(False)
