"""``roles.*``: listing, global and room-scoped roles, sync."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call, refused


def test_roles_list(alice):
    roles = {r["_id"]: r for r in alice.roles_list()["roles"]}
    assert {"admin", "user", "bot", "owner", "moderator", "leader", "guest"} <= set(roles)
    assert roles["owner"]["scope"] == "Subscriptions"
    assert roles["admin"]["protected"] is True and roles["admin"]["mandatory2fa"] is False


def test_add_and_remove_global_role(admin, alice):
    done = admin.roles_add_user_to_role("bot", "alice")
    assert done["role"]["_id"] == "bot" and done["success"] is True
    members = list(admin.roles_get_users_in_role("bot"))
    assert "alice" in [u["username"] for u in members]
    assert all("services" not in u for u in members)
    assert "bot" in alice.me()["roles"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_add_user_to_role("bot", "alice")
    assert refused(excinfo)[1]["errorType"] == "error-user-already-in-role"
    assert admin.roles_remove_user_from_role("bot", "alice")["success"] is True
    assert "bot" not in alice.me()["roles"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.roles_remove_user_from_role("bot", "alice")
    assert refused(excinfo)[1]["errorType"] == "error-user-not-in-role"


def test_room_scoped_roles(admin, rc_server):
    done = admin.roles_add_user_to_role("moderator", "alice", roomId="GENERAL")
    assert done["success"] is True
    in_room = admin.call_api_get("roles.getUsersInRole", role="moderator", roomId="GENERAL")
    assert [u["username"] for u in in_room["users"]] == ["alice"]
    assert in_room["total"] == 1
    alice_id = admin.users_info(username="alice")["user"]["_id"]
    sub = runtime_of(rc_server.app).store.find_one(
        "subscriptions", "room_user", ("GENERAL", alice_id)
    )
    assert "moderator" in sub["roles"]
    raw = call(
        admin, "POST", "roles.addUserToRole", json={"roleId": "moderator", "username": "bob"}
    )
    assert raw.json()["errorType"] == "error-invalid-arguments"


def test_roles_errors(admin, alice):
    with pytest.raises(RocketApiException) as excinfo:
        alice.roles_add_user_to_role("admin", "alice")
    assert refused(excinfo) == (403, NO_PERMISSION)
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "bot"})
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'username' [error-invalid-role-properties]",
        "errorType": "error-invalid-role-properties",
    }
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "bot", "username": "ghost"})
    assert raw.json()["error"] == "There is no user with this username [error-invalid-user]"
    raw = call(admin, "POST", "roles.addUserToRole", json={"roleId": "wizard", "username": "bob"})
    assert raw.json()["errorType"] == "error-invalid-roleId"
    raw = call(admin, "GET", "roles.getUsersInRole")
    assert raw.json() == {
        "success": False,
        "error": 'Query param "role" is required [error-param-not-provided]',
        "errorType": "error-param-not-provided",
    }
    raw = call(admin, "GET", "roles.getUsersInRole", params={"role": "wizard"})
    assert raw.json() == {
        "success": False,
        "error": "[error-invalid-roleId]",
        "errorType": "error-invalid-roleId",
    }
    raw = call(
        admin, "POST", "roles.removeUserFromRole", json={"roleId": "admin", "username": "admin"}
    )
    assert raw.json()["errorType"] == "error-admin-required"


def test_roles_sync(admin, alice, rc_server):
    runtime_of(rc_server.app).clock.advance(1000)
    before = admin.call_api_get("roles.list")["roles"][0]["_updatedAt"]
    synced = alice.roles_sync(before)
    assert synced == {"roles": {"update": [], "remove": []}, "success": True}
    everything = alice.roles_sync("2000-01-01T00:00:00.000Z")["roles"]["update"]
    assert len(everything) == len(admin.roles_list()["roles"])
    raw = call(alice, "GET", "roles.sync", params={"updatedSince": "soon"})
    assert raw.json()["errorType"] == "error-updatedSince-param-invalid"
