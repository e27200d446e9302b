"""Chinese first, English available through the language switch."""
from tests.conftest import login


def test_pages_are_chinese_by_default(client):
    page = client.get("/login").data.decode()
    assert 'lang="zh-CN"' in page and "登录" in page


def test_language_switch_shows_english_and_back(client, world):
    client.post("/lang/en", data={"next": "/login"})
    page = client.get("/login").data.decode()
    assert 'lang="en"' in page and "Log in" in page and "Username" in page
    login(client, "mia_admin")
    home = client.get("/").data.decode()
    assert "My organisation" in home and "Organisations" in home
    client.post("/lang/zh_CN", data={"next": "/"})
    assert "本机构" in client.get("/").data.decode()


def test_unknown_language_is_404(client):
    assert client.post("/lang/xx").status_code == 404


def test_language_switch_refuses_offsite_redirects(client):
    response = client.post("/lang/en", data={"next": "//evil.example/"})
    assert response.headers["Location"] == "/"
