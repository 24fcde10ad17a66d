"""``users.setActiveStatus``, ``users.deactivateIdle``, status and presence."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
)
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call


def api_error(excinfo) -> tuple[int, dict]:
    exc = excinfo.value
    return exc.status_code, exc.response_json


def test_set_active_status(admin, alice, rc_server):
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    done = admin.users_set_active_status(bob_id, False)
    assert done == {"user": {"_id": bob_id, "active": False}, "success": True}
    with pytest.raises(RocketAuthenticationException):
        RocketChat("bob", "bob-password", server_url=rc_server.url)
    with pytest.raises(RocketApiException) as excinfo:
        alice.users_set_active_status(bob_id, True)
    assert api_error(excinfo) == (403, NO_PERMISSION)
    raw = call(
        admin, "POST", "users.setActiveStatus", json={"userId": bob_id, "activeStatus": "no"}
    )
    assert raw.json()["errorType"] == "invalid-params"


def test_deactivate_idle(admin, rc_server):
    rt = runtime_of(rc_server.app)
    RocketChat("bob", "bob-password", server_url=rc_server.url)
    rt.clock.advance(10 * 86_400_000)
    RocketChat("alice", "alice-password", server_url=rc_server.url)
    done = admin.call_api_post("users.deactivateIdle", daysIdle=5)
    assert done == {"count": 1, "success": True}
    assert admin.users_info(username="bob")["user"]["active"] is False
    assert admin.users_info(username="alice")["user"]["active"] is True
    raw = call(admin, "POST", "users.deactivateIdle", json={})
    assert raw.json()["error"] == "must have required property 'daysIdle' [invalid-params]"


def test_set_and_get_status(alice, admin):
    assert alice.users_set_status("Lunch", status="away") == {"success": True}
    assert alice.call_api_get("users.getStatus") == {
        "_id": alice.headers["X-User-Id"],
        "connectionStatus": "offline",
        "status": "away",
        "success": True,
    }
    assert admin.call_api_get("users.getStatus", username="alice") == {
        "_id": alice.headers["X-User-Id"],
        "status": "away",
        "success": True,
    }
    assert admin.users_info(username="alice")["user"]["statusText"] == "Lunch"
    assert admin.users_get_presence(username="alice") == {"presence": "away", "success": True}
    own = alice.users_get_presence(user_id=alice.headers["X-User-Id"])
    assert own["presence"] == "away" and own["connectionStatus"] == "offline"
    assert own["lastLogin"].endswith("Z")


def test_set_status_errors(alice, admin):
    raw = call(alice, "POST", "users.setStatus", json={"status": "sleepy"})
    assert raw.json() == {
        "success": False,
        "error": "Valid status types include online, away, offline, and busy. "
        "[error-invalid-status]",
        "errorType": "error-invalid-status",
        "details": {"method": "users.setStatus"},
    }
    raw = call(alice, "POST", "users.setStatus", json={"status": 3})
    assert raw.status_code == 400 and raw.json()["success"] is False
    raw = call(alice, "POST", "users.setStatus", json={"status": "busy", "username": "bob"})
    assert (raw.status_code, raw.json()) == (401, {"success": False, "error": "unauthorized"})
    assert (
        call(
            admin, "POST", "users.setStatus", json={"status": "busy", "username": "bob"}
        ).status_code
        == 200
    )
    assert admin.users_get_presence(username="bob")["presence"] == "busy"


def test_presence(alice, admin):
    seeded = alice.call_api_get("users.presence")
    assert seeded["full"] is True and seeded["success"] is True
    # Generated people are around (online, away, busy); the fixture's accounts start offline.
    around = {u["username"] for u in seeded["users"]}
    assert not around & {"admin", "alice", "bob"}
    assert all(u["status"] in ("online", "away", "busy") for u in seeded["users"])
    admin.users_set_status("", status="busy")
    listed = alice.call_api_get("users.presence")
    assert {u["username"] for u in listed["users"]} == around | {"admin"}
    assert next(u for u in listed["users"] if u["username"] == "admin")["status"] == "busy"
    some = alice.call_api_get("users.presence", ids=admin.headers["X-User-Id"])
    assert some["full"] is False and len(some["users"]) == 1


def test_set_status_publishes_user_status(alice, rc_server):
    seen = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(lambda n, p: seen.append((n, p)))
    try:
        alice.users_set_status("Heads down", status="busy")
    finally:
        unsubscribe()
    events = [p for n, p in seen if n == "stream-notify-logged"]
    assert events[0]["eventName"] == "user-status"
    uid, username, code, text, name, roles = events[0]["args"][0]
    assert (uid, username, code, text, roles) == (
        alice.headers["X-User-Id"],
        "alice",
        3,
        "Heads down",
        ["user"],
    )
    assert name == "Alice Liddell"
