"""The national scale's wording of each score (shown on the assessment form) matches the ruleset."""
import json
from pathlib import Path

from ltc.assessment.scale.descriptors import choice_label, descriptors

RULESETS = Path(__file__).parents[2] / "ltc" / "assessment" / "scale" / "rulesets"


def test_every_score_of_every_item_of_the_national_ruleset_has_its_wording_and_no_other():
    ruleset = json.loads((RULESETS / "CN-2021-37.json").read_text(encoding="utf-8"))
    wording = descriptors("CN-2021-37")
    assert {item["code"]: sorted(item["allowed"]) for item in ruleset["items"]} == {
        code: sorted(scores) for code, scores in wording.items()}
    assert all(text.strip() for scores in wording.values() for text in scores.values())


def test_a_choice_reads_score_and_wording_and_falls_back_to_the_score():
    assert choice_label("CN-2021-37", "feeding", 10).startswith("10 分：可独立进食")
    assert choice_label("CITY-1", "feeding", 10) == "10"
