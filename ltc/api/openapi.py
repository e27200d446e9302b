"""The OpenAPI 3 document, assembled from ``@operation`` declarations on each route."""
import re

from flask import current_app, jsonify

from ltc.api import bp

ERROR_SCHEMA = {
    "type": "object", "required": ["error", "fields"],
    "properties": {"error": {"type": "string"},
                   "fields": {"type": "object", "additionalProperties": {"type": "string"}}},
}


def operation(*, summary: str, request_schema: dict | None = None, response_schema: dict | None = None,
              parameters: list[dict] | None = None, status: int = 200, public: bool = False):
    """Attach an OpenAPI operation to a view; the document reads it from the URL map."""
    def decorator(view):
        view.openapi = {"summary": summary, "request": request_schema, "response": response_schema,
                        "parameters": parameters or [], "status": status, "public": public}
        return view
    return decorator


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def repl(match):
        converter, name = match.group(1), match.group(2)
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer" if converter == "int" else "string"}})
        return "{" + name + "}"
    return re.sub(r"<(?:(\w+):)?(\w+)>", repl, rule), params


def build_document() -> dict:
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith(bp.url_prefix + "/"):
            continue
        view = current_app.view_functions[rule.endpoint]
        spec = getattr(view, "openapi", None)
        if spec is None:
            continue
        path, path_params = _path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op = {"summary": spec["summary"], "operationId": f"{rule.endpoint}_{method.lower()}",
                  "parameters": path_params + spec["parameters"],
                  "responses": {str(spec["status"]): {
                      "description": "OK",
                      "content": {"application/json": {"schema": spec["response"] or {"type": "object"}}}}}}
            for code in ("400", "401", "403", "404", "409"):
                op["responses"][code] = {"description": "error", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            if spec["request"]:
                op["requestBody"] = {"required": True, "content": {"application/json": {"schema": spec["request"]}}}
            if spec["public"]:
                op["security"] = []
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.0.3",
        "info": {"title": "ltc API", "version": "1"},
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Error": ERROR_SCHEMA}},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
@operation(summary="This OpenAPI document", public=True)
def openapi_document():
    return jsonify(build_document())
