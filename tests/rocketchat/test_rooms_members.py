"""``rooms.roles``, ``rooms.isMember``, ``rooms.muteUser``, ``rooms.unmuteUser``."""

from __future__ import annotations

from tests.rocketchat.clients import call


def test_room_roles(alice, bob):
    rid = alice.channels_create("zz-roles", members=["bob"])["channel"]["_id"]
    roles = call(bob, "GET", "rooms.roles", params={"rid": rid}).json()
    assert roles["success"] is True
    assert [(r["u"]["username"], r["roles"]) for r in roles["roles"]] == [("alice", ["owner"])]
    secret = alice.groups_create("zz-secret-roles")["group"]["_id"]
    answer = call(bob, "GET", "rooms.roles", params={"rid": secret})
    assert answer.json() == {
        "success": False,
        "error": "Invalid user [error-invalid-user]",
        "errorType": "error-invalid-user",
        "details": {"method": "getRoomRoles"},
    }
    assert call(bob, "GET", "rooms.roles", params={"rid": "nope"}).json()["errorType"] == (
        "error-invalid-room"
    )


def test_is_member(alice, bob):
    rid = alice.channels_create("zz-members", members=["bob"])["channel"]["_id"]
    answer = call(alice, "GET", "rooms.isMember", params={"roomId": rid, "username": "bob"})
    assert answer.json() == {"isMember": True, "success": True}
    answer = call(alice, "GET", "rooms.isMember", params={"roomId": rid, "username": "admin"})
    assert answer.json()["isMember"] is False
    answer = call(alice, "GET", "rooms.isMember", params={"roomId": rid, "username": "ghost"})
    assert answer.json() == {"success": False, "error": "error-user-not-found"}
    secret = alice.groups_create("zz-members-secret")["group"]["_id"]
    answer = call(bob, "GET", "rooms.isMember", params={"roomId": secret, "username": "alice"})
    assert (answer.status_code, answer.json()) == (403, {"success": False, "error": "unauthorized"})
    answer = call(bob, "GET", "rooms.isMember", params={"roomId": rid})
    assert answer.json()["error"] == (
        "must have required property 'userId'\n must have required property 'username'\n"
        " must match exactly one schema in oneOf [invalid-params]"
    )


def test_mute_and_unmute(alice, bob):
    rid = alice.channels_create("zz-mute", members=["bob"])["channel"]["_id"]
    muted = call(alice, "POST", "rooms.muteUser", json={"roomId": rid, "username": "bob"})
    assert muted.json() == {"success": True}
    assert alice.channels_info(room_id=rid)["channel"]["muted"] == ["bob"]
    assert call(alice, "POST", "rooms.unmuteUser", json={"roomId": rid, "username": "bob"}).ok
    assert alice.channels_info(room_id=rid)["channel"]["muted"] == []
    refused = call(bob, "POST", "rooms.muteUser", json={"roomId": rid, "username": "alice"})
    assert refused.json()["errorType"] == "error-not-allowed"
