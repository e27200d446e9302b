"""The generic dataclass ↔ form mapping of the policy editing page (pure)."""
import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

import pytest

from ltc.core.errors import ValidationFailed
from ltc.policy import form_mapping as fm
from ltc.policy.ref import REF_SECTIONS
from ltc.policy.schema import FieldError, parse_as, parse_section, to_raw
from ltc.policy.schema import SECTIONS


def test_every_registered_section_has_ref_values():
    assert set(REF_SECTIONS) == set(SECTIONS)


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_registered_section_round_trips_its_ref_values(name):
    tree = fm.section_tree(name)
    values = fm.form_values(tree, REF_SECTIONS[name])
    raw, errors = fm.raw_from_form(tree, values)
    assert errors == {}
    assert to_raw(parse_section(name, raw)) == to_raw(parse_section(name, REF_SECTIONS[name]))
    assert fm.form_values(tree, raw) == values


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_every_input_is_labelled_and_its_path_names_the_section(name):
    for field in fm.fields_of(fm.section_tree(name)):
        assert field.path == ".".join((name,) + field.keys)
        assert field.label != field.keys[-1], f"{field.path} has no label in its metadata"


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclasses.dataclass(frozen=True)
class Step:
    code: str
    days: int


@dataclasses.dataclass(frozen=True)
class Inner:
    rate: Decimal = dataclasses.field(metadata={"label": "费率", "unit": "元"})
    by_colour: Mapping[Colour, int] = dataclasses.field(
        metadata={"label": "按颜色", "key_labels": {Colour.RED: "红", Colour.BLUE: "蓝"}})


@dataclasses.dataclass(frozen=True)
class Sample:
    count: int = dataclasses.field(metadata={"label": "数量", "unit": "个"})
    start: date = dataclasses.field(metadata={"label": "开始"})
    colour: Colour = dataclasses.field(metadata={"label": "颜色"})
    mode: Literal["a", "b"] = dataclasses.field(metadata={"label": "模式"})
    flag: bool = dataclasses.field(metadata={"label": "开关"})
    inner: Inner = dataclasses.field(metadata={"label": "内部"})
    steps: tuple[Step, ...] = dataclasses.field(metadata={"label": "步骤"})
    free: Mapping[str, Decimal] = dataclasses.field(metadata={"label": "自由键"})
    note: str | None = dataclasses.field(default=None, metadata={"label": "备注"})
    limit: int | None = dataclasses.field(default=None, metadata={"label": "上限"})

    def __post_init__(self):
        if self.count > 10:
            raise FieldError({"count": "too many"})


RAW = {"count": 3, "start": "2026-01-01", "colour": "red", "mode": "b", "flag": True,
       "inner": {"rate": "0.90", "by_colour": {"red": 1, "blue": 2}},
       "steps": [{"code": "x", "days": 3}], "free": {"4": "190"}, "note": None, "limit": 7}
TREE = fm.form_tree(Sample, "sample")


def parse(raw):
    return parse_as(Sample, raw, "sample")


def test_the_tree_follows_the_dataclass():
    kinds = {f.path: f.kind for f in fm.fields_of(TREE)}
    assert kinds == {
        "sample.count": fm.INT, "sample.start": fm.DATE, "sample.colour": fm.CHOICE, "sample.mode": fm.CHOICE,
        "sample.flag": fm.BOOL, "sample.inner.rate": fm.DECIMAL, "sample.inner.by_colour.red": fm.INT,
        "sample.inner.by_colour.blue": fm.INT, "sample.steps": fm.JSON, "sample.free": fm.JSON,
        "sample.note": fm.TEXT, "sample.limit": fm.INT}
    inner = next(i for i in TREE.items if isinstance(i, fm.Group))
    assert inner.label == "内部"
    by_colour = inner.items[1]
    assert [(f.label, f.keys) for f in by_colour.items] == [("红", ("inner", "by_colour", "red")),
                                                           ("蓝", ("inner", "by_colour", "blue"))]
    limit = fm.fields_of(TREE)[-1]
    assert limit.optional and limit.label == "上限"


