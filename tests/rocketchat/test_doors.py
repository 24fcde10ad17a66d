"""One write, every door: REST, DDP (socket and ``method.call`` bridge) and legacy REST reach the
same domain operation, so they leave the same stored state and publish the same events.

Each door runs on a freshly reset workspace with the clock frozen at the same instant; events are
recorded from ``rt.events`` (published synchronously, before the door answers).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.core.runtime import Runtime
from emulator.rocketchat import models
from emulator.server import ThreadedServer
from tests.rocketchat.test_ddp import Ddp

TIMEOUT = 5
FROZEN_AT = 1_900_000_000_000
Events = list[tuple[str, dict]]
TWO_FACTOR = {  # settings writes ask for the password again
    "x-2fa-code": hashlib.sha256(b"admin-password").hexdigest(),
    "x-2fa-method": "password",
}


class Recorder:
    """The events ``rt.events`` carries while recording."""

    def __init__(self, rt: Runtime) -> None:
        self.events: Events = []
        self._unsubscribe = rt.events.subscribe(lambda name, payload: self._record(name, payload))
        self.recording = False

    def _record(self, name: str, payload: dict) -> None:
        if self.recording:
            self.events.append((name, json.loads(json.dumps(payload))))

    def close(self) -> None:
        self._unsubscribe()


@pytest.fixture
def fresh(rc_server: ThreadedServer) -> Iterator[Callable[[], tuple[Runtime, Recorder]]]:
    """A reset workspace with a frozen clock and an event recorder, once per door."""
    recorders: list[Recorder] = []

    def make() -> tuple[Runtime, Recorder]:
        rt = runtime_of(rc_server.app)
        rt.reset()
        rt.clock.freeze(FROZEN_AT)
        recorder = Recorder(rt)
        recorders.append(recorder)
        return rt, recorder

    yield make
    for recorder in recorders:
        recorder.close()


def rest(server: ThreadedServer, username: str) -> dict:
    return RocketChat(username, f"{username}-password", server_url=server.url).headers


def post(server: ThreadedServer, path: str, headers: dict, body: dict) -> requests.Response:
    response = requests.post(f"{server.url}/api/{path}", headers=headers, json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response


def bridge(server: ThreadedServer, headers: dict, method: str, *params: Any) -> dict:
    call = {"msg": "method", "method": method, "id": "1", "params": list(params)}
    response = post(server, f"v1/method.call/{method}", headers, {"message": json.dumps(call)})
    reply = json.loads(response.json()["message"])
    assert "error" not in reply, reply
    return reply


def ddp_login(server: ThreadedServer, username: str) -> Ddp:
    client = Ddp(server)
    client.login(username)
    return client


def hang_up(server: ThreadedServer, client: Ddp) -> None:
    """Close ``client`` and wait until the server has let the connection go (and published the
    user's going offline), so nothing of it lands in the next door's recording."""
    client.close()
    hub = runtime_of(server.app).realtime
    deadline = time.monotonic() + TIMEOUT
    while hub.connections() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert hub.connections() == []


def normalised(value: Any, ids: dict[str, str]) -> Any:
    """``value`` with the door-dependent message ids replaced by their names in ``ids``."""
    text = json.dumps(value, sort_keys=True)
    for real, name in ids.items():
        text = text.replace(real, name)
    return json.loads(text)


# -- sending a message ------------------------------------------------------------------------


def send_through(door: str, server: ThreadedServer, recorder: Recorder) -> None:
    text = "hello @bob, through every door"
    if door == "rest":
        headers = rest(server, "alice")
        recorder.recording = True
        post(server, "v1/chat.sendMessage", headers, {"message": {"rid": "GENERAL", "msg": text}})
    elif door == "legacy":
        headers = rest(server, "alice")
        recorder.recording = True
        post(server, "rooms/GENERAL/send", headers, {"msg": text})
    elif door == "bridge":
        headers = rest(server, "alice")
        recorder.recording = True
        bridge(server, headers, "sendMessage", {"rid": "GENERAL", "msg": text})
    else:
        client = ddp_login(server, "alice")
        try:
            recorder.recording = True
            result, _ = client.call("sendMessage", {"rid": "GENERAL", "msg": text})
            assert "error" not in result, result
        finally:
            recorder.recording = False
            hang_up(server, client)
    recorder.recording = False


DOORS = ("rest", "ddp", "bridge", "legacy")


def test_sending_a_message_is_the_same_through_every_door(rc_server, fresh):
    outcomes = {}
    for door in DOORS:
        rt, recorder = fresh()
        before = {m["_id"] for m in rt.store.find("messages", "rid", "GENERAL")}
        send_through(door, rc_server, recorder)
        (message,) = [
            m for m in rt.store.find("messages", "rid", "GENERAL") if m["_id"] not in before
        ]
        ids = {message["_id"]: "<message>"}
        state = {
            "message": message,
            "room": rt.store.get("rooms", "GENERAL"),
            "subscriptions": sorted(
                rt.store.find("subscriptions", "rid", "GENERAL"), key=lambda s: s["_id"]
            ),
        }
        outcomes[door] = normalised({"state": state, "events": recorder.events}, ids)
    rest_outcome = outcomes["rest"]
    assert rest_outcome["events"][0][0] == "stream-room-messages"
    assert rest_outcome["state"]["message"]["msg"] == "hello @bob, through every door"
    for door in DOORS[1:]:
        assert outcomes[door] == rest_outcome, door


# -- the thread and id rules of sending (models.execute_send_message) -------------------------


def send_checked(door: str, server: ThreadedServer, message: dict) -> str | None:
    """Send ``message`` as alice through ``door``: the refusal's error id, else None."""
    if door == "rest":
        response = requests.post(
            f"{server.url}/api/v1/chat.sendMessage",
            headers=rest(server, "alice"),
            json={"message": message},
            timeout=TIMEOUT,
        )
        return None if response.status_code == 200 else response.json()["errorType"]
    client = ddp_login(server, "alice")
    try:
        result, _ = client.call("sendMessage", message)
    finally:
        hang_up(server, client)
    return result["error"]["error"] if "error" in result else None


def test_thread_replies_and_client_ids_follow_one_rule_through_rest_and_ddp(rc_server, fresh):
    for door in ("rest", "ddp"):
        rt, _ = fresh()
        alice = models.find_user(rt, "alice")
        room = rt.store.get("rooms", "GENERAL")
        root = models.post_message(rt, room, alice, "root")
        reply = models.post_message(rt, room, alice, "reply", tmid=root["_id"])
        nested = {"_id": "NestedReply01", "rid": "GENERAL", "msg": "nested", "tmid": reply["_id"]}
        assert send_checked(door, rc_server, nested) is None, door
        assert rt.store.get("messages", "NestedReply01")["tmid"] == root["_id"], door  # no nesting

        again = {"_id": "NestedReply01", "rid": "GENERAL", "msg": "again"}
        refused = send_checked(door, rc_server, again)
        assert (
            refused == {"rest": "error-message-already-exists", "ddp": None}[door]
        )  # DDP: swallowed
        assert rt.store.get("messages", "NestedReply01")["msg"] == "nested", door

        stranger = {"rid": "GENERAL", "msg": "elsewhere", "tmid": "NoSuchParent01"}
        before = len(rt.store.find("messages", "rid", "GENERAL"))
        refused = send_checked(door, rc_server, stranger)
        assert refused == {"rest": "error-invalid-message", "ddp": None}[door]
        models.set_setting_value(rt, "Threads_enabled", False)
        try:
            off = {"rid": "GENERAL", "msg": "threads off", "tmid": root["_id"]}
            assert send_checked(door, rc_server, off) == "error-not-allowed", door
        finally:
            models.set_setting_value(rt, "Threads_enabled", True)
        assert len(rt.store.find("messages", "rid", "GENERAL")) == before, door


# -- reacting ---------------------------------------------------------------------------------


def react_through(door: str, server: ThreadedServer, message_id: str, recorder: Recorder) -> None:
    if door == "rest":
        headers = rest(server, "bob")
        recorder.recording = True
        post(server, "v1/chat.react", headers, {"messageId": message_id, "emoji": "tada"})
    elif door == "bridge":
        headers = rest(server, "bob")
        recorder.recording = True
        bridge(server, headers, "setReaction", ":tada:", message_id)
    else:
        client = ddp_login(server, "bob")
        try:
            recorder.recording = True
            result, _ = client.call("setReaction", ":tada:", message_id)
            assert "error" not in result, result
        finally:
            recorder.recording = False
            hang_up(server, client)
    recorder.recording = False


def test_reacting_is_the_same_through_rest_ddp_and_the_bridge(rc_server, fresh):
    outcomes = {}
    for door in ("rest", "ddp", "bridge"):
        rt, recorder = fresh()
        alice = models.find_user(rt, "alice")
        room = rt.store.get("rooms", "GENERAL")
        message = models.post_message(rt, room, alice, "react to me")
        react_through(door, rc_server, message["_id"], recorder)
        stored = rt.store.get("messages", message["_id"])
        assert stored["reactions"] == {":tada:": {"usernames": ["bob"]}}
        outcomes[door] = normalised(
            {"stored": stored, "events": recorder.events}, {message["_id"]: "<message>"}
        )
    assert outcomes["rest"]["events"] == [  # normalised: JSON lists, not tuples
        ["stream-room-messages", {"eventName": "GENERAL", "args": [outcomes["rest"]["stored"]]}]
    ]
    assert outcomes["ddp"] == outcomes["rest"]
    assert outcomes["bridge"] == outcomes["rest"]


def test_a_ddp_reaction_reaches_room_message_subscribers(rc_server):
    alice, bob = ddp_login(rc_server, "alice"), ddp_login(rc_server, "bob")
    try:
        assert alice.sub("stream-room-messages", "GENERAL", False)["msg"] == "ready"
        sent, _ = alice.call("sendMessage", {"rid": "GENERAL", "msg": "react to me"})
        mid = sent["result"]["_id"]
        assert alice.next_msg("changed")["fields"]["args"][0]["_id"] == mid  # the message itself
        bob.call("setReaction", ":tada:", mid)
        changed = alice.next_msg("changed")
        (message,) = changed["fields"]["args"]
        assert changed["fields"]["eventName"] == "GENERAL"
        assert message["_id"] == mid
        assert message["reactions"] == {":tada:": {"usernames": ["bob"]}}
        bob.call("setReaction", ":tada:", mid, True)  # already there: no change, no event
        bob.call("setReaction", ":tada:", mid, False)
        (message,) = alice.next_msg("changed")["fields"]["args"]
        assert message["reactions"] == {}
    finally:
        alice.close()
        bob.close()


# -- joining a channel (models.join_room) ---------------------------------------------------


def join_through(door: str, server: ThreadedServer, rid: str, recorder: Recorder) -> None:
    if door == "rest":
        headers = rest(server, "alice")
        recorder.recording = True
        post(server, "v1/channels.join", headers, {"roomId": rid})
    elif door == "bridge":
        headers = rest(server, "alice")
        recorder.recording = True
        assert bridge(server, headers, "joinRoom", rid)["result"] is True
    else:
        client = ddp_login(server, "alice")
        try:
            recorder.recording = True
            result, _ = client.call("joinRoom", rid)
            assert result["result"] is True, result
        finally:
            recorder.recording = False
            hang_up(server, client)
    recorder.recording = False


def test_joining_a_channel_is_the_same_through_rest_ddp_and_the_bridge(rc_server, fresh):
    outcomes = {}
    for door in ("rest", "ddp", "bridge"):
        rt, recorder = fresh()
        admin = models.find_user(rt, "admin")
        room = models.create_named_room(rt, admin, "c", "door-join", [], False)
        alice = models.find_user(rt, "alice")
        join_through(door, rc_server, room["_id"], recorder)
        sub = models.subscription(rt, room["_id"], alice["_id"])
        (joined,) = [m for m in rt.store.find("messages", "rid", room["_id"]) if m["t"] == "uj"]
        ids = {room["_id"]: "<room>", sub["_id"]: "<sub>", joined["_id"]: "<uj>"}
        state = {"room": rt.store.get("rooms", room["_id"]), "sub": sub, "uj": joined}
        outcomes[door] = normalised({"state": state, "events": recorder.events}, ids)
    assert [name for name, _ in outcomes["rest"]["events"]] != []
    assert outcomes["ddp"] == outcomes["rest"]
    assert outcomes["bridge"] == outcomes["rest"]


# -- typing: written on DDP, or through the REST bridge -----------------------------------------


def test_typing_through_the_rest_bridge_reaches_socket_readers(rc_server):
    reader = ddp_login(rc_server, "bob")
    try:
        assert reader.sub("stream-notify-room", "GENERAL/user-activity", False)["msg"] == "ready"
        headers = rest(rc_server, "alice")
        bridge(rc_server, headers, "stream-notify-room", "GENERAL/user-activity", "alice", ["x"])
        changed = reader.next_msg("changed")
        assert changed["fields"] == {"eventName": "GENERAL/user-activity", "args": ["alice", ["x"]]}
    finally:
        reader.close()


def test_user_activity_is_published_by_the_domain_operation(rc_app):
    rt = runtime_of(rc_app)
    recorder = Recorder(rt)
    recorder.recording = True
    try:
        alice, bob = models.find_user(rt, "alice"), models.find_user(rt, "bob")
        room = rt.store.get("rooms", "GENERAL")
        assert models.user_activity(rt, room, alice, "alice", ["user-typing"], [{}], origin="c1")
        assert not models.user_activity(rt, room, alice, "bob", ["user-typing"], [])  # not as bob
        leadership = rt.store.find_one("rooms", "name", "leadership")
        assert not models.user_activity(rt, leadership, bob, "bob", ["user-typing"], [])
    finally:
        recorder.close()
    assert recorder.events == [
        (
            "stream-notify-room",
            {
                "eventName": "GENERAL/user-activity",
                "args": ["alice", ["user-typing"], {}],
                "origin": "c1",
            },
        )
    ]


# -- settings and permissions: REST is their only door; the domain announces them -------------


def test_a_public_setting_change_is_announced_by_the_domain_and_reaches_ddp(rc_server, fresh):
    rt, recorder = fresh()
    recorder.recording = True
    models.set_setting_value(rt, "Site_Name", "Renamed")
    models.set_setting_value(rt, "API_Default_Count", 25)  # private: not announced
    assert rt.store.get("settings", "API_Default_Count")["value"] == 25
    assert recorder.events == [
        (
            "stream-notify-all",
            {
                "eventName": "public-settings-changed",
                "args": ["updated", {"_id": "Site_Name", "value": "Renamed"}],
            },
        )
    ]
    client = Ddp(rc_server)
    try:
        assert client.sub("stream-notify-all", "public-settings-changed", False)["msg"] == "ready"
        admin = {**rest(rc_server, "admin"), **TWO_FACTOR}
        post(rc_server, "v1/settings/Site_Name", admin, {"value": "Over REST"})
        changed = client.next_msg("changed")
        assert changed["fields"] == {
            "eventName": "public-settings-changed",
            "args": ["updated", {"_id": "Site_Name", "value": "Over REST"}],
        }
    finally:
        client.close()


def test_permission_changes_are_announced_by_the_domain_and_reach_ddp(rc_server, fresh):
    rt, recorder = fresh()
    recorder.recording = True
    models.set_permission_roles(rt, [("pin-message", ["admin", "admin", "owner"])])
    stored = rt.store.get("permissions", "pin-message")
    assert stored["roles"] == ["admin", "owner"] and stored["_updatedAt"] == FROZEN_AT
    assert recorder.events == [
        ("stream-notify-logged", {"eventName": "permissions-changed", "args": ["updated", stored]})
    ]
    client = ddp_login(rc_server, "alice")
    try:
        assert client.sub("stream-notify-logged", "permissions-changed", False)["msg"] == "ready"
        admin = rest(rc_server, "admin")
        body = {"permissions": [{"_id": "pin-message", "roles": ["admin"]}]}
        post(rc_server, "v1/permissions.update", admin, body)
        changed = client.next_msg("changed")
        assert changed["fields"]["eventName"] == "permissions-changed"
        action, doc = changed["fields"]["args"]
        assert action == "updated" and doc["_id"] == "pin-message" and doc["roles"] == ["admin"]
    finally:
        client.close()
