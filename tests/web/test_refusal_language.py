"""Refusals in the user's language (issue 9 point 10): a service's message that names values, and the
reason given for each field, read in Chinese in the Chinese UI and in English in the English UI; the
API answers in the language the request asks for (Accept-Language), Chinese when it names none."""
from ltc.core.errors import ValidationFailed
from tests.conftest import login
from tests.web.test_districts_pages import listed  # noqa: F401 — the district list fixture


def test_a_refusal_naming_a_value_is_english_in_the_english_ui(client, listed):  # noqa: F811
    login(client, "mia_admin")
    taken = client.post("/orgs/districts/", data={"code": "330104", "name": "北山新区"})
    assert taken.status_code == 409 and "区县代码 330104 已在名录中" in taken.data.decode()
    client.post("/lang/en", data={"next": "/"})
    taken = client.post("/orgs/districts/", data={"code": "330104", "name": "北山新区"})
    page = taken.data.decode()
    assert "The district code 330104 is already listed" in page and "已在名录中" not in page


def test_the_api_answers_in_the_language_the_request_asks_for(client, world):
    bad = {"username": None, "password": "x"}
    chinese = client.post("/api/v1/auth/token", json=bad)
    assert chinese.status_code == 400
    assert chinese.json == {"error": "请求字段无效：username", "fields": {"username": "须为字符串"}}
    english = client.post("/api/v1/auth/token", json=bad, headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert english.json == {"error": "invalid fields: username", "fields": {"username": "must be a string"}}


def test_a_service_refusal_over_the_api_is_in_the_requests_language(client, world):
    from tests.web.test_api_core import token_for

    headers = {"Authorization": f"Bearer {token_for(client, 'mia_op')}"}
    person = {"id_number": "330106194501011233", "name": "n", "district": "火星区"}
    chinese = client.post("/api/v1/persons", headers=headers, json=person)
    assert chinese.json == {"error": "区县 火星区 不在区县名录中", "fields": {"district": "未知"}}
    english = client.post("/api/v1/persons", headers=headers | {"Accept-Language": "en"}, json=person)
    assert english.status_code == 400 and english.json["fields"] == {"district": "unknown"}
    assert "火星区" in english.json["error"] and "不在" not in english.json["error"]


def test_field_reasons_with_a_number_and_lists_in_params_follow_the_language(app):
    from flask import session

    from ltc.web.messages import error_words, reason_words

    refused = ValidationFailed("复评须回避原评估人员：%(names)s", {"assessors": "at most 60 characters"},
                               params={"names": ["张三", "李四"]})
    assert refused.message == "复评须回避原评估人员：张三、李四"
    with app.test_request_context():
        assert reason_words("at most 60 characters") == "最多 60 个字符"
        assert reason_words("服务名称重复") == "服务名称重复"
    with app.test_request_context():
        session["lang"] = "en"
        assert reason_words("at most 60 characters") == "at most 60 characters"
        assert reason_words("taken") == "taken"
        assert reason_words("服务名称重复") != "服务名称重复"
        assert error_words(refused) == "A reassessment may not use the assessors of the first one: 张三, 李四"


def test_chinese_field_reasons_naming_a_value_and_a_label_read_in_english(app, session):
    """A catalogue or care-plan reason carries an item code and a care type's words: the English UI
    reads the sentence and the care type in English, the code as it is."""
    from flask import session as web_session

    from ltc.providers.catalogue.services import check_items_allowed
    from ltc.web.messages import reason_words

    [reason] = check_items_allowed(session, ["SH01"], "outreach").values()
    assert reason == "服务项目 SH01 不属于服务形式 巡护"
    with app.test_request_context():
        web_session["lang"] = "en"
        assert reason_words(reason) == "service item SH01 is not part of Outreach care"
        assert reason_words("频次应为 1 至 7 次") == "frequency must be 1 to 7"
