"""PDF rendering with WeasyPrint: a Jinja template of plain values, A4, CJK fonts, no network.

The template environment is standalone (no Flask context processors, no request, no
database): a template sees only the values passed in, and a missing one is an error
(``StrictUndefined``). The URL fetcher serves files from the app's static folder and
``data:`` URLs, and refuses everything else (http, https, files elsewhere).

``notice_renderer()`` is the one seam for the function that renders notices: ``render_pdf``
unless the app's ``NOTICE_RENDERER`` setting names another ``(template_name, data) -> bytes``
(the test suite installs a fast double there; documents tests keep the real one).
"""
import mimetypes
import os
import threading
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit
from urllib.request import url2pathname

from flask import current_app, has_app_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from ltc.notices.documents import cn_date

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATES = ROOT / "templates" / "pdf"
DEFAULT_STATIC = ROOT / "ltc" / "static"
FONT_STACK = '"Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif'
#: applied to every document, whatever its stylesheet: A4 pages and fonts that have Chinese
PAGE_CSS = f"@page {{ size: A4; }} html {{ font-family: {FONT_STACK}; }}"
PLAIN_TYPES = (str, int, float, bool, Decimal, date, type(None))
#: app setting: the renderer to use instead of ``render_pdf``
RENDERER_SETTING = "NOTICE_RENDERER"

Renderer = Callable[[str, dict], bytes]


class FetchRefused(ValueError):
    """A document asked for a resource outside the static folder."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``file:`` URLs inside ``static_folder`` and ``data:`` URLs; refuses the rest.

    Refused URLs are kept in ``refused`` (WeasyPrint logs the failure and renders on)."""

    def __init__(self, static_folder: str | os.PathLike):
        super().__init__(timeout=1, allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = Path(static_folder).resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.static_path(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"refused to fetch {url!r}: only files of the static folder are served")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def static_path(self, url: str) -> Path | None:
        """The file ``url`` names when it is a ``file:`` URL of a file under the static folder."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(parts.path)).resolve()  # resolves "..", symlinks
        return path if path.is_relative_to(self.root) and path.is_file() else None


def render_pdf(template_name: str, data: dict) -> bytes:
    """The PDF of ``templates/pdf/<template_name>`` rendered with ``data`` (plain values only:
    str, numbers, dates, lists and dicts of them; anything else raises TypeError)."""
    _check_plain(data, "data")
    templates, static = _folders()
    html = _environment(str(templates)).get_template(template_name).render(data)
    document = HTML(string=html, base_url=path2url(str(static)), url_fetcher=StaticOnlyFetcher(static))
    fonts = _font_config()
    return document.write_pdf(stylesheets=[CSS(string=PAGE_CSS, font_config=fonts)], font_config=fonts)


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, kept: a new one per document loads the CJK fonts again
    each time (measured: RSS grows by megabytes a document until a garbage collection, and stays
    flat with a kept one; bench/statements.py renders thousands in one process)."""
    config = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def notice_renderer() -> Renderer:
    """The renderer of notices: the app's ``NOTICE_RENDERER`` setting if set, else ``render_pdf``."""
    if has_app_context():
        return current_app.config.get(RENDERER_SETTING) or render_pdf
    return render_pdf


def _folders() -> tuple[Path, Path]:
    if has_app_context():
        return Path(current_app.template_folder) / "pdf", Path(current_app.static_folder)
    return DEFAULT_TEMPLATES, DEFAULT_STATIC


@lru_cache(maxsize=4)
def _environment(folder: str) -> Environment:
    env = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cn_date"] = cn_date
    return env


def _check_plain(value: Any, where: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_plain(item, f"{where}[{i}]")
    elif not isinstance(value, PLAIN_TYPES):
        raise TypeError(f"{where} is a {type(value).__name__}; PDF templates receive plain values only")
