"""chat.*: posting, editing, deleting, reactions, pins, stars, threads, sync."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of


def login(server, name):
    return RocketChat(name, f"{name}-password", server_url=server.url)


def general_id(rocket):
    return rocket.channels_info(channel="general")["channel"]["_id"]


def test_post_message_shapes(rc_server):
    alice = login(rc_server, "alice")
    body = alice.chat_post_message("hello @bob", channel="#general")
    assert set(body) == {"ts", "channel", "message", "success"}
    assert isinstance(body["ts"], int) and body["channel"] == "#general"
    message = body["message"]
    assert message["rid"] == "GENERAL" and message["msg"] == "hello @bob"
    assert message["u"]["username"] == "alice"
    assert message["ts"].endswith("Z") and len(message["_id"]) == 17
    assert [m["username"] for m in message["mentions"]] == ["bob"]
    assert message["groupable"] is False and message["attachments"] == []
    by_id = alice.chat_post_message("again", room_id="GENERAL")
    assert by_id["channel"] == "GENERAL"
    fetched = alice.chat_get_message(message["_id"])
    assert fetched["message"]["msg"] == "hello @bob"


def test_post_to_username_opens_dm(rc_server):
    alice = login(rc_server, "alice")
    body = alice.chat_post_message("psst", channel="@bob")
    rid = body["message"]["rid"]
    ims = list(alice.dm_list())
    assert rid in [r["_id"] for r in ims]
    bob = login(rc_server, "bob")
    assert bob.call_api_get("im.history", roomId=rid)["messages"][0]["msg"] == "psst"


def test_post_errors(rc_server):
    alice = login(rc_server, "alice")
    with pytest.raises(RocketApiException) as exc:
        alice.chat_post_message("x", channel="#no-such-room")
    assert exc.value.response_json == {
        "success": False,
        "error": "[invalid-channel]",
        "errorType": "invalid-channel",
    }
    with pytest.raises(RocketApiException) as exc:
        alice.chat_post_message("x" * 5001, room_id="GENERAL")
    assert exc.value.response_json == {"success": False, "error": "error-message-size-exceeded"}
    with pytest.raises(RocketApiException) as exc:
        alice.chat_post_message("x", room_id="GENERAL", alias="Boss")
    assert exc.value.response_json == {"success": False, "error": "Not enough permission"}
    raw = requests.post(
        f"{rc_server.url}/api/v1/chat.postMessage",
        headers=alice.headers,
        json={"roomId": "GENERAL", "text": 5},
        timeout=5,
    )
    assert raw.status_code == 400 and raw.json()["success"] is False
    # bob is not in leadership: he cannot post there
    bob = login(rc_server, "bob")
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        bob.chat_post_message("let me in", room_id=leadership)
    assert exc.value.response_json == {"success": False, "error": "error-not-allowed"}


def test_bot_may_impersonate(rc_server):
    bot = login(rc_server, "helper-bot")
    body = bot.chat_post_message("deployed", room_id="GENERAL", alias="CI", emoji=":rocket:")
    assert body["message"]["alias"] == "CI" and body["message"]["emoji"] == ":rocket:"


def test_read_only_room(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("read-only-news", members=["bob"], readOnly=True)["channel"]["_id"]
    assert alice.chat_post_message("owner may post", room_id=rid)["success"] is True
    with pytest.raises(RocketApiException) as exc:
        bob.chat_post_message("me too", room_id=rid)
    assert exc.value.response_json == {
        "success": False,
        "error": "You can't send messages because the room is readonly.",
    }


def test_send_message_with_client_id_and_size_limit(rc_server):
    alice = login(rc_server, "alice")
    body = alice.chat_send_message({"_id": "client-chosen-id-1", "rid": "GENERAL", "msg": "hi"})
    assert body["message"]["_id"] == "client-chosen-id-1" and body["success"] is True
    with pytest.raises(RocketApiException) as exc:
        alice.chat_send_message({"rid": "GENERAL", "msg": "y" * 5001})
    assert exc.value.response_json == {
        "success": False,
        "error": "Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]",
        "errorType": "error-message-size-exceeded",
        "details": {"method": "sendMessage"},
    }
    raw = requests.post(
        f"{rc_server.url}/api/v1/chat.sendMessage", headers=alice.headers, json={}, timeout=5
    )
    assert raw.status_code == 400
    assert raw.json()["error"] == 'The "message" parameter must be provided. [error-invalid-params]'


def test_update_and_delete(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    mid = alice.chat_post_message("draft", room_id="GENERAL")["message"]["_id"]
    updated = alice.chat_update("GENERAL", mid, "final")["message"]
    assert updated["msg"] == "final" and updated["editedBy"]["username"] == "alice"
    assert "editedAt" in updated
    with pytest.raises(RocketApiException) as exc:
        bob.chat_update("GENERAL", mid, "hacked")
    assert (
        exc.value.response_json["error"] == "Message editing not allowed [error-action-not-allowed]"
    )
    with pytest.raises(RocketApiException) as exc:
        alice.chat_update("ENGINEERING", mid, "x")
    assert exc.value.response_json["error"] == (
        "The room id provided does not match where the message is from."
    )
    with pytest.raises(RocketApiException) as exc:
        bob.chat_delete("GENERAL", mid)
    assert exc.value.response_json["errorType"] == "error-action-not-allowed"
    deleted = alice.chat_delete("GENERAL", mid)
    assert deleted["_id"] == mid and isinstance(deleted["ts"], str)
    assert deleted["message"]["_id"] == mid
    with pytest.raises(RocketApiException) as exc:
        alice.chat_delete("GENERAL", mid)
    assert exc.value.response_json == {
        "success": False,
        "error": f'No message found with the id of "{mid}".',
    }
    with pytest.raises(RocketApiException) as exc:
        alice.chat_get_message(mid)
    assert exc.value.response_json == {
        "success": False,
        "error": "Invalid message [error-invalid-message]",
        "errorType": "error-invalid-message",
        "details": {"method": "getSingleMessage"},
    }


def test_react_toggle_and_should_react(rc_server):
    alice = login(rc_server, "alice")
    mid = alice.chat_post_message("react to me", room_id="GENERAL")["message"]["_id"]
    assert alice.chat_react(mid, "tada") == {"success": True}
    reactions = alice.chat_get_message(mid)["message"]["reactions"]
    assert reactions == {":tada:": {"usernames": ["alice"]}}
    alice.chat_react(mid, "tada", shouldReact=True)  # already reacted: unchanged
    assert alice.chat_get_message(mid)["message"]["reactions"] == reactions
    alice.chat_react(mid, "tada")
    assert (
        "reactions" not in alice.chat_get_message(mid)["message"]
        or not alice.chat_get_message(mid)["message"]["reactions"]
    )
    with pytest.raises(RocketApiException) as exc:
        alice.chat_react("nope", "tada")
    assert exc.value.response_json == {
        "success": False,
        "error": 'The provided "messageId" does not match any existing message. '
        "[error-message-not-found]",
        "errorType": "error-message-not-found",
    }


def test_pin_and_star(rc_server):
    admin = login(rc_server, "admin")
    alice = login(rc_server, "alice")
    mid = alice.chat_post_message("pin me", room_id="GENERAL")["message"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        alice.chat_pin_message(mid)
    assert exc.value.response_json["error"] == "Not Authorized [not-authorized]"
    pinned = admin.chat_pin_message(mid)["message"]
    assert pinned["t"] == "message_pinned"
    assert pinned["attachments"][0]["text"] == "pin me"
    assert [m["_id"] for m in alice.chat_get_pinned_messages("GENERAL")] == [mid]
    assert admin.chat_unpin_message(mid) == {"success": True}
    assert list(alice.chat_get_pinned_messages("GENERAL")) == []
    assert alice.chat_star_message(mid) == {"success": True}
    assert [m["_id"] for m in alice.chat_get_starred_messages("GENERAL")] == [mid]
    assert alice.chat_unstar_message(mid) == {"success": True}
    assert list(alice.chat_get_starred_messages("GENERAL")) == []


def test_threads(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("threads-here", members=["bob"])["channel"]["_id"]
    parent = alice.chat_post_message("topic", room_id=rid)["message"]["_id"]
    bob.chat_post_message("reply 1", room_id=rid, tmid=parent)
    bob.chat_post_message("reply 2", room_id=rid, tmid=parent)
    replies = list(alice.chat_get_thread_messages(parent))
    assert [m["msg"] for m in replies] == ["reply 1", "reply 2"]
    assert all(m["tmid"] == parent for m in replies)
    threads = list(alice.chat_get_threads_list(rid))
    assert [t["_id"] for t in threads] == [parent] and threads[0]["tcount"] == 2
    assert alice.chat_unfollow_message(parent) == {"success": True}
    assert list(alice.chat_get_threads_list(rid, type="following")) == []
    assert alice.chat_follow_message(parent) == {"success": True}
    assert len(list(alice.chat_get_threads_list(rid, type="following"))) == 1
    raw = requests.get(
        f"{rc_server.url}/api/v1/chat.getThreadMessages", headers=alice.headers, timeout=5
    )
    assert (
        raw.json()["error"] == 'The required "tmid" query param is missing. [error-invalid-params]'
    )
    raw = requests.post(
        f"{rc_server.url}/api/v1/chat.followMessage", headers=alice.headers, json={}, timeout=5
    )
    assert raw.json() == {
        "success": False,
        "error": '[The required "mid" body param is missing.]',
        "errorType": 'The required "mid" body param is missing.',
    }


def test_search_mentions_sync_and_deleted(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    rid = alice.channels_create("searchable", members=["bob"])["channel"]["_id"]
    bob.chat_post_message("needle in the haystack, @alice", room_id=rid)
    keep = alice.chat_post_message("nothing here", room_id=rid)["message"]
    found = alice.call_api_get("chat.search", roomId=rid, searchText="NEEDLE")
    assert [m["msg"] for m in found["messages"]] == ["needle in the haystack, @alice"]
    mentioned = list(alice.chat_get_mentioned_messages(rid))
    assert [m["u"]["username"] for m in mentioned] == ["bob"]
    since = keep["ts"]
    alice.chat_delete(rid, keep["_id"])
    synced = alice.chat_sync_messages(rid, "2000-01-01T00:00:00.000Z")["result"]
    assert keep["_id"] in [d["_id"] for d in synced["deleted"]]
    assert "_deletedAt" in synced["deleted"][0]
    deleted = list(alice.chat_get_deleted_messages(rid, since))
    assert deleted == [{"_id": keep["_id"]}]
    raw = requests.get(
        f"{rc_server.url}/api/v1/chat.syncMessages",
        headers=alice.headers,
        params={"roomId": rid},
        timeout=5,
    )
    assert raw.json()["errorType"] == "error-lastUpdate-param-not-provided"
    raw = requests.get(
        f"{rc_server.url}/api/v1/chat.syncMessages",
        headers=alice.headers,
        params={"roomId": rid, "lastUpdate": "yesterday"},
        timeout=5,
    )
    assert raw.json()["error"] == (
        'The "lastUpdate" query parameter must be a valid date. [error-roomId-param-invalid]'
    )


def test_ignore_user(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    assert alice.chat_ignore_user("GENERAL", bob.headers["X-User-Id"]) == {"success": True}
    sub = alice.subscriptions_get_one("GENERAL")["subscription"]
    assert sub["ignored"] == [bob.headers["X-User-Id"]]
    alice.chat_ignore_user("GENERAL", bob.headers["X-User-Id"], ignore=False)
    assert alice.subscriptions_get_one("GENERAL")["subscription"]["ignored"] == []


def test_events_published(rc_server):
    rt = runtime_of(rc_server.app)
    seen = []
    unsubscribe = rt.events.subscribe(lambda name, payload: seen.append((name, payload)))
    try:
        alice = login(rc_server, "alice")
        mid = alice.chat_post_message("evented", room_id="GENERAL")["message"]["_id"]
        alice.chat_delete("GENERAL", mid)
    finally:
        unsubscribe()
    names = [(n, p["eventName"]) for n, p in seen]
    assert ("stream-room-messages", "GENERAL") in names
    assert ("stream-notify-room", "GENERAL/deleteMessage") in names
    deleted = next(p for n, p in seen if p["eventName"] == "GENERAL/deleteMessage")
    assert deleted["args"] == [{"_id": mid}]


def test_denials_for_lists_and_system_messages(rc_server):
    alice = login(rc_server, "alice")
    bob = login(rc_server, "bob")
    leadership = alice.groups_info(room_name="leadership")["group"]["_id"]
    with pytest.raises(RocketApiException) as exc:
        list(bob.chat_get_starred_messages(leadership))
    assert exc.value.response_json == {"success": False, "error": "error-not-allowed"}
    with pytest.raises(RocketApiException) as exc:
        list(bob.chat_get_pinned_messages(leadership))
    assert exc.value.response_json == {
        "success": False,
        "error": "Not allowed [error-not-allowed]",
        "errorType": "error-not-allowed",
    }
    with pytest.raises(RocketApiException) as exc:
        bob.call_api_get("chat.search", roomId=leadership, searchText="x")
    assert exc.value.response_json == {"success": False}
    with pytest.raises(RocketApiException) as exc:
        alice.chat_send_message({"rid": "GENERAL", "msg": "x", "t": "uj"})
    assert exc.value.response_json == {
        "success": False,
        "error": "Cannot send system messages using 'chat.sendMessage'",
    }


def test_bad_input_is_a_400_never_a_500(rc_server):
    alice = login(rc_server, "alice")
    headers = {**alice.headers, "Content-Type": "application/json"}
    posts = [
        "chat.postMessage",
        "chat.sendMessage",
        "chat.update",
        "chat.delete",
        "chat.react",
        "chat.pinMessage",
        "chat.starMessage",
        "chat.followMessage",
        "im.create",
        "rooms.favorite",
        "rooms.cleanHistory",
        "subscriptions.read",
        "integrations.create",
        "teams.create",
        "teams.addMembers",
    ]
    bodies = (
        "{not json",
        "[1, 2]",
        '{"roomId": 5, "msgId": [], "text": {}, "message": "x", "messageId": 7, "mid": 1}',
        '{"channel": ["#general"], "attachments": 5, "members": "x", "type": 9}',
    )
    for endpoint in posts:
        for body in bodies:
            response = requests.post(
                f"{rc_server.url}/api/v1/{endpoint}", data=body, headers=headers, timeout=5
            )
            assert 400 <= response.status_code < 500, (endpoint, body, response.text)
            assert response.json()["success"] is False
    gets = ["chat.getMessage", "chat.search", "chat.syncMessages", "chat.getThreadsList"]
    for endpoint in gets:
        response = requests.get(
            f"{rc_server.url}/api/v1/{endpoint}",
            params={"roomId": "x" * 5000, "sort": "{bad", "count": "many"},
            headers=alice.headers,
            timeout=5,
        )
        assert 400 <= response.status_code < 500, (endpoint, response.text)
