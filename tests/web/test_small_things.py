"""Consistency and small things (issue 9 point 17), each where the user meets it."""
import re

from tests.conftest import login


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_mia_menu_names_its_two_token_pages_apart(client, world):
    login(client, "mia_admin")
    page = html(client.get("/"))
    labels = re.findall(r'<a[^>]*href="/(?:account|admin)/tokens"[^>]*>([^<]+)</a>', page)
    assert "API 令牌（全部用户）" in page and "我的 API 令牌" in page
    assert len(labels) == len(set(labels)) >= 2, labels
