"""Editing policy versions through the pages: copy, typed section forms, validate, publish, retire."""
import copy
from datetime import date

import pytest
from sqlalchemy import func, select

from ltc.core.audit import SYSTEM, AuditEntry
from ltc.policy import form_mapping as fm
from ltc.policy.models import PolicyEvent, PolicyStatus, PolicyVersion
from ltc.policy.ref import REF_SECTIONS, seed_ref
from ltc.policy.schema import parse_section, to_raw
from ltc.policy.schema import SECTIONS
from ltc.policy.services import create_draft, publish
from tests.conftest import NOW, login

pytestmark = pytest.mark.usefixtures("unseeded")  # the policy store from empty: REF is created here


@pytest.fixture
def ref(session):
    version = seed_ref(session, now=NOW)
    session.commit()
    return version


@pytest.fixture
def draft(session, ref):
    version = create_draft(session, actor=SYSTEM, now=NOW, from_version=ref, name="2026 草案")
    session.commit()
    return version


def values(version, name: str, **changes) -> dict[str, str]:
    data = fm.form_values(fm.section_tree(name), version.sections.get(name, REF_SECTIONS[name]))
    data.update({f"{name}.{k.replace('__', '.')}": v for k, v in changes.items()})
    return data


def audit_count(session, action: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "policy_version", AuditEntry.action == action))


def errors_of(page: str, path: str) -> list[str]:
    import re
    return re.findall(rf'data-error="{re.escape(path)}">([^<]*)<', page)


# --- permissions -------------------------------------------------------------------------

@pytest.mark.parametrize("username", ["mia_op", "mia_rev", "ins_admin", "ag_admin", "pr_carer"])
def test_only_the_mia_admin_may_write(client, world, session, draft, username):
    login(client, username)
    before = copy.deepcopy(draft.sections)
    assert client.get(f"/policy/{draft.id}").status_code == 200          # everyone reads
    assert 'data-testid="policy-actions"' not in client.get(f"/policy/{draft.id}").data.decode()
    assert client.get(f"/policy/{draft.id}/edit").status_code == 403
    posts = {f"/policy/{draft.id}/copy": {},
             f"/policy/{draft.id}/sections/assessment": values(draft, "assessment", validity_months="36"),
             f"/policy/{draft.id}/validate": {},
             f"/policy/{draft.id}/publish": {"effective_from": "2026-07-01"},
             f"/policy/{draft.id}/retire": {}}
    for url, data in posts.items():
        assert client.post(url, data=data).status_code == 403, url
    session.refresh(draft)
    assert draft.status == PolicyStatus.DRAFT and draft.sections == before
    assert session.scalar(select(func.count()).select_from(PolicyVersion)) == 2


def test_writes_without_csrf_token_are_refused(csrf_client, world, session, draft):
    import re
    page = csrf_client.get("/login").data.decode()
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    csrf_client.post("/login", data={"username": "mia_admin", "password": "test-pass-123", "csrf_token": token})
    assert csrf_client.get(f"/policy/{draft.id}/edit").status_code == 200
    response = csrf_client.post(f"/policy/{draft.id}/sections/assessment",
                                data=values(draft, "assessment", validity_months="36"))
    assert response.status_code == 400
    assert csrf_client.post(f"/policy/{draft.id}/publish", data={"effective_from": "2026-07-01"}).status_code == 400
    session.refresh(draft)
    assert draft.sections["assessment"]["validity_months"] == 24 and draft.status == "draft"


# --- copy and edit -----------------------------------------------------------------------

