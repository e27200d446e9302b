"""The OpenAPI 3.1 document, generated from the ``@api_route`` declarations of the routes under
/api/v1 and their pydantic models. A route without a declaration is left out (a test checks
that every route has one)."""
import re
from http import HTTPStatus

from flask import current_app, jsonify
from pydantic import BaseModel

from ltc.api.blueprint import bp
from ltc.api.idempotency import HEADER, READ_METHODS
from ltc.api.models import KEY_MAX
from ltc.api.schema import MAX_INT, Error, Media, Operation, api_route

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


class Components:
    """The shared schemas, filled while the operations are written."""

    def __init__(self):
        self.schemas: dict[str, dict] = {}

    def inline(self, model: type[BaseModel]) -> dict:
        """The model's schema written out, the models inside it as references."""
        schema = model.model_json_schema(ref_template=REF)
        for name, nested in schema.pop("$defs", {}).items():
            self._add(name, nested)
        return schema

    def ref(self, model: type[BaseModel]) -> dict:
        self._add(model.__name__, self.inline(model))
        return {"$ref": REF.format(model=model.__name__)}

    def _add(self, name: str, schema: dict) -> None:
        if self.schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two API models are named {name}: rename one")


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def repl(match):
        converter, name = match.group(1), match.group(2)
        schema = {"type": "integer", "minimum": 1, "maximum": MAX_INT} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"
    return PATH_PARAMETER.sub(repl, rule), params


def _query_parameters(op: Operation, components: Components) -> list[dict]:
    if op.query is None:
        return []
    schema = components.inline(op.query)
    required = set(schema.get("required", ()))
    params = []
    for name, prop in schema["properties"].items():
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _content(declared, components: Components) -> dict:
    if isinstance(declared, Media):
        return {declared.mimetype: {"schema": declared.schema}}
    return {"application/json": {"schema": components.inline(declared)}}


def _key_parameter(op: Operation) -> dict:
    return {"name": HEADER, "in": "header", "required": op.key_required,
            "schema": {"type": "string", "minLength": 1, "maxLength": KEY_MAX, "pattern": "^[!-~]+$"},
            "description": "a new key for each new write, the same on each retry: a retry gets the first "
                           "response and writes nothing; the key with another request is refused (422)"}


def _responses(op: Operation, authenticated: bool, has_input: bool, components: Components,
               keyed: bool = False) -> dict:
    responses = {}
    for status, declared in op.responses.items():
        responses[str(status)] = {"description": HTTPStatus(status).phrase}
        if declared is not None:
            responses[str(status)]["content"] = _content(declared, components)
    codes = set(op.errors) | ({400} if has_input else set()) | ({401, 403} if authenticated else set())
    codes |= {400, 409, 422} if keyed else set()
    error = components.ref(Error)
    for code in sorted(codes):
        responses[str(code)] = {"description": HTTPStatus(code).phrase,
                                "content": {"application/json": {"schema": error}}}
    return responses


def _operation(endpoint: str, method: str, op: Operation, view, path_params: list[dict],
               components: Components) -> dict:
    authenticated = getattr(view, "api_authenticated", False)
    keyed = authenticated and method.upper() not in READ_METHODS
    parameters = path_params + _query_parameters(op, components) + ([_key_parameter(op)] if keyed else [])
    document = {"summary": op.summary, "operationId": f"{endpoint}_{method}", "parameters": parameters}
    if op.body is not None:
        document["requestBody"] = {"required": op.body_required,
                                   "content": {"application/json": {"schema": components.inline(op.body)}}}
    document["responses"] = _responses(op, authenticated, bool(parameters or op.body), components, keyed)
    if not authenticated:
        document["security"] = []
    return document


def build_document() -> dict:
    components, paths = Components(), {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(bp.url_prefix + "/"):
            continue
        view = current_app.view_functions[rule.endpoint]
        op = getattr(view, "api_operation", None)
        if op is None:
            continue
        path, path_params = _path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, method.lower(), op, view, path_params, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ltc API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": dict(sorted(components.schemas.items()))},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
@api_route(summary="This OpenAPI document", responses={200: Media("application/json", {"type": "object"})})
def openapi_document():
    return jsonify(build_document())
