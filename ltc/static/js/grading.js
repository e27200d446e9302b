/*
 * Live grading on the assessment entry page (SPEC §3.2). No inline script: CSP stays strict.
 *
 * Contract with the page:
 *  - the ruleset definition is embedded as <script type="application/json" id="ruleset">…</script>
 *    (the same JSON as ltc/assessment/scale/rulesets/<id>.json);
 *  - a form holds one control per item, named by the item code (select, radio group or number
 *    input); any form containing such a control is graded;
 *  - results are written into elements carrying data-grading="<key>", key being one of
 *    adl_total, cognition_total, perception_total, adl_grade, cognition_grade, perception_grade,
 *    adl_grade_name, cognition_grade_name, perception_grade_name, cp_grade, level, level_name,
 *    ruleset, missing (the number of unanswered items).
 * Totals count the answered items; a grade appears once its indicator is complete, the level
 * once all items are. Controls holding a value the item does not allow get aria-invalid="true".
 * The server re-grades on save and its result is the one stored.
 */
(function (root) {
  "use strict";

  var INDICATORS = ["adl", "cognition", "perception"];
  var BLANK = "—";

  /* A form value as the integer the item allows, or null (blank, not an integer, not allowed). */
  function parseValue(item, raw) {
    if (typeof raw === "number") raw = String(raw);
    if (typeof raw !== "string" || !/^-?\d+$/.test(raw.trim())) return null;
    var value = parseInt(raw.trim(), 10);
    return item.allowed.indexOf(value) === -1 ? null : value;
  }

  function bandGrade(indicator, total) {
    for (var i = 0; i < indicator.bands.length; i++) {
      var band = indicator.bands[i];
      if (band.min <= total && total <= band.max) return band.grade;
    }
    return null;
  }

  /* answers: {code: integer or null}. Same rules as ltc.assessment.scale.grade. */
  function compute(ruleset, answers) {
    var result = {ruleset: ruleset.id, missing: [], level: null, level_name: null, cp_grade: null};
    var complete = {};
    INDICATORS.forEach(function (code) {
      result[code + "_total"] = 0;
      result[code + "_grade"] = null;
      result[code + "_grade_name"] = null;
      complete[code] = true;
    });
    ruleset.items.forEach(function (item) {
      var value = answers[item.code];
      if (typeof value !== "number" || item.allowed.indexOf(value) === -1) {
        result.missing.push(item.code);
        complete[item.indicator] = false;
      } else {
        result[item.indicator + "_total"] += value;
      }
    });
    INDICATORS.forEach(function (code) {
      if (!complete[code]) return;
      var grade = bandGrade(ruleset.indicators[code], result[code + "_total"]);
      result[code + "_grade"] = grade;
      result[code + "_grade_name"] = grade === null ? null : ruleset.grade_names[grade];
    });
    if (result.missing.length === 0) {
      var cp = ruleset.cp.of.map(function (code) { return result[code + "_grade"]; });
      result.cp_grade = Math.max.apply(null, cp);
      result.level = ruleset.matrix[result.adl_grade][result.cp_grade];
      result.level_name = ruleset.levels[result.level].name;
    }
    return result;
  }

  function readAnswers(form, ruleset) {
    var answers = {};
    ruleset.items.forEach(function (item) {
      var control = form.elements.namedItem(item.code);
      if (!control) { answers[item.code] = null; return; }
      var raw = control.value;
      var value = parseValue(item, raw);
      answers[item.code] = value;
      if (control.setAttribute) {
        if (value === null && raw !== "") control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      }
    });
    return answers;
  }

  function show(doc, result) {
    var outputs = doc.querySelectorAll("[data-grading]");
    for (var i = 0; i < outputs.length; i++) {
      var key = outputs[i].getAttribute("data-grading");
      var value = key === "missing" ? result.missing.length : result[key];
      outputs[i].textContent = value === null || value === undefined ? BLANK : String(value);
    }
  }

  function attach(doc) {
    var source = doc.getElementById("ruleset");
    if (!source || source.getAttribute("type") !== "application/json") return;
    var ruleset = JSON.parse(source.textContent);
    var codes = ruleset.items.map(function (item) { return item.code; });
    Array.prototype.forEach.call(doc.forms, function (form) {
      var graded = codes.some(function (code) { return form.elements.namedItem(code); });
      if (!graded) return;
      var update = function () { show(doc, compute(ruleset, readAnswers(form, ruleset))); };
      form.addEventListener("input", update);
      form.addEventListener("change", update);
      update();
    });
  }

  root.ltcGrading = {compute: compute, parseValue: parseValue, attach: attach};

  if (typeof document !== "undefined") {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { attach(document); });
    } else {
      attach(document);
    }
  }
}(typeof window !== "undefined" ? window : this));
