"""ltc/static/js/grading.js: the live grade on the entry page follows the same rules as the server.

The page contract is checked by reading the file; the arithmetic runs under Node when it is
installed (a browser test of the page comes with the entry page).
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import ltc
from ltc.assessment.scale.scale import grade
from tests.unit.test_scale import ADL_TOTAL_FOR_GRADE, COG_TOTAL_FOR_GRADE, DEFINITION, RULESET, totals

SCRIPT = Path(ltc.__file__).parent / "static" / "js" / "grading.js"

RUNNER = """
const fs = require("fs"), vm = require("vm");
const sandbox = {window: {}};
vm.runInNewContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = input.cases.map(answers => sandbox.window.ltcGrading.compute(input.ruleset, answers));
const parsed = input.raw.map(raw => sandbox.window.ltcGrading.parseValue(input.ruleset.items[0], raw));
process.stdout.write(JSON.stringify({out: out, parsed: parsed}));
"""


def run_js(cases: list[dict], raw: list = ()) -> dict:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        pytest.skip("Node.js is not installed")
    done = subprocess.run([node, "-e", RUNNER, str(SCRIPT)], check=True, capture_output=True, text=True,
                          input=json.dumps({"ruleset": DEFINITION, "cases": cases, "raw": list(raw)}), timeout=30)
    return json.loads(done.stdout)


def test_script_reads_the_embedded_ruleset_and_writes_data_attributes():
    source = SCRIPT.read_text("utf-8")
    assert 'getElementById("ruleset")' in source and '"application/json"' in source
    assert "data-grading" in source and "addEventListener" in source


def test_script_has_no_inline_handlers_or_html_injection():
    source = SCRIPT.read_text("utf-8")
    forbidden = r"\bon(click|change|input|load)\s*=|eval\(|new Function|innerHTML|document\.write"
    assert not re.search(forbidden, source)


CASES = [totals(ADL_TOTAL_FOR_GRADE[a], COG_TOTAL_FOR_GRADE[c], 12) for a in range(4) for c in range(4)] + [
    totals(65, 1, 9), totals(0, 16, 12), totals(0, 1, 2), totals(95, 15, 11), totals(60, 3, 3), totals(40, 2, 4)]


def test_script_grades_like_the_server():
    results = run_js(CASES)["out"]
    for answers, result in zip(CASES, results, strict=False):
        expected = grade(RULESET, answers).as_dict()
        assert {key: result[key] for key in expected} == expected
        assert result["missing"] == []


def test_script_leaves_grades_blank_until_the_indicator_is_complete():
    answers = {**totals(100, 16, 12), "memory": None, "vision": 7}
    result = run_js([answers])["out"][0]
    assert result["missing"] == ["memory", "vision"]
    assert (result["adl_grade"], result["cognition_grade"], result["perception_grade"]) == (0, None, None)
    assert (result["cognition_total"], result["perception_total"], result["level"]) == (12, 8, None)


def test_script_reads_form_values_as_allowed_integers_only():
    # feeding allows 10, 5, 0
    assert run_js([], raw=["10", " 5 ", "0", "7", "10.0", "", "abc", None])["parsed"] == [
        10, 5, 0, None, None, None, None, None]
