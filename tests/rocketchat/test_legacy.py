"""The legacy REST API (v0): ``/api/login``, ``/api/publicRooms``, ``/api/rooms/:id/...``,
``/api/bulk/...``, through raw requests as its old clients used it."""

from __future__ import annotations

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models


def legacy(rc_server, method, path, headers=None, **kwargs):
    return requests.request(
        method, f"{rc_server.url}/api/{path}", headers=headers or {}, timeout=5, **kwargs
    )


def login(rc_server, user, password):
    raw = legacy(rc_server, "POST", "login", json={"user": user, "password": password})
    assert raw.status_code == 200
    data = raw.json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


@pytest.fixture
def alice(rc_server):
    return login(rc_server, "alice", "alice-password")


@pytest.fixture
def admin(rc_server):
    return login(rc_server, "admin", "admin-password")


def test_login_json_and_form(rc_server):
    raw = legacy(rc_server, "POST", "login", json={"user": "bob", "password": "bob-password"})
    body = raw.json()
    assert body["status"] == "success"
    assert set(body) == {"status", "data"} and set(body["data"]) == {"authToken", "userId"}
    form = legacy(rc_server, "POST", "login", data={"user": "bob", "password": "bob-password"})
    assert form.json()["data"]["userId"] == body["data"]["userId"]
    # The token works on REST v1 too.
    headers = {"X-User-Id": body["data"]["userId"], "X-Auth-Token": body["data"]["authToken"]}
    v1 = RocketChat(
        auth_token=headers["X-Auth-Token"], user_id=headers["X-User-Id"], server_url=rc_server.url
    )
    assert v1.me()["username"] == "bob"


@pytest.mark.parametrize(
    "body", [{"user": "bob", "password": "wrong"}, {"user": "bob"}, {"password": "x"}]
)
def test_login_failures(rc_server, body):
    raw = legacy(rc_server, "POST", "login", json=body)
    assert (raw.status_code, raw.json()) == (401, {"status": "error", "message": "Unauthorized"})


