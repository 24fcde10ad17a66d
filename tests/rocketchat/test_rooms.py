"""rooms.*: any room type, uploads and the files served back."""

from datetime import datetime, timedelta

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.test_journal import assert_never_journaled


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def test_rooms_get_and_updated_since(rc_server):
    alice = login(rc_server, "alice")
    body = alice.rooms_get()
    assert set(body) == {"update", "remove", "success"}
    ids = {r["_id"] for r in body["update"]}
    assert "GENERAL" in ids and body["remove"] == []
    created = alice.channels_create("fresh-room")["channel"]
    before = datetime.fromisoformat(created["ts"].replace("Z", "+00:00")) - timedelta(seconds=1)
    later = alice.rooms_get(updatedSince=before.strftime("%Y-%m-%dT%H:%M:%S.000Z"))
    assert created["_id"] in [r["_id"] for r in later["update"]]
    assert "GENERAL" not in [r["_id"] for r in later["update"]]
    alice.channels_delete(room_id=created["_id"])
    after = alice.rooms_get(updatedSince="2000-01-01T00:00:00.000Z")
    assert created["_id"] in [r["_id"] for r in after["remove"]]
    with pytest.raises(RocketApiException) as exc:
        alice.rooms_get(updatedSince="not-a-date")
    assert exc.value.response_json["errorType"] == "error-updatedSince-param-invalid"


