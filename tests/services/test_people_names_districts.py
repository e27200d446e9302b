"""A person's district is one of the MIA's list, and names refuse invisible characters (issue #9
point 9, SPEC §1 district list, §2 roster): Unicode controls, format characters (bidi overrides),
line and paragraph separators — while names outside the BMP such as 𠮷 stay accepted."""
import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM
from ltc.core.errors import ValidationFailed
from ltc.orgs.services import set_district_active
from ltc.people import imports as importer
from ltc.people import services
from ltc.people.models import InsuredPerson
from tests.builders import district
from tests.conftest import NOW, TODAY
from tests.people_builders import csv_bytes, id_number, person


def values(**changes) -> dict:
    return {"id_number": id_number(5), "name": "王秀英", "district": "东城区", **changes}


def create(session, **changes) -> InsuredPerson:
    return services.create_person(session, values(**changes), actor=SYSTEM, now=NOW)


@pytest.fixture(autouse=True)
def listed(session):
    district(session, "东城区")
    district(session, "西城区")


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(InsuredPerson))


def test_a_district_not_on_the_list_is_refused(session):
    with pytest.raises(ValidationFailed) as refused:
        create(session, district="火星区")
    assert refused.value.fields == {"district": "unknown"} and "火星区" in refused.value.message
    assert count(session) == 0


def test_a_deactivated_district_takes_no_new_person_but_stays_on_those_it_names(session):
    kept = person(session, 1, district="西城区")
    set_district_active(session, district(session, "西城区"), actor=SYSTEM, now=NOW, active=False)
    with pytest.raises(ValidationFailed) as refused:
        create(session, district="西城区")
    assert refused.value.fields == {"district": "inactive"}
    services.update_person(session, kept, {"name": "李四"}, actor=SYSTEM, now=NOW)  # its district unchanged
    with pytest.raises(ValidationFailed):
        services.update_person(session, person(session, 2), {"district": "西城区"}, actor=SYSTEM, now=NOW)


def test_moving_a_person_to_a_district_not_on_the_list_is_refused(session):
    moved = person(session, 1)
    with pytest.raises(ValidationFailed) as refused:
        services.update_person(session, moved, {"district": "火星区"}, actor=SYSTEM, now=NOW)
    assert refused.value.fields == {"district": "unknown"}
    assert moved.district == "东城区"


@pytest.mark.parametrize("name", ["张\u202e三", "张三\u0007", "张\u200b三", "张\u2028三", "张\u2029三", "张\ufeff三",
                                  "张\x00三", "张\n三"])
def test_a_name_with_a_control_or_format_character_is_refused(session, name):
    with pytest.raises(ValidationFailed) as refused:
        create(session, name=name)
    assert "name" in refused.value.fields and "控制字符或格式字符" in refused.value.message
    assert count(session) == 0


@pytest.mark.parametrize("field", ["address", "township", "village"])
def test_a_place_with_a_bidi_override_is_refused(session, field):
    with pytest.raises(ValidationFailed) as refused:
        create(session, **{field: "幸福路\u202e1号"})
    assert field in refused.value.fields


@pytest.mark.parametrize("name", ["𠮷田", "𪚥", "张三·李", "Zhāng Sān", "阿依古丽·买买提"])
def test_names_outside_the_bmp_and_with_separating_dots_are_accepted(session, name):
    assert create(session, name=name).name == name


def test_an_import_row_naming_a_district_not_on_the_list_is_an_error(session):
    data = csv_bytes(f"{id_number(1)},张三,,,东城区,,,,,,", f"{id_number(2)},李四,,,火星区,,,,,,",
                     f"{id_number(3)},王五\u202e,,,东城区,,,,,,")
    result = importer.preview(session, data, "roster.csv", today=TODAY)
    assert not result.ok
    assert [r.errors for r in result.rows][0] == []
    assert "区县 火星区 不在区县名录中" in result.rows[1].errors[0]
    assert "控制字符或格式字符" in result.rows[2].errors[0]


def test_an_import_row_may_keep_the_deactivated_district_its_person_already_has(session):
    person(session, 1, name="张三", district="西城区", phone=None)
    set_district_active(session, district(session, "西城区"), actor=SYSTEM, now=NOW, active=False)
    data = csv_bytes(f"{id_number(1, code='110102')},张三,,幸福路 1 号,西城区,东华门街道,第一社区,,,,")
    result = importer.preview(session, data, "roster.csv", today=TODAY)
    assert result.ok, [r.errors for r in result.rows]
