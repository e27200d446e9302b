"""Grading API: the national scale applied to 17 answers, nothing stored (SPEC §3.2)."""
from flask import jsonify, request

from ltc.api import bp
from ltc.api.auth import api_permission
from ltc.api.openapi import operation
from ltc.assessment.scale.services import UnknownRuleset, get_ruleset, ruleset_in_force, shipped_definitions
from ltc.assessment.scale.scale import Ruleset, grade, validate_items
from ltc.auth.permissions import Action
from ltc.core.clock import local_today
from ltc.core.errors import ValidationFailed
from ltc.extensions import db

FIELDS = ("items", "ruleset")


def _items_schema() -> dict:
    """The item codes and allowed values of the newest shipped ruleset, for the document."""
    definition = max(shipped_definitions(), key=lambda d: d["effective_from"])
    return {"type": "object", "additionalProperties": False,
            "required": [item["code"] for item in definition["items"]],
            "description": f"one JSON integer per item code ({definition['id']} shown)",
            "properties": {item["code"]: {"type": "integer", "enum": item["allowed"],
                                          "description": item["name"]} for item in definition["items"]}}


GRADE_REQUEST = {
    "type": "object", "required": ["items"], "additionalProperties": False,
    "properties": {"items": _items_schema(),
                   "ruleset": {"type": "string", "example": "CN-2021-37",
                               "description": "default: the ruleset in force today (Asia/Shanghai)"}},
}
GRADING = {
    "type": "object",
    "properties": {**{key: {"type": "integer"} for key in (
        "adl_total", "cognition_total", "perception_total", "adl_grade", "cognition_grade",
        "perception_grade", "cp_grade", "level")},
        "level_name": {"type": "string"}, "ruleset": {"type": "string"}},
}


def _read_grade_request() -> tuple[dict, Ruleset]:
    """The answers and the ruleset to apply; every offending field is named at once."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("request body must be a JSON object", {"body": "expected a JSON object"})
    problems = {key: "unknown field" for key in sorted(data.keys() - set(FIELDS))}
    items = data.get("items")
    if "items" not in data:
        problems["items"] = "required"
    elif not isinstance(items, dict):
        problems["items"] = "must be an object"
    ruleset_id, ruleset = data.get("ruleset"), None
    if ruleset_id is not None and not isinstance(ruleset_id, str):
        problems["ruleset"] = "must be a string"
    else:
        try:
            ruleset = (ruleset_in_force(db.session, local_today()) if ruleset_id is None
                       else get_ruleset(db.session, ruleset_id))
        except UnknownRuleset as exc:
            problems.update(exc.fields)
    if ruleset is not None and isinstance(items, dict):
        problems.update({f"items.{code}": why for code, why in validate_items(ruleset, items).items()})
    if problems:
        raise ValidationFailed("invalid fields: " + ", ".join(problems), problems)
    return items, ruleset


@bp.post("/assessments/grade")
@operation(summary="Grade 17 answers on the national scale (totals, grades, level); nothing is stored",
           request_schema=GRADE_REQUEST, response_schema=GRADING)
@api_permission(Action.ENTER_ASSESSMENT)
def grade_assessment():
    items, ruleset = _read_grade_request()
    return jsonify(grade(ruleset, items).as_dict())
