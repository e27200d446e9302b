"""The 试算 page as a form (issue 11 point 2): each care type's scenario entered field by field and
priced as the API prices it, rows added and removed without a script, every problem shown next to
its field (never a 500), the pre-fill from a real beneficiary-month, who may use it, English."""
import copy
import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser

import pytest

from ltc.billing.trial.schemas import TrialIn
from ltc.billing.trial.services import EXAMPLE
from ltc.core.periods import add_period
from ltc.providers.models import ProviderPricePeriod
from tests.builders import PASSWORD
from tests.compliance_db_builders import stay
from tests.conftest import login
from tests.pricing_builders import body, daily, visit
from tests.stay_builders import resident

from tests.web.test_trial import URL, scenario_of, seeded  # noqa: F401  (seeded: the REF policy)

pytestmark = pytest.mark.usefixtures("seeded")


class _Fields(HTMLParser):
    """The values a browser would send from the form ``data-testid="trial-form"`` (no button)."""

    def __init__(self):
        super().__init__()
        self.inside, self.select, self.values = False, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("data-testid") == "trial-form"
        elif self.inside and tag == "input" and a.get("type") not in ("submit", "checkbox"):
            self.values.append((a["name"], a.get("value", "")))
        elif self.inside and tag == "input" and "checked" in a:
            self.values.append((a["name"], a["value"]))
        elif self.inside and tag == "select":
            self.select, self.multiple, self.options, self.chosen = a["name"], "multiple" in a, [], []
        elif self.inside and tag == "option" and self.select:
            self.options.append(a["value"])
            if "selected" in a:
                self.chosen.append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select" and self.select:  # a single select without a selected option sends its first
            chosen = self.chosen or ([] if self.multiple else self.options[:1])
            self.values.extend((self.select, value) for value in chosen)
            self.select = None
        elif tag == "form":
            self.inside = False


def page_fields(page: str) -> dict[str, list[str]]:
    parser = _Fields()
    parser.feed(page)
    found: dict[str, list[str]] = {}
    for name, value in parser.values:
        found.setdefault(name, []).append(value)
    return found


def form_fields(b: dict) -> dict:
    """The form fields a clerk fills in for scenario body ``b`` (moments typed in Shanghai time)."""
    person, provider = b["person"], b["provider"]
    data = {"month": b["month"], "person-category": person["category"], "person-tags": list(person.get("tags", [])),
            "person-death_date": person.get("death_date") or "", "provider-facility_grade": provider["facility_grade"],
            "provider-daily_price": provider.get("daily_price") or "", "submit": "试算"}
    for i, e in enumerate(b["entitlements"]):
        data |= {f"entitlements-{i}-care_type": e["care_type"], f"entitlements-{i}-level": str(e["level"]),
                 f"entitlements-{i}-start": e["from"], f"entitlements-{i}-end": e.get("to") or "",
                 f"entitlements-{i}-conclusion_date": e["conclusion_date"],
                 f"entitlements-{i}-conclusion_valid_to": e["conclusion_valid_to"]}
    for name, keys in (("stays", ("admission", "discharge")), ("leaves", ("out", "back")),
                       ("hospital_stays", ("category", "admission", "discharge"))):
        for i, record in enumerate(b.get(name, [])):
            data |= {f"{name}-{i}-{key}": record.get(key) or "" for key in keys}
    for i, v in enumerate(b.get("visits", [])):
        data |= {f"visits-{i}-carer": v["carer"], f"visits-{i}-carer_staff_type": v["carer_staff_type"],
                 f"visits-{i}-start": v["start"][:19], f"visits-{i}-end": (v.get("end") or "")[:19],
                 f"visits-{i}-planned_minutes": str(v["planned_minutes"]), f"visits-{i}-items": v["items"]}
    return data


def line_of(page: str) -> tuple[str, ...]:
    return tuple(re.search(rf'data-testid="line-{k}">([0-9.]+)<', page).group(1) for k in ("billable", "fund", "copay"))


def error_at(page: str, name: str) -> str | None:
    """The error shown next to field ``name`` (before the next field), if any."""
    page = page.split('data-testid="trial-form"')[1]
    start = page.index(f'name="{name}"')
    nxt = page.find('name="', start + 1)
    found = re.search(r'<div class="invalid-feedback[^"]*">([^<]*)</div>', page[start:nxt if nxt > 0 else None])
    return unescape(found.group(1)) if found else None


