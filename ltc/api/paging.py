"""Paginated lists over the API: the page/per_page query parameters, their OpenAPI description
and the ``{"items", "page", "per_page", "total", "pages"}`` body, the same for every list."""
import re

from flask import jsonify, request

from ltc.core.errors import ValidationFailed
from ltc.core.pagination import Page

MAX_PER_PAGE = 100
MAX_PAGE = 10**6
#: ASCII digits only: ``str.isdigit()`` also accepts "²" and "３", which ``int()`` rejects or reads
DIGITS = re.compile(r"[0-9]{1,10}")
_INT = {"type": "integer"}
PAGE_PARAMETERS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
]


def page_schema(item_schema: dict) -> dict:
    return {"type": "object", "properties": {"items": {"type": "array", "items": item_schema}, "page": _INT,
                                             "per_page": _INT, "total": _INT, "pages": _INT}}


def query_ints(specs: tuple[tuple[str, int | None, int], ...], problems: dict[str, str]) -> dict[str, int | None]:
    """``{name: value}`` for each ``(name, default, highest)``: a positive integer in ASCII digits;
    each bad one is named in ``problems`` (and gets its default)."""
    values = {}
    for name, default, high in specs:
        raw = request.args.get(name)
        if raw is not None and (not DIGITS.fullmatch(raw) or not 1 <= int(raw) <= high):
            problems[name] = f"must be an integer 1–{high}"
        values[name] = int(raw) if raw is not None and name not in problems else default
    return values


PAGE_INTS = (("page", 1, MAX_PAGE), ("per_page", 25, MAX_PER_PAGE))


def raise_problems(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationFailed("invalid query parameters: " + ", ".join(sorted(problems)), problems)


def page_args() -> tuple[int, int]:
    """``(page, per_page)`` from the query. Raises ValidationFailed naming each bad one."""
    problems: dict[str, str] = {}
    values = query_ints(PAGE_INTS, problems)
    raise_problems(problems)
    return values["page"], values["per_page"]


def page_json(page: Page, items: list):
    return jsonify(items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages)
