"""``rooms.getDiscussions`` and ``push.info``."""

from __future__ import annotations

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def test_discussions_of_a_room(rc_server, alice, bob):
    parent = alice.channels_create("zz-parent", members=["bob"])["channel"]
    child = alice.groups_create("zz-child")["group"]
    runtime_of(rc_server.app).store.update(
        "rooms", child["_id"], {"prid": parent["_id"], "fname": "A discussion"}
    )
    found = call(bob, "GET", "rooms.getDiscussions", params={"roomId": parent["_id"]}).json()
    assert [d["_id"] for d in found["discussions"]] == [child["_id"]]
    assert (found["count"], found["offset"], found["total"]) == (1, 0, 1)
    by_name = call(bob, "GET", "rooms.getDiscussions", params={"roomName": "zz-parent"}).json()
    assert by_name["total"] == 1
    secret = alice.groups_create("zz-secret-parent")["group"]["_id"]
    denied = call(bob, "GET", "rooms.getDiscussions", params={"roomId": secret})
    assert denied.json() == {"success": False, "error": "not-allowed", "errorType": "Not Allowed"}
    missing = call(bob, "GET", "rooms.getDiscussions")
    assert missing.json()["errorType"] == "error-roomid-param-not-provided"
    unknown = call(bob, "GET", "rooms.getDiscussions", params={"roomId": "nope"})
    assert unknown.json()["errorType"] == "error-room-not-found"


def test_push_info(alice):
    answer = call(alice, "GET", "push.info").json()
    assert answer == {"pushGatewayEnabled": True, "defaultPushGateway": True, "success": True}
