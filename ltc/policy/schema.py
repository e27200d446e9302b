"""Typed policy sections (SPEC §0.3), pure: no Flask, no database.

Each domain declares the parameters it reads as a frozen dataclass and registers it under
a section name (``register_section("assessment", AssessmentPolicy)``). A version's raw JSON
is parsed strictly into those dataclasses:

- ``int`` accepts JSON integers only (not ``true``, not ``5.0``, not ``"5"``);
- ``Decimal`` (money, ratios) accepts decimal strings only (``"0.90"``), never floats;
- ``date`` accepts ISO strings; a ``StrEnum`` or ``Literal`` accepts one of its values;
- a nested dataclass or a ``Mapping[SomeStrEnum, V]`` is a JSON object whose keys are all
  known and all present (fields with a dataclass default may be omitted);
- ``tuple[T, ...]`` is a JSON list; ``T | None`` also accepts null.

Range and consistency checks live in each dataclass's ``__post_init__`` (``check_ranges``
and ``FieldError``); rules across sections are registered with ``register_version_check``
and run before a version is published. Errors name the field paths, e.g. ``assessment.validity_months``.
Field metadata ``label`` / ``unit`` / ``key_labels`` (Chinese msgids) serve the display.
"""
import dataclasses
import json
import types
import typing
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache
from typing import Any, Literal, TypeVar, Union

from ltc.core.errors import ValidationFailed

T = TypeVar("T")
SECTIONS: dict[str, type] = {}
REF_VALUES: dict[str, dict] = {}  # section name → its REF values (plain JSON)
#: checks of a parsed section against facts outside it (e.g. names another module registers)
SECTION_CHECKS: dict[str, list[Callable[[Any], dict[str, str]]]] = {}
#: checks of a whole version across its sections, run once every section is valid
VERSION_CHECKS: list[Callable[[Mapping[str, Any]], dict[str, str]]] = []
_INVALID = object()


class FieldError(ValueError):
    """Raised by a section's ``__post_init__``: field path (relative to the object) → reason."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def register_section(name: str, cls: type[T], ref: dict) -> type[T]:
    """Declare ``cls`` (a frozen dataclass) as the schema of section ``name``, with its REF values.

    Called from the owning domain's ``wire()``; registering the same class again is a no-op."""
    if not dataclasses.is_dataclass(cls) or not cls.__dataclass_params__.frozen:
        raise TypeError(f"section {name!r}: {cls.__name__} must be a frozen dataclass")
    if SECTIONS.get(name, cls) is not cls:
        raise ValueError(f"section {name!r} is already registered")
    SECTIONS[name] = cls
    REF_VALUES[name] = ref
    return cls


def register_section_check(name: str, check: Callable[[Any], dict[str, str]]) -> None:
    """Run ``check(parsed section)`` whenever section ``name`` is parsed; it returns errors
    (path relative to the section → reason), which make the section invalid."""
    checks = SECTION_CHECKS.setdefault(name, [])
    if check not in checks:
        checks.append(check)


def register_version_check(check: Callable[[Mapping[str, Any]], dict[str, str]]) -> None:
    """Run ``check(parsed sections by name)`` when a whole version is validated (before it is
    published), once every section is valid on its own; it returns errors (full path → reason),
    e.g. a level the assessment section lets receive a care type without billing amounts."""
    if check not in VERSION_CHECKS:
        VERSION_CHECKS.append(check)


def param(label: str, unit: str | None = None, **extra: Any) -> Any:
    """A section field with its display metadata: ``label`` and ``unit`` (Chinese msgids), plus
    e.g. ``key_labels`` / ``choice_labels``."""
    return dataclasses.field(metadata={"label": label, "unit": unit, **extra})


def section_name(cls: type) -> str:
    for name, registered in SECTIONS.items():
        if registered is cls:
            return name
    raise LookupError(f"{cls.__name__} is not a registered policy section")


def check_ranges(obj: Any, bounds: dict[str, tuple[Any, Any]]) -> None:
    """Raise FieldError for every field outside its inclusive ``(low, high)`` (None = open).

    A mapping field is checked value by value (paths ``field.key``).
    """
    if errors := range_errors(obj, bounds):
        raise FieldError(errors)


def range_errors(obj: Any, bounds: dict[str, tuple[Any, Any]]) -> dict[str, str]:
    """The errors ``check_ranges`` raises, returned, for a section that adds errors of its own."""
    errors: dict[str, str] = {}
    for name, (low, high) in bounds.items():
        value = getattr(obj, name)
        items = value.items() if isinstance(value, Mapping) else [(None, value)]
        for key, item in items:
            if (low is not None and item < low) or (high is not None and item > high):
                path = name if key is None else f"{name}.{key}"
                errors[path] = f"must be between {_bound(low)} and {_bound(high)}"
    return errors