def test_copy_any_version_to_a_new_draft(client, world, session, ref):
    login(client, "mia_admin")
    page = client.get(f"/policy/{ref.id}").data.decode()
    assert 'data-testid="copy"' in page and 'data-testid="edit-link"' not in page
    response = client.post(f"/policy/{ref.id}/copy", data={"name": "2027 年度"})
    new = session.scalars(select(PolicyVersion).where(PolicyVersion.name == "2027 年度")).one()
    assert response.headers["Location"].endswith(f"/policy/{new.id}/edit")
    assert new.status == "draft" and new.sections == ref.sections and new.created_by == world.users["mia_admin"].id
    edit = client.get(f"/policy/{new.id}/edit").data.decode()
    for name in SECTIONS:
        assert f'data-testid="edit-section-{name}"' in edit
    assert "评估结论有效期" in edit and "个月" in edit and "医疗专护" in edit
    assert "与来源第 1 版相比的修改" in edit and "尚无修改" in edit


def test_saving_a_section_stores_typed_values_audits_and_shows_the_diff(client, world, session, draft):
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/sections/assessment",
                           data=values(draft, "assessment", validity_months="36",
                                       min_level_by_care_type__home="4"))
    assert response.status_code == 302
    session.refresh(draft)
    assert draft.sections["assessment"]["validity_months"] == 36
    assert draft.sections["assessment"]["min_level_by_care_type"]["home"] == 4
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                     AuditEntry.entity == "policy_version")).one()
    assert entry.user_id == world.users["mia_admin"].id
    assert entry.after == {"assessment": {"validity_months": 36, "min_level_by_care_type": {
        **REF_SECTIONS["assessment"]["min_level_by_care_type"], "home": 4}}}
    assert session.scalar(select(PolicyEvent.action).where(PolicyEvent.version_id == draft.id)
                          .order_by(PolicyEvent.id.desc()).limit(1)) == "edited"
    for url in (f"/policy/{draft.id}", f"/policy/{draft.id}/edit"):
        page = client.get(url).data.decode()
        assert page.count('data-testid="diff-row"') == 2
        row = page[page.index("<code>assessment.validity_months</code>"):]
        assert row.index(">24<") < row.index("→") < row.index(">36<") < row.index("</tr>")


def test_readers_see_the_diff_of_a_draft(client, world, session, draft):
    login(client, "mia_admin")
    client.post(f"/policy/{draft.id}/sections/assessment", data=values(draft, "assessment", validity_months="36"))
    client.post("/logout")
    login(client, "pr_carer")
    page = client.get(f"/policy/{draft.id}").data.decode()
    assert 'data-testid="diff-row"' in page and "assessment.validity_months" in page


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_registered_section_saves_unchanged_through_its_generated_form(client, world, session, draft, name):
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/sections/{name}", data=values(draft, name))
    assert response.status_code == 302, response.data.decode()[:2000]
    session.refresh(draft)
    assert draft.sections[name] == to_raw(parse_section(name, REF_SECTIONS[name]))


def test_conversion_errors_are_shown_next_to_their_inputs_and_nothing_is_saved(client, world, session, draft):
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/sections/assessment",
                           data=values(draft, "assessment", validity_months="二十四", publicity_working_days=""))
    assert response.status_code == 400
    page = response.data.decode()
    assert errors_of(page, "assessment.validity_months") == [fm.NOT_INT]
    assert errors_of(page, "assessment.publicity_working_days") == [fm.REQUIRED]
    assert 'value="二十四"' in page                       # the input keeps what was typed
    session.refresh(draft)
    assert draft.sections == REF_SECTIONS
    assert audit_count(session, "update") == 0


def test_schema_errors_are_shown_next_to_every_input_and_nothing_is_saved(client, world, session, draft):
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/sections/assessment",
                           data=values(draft, "assessment", validity_months="500", min_level_by_care_type__home="9"))
    assert response.status_code == 400
    page = response.data.decode()
    assert errors_of(page, "assessment.validity_months") == ["须在 1 至 120 之间"]
    assert errors_of(page, "assessment.min_level_by_care_type.home") == ["须在 0 至 5 之间"]
    response = client.post(f"/policy/{draft.id}/sections/assessment",
                           data=values(draft, "assessment", min_level_by_care_type__home="2"))
    assert errors_of(response.data.decode(), "assessment.min_level_by_care_type.home") == [
        "must be at least benefit_threshold (3)"]
    session.refresh(draft)
    assert draft.sections == REF_SECTIONS and audit_count(session, "update") == 0


