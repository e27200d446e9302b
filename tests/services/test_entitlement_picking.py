"""The insurer names the application of 发起待遇审核 by its number or by the person (issue 9 point 14)."""
from datetime import date

import pytest

from ltc.core.errors import ValidationFailed
from ltc.entitlements.picking import application_named
from tests.assessment_builders import past_conclusion
from tests.people_builders import person


@pytest.fixture
def apps(session, world):
    east = person(session, 1, name="王东城")
    older = past_conclusion(session, east.id, date(2025, 1, 10))
    latest = past_conclusion(session, east.id, date(2026, 1, 20), level=4)
    far = past_conclusion(session, person(session, 2, name="李海淀", district="海淀区").id, date(2026, 1, 20))
    return east, older, latest, far


def named(session, world, text):
    return application_named(session, text, user=world.users["ins_op"])


def test_by_number_in_any_spelling(session, world, apps):
    _east, older, _latest, _far = apps
    assert named(session, world, older.number) is older
    assert named(session, world, " " + older.number.lower().replace("-", "－") + " ") is older   # full-width dash


def test_a_number_with_the_wrong_year_or_outside_the_insurers_districts_is_unknown(session, world, apps):
    _east, older, _latest, far = apps
    for text in (older.number.replace("SQ-2025", "SQ-2024"), far.number, "SQ-2026-9999999999999999999"):
        with pytest.raises(ValidationFailed) as caught:
            named(session, world, text)
        assert caught.value.fields == {"application": "unknown"} or "没有编号为" in caught.value.message


def test_by_id_number_or_name_the_persons_latest_conclusion(session, world, apps):
    east, _older, latest, _far = apps
    assert named(session, world, east.id_number) is latest
    assert named(session, world, "王东城") is latest
    for text in ("李海淀", "没有这个人", ""):
        with pytest.raises(ValidationFailed):
            named(session, world, text)


def test_a_name_several_persons_share_asks_for_the_id_number(session, world, apps):
    person(session, 3, name="王东城", district="西城区")
    with pytest.raises(ValidationFailed) as caught:
        named(session, world, "王东城")
    assert "请输入身份证号或申请编号" in caught.value.message
