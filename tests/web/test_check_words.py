"""Review checks are stored as a msgid and its params and shown in the reader's language (issue 9
point 10); a check stored as a Chinese sentence before then is shown as it was stored."""
from flask import render_template_string, session

from ltc.reviews.registry import Check
from ltc.web.messages import check_words

BEDS = Check("capacity", "床位", True, "核定床位 %(beds)s 张，%(day)s 已占用 %(used)s 张",
             {"beds": 60, "day": "2026-03-01", "used": 3})
DATES = Check("dates", "待遇起止日期", True, "%(bridge)s%(start)s 起至 %(end)s（不含）%(note)s", {
    "start": "2026-04-01", "end": "2028-03-12", "note": "",
    "bridge": {"detail": "%(start)s 起至 %(end)s（不含）原%(care_type)s按 %(level)s 级过渡；",
               "params": {"start": "2026-03-10", "end": "2026-04-01", "care_type": "居家上门护理", "level": 4}}})
LEGACY = {"code": "capacity", "label": "床位", "passed": True, "detail": "核定床位 60 张，2026-03-01 已占用 3 张"}
TABLE = '{% from "reviews/_checks.html" import checks_table %}{{ checks_table(checks, "t") }}'


def test_a_stored_check_reads_in_chinese_and_in_english(app):
    stored = BEDS.as_dict()
    assert BEDS.text == "核定床位 60 张，2026-03-01 已占用 3 张"
    with app.test_request_context():
        assert check_words(stored) == BEDS.text
    with app.test_request_context():
        session["lang"] = "en"
        assert check_words(stored) == "60 approved beds, 3 occupied on 2026-03-01"
        assert check_words(DATES.as_dict()) == (
            "from 2026-03-10 to 2026-04-01 (exclusive) the former Home care continues at level 4; "
            "from 2026-04-01 to 2028-03-12 (exclusive)")


def test_the_checks_table_shows_new_checks_in_english_and_old_ones_as_stored(app):
    with app.test_request_context():
        session["lang"] = "en"
        html = render_template_string(TABLE, checks=[BEDS.as_dict(), LEGACY])
    assert "60 approved beds, 3 occupied on 2026-03-01" in html and "Beds" in html
    assert "核定床位 60 张，2026-03-01 已占用 3 张" in html  # the sentence stored before checks had params


def test_an_empty_detail_stays_empty(app):
    with app.test_request_context():
        session["lang"] = "en"
        assert check_words({"detail": ""}) == "" and check_words(Check("x", "床位", None)) == ""


def test_a_care_plan_check_reads_in_english_with_its_figures(app):
    from ltc.policy.ref import ref_sections
    from ltc.policy.schema import parse_section
    from ltc.providers.care_plans.checks import PlannedVisit, hours_cap_check

    billing = parse_section("billing", ref_sections()["billing"])
    check = hours_cap_check([PlannedVisit("助浴", 3, "week", 60), PlannedVisit("巡视", 2, "month", 30)], billing, 5)
    assert "5 级每月上限 30 小时：未超过" in check.message
    with app.test_request_context():
        session["lang"] = "en"
        words = check_words(check)
    assert "= 840.00 minutes ÷ 60 = 14.00 hours (助浴: 3 a week × 52 ÷ 12 = 13.00 visits × 60 minutes, " in words
    assert words.endswith("level 5 cap 30 hours a month: within the cap")
