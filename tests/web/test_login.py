from tests.conftest import login


def test_login_lands_on_home_showing_the_organisation(client, world):
    login(client, "pr_admin")
    page = client.get("/").data.decode()
    assert "居家护理甲" in page


def test_wrong_password_is_refused_and_changes_nothing(client, world):
    r = client.post("/login", data={"username": "pr_admin", "password": "nope"})
    assert r.status_code == 401
    assert "用户名或密码错误" in r.data.decode()
    assert client.get("/").status_code == 302