def test_the_page_opens_with_the_worked_example_on_the_form_and_prices_it(client):
    login(client, "pr_op")
    page = client.get(URL).data.decode()
    fields = page_fields(page)
    assert fields["month"] == ["2026-04"] and fields["entitlements-0-care_type"] == ["institution"]
    assert fields["stays-0-admission"] == ["2026-04-11"] and fields["hospital_stays-0-admission"] == ["2026-04-25"]
    assert '<details class="mt-4" data-testid="trial-advanced">' in page  # collapsed
    # Enter in a field presses the form's first submit button: the calculation, not a row's "remove"
    first = re.search(r'<input[^>]*type="submit"[^>]*>', page.split('data-testid="trial-form"')[1]).group(0)
    assert 'name="submit"' in first
    r = client.post(URL, data={**fields, "submit": "试算"})
    page = r.data.decode()
    assert r.status_code == 200, page
    assert line_of(page) == ("990.00", "693.00", "297.00")
    assert "住院期间服务 × 2" in page and "在院记录第 1 行" in page


def test_the_institution_worked_example_entered_field_by_field(client):
    login(client, "pr_op")
    r = client.post(URL, data=form_fields(EXAMPLE))
    page = r.data.decode()
    assert r.status_code == 200, page
    assert line_of(page) == ("990.00", "693.00", "297.00")
    # the advanced view holds the body the form built: the API's body
    assert TrialIn.model_validate(scenario_of(page)) == TrialIn.model_validate(EXAMPLE)


def _short_home_month():
    short = [visit(daily(d)) for d in range(1, 31)]
    short[9] = visit(daily(10), 35, planned=60)
    return short


CARE_TYPES = [
    ("special", body("2026-01", "special", tags=["chronic_class_a"], stays=[{"admission": "2025-12-20"}],
                     hospital_stays=[{"category": "ltc_special", "admission": "2025-12-20"}]),
     ("6820.00", "6138.00", "682.00")),
    ("home", body("2026-06", "home", visits=_short_home_month()), ("1885.00", "1696.50", "188.50")),
    ("outreach", body("2026-06", "outreach", visits=[visit(daily(d), items=("SH28",)) for d in range(1, 13)]),
     ("1440.00", "1000.00", "440.00")),
    ("family", body("2026-04", "family", level=4, visits=[visit(daily(d, "2026-04")) for d in (2, 9, 16)]),
     ("0.00", "0.00", "0.00")),
]