def test_json_fields_are_checked_by_the_typed_schema(client, world, session, draft):
    json_fields = [(name, f) for name in sorted(SECTIONS) for f in fm.fields_of(fm.section_tree(name))
                   if f.kind == fm.JSON]
    if not json_fields:
        pytest.skip("no registered section has a JSON field")
    name, field = json_fields[0]
    login(client, "mia_admin")
    bad = client.post(f"/policy/{draft.id}/sections/{name}", data={**values(draft, name), field.path: "[{"})
    assert bad.status_code == 400
    assert errors_of(bad.data.decode(), field.path)[0].startswith(fm.NOT_JSON)
    wrong = client.post(f"/policy/{draft.id}/sections/{name}", data={**values(draft, name), field.path: '"x"'})
    assert wrong.status_code == 400
    assert errors_of(wrong.data.decode(), field.path)
    session.refresh(draft)
    assert draft.sections == REF_SECTIONS


def test_validate_checks_a_section_without_saving(client, world, session, draft):
    login(client, "mia_admin")
    ok = client.post(f"/policy/{draft.id}/sections/assessment",
                     data={**values(draft, "assessment", validity_months="36"), "op": "validate"})
    assert ok.status_code == 200 and 'data-testid="section-valid"' in ok.data.decode()
    bad = client.post(f"/policy/{draft.id}/sections/assessment",
                      data={**values(draft, "assessment", validity_months="0"), "op": "validate"})
    assert bad.status_code == 400 and errors_of(bad.data.decode(), "assessment.validity_months")
    session.refresh(draft)
    assert draft.sections == REF_SECTIONS and audit_count(session, "update") == 0


def test_validating_the_version_lists_every_error(client, world, session, draft):
    broken = copy.deepcopy(REF_SECTIONS)
    broken["assessment"]["validity_months"] = "24"
    if len(SECTIONS) > 1:
        del broken[sorted(set(SECTIONS) - {"assessment"})[0]]
    draft.sections = broken
    session.commit()
    login(client, "mia_admin")
    page = client.post(f"/policy/{draft.id}/validate").data.decode()
    assert 'data-testid="version-errors"' in page and "assessment.validity_months" in page
    assert errors_of(page, "assessment.validity_months") == ["must be an integer, got string"]
    if len(SECTIONS) > 1:
        assert 'data-testid="from-ref"' in page and "missing section" in page
    draft.sections = copy.deepcopy(REF_SECTIONS)
    session.commit()
    page = client.post(f"/policy/{draft.id}/validate").data.decode()
    assert 'data-testid="version-errors"' not in page and "校验通过" in page


def test_a_section_missing_from_the_draft_is_prefilled_from_ref_and_saved(client, world, session, draft):
    if len(SECTIONS) < 2:
        pytest.skip("needs a second section")
    name = sorted(set(SECTIONS) - {"assessment"})[0]
    draft.sections = {k: v for k, v in draft.sections.items() if k != name}
    session.commit()
    login(client, "mia_admin")
    assert 'data-testid="from-ref"' in client.get(f"/policy/{draft.id}/edit").data.decode()
    assert client.post(f"/policy/{draft.id}/sections/{name}", data=values(draft, name)).status_code == 302
    session.refresh(draft)
    assert name in draft.sections


def test_only_drafts_are_edited(client, world, session, ref):
    login(client, "mia_admin")
    assert client.get(f"/policy/{ref.id}/edit").status_code == 409
    assert client.post(f"/policy/{ref.id}/sections/assessment",
                       data=values(ref, "assessment", validity_months="36")).status_code == 409
    assert client.post(f"/policy/{ref.id}/publish", data={"effective_from": "2027-01-01"}).status_code == 409
    session.refresh(ref)
    assert ref.sections["assessment"]["validity_months"] == 24
    assert client.post("/policy/999/sections/assessment", data={}).status_code == 404


