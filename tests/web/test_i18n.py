"""Chinese first, English available through the language switch."""
import re
from pathlib import Path

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


# --- the screens added with the service catalogue, care plans, entitlements and reviews -------

def _dynamic_msgids() -> set[str]:
    """Msgids the new screens look up at run time (labels, nav, policy fields): pybabel cannot
    extract them, so scripts/en_terms.py adds them to the catalogue."""
    from ltc.entitlements.forms import STATE_LABELS
    from ltc.entitlements.models import END_REASON_LABELS, LEVEL_NAMES, ORIGIN_LABELS
    from ltc.home.nav import NAV
    from ltc.orgs.kinds import CARE_TYPE_LABELS
    from ltc.policy import models as policy_models
    from ltc.policy.form_mapping import Group, section_tree
    from ltc.policy.ref import REF_SECTIONS
    from ltc.policy.schema import SECTIONS
    from ltc.providers.care_plan_checks import CHECK_LABELS
    from ltc.providers.care_plans import STATUS_LABELS as PLAN_STATUS, UNIT_LABELS
    from ltc.providers.catalogue import ITEM_CLASS_LABELS, STAFF_TYPE_LABELS
    from ltc.reviews.definitions import DECISION_LABELS, SECTION as REVIEW_SECTION
    from ltc.reviews.worklists import ACTION_LABELS, OWNER_KIND_LABELS, STATUS_LABELS as CASE_STATUS

    ids = {item.label for item in NAV}
    for labels in (STATE_LABELS, END_REASON_LABELS, LEVEL_NAMES, ORIGIN_LABELS, CARE_TYPE_LABELS,
                   policy_models.STATUS_LABELS, policy_models.ACTION_LABELS, CHECK_LABELS, PLAN_STATUS,
                   UNIT_LABELS, ITEM_CLASS_LABELS, STAFF_TYPE_LABELS, DECISION_LABELS, ACTION_LABELS,
                   OWNER_KIND_LABELS, CASE_STATUS):
        ids |= set(labels.values())

    def walk(node):
        ids.update(x for x in (node.label, node.unit) if x)
        if isinstance(node, Group):
            for child in node.items:
                walk(child)
        else:
            ids.update(label for _value, label in node.choices)

    for name in SECTIONS:
        walk(section_tree(name))
    for case_type in REF_SECTIONS[REVIEW_SECTION]["case_types"]:
        ids |= {case_type["label"]} | {s["label"] for s in case_type["steps"]} | {
            r["label"] for r in case_type["reasons"]}
    return {i for i in ids if any("\u4e00" <= ch <= "\u9fff" for ch in i)}


def test_every_run_time_label_of_the_new_screens_has_english(app):
    from babel.messages.pofile import read_po
    with open(Path(app.root_path) / "translations/en/LC_MESSAGES/messages.po", "rb") as f:
        english = {m.id: m.string for m in read_po(f) if m.id}
    missing = sorted(i for i in _dynamic_msgids() if not english.get(i))
    assert not missing, f"run `python scripts/en_terms.py` after adding English for: {missing}"


def test_catalogue_keeps_placeholders():
    from babel.messages.pofile import read_po
    with open(Path(__file__).parents[2] / "ltc/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    for m in catalog:
        if m.id and m.string:
            assert sorted(re.findall(r"%\(\w+\)[sd]|\{\w*\}", m.id)) == sorted(
                re.findall(r"%\(\w+\)[sd]|\{\w*\}", m.string)), m.id
