"""im.* / dm.*: direct messages under both prefixes."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import models

DM_NOT_FOUND = {
    "success": False,
    "error": 'The required "roomId" param provided does not match any direct message '
    "[error-room-not-found]",
    "errorType": "error-room-not-found",
}


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_create_is_idempotent_and_lists(rc_server):
    alice = login(rc_server, "alice")
    room = alice.dm_create("bob")["room"]
    assert set(room) == {"_id", "rid", "t", "usernames"}
    assert room["t"] == "d" and room["rid"] == room["_id"]
    assert sorted(room["usernames"]) == ["alice", "bob"]
    assert alice.dm_create("bob")["room"]["_id"] == room["_id"]  # the seeded DM
    ims = list(alice.dm_list())
    assert room["_id"] in [r["_id"] for r in ims]
    legacy = alice.call_api_get("im.list")
    assert {"ims", "count", "offset", "total", "success"} == set(legacy)


def test_group_dm_and_errors(rc_server):
    alice = login(rc_server, "alice")
    room = alice.dm_create_multiple(["bob", "admin"])["room"]
    assert sorted(room["usernames"]) == ["admin", "alice", "bob"]
    with pytest.raises(RocketApiException) as exc:
        alice.dm_create("ghost")
    assert exc.value.response_json == {
        "success": False,
        "error": "Invalid user [error-invalid-user]",
        "errorType": "error-invalid-user",
        "details": {"method": "createDirectMessage"},
    }
    raw = requests.post(
        f"{rc_server.url}/api/v1/im.create", headers=alice.headers, json={}, timeout=5
    )
    assert raw.status_code == 400 and raw.json()["errorType"] == "invalid-params"


def test_history_messages_members_counters(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.dm_create("bob")["room"]["_id"]
    alice.chat_post_message("one", room_id=rid)
    alice.chat_post_message("two", room_id=rid)
    history = bob.call_api_get("dm.history", roomId=rid, count=2)
    assert [m["msg"] for m in history["messages"]] == ["two", "one"]
    messages = bob.call_api_get("im.messages", username="alice", count=1)
    assert messages["count"] == 1 and messages["total"] >= 2
    assert [m["username"] for m in bob.dm_members(rid)] == ["alice", "bob"]
    counters = bob.dm_counters(rid)
    assert counters["joined"] is True and counters["unreads"] == 2
    assert bob.subscriptions_read(rid) == {"success": True}
    assert bob.dm_counters(rid)["unreads"] == 0


def test_outsider_cannot_read(rc_server):
    alice = login(rc_server, "alice")
    admin = login(rc_server, "admin")
    rid = alice.dm_create("bob")["room"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("im.history", roomId=rid)
    assert exc.value.response_json == DM_NOT_FOUND
    raw = requests.get(f"{rc_server.url}/api/v1/im.history", headers=alice.headers, timeout=5)
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'roomId' [invalid-params]",
        "errorType": "invalid-params",
    }
    with pytest.raises(RocketApiException) as exc:
        list(alice.dm_history("no-such-room"))
    assert exc.value.response_json == {
        "success": False,
        "error": "[invalid-channel]",
        "errorType": "invalid-channel",
    }
    with pytest.raises(RocketApiException) as exc:
        admin.dm_close(rid)
    assert exc.value.status_code == 401
    raw = requests.post(
        f"{rc_server.url}/api/v1/dm.open", headers=alice.headers, json={}, timeout=5
    )
    assert raw.json() == {
        "success": False,
        "error": 'Body param "roomId" is required [error-room-param-not-provided]',
        "errorType": "error-room-param-not-provided",
    }


def test_open_close(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.dm_create("bob")["room"]["_id"]
    assert alice.dm_close(rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.dm_close(rid)
    assert exc.value.response_json == {
        "success": False,
        "error": "The direct message room, undefined, is already closed to the sender",
    }
    assert alice.dm_open(rid) == {"success": True}
    assert alice.subscriptions_get_one(rid)["subscription"]["open"] is True


def test_list_everyone_is_admin_only(rc_server):
    admin = login(rc_server, "admin")
    alice = login(rc_server, "alice")
    assert len(list(admin.dm_list_everyone())) >= 1
    with pytest.raises(RocketApiException) as exc:
        list(alice.dm_list_everyone())
    assert exc.value.status_code == 403


def test_files(rc_server, tmp_path):
    alice = login(rc_server, "alice")
    rid = alice.dm_create("bob")["room"]["_id"]
    upload = alice.rooms_media(rid, ("notes.txt", b"hello", "text/plain"))
    alice.rooms_media_confirm(rid, upload["file"]["_id"], msg="see file")
    files = list(alice.dm_files(room_id=rid))
    assert [f["name"] for f in files] == ["notes.txt"]
    assert files[0]["user"]["username"] == "alice"


def test_delete_dm_is_admin_only(rc_server):
    alice = login(rc_server, "alice")
    admin = login(rc_server, "admin")
    rid = alice.dm_create("bob")["room"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.dm_delete(rid)
    assert exc.value.response_json["errorType"] == "error-not-allowed"
    assert admin.dm_delete(rid) == {"success": True}
    assert rid not in [r["_id"] for r in alice.dm_list()]


def test_block_user_stops_the_dm_both_ways(rc_server):
    alice = RocketChat("alice", "alice-password", server_url=rc_server.url)
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    rid = alice.dm_create("bob")["room"]["_id"]
    assert alice.call_api_post("im.blockUser", roomId=rid, block=True) == {"success": True}
    assert alice.subscriptions_get_one(rid)["subscription"]["blocker"] is True
    assert bob.subscriptions_get_one(rid)["subscription"]["blocked"] is True
    for sender in (alice, bob):
        with pytest.raises(RocketApiException) as exc:
            sender.chat_post_message("hello?", room_id=rid)
        assert exc.value.response_json["error"] == "room_is_blocked"
    alice.call_api_post("dm.blockUser", roomId=rid, block=False)
    assert "blocked" not in bob.subscriptions_get_one(rid)["subscription"]
    assert bob.chat_post_message("back", room_id=rid)["success"] is True
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("im.blockUser", roomId="GENERAL", block=True)
    assert exc.value.response_json == {
        "success": False,
        "error": "[invalid-channel]",
        "errorType": "invalid-channel",
    }


def test_messages_others_needs_the_setting_and_admin(rc_server):
    admin = RocketChat("admin", "admin-password", server_url=rc_server.url)
    alice = RocketChat("alice", "alice-password", server_url=rc_server.url)
    rid = alice.dm_create("bob")["room"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        admin.dm_messages_others(rid)
    assert exc.value.response_json == {
        "success": False,
        "error": "This endpoint is disabled [error-endpoint-disabled]",
        "errorType": "error-endpoint-disabled",
        "details": {"route": "/api/v1/im.messages.others"},
    }
    models.set_setting_value(
        runtime_of(rc_server.app), "API_Enable_Direct_Message_History_EndPoint", True
    )
    listed = list(admin.dm_messages_others(rid))
    assert listed and {m["rid"] for m in listed} == {rid}
    body = admin.call_api_get("dm.messages.others", roomId=rid)
    assert body["total"] == len(body["messages"]) == len(listed)
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("dm.messages.others", roomId=rid)
    assert exc.value.status_code == 403
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("im.messages.others", roomId="GENERAL")
    assert exc.value.response_json["error"] == (
        "No direct message room found by the id of: GENERAL [error-room-not-found]"
    )
