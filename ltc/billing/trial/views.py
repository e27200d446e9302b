"""The 试算 page (issue 11 point 2): a scenario (pre-filled from a real beneficiary-month in the user's
scope, or an example) priced with the same rules and pricing as a settlement; nothing is stored."""
import json
from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from ltc.api.schema import check, text_problems
from ltc.auth.permissions import Action
from ltc.auth.web import permission_required
from ltc.billing.trial.answer import answer_json
from ltc.billing.trial.forms import PrefillForm, TrialForm
from ltc.billing.trial.schemas import TrialIn
from ltc.billing.trial.services import EXAMPLE, prefill, price_scenario
from ltc.core.errors import DomainError
from ltc.extensions import db
from ltc.web.messages import error_words

bp = Blueprint("trial", __name__, url_prefix="/billing/trial")


def _scenario_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, indent=2)


def _fill(form: TrialForm, source: PrefillForm) -> None:
    """GET: the scenario of the requested beneficiary-month (404 outside the scope), else the example."""
    if source.person_id.raw_data and source.validate():
        month = date.fromisoformat(source.month.data + "-01")
        form.scenario.data = _scenario_text(prefill(db.session, current_user, source.person_id.data, month))
    elif not form.scenario.data:
        form.scenario.data = _scenario_text(EXAMPLE)


def _price(form: TrialForm) -> tuple[dict | None, int]:
    """POST: the answer, or the problems on the scenario field (400 shape, 422 the scenario, 409)."""
    try:
        raw = json.loads(form.scenario.data)
    except ValueError:
        form.scenario.errors.append("invalid JSON")
        return None, 400
    checked = check(TrialIn, raw) if isinstance(raw, dict) else None
    problems = text_problems(raw) | (checked.problems if checked else {"body": "expected a JSON object"})
    if problems:
        form.scenario.errors.extend(f"{name}: {problem}" for name, problem in sorted(problems.items()))
        return None, 400
    try:
        return answer_json(price_scenario(db.session, checked.value)), 200
    except DomainError as exc:
        form.scenario.errors.append(error_words(exc))
        form.scenario.errors.extend(f"{name}: {problem}" for name, problem in exc.fields.items())
        return None, exc.status


@bp.route("/", methods=["GET", "POST"])
@permission_required(Action.TRIAL_CALCULATION)
def page():
    source, form = PrefillForm(request.args), TrialForm()
    answer, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            answer, status = _price(form)
        else:
            status = 400
    else:
        _fill(form, source)
    return render_template("billing/trial.html", source=source, form=form, answer=answer), status
