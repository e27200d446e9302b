"""Request and response bodies of the JSON API as pydantic models, and ``@api_route``: the
request edge that validates them (400 naming each field) and records what the OpenAPI
document is generated from. Knows no domain.

Bodies are parsed here (UTF-8 JSON objects only; too deep a nesting, NUL characters, lone
surrogates and a wrong content type are refused) and then validated in strict mode: a JSON integer field takes
only JSON integers (``true``, ``10.0`` and ``"10"`` are refused), unknown fields are refused.
"""
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import wraps
from typing import Annotated, Any, Generic, TypeVar

from flask import current_app, make_response, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ltc.api import idempotency
from ltc.core.errors import ValidationFailed

MAX_INT = 2**31 - 1  # PostgreSQL INTEGER: ids, versions and counters fit
#: ASCII digits only: ``str.isdigit()`` also accepts "²" and "３", which ``int()`` rejects or reads
DIGITS = re.compile(r"[0-9]{1,10}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
TRUE, FALSE = ("true", "1"), ("false", "0")
#: what no text column can store: NUL (PostgreSQL refuses it) and lone UTF-16 surrogates (not
#: encodable as UTF-8), both of which a JSON string may carry as ``\u`` escapes
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
UNSTORABLE_TEXT = "must not contain NUL characters or lone surrogates"


class Body(BaseModel):
    """A request body: strict types, no unknown fields, no NaN or infinite numbers."""
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


class Query(BaseModel):
    """Query parameters: the values arrive as strings and the field types convert them
    (``query_int``, ``QueryBool``); parameters a route does not know are ignored."""
    model_config = ConfigDict(strict=True, extra="ignore")


def _may_grow(schema: dict) -> None:
    schema.pop("additionalProperties", None)


class Out(BaseModel):
    """A response body as documented; the tests check every API response against it, unknown
    fields included. The document leaves responses open: a later version may add fields."""
    model_config = ConfigDict(extra="forbid", json_schema_extra=_may_grow)


class Error(Out):
    """Every 4xx: a message and the offending fields (``items.feeding``, ``stays[3].admitted_on``)."""
    error: str
    fields: dict[str, str]


T = TypeVar("T")


class Page(Out, Generic[T]):
    """One page of a list, the same for every list."""
    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int


@dataclass(frozen=True)
class Media:
    """A response body that is not a model: a file (a PDF) or a document of its own."""
    mimetype: str
    schema: dict


PDF = Media("application/pdf", {"type": "string", "format": "binary"})


def _iso_date(value):
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError("must be a date YYYY-MM-DD")


def _query_bool(value):
    if isinstance(value, str) and value.lower() in TRUE + FALSE:
        return value.lower() in TRUE
    raise ValueError("must be true or false")


def _strings(value):
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise ValueError("must be a list of strings")


#: a calendar date written ``YYYY-MM-DD`` and nothing else
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
#: a database integer (an id, a version): never beyond PostgreSQL's INTEGER
Int32 = Annotated[int, Field(ge=0, le=MAX_INT)]
QueryBool = Annotated[bool, BeforeValidator(_query_bool)]
#: a list of strings, named as one field when an element is not a string
StrList = Annotated[list[str], BeforeValidator(_strings)]


def query_int(high: int) -> Any:
    """A positive integer query parameter in ASCII digits, at most ``high``."""
    def parse(value):
        if isinstance(value, str) and DIGITS.fullmatch(value):
            return int(value)
        raise ValueError(f"must be an integer 1–{high}")
    return Annotated[int, Field(ge=1, le=high), BeforeValidator(parse)]


# --- errors ------------------------------------------------------------------------------------

_MESSAGES = {
    "missing": "required", "extra_forbidden": "unknown field", "string_type": "must be a string",
    "int_type": "must be an integer", "float_type": "must be a number", "bool_type": "must be true or false",
    "dict_type": "must be an object", "model_type": "must be an object", "list_type": "must be a list",
    "finite_number": "must be a finite number", "date_type": "must be a date YYYY-MM-DD",
}
_WITH_LIMIT = {
    "string_too_long": "at most {max_length} characters", "string_too_short": "at least {min_length} characters",
    "too_long": "at most {max_length} items", "too_short": "at least {min_length} items",
    "less_than_equal": "must be at most {le}", "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}", "greater_than": "must be greater than {gt}",
}


def field_name(loc: tuple, prefix: str = "") -> str:
    """``("stays", 3, "admitted_on")`` → ``stays[3].admitted_on``."""
    name = prefix
    for part in loc:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "body"


def _message(error: Mapping) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "must not be empty"
    if kind in _WITH_LIMIT:
        return _WITH_LIMIT[kind].format(**ctx)
    if kind == "literal_error":
        return "must be one of " + ctx["expected"].replace(" or ", ", ").replace("'", "")
    if kind == "value_error":
        return str(ctx["error"])
    return error["msg"]


def problems_of(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    """Field name → message for each error (the first one per field)."""
    problems: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        problems.setdefault(field_name(error["loc"], prefix), _message(error))
    return problems


def raise_problems(problems: Mapping[str, str], what: str = "请求字段") -> None:
    """Raise ValidationFailed (400) naming every problem, if there is any (``what``: a msgid)."""
    if problems:
        raise ValidationFailed("%(what)s无效：%(names)s", dict(problems),
                               params={"what": what, "names": sorted(problems)})


def _escaped(text: str) -> str:
    return UNSTORABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def text_problems(data: Any, prefix: str = "") -> dict[str, str]:
    """Every string (value or key) holding a NUL character or a lone surrogate, by field name.
    Walks without recursion: the nesting can be as deep as JSON allows."""
    problems, stack = {}, [(prefix, data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str) and UNSTORABLE.search(value):
            problems[_escaped(path) or "body"] = UNSTORABLE_TEXT
        elif isinstance(value, dict):
            for key, item in value.items():
                name = f"{path}.{key}" if path else key
                if UNSTORABLE.search(key):
                    problems[_escaped(name)] = UNSTORABLE_TEXT
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{n}]", item) for n, item in enumerate(value))
    return problems


# --- reading requests ----------------------------------------------------------------------------

def _body_error(detail: str):
    return ValidationFailed("请求体须为 JSON 对象", {"body": detail})


def json_object() -> dict:
    """The request body as a JSON object. Raises ValidationFailed (field ``body``) for another
    content type, bytes that are not UTF-8 JSON, a nesting too deep for the parser, or JSON
    that is not an object; (the field's name) for a string ``text_problems`` refuses."""
    if request.mimetype != "application/json":
        raise _body_error("must be sent as application/json")
    try:
        data = json.loads(request.get_data(cache=True).decode("utf-8"))
    except RecursionError:
        raise _body_error("nested too deeply") from None
    except ValueError:  # also UnicodeDecodeError and integers beyond Python's digit limit
        raise _body_error("invalid JSON") from None
    if not isinstance(data, dict):
        raise _body_error("expected a JSON object")
    raise_problems(text_problems(data))
    return data


M = TypeVar("M", bound=BaseModel)


@dataclass
class Checked(Generic[M]):
    """A body checked against its model, for a route that adds its own checks before
    answering: the raw object, the problems so far, and the model when there are none."""
    raw: dict
    problems: dict[str, str] = field(default_factory=dict)
    value: M | None = None

    def fine(self, name: str) -> bool:
        """No problem with ``name`` nor with anything inside it."""
        return not any(key == name or key.startswith((name + ".", name + "[")) for key in self.problems)


def check(model: type[M], data: Any, prefix: str = "") -> Checked[M]:
    """``data`` validated against ``model``; problems named under ``prefix``."""
    try:
        return Checked(data, {}, model.model_validate(data))
    except ValidationError as exc:
        return Checked(data, problems_of(exc, prefix))


def read_query(model: type[M]) -> M:
    """The query parameters (empty ones left out) as ``model``. Raises ValidationFailed naming each."""
    args = {name: value for name, value in request.args.items() if value != ""}
    result = check(model, args)
    raise_problems(text_problems(args) | result.problems, "查询参数")
    return result.value


def _check_path(kwargs: Mapping[str, Any]) -> None:
    raise_problems({name: f"must be at most {MAX_INT}" for name, value in kwargs.items()
                    if isinstance(value, int) and value > MAX_INT}, "path parameters")


# --- the decorator -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says of one route."""
    summary: str
    body: type[BaseModel] | None
    body_required: bool
    query: type[Query] | None
    responses: Mapping[int, type[BaseModel] | Media | None]
    errors: tuple[int, ...]
    key_required: bool = False


def api_route(*, summary: str, body: type[BaseModel] | None = None, query: type[Query] | None = None,
              responses: Mapping[int, type[BaseModel] | Media | None], errors: tuple[int, ...] = (),
              body_required: bool = True, partial: bool = False, key_required: bool = False):
    """Validate the path integers, ``query`` and ``body`` of a route, pass the view
    ``query=`` and ``body=`` instances, and record the route for the OpenAPI document.

    ``responses`` maps the success status to its model (or ``PDF``); ``errors`` lists the
    4xx the route itself may give besides 400 (and 401/403 of ``api_permission``). Without
    ``body_required`` an empty body gives ``body=None``. With ``partial`` the view gets a
    ``Checked`` body even when it has problems, adds its own and raises them all at once.

    An authenticated write honours an ``Idempotency-Key`` header (``idempotency``): a retry gets
    the first response and the view does not run again. With ``key_required`` a write without
    one is refused (400).
    """
    operation = Operation(summary, body, body_required, query, dict(responses), tuple(errors), key_required)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _check_path(kwargs)
            if query is not None:
                kwargs["query"] = read_query(query)
            if body is not None:
                kwargs["body"] = _read_body(body, required=body_required, partial=partial)
            response = idempotency.begin(required=key_required)
            if response is None:
                response = make_response(view(*args, **kwargs))
                idempotency.finish(response)
            if current_app.config.get("API_CHECK_RESPONSES"):
                check_response(operation, response)
            return response
        wrapped.api_operation = operation
        return wrapped
    return decorator


def _read_body(model: type[BaseModel], *, required: bool, partial: bool):
    if not required and not request.get_data(cache=True):
        return None
    result = check(model, json_object())
    if partial:
        return result
    raise_problems(result.problems)
    return result.value


def check_response(operation: Operation, response) -> None:
    """Raise AssertionError unless ``response`` is what the operation documents."""
    declared = operation.responses.get(response.status_code, ...)
    if declared is ...:
        raise AssertionError(f"status {response.status_code} is not documented")
    if isinstance(declared, Media):
        if response.mimetype != declared.mimetype:
            raise AssertionError(f"{response.mimetype} sent, {declared.mimetype} documented")
    elif declared is not None:
        try:
            declared.model_validate_json(response.get_data(), strict=True)
        except ValidationError as exc:
            raise AssertionError(f"response is not a {declared.__name__}: {problems_of(exc)}") from None

