"""Paginated lists over the API: the page/per_page query parameters and the
``{"items", "page", "per_page", "total", "pages"}`` body (``schema.Page``), the same for every list."""
from flask import jsonify

from ltc.api.schema import Query, query_int
from ltc.core.pagination import Page

MAX_PER_PAGE = 100
MAX_PAGE = 10**6


class PageQuery(Query):
    """``page`` (from 1) and ``per_page`` (at most 100); a list's own filters extend it."""
    page: query_int(MAX_PAGE) = 1
    per_page: query_int(MAX_PER_PAGE) = 25


def page_json(page: Page, items: list):
    return jsonify(items=items, page=page.page, per_page=page.per_page, total=page.total, pages=page.pages)
