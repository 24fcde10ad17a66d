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
