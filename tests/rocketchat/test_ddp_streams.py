"""The DDP methods and streams bots and the web client chat with, beyond ``test_ddp``: the
collection-style subscription the classic SDK makes, ``updateMessage``, and the notify streams."""

from __future__ import annotations

import pytest
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.server import ThreadedServer
from tests.rocketchat.test_ddp import Ddp, room_id


@pytest.fixture
def ddp(rc_server: ThreadedServer):
    clients: list[Ddp] = []

    def make(username: str | None = None) -> Ddp:
        client = Ddp(rc_server)
        clients.append(client)
        if username is not None:
            client.login(username)
        return client

    yield make
    for client in clients:
        client.close()


def meteor_error(error: object, reason: str, method: str) -> dict:
    return {
        "isClientSafe": True,
        "error": error,
        "reason": reason,
        "message": f"{reason} [{error}]",
        "errorType": "Meteor.Error",
        "details": {"method": method},
    }


def test_a_collection_subscription_adds_the_item_its_events_change(rc_server, ddp):
    """``[eventName, true]`` (Asteroid's third ``subscribe`` argument): ``added`` of the item
    ``id`` first, so a client that keeps collections can apply the ``changed`` events."""
    client = ddp("alice")
    params = ["__my_messages__", True]
    client.send({"msg": "sub", "id": "s1", "name": "stream-room-messages", "params": params})
    assert client.recv() == {
        "msg": "added",
        "collection": "stream-room-messages",
        "id": "id",
        "fields": {"eventName": "__my_messages__"},
    }
    assert client.recv() == {"msg": "ready", "subs": ["s1"]}
    # The object form says so with ``useCollection``; ``false`` adds nothing.
    client.send(
        {
            "msg": "sub",
            "id": "s2",
            "name": "stream-notify-logged",
            "params": ["user-status", {"useCollection": True, "args": []}],
        }
    )
    assert client.recv()["msg"] == "added"
    assert client.recv() == {"msg": "ready", "subs": ["s2"]}
    assert client.sub("stream-room-messages", "GENERAL", False)["msg"] == "ready"
    assert client.silent() == []

    RocketChat("bob", "bob-password", server_url=rc_server.url).chat_post_message(
        "hello", room_id="GENERAL"
    )
    changed = client.next_msg("changed")
    assert (changed["collection"], changed["id"]) == ("stream-room-messages", "id")


def test_update_message_edits_over_ddp(rc_server, ddp):
    """The classic SDK's ``editMessage``: ``updateMessage`` answers nothing and the room
    stream carries the edit."""
    client = ddp("alice")
    sent, _ = client.call("sendMessage", {"rid": "GENERAL", "msg": "first try"})
    message = sent["result"]
    assert client.sub("stream-room-messages", "GENERAL", False)["msg"] == "ready"
    edit = {"_id": message["_id"], "rid": "GENERAL", "msg": "fixed"}
    result, _ = client.call("updateMessage", edit)
    assert result == {"msg": "result", "id": result["id"]}
    edit = client.next_msg("changed")["fields"]["args"][0]
    assert (edit["_id"], edit["msg"], edit["editedBy"]["username"]) == (
        message["_id"],
        "fixed",
        "alice",
    )
    stored = runtime_of(rc_server.app).store.get("messages", message["_id"])
    assert stored["msg"] == "fixed"


def test_update_message_refusals(rc_server, ddp):
    client = ddp("alice")
    sent, _ = client.call("sendMessage", {"rid": "GENERAL", "msg": "mine"})
    mine = sent["result"]

    # Any key but tshow/alias/attachments/avatar/emoji/msg must be unchanged (``!==``: objects
    # never compare equal).
    for key, value in (("rid", room_id(rc_server, "engineering")), ("u", mine["u"])):
        result, _ = client.call("updateMessage", {"_id": mine["_id"], key: value, "msg": "x"})
        assert result["error"] == meteor_error(
            "error-invalid-update-key", f"Cannot update the message {key}", "updateMessage"
        )
    # An unknown id or the same text: nothing happens, nothing is answered.
    for edit in ({"_id": "no-such-message", "msg": "x"}, {"_id": mine["_id"], "msg": "mine"}):
        result, _ = client.call("updateMessage", edit)
        assert "error" not in result and "result" not in result
    assert runtime_of(rc_server.app).store.get("messages", mine["_id"]).get("editedAt") is None

    # bob may not edit alice's message.
    other = ddp("bob")
    result, _ = other.call("updateMessage", {"_id": mine["_id"], "rid": "GENERAL", "msg": "hijack"})
    refusal = meteor_error(
        "error-action-not-allowed", "Message editing not allowed", "updateMessage"
    )
    refusal["details"]["action"] = "Message_editing"
    assert result["error"] == refusal

    result, _ = client.call("updateMessage", "not-an-object")
    assert result["error"]["error"] == 400
    anonymous = ddp()
    result, _ = anonymous.call("updateMessage", {"_id": mine["_id"], "msg": "x"})
    assert result["error"] == meteor_error("error-invalid-user", "Invalid user", "updateMessage")