def test_unknown_section_is_404(client, world, draft):
    login(client, "mia_admin")
    assert client.post(f"/policy/{draft.id}/sections/nothing", data={}).status_code == 404


# --- publish and retire ------------------------------------------------------------------

def test_publish_from_a_date_ends_the_open_version(client, world, session, ref, draft):
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/publish", data={"effective_from": "2026-07-01", "note": "年度调整"})
    assert response.status_code == 302
    session.refresh(draft)
    session.refresh(ref)
    assert draft.status == "published" and draft.effective_from == date(2026, 7, 1) and draft.effective_to is None
    assert ref.effective_to == date(2026, 7, 1)
    assert draft.published_by == world.users["mia_admin"].id
    assert audit_count(session, "publish") == 2 and audit_count(session, "close") == 1


def test_publish_refuses_an_overlap_with_a_clear_message(client, world, session, ref, draft):
    publish(session, create_draft(session, actor=SYSTEM, now=NOW), effective_from=date(2026, 7, 1),
            actor=SYSTEM, now=NOW)
    session.commit()
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/publish",
                           data={"effective_from": "2026-08-01", "effective_to": "2026-09-01"})
    assert response.status_code == 409
    page = response.data.decode()
    assert "重叠" in page and "[2026-07-01, ∞)" in page
    session.refresh(draft)
    assert draft.status == "draft" and draft.effective_from is None


def test_publish_needs_a_start_and_an_ordered_range(client, world, session, draft):
    login(client, "mia_admin")
    assert client.post(f"/policy/{draft.id}/publish", data={}).status_code == 400
    response = client.post(f"/policy/{draft.id}/publish",
                           data={"effective_from": "2026-08-01", "effective_to": "2026-08-01"})
    assert response.status_code == 400 and "结束日期必须晚于生效日期" in response.data.decode()
    session.refresh(draft)
    assert draft.status == "draft"


def test_publish_refuses_an_invalid_draft_and_names_the_fields(client, world, session, draft):
    draft.sections = {**copy.deepcopy(REF_SECTIONS), "assessment": {
        **REF_SECTIONS["assessment"], "validity_months": 0}}
    session.commit()
    login(client, "mia_admin")
    response = client.post(f"/policy/{draft.id}/publish", data={"effective_from": "2026-07-01"})
    assert response.status_code == 400
    page = response.data.decode()
    assert errors_of(page, "assessment.validity_months") == ["须在 1 至 120 之间"]
    session.refresh(draft)
    assert draft.status == "draft"


def test_retire_a_draft_but_not_a_version_in_force(client, world, session, ref, draft):
    login(client, "mia_admin")
    assert client.post(f"/policy/{draft.id}/retire", data={"note": "作废"}).status_code == 302
    session.refresh(draft)
    assert draft.status == "retired" and audit_count(session, "retire") == 1
    assert 'data-testid="retire"' not in client.get(f"/policy/{draft.id}").data.decode()
    client.post(f"/policy/{ref.id}/retire", data={})
    session.refresh(ref)
    assert ref.status == "published"
    assert "已生效的政策版本不能废止" in client.get(f"/policy/{ref.id}").data.decode()


def test_a_save_over_someone_elses_newer_save_is_refused(client, world, session, draft):
    login(client, "mia_admin")
    page = client.get(f"/policy/{draft.id}/edit").data.decode()
    import re
    base = re.search(r'id="base_digest" name="base_digest" type="hidden" value="([0-9a-f]+)"', page).group(1)
    first = client.post(f"/policy/{draft.id}/sections/assessment",
                        data={**values(draft, "assessment", validity_months="36"), "base_digest": base})
    assert first.status_code == 302
    second = client.post(f"/policy/{draft.id}/sections/assessment",
                         data={**values(draft, "assessment", validity_months="48"), "base_digest": base})
    assert second.status_code == 409
    assert "被 mia_admin 修改" in second.data.decode()
    session.refresh(draft)
    assert draft.sections["assessment"]["validity_months"] == 36 and audit_count(session, "update") == 1


