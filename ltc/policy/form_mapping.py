"""Policy section dataclass ↔ form fields, generic over every registered section (pure).

The editing page never knows a section by name: it walks the section's dataclass.

- ``int``, ``Decimal``, ``date``, ``str``, ``bool``, a ``StrEnum`` or a ``Literal`` (and each of
  them ``| None``) is one typed input, labelled from the field metadata ``label`` / ``unit``;
- ``Mapping[SomeEnum, scalar]`` is one input per key, labelled from ``key_labels``;
- a nested dataclass is a group of its own fields, recursively;
- anything else (tuples, e.g. lists of review steps; mappings with free keys; unions) is a JSON
  text area for that field.

Inputs are strings. ``form_values`` turns a section's raw JSON into them and ``raw_from_form``
turns them back into raw JSON, reporting conversion errors by field path
(``assessment.validity_months``); the section's typed schema (``parse_section``) then checks
ranges and consistency with the same paths. ``diff_sections`` lists the changed leaf paths of
two versions.
"""
import dataclasses
import json
import re
import types
import typing
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, Union

from ltc.policy.schema import SECTIONS, section_label, to_raw

INT = "int"
DECIMAL = "decimal"
DATE = "date"
TEXT = "text"
CHOICE = "choice"
BOOL = "bool"
JSON = "json"
SCALARS = {int: INT, Decimal: DECIMAL, date: DATE, str: TEXT, bool: BOOL}
_INT = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_MISSING = object()

REQUIRED = "必填"
NOT_INT = "须为整数"
NOT_DECIMAL = "须为数字，例如 0.90"
NOT_DATE = "须为日期 YYYY-MM-DD"
NOT_CHOICE = "不是可选的值"
NOT_JSON = "JSON 格式错误"


@dataclasses.dataclass(frozen=True)
class FormField:
    """One input. ``keys`` is its place in the section's raw JSON; ``path`` includes the section."""

    path: str
    keys: tuple[str, ...]
    label: str
    kind: str
    unit: str | None = None
    optional: bool = False
    #: (raw value, label msgid) of a choice or a boolean
    choices: tuple[tuple[Any, str], ...] = ()
    default: Any = _MISSING


@dataclasses.dataclass(frozen=True)
class Group:
    """A nested dataclass or an enum-keyed mapping: a heading over its items."""

    path: str
    label: str
    unit: str | None = None
    items: tuple["FormField | Group", ...] = ()


# --- the tree of inputs ------------------------------------------------------------------

@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _scalar_kind(tp: Any) -> tuple[str, tuple[tuple[Any, str], ...]] | None:
    """(kind, choices) of a scalar type, or None when it is not one."""
    if tp in SCALARS:
        choices = ((True, "是"), (False, "否")) if tp is bool else ()
        return SCALARS[tp], choices
    if isinstance(tp, type) and issubclass(tp, Enum):
        return CHOICE, tuple((m.value, m.value) for m in tp)
    if typing.get_origin(tp) is Literal:
        return CHOICE, tuple((v, str(v)) for v in typing.get_args(tp))
    return None


def _optional(tp: Any) -> tuple[Any, bool]:
    """``(T, True)`` for ``T | None``, else ``(tp, False)``."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(tp)):
            return args[0], True
    return tp, False


def _enum_mapping(tp: Any) -> tuple[type[Enum], Any] | None:
    """``(key enum, value type)`` of ``Mapping[SomeEnum, scalar]``, else None."""
    if typing.get_origin(tp) not in (dict, Mapping):
        return None
    key, value = typing.get_args(tp)
    if isinstance(key, type) and issubclass(key, Enum) and _scalar_kind(value) is not None:
        return key, value
    return None


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return to_raw(f.default)
    if f.default_factory is not dataclasses.MISSING:
        return to_raw(f.default_factory())
    return _MISSING


def _labelled_choices(kind_choices: tuple, labels: Mapping) -> tuple[tuple[Any, str], ...]:
    return tuple((value, labels.get(value, label)) for value, label in kind_choices)


def _item(tp: Any, f: dataclasses.Field, path: str, keys: tuple[str, ...]) -> "FormField | Group":
    label, unit = f.metadata.get("label", f.name), f.metadata.get("unit")
    inner, optional = _optional(tp)
    if dataclasses.is_dataclass(inner) and not optional:
        return Group(path, label, unit, _items(inner, path, keys))
    if (mapping := _enum_mapping(inner)) is not None and not optional:
        key_enum, value_type = mapping
        key_labels = f.metadata.get("key_labels", {})
        kind, choices = _scalar_kind(value_type)
        return Group(path, label, unit, tuple(
            FormField(f"{path}.{m.value}", keys + (m.value,), key_labels.get(m, m.value), kind, unit,
                      choices=choices) for m in key_enum))
    scalar = _scalar_kind(inner)
    if scalar is None:
        return FormField(path, keys, label, JSON, unit, default=_default(f))
    kind, choices = scalar
    return FormField(path, keys, label, kind, unit, optional,
                     _labelled_choices(choices, f.metadata.get("choice_labels", {})), _default(f))


def _items(cls: type, path: str, keys: tuple[str, ...]) -> tuple["FormField | Group", ...]:
    hints = _hints(cls)
    return tuple(_item(hints[f.name], f, f"{path}.{f.name}", keys + (f.name,))
                 for f in dataclasses.fields(cls) if f.init)


@lru_cache(maxsize=None)
def form_tree(cls: type, name: str) -> Group:
    """The inputs of the dataclass ``cls`` edited as section ``name``."""
    return Group(name, getattr(cls, "LABEL", name), None, _items(cls, name, ()))


def section_tree(name: str) -> Group:
    """The inputs of the registered section ``name``."""
    return form_tree(SECTIONS[name], name) if name in SECTIONS else Group(name, section_label(name))


def fields_of(group: Group) -> list[FormField]:
    """Every input of ``group``, depth first."""
    found: list[FormField] = []
    for item in group.items:
        found.extend(fields_of(item) if isinstance(item, Group) else [item])
    return found


# --- raw JSON → strings ------------------------------------------------------------------

def _lookup(raw: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(raw, dict) or key not in raw:
            return _MISSING
        raw = raw[key]
    return raw


def _text(field: FormField, value: Any) -> str:
    if value is _MISSING:
        value = field.default
    if value is _MISSING or (value is None and field.kind != JSON):
        return ""
    if field.kind == JSON:
        return json.dumps(value, ensure_ascii=False, indent=2)
    if field.kind in (CHOICE, BOOL):
        return next((str(v) for v, _ in field.choices if v == value and type(v) is type(value)),
                    json.dumps(value, ensure_ascii=False))
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def form_values(group: Group, raw: Any) -> dict[str, str]:
    """The input strings (path → text) showing the section's raw JSON ``raw``."""
    return {f.path: _text(f, _lookup(raw, f.keys)) for f in fields_of(group)}