@pytest.mark.parametrize("care_type, scenario, expected", CARE_TYPES, ids=[c[0] for c in CARE_TYPES])
def test_each_care_type_through_the_form_prices_as_the_api(client, care_type, scenario, expected):
    login(client, "pr_op")
    r = client.post(URL, data=form_fields(scenario))
    page = r.data.decode()
    assert r.status_code == 200, page
    assert line_of(page) == expected
    token = client.post("/api/v1/auth/token", json={"username": "pr_op", "password": PASSWORD}).json["token"]
    api = client.post("/api/v1/billing/trial", json=scenario, headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200, api.json
    assert (api.json["lines"][0]["billable"], api.json["lines"][0]["fund"]) == expected[:2]
    if care_type == "family":
        assert 'data-testid="trial-allowance"' in page and "450.00" in page


def test_rows_are_added_and_removed_by_buttons_without_pricing(client):
    login(client, "pr_op")
    fields = form_fields(EXAMPLE) | {"add_visits": "添加上门服务"}
    fields.pop("submit")
    r = client.post(URL, data=fields)
    page = r.data.decode()
    assert r.status_code == 200 and 'data-testid="trial-lines"' not in page
    assert page.count('data-testid="trial-visit"') == 1 and page.count('data-testid="trial-stay"') == 1
    fields = page_fields(page) | {"stays-0-remove": "删除此行"}
    page = client.post(URL, data=fields).data.decode()
    assert page.count('data-testid="trial-stay"') == 0 and page.count('data-testid="trial-leave"') == 1
    assert "script" not in re.sub(r"<script[^>]*src=[^>]*></script>", "", page.split('data-testid="trial-form"')[1])


def _with(change):
    raw = copy.deepcopy(EXAMPLE)
    change(raw)
    return form_fields(raw)


def _home(**visit_changes):
    return form_fields(body("2026-04", "home", level=4, visits=[{**visit("2026-04-02"), **visit_changes}]))


@pytest.mark.parametrize("fields, status, name, words", [
    (_with(lambda b: b.update(month="")), 400, "month", "必填"),
    (_with(lambda b: b["entitlements"][0].update({"from": ""})), 400, "entitlements-0-start", "必填"),
    (_with(lambda b: b["stays"][0].update(admission="2026-02-30")), 400, "stays-0-admission", "不是有效的日期值"),
    (_with(lambda b: b["provider"].update(daily_price="abc")), 400, "provider-daily_price", "不是有效的小数"),
    (_with(lambda b: b["provider"].update(daily_price="58.005")), 400, "provider-daily_price", "金额最多两位小数"),
    (_with(lambda b: b["stays"][0].update(discharge="2026-04-10")), 422, "stays-0-discharge", "不得早于入院日期"),
    (_with(lambda b: b["leaves"][0].update(out="2026-04-05", back="2026-04-06")), 422, "leaves-0-out",
     "不在任何一次在院期间"),
    (_with(lambda b: b["provider"].update(daily_price="")), 422, "provider-daily_price", "机构没有登记每日护理价格"),
    (_with(lambda b: b.update(visits=[visit("2026-04-02")])), 422, "visits-0-carer", "不能有上门服务"),
    (_home(start="2026-05-01T09:00:00+08:00", end="2026-05-01T10:00:00+08:00"), 422, "visits-0-start",
     "服务日期不在试算月份内"),
    (_home(end="2026-04-02T08:00:00+08:00"), 422, "visits-0-end", "签退时间早于签到时间"),
    (_home(items=["XX99"]), 400, "visits-0-items", "XX99"),
    (_home(planned_minutes=0), 400, "visits-0-planned_minutes", "1"),
    (_home(carer=""), 400, "visits-0-carer", "必填"),
])
def test_each_problem_is_shown_next_to_its_field(client, fields, status, name, words):
    login(client, "pr_op")
    r = client.post(URL, data=fields)
    page = r.data.decode()
    assert r.status_code == status, page
    assert words in (error_at(page, name) or ""), page
    assert 'data-testid="trial-lines"' not in page
    if status == 422:  # the refusal's words are on the field; the top says so, without body paths
        top = re.search(r'data-testid="form-errors">(.*?)</div>\s*</div>', page, re.S).group(1)
        assert "该场景无法试算，请按各栏的提示修改" in top and "[0]" not in top


@pytest.mark.parametrize("carried", ["{not json", "[1]", json.dumps({"person": {"shoe_size": 42}})])
def test_a_tampered_carried_part_is_a_form_error_not_a_500(client, carried):
    login(client, "pr_op")
    r = client.post(URL, data=form_fields(EXAMPLE) | {"carried": carried})
    assert r.status_code == 400
    assert 'data-testid="form-errors"' in r.data.decode()


@pytest.mark.parametrize("odd", [
    {"month": "2026-13"}, {"entitlements-0-level": "abc"}, {"entitlements-0-care_type": "spa"},
    {"person-tags": ["farmer"]}, {"hospital_stays-0-category": "x"},
    {"visits-7-carer": "c1", "visits-7-planned_minutes": "99999999999999999999"},
    {"visits-0-carer": "c1", "visits-0-extras": json.dumps({"gps": "here"})},
    {"carried": json.dumps({"plan": {"items": "SH01"}})}])
def test_odd_input_is_400_on_the_form(client, odd):
    login(client, "pr_op")
    r = client.post(URL, data=form_fields(EXAMPLE) | odd)
    assert r.status_code == 400
    assert "is-invalid" in r.data.decode() or 'data-testid="form-errors"' in r.data.decode()


def test_a_tampered_visit_extra_is_shown_on_its_row(client):
    login(client, "pr_op")
    fields = form_fields(body("2026-04", "home", level=4, visits=[visit("2026-04-02")])) | {"visits-0-extras": "[1]"}
    r = client.post(URL, data=fields)
    assert r.status_code == 400 and "附加信息无效" in error_at(r.data.decode(), "visits-0-carer")


def test_the_advanced_json_view_prices_and_fills_the_form(client):
    login(client, "pr_op")
    scenario = body("2026-04", "home", level=4, visits=[visit("2026-04-02", items=("SH28",))])
    r = client.post(URL, data={"scenario": json.dumps(scenario), "price_json": "按 JSON 试算"})
    page = r.data.decode()
    assert r.status_code == 200, page
    fields = page_fields(page)
    assert fields["visits-0-start"] == ["2026-04-02T09:00:00"] and fields["visits-0-items"] == ["SH28"]
    again = client.post(URL, data={**fields, "submit": "试算"}).data.decode()
    assert line_of(again) == line_of(page)


def _real_month(session, world):
    person = resident(session, world)
    stay(session, person, world.provider2, date(2026, 4, 11), leaves=[(date(2026, 4, 20), date(2026, 4, 22))])
    add_period(session, ProviderPricePeriod, org_id=world.provider2.id, daily_price=Decimal("58.00"),
               valid_from=date(2025, 1, 1))
    session.commit()
    return person


def test_the_prefill_fills_the_form_and_prices_the_real_month(client, session, world):
    person = _real_month(session, world)
    login(client, "pr2_op")
    page = client.get(URL, query_string={"person_id": person.id, "month": "2026-04"}).data.decode()
    fields = page_fields(page)
    assert fields["stays-0-admission"] == ["2026-04-11"] and fields["stays-0-discharge"] == [""]
    assert fields["leaves-0-out"] == ["2026-04-20"] and fields["leaves-0-back"] == ["2026-04-22"]
    assert fields["entitlements-0-care_type"] == ["institution"]
    assert fields["provider-facility_grade"] == ["nursing_home"] and fields["provider-daily_price"] == ["58.00"]
    assert fields["person-category"] != [""]
    r = client.post(URL, data={**fields, "submit": "试算"})
    page = r.data.decode()
    assert r.status_code == 200, page
    assert line_of(page)[:2] == ("1100.00", "825.00")


@pytest.mark.parametrize("username, status", [("pr_op", 404), ("ins_op", 200), ("ag_admin", 403)])
def test_a_real_month_outside_the_scope_is_404(client, session, world, username, status):
    person = _real_month(session, world)
    login(client, username)
    r = client.get(URL, query_string={"person_id": person.id, "month": "2026-04"})
    assert r.status_code == status


@pytest.mark.parametrize("username, status", [
    ("ins_rev", 200), ("pr2_op", 200), ("ins_admin", 403), ("pr_carer", 403), ("ag_admin", 403)])
def test_who_may_price_through_the_form(client, username, status):
    login(client, username)
    assert client.post(URL, data=form_fields(EXAMPLE)).status_code == status


def test_the_form_in_english(client):
    login(client, "ins_op")
    client.post("/lang/en", data={"next": "/"})
    page = client.post(URL, data=form_fields(EXAMPLE)).data.decode()
    assert line_of(page) == ("990.00", "693.00", "297.00")
    for words in ("Trial calculation", "Service month", "Add a visit", "Remove this row", "Daily care price",
                  "Advanced: JSON", "Stay 1"):
        assert words in page, words
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<textarea.*?</textarea>", "", page, flags=re.S)
                         .split('data-testid="trial-prefill"')[1])
    page = client.post(URL, data=_with(lambda b: b.update(month=""))).data.decode()
    assert error_at(page, "month") == "required"


