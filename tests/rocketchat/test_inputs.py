"""Reading a request's parameters (``emulator/rocketchat/inputs.py``)."""

from __future__ import annotations

import pytest
from flask import Flask

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.rocketchat import errors, inputs


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app("rocketchat", ephemeral_config())


def refusal(call) -> dict:
    with pytest.raises(errors.RocketError) as excinfo:
        call()
    return excinfo.value.body


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"json": {"a": 1}}, {"a": 1}),
        ({"data": {"a": "1"}}, {"a": "1"}),  # form fields
        ({"data": b"", "content_type": "application/json"}, {}),
        ({"data": b'{"a": 1}', "content_type": "text/plain"}, {"a": 1}),  # JSON whatever its type
    ],
)
def test_body_reads_json_or_form_fields(app, options, expected):
    with app.test_request_context("/api/v1/x", method="POST", **options):
        assert inputs.body() == expected


def test_a_body_that_is_not_an_object_is_invalid_params(app):
    with app.test_request_context("/api/v1/x", method="POST", json=[1]):
        assert refusal(inputs.body)["errorType"] == errors.INVALID_PARAMS


@pytest.mark.parametrize("raw", [b"{nope", b"[" * 5000])
def test_malformed_or_too_deep_json_is_an_invalid_body(app, raw):
    with app.test_request_context(
        "/api/v1/x", method="POST", data=raw, content_type="application/json"
    ):
        assert refusal(inputs.body) == {
            "success": False,
            "error": "Invalid JSON body",
            "errorType": errors.INVALID_BODY,
        }


def test_require_fields_names_the_first_missing_one():
    inputs.require_fields({"a": 1, "b": None}, ("a", "b"))
    body = refusal(lambda: inputs.require_fields({"a": 1}, ("a", "b", "c")))
    assert body["error"] == "must have required property 'b' [invalid-params]"


def test_user_from_params_by_id_username_or_user(app):
    rt = runtime_of(app)
    alice = rt.store.find_one("users", "username", "alice")
    for params in ({"userId": alice["_id"]}, {"username": "alice"}, {"user": "alice"}):
        assert inputs.user_from_params(rt, params)["_id"] == alice["_id"]
    assert refusal(lambda: inputs.user_from_params(rt, {"username": " "}))["errorType"] == (
        errors.MISSING_USER_PARAM
    )
    assert refusal(lambda: inputs.user_from_params(rt, {"userId": "nobody"}))["errorType"] == (
        errors.INVALID_USER
    )


def test_is_user_from_params_is_the_caller_or_nobody_named():
    me = {"_id": "u1", "username": "alice"}
    assert inputs.is_user_from_params({}, me)
    assert inputs.is_user_from_params({"userId": "u1"}, me)
    assert inputs.is_user_from_params({"username": "alice"}, me)
    assert inputs.is_user_from_params({"user": "alice"}, me)
    assert not inputs.is_user_from_params({"userId": "u2"}, me)
    assert not inputs.is_user_from_params({"username": "bob"}, me)


def test_date_param_reads_iso_dates_as_epoch_ms():
    assert inputs.date_param(None, "code", "reason") is None
    assert inputs.date_param("1970-01-01T00:00:01Z", "code", "reason") == 1000
    assert inputs.date_param("1970-01-01T00:00:01", "code", "reason") == 1000  # UTC when naive
    assert inputs.date_param("1970-01-01T01:00:01+01:00", "code", "reason") == 1000
    assert refusal(lambda: inputs.date_param("yesterday", "error-x", "Bad date")) == {
        "success": False,
        "error": "Bad date [error-x]",
        "errorType": "error-x",
    }