def test_rooms_info(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    assert alice.rooms_info(room_id="GENERAL")["room"]["name"] == "general"
    assert alice.rooms_info(room_name="leadership")["room"]["t"] == "p"
    with pytest.raises(RocketApiException) as exc:
        bob.rooms_info(room_name="leadership")
    assert exc.value.response_json == {
        "success": False,
        "error": "not-allowed",
        "errorType": "Not Allowed",
    }
    with pytest.raises(RocketApiException) as exc:
        bob.rooms_info(room_id="nope")
    assert exc.value.response_json["errorType"] == "error-room-not-found"


def test_favorite_and_leave(rc_server):
    alice = login(rc_server, "alice")
    assert alice.rooms_favorite(room_id="GENERAL") == {"success": True}
    assert alice.subscriptions_get_one("GENERAL")["subscription"]["f"] is True
    alice.rooms_favorite(room_name="general", favorite=False)
    assert alice.subscriptions_get_one("GENERAL")["subscription"]["f"] is False
    bob = login(rc_server, "bob")
    rid = alice.channels_create("leave-me", members=["bob"])["channel"]["_id"]
    assert bob.rooms_leave(rid) == {"success": True}
    assert bob.subscriptions_get_one(rid)["subscription"] is None
    with pytest.raises(RocketApiException) as exc:
        bob.rooms_favorite(room_id=rid)
    assert exc.value.response_json["errorType"] == "error-invalid-subscription"
    with pytest.raises(RocketApiException) as exc:
        alice.rooms_leave(rid)
    assert exc.value.response_json["errorType"] == "error-you-are-last-owner"


def test_clean_history(rc_server):
    admin = login(rc_server, "admin")
    alice = login(rc_server, "alice")
    rid = admin.channels_create("cleanme", members=["alice"])["channel"]["_id"]
    first = alice.chat_post_message("a", room_id=rid)["message"]
    alice.chat_post_message("b", room_id=rid)
    with pytest.raises(RocketApiException) as exc:
        alice.rooms_clean_history(rid, "2100-01-01T00:00:00.000Z", "2000-01-01T00:00:00.000Z")
    assert exc.value.response_json == {
        "success": False,
        "error": "Not allowed [error-not-allowed]",
        "errorType": "error-not-allowed",
        "details": {"method": "cleanRoomHistory"},
    }
    result = admin.rooms_clean_history(
        rid, "2100-01-01T00:00:00.000Z", first["ts"], inclusive=False
    )
    assert result == {"_id": rid, "count": 1, "success": True}
    assert [m["msg"] for m in alice.call_api_get("channels.messages", roomId=rid)["messages"]] == [
        "a"
    ]
    raw = requests.post(
        f"{rc_server.url}/api/v1/rooms.cleanHistory",
        headers=admin.headers,
        json={"roomId": rid, "oldest": "2000-01-01T00:00:00.000Z"},
        timeout=5,
    )
    assert raw.json() == {
        "success": False,
        "error": "must have required property 'latest' [invalid-params]",
        "errorType": "invalid-params",
    }


def test_media_upload_confirm_and_download(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    uploaded = alice.rooms_media("GENERAL", ("photo.png", b"\x89PNG fake", "image/png"))
    file_id = uploaded["file"]["_id"]
    assert uploaded["file"]["url"] == f"/file-upload/{file_id}/photo.png"
    message = alice.rooms_media_confirm("GENERAL", file_id, msg="look", description="a photo")
    message = message["message"]
    assert message["msg"] == "look" and message["file"]["_id"] == file_id
    attachment = message["attachments"][0]
    assert attachment["title"] == "photo.png" and attachment["image_type"] == "image/png"
    assert attachment["description"] == "a photo"
    raw = requests.get(rc_server.url + uploaded["file"]["url"], headers=bob.headers, timeout=5)
    assert raw.status_code == 200 and raw.content == b"\x89PNG fake"
    assert raw.headers["Content-Type"] == "image/png"
    anonymous = requests.get(rc_server.url + uploaded["file"]["url"], timeout=5)
    assert anonymous.status_code == 403
    assert "photo.png" in [f["name"] for f in bob.channels_files(room_id="GENERAL")]


def test_upload_in_one_call_and_errors(rc_server):
    alice = login(rc_server, "alice")
    raw = requests.post(
        f"{rc_server.url}/api/v1/rooms.upload/GENERAL",
        headers=alice.headers,
        files={"file": ("a.txt", b"abc", "text/plain")},
        data={"msg": "attached"},
        timeout=5,
    )
    assert raw.status_code == 200
    assert raw.json()["message"]["files"][0]["name"] == "a.txt"
    raw = requests.post(
        f"{rc_server.url}/api/v1/rooms.media/GENERAL", headers=alice.headers, data={}, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json() == {
        "success": False,
        "error": "[No file uploaded]",
        "errorType": "No file uploaded",
    }
    with pytest.raises(RocketApiException) as exc:
        alice.rooms_media_confirm("GENERAL", "nope")
    assert exc.value.response_json["errorType"] == "invalid-file"
    bob = login(rc_server, "bob")
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.rooms_media(leadership, ("x.txt", b"x", "text/plain"))
    assert exc.value.status_code == 403


def test_rooms_delete(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("to-erase", members=["bob"])["channel"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("rooms.delete", roomId=rid)
    assert exc.value.response_json == {
        "success": False,
        "error": "Not allowed [error-not-allowed]",
        "errorType": "error-not-allowed",
        "details": {"method": "eraseRoom"},
    }
    assert alice.call_api_post("rooms.delete", roomId=rid) == {"success": True}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.delete", roomId=rid)
    assert exc.value.response_json["error"] == "Invalid room [error-invalid-room]"


def api_error(excinfo):
    return excinfo.value.status_code, excinfo.value.response_json


def recording(rc_server):
    """The events published while the block runs, as (name, eventName, args)."""
    seen = []
    unsubscribe = runtime_of(rc_server.app).events.subscribe(
        lambda name, payload: seen.append((name, payload.get("eventName"), payload.get("args")))
    )
    return seen, unsubscribe


def test_save_notification_updates_the_subscription_and_tells_the_user(rc_server):
    alice = login(rc_server, "alice")
    seen, unsubscribe = recording(rc_server)
    try:
        alice.call_api_post(
            "rooms.saveNotification",
            roomId="GENERAL",
            notifications={"desktopNotifications": "mentions", "disableNotifications": "1"},
        )
    finally:
        unsubscribe()
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["desktopNotifications"] == "mentions" and sub["disableNotifications"] is True
    uid = alice.headers["X-User-Id"]
    assert ("stream-notify-user", f"{uid}/subscriptions-changed") in [s[:2] for s in seen]
    for body, error in (
        ({"notifications": {"a": "b"}}, "The 'roomId' param is required"),
        ({"roomId": "GENERAL"}, "The 'notifications' param is required"),
    ):
        with pytest.raises(RocketApiException) as exc:
            alice.call_api_post("rooms.saveNotification", **body)
        assert api_error(exc)[1] == {"success": False, "error": error}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.saveNotification", roomId="GENERAL", notifications={"x": "1"})
    assert api_error(exc)[1]["errorType"] == "error-invalid-settings"
    with pytest.raises(RocketApiException) as exc:
        login(rc_server, "bob").call_api_post(
            "rooms.saveNotification",
            roomId=alice.groups_info(room_name="leadership")["group"]["_id"],
            notifications={"unreadAlert": "all"},
        )
    assert api_error(exc)[1]["errorType"] == "error-invalid-subscription"


def test_admin_rooms_and_get_room(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    assert [r["name"] for r in admin.rooms_admin_rooms(filter="lead")] == ["leadership"]
    body = admin.call_api_get("rooms.adminRooms", filter="lead")
    assert body["total"] == 1 and body["count"] == 1
    only_private = admin.call_api_get("rooms.adminRooms", types=["p"])["rooms"]
    assert only_private and {r["t"] for r in only_private} == {"p"}
    rid = only_private[0]["_id"]
    room = admin.call_api_get("rooms.adminRooms.getRoom", rid=rid)
    assert room["_id"] == rid and room["success"] is True and "lastMessage" not in room
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_get("rooms.adminRooms.getRoom", rid="nope")
    # API.v1.failure('not-allowed', 'Not Allowed'): the words land the other way round
    assert api_error(exc)[1] == {
        "success": False,
        "error": "not-allowed",
        "errorType": "Not Allowed",
    }
    for path in ("rooms.adminRooms", "rooms.adminRooms.getRoom"):
        with pytest.raises(RocketApiException) as exc:
            alice.call_api_get(path, rid=rid)
        assert api_error(exc) == (400, {"success": False, "error": "error-not-authorized"})


def test_rooms_join_with_join_code(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.channels_create("club")["channel"]["_id"]
    alice.call_api_post("rooms.saveRoomSettings", rid=rid, joinCode="1234")
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("rooms.join", roomId=rid, joinCode="0000")
    assert api_error(exc)[1]["errorType"] == "error-code-invalid"
    room = bob.call_api_post("rooms.join", roomId=rid, joinCode="1234")["room"]
    assert room["_id"] == rid and room["usersCount"] == 2
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("rooms.join", roomId="missing")
    assert api_error(exc)[1]["errorType"] == "error-room-not-found"


def test_save_room_settings(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.channels_create("tuneable")["channel"]["_id"]
    body = alice.call_api_post(
        "rooms.saveRoomSettings",
        rid=rid,
        roomName="tuned",
        roomTopic="new topic",
        readOnly=True,
        systemMessages=["uj"],
    )
    assert body == {"rid": rid, "success": True}
    room = alice.rooms_info(room_id=rid)["room"]
    assert (room["name"], room["topic"], room["ro"], room["sysMes"]) == (
        "tuned",
        "new topic",
        True,
        ["uj"],
    )
    kinds = [m.get("t") for m in alice.call_api_get("channels.messages", roomId=rid)["messages"]]
    assert {"r", "room_changed_topic", "room-set-read-only"} <= set(kinds)
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.saveRoomSettings", rid=rid, bogus=1)
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Invalid settings provided [error-invalid-settings]",
        "errorType": "error-invalid-settings",
        "details": {"method": "saveRoomSettings"},
    }
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.saveRoomSettings", rid="nope", roomTopic="x")
    assert api_error(exc)[1]["errorType"] == "error-invalid-room"
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("rooms.saveRoomSettings", rid=rid, roomTopic="mine")
    assert api_error(exc)[1]["details"] == {"method": "saveRoomSettings", "action": "Editing_room"}
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.saveRoomSettings", rid=rid, default=True)
    assert api_error(exc)[1]["details"]["action"] == "Viewing_room_administration"


def test_change_archivation_state(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    rid = alice.channels_create("old-stuff")["channel"]["_id"]
    assert admin.call_api_post("rooms.changeArchivationState", rid=rid, action="archive") == {
        "success": True
    }
    assert alice.rooms_info(room_id=rid)["room"]["archived"] is True
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.changeArchivationState", rid=rid, action="unarchive")
    assert api_error(exc)[1]["errorType"] == "error-not-authorized"
    admin.call_api_post("rooms.changeArchivationState", rid=rid, action="unarchive")
    assert alice.rooms_info(room_id=rid)["room"]["archived"] is False
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("rooms.changeArchivationState", rid="nope", action="unarchive")
    assert api_error(exc)[1] == {
        "success": False,
        "error": "Invalid room [error-invalid-room]",
        "errorType": "error-invalid-room",
        "details": {"method": "unarchiveRoom"},
    }


def test_export_is_recorded(rc_server):
    admin, alice = login(rc_server, "admin"), login(rc_server, "alice")
    assert admin.call_api_post("rooms.export", rid="GENERAL", type="file", format="json") == {
        "success": True
    }
    body = admin.call_api_post("rooms.export", rid="GENERAL", type="email", toUsers=["bob", "x"])
    assert body == {"missing": ["x"], "success": True}
    exports = runtime_of(rc_server.app).store.all("room_exports")
    assert [e["type"] for e in exports] == ["file", "email"]
    assert exports[1]["toEmails"] == ["bob@example.com"]
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("rooms.export", rid="GENERAL", type="email")
    assert api_error(exc)[1] == {
        "success": False,
        "error": "[error-invalid-recipient]",
        "errorType": "error-invalid-recipient",
    }
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.export", rid="GENERAL", type="file")
    assert api_error(exc)[1]["error"] == "Mailing is not allowed [error-action-not-allowed]"
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("rooms.export", rid="GENERAL", type="fax")
    assert api_error(exc)[1]["errorType"] == "invalid-params"


def test_create_discussion(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    mid = alice.chat_post_message("let's discuss", room_id="GENERAL")["message"]["_id"]
    body = alice.rooms_create_discussion(
        "GENERAL", "Design talk", pmid=mid, users=["bob"], reply="first words"
    )
    discussion = body["discussion"]
    assert discussion["prid"] == "GENERAL" and discussion["fname"] == "Design talk"
    assert discussion["rid"] == discussion["_id"] and discussion["t"] == "c"
    assert discussion["usersCount"] == 2
    parent = alice.call_api_get("channels.messages", roomId="GENERAL")["messages"]
    created = next(m for m in parent if m.get("t") == "discussion-created")
    assert created["drid"] == discussion["_id"]
    assert next(m for m in parent if m["_id"] == mid)["drid"] == discussion["_id"]
    found = bob.call_api_get("rooms.getDiscussions", roomId="GENERAL")["discussions"]
    assert discussion["_id"] in [d["_id"] for d in found]
    with pytest.raises(RocketApiException) as exc:
        alice.rooms_create_discussion(discussion["_id"], "nested")
    assert api_error(exc)[1]["errorType"] == "error-nested-discussion"
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("rooms.createDiscussion", prid="GENERAL")
    assert api_error(exc)[1] == {"success": False, "error": 'Body parameter "t_name" is required.'}
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.rooms_create_discussion(leadership, "sneaky")
    assert api_error(exc)[1]["errorType"] == "error-action-not-allowed"


def test_images_and_uploads_delete(rc_server):
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    photo = alice.rooms_media("GENERAL", ("p.png", b"\x89PNG one", "image/png"))["file"]["_id"]
    alice.rooms_media_confirm("GENERAL", photo, msg="pic")
    text = alice.rooms_media("GENERAL", ("t.txt", b"text", "text/plain"))["file"]["_id"]
    body = alice.call_api_get("rooms.images", roomId="GENERAL")
    ids = [f["_id"] for f in body["files"]]
    assert ids[0] == photo and text not in ids and body["total"] == len(ids)
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("rooms.images")
    assert api_error(exc)[1]["errorType"] == "invalid-params"
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_get("rooms.images", roomId=leadership)
    assert api_error(exc)[0] == 403
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_post("uploads.delete", fileId=photo)
    assert api_error(exc)[1]["errorType"] == "error-action-not-allowed"
    assert alice.call_api_post("uploads.delete", fileId=photo) == {
        "deletedFiles": [photo],
        "success": True,
    }
    after = alice.call_api_get("rooms.images", roomId="GENERAL")["files"]
    assert [f["_id"] for f in after] == ids[1:]
    messages = alice.call_api_get("channels.messages", roomId="GENERAL")["messages"]
    assert all((m.get("file") or {}).get("_id") != photo for m in messages)
    assert alice.call_api_post("uploads.delete", fileId=text)["deletedFiles"] == [text]
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_post("uploads.delete", fileId=text)
    assert api_error(exc)[0] == 404


def test_members_ordered_by_role(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("ranked", members=["bob", "admin"])["channel"]["_id"]
    alice.channels_add_moderator(rid, login(rc_server, "bob").headers["X-User-Id"])
    body = alice.call_api_get("rooms.membersOrderedByRole", roomId=rid)
    assert [(m["username"], m["roles"]) for m in body["members"]] == [
        ("alice", ["owner"]),
        ("bob", ["moderator"]),
        ("admin", []),
    ]
    assert body["total"] == 3 and body["count"] == 3
    dm = alice.dm_create("bob")["room"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.call_api_get("rooms.membersOrderedByRole", roomId=dm)
    assert api_error(exc)[1] == {"success": False, "error": "error-room-type-not-supported"}
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        login(rc_server, "bob").call_api_get("rooms.membersOrderedByRole", roomId=leadership)
    assert api_error(exc)[0] == 404


def test_save_room_settings_refuses_before_saving_anything(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("careful")["channel"]["_id"]
    for settings, error_type in (
        ({"roomTopic": "kept?", "roomType": "x"}, "error-invalid-room-type"),
        ({"roomTopic": "kept?", "roomName": "bad name!"}, "error-invalid-room-name"),
        ({"roomTopic": "kept?", "roomCustomFields": "nope"}, "invalid-roomCustomFields-type"),
    ):
        with pytest.raises(RocketApiException) as exc:
            alice.call_api_post("rooms.saveRoomSettings", rid=rid, **settings)
        assert api_error(exc)[1]["errorType"] == error_type
    room = alice.rooms_info(room_id=rid)["room"]
    assert "topic" not in room and room["name"] == "careful" and room["t"] == "c"
    dm = alice.dm_create("bob")["room"]["_id"]
    admin = login(rc_server, "admin")
    with pytest.raises(RocketApiException) as exc:
        admin.call_api_post("rooms.saveRoomSettings", rid=dm, roomType="c")
    assert api_error(exc)[1]["errorType"] == "error-direct-room"


def test_save_room_settings_refuses_texts_that_are_not_text(rc_server):
    alice = login(rc_server, "alice")
    rid = alice.channels_create("texty")["channel"]["_id"]
    for key in ("roomTopic", "roomName", "roomAnnouncement", "roomDescription", "joinCode"):
        with pytest.raises(RocketApiException) as exc:
            alice.call_api_post("rooms.saveRoomSettings", rid=rid, **{key: {"a": 1}})
        assert api_error(exc)[1]["errorType"] == "error-invalid-settings"
    assert alice.rooms_info(room_id=rid)["room"]["name"] == "texty"


def test_an_upload_into_an_unknown_thread_is_refused(rc_server):
    """``sendFileMessage`` goes through ``executeSendMessage``: its thread must exist (this was
    a server error)."""
    alice = login(rc_server, "alice")
    other = alice.channels_create("elsewhere")["channel"]["_id"]
    elsewhere = alice.chat_post_message("parent", room_id=other)["message"]["_id"]
    for tmid in ("nope", elsewhere):
        raw = requests.post(
            f"{rc_server.url}/api/v1/rooms.upload/GENERAL",
            headers=alice.headers,
            files={"file": ("a.txt", b"abc", "text/plain")},
            data={"msg": "attached", "tmid": tmid},
            timeout=5,
        )
        assert raw.status_code == 400, raw.text
        assert raw.json()["errorType"] == "error-invalid-message"
        uploaded = alice.rooms_media("GENERAL", ("b.txt", b"b", "text/plain"))["file"]["_id"]
        with pytest.raises(RocketApiException) as exc:
            alice.rooms_media_confirm("GENERAL", uploaded, tmid=tmid)
        assert exc.value.response_json["errorType"] == "error-invalid-message"
    root = alice.chat_post_message("root", room_id="GENERAL")["message"]["_id"]
    uploaded = alice.rooms_media("GENERAL", ("c.txt", b"c", "text/plain"))["file"]["_id"]
    reply = alice.rooms_media_confirm("GENERAL", uploaded, tmid=root)["message"]
    assert reply["tmid"] == root


def test_join_codes_stay_out_of_the_journal(rc_server):
    """A join code is the room's password."""
    alice, bob = login(rc_server, "alice"), login(rc_server, "bob")
    rid = alice.channels_create("club")["channel"]["_id"]
    alice.call_api_post("rooms.saveRoomSettings", rid=rid, joinCode="J0IN-C0DE-1")
    alice.call_api_post("channels.setJoinCode", roomId=rid, joinCode="J0IN-C0DE-2")
    bob.call_api_post("rooms.join", roomId=rid, joinCode="J0IN-C0DE-2")
    assert_never_journaled(rc_server, "J0IN-C0DE-1", "J0IN-C0DE-2")
