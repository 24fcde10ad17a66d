"""The DDP twins of the room-settings REST routes (``saveRoomSettings``,
``saveNotificationSettings``, ``reportMessage``, ``blockUser``/``unblockUser``), called over
``method.call``: the same domain operations, answered as Meteor methods."""

import json

from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def method(rocket, name, *params):
    """The method's ``result`` message, decoded."""
    message = {"msg": "method", "id": "1", "method": name, "params": list(params)}
    raw = call(rocket, "POST", f"method.call/{name}", json={"message": json.dumps(message)})
    assert raw.status_code == 200
    return json.loads(raw.json()["message"])


def test_save_room_settings_both_forms(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("ddp-tuned")["channel"]["_id"]
    assert method(alice, "saveRoomSettings", rid, "roomTopic", "via ddp")["result"] == {
        "result": True,
        "rid": rid,
    }
    method(alice, "saveRoomSettings", rid, {"roomAnnouncement": "hear ye"})
    room = alice.rooms_info(room_id=rid)["room"]
    assert (room["topic"], room["announcement"]) == ("via ddp", "hear ye")
    error = method(alice, "saveRoomSettings", rid, {"nope": 1})["error"]
    assert (error["error"], error["reason"]) == (
        "error-invalid-settings",
        "Invalid settings provided",
    )


def test_notifications_reports_and_blocking(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    method(alice, "saveNotificationSettings", "GENERAL", "desktopNotifications", "nothing")
    assert alice.subscriptions_get_one("GENERAL")["subscription"]["desktopNotifications"] == (
        "nothing"
    )
    mid = bob.chat_post_message("report me", room_id="GENERAL")["message"]["_id"]
    assert method(alice, "reportMessage", mid, "via ddp")["result"] is True
    reports = runtime_of(rc_server.app).store.all("moderation_reports")
    assert [(r["message"]["_id"], r["description"]) for r in reports] == [(mid, "via ddp")]
    rid = alice.dm_create("bob")["room"]["_id"]
    bob_id = bob.headers["X-User-Id"]
    assert method(alice, "blockUser", {"rid": rid, "blocked": bob_id})["result"] is True
    assert bob.subscriptions_get_one(rid)["subscription"]["blocked"] is True
    method(alice, "unblockUser", {"rid": rid, "blocked": bob_id})
    assert "blocked" not in bob.subscriptions_get_one(rid)["subscription"]
    error = method(alice, "blockUser", {"rid": "GENERAL", "blocked": bob_id})["error"]
    assert error["error"] == "error-invalid-room"
