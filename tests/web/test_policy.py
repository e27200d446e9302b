"""Policy versions are readable by every logged-in user (list + detail)."""
import copy
from datetime import date

import pytest

from ltc.core.audit import SYSTEM
from ltc.policy.ref import REF_SECTIONS, seed_ref
from ltc.policy.services import create_draft, publish
from tests.conftest import NOW, login

pytestmark = pytest.mark.usefixtures("unseeded")  # the policy store from empty: REF is created here


@pytest.fixture
def ref(session):
    return seed_ref(session, now=NOW)


def test_the_list_shows_versions_with_status_and_range(client, world, ref, session):
    v2 = publish(session, create_draft(session, actor=SYSTEM, now=NOW), effective_from=date(2026, 7, 1),
                 actor=SYSTEM, now=NOW)
    create_draft(session, actor=SYSTEM, now=NOW, name="2027 草案")
    login(client, "pr_carer")
    r = client.get("/policy/")
    assert r.status_code == 200
    page = r.data.decode()
    assert "REF" in page and "2020-01-01 – 2026-07-01" in page
    assert f"第 {v2.number} 版" in page and "2026-07-01 – 长期" in page
    assert "2027 草案" in page and "草稿" in page and "已发布" in page
    assert 'data-testid="in-force"' in page   # REF governs today (16 March 2026)


def test_the_detail_shows_typed_fields_with_chinese_labels(client, world, ref):
    login(client, "pr_carer")
    r = client.get(f"/policy/{ref.id}")
    assert r.status_code == 200
    page = r.data.decode()
    assert 'data-testid="section-assessment"' in page
    for label in ("享受待遇的最低失能等级", "公示期", "评估结论有效期", "医疗专护", "两次评估最短间隔"):
        assert label in page
    assert '<span data-value="validity_months" translate="no">24</span> 个月' in page
    assert '<span data-value="min_level_by_care_type.special" translate="no">4</span>' in page
    assert "发布" in page and "系统" in page    # the event log


def test_an_invalid_draft_shows_its_errors(client, world, ref, session):
    draft = create_draft(session, actor=SYSTEM, now=NOW)
    draft.sections = {"assessment": {**copy.deepcopy(REF_SECTIONS["assessment"]), "publicity_working_days": "5"}}
    session.flush()
    login(client, "pr_carer")
    page = client.get(f"/policy/{draft.id}").data.decode()
    assert "assessment.publicity_working_days" in page and "must be an integer" in page


def test_unknown_version_is_a_404(client, world, ref):
    login(client, "pr_carer")
    assert client.get("/policy/999").status_code == 404


def test_anonymous_users_are_sent_to_login(client):
    r = client.get("/policy/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
