"""Carer register pages (SPEC §1): the provider's admin and operators manage their own carers; the
MIA and the insurer of the provider's district read them; anyone else gets a 404 for a carer (a 403
for the list); a carer login sees its own entry."""
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.providers.carers.models import Carer, CarerSuspensionPeriod
from ltc.providers.carers.services import dated, logins
from tests.builders import org, user
from tests.carer_builders import carer, provider_district
from tests.conftest import NOW, login
from tests.people_builders import id_number


@pytest.fixture
def staff(session, world):
    """Two carers of the home-care provider (in 东城区, the insurer's), one of the nursing home."""
    provider_district(session, world.provider, "东城区")
    mine = carer(session, world.provider, 1, name="王护理", staff_type="assistant", qualified=True)
    nurse = carer(session, world.provider, 2, name="李护士", staff_type="nurse")
    dated.suspend_carer(session, nurse, valid_from=date(2026, 1, 1), valid_to=None, reason="投诉核查",
                        actor=SYSTEM, now=NOW)
    theirs = carer(session, world.provider2, 3, name="赵护理")
    session.commit()
    return {"mine": mine, "nurse": nurse, "theirs": theirs}


def names(response) -> list[str]:
    return re.findall(r'data-carer="\d+">\s*<td><a [^>]*>([^<]*)</a>', response.data.decode())


def test_the_provider_lists_its_own_carers_with_search_and_filters(client, staff):
    login(client, "pr_op")
    assert names(client.get("/carers/")) == ["李护士", "王护理"]
    assert names(client.get("/carers/?staff_type=nurse")) == ["李护士"]
    assert names(client.get("/carers/?state=suspended")) == ["李护士"]
    assert names(client.get("/carers/?state=active")) == ["王护理"]
    assert names(client.get(f"/carers/?q={staff['mine'].id_number[-6:]}")) == ["王护理"]
    page = client.get("/carers/").data.decode()
    assert staff["mine"].id_number not in page and staff["mine"].id_number[-4:] in page  # masked in the list
    assert "护理员" in page and "暂停服务" in page


def test_the_list_exports_as_csv_and_xlsx(client, staff):
    login(client, "pr_admin")
    text = client.get("/carers/?format=csv").data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("姓名,身份证号") and "王护理" in text and "赵护理" not in text
    book = load_workbook(io.BytesIO(client.get("/carers/?format=xlsx&staff_type=nurse").data))
    assert [row[0] for row in book.active.iter_rows(values_only=True)] == ["姓名", "李护士"]


def test_the_insurer_sees_the_providers_of_its_districts_only_and_the_mia_all(client, session, world, staff):
    login(client, "ins_op")
    assert names(client.get("/carers/")) == ["李护士", "王护理"]
    assert client.get(f"/carers/{staff['theirs'].id}").status_code == 404  # provider2 has no district of its
    assert client.get(f"/carers/{staff['mine'].id}").status_code == 200
    assert client.get(f"/carers/{staff['mine'].id}/edit").status_code == 403  # read only
    client.post("/logout")
    login(client, "mia_rev")
    assert sorted(names(client.get("/carers/"))) == ["李护士", "王护理", "赵护理"]


@pytest.mark.parametrize("username", ["pr2_op", "ag_admin", "pr_carer"])
def test_a_carer_outside_the_users_scope_is_not_found(client, staff, username):
    login(client, username)
    assert client.get(f"/carers/{staff['mine'].id}").status_code == 404


def test_an_agency_and_a_carer_login_may_not_open_the_register(client, staff):
    for username in ("ag_admin", "pr_carer"):
        login(client, username)
        assert client.get("/carers/").status_code == 403
        client.post("/logout")


def test_another_providers_forms_on_my_carer_are_not_found(client, staff):
    login(client, "pr2_admin")
    carer_id = staff["mine"].id
    for url in (f"/carers/{carer_id}/edit", f"/carers/{carer_id}/qualifications/new", f"/carers/{carer_id}/leave"):
        assert client.get(url).status_code == 404


def test_the_detail_page_shows_everything_and_records_the_full_view(client, session, staff):
    login(client, "pr_admin")
    mine = staff["mine"]
    page = client.get(f"/carers/{mine.id}").data.decode()
    assert mine.id_number in page and "ZG-1" in page and "执业资格" in page and "登记历史" in page
    viewed = session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "carer", AuditEntry.entity_id == str(mine.id), AuditEntry.action == "view"))
    assert viewed == 1