def test_job_times_are_edited_through_the_generated_form(client, world, session, draft):
    """SPEC §9: each job's time is a policy parameter; empty day = every day, day 29+ refused."""
    login(client, "mia_admin")
    page = client.get(f"/policy/{draft.id}/edit").data.decode()
    assert "定时任务运行时间" in page and "审核超时标记" in page
    response = client.post(f"/policy/{draft.id}/sections/jobs",
                           data=values(draft, "jobs", review_overdue__day="29", review_overdue__hour="24"))
    assert response.status_code == 400
    errors = response.data.decode()
    assert errors_of(errors, "jobs.review_overdue.day") == ["must be empty (every day) or between 1 and 28"]
    assert errors_of(errors, "jobs.review_overdue.hour") == ["须在 0 至 23 之间"]
    session.refresh(draft)
    assert draft.sections == REF_SECTIONS
    response = client.post(f"/policy/{draft.id}/sections/jobs",
                           data=values(draft, "jobs", review_overdue__day="1", review_overdue__hour="7",
                                       review_overdue__minute="15"))
    assert response.status_code == 302, response.data.decode()[:2000]
    session.refresh(draft)
    assert draft.sections["jobs"]["review_overdue"] == {"day": 1, "hour": 7, "minute": 15}
    assert draft.sections["jobs"]["calendar_check"] == REF_SECTIONS["jobs"]["calendar_check"]


def test_return_targets_and_reason_scopes_are_edited_through_the_generated_form(client, world, session, draft):
    """SPEC §4.1: where each step may return to and which steps a reason serves are policy data."""
    import json
    login(client, "mia_admin")
    reviews = copy.deepcopy(REF_SECTIONS["reviews"])
    entitlement = reviews["case_types"][0]
    entitlement["steps"][2]["return_to"] = ["provider", "agency"]      # the insurer may skip the agency
    entitlement["reasons"].append({"code": "LATE", "label": "逾期提交", "decisions": ["return"], "steps": ["nowhere"]})
    data = {**values(draft, "reviews"), "reviews.case_types": json.dumps(reviews["case_types"], ensure_ascii=False)}
    response = client.post(f"/policy/{draft.id}/sections/reviews", data=data)
    assert response.status_code == 400
    assert errors_of(response.data.decode(), "reviews.case_types") == [
        "reviews.case_types[0].reasons[13].steps: unknown step nowhere"]
    entitlement["reasons"][-1]["steps"] = ["mia"]
    data["reviews.case_types"] = json.dumps(reviews["case_types"], ensure_ascii=False)
    response = client.post(f"/policy/{draft.id}/sections/reviews", data=data)
    assert response.status_code == 302, response.data.decode()[:2000]
    session.refresh(draft)
    saved = draft.sections["reviews"]["case_types"][0]
    assert saved["steps"][2]["return_to"] == ["provider", "agency"]
    assert saved["reasons"][-1] == {"code": "LATE", "label": "逾期提交", "decisions": ["return"], "steps": ["mia"]}


def test_publish_refuses_sections_that_disagree_and_names_the_missing_level_and_care_type(client, world, session,
                                                                                         draft):
    sections = copy.deepcopy(REF_SECTIONS)
    sections["assessment"]["min_level_by_care_type"]["home"] = 2
    sections["assessment"]["benefit_threshold"] = 2
    draft.sections = sections
    session.commit()
    login(client, "mia_admin")
    validated = client.post(f"/policy/{draft.id}/validate", data={})
    assert 'data-testid="version-errors"' in validated.data.decode()
    response = client.post(f"/policy/{draft.id}/publish", data={"effective_from": "2026-07-01"})
    assert response.status_code == 400
    page = response.data.decode()
    block = page[page.index('data-testid="version-errors"'):]
    block = block[:block.index("</div>\n")]
    assert "<code>billing.home.hours_cap_per_month.2</code>: missing: level 2 may receive home care" in block
    session.refresh(draft)
    assert draft.status == "draft"
