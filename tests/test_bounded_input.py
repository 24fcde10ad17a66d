"""Bounded input: what is too deep, too big or too long gets a 4xx in the product's shape and
nothing is stored."""

from __future__ import annotations

import json

import pytest
import websocket

from emulator.core import jsonbounds
from tests.conftest import rt

MM_ERROR_KEYS = ["id", "message", "detailed_error", "request_id", "status_code"]


def nest(depth: int, leaf: object = 1) -> str:
    """JSON text of ``depth`` nested objects around ``leaf``."""
    return '{"a":' * depth + json.dumps(leaf) + "}" * depth


def mm_login(app, username: str = "alice") -> dict[str, str]:
    response = app.test_client().post(
        "/api/v4/users/login", json={"login_id": username, "password": f"{username}-password"}
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.headers['Token']}"}


def rc_login(app, username: str = "alice") -> dict[str, str]:
    response = app.test_client().post(
        "/api/v1/login", json={"user": username, "password": f"{username}-password"}
    )
    data = response.get_json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def town_square(app) -> str:
    store = rt(app).store
    team = store.find_one("teams", "name", "acme")
    return store.find_one("channels", "team_name", (team["id"], "town-square"))["id"]


def assert_mm_error(response, status: int, error_id: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert list(body) == MM_ERROR_KEYS
    assert body["id"] == error_id and body["status_code"] == status
    return body


# -- 1. nesting depth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("[]", 1),
        ('{"a": [1, {"b": 2}]}', 3),
        ('"[[[[[[[[[["', 0),  # brackets inside strings do not count
        ('["\\"[[[[", [[1]]]', 3),  # nor after an escaped quote
        ('"unterminated [[[[', 0),
    ],
)
def test_depth_is_measured_outside_strings(text, depth):
    assert not jsonbounds.too_deep(text, depth)
    assert jsonbounds.too_deep(text, depth - 1) is (depth > 0)


def test_bounded_loads_refuses_as_a_value_error():
    assert jsonbounds.loads(nest(jsonbounds.MAX_DEPTH)) is not None
    with pytest.raises(ValueError):
        jsonbounds.loads(nest(jsonbounds.MAX_DEPTH + 1))
    with pytest.raises(ValueError):
        jsonbounds.loads("[" * 100_000)  # would be a RecursionError in json.loads


@pytest.mark.parametrize("depth", [65, 971, 5000])
def test_mattermost_refuses_deep_props_and_stores_nothing(mm_app, depth):
    headers = mm_login(mm_app)
    body = f'{{"channel_id": "{town_square(mm_app)}", "message": "deep", "props": {nest(depth)}}}'
    before = rt(mm_app).store.count("posts")
    response = mm_app.test_client().post(
        "/api/v4/posts", data=body, headers=headers, content_type="application/json"
    )
    assert_mm_error(response, 400, "api.context.invalid_body_param.app_error")
    assert rt(mm_app).store.count("posts") == before


def test_mattermost_accepts_props_within_the_limit(mm_app):
    headers = mm_login(mm_app)
    props = nest(jsonbounds.MAX_DEPTH - 2)
    body = f'{{"channel_id": "{town_square(mm_app)}", "message": "ok", "props": {props}}}'
    response = mm_app.test_client().post(
        "/api/v4/posts", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [65, 488, 5000])
def test_rocketchat_refuses_deep_custom_fields_and_stores_nothing(rc_app, depth):
    headers = rc_login(rc_app)
    body = f'{{"message": {{"rid": "GENERAL", "msg": "deep", "customFields": {nest(depth)}}}}}'
    before = rt(rc_app).store.count("messages")
    client = rc_app.test_client()
    response = client.post(
        "/api/v1/chat.sendMessage", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "success": False,
        "error": "Invalid JSON body",
        "errorType": "error-invalid-body",
    }
    legacy = client.post(
        "/api/rooms/GENERAL/send",
        data=f'{{"msg": "deep", "x": {nest(depth)}}}',
        headers=headers,
        content_type="application/json",
    )
    assert legacy.status_code == 400
    assert legacy.get_json() == {"status": "error", "message": "Invalid JSON body"}
    assert rt(rc_app).store.count("messages") == before


def test_rocketchat_deep_query_parameters_are_a_400(rc_app):
    headers = rc_login(rc_app)
    response = rc_app.test_client().get(
        "/api/v1/channels.list", query_string={"sort": "[" * 2000}, headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["errorType"] == "error-invalid-sort"


def test_rocketchat_method_call_bridge_refuses_a_deep_message(rc_app):
    headers = rc_login(rc_app)
    message = json.dumps({"msg": "method", "method": "ping", "params": [json.loads(nest(100))]})
    response = rc_app.test_client().post(
        "/api/v1/method.call/ping", json={"message": message}, headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["errorType"] == "invalid-params"


def test_a_deep_mattermost_websocket_frame_closes_the_connection(mm_server):
    from tests.mattermost.test_websocket import connect

    client, _ = connect(mm_server, "alice")
    try:
        frame = f'{{"seq": 1, "action": "ping", "data": {nest(100)}}}'
        client.ws.send(frame)
        assert client.closed()  # as for any frame that does not decode (readPump)
    finally:
        client.close()


def test_a_deep_ddp_frame_is_a_parse_error(rc_server):
    from tests.rocketchat.test_ddp import Ddp

    client = Ddp(rc_server)
    try:
        client.ws.send(f'{{"msg": "ping", "id": {nest(100)}}}')
        assert client.recv() == {"msg": "error", "reason": "Parse error"}
        client.send({"msg": "ping", "id": "still-alive"})
        assert client.recv() == {"msg": "pong", "id": "still-alive"}
    finally:
        client.close()


def test_a_ddp_frame_deeper_than_python_can_parse_keeps_the_connection(rc_server):
    from tests.rocketchat.test_ddp import Ddp

    client = Ddp(rc_server)
    try:
        client.ws.send("[" * 5000)
        assert client.recv() == {"msg": "error", "reason": "Parse error"}
    except websocket.WebSocketConnectionClosedException:  # the RecursionError used to end it
        pytest.fail("connection closed")
    finally:
        client.close()