def test_an_edit_in_an_archived_room_is_refused(rc_server, ddp):
    """``executeUpdateMessage`` ends with ``canSendMessageAsync``: the room must still take the
    editor's messages (REST ``chat.update`` runs the same check)."""
    alice = RocketChat("alice", "alice-password", server_url=rc_server.url)
    engineering = room_id(rc_server, "engineering")
    posted = alice.chat_post_message("before the archive", room_id=engineering)["message"]
    RocketChat("admin", "admin-password", server_url=rc_server.url).channels_archive(engineering)
    client = ddp("alice")
    result, _ = client.call(
        "updateMessage", {"_id": posted["_id"], "rid": engineering, "msg": "after"}
    )
    # canSendMessageAsync's refusals are plain Errors: Meteor sends a generic 500.
    assert result["error"] == {
        "isClientSafe": True,
        "error": 500,
        "reason": "Internal server error",
        "message": "Internal server error [500]",
        "errorType": "Meteor.Error",
    }
    stored = runtime_of(rc_server.app).store.get("messages", posted["_id"])
    assert stored["msg"] == "before the archive"


def store(server: ThreadedServer):
    return runtime_of(server.app).store


def stream_events(client: Ddp, event_name: str) -> list:
    """The args of every ``changed`` for ``event_name`` received so far (waits briefly)."""
    return [
        m["fields"]["args"]
        for m in client.silent()
        if m.get("msg") == "changed" and m["fields"]["eventName"] == event_name
    ]


# -- loadHistory, getRoomRoles, readMessages ---------------------------------------------------


def test_load_history_reports_what_is_unread_beyond_the_page(rc_server, ddp):
    """``ls`` (last seen): ``firstUnread`` is the oldest message after it that the page does not
    reach, ``unreadNotLoaded`` how many there are (``loadMessageHistory``)."""
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    lab = bob.channels_create("history-lab")["channel"]["_id"]
    posted = [bob.chat_post_message(f"m{i}", room_id=lab)["message"] for i in range(5)]
    stored = [store(rc_server).get("messages", m["_id"]) for m in posted]
    client = ddp("bob")
    last_seen = {"$date": stored[0]["ts"]}  # m0 seen: m1..m4 unread
    result, _ = client.call("loadHistory", lab, None, 2, last_seen)
    history = result["result"]
    assert [m["msg"] for m in history["messages"]] == ["m4", "m3"]
    assert history["firstUnread"]["_id"] == posted[1]["_id"]
    assert history["unreadNotLoaded"] == 2  # m1, m2
    # The web client passes ls as an ISO string; a page reaching it has nothing more to say.
    whole, _ = client.call("loadHistory", lab, None, 10, "2000-01-01T00:00:00.000Z")
    assert whole["result"]["unreadNotLoaded"] == 0 and "firstUnread" not in whole["result"]


def test_load_history_can_leave_thread_replies_out(rc_server, ddp):
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    lab = bob.channels_create("thread-lab")["channel"]["_id"]
    root = bob.chat_post_message("root", room_id=lab)["message"]
    bob.chat_post_message("reply", room_id=lab, tmid=root["_id"])
    bob.chat_send_message({"rid": lab, "msg": "shown reply", "tmid": root["_id"], "tshow": True})
    client = ddp("bob")
    every, _ = client.call("loadHistory", lab, None, 10, None, True)
    assert [m["msg"] for m in every["result"]["messages"]][:3] == ["shown reply", "reply", "root"]
    main, _ = client.call("loadHistory", lab, None, 10, None, False)
    assert [m["msg"] for m in main["result"]["messages"]][:2] == ["shown reply", "root"]