def _bound(value: Any) -> str:
    return "-∞/+∞" if value is None else str(value)


# --- parsing ---------------------------------------------------------------------------

def parse_section(name: str, raw: Any) -> Any:
    """The typed instance of section ``name``. Raises ValidationFailed naming each bad path."""
    cls = SECTIONS.get(name)
    if cls is None:
        raise ValidationFailed("未知的政策参数分组 %(name)s", {name: "unknown section"}, params={"name": name})
    parsed = parse_as(cls, raw, name)
    errors = {f"{name}.{path}": reason
              for check in SECTION_CHECKS.get(name, ()) for path, reason in check(parsed).items()}
    if errors:
        raise invalid_policy(errors)
    return parsed


def parse_as(cls: type[T], raw: Any, path: str) -> T:
    """Parse ``raw`` strictly into the dataclass ``cls``; error paths start with ``path``."""
    errors: dict[str, str] = {}
    value = _parse(cls, raw, path, errors)
    if errors or value is _INVALID:
        raise invalid_policy(errors)
    return value


def invalid_policy(errors: dict[str, str]) -> ValidationFailed:
    """The refusal naming every bad path and its reason."""
    return ValidationFailed("政策参数无效：%(problems)s", errors,
                            params={"problems": [f"{path}（{reason}）" for path, reason in errors.items()]})


def validate_sections(sections: Any) -> dict[str, str]:
    """Errors (path → reason) of a whole version: every registered section present and valid,
    then the checks across sections (``register_version_check``)."""
    if not isinstance(sections, dict):
        return {"": "sections must be an object"}
    errors: dict[str, str] = {}
    for name in sorted(set(sections) - set(SECTIONS)):
        errors[name] = "unknown section"
    parsed: dict[str, Any] = {}
    for name in sorted(SECTIONS):
        if name not in sections:
            errors[name] = "missing section"
            continue
        try:
            parsed[name] = parse_section(name, sections[name])
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if not errors:
        for check in VERSION_CHECKS:
            errors.update(check(parsed))
    return errors


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _type_name(raw: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list",
            dict: "object", type(None): "null"}.get(type(raw), type(raw).__name__)


