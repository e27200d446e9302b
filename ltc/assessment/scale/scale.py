"""The national disability scale (SPEC §3.2) as a versioned ruleset. Pure: no Flask, no db.

A ruleset definition (``ltc/assessment/scale/rulesets/<id>.json``) lists the 17 items with their
allowed values, the grade bands of the three indicators (adl, cognition, perception), the cp
rule (the more severe of the cognition and perception grades), the ADL-grade × cp matrix and
the level names. ``Ruleset.from_definition`` refuses an inconsistent definition
(``InvalidRuleset``); ``grade`` turns 17 answers into totals, grades and a level.
"""
import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ltc.core.errors import ValidationFailed

INDICATORS = ("adl", "cognition", "perception")
ROW_INDICATOR = "adl"
CP_INDICATORS = ("cognition", "perception")
CP_RULES = {"max": max}


class InvalidRuleset(ValueError):
    """A ruleset definition is malformed or inconsistent (found when loading, never when grading)."""


def is_json_int(value: object) -> bool:
    """A JSON integer: ``True``, ``10.0``, ``"10"`` and ``None`` are not."""
    return isinstance(value, int) and not isinstance(value, bool)


def reachable_totals(allowed_values: Iterable[Iterable[int]]) -> set[int]:
    """Every total that one answer per item (from its allowed values) can add up to."""
    totals = {0}
    for allowed in allowed_values:
        totals = {total + value for total in totals for value in allowed}
    return totals


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    indicator: str
    allowed: tuple[int, ...]


@dataclass(frozen=True)
class Band:
    grade: int
    min: int
    max: int

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    bands: tuple[Band, ...]

    def band_for(self, total: int) -> Band:
        for band in self.bands:
            if band.contains(total):
                return band
        raise ValueError(f"{self.code} total {total} is in no band")