def test_a_sample_round_trips_exactly():
    values = fm.form_values(TREE, RAW)
    assert values["sample.inner.rate"] == "0.90" and values["sample.flag"] == "True"
    assert values["sample.note"] == "" and values["sample.limit"] == "7"
    raw, errors = fm.raw_from_form(TREE, values)
    assert errors == {} and raw == RAW
    assert parse(raw) == parse(RAW)


def test_empty_optional_inputs_become_null_and_missing_fields_show_their_default():
    values = fm.form_values(TREE, {k: v for k, v in RAW.items() if k != "limit"})
    assert values["sample.limit"] == ""
    raw, errors = fm.raw_from_form(TREE, values)
    assert errors == {} and raw["limit"] is None and raw["note"] is None


@pytest.mark.parametrize("path, text, reason", [
    ("sample.count", "", fm.REQUIRED),
    ("sample.count", "3.5", fm.NOT_INT),
    ("sample.count", "３", fm.NOT_INT),          # full-width digits are refused
    ("sample.inner.rate", "abc", fm.NOT_DECIMAL),
    ("sample.inner.rate", "1e3", fm.NOT_DECIMAL),
    ("sample.start", "2026-02-30", fm.NOT_DATE),
    ("sample.colour", "green", fm.NOT_CHOICE),
    ("sample.flag", "yes", fm.NOT_CHOICE),
    ("sample.inner.by_colour.blue", "x", fm.NOT_INT),
])
def test_conversion_errors_name_the_input(path, text, reason):
    values = {**fm.form_values(TREE, RAW), path: text}
    _, errors = fm.raw_from_form(TREE, values)
    assert errors == {path: reason}


def test_bad_json_names_the_field_and_the_line():
    values = {**fm.form_values(TREE, RAW), "sample.steps": "[\n{oops}]"}
    _, errors = fm.raw_from_form(TREE, values)
    assert list(errors) == ["sample.steps"] and errors["sample.steps"].startswith(fm.NOT_JSON)
    assert "第 2 行" in errors["sample.steps"]


def test_json_fields_are_checked_by_the_typed_schema():
    values = {**fm.form_values(TREE, RAW), "sample.steps": '[{"code": "x", "days": "3"}]'}
    raw, errors = fm.raw_from_form(TREE, values)
    assert errors == {}
    with pytest.raises(ValidationFailed) as exc:
        parse(raw)
    path = next(iter(exc.value.fields))
    assert path == "sample.steps[0].days"
    assert fm.field_for_error([f.path for f in fm.fields_of(TREE)], path) == "sample.steps"


def test_errors_are_placed_on_the_innermost_enclosing_input():
    paths = [f.path for f in fm.fields_of(TREE)]
    assert fm.field_for_error(paths, "sample.count") == "sample.count"
    assert fm.field_for_error(paths, "sample.inner.by_colour.red") == "sample.inner.by_colour.red"
    assert fm.field_for_error(paths, "sample.free.4") == "sample.free"
    assert fm.field_for_error(paths, "sample.inner") is None
    assert fm.field_for_error(paths, "sample.countx") is None


def test_diff_lists_changed_leaf_paths():
    new = {"sample": {**RAW, "count": 4, "inner": {**RAW["inner"], "by_colour": {"red": 1, "blue": 5}},
                      "steps": [{"code": "x", "days": 3}, {"code": "y", "days": 1}], "flag": 1}}
    changes = fm.diff_sections({"sample": RAW, "gone": {"a": 1}}, new)
    assert [(c.path, c.old, c.new) for c in changes] == [
        ("gone.a", "1", "—"),
        ("sample.count", "3", "4"),
        ("sample.flag", "true", "1"),
        ("sample.inner.by_colour.blue", "2", "5"),
        ("sample.steps[1].code", "—", "y"),
        ("sample.steps[1].days", "—", "1"),
    ]
    assert fm.diff_sections(REF_SECTIONS, REF_SECTIONS) == []