def test_registering_keeps_the_input_and_shows_the_error_then_saves(client, session, world, staff):
    login(client, "pr_op")
    data = {"name": "新护理", "id_number": staff["mine"].id_number.lower(), "staff_type": "assistant",
            "phone": "13900009999", "employed_from": "2026-03-01"}
    refused = client.post("/carers/new", data=data)
    assert refused.status_code == 409
    page = refused.data.decode()
    assert "已登记在本机构护理人员名册" in page and 'value="新护理"' in page and 'value="13900009999"' in page
    number = id_number(77, birth=date(1988, 8, 8))
    saved = client.post("/carers/new", data={**data, "id_number": " " + number})
    assert saved.status_code == 302
    created = session.scalar(select(Carer).where(Carer.id_number == number))
    assert created.provider_id == world.provider.id and created.birth_date == date(1988, 8, 8)


def test_an_edit_from_a_stale_page_is_refused(client, session, staff):
    login(client, "pr_op")
    mine = staff["mine"]
    form = {"name": "王改名", "id_number": mine.id_number, "staff_type": "assistant", "phone": "",
            "employed_from": "2025-01-01", "version": str(mine.version)}
    assert client.post(f"/carers/{mine.id}/edit", data=form).status_code == 302
    stale = client.post(f"/carers/{mine.id}/edit", data={**form, "name": "又改名"})
    assert stale.status_code == 409 and "已被他人修改" in stale.data.decode()


def test_an_overlapping_suspension_is_refused_on_the_form_and_a_lift_is_dated(client, session, staff):
    login(client, "pr_op")
    nurse = staff["nurse"]
    refused = client.post(f"/carers/{nurse.id}/suspensions/new",
                          data={"valid_from": "2026-02-01", "valid_to": "", "reason": "重复"})
    assert refused.status_code == 409 and "重叠" in refused.data.decode()
    suspension = session.scalar(select(CarerSuspensionPeriod).where(CarerSuspensionPeriod.carer_id == nurse.id))
    lifted = client.post(f"/carers/{nurse.id}/suspensions/{suspension.id}/lift", data={"valid_to": "2026-03-01"})
    assert lifted.status_code == 302
    session.refresh(suspension)
    assert suspension.valid_to == date(2026, 3, 1)


def test_qualification_certificate_training_leaving_and_login_forms(client, session, world, staff):
    login(client, "pr_admin")
    nurse_id = staff["nurse"].id
    posts = [(f"/carers/{nurse_id}/qualifications/new",
              {"staff_type": "nurse", "certificate_no": "HS-9", "valid_from": "2025-01-01", "valid_to": ""}),
             (f"/carers/{nurse_id}/certificates/new", {"name": "健康证", "valid_from": "2025-01-01", "valid_to": ""}),
             (f"/carers/{nurse_id}/trainings/new", {"day": "2026-03-01", "hours": "3.5", "topic": "急救"}),
             (f"/carers/{nurse_id}/login", {"username": "li.nurse", "password": "Nurse-pass-2026"}),
             (f"/carers/{nurse_id}/leave", {"left_on": "2026-06-01"})]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 302, url
    page = client.get(f"/carers/{nurse_id}").data.decode()
    assert all(words in page for words in ("HS-9", "健康证", "急救", "li.nurse", "2026-05-31"))
    bad = client.post(f"/carers/{nurse_id}/trainings/new", data={"day": "2026-03-01", "hours": "30", "topic": "急救"})
    assert bad.status_code == 400 and 'value="急救"' in bad.data.decode()


def test_a_carer_login_sees_its_own_entry_read_only(client, session, world, staff):
    logins.link_login(session, staff["mine"], user=world.users["pr_carer"], actor=SYSTEM, now=NOW)
    session.commit()
    login(client, "pr_carer")
    page = client.get("/carers/me")
    assert page.status_code == 200 and "王护理" in page.data.decode() and "编辑" not in page.data.decode()
    client.post("/logout")
    login(client, "pr_op")
    assert client.get("/carers/me").status_code == 403


def test_a_carer_login_without_an_entry_is_told_so(client, staff):
    login(client, "pr_carer")
    page = client.get("/carers/me")
    assert page.status_code == 200 and 'data-testid="no-entry"' in page.data.decode()
    assert 'href="/carers/me"' in client.get("/").data.decode()  # in the carer's menu


def test_the_import_previews_errors_and_applies_a_clean_file(client, session, world, staff):
    login(client, "pr_op")
    template = client.get("/carers/import/template?format=csv").data.decode("utf-8-sig")
    assert template.splitlines()[0] == "身份证号,姓名,人员类别,电话,入职日期"
    good = id_number(88, birth=date(1990, 1, 1))
    bad = (f"身份证号,姓名,人员类别,电话,入职日期\n{good},钱护理,护理员,,2026-01-01\n"
           f"{good[:-1]}Z,孙护理,护理员,,2026-01-01\n")
    preview = client.post("/carers/import", data={"file": (io.BytesIO(bad.encode()), "c.csv")},
                          content_type="multipart/form-data")
    assert preview.status_code == 400 and "<td>3</td>" in preview.data.decode()
    clean = bad.rsplit("\n", 2)[0] + "\n"
    shown = client.post("/carers/import", data={"file": (io.BytesIO(clean.encode()), "c.csv")},
                        content_type="multipart/form-data")
    assert shown.status_code == 200 and "确认导入" in shown.data.decode()
    assert client.post("/carers/import/confirm", data={}).status_code == 302
    assert session.scalar(select(Carer).where(Carer.id_number == good)).provider_id == world.provider.id