# --- strings → raw JSON ------------------------------------------------------------------

def _value(field: FormField, text: str) -> tuple[Any, str | None]:
    """(raw value, error) of one input."""
    stripped = text.strip()
    if field.kind == JSON:
        try:
            return json.loads(stripped), None
        except json.JSONDecodeError as exc:
            return None, f"{NOT_JSON}（{exc.msg}，第 {exc.lineno} 行）"
    if not stripped and field.kind != TEXT:
        return None, (None if field.optional else REQUIRED)
    if field.kind == TEXT:
        return (None, None) if field.optional and not stripped else (text, None)
    parse = _PARSERS.get(field.kind)
    return parse(stripped) if parse is not None else _choice_value(field, stripped)


def _int_value(stripped: str) -> tuple[Any, str | None]:
    return (int(stripped), None) if _INT.fullmatch(stripped) else (None, NOT_INT)


def _decimal_value(stripped: str) -> tuple[Any, str | None]:
    return (stripped, None) if _DECIMAL.fullmatch(stripped) else (None, NOT_DECIMAL)


def _date_value(stripped: str) -> tuple[Any, str | None]:
    try:
        return date.fromisoformat(stripped).isoformat(), None
    except ValueError:
        return None, NOT_DATE


def _choice_value(field: FormField, stripped: str) -> tuple[Any, str | None]:
    """The choice (or boolean) whose text is ``stripped``."""
    for value, _label in field.choices:
        if str(value) == stripped:
            return value, None
    return None, NOT_CHOICE


# non-blank input of these kinds → (raw value, error); other kinds pick one of the field's choices
_PARSERS = {INT: _int_value, DECIMAL: _decimal_value, DATE: _date_value}


def raw_from_form(group: Group, data: Mapping[str, str]) -> tuple[dict, dict[str, str]]:
    """The section's raw JSON from the input strings, and the conversion errors (path → reason).

    A missing input counts as empty. The result is only meaningful without errors.
    """
    raw: dict = {}
    errors: dict[str, str] = {}
    for field in fields_of(group):
        value, error = _value(field, data.get(field.path) or "")
        if error is not None:
            errors[field.path] = error
            continue
        target = raw
        for key in field.keys[:-1]:
            target = target.setdefault(key, {})
        target[field.keys[-1]] = value
    return raw, errors


def field_for_error(paths: list[str], error_path: str) -> str | None:
    """The input that an error path (``billing.steps[0].code``) belongs to: itself or its
    longest enclosing input; None when no input encloses it."""
    best = None
    for path in paths:
        if error_path == path or error_path.startswith((path + ".", path + "[")):
            if best is None or len(path) > len(best):
                best = path
    return best


# --- diff ----------------------------------------------------------------------------------

def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            _flatten(item, f"{path}.{key}" if path else str(key), out)
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            _flatten(item, f"{path}[{i}]", out)
    else:
        out[path] = value


@dataclasses.dataclass(frozen=True)
class Change:
    path: str
    old: str
    new: str


def _show(value: Any) -> str:
    if value is _MISSING:
        return "—"
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def diff_sections(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The leaf paths whose values differ between two versions' sections, sorted, old → new."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    _flatten(dict(old), "", before)
    _flatten(dict(new), "", after)
    return [Change(path, _show(before.get(path, _MISSING)), _show(after.get(path, _MISSING)))
            for path in sorted(before.keys() | after.keys())
            if before.get(path, _MISSING) != after.get(path, _MISSING)
            or type(before.get(path)) is not type(after.get(path))]
