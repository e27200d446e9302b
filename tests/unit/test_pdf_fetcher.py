"""The PDF URL fetcher serves the static folder and data: URLs, and nothing else (no network)."""
import base64
import io
from datetime import date

import pytest
from PIL import Image
from weasyprint import HTML
from weasyprint.urls import path2url

from ltc.notices.pdf import DEFAULT_STATIC, FetchRefused, StaticOnlyFetcher, render_pdf



def _pixel() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "red").save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


PIXEL = _pixel()


@pytest.fixture
def fetcher():
    return StaticOnlyFetcher(DEFAULT_STATIC)


def test_serves_a_file_of_the_static_folder(fetcher):
    response = fetcher.fetch(path2url(str(DEFAULT_STATIC / "css" / "pdf.css")))
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert fetcher.refused == []


def test_serves_data_urls(fetcher):
    response = fetcher.fetch(f"data:image/png;base64,{PIXEL}")
    assert response.read().startswith(b"\x89PNG")


@pytest.mark.parametrize("url", [
    "http://example.com/logo.png",
    "https://example.com/style.css",
    "ftp://example.com/file",
    "file:///etc/passwd",
    path2url(str(DEFAULT_STATIC / ".." / "__init__.py")),  # climbs out of the static folder
    path2url(str(DEFAULT_STATIC / "css")),  # a directory, not a file
    path2url(str(DEFAULT_STATIC / "css" / "missing.css")),
    "file://evil.example.com" + path2url(str(DEFAULT_STATIC / "css" / "pdf.css"))[7:],  # remote host
])
def test_refuses_everything_else(fetcher, url):
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_document_referencing_an_external_url_renders_without_fetching_it(fetcher):
    html = ('<link rel="stylesheet" href="http://example.com/evil.css">'
            '<p>正文</p><img src="http://example.com/tracker.png">'
            f'<img src="data:image/png;base64,{PIXEL}"><img src="favicon.svg">')
    pdf = HTML(string=html, base_url=path2url(str(DEFAULT_STATIC)), url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == ["http://example.com/evil.css", "http://example.com/tracker.png"]


def test_render_pdf_refuses_anything_but_plain_values():
    class Person:  # stands for an ORM object
        name = "王秀英"

    with pytest.raises(TypeError, match=r"data\['person'\] is a Person"):
        render_pdf("acceptance.html", {"person": Person()})
    with pytest.raises(TypeError, match=r"data\['dates'\]\[1\] is a object"):
        render_pdf("acceptance.html", {"dates": [date(2026, 3, 16), object()]})