def test_the_menu_offers_the_register_to_providers_insurers_and_the_mia(client, staff):
    login(client, "pr_op")
    assert 'href="/carers/"' in client.get("/").data.decode()


def test_a_second_insurer_without_the_district_sees_nothing(client, session, world, staff):
    other = org(session, "insurer", "承办乙", 91)
    user(session, other, "ins2_op", "operator")
    session.commit()
    login(client, "ins2_op")
    assert names(client.get("/carers/")) == []
    assert client.get(f"/carers/{staff['mine'].id}").status_code == 404


def test_the_review_case_page_shows_the_carer_capacity_check_in_the_users_language(client, session, world):
    from tests.review_builders import opened, review_cast

    r = review_cast(session, world)
    carer(session, world.provider, 1, staff_type="assistant", qualified=True)
    _request, case = opened(session, r)  # home care at the home-care provider
    session.commit()
    login(client, "pr_rev")
    page = client.get(f"/reviews/{case.id}").data.decode()
    capacity = re.search(r'data-check="capacity"\s+data-passed="(\w+)">(.*?)</tr>', page, re.S)
    assert capacity.group(1) == "pass" and "合格护理人员 1 名" in capacity.group(2)
    assert "居家待遇人员（含本次）1 人" in capacity.group(2)
    client.post("/lang/en", data={"next": "/"})
    english = client.get(f"/reviews/{case.id}").data.decode()
    assert "1 qualified care workers on" in english and "home beneficiaries (this one included): 1" in english


def test_an_edit_with_a_garbled_version_is_refused_not_an_error(client, staff):
    login(client, "pr_op")
    mine = staff["mine"]
    form = {"name": "王改名", "id_number": mine.id_number, "staff_type": "assistant", "employed_from": "2025-01-01"}
    for version in ("abc", "１", "99999999999999999999x"):
        assert client.post(f"/carers/{mine.id}/edit", data={**form, "version": version}).status_code == 409


def test_the_providers_home_page_reminds_a_qualification_ending_within_60_days(client, session, staff):
    from ltc.core.clock import local_today
    from ltc.providers.carers.models import CarerQualificationPeriod

    qualification = session.scalar(select(CarerQualificationPeriod).where(
        CarerQualificationPeriod.carer_id == staff["mine"].id))
    qualification.valid_to = local_today() + timedelta(days=60)
    session.commit()
    login(client, "pr_op")
    home = client.get("/").data.decode()
    assert "60 天内到期的护理人员资格和证书" in home and "ZG-1" in home
    qualification.valid_to = local_today() + timedelta(days=61)
    session.commit()
    assert "ZG-1" not in client.get("/").data.decode()


def test_a_register_race_lost_to_another_request_is_a_409_naming_the_id_number(client, staff, monkeypatch):
    from ltc.providers.carers.services import register

    monkeypatch.setattr(register, "_ensure_unique", lambda *args, **kwargs: None)  # both passed the check
    login(client, "pr_op")
    lost = client.post("/carers/new", data={"name": "新护理", "id_number": staff["mine"].id_number,
                                            "staff_type": "assistant", "employed_from": "2026-03-01"})
    assert lost.status_code == 409 and "该身份证号已登记在本机构护理人员名册" in lost.data.decode()


def test_a_large_carer_file_is_queued_imported_by_the_scheduler_and_its_progress_is_the_providers_own(
        client, session, world, staff, monkeypatch):
    from ltc.scheduler import imports as queued_imports
    from ltc.scheduler.queue import run_queued
    from ltc.scheduler.registry import ON_DEMAND_JOBS

    monkeypatch.setattr(queued_imports, "QUEUE_ROWS", 5)
    rows = "".join(f"{id_number(n, birth=date(1985, 1, 1))},护理{n},护理员,,2026-01-01\n" for n in range(300, 308))
    login(client, "pr_op")
    queued = client.post("/carers/import", data={"file": (io.BytesIO(("身份证号,姓名,人员类别,电话,入职日期\n" + rows)
                                                                     .encode()), "big.csv")},
                         content_type="multipart/form-data")
    assert queued.status_code == 302 and "/carers/imports/" in queued.location
    [outcome] = run_queued(session, ON_DEMAND_JOBS)
    assert outcome.counts == {"create": 8, "update": 0, "unchanged": 0}
    assert "已完成" in client.get(queued.location).data.decode()
    client.post("/logout")
    login(client, "pr2_op")
    assert client.get(queued.location).status_code == 404
