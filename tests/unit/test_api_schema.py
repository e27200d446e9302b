"""The API's request edge without a database: strict body models, field names and messages,
query values, NUL and surrogate detection, and the check of responses against their models."""
from datetime import date
from typing import Annotated

import pytest
from flask import Response
from pydantic import Field

from ltc.api.schema import (PDF, Body, IsoDate, Operation, Out, Query, StrList, check, check_response, field_name,
                            query_int, text_problems)


class Thing(Body):
    count: int
    name: Annotated[str, Field(min_length=1, max_length=5)]
    day: IsoDate | None = None
    tags: StrList = []
    ratio: float | None = None


class Listing(Query):
    page: query_int(10) = 1


class Reply(Out):
    id: int
    on: date | None


def problems(data) -> dict[str, str]:
    return check(Thing, data).problems


@pytest.mark.parametrize("value", [True, 10.0, "10", None, [1]])
def test_an_integer_field_takes_only_json_integers(value):
    assert problems({"count": value, "name": "a"}) == {"count": "must be an integer"}


@pytest.mark.parametrize("data, expected", [
    ({}, {"count": "required", "name": "required"}),
    ({"count": 1, "name": "a", "colour": "red"}, {"colour": "unknown field"}),
    ({"count": 1, "name": None}, {"name": "must be a string"}),
    ({"count": 1, "name": ""}, {"name": "must not be empty"}),
    ({"count": 1, "name": "abcdef"}, {"name": "at most 5 characters"}),
    ({"count": 1, "name": "a", "day": "2026/11/22"}, {"day": "must be a date YYYY-MM-DD"}),
    ({"count": 1, "name": "a", "day": "2026-02-30"}, {"day": "must be a date YYYY-MM-DD"}),
    ({"count": 1, "name": "a", "day": 20260105}, {"day": "must be a date YYYY-MM-DD"}),
    ({"count": 1, "name": "a", "tags": ["x", 1]}, {"tags": "must be a list of strings"}),
    ({"count": 1, "name": "a", "ratio": float("nan")}, {"ratio": "must be a finite number"}),
    ({"count": 1, "name": "a", "ratio": True}, {"ratio": "must be a number"}),
], ids=["missing", "unknown", "null", "empty", "long", "slashes", "no such day", "number date", "tags",
        "nan", "bool number"])
def test_each_problem_is_named_with_a_short_message(data, expected):
    assert problems(data) == expected


def test_a_valid_body_becomes_the_model():
    thing = check(Thing, {"count": 3, "name": "a", "day": "2026-03-16", "ratio": 2}).value
    assert (thing.count, thing.day, thing.ratio) == (3, date(2026, 3, 16), 2.0)


def test_field_names_follow_the_json_path():
    assert field_name(("stays", 3, "admitted_on")) == "stays[3].admitted_on"
    assert field_name(("items", "feeding")) == "items.feeding"
    assert field_name((2,), "stays") == "stays[2]"
    assert field_name(()) == "body"


@pytest.mark.parametrize("raw, expected", [
    ("3", None), ("10", None), ("0", "must be at least 1"), ("11", "must be at most 10"),
    ("-1", "must be an integer 1–10"),
    ("²", "must be an integer 1–10"), ("３", "must be an integer 1–10"), (" 3", "must be an integer 1–10"),
    ("99999999999999999999", "must be an integer 1–10"),
])
def test_query_integers_are_ascii_digits_in_range(raw, expected):
    assert check(Listing, {"page": raw}).problems.get("page") == expected


def test_unstorable_text_is_found_at_any_depth_without_recursion():
    deep: object = "x\x00"
    for _ in range(5000):
        deep = [deep]
    assert set(text_problems({"a": {"b": ["ok", "n\x00", "\ud800"]}, "c\x00": 1, "d": deep})) == {
        "a.b[1]", "a.b[2]", "c\\u0000", "d" + "[0]" * 5000}
    assert text_problems({"a": ["fine", {"b": "fine 中文 😀"}]}) == {}


def operation(responses) -> Operation:
    return Operation("x", None, True, None, responses, ())


def test_a_response_must_be_its_documented_model():
    check_response(operation({200: Reply}), Response('{"id": 1, "on": "2026-03-16"}', mimetype="application/json"))
    for body in ('{"id": 1, "on": null, "extra": 2}', '{"id": "1", "on": null}', '{"id": 1}'):
        with pytest.raises(AssertionError):
            check_response(operation({200: Reply}), Response(body, mimetype="application/json"))
    with pytest.raises(AssertionError, match="status 201 is not documented"):
        check_response(operation({200: Reply}), Response("{}", status=201, mimetype="application/json"))
    check_response(operation({200: PDF}), Response(b"%PDF", mimetype="application/pdf"))
    with pytest.raises(AssertionError):
        check_response(operation({200: PDF}), Response("{}", mimetype="application/json"))