def _parse(tp: Any, raw: Any, path: str, errors: dict[str, str]) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if dataclasses.is_dataclass(tp):
        return _parse_dataclass(tp, raw, path, errors)
    if origin in (Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        return _parse_union([a for a in args if a is not type(None)], raw, path, errors)
    if origin in (dict, Mapping):
        return _parse_mapping(args[0], args[1], raw, path, errors)
    if origin is tuple:
        return _parse_tuple(args[0], raw, path, errors)
    if origin is Literal:
        if raw in args and any(type(raw) is type(a) for a in args):
            return raw
        return _fail(errors, path, f"must be one of {', '.join(map(str, args))}")
    return _parse_scalar(tp, raw, path, errors)


def _parse_union(choices: list[Any], raw: Any, path: str, errors: dict[str, str]) -> Any:
    if len(choices) == 1:
        return _parse(choices[0], raw, path, errors)
    for choice in choices:
        value = _parse(choice, raw, path, {})
        if value is not _INVALID:
            return value
    return _fail(errors, path, f"must be one of {', '.join(getattr(c, '__name__', str(c)) for c in choices)}")


def _parse_scalar(tp: Any, raw: Any, path: str, errors: dict[str, str]) -> Any:
    got = _type_name(raw)
    if tp is bool:
        return raw if isinstance(raw, bool) else _fail(errors, path, f"must be a boolean, got {got}")
    if tp is int:
        return raw if type(raw) is int else _fail(errors, path, f"must be an integer, got {got}")
    if isinstance(tp, type) and issubclass(tp, Enum):
        values = [m.value for m in tp]
        return tp(raw) if raw in values and isinstance(raw, str) else _fail(
            errors, path, f"must be one of {', '.join(values)}")
    if tp is str:
        return raw if isinstance(raw, str) else _fail(errors, path, f"must be a string, got {got}")
    if tp is Decimal:
        if not isinstance(raw, str):
            return _fail(errors, path, f"must be a decimal string such as \"0.90\", got {got}")
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            value = None
        return value if value is not None and value.is_finite() else _fail(errors, path, "not a decimal number")
    if tp is date:
        try:
            return date.fromisoformat(raw) if isinstance(raw, str) and len(raw) == 10 else _fail(
                errors, path, f"must be a date YYYY-MM-DD, got {got}")
        except ValueError:
            return _fail(errors, path, "not a valid date")
    raise TypeError(f"{path}: unsupported field type {tp!r}")


def _fail(errors: dict[str, str], path: str, reason: str) -> Any:
    errors[path] = reason
    return _INVALID


def _parse_dataclass(cls: type, raw: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(raw, dict):
        return _fail(errors, path, f"must be an object, got {_type_name(raw)}")
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    values, ok = {}, True
    for key in raw:
        if key not in fields:
            _fail(errors, f"{path}.{key}", "unknown key")
            ok = False
    hints = _hints(cls)
    for name, f in fields.items():
        if name not in raw:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                _fail(errors, f"{path}.{name}", "missing")
                ok = False
            continue
        value = _parse(hints[name], raw[name], f"{path}.{name}", errors)
        ok = ok and value is not _INVALID
        values[name] = value
    if not ok:
        return _INVALID
    try:
        return cls(**values)
    except FieldError as exc:
        for sub, reason in exc.errors.items():
            errors[f"{path}.{sub}"] = reason
        return _INVALID


def _parse_mapping(key_type: Any, value_type: Any, raw: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(raw, dict):
        return _fail(errors, path, f"must be an object, got {_type_name(raw)}")
    result, ok = {}, True
    if isinstance(key_type, type) and issubclass(key_type, Enum):
        known = {m.value: m for m in key_type}
        for key in sorted(raw.keys() - known.keys()):
            _fail(errors, f"{path}.{key}", "unknown key")
            ok = False
        for key in sorted(known.keys() - raw.keys()):
            _fail(errors, f"{path}.{key}", "missing")
            ok = False
    else:
        known = {k: k for k in raw}
    for key, item in raw.items():
        if key in known:
            value = _parse(value_type, item, f"{path}.{key}", errors)
            ok = ok and value is not _INVALID
            result[known[key]] = value
    return types.MappingProxyType(result) if ok else _INVALID


def _parse_tuple(item_type: Any, raw: Any, path: str, errors: dict[str, str]) -> Any:
    if not isinstance(raw, list):
        return _fail(errors, path, f"must be a list, got {_type_name(raw)}")
    items = [_parse(item_type, item, f"{path}[{i}]", errors) for i, item in enumerate(raw)]
    return _INVALID if any(item is _INVALID for item in items) else tuple(items)


# --- back to JSON, and for display ---------------------------------------------------

def to_raw(value: Any) -> Any:
    """The JSON-able form of a parsed value (Decimal → string, date → ISO, enum → value)."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_raw(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Mapping):
        return {to_raw(k): to_raw(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_raw(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a section's display: a label (msgid), a value or sub-rows, a unit (msgid)."""

    path: str
    label: str
    value: str | None = None
    unit: str | None = None
    children: tuple["Row", ...] = ()


def section_rows(instance: Any, path: str = "") -> tuple[Row, ...]:
    """Display rows of a parsed section, labelled from the field metadata."""
    rows = []
    for f in dataclasses.fields(instance):
        value, sub = getattr(instance, f.name), f"{path}{f.name}"
        label, unit = f.metadata.get("label", f.name), f.metadata.get("unit")
        if dataclasses.is_dataclass(value):
            rows.append(Row(sub, label, children=section_rows(value, sub + ".")))
        elif isinstance(value, Mapping):
            key_labels = f.metadata.get("key_labels", {})
            rows.append(Row(sub, label, children=tuple(
                Row(f"{sub}.{to_raw(k)}", key_labels.get(k, str(to_raw(k))), _display(v), unit)
                for k, v in value.items())))
        else:
            rows.append(Row(sub, label, _display(value), unit))
    return tuple(rows)


@dataclasses.dataclass(frozen=True)
class SectionView:
    """A section of a version ready for a template: typed rows, or the raw JSON and its errors."""

    name: str
    label: str
    rows: tuple[Row, ...] = ()
    errors: tuple[tuple[str, str], ...] = ()
    raw: str | None = None


def section_label(name: str) -> str:
    """The section's display label (msgid): its dataclass's ``LABEL``, else its name."""
    return getattr(SECTIONS.get(name), "LABEL", name)


def describe_sections(sections: Mapping[str, Any]) -> list[SectionView]:
    """Every registered section (and any unknown one) of a version, for display."""
    views = []
    for name in sorted(set(SECTIONS) | set(sections)):
        raw = sections.get(name)
        try:
            views.append(SectionView(name, section_label(name), rows=section_rows(parse_section(name, raw))))
        except ValidationFailed as exc:
            views.append(SectionView(name, section_label(name), errors=tuple(exc.fields.items()),
                                     raw=json.dumps(raw, ensure_ascii=False, indent=2)))
    return views


def _display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (tuple, list)):
        return "、".join(_display(v) for v in value)
    raw = to_raw(value)
    return raw if isinstance(raw, str) else str(raw)