def test_the_form_and_its_row_buttons_work_with_csrf_protection(csrf_client):
    page = csrf_client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    csrf_client.post("/login", data={"username": "pr_op", "password": PASSWORD, "csrf_token": token})
    fields = page_fields(csrf_client.get(URL).data.decode())
    assert fields["csrf_token"]
    added = csrf_client.post(URL, data={**fields, "add_visits": "添加上门服务"})
    assert added.status_code == 200 and 'data-testid="trial-visit"' in added.data.decode()
    priced = csrf_client.post(URL, data={**page_fields(added.data.decode()), "submit": "试算"})
    assert priced.status_code == 200, re.findall(r"(?:invalid-feedback|alert)[^>]*>([^<]*)<", priced.data.decode())
    assert line_of(priced.data.decode())[:2] == ("990.00", "693.00")
    assert csrf_client.post(URL, data={**fields, "csrf_token": "", "submit": "试算"}).status_code == 400


def test_facts_changing_within_the_month_are_carried_and_priced_as_read(client):
    login(client, "pr_op")
    scenario = copy.deepcopy(EXAMPLE)
    scenario["person"] = {"category": [{"value": "resident", "from": "2020-01-01", "to": "2026-04-15"},
                                       {"value": "employee", "from": "2026-04-15"}],
                          "tags": [{"value": "medical_assistance", "from": "2026-04-10"}],
                          "enrolment": "active", "coordinates": {"lat": 36.1, "lon": 120.4}}
    r = client.post(URL, data={"scenario": json.dumps(scenario), "price_json": "按 JSON 试算"})
    page = r.data.decode()
    assert r.status_code == 200, page
    fields = page_fields(page)
    assert fields["person-category"] == [""] and "person-tags" not in fields
    carried = json.loads(fields["carried"][0])
    assert [(p["value"], p["from"], p.get("to")) for p in carried["person"]["category"]] == [
        ("resident", "2020-01-01", "2026-04-15"), ("employee", "2026-04-15", None)]
    assert carried["person"]["coordinates"] == {"lat": 36.1, "lon": 120.4}
    assert 'data-testid="trial-carried"' in page
    again = client.post(URL, data={**fields, "submit": "试算"}).data.decode()
    assert line_of(again) == line_of(page)
    # a category chosen on the form holds the whole month instead
    chosen = client.post(URL, data={**fields, "person-category": "resident", "submit": "试算"}).data.decode()
    assert line_of(chosen) != line_of(page)


def test_a_problem_with_the_json_opens_the_advanced_view(client):
    login(client, "pr_op")
    r = client.post(URL, data={"scenario": "{not json", "price_json": "按 JSON 试算"})
    page = r.data.decode()
    assert r.status_code == 400 and '<details class="mt-4" data-testid="trial-advanced" open>' in page
    assert re.search(r'name="scenario"[^>]*>[^<]*</textarea>\s*(<div class="form-text">[^<]*</div>\s*)?'
                     r'<div class="invalid-feedback">invalid JSON</div>', page)
