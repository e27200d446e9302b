"""Input no record can hold, refused at the request edge with a clear 4xx (never a 500):

- a path id in other than ASCII digits (``/people/１２`` would otherwise be person 12): no route
  matches, 404; a path id beyond PostgreSQL's INTEGER on a page: 404 (the API names it, 400);
- an integer query parameter read with ``request.args.get(..., type=int)`` in other than ASCII
  digits or beyond INTEGER: as if it were absent (the view's default);
- a NUL character in a query parameter or a form field (PostgreSQL cannot store it, SQLite
  would): 400 naming the field;
- a query parameter longer than ``MAX_QUERY_TEXT`` characters (a search pasted from a
  document): 400 saying so, instead of the server's raw "Request Line is too large" page
  (``gunicorn.conf.py`` admits request lines up to 8190 bytes, enough for such a search).
"""
import re

from flask import Flask, Request, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from ltc.core.errors import ValidationFailed

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: every id, version and counter fits
ASCII_INT = re.compile(r"[0-9]{1,10}")
#: the longest value of one query parameter (a search); a login's return address may be longer
MAX_QUERY_TEXT = 200
LONGER = {"next": 2000}


def strict_int(value) -> int:
    """``value`` as an integer written in 1–10 ASCII digits, at most ``MAX_INT``; else ValueError."""
    if isinstance(value, str) and ASCII_INT.fullmatch(value) and int(value) <= MAX_INT:
        return int(value)
    raise ValueError(f"not an integer 0–{MAX_INT}: {value!r}")


class AsciiIntConverter(IntegerConverter):
    """``<int:…>`` in ASCII digits only (Python's ``\\d`` also matches "１" and "١")."""
    regex = r"[0-9]+"


class StrictArgs(ImmutableMultiDict):
    """Query and form values whose ``get(..., type=int)`` reads only ASCII integers within INTEGER."""

    def get(self, key, default=None, type=None):  # noqa: A002 (Werkzeug's signature)
        return super().get(key, default, strict_int if type is int else type)


class LtcRequest(Request):
    parameter_storage_class = StrictArgs


def refuse_odd_values() -> None:
    """400 for a NUL character in any query or form value (or name), or a query value too long."""
    problems = {}
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                problems[name.replace("\x00", "\\u0000")] = _("不能包含 NUL 字符")
    for name, value in request.args.items(multi=True):
        limit = LONGER.get(name, MAX_QUERY_TEXT)
        if len(value) > limit:
            problems[name] = _("查询条件过长：最多 %(n)d 个字符", n=limit)
    if problems:
        raise ValidationFailed("输入有误：%(problems)s", problems,
                               params={"problems": [f"{name}：{message}" for name, message in problems.items()]})


def page_ids_within_range(endpoint, values) -> None:
    """A page's path id beyond INTEGER names no record: 404 (``api_route`` answers 400 on the API)."""
    if values and not request.path.startswith("/api/"):
        if any(isinstance(v, int) and not isinstance(v, bool) and v > MAX_INT for v in values.values()):
            raise NotFound()


def install(app: Flask) -> None:
    """Before any route is added: the converter applies to rules as they are added."""
    app.request_class = LtcRequest
    app.url_map.converters["int"] = AsciiIntConverter
    app.before_request(refuse_odd_values)
    app.url_value_preprocessor(page_ids_within_range)
