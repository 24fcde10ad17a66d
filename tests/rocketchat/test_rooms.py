"""rooms.*: any room type, uploads and the files served back."""

from datetime import datetime, timedelta

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat


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