def test_load_history_without_a_login(rc_server, ddp):
    result, _ = ddp().call("loadHistory", "GENERAL")
    assert result["error"] == meteor_error("error-invalid-user", "Invalid user", "loadHistory")
    store(rc_server).update("settings", "Accounts_AllowAnonymousRead", {"value": True})
    result, _ = ddp().call("loadHistory", "GENERAL")
    assert result["result"] is False


def test_get_room_roles_as_the_real_server(rc_server, ddp):
    """Every described Subscriptions-scope role, by username; a missing room is
    ``error-invalid-room``; real names with ``UI_Use_Real_Name``."""
    admin = RocketChat("admin", "admin-password", server_url=rc_server.url)
    engineering = room_id(rc_server, "engineering")
    bob_id = store(rc_server).find_one("users", "username", "bob")["_id"]
    admin.channels_add_moderator(engineering, bob_id)
    client = ddp("alice")
    result, _ = client.call("getRoomRoles", engineering)
    roles = {r["u"]["username"]: r["roles"] for r in result["result"]}
    assert roles["bob"] == ["moderator"] and "owner" in roles["admin"]
    names = [r["u"]["username"] for r in result["result"]]
    assert names == sorted(names)
    missing, _ = client.call("getRoomRoles", "no-such-room")
    assert missing["error"] == meteor_error("error-invalid-room", "Invalid room", "getRoomRoles")

    store(rc_server).update("settings", "UI_Use_Real_Name", {"value": True})
    result, _ = client.call("getRoomRoles", engineering)
    bob = next(r for r in result["result"] if r["u"]["username"] == "bob")
    assert bob["u"]["name"] == "Bob Builder"


def test_read_messages_refusals(rc_server, ddp):
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    public = bob.channels_create("read-lab")["channel"]["_id"]
    client = ddp("alice")
    leadership = room_id(rc_server, "leadership")
    denied, _ = ddp("bob").call("readMessages", leadership)
    assert denied["error"] == meteor_error("error-not-allowed", "Not allowed", "readMessages")
    # A readable room without a subscription: readMessages throws a plain Error.
    hidden, _ = client.call("readMessages", public)
    assert (hidden["error"]["error"], hidden["error"]["reason"]) == (500, "Internal server error")


# -- presence ----------------------------------------------------------------------------------


def test_user_presence_follows_the_connections_and_the_default(rc_server, ddp):
    """``UserPresence:away``/``online`` set this connection's status; the user shows the best
    of their connections while their default is online, else the default (busy, invisible)."""
    watcher = ddp("bob")
    assert watcher.sub("stream-notify-logged", "user-status", False)["msg"] == "ready"
    first = ddp("alice")
    alice = first.user_id

    def status() -> str:
        return store(rc_server).get("users", alice)["status"]

    assert status() == "online"
    assert first.call("UserPresence:away")[0]["result"] is True
    assert status() == "away"
    assert first.call("UserPresence:away")[0]["result"] is False
    second = ddp("alice")  # a second tab, active
    assert status() == "online"
    second.call("UserPresence:away")
    assert status() == "away"
    first.call("UserPresence:online")
    assert status() == "online"

    assert first.call("UserPresence:setDefaultStatus", "busy")[0]["result"] is True
    assert first.call("UserPresence:setDefaultStatus", "busy")[0]["result"] is False
    assert status() == "busy"
    first.call("UserPresence:away")
    assert status() == "busy"  # a chosen status wins over an idle connection
    first.call("UserPresence:setDefaultStatus", "offline")
    assert status() == "offline"  # invisible while connected
    codes = [args[0][2] for args in stream_events(watcher, "user-status") if args[0][0] == alice]
    assert codes[-6:] == [2, 1, 2, 1, 3, 0]


def test_an_invisible_user_stays_offline_when_connecting(rc_server, ddp):
    alice = store(rc_server).find_one("users", "username", "alice")
    store(rc_server).update("users", alice["_id"], {"statusDefault": "offline"})
    ddp("alice")
    assert store(rc_server).get("users", alice["_id"])["status"] == "offline"


# -- stream-notify-user, stream-notify-room ----------------------------------------------------


