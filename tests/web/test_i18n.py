"""Chinese first, English available through the language switch."""
import dataclasses
import re
import typing
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
    ids = _label_msgids() | _policy_msgids() | _review_msgids() | _merge_msgids()
    return {i for i in ids if any("\u4e00" <= ch <= "\u9fff" for ch in i)}


def _merge_msgids() -> set[str]:
    """The row labels of the merge preview, one per count each domain's merge hook registered."""
    from ltc.people.merge_hooks import MERGE_HOOKS

    return {label for hook in MERGE_HOOKS.values() for label, _count in hook.counts}


def _label_msgids() -> set[str]:
    """The navigation entries and the label tables of the new screens."""
    from ltc.entitlements.forms import STATE_LABELS
    from ltc.entitlements.models import END_REASON_LABELS, LEVEL_NAMES, ORIGIN_LABELS
    from ltc.home.nav import NAV_LABELS
    from ltc.orgs.kinds import CARE_TYPE_LABELS
    from ltc.people.kinds import COLLISION_KIND_LABELS, COLLISION_RESOLUTION_LABELS
    from ltc.policy import models as policy_models
    from ltc.providers.care_plans.checks import CHECK_LABELS
    from ltc.providers.care_plans.models import STATUS_LABELS as PLAN_STATUS, UNIT_LABELS
    from ltc.providers.catalogue.models import ITEM_CLASS_LABELS, STAFF_TYPE_LABELS
    from ltc.providers.kinds import WEEKDAY_LABELS
    from ltc.reviews.definitions import DECISION_LABELS
    from ltc.reviews.worklists import ACTION_LABELS, OWNER_KIND_LABELS, STATUS_LABELS as CASE_STATUS
    from ltc.scheduler.models import STATUS_LABELS as RUN_STATUS
    from ltc.supervision.figures import THEMES

    ids = set(NAV_LABELS) | set(THEMES.values())
    for labels in (STATE_LABELS, END_REASON_LABELS, LEVEL_NAMES, ORIGIN_LABELS, CARE_TYPE_LABELS,
                   policy_models.STATUS_LABELS, policy_models.ACTION_LABELS, CHECK_LABELS, PLAN_STATUS,
                   UNIT_LABELS, ITEM_CLASS_LABELS, STAFF_TYPE_LABELS, DECISION_LABELS, ACTION_LABELS,
                   OWNER_KIND_LABELS, CASE_STATUS, RUN_STATUS, COLLISION_KIND_LABELS, COLLISION_RESOLUTION_LABELS,
                   WEEKDAY_LABELS):
        ids |= set(labels.values())
    return ids


def _policy_msgids() -> set[str]:
    """Labels, units and choices of the policy section forms and of their dataclass metadata."""
    from ltc.policy.form_mapping import section_tree
    from ltc.policy.schema import SECTIONS

    ids: set[str] = set()
    seen: set = set()
    for name, cls in SECTIONS.items():
        _walk_form(section_tree(name), ids)
        _walk_metadata(cls, ids, seen)
    return ids


def _walk_form(node, ids: set[str]) -> None:
    from ltc.policy.form_mapping import Group

    ids.update(x for x in (node.label, node.unit) if x)
    if isinstance(node, Group):
        for child in node.items:
            _walk_form(child, ids)
    else:
        ids.update(label for _value, label in node.choices)


def _walk_metadata(cls, ids: set[str], seen: set) -> None:
    """``cls``'s field metadata, then that of each dataclass its fields hold (once each)."""
    for f in dataclasses.fields(cls):
        ids.update(x for x in (f.metadata.get("label"), f.metadata.get("unit")) if x)
        ids.update(f.metadata.get("key_labels", {}).values())
        ids.update(f.metadata.get("choice_labels", {}).values())
        for inner in typing.get_args(typing.get_type_hints(cls)[f.name]) + (typing.get_type_hints(cls)[f.name],):
            if dataclasses.is_dataclass(inner) and inner not in seen:
                seen.add(inner)
                _walk_metadata(inner, ids, seen)


def _review_msgids() -> set[str]:
    """Case types, their steps and reasons from the review reference data."""
    from ltc.policy.ref import REF_SECTIONS
    from ltc.reviews.definitions import SECTION as REVIEW_SECTION

    ids: set[str] = set()
    for case_type in REF_SECTIONS[REVIEW_SECTION]["case_types"]:
        ids |= {case_type["label"]} | {s["label"] for s in case_type["steps"]} | {
            r["label"] for r in case_type["reasons"]}
    return ids


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


def _english(client, username: str) -> None:
    login(client, username)
    client.post("/lang/en", data={"next": "/"})


def test_new_screens_show_english_headings(client, world, session):
    from ltc.core.audit import SYSTEM
    from ltc.core.clock import utcnow
    from ltc.policy.ref import seed_ref
    from ltc.providers.catalogue import services as catalogue_services

    seed_ref(session, now=utcnow())
    catalogue_services.load_catalogue(session, catalogue_services.read_catalogue_csv(), actor=SYSTEM, now=utcnow())
    session.commit()

    _english(client, "mia_rev")
    inbox = client.get("/reviews/").data.decode()
    assert 'lang="en"' in inbox and "Review inbox" in inbox and "0 cases, 0 overdue" in inbox
    assert "Case type" in inbox and "Current step" in inbox and "No cases waiting for review" in inbox
    assert "待审核案件" not in inbox
    assert "/account/tokens" in inbox and ">My API tokens</a>" in inbox  # account menu, next to the password

    client.post("/logout")
    _english(client, "pr_op")
    catalogue = client.get("/catalogue/?q=SH01").data.decode()
    assert "<h1" in catalogue and "Service items</h1>" in catalogue
    assert "Item category" in catalogue and "Personal care" in catalogue and "Care worker" in catalogue
    assert "Face and head cleaning and combing" in catalogue  # the item's own English name
    plans = client.get("/care-plans/").data.decode()
    assert "Care plans</h1>" in plans and "Draw up a care plan" in plans and "No care plans yet" in plans
    entitlements = client.get("/entitlements/").data.decode()
    assert "Entitlements</h1>" in entitlements and "Entitlement period" in entitlements
    assert "Beneficiaries at my organisation today" in entitlements and "All care types" in entitlements
    assert "待遇资格" not in entitlements and "护理计划" not in plans


def test_the_english_catalogue_defines_each_message_once():
    """Two definitions of one msgid make gettext's own tools refuse the catalogue (the compiler keeps one silently)."""
    catalogue = Path(__file__).parents[2] / "ltc/translations/en/LC_MESSAGES/messages.po"
    ids = re.findall(r'^msgid "(.+)"$', catalogue.read_text(encoding="utf-8"), flags=re.M)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
