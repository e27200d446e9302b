"""A unique key taken by a concurrent request (the service's check passed for both) answers 409
naming the conflict, on the API and on the form, never 500 (issue #9 point 3). The race is
simulated by skipping the service's check; tests/web/test_concurrent_requests.py runs it for real."""
import pytest
from sqlalchemy import func, select

from ltc.people.models import InsuredPerson
from tests.conftest import login
from tests.web.test_people_api import api  # noqa: F401  (fixture)
from tests.web.test_people_pages import valid_form


@pytest.fixture
def unchecked(monkeypatch):
    """The state of a request whose check ran before the other request's insert committed."""
    monkeypatch.setattr("ltc.people.services._ensure_unique", lambda *a, **kw: None)


def test_the_api_answers_409_naming_the_taken_field(api, session, unchecked):  # noqa: F811
    body = {"id_number": api.people["east"].id_number, "name": "甲", "district": "东城区"}
    response = api("post", "/api/v1/persons", json=body)
    assert response.status_code == 409
    assert response.json == {"error": "该身份证号已登记（可能是他人刚刚登记），请刷新后查看",
                             "fields": {"id_number": "already exists"}}
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2


def test_the_form_shows_the_conflict_on_the_field(client, session, api, unchecked):  # noqa: F811
    login(client, "mia_op")
    response = client.post("/people/new", data=valid_form(id_number=api.people["east"].id_number))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "该身份证号已登记" in page and "is-invalid" in page
    assert session.scalar(select(func.count()).select_from(InsuredPerson)) == 2