def test_a_new_message_changes_the_room_for_every_member(rc_server, ddp):
    """The room's ``lastMessage`` moved: ``rooms-changed`` ``updated`` reaches each member who
    listens (``notifyOnRoomChangedById``)."""
    alice = ddp("alice")
    assert (
        alice.sub("stream-notify-user", f"{alice.user_id}/rooms-changed", False)["msg"] == "ready"
    )
    posted = RocketChat("bob", "bob-password", server_url=rc_server.url).chat_post_message(
        "news", room_id="GENERAL"
    )["message"]
    changed = alice.next_msg("changed")["fields"]
    assert changed["eventName"] == f"{alice.user_id}/rooms-changed"
    action, room = changed["args"]
    assert (action, room["_id"], room["lastMessage"]["_id"]) == (
        "updated",
        "GENERAL",
        posted["_id"],
    )
    assert isinstance(room["lm"]["$date"], int)


def test_desktop_notifications_for_dms_mentions_and_room_messages(rc_server, ddp):
    """``<uid>/notification``: the DM's title is the sender, a room's is ``#name`` with the
    sender in the text; the sender and busy people get none."""
    alice = ddp("alice")
    event = f"{alice.user_id}/notification"
    assert alice.sub("stream-notify-user", event, False)["msg"] == "ready"
    bob_ddp = ddp("bob")
    assert bob_ddp.sub("stream-notify-user", f"{bob_ddp.user_id}/notification", False)
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    direct = bob.chat_post_message("psst", channel="@alice")["message"]
    engineering = room_id(rc_server, "engineering")
    mention = bob.chat_post_message("@alice look", room_id=engineering)["message"]

    first = alice.next_msg("changed")["fields"]
    assert first["eventName"] == event
    [notification] = first["args"]
    bob_user = {"_id": bob_ddp.user_id, "username": "bob", "name": "Bob Builder"}
    assert notification == {
        "title": "bob",
        "text": "psst",
        "payload": {
            "_id": direct["_id"],
            "rid": direct["rid"],
            "sender": bob_user,
            "type": "d",
            "message": {"msg": "psst"},
            "name": "bob",
        },
    }
    [notification] = alice.next_msg("changed")["fields"]["args"]
    assert (notification["title"], notification["text"]) == ("#engineering", "bob: @alice look")
    assert notification["payload"]["_id"] == mention["_id"]
    assert notification["payload"]["name"] == "engineering"
    assert bob_ddp.silent() == []  # not to the sender

    alice.call("UserPresence:setDefaultStatus", "busy")
    bob.chat_post_message("still there?", channel="@alice")
    assert stream_events(alice, event) == []


def test_a_refused_send_tells_the_sender_on_their_stream(rc_server, ddp):
    """``executeSendMessage`` broadcasts ``notify.ephemeralMessage`` with the refusal's text."""
    engineering = room_id(rc_server, "engineering")
    store(rc_server).update("rooms", engineering, {"muted": ["alice"]})
    alice = ddp("alice")
    assert alice.sub("stream-notify-user", f"{alice.user_id}/message", False)["msg"] == "ready"
    result, _ = alice.call("sendMessage", {"rid": engineering, "msg": "can you hear me"})
    assert "error" not in result and "result" not in result
    [ephemeral] = alice.next_msg("changed")["fields"]["args"]
    assert ephemeral["msg"] == "You have been muted and cannot speak in this room"
    assert (ephemeral["rid"], ephemeral["groupable"]) == (engineering, False)
    assert isinstance(ephemeral["ts"]["$date"], int) and isinstance(ephemeral["_id"], str)


def test_deleting_a_message_reaches_the_room_stream(rc_server, ddp):
    alice = ddp("alice")
    assert alice.sub("stream-notify-room", "GENERAL/deleteMessage", False)["msg"] == "ready"
    bob = RocketChat("bob", "bob-password", server_url=rc_server.url)
    posted = bob.chat_post_message("oops", room_id="GENERAL")["message"]
    bob.chat_delete("GENERAL", posted["_id"])
    changed = alice.next_msg("changed")
    assert changed["collection"] == "stream-notify-room"
    assert changed["fields"] == {
        "eventName": "GENERAL/deleteMessage",
        "args": [{"_id": posted["_id"]}],
    }


def test_the_legacy_typing_event_is_not_written(rc_server, ddp):
    """The write rule takes ``user-activity`` only: ``<rid>/typing`` reaches nobody."""
    bob = ddp("bob")
    assert bob.sub("stream-notify-room", "GENERAL/typing", False)["msg"] == "ready"
    alice = ddp("alice")
    alice.call("stream-notify-room", "GENERAL/typing", "alice", True)
    assert bob.silent() == []
