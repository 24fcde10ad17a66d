"""The response validation itself: it finds what it should, where it should, and nothing else."""

from __future__ import annotations

import json

import pytest

from emulator.app import runtime_of

from .recording import RecordedResponse

pytest.importorskip("openapi_schema_validator")
from .validation import ViolationPattern


def rec(product, method, rule, status, body, content_type="application/json", path=None):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    path = path or (rule or "/").replace("<user_id>", "u1")
    return RecordedResponse(product, method, path, rule, status, content_type, data)


ERROR = {
    "id": "api.context.404.app_error",
    "message": "Sorry, we could not find the page.",
    "detailed_error": "",
    "request_id": "r",
    "status_code": 404,
}


def kinds(violations):
    return [(v.operation_id, v.status, v.kind, v.where) for v in violations]


def test_schema_errors_name_operation_json_path_and_message(response_validators):
    mm = response_validators["mattermost"]
    found = mm.check(rec("mattermost", "GET", "/api/v4/users/<user_id>", 200, {"id": 5}))
    assert kinds(found) == [("GetUser", 200, "schema", "$.id")]
    assert found[0].message == "expected type 'string', got integer"
    assert str(found[0]) == (
        "GetUser (GET /api/v4/users/{user_id}) -> 200 [schema] $.id: "
        "expected type 'string', got integer"
    )
    nested = mm.check(
        rec(
            "mattermost", "GET", "/api/v4/users/<user_id>", 200, {"timezone": {"manualTimezone": 1}}
        )
    )
    assert [v.where for v in nested] == ["$.timezone.manualTimezone"]  # through a $ref
    listed = mm.check(
        rec("mattermost", "GET", "/api/v4/users/<user_id>/teams", 200, [{}, {"id": 1}])
    )
    assert kinds(listed) == [("GetTeamsForUser", 200, "schema", "$[*].id")]


def test_a_conforming_body_passes(response_validators):
    mm = response_validators["mattermost"]
    user = {"id": "u1", "username": "alice", "roles": "system_user", "create_at": 1}
    assert mm.check(rec("mattermost", "GET", "/api/v4/users/<user_id>", 200, user)) == []


def test_undocumented_success_status_and_exact_content_type(response_validators):
    mm = response_validators["mattermost"]
    found = mm.check(rec("mattermost", "GET", "/api/v4/users/<user_id>", 201, {}))
    assert kinds(found) == [("GetUser", 201, "status", "$")]
    assert found[0].message == "status 201 is not documented (documented: 200)"
    loose = "application/json; charset=utf-8"
    found = mm.check(rec("mattermost", "GET", "/api/v4/users/<user_id>", 200, {}, loose))
    assert kinds(found) == [("GetUser", 200, "content-type", "$")]
    found = mm.check(rec("mattermost", "GET", "/api/v4/users/<user_id>", 200, b"{nope"))
    assert kinds(found) == [("GetUser", 200, "json", "$")]


def test_error_envelopes(response_validators):
    mm, rc = response_validators["mattermost"], response_validators["rocketchat"]
    assert mm.check(rec("mattermost", "GET", None, 404, ERROR, path="/api/v4/nope")) == []
    wrong = dict(ERROR, status_code=400, id=7)
    found = mm.check(rec("mattermost", "GET", None, 404, wrong, path="/api/v4/nope"))
    assert kinds(found) == [("", 404, "envelope", "$.id"), ("", 404, "envelope", "$.status_code")]
    # Undocumented error statuses of a documented operation get the envelope check only.
    assert (
        mm.check(
            rec("mattermost", "GET", "/api/v4/users/<user_id>", 403, dict(ERROR, status_code=403))
        )
        == []
    )
    ok = {"success": False, "error": "Resource not found"}
    assert rc.check(rec("rocketchat", "GET", None, 404, ok, path="/api/v1/x")) == []
    found = rc.check(rec("rocketchat", "GET", "/api/v1/me", 401, {"status": "error"}))
    assert kinds(found) == [("get-api-v1-me", 401, "envelope", "$")]
    assert found[0].message == "'success' is a required property"
    bare = {"success": False}  # API.v1.failure() without a message
    assert rc.check(rec("rocketchat", "GET", None, 400, bare, path="/api/v1/x")) == []
    typed = {"success": False, "error": 7}
    found = rc.check(rec("rocketchat", "GET", None, 400, typed, path="/api/v1/x"))
    assert kinds(found) == [("", 400, "envelope", "$.error")]


def test_routes_the_reference_does_not_document_are_skipped(response_validators):
    mm, rc = response_validators["mattermost"], response_validators["rocketchat"]
    assert mm.check(rec("mattermost", "GET", "/api/v1/users/me", 200, {})) is None
    assert rc.check(rec("rocketchat", "GET", "/api/info", 200, {"success": True})) is None


def test_rocketchat_im_twins_are_checked_as_their_dm_operation(response_validators):
    rc = response_validators["rocketchat"]
    found = rc.check(rec("rocketchat", "GET", "/api/v1/im.list", 200, {"ims": 5}))
    assert kinds(found) == [("get-api-v1-im.list", 200, "schema", "$.ims")]


def test_report_sorts_violations_allowed_deviations_and_open_findings(response_validators):
    mm = response_validators["mattermost"]
    login = rec("mattermost", "POST", "/api/v4/users/login", 200, {"id": "u1"})
    bad = rec("mattermost", "GET", "/api/v4/users/<user_id>", 200, {"id": 5})
    report = mm.validate([login, bad, bad])
    assert [str(v) for v in report.violations] == [
        "GetUser (GET /api/v4/users/{user_id}) -> 200 [schema] $.id: "
        "expected type 'string', got integer"
    ]
    assert list(report.violations.values()) == [2]
    assert [v.operation_id for v in report.allowed] == ["Login"]
    assert report.failed and report.checked == 3
    assert "(x2)" in report.describe()

    finding = ViolationPattern("mattermost", "GetUser", 200, "schema", "test", "$.id")
    original = mm.open_findings
    mm.open_findings = (finding,)
    try:
        report = mm.validate([bad])
    finally:
        mm.open_findings = original
    assert not report.failed and sum(report.open.values()) == 1


def test_recorder_sees_the_response_as_sent(mm_app, response_recorder):
    before = len(response_recorder.records("mattermost"))
    response = mm_app.test_client().get("/api/v4/system/ping")
    assert response.status_code == 200
    new = [r for r in response_recorder.records("mattermost")[before:] if r.path.endswith("/ping")]
    assert [(r.method, r.rule, r.status, r.content_type) for r in new] == [
        ("GET", "/api/v4/system/ping", 200, "application/json")
    ]
    assert json.loads(new[0].body) == response.get_json()


@pytest.mark.parametrize("path", ["/_emulator/health"])
def test_recorder_ignores_the_control_api(mm_app, response_recorder, path):
    before = len(response_recorder.records())
    assert mm_app.test_client().get(path).status_code == 200
    assert [r for r in response_recorder.records()[before:] if r.path == path] == []


def test_recorder_skips_injected_faults(mm_app, response_recorder):
    runtime_of(mm_app).faults.add(
        {"match": {"path": "/api/v4/system/ping"}, "error": {"status": 503, "body": "down"}}
    )
    before = len(response_recorder.records())
    response = mm_app.test_client().get("/api/v4/system/ping")
    assert response.status_code == 503  # wrong on purpose: not the server's own answer
    new = response_recorder.records()[before:]  # (other apps' stray traffic may land too)
    assert [r for r in new if r.path == "/api/v4/system/ping" and r.status == 503] == []
