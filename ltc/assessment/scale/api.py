"""Grading API: the national scale applied to 17 answers, nothing stored (SPEC §3.2)."""
from typing import Annotated, Any

from flask import jsonify
from pydantic import Field, WithJsonSchema

from ltc.api.blueprint import bp
from ltc.auth.web import api_permission
from ltc.api.schema import Body, Checked, api_route, raise_problems
from ltc.assessment.scale.api_schemas import Grading
from ltc.assessment.scale.services import UnknownRuleset, get_ruleset, ruleset_in_force, shipped_definitions
from ltc.assessment.scale.scale import Ruleset, grade, validate_items
from ltc.auth.permissions import Action
from ltc.core.clock import local_today
from ltc.extensions import db


def _items_schema() -> dict:
    """The item codes and allowed values of the newest shipped ruleset, for the document."""
    definition = max(shipped_definitions(), key=lambda d: d["effective_from"])
    return {"type": "object", "additionalProperties": False,
            "required": [item["code"] for item in definition["items"]],
            "description": f"one JSON integer per item code ({definition['id']} shown)",
            "properties": {item["code"]: {"type": "integer", "enum": item["allowed"],
                                          "description": item["name"]} for item in definition["items"]}}


class GradeRequest(Body):
    items: Annotated[dict[str, Any], WithJsonSchema(_items_schema())]
    ruleset: str | None = Field(None, examples=["CN-2021-37"],
                                description="default: the ruleset in force today (Asia/Shanghai)")


def _ruleset(body: Checked[GradeRequest], problems: dict[str, str]) -> Ruleset | None:
    if not body.fine("ruleset"):
        return None
    ruleset_id = body.raw.get("ruleset")
    try:
        if ruleset_id is None:
            return ruleset_in_force(db.session, local_today())
        return get_ruleset(db.session, ruleset_id)
    except UnknownRuleset as exc:
        problems.update(exc.fields)
        return None


@bp.post("/assessments/grade")
@api_permission(Action.ENTER_ASSESSMENT)
@api_route(summary="Grade 17 answers on the national scale (totals, grades, level); nothing is stored",
           body=GradeRequest, partial=True, responses={200: Grading}, errors=(409,))
def grade_assessment(body: Checked[GradeRequest]):
    """Every offending field is named at once: the body's shape, the ruleset, each answer."""
    problems = dict(body.problems)
    ruleset = _ruleset(body, problems)
    if ruleset is not None and body.fine("items"):
        problems.update({f"items.{code}": why for code, why in validate_items(ruleset, body.raw["items"]).items()})
    raise_problems(problems)
    return jsonify(grade(ruleset, body.raw["items"]).as_dict())
