"""The 试算 page (issue 11 point 2): a scenario entered as a form (pre-filled from a real
beneficiary-month in the user's scope, or an example), or as the API's JSON body in the advanced
view, priced with the same rules and pricing as a settlement; nothing is stored.

Both ways build the same ``TrialIn`` body and call the same service as the API; a problem with the
body is shown on the field that edits it."""
import json

from flask import Blueprint, render_template, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from wtforms import SelectChoice

from ltc.api.schema import check, text_problems
from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.billing.trial.answer import answer_json
from ltc.billing.trial.forms import JsonForm, PrefillForm, TrialForm, form_data
from ltc.billing.trial.schemas import TrialIn
from ltc.billing.trial.services import EXAMPLE, catalogue_items, prefill, price_scenario
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.web.messages import error_words, reason_words

bp = Blueprint("trial", __name__, url_prefix="/billing/trial")

#: a refusal whose every reason is shown on its field (msgid)
SEE_FIELDS = "该场景无法试算，请按各栏的提示修改"
#: a finding's record (a JSON pointer into the body) in words (msgids)
RECORD_WORDS = {"visits": "上门服务", "stays": "在院记录", "entitlements": "待遇"}


def record_words(pointer: str) -> str:
    parts = pointer.strip("/").split("/")
    what = gettext(RECORD_WORDS[parts[0]]) if parts[0] in RECORD_WORDS else parts[0]
    if len(parts) > 1 and parts[1].isdigit():
        return gettext("%(what)s第 %(n)s 行", what=what, n=int(parts[1]) + 1)
    return gettext("%(what)s（整月）", what=what)


def _scenario_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2)


def _item_choices() -> list[SelectChoice]:
    english = str(get_locale() or "").startswith("en")
    return [SelectChoice(code, f"{code} {name_en if english and name_en else name_zh}")
            for code, name_zh, name_en in catalogue_items(db.session)]


def _form_of(body: dict) -> TrialForm:
    form = TrialForm(formdata=None, data=form_data(body))
    form.set_item_choices(_item_choices())
    return form


def _check(raw) -> tuple[TrialIn | None, dict[str, str]]:
    checked = check(TrialIn, raw) if isinstance(raw, dict) else None
    problems = text_problems(raw) | (checked.problems if checked else {"body": "expected a JSON object"})
    return (None, problems) if problems else (checked.value, {})


def _price(body: TrialIn) -> tuple[dict | None, DomainError | None]:
    """The answer, or the refusal (422 the scenario, 409 no policy in force)."""
    try:
        return answer_json(price_scenario(db.session, body)), None
    except DomainError as exc:
        return None, exc


def _render(source: PrefillForm, form: TrialForm, json_form: JsonForm, answer=None, status: int = 200,
            advanced: bool = False):
    return render_template("billing/trial.html", source=source, form=form, json_form=json_form, answer=answer,
                           advanced=advanced or bool(json_form.scenario.errors), record_words=record_words), status


def _fill(source: PrefillForm) -> dict:
    """GET: the scenario of the requested beneficiary-month (404 outside the scope), else the example."""
    if source.person_id.raw_data and source.validate():
        return prefill(db.session, current_user, source.person_id.data, source.month_start)
    return EXAMPLE


def _from_json(source: PrefillForm):
    """POST from the advanced view: the JSON body priced; the form shows it when it is valid."""
    json_form = JsonForm()
    if not json_form.validate():
        return _render(source, TrialForm(formdata=None), json_form, status=400)
    try:
        raw = json.loads(json_form.scenario.data)
    except ValueError:
        json_form.scenario.errors.append("invalid JSON")
        return _render(source, TrialForm(formdata=None), json_form, status=400)
    body, problems = _check(raw)
    if problems:
        json_form.scenario.errors.extend(f"{name}: {problem}" for name, problem in sorted(problems.items()))
        return _render(source, TrialForm(formdata=None), json_form, status=400)
    answer, refused = _price(body)
    form = _form_of(body.model_dump(mode="json", by_alias=True))
    if refused is not None:
        json_form.scenario.errors.append(error_words(refused))
        json_form.scenario.errors.extend(f"{name}: {reason_words(problem)}" for name, problem in
                                         refused.fields.items())
        return _render(source, form, json_form, status=refused.status)
    return _render(source, form, json_form, answer)


def _from_form(source: PrefillForm):
    """POST of the form: a row added or removed, or the scenario it builds priced."""
    form, json_form = TrialForm(), JsonForm(formdata=None)
    form.set_item_choices(_item_choices())
    if form.edit_rows():
        form.set_item_choices(_item_choices())
        json_form.scenario.data = _scenario_text(form.scenario(form.filled()))
        return _render(source, form, json_form)
    valid, rows = form.validate(), form.filled()
    raw = form.scenario(rows)
    json_form.scenario.data = _scenario_text(raw)
    if not valid or form.form_errors or any(form[name][i].form.errors for name in rows for i in rows[name]):
        return _render(source, form, json_form, status=400)
    body, problems = _check(raw)
    if problems:
        form.place(problems, rows)
        return _render(source, form, json_form, status=400)
    answer, refused = _price(body)
    if refused is not None:
        on_fields = bool(refused.fields) and form.place(refused.fields, rows)
        form.form_errors.insert(0, gettext(SEE_FIELDS) if on_fields else error_words(refused))
        return _render(source, form, json_form, status=refused.status)
    return _render(source, _form_of(body.model_dump(mode="json", by_alias=True)), json_form, answer)


@bp.route("/", methods=["GET", "POST"])
@permission_required(Action.TRIAL_CALCULATION)
def page():
    source = PrefillForm(request.args)
    if request.method == "POST":
        return _from_json(source) if "scenario" in request.form else _from_form(source)
    body = _fill(source)
    return _render(source, _form_of(body), JsonForm(formdata=None, data={"scenario": _scenario_text(body)}))
