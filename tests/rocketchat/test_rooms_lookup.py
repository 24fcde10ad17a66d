"""``rooms.autocomplete.*``, ``rooms.nameExists``, ``rooms.open``, ``rooms.hide``."""

from __future__ import annotations

import json

from tests.rocketchat.clients import call


def selector(name: str) -> dict:
    return {"selector": json.dumps({"name": name})}


def names(answer: dict) -> list[str]:
    return [item["name"] for item in answer["items"]]


def test_autocomplete_of_my_rooms(admin, alice, bob):
    alice.channels_create("zz-beta")
    alice.groups_create("zz-alpha")
    admin.channels_create("zz-gamma")  # not alice's
    mine = call(alice, "GET", "rooms.autocomplete.channelAndPrivate", params=selector("ZZ")).json()
    assert names(mine) == ["zz-alpha", "zz-beta"]
    assert set(mine["items"][0]) <= {"_id", "fname", "name", "t", "avatarETag", "encrypted"}
    paged = call(
        alice,
        "GET",
        "rooms.autocomplete.channelAndPrivate.withPagination",
        params={**selector("zz"), "count": 1, "offset": 1},
    ).json()
    assert (names(paged), paged["total"]) == (["zz-beta"], 2)
    admin_view = call(admin, "GET", "rooms.autocomplete.adminRooms", params=selector("zz")).json()
    assert names(admin_view) == ["zz-alpha", "zz-beta", "zz-gamma"]
    refused = call(alice, "GET", "rooms.autocomplete.adminRooms", params=selector("zz"))
    assert refused.json() == {"success": False, "error": "error-not-authorized"}
    # rooms alice owns outside teams
    free = call(alice, "GET", "rooms.autocomplete.availableForTeams", params={"name": "zz"}).json()
    assert names(free) == ["zz-alpha", "zz-beta"]
    assert names(call(bob, "GET", "rooms.autocomplete.availableForTeams").json()) == []
    missing = call(alice, "GET", "rooms.autocomplete.channelAndPrivate")
    assert missing.json() == {"success": False, "error": "The 'selector' param is required"}


def test_name_exists(alice):
    answer = call(alice, "GET", "rooms.nameExists", params={"roomName": "general"})
    assert answer.json() == {"exists": True, "success": True}
    answer = call(alice, "GET", "rooms.nameExists", params={"roomName": "nope"})
    assert answer.json()["exists"] is False
    answer = call(alice, "GET", "rooms.nameExists")
    assert answer.json() == {
        "success": False,
        "error": "must have required property 'roomName' [invalid-params]",
        "errorType": "invalid-params",
    }


def test_hide_and_open(alice, bob):
    rid = alice.channels_create("zz-hideable")["channel"]["_id"]
    assert call(alice, "POST", "rooms.hide", json={"roomId": rid}).json() == {"success": True}
    sub = alice.subscriptions_get_one(room_id=rid)["subscription"]
    assert (sub["open"], sub["alert"]) == (False, False)
    again = call(alice, "POST", "rooms.hide", json={"roomId": rid})
    assert again.json() == {"success": False, "error": "error-room-already-hidden"}
    assert call(alice, "POST", "rooms.open", json={"roomId": rid}).json() == {"success": True}
    assert alice.subscriptions_get_one(room_id=rid)["subscription"]["open"] is True
    secret = alice.groups_create("zz-closed")["group"]["_id"]
    denied = call(bob, "POST", "rooms.hide", json={"roomId": secret})
    assert (denied.status_code, denied.json()) == (401, {"success": False, "error": "unauthorized"})
    bad = call(bob, "POST", "rooms.open", json={"roomId": ""})
    assert bad.json()["error"] == "must NOT have fewer than 1 characters [invalid-params]"
