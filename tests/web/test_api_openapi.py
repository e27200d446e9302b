"""The OpenAPI document generated from the API's models: content types, limits, errors, security."""
import pytest

DOC = "/api/v1/openapi.json"
ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture
def doc(client):
    return client.get(DOC).json


def refs(node) -> set[str]:
    found = set()
    if isinstance(node, dict):
        found |= {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def test_it_is_openapi_3_1_and_every_reference_resolves(doc):
    assert doc["openapi"] == "3.1.0"
    names = {ref.rpartition("/")[2] for ref in refs(doc)}
    assert names and names <= set(doc["components"]["schemas"])
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "fields"]


def test_the_notice_download_is_a_pdf(doc):
    op = doc["paths"]["/api/v1/applications/{application_id}/notices/{notice_id}.pdf"]["get"]
    assert op["responses"]["200"]["content"] == {"application/pdf": {"schema": {"type": "string",
                                                                                "format": "binary"}}}


def test_paging_and_path_limits_are_declared(doc):
    params = {p["name"]: p for p in doc["paths"]["/api/v1/persons"]["get"]["parameters"]}
    assert (params["page"]["schema"]["minimum"], params["page"]["schema"]["maximum"]) == (1, 10**6)
    assert params["per_page"]["schema"]["maximum"] == 100 and params["per_page"]["schema"]["default"] == 25
    assert params["q"]["in"] == "query" and not params["q"]["required"]
    person_id = doc["paths"]["/api/v1/persons/{person_id}"]["get"]["parameters"][0]
    assert person_id["in"] == "path" and person_id["schema"]["maximum"] == 2**31 - 1


def test_request_bodies_declare_lengths_and_refuse_unknown_fields(doc):
    token = doc["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert token["additionalProperties"] is False and token["required"] == ["username", "password"]
    assert token["properties"]["username"]["minLength"] == 1 and token["properties"]["username"]["maxLength"] == 60
    stays = doc["paths"]["/api/v1/hospital-stays"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert stays["properties"]["stays"]["maxItems"] == 1000
    assert doc["components"]["schemas"]["StayIn"]["additionalProperties"] is False


def test_authenticated_operations_declare_401_and_403_with_the_error_body(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            if op.get("security") == []:
                assert not codes & {"403"}, (path, method)
            else:
                assert {"401", "403"} <= codes, (path, method)
            for code in codes - {"200", "201"}:
                assert op["responses"][code]["content"]["application/json"]["schema"] == ERROR, (path, code)


def test_each_operation_declares_its_own_errors(doc):
    paths = doc["paths"]
    assert set(paths["/api/v1/persons"]["post"]["responses"]) == {"201", "400", "401", "403", "409", "422"}
    assert set(paths["/api/v1/persons/{person_id}"]["get"]["responses"]) == {"200", "400", "401", "403", "404"}
    assert set(paths["/api/v1/auth/token"]["post"]["responses"]) == {"201", "400", "401", "429"}
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    assert set(paths["/api/v1/openapi.json"]["get"]["responses"]) == {"200"}
    decision = paths["/api/v1/reviews/{case_id}/decision"]["post"]
    assert {"404", "409"} <= set(decision["responses"])