def test_malformed_login_body_is_a_legacy_400(rc_server):
    raw = legacy(
        rc_server, "POST", "login", data=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert raw.status_code == 400
    assert raw.json() == {"status": "error", "message": "Invalid JSON body"}


def test_logout(rc_server, alice):
    raw = legacy(rc_server, "POST", "logout", headers=alice)
    assert raw.json() == {"status": "success", "data": {"message": "You've been logged out!"}}
    again = legacy(rc_server, "GET", "publicRooms", headers=alice)
    assert (again.status_code, again.json()) == (
        401,
        {"status": "error", "message": "You must be logged in to do this."},
    )


def test_public_rooms(rc_server, alice):
    raw = legacy(rc_server, "GET", "publicRooms", headers=alice)
    body = raw.json()
    assert body["status"] == "success"
    assert all(r["t"] == "c" for r in body["rooms"])
    assert "GENERAL" in [r["_id"] for r in body["rooms"]]
    counts = [r["msgs"] for r in body["rooms"]]
    assert counts == sorted(counts, reverse=True)
    assert body["rooms"][0]["ts"].endswith("Z")
    assert legacy(rc_server, "GET", "publicRooms").status_code == 401


def test_join_send_read_and_leave(rc_server, alice):
    rt = runtime_of(rc_server.app)
    store = rt.store
    admin = models.find_user(rt, "admin")
    room = models.create_room(rt, room_type="c", name="not-yet", owner=admin, members=[admin])
    raw = legacy(rc_server, "POST", f"rooms/{room['_id']}/send", headers=alice, json={"msg": "x"})
    assert (raw.status_code, raw.json()["status"]) == (403, "error")
    assert legacy(rc_server, "POST", f"rooms/{room['_id']}/join", headers=alice).json() == {
        "status": "success"
    }
    raw = legacy(rc_server, "POST", f"rooms/{room['_id']}/send", headers=alice, json={"msg": "hi"})
    assert raw.json() == {"status": "success"}
    messages = legacy(rc_server, "GET", f"rooms/{room['_id']}/messages", headers=alice).json()
    assert messages["status"] == "success"
    assert messages["messages"][0]["msg"] == "hi"
    assert messages["messages"][0]["u"]["_id"] == alice["X-User-Id"]
    assert len(messages["messages"]) <= 50
    assert legacy(rc_server, "POST", f"rooms/{room['_id']}/leave", headers=alice).json() == {
        "status": "success"
    }
    assert store.find_one("subscriptions", "room_user", (room["_id"], alice["X-User-Id"])) is None


def test_room_errors(rc_server, alice):
    raw = legacy(rc_server, "POST", "rooms/nope/join", headers=alice)
    assert (raw.status_code, raw.json()) == (404, {"status": "error", "message": "Invalid room"})
    raw = legacy(rc_server, "GET", "rooms/nope/messages", headers=alice)
    assert raw.status_code == 404
    raw = legacy(rc_server, "POST", "rooms/GENERAL/send", headers=alice, json={"msg": 5})
    assert raw.status_code == 400 and raw.json()["status"] == "error"
    raw = legacy(rc_server, "POST", "rooms/GENERAL/send", headers=alice, json={"msg": "x" * 6000})
    assert raw.status_code == 400


def test_messages_of_a_private_room_need_membership(rc_server):
    bob = login(rc_server, "bob", "bob-password")
    hidden = runtime_of(rc_server.app).store.find_one("rooms", "name", "leadership")
    raw = legacy(rc_server, "GET", f"rooms/{hidden['_id']}/messages", headers=bob)
    assert (raw.status_code, raw.json()) == (
        403,
        {"status": "fail", "message": "Cannot access room."},
    )
    raw = legacy(rc_server, "POST", f"rooms/{hidden['_id']}/join", headers=bob)
    assert raw.status_code == 403


def test_bulk_register(rc_server, admin, alice):
    users = [
        {"email": "u1@example.com", "name": "u1", "pass": "pw-1", "username": "u1"},
        {"email": "u2@example.com", "name": "User Two", "pass": "pw-2", "username": "u2"},
    ]
    raw = legacy(rc_server, "POST", "bulk/register", headers=admin, json={"users": users})
    body = raw.json()
    assert body["status"] == "success" and len(body["ids"]) == 2
    u2 = RocketChat("u2", "pw-2", server_url=rc_server.url).me()
    assert u2["_id"] == body["ids"][1]["uid"] and u2["name"] == "User Two"
    refused = legacy(rc_server, "POST", "bulk/register", headers=alice, json={"users": users})
    assert (refused.status_code, refused.json()) == (
        403,
        {"status": "error", "message": "You do not have permission to do this"},
    )


def test_bulk_register_validates_every_record_first(rc_server, admin):
    users = [
        {"email": "ok@example.com", "name": "ok", "pass": "pw"},
        {"email": "not-an-email", "name": "bad", "pass": "pw"},
    ]
    raw = legacy(rc_server, "POST", "bulk/register", headers=admin, json={"users": users})
    assert (raw.status_code, raw.json()) == (
        400,
        {
            "status": "fail",
            "message": "Error :: [restapi] bulk/register -> record #1 is invalid "
            "[invalid-user-record]",
        },
    )
    assert runtime_of(rc_server.app).store.find_one("users", "username", "ok") is None
    raw = legacy(rc_server, "POST", "bulk/register", headers=admin, json={"users": "all"})
    assert raw.status_code == 400


def test_bulk_create_room(rc_server, admin, alice):
    rooms = [{"name": "ops-room", "members": ["alice", "bob"]}]
    raw = legacy(rc_server, "POST", "bulk/createRoom", headers=admin, json={"rooms": rooms})
    body = raw.json()
    assert body["status"] == "success"
    rid = body["ids"][0]["rid"]
    store = runtime_of(rc_server.app).store
    room = store.get("rooms", rid)
    assert room["name"] == "ops-room" and room["t"] == "c" and room["usersCount"] == 3
    refused = legacy(rc_server, "POST", "bulk/createRoom", headers=alice, json={"rooms": rooms})
    assert refused.status_code == 403
    raw = legacy(
        rc_server,
        "POST",
        "bulk/createRoom",
        headers=admin,
        json={"rooms": [{"name": "solo", "members": ["alice"]}]},
    )
    assert raw.json() == {
        "status": "fail",
        "message": "Error :: [restapi] bulk/createRoom -> record #0 is invalid "
        "[invalid-room-record]",
    }