@dataclass(frozen=True)
class Ruleset:
    id: str
    name: str
    effective_from: date
    effective_to: date | None
    grade_names: tuple[str, ...]
    indicators: Mapping[str, Indicator]
    items: tuple[Item, ...]
    matrix: tuple[tuple[int, ...], ...]
    level_names: tuple[str, ...]
    #: the definition as loaded (JSON-ready), e.g. to embed in the entry page
    definition: dict = field(compare=False, repr=False)

    @classmethod
    def from_definition(cls, definition: Mapping) -> "Ruleset":
        """Parse and check a definition. Raises InvalidRuleset naming the first problem."""
        return _parse(definition)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def items_of(self, indicator: str) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.indicator == indicator)

    def covers(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    def grade_of(self, indicator: str, total: int) -> int:
        return self.indicators[indicator].band_for(total).grade

    def level_of(self, adl_grade: int, cp_grade: int) -> int:
        return self.matrix[adl_grade][cp_grade]


@dataclass(frozen=True)
class Grading:
    ruleset_id: str
    adl_total: int
    cognition_total: int
    perception_total: int
    adl_grade: int
    cognition_grade: int
    perception_grade: int
    cp_grade: int
    level: int
    level_name: str

    def as_dict(self) -> dict:
        """The API's and the stored shape (``ruleset`` holds the id)."""
        return {"adl_total": self.adl_total, "cognition_total": self.cognition_total,
                "perception_total": self.perception_total, "adl_grade": self.adl_grade,
                "cognition_grade": self.cognition_grade, "perception_grade": self.perception_grade,
                "cp_grade": self.cp_grade, "level": self.level, "level_name": self.level_name,
                "ruleset": self.ruleset_id}


def validate_items(ruleset: Ruleset, items: Mapping) -> dict[str, str]:
    """The problems with a set of answers, by item code: missing, unknown code, not a JSON
    integer, or not one of the item's allowed values. Empty when the answers can be graded."""
    if not isinstance(items, Mapping):
        raise TypeError("items must be a mapping of item code to value")
    problems: dict[str, str] = {}
    for item in ruleset.items:
        if item.code not in items:
            problems[item.code] = "required"
        elif not is_json_int(items[item.code]):
            problems[item.code] = "must be an integer"
        elif items[item.code] not in item.allowed:
            problems[item.code] = "must be one of " + ", ".join(map(str, item.allowed))
    for code in sorted(map(str, items.keys() - set(ruleset.codes))):
        problems[code] = "unknown item"
    return problems


def grade(ruleset: Ruleset, items: Mapping) -> Grading:
    """Totals per indicator → grade per indicator (bands) → cp = the more severe of cognition
    and perception → level = matrix[adl grade][cp]. Raises ValidationFailed naming the items
    that ``validate_items`` refuses."""
    problems = validate_items(ruleset, items)
    if problems:
        raise ValidationFailed("评估项目无效：%(items)s", problems, params={"items": list(problems)})
    totals = {code: sum(items[item.code] for item in ruleset.items_of(code)) for code in INDICATORS}
    grades = {code: ruleset.grade_of(code, totals[code]) for code in INDICATORS}
    cp_grade = max(grades[code] for code in CP_INDICATORS)
    level = ruleset.level_of(grades[ROW_INDICATOR], cp_grade)
    return Grading(
        ruleset_id=ruleset.id, adl_total=totals["adl"], cognition_total=totals["cognition"],
        perception_total=totals["perception"], adl_grade=grades["adl"],
        cognition_grade=grades["cognition"], perception_grade=grades["perception"],
        cp_grade=cp_grade, level=level, level_name=ruleset.level_names[level])


@dataclass(frozen=True)
class IndicatorStep:
    code: str
    name: str
    total: int
    band: Band
    grade: int
    grade_name: str


@dataclass(frozen=True)
class Explanation:
    """How a level was reached: totals → grades → cp → matrix cell."""

    indicators: tuple[IndicatorStep, ...]
    cp_grade: int
    cp_from: tuple[str, ...]  # the indicator(s) whose grade is the cp grade
    matrix_row: int           # the ADL grade
    matrix_column: int        # the cp grade
    level: int
    level_name: str

    def lines(self) -> list[str]:
        steps = {step.code: step for step in self.indicators}
        lines = [f"{s.name}总分 {s.total}，属 {s.band.min}–{s.band.max} 分段"
                 f" → {s.grade} 级（{s.grade_name}）" for s in self.indicators]
        cp_grades = ", ".join(str(steps[code].grade) for code in CP_INDICATORS)
        lines.append(f"认知与感知觉综合等级取较重者：max({cp_grades}) = {self.cp_grade}")
        lines.append(f"{steps[ROW_INDICATOR].name} {self.matrix_row} 级 × 综合 {self.matrix_column} 级"
                     f" → 失能等级 {self.level}（{self.level_name}）")
        return lines


def explain(ruleset: Ruleset, grading: Grading) -> Explanation:
    """The steps behind ``grading`` (which must come from ``ruleset``)."""
    if grading.ruleset_id != ruleset.id:
        raise ValueError(f"grading is from {grading.ruleset_id}, not {ruleset.id}")
    totals = {"adl": grading.adl_total, "cognition": grading.cognition_total,
              "perception": grading.perception_total}
    steps = []
    for code in INDICATORS:
        band = ruleset.indicators[code].band_for(totals[code])
        steps.append(IndicatorStep(
            code=code, name=ruleset.indicators[code].name, total=totals[code], band=band,
            grade=band.grade, grade_name=ruleset.grade_names[band.grade]))
    cp_from = tuple(s.code for s in steps if s.code in CP_INDICATORS and s.grade == grading.cp_grade)
    return Explanation(indicators=tuple(steps), cp_grade=grading.cp_grade, cp_from=cp_from,
                       matrix_row=grading.adl_grade, matrix_column=grading.cp_grade,
                       level=grading.level, level_name=grading.level_name)


# --- loading and checking a definition -------------------------------------------------------

def _need(mapping: Mapping, key: str, kind: type, where: str):
    if not isinstance(mapping, Mapping) or key not in mapping:
        raise InvalidRuleset(f"{where}: '{key}' is required")
    value = mapping[key]
    if not (is_json_int(value) if kind is int else isinstance(value, kind)):
        raise InvalidRuleset(f"{where}.{key}: wrong type {type(value).__name__}")
    return value


def _date(value, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidRuleset(f"{where}: not an ISO date: {value!r}") from None


def _parse_items(definition: Mapping, where: str) -> tuple[Item, ...]:
    items = []
    for n, raw in enumerate(_need(definition, "items", list, where)):
        at = f"{where}.items[{n}]"
        allowed = tuple(_need(raw, "allowed", list, at))
        distinct = len(set(allowed)) == len(allowed)
        if not allowed or not distinct or not all(is_json_int(v) and v >= 0 for v in allowed):
            raise InvalidRuleset(f"{at}.allowed: distinct non-negative integers required")
        items.append(Item(code=_need(raw, "code", str, at), name=_need(raw, "name", str, at),
                          indicator=_need(raw, "indicator", str, at), allowed=allowed))
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise InvalidRuleset(f"{where}.items: duplicate item codes")
    for item in items:
        if item.indicator not in INDICATORS:
            raise InvalidRuleset(f"{where}.items: {item.code} has unknown indicator {item.indicator!r}")
    return tuple(items)


def _parse_indicator(code: str, raw: Mapping, items: tuple[Item, ...], grades: int,
                     where: str) -> Indicator:
    at = f"{where}.indicators.{code}"
    bands = []
    for n, band in enumerate(_need(raw, "bands", list, at)):
        band_at = f"{at}.bands[{n}]"
        b = Band(grade=_need(band, "grade", int, band_at), min=_need(band, "min", int, band_at),
                 max=_need(band, "max", int, band_at))
        if not 0 <= b.grade < grades or b.min > b.max:
            raise InvalidRuleset(f"{band_at}: grade out of range or min > max")
        bands.append(b)
    ordered = sorted(bands, key=lambda b: b.min)
    for lower, upper in zip(ordered, ordered[1:], strict=False):
        if upper.min <= lower.max:
            raise InvalidRuleset(f"{at}: bands {lower.min}–{lower.max} and {upper.min}–{upper.max} "
                                 "overlap")
    mine = [item.allowed for item in items if item.indicator == code]
    if not mine:
        raise InvalidRuleset(f"{at}: no items")
    for total in sorted(reachable_totals(mine)):
        if not any(b.contains(total) for b in bands):
            raise InvalidRuleset(f"{at}: reachable total {total} is in no band")
    return Indicator(code=code, name=_need(raw, "name", str, at), bands=tuple(bands))


def _parse_matrix(definition: Mapping, grades: int, levels: int, where: str) -> tuple[tuple[int, ...], ...]:
    if definition.get("matrix_rows") != ROW_INDICATOR or definition.get("matrix_columns") != "cp":
        raise InvalidRuleset(f"{where}: matrix_rows must be 'adl' and matrix_columns 'cp'")
    cp = _need(definition, "cp", dict, where)
    if cp.get("rule") not in CP_RULES or sorted(cp.get("of") or []) != sorted(CP_INDICATORS):
        raise InvalidRuleset(f"{where}.cp: only rule 'max' of cognition and perception is supported")
    matrix = _need(definition, "matrix", list, where)
    if len(matrix) != grades or any(not isinstance(row, list) or len(row) != grades for row in matrix):
        raise InvalidRuleset(f"{where}.matrix: must be {grades} × {grades}")
    if not all(is_json_int(cell) and 0 <= cell < levels for row in matrix for cell in row):
        raise InvalidRuleset(f"{where}.matrix: every cell must be a level 0–{levels - 1}")
    return tuple(tuple(row) for row in matrix)


def _parse_levels(definition: Mapping, where: str) -> tuple[str, ...]:
    levels = _need(definition, "levels", list, where)
    for n, raw in enumerate(levels):
        if _need(raw, "level", int, f"{where}.levels[{n}]") != n:
            raise InvalidRuleset(f"{where}.levels: must be numbered 0, 1, 2, … in order")
    return tuple(_need(raw, "name", str, f"{where}.levels[{n}]") for n, raw in enumerate(levels))


def _parse(definition: Mapping) -> Ruleset:
    if not isinstance(definition, Mapping):
        raise InvalidRuleset("a ruleset definition must be an object")
    where = str(definition.get("id", "ruleset"))
    ruleset_id = _need(definition, "id", str, where)
    start = _date(_need(definition, "effective_from", str, where), f"{where}.effective_from")
    end = definition.get("effective_to")
    end = None if end is None else _date(end, f"{where}.effective_to")
    if end is not None and end <= start:
        raise InvalidRuleset(f"{where}: effective_to must be after effective_from")
    grade_names = tuple(_need(definition, "grade_names", list, where))
    if not grade_names or not all(isinstance(name, str) for name in grade_names):
        raise InvalidRuleset(f"{where}.grade_names: a list of names required")
    level_names = _parse_levels(definition, where)
    items = _parse_items(definition, where)
    raw_indicators = _need(definition, "indicators", dict, where)
    if set(raw_indicators) != set(INDICATORS):
        raise InvalidRuleset(f"{where}.indicators: exactly {', '.join(INDICATORS)} required")
    indicators = {code: _parse_indicator(code, raw_indicators[code], items, len(grade_names), where)
                  for code in INDICATORS}
    return Ruleset(id=ruleset_id, name=_need(definition, "name", str, where), effective_from=start,
                   effective_to=end, grade_names=grade_names, indicators=indicators, items=items,
                   matrix=_parse_matrix(definition, len(grade_names), len(level_names), where),
                   level_names=level_names, definition=copy.deepcopy(dict(definition)))
