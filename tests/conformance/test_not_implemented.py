"""A documented operation we do not implement answers 501 in the product's own error shape,
naming the operation; undocumented URLs keep the real 404/405."""

from __future__ import annotations

import pytest
import requests
from flask import Flask
from werkzeug.exceptions import MethodNotAllowed, NotFound

from emulator.core import operations
from emulator.core.operations import Operation, OperationIndex

MADE_UP = [
    Operation("GET", "/api/v4/made/up/{thing_id}", "GetMadeUpThing"),
    Operation("DELETE", "/api/v4/system/ping", "DeletePing"),
    Operation("POST", "/api/v1/made.up", "post-api-v1-made.up"),
    Operation("DELETE", "/api/v1/me", "delete-api-v1-me"),
]


def with_made_up_operations(app: Flask) -> Flask:
    app.extensions[operations.EXTENSION_KEY] = OperationIndex(MADE_UP)
    return app


def test_mattermost_unknown_documented_path_is_501_naming_it(mm_app):
    client = with_made_up_operations(mm_app).test_client()
    response = client.get("/api/v4/made/up/abc")
    assert response.status_code == 501
    assert response.headers["Content-Type"] == "application/json"
    body = response.get_json()
    text = "chat-emulator does not implement GetMadeUpThing (GET /api/v4/made/up/{thing_id}) yet"
    assert body == {
        "id": "api.context.not_implemented.app_error",
        "message": text + ".",
        "detailed_error": text,
        "request_id": response.headers["X-Request-Id"],
        "status_code": 501,
    }


def test_mattermost_documented_method_of_a_served_path_is_501(mm_app):
    client = with_made_up_operations(mm_app).test_client()
    response = client.delete("/api/v4/system/ping")
    assert response.status_code == 501
    assert response.get_json()["id"] == "api.context.not_implemented.app_error"
    assert "DeletePing (DELETE /api/v4/system/ping)" in response.get_json()["message"]
    # An undocumented method stays the real 405, an undocumented path the real 404.
    assert client.put("/api/v4/system/ping").status_code == 405
    assert client.put("/api/v4/system/ping").get_json()["id"] == (
        "api.context.method_not_allowed.app_error"
    )
    missing = client.get("/api/v4/made/up/abc/deeper")
    assert missing.status_code == 404
    assert missing.get_json()["id"] == "api.context.404.app_error"


def test_mattermost_v1_errors_are_untouched(mm_app):
    response = with_made_up_operations(mm_app).test_client().get("/api/v1/users/nobody")
    assert response.status_code == 404
    assert "id" not in response.get_json()


def test_rocketchat_unknown_documented_path_is_501_naming_it(rc_app):
    client = with_made_up_operations(rc_app).test_client()
    response = client.post("/api/v1/made.up", json={})
    assert response.status_code == 501
    assert response.get_json() == {
        "success": False,
        "error": "chat-emulator does not implement post-api-v1-made.up"
        " (POST /api/v1/made.up) yet [error-not-implemented]",
        "errorType": "error-not-implemented",
    }
    assert client.delete("/api/v1/me").status_code == 501
    assert client.get("/api/v1/no.such").get_json() == {
        "success": False,
        "error": "Resource not found",
    }


def test_errors_raised_inside_a_route_are_not_turned_into_501(mm_app):
    app = with_made_up_operations(mm_app)

    @app.get("/api/v4/made/up/<thing_id>")
    def handler(thing_id):
        raise NotFound()

    @app.get("/api/v4/made/up/<thing_id>/refused")
    def refused(thing_id):
        raise MethodNotAllowed()

    client = app.test_client()
    assert client.get("/api/v4/made/up/abc").status_code == 404
    assert client.get("/api/v4/made/up/abc/refused").status_code == 405


@pytest.mark.parametrize(
    "product, fixture", [("mattermost", "mm_server"), ("rocketchat", "rc_server")]
)
def test_packaged_operations_answer_501_on_live_servers(product, fixture, request):
    """The shipped operations.tsv is loaded: an unrouted documented operation answers 501."""
    server = request.getfixturevalue(fixture)
    index: OperationIndex = server.app.extensions[operations.EXTENSION_KEY]
    assert len(index.operations) > 500
    adapter = server.app.url_map.bind("localhost")
    candidates = [
        op
        for op in index.operations
        if op.method in ("GET", "POST") and "{" not in op.path and not _routed(adapter, op)
    ]
    if not candidates:
        pytest.skip(f"every documented {product} operation without path parameters is routed")
    op = candidates[0]
    response = requests.request(op.method, f"{server.url}{op.path}", json={}, timeout=5)
    assert response.status_code == 501
    body = response.json()
    message = body["message"] if product == "mattermost" else body["error"]
    assert f"does not implement {op.operation_id} ({op.method} {op.path}) yet" in message


def _routed(adapter, op: Operation) -> bool:
    try:
        adapter.match(op.path, method=op.method)
    except (NotFound, MethodNotAllowed):
        return False
    except Exception:  # redirects and the like: a route exists
        return True
    return True


def test_operation_index_prefers_literal_paths_and_whole_segments():
    index = OperationIndex(
        [
            Operation("GET", "/api/v4/users/{user_id}", "GetUser"),
            Operation("GET", "/api/v4/users/stats", "GetTotalUsersStats"),
            Operation("GET", "/api/v4/users/{user_id}/teams/{team_id}", "GetTeamForUser"),
        ]
    )
    assert index.find("get", "/api/v4/users/stats").operation_id == "GetTotalUsersStats"
    assert index.find("GET", "/api/v4/users/abc").operation_id == "GetUser"
    assert index.find("GET", "/api/v4/users/a/teams/b").operation_id == "GetTeamForUser"
    assert index.find("GET", "/api/v4/users/a/teams") is None
    assert index.find("GET", "/api/v4/users/") is None
    assert index.find("POST", "/api/v4/users/abc") is None


def test_operations_file_parsing_skips_header_and_blank_lines():
    text = "method\tpath\toperationId\n\nget\t/x/{id}\tGetX\n"
    assert operations.parse(text) == [Operation("GET", "/x/{id}", "GetX")]
