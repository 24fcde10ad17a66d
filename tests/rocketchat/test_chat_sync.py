"""``chat.syncThreadsList``, ``chat.syncThreadMessages``, ``chat.getDiscussions``."""

from __future__ import annotations

import pytest
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException

from emulator.app import runtime_of
from tests.rocketchat.clients import call, refused

EPOCH = "2000-01-01T00:00:00.000Z"


def quiet_room(alice, name):
    """A channel of alice's and bob's without the seeded history's threads and discussions."""
    return alice.channels_create(name, members=["bob"])["channel"]["_id"]


def test_threads_sync_since_a_date(rc_server, alice, bob):
    room = quiet_room(alice, "zz-sync-threads")
    parent = alice.chat_post_message("A thread", room_id=room)["message"]
    reply = bob.chat_post_message("A reply", room_id=parent["rid"], tmid=parent["_id"])["message"]
    threads = alice.chat_sync_thread_list(parent["rid"], EPOCH)["threads"]
    assert [t["_id"] for t in threads["update"]] == [parent["_id"]]
    assert threads["remove"] == []
    messages = alice.chat_sync_thread_messages(parent["_id"], EPOCH)["messages"]
    assert [m["_id"] for m in messages["update"]] == [reply["_id"]]

    later = reply["_updatedAt"]
    assert alice.chat_sync_thread_messages(parent["_id"], later)["messages"]["update"] == []
    runtime_of(rc_server.app).clock.advance(1000)
    bob.chat_delete(room_id=parent["rid"], msg_id=reply["_id"])
    removed = alice.chat_sync_thread_messages(parent["_id"], later)["messages"]["remove"]
    assert [m["_id"] for m in removed] == [reply["_id"]]


def test_sync_refusals(alice, bob):
    with pytest.raises(RocketApiException) as excinfo:
        alice.chat_sync_thread_list("GENERAL", "yesterday")
    assert refused(excinfo) == (
        400,
        {
            "success": False,
            "error": 'must match format "iso-date-time" [invalid-params]',
            "errorType": "invalid-params",
        },
    )
    answer = call(alice, "GET", "chat.syncThreadsList", params={"rid": "GENERAL"})
    assert answer.json()["error"] == "must have required property 'updatedSince' [invalid-params]"
    with pytest.raises(RocketApiException) as excinfo:
        alice.chat_sync_thread_messages("nope", EPOCH)
    assert refused(excinfo)[1]["errorType"] == "error-invalid-message"
    secret = alice.groups_create("zz-secret")["group"]["_id"]
    answer = call(bob, "GET", "chat.syncThreadsList", params={"rid": secret, "updatedSince": EPOCH})
    assert answer.json() == {
        "success": False,
        "error": "Not Allowed [error-not-allowed]",
        "errorType": "error-not-allowed",
    }


def test_discussions_of_a_room(rc_server, alice, bob):
    room = quiet_room(alice, "zz-sync-discussions")
    started = alice.chat_post_message("Let us discuss", room_id=room)["message"]
    alice.chat_post_message("Not a discussion", room_id=room)
    runtime_of(rc_server.app).store.update("messages", started["_id"], {"drid": "someroom"})
    assert [m["_id"] for m in bob.chat_get_discussions(started["rid"])] == [started["_id"]]
    found = call(bob, "GET", "chat.getDiscussions", params={"roomId": started["rid"]}).json()
    assert (found["count"], found["total"]) == (1, 1)
    assert (
        call(
            bob, "GET", "chat.getDiscussions", params={"roomId": started["rid"], "text": "zzz"}
        ).json()["total"]
        == 0
    )
    secret = alice.groups_create("zz-hidden")["group"]["_id"]
    answer = call(bob, "GET", "chat.getDiscussions", params={"roomId": secret})
    assert answer.json() == {"success": False, "error": "error-not-allowed"}
    answer = call(bob, "GET", "chat.getDiscussions")
    assert answer.json()["error"] == "must have required property 'roomId' [invalid-params]"
