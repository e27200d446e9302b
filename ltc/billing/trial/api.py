"""``POST /api/v1/billing/trial`` (试算, issue 11 point 2): price one beneficiary-month scenario with
the same rules and pricing as a settlement; writes nothing. 422 names a field the scenario cannot
have (a stay in a visit scenario, a visit outside the month, an unknown item …)."""
from flask import jsonify

from ltc.api.blueprint import bp
from ltc.api.schema import api_route
from ltc.auth.permissions import Action
from ltc.auth.web import api_permission
from ltc.billing.trial.answer import answer_json
from ltc.billing.trial.schemas import TrialIn, TrialOut
from ltc.billing.trial.services import price_scenario
from ltc.extensions import db


@bp.post("/billing/trial")
@api_permission(Action.TRIAL_CALCULATION)
@api_route(summary="Trial calculation (试算): what one beneficiary-month scenario pays, line by line, with its "
                   "findings; nothing is stored", body=TrialIn, responses={200: TrialOut}, errors=(409, 422))
def billing_trial(body: TrialIn):
    return jsonify(answer_json(price_scenario(db.session, body)))
