"""DDP on ``/websocket``: handshake, login, methods, streams, keep-alive."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
import requests
import websocket
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from emulator.rocketchat import ddp as ddp_package  # the fixture below is named ddp
from emulator.server import ThreadedServer

TIMEOUT = 5


def digest(password: str) -> dict:
    return {"digest": hashlib.sha256(password.encode()).hexdigest(), "algorithm": "sha-256"}


class Ddp:
    """A DDP client over websocket-client, as ``@rocket.chat/sdk`` drives the protocol."""

    def __init__(self, server: ThreadedServer, connect: bool = True) -> None:
        url = server.url.replace("http://", "ws://") + "/websocket"
        self.ws = websocket.create_connection(url, timeout=TIMEOUT)
        self.ids = 0
        self.backlog: list[dict] = []
        self.greeting = self.recv()
        if connect:
            self.send({"msg": "connect", "version": "1", "support": ["1", "pre2", "pre1"]})
            self.connected = self.recv()

    def send(self, message: dict) -> None:
        self.ws.send(json.dumps(message))

    def recv(self, timeout: float = TIMEOUT) -> dict:
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def next_id(self) -> str:
        self.ids += 1
        return str(self.ids)

    def call(self, method: str, *params) -> tuple[dict, dict]:
        """(result message, updated message)."""
        call_id = self.next_id()
        self.send({"msg": "method", "method": method, "params": list(params), "id": call_id})
        result = self.next_msg("result")
        assert result["id"] == call_id
        updated = self.next_msg("updated")
        assert updated == {"msg": "updated", "methods": [call_id]}
        return result, updated

    def login(self, username: str) -> dict:
        result, _ = self.call(
            "login", {"user": {"username": username}, "password": digest(f"{username}-password")}
        )
        self.user_id = result["result"]["id"]
        return result["result"]

    def sub(self, name: str, *params) -> dict:
        sub_id = self.next_id()
        self.send({"msg": "sub", "id": sub_id, "name": name, "params": list(params)})
        return self.next_msg("ready", "nosub")

    def next_msg(self, *kinds: str, timeout: float = TIMEOUT) -> dict:
        """The next message of one of ``kinds``; others wait in the backlog."""
        for message in self.backlog:
            if message.get("msg") in kinds:
                self.backlog.remove(message)
                return message
        while True:
            message = self.recv(timeout)
            if message.get("msg") in kinds:
                return message
            self.backlog.append(message)

    def silent(self, timeout: float = 0.4) -> list[dict]:
        got, self.backlog = self.backlog, []
        try:
            while True:
                got.append(self.recv(timeout))
        except websocket.WebSocketTimeoutException:
            return got

    def close_code(self, timeout: float = TIMEOUT) -> int | None:
        self.ws.settimeout(timeout)
        try:
            while True:
                frame = self.ws.recv_frame()
                if frame.opcode == websocket.ABNF.OPCODE_CLOSE:
                    return int.from_bytes(frame.data[:2], "big")
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return None

    def close(self) -> None:
        self.ws.close()
        self.ws.shutdown()


@pytest.fixture
def ddp(rc_server):
    clients: list[Ddp] = []

    def make(connect: bool = True) -> Ddp:
        client = Ddp(rc_server, connect)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def user_id(server: ThreadedServer, username: str) -> str:
    return runtime_of(server.app).store.find_one("users", "username", username)["_id"]


def room_id(server: ThreadedServer, name: str) -> str:
    return runtime_of(server.app).store.find_one("rooms", "name", name)["_id"]


# -- handshake ----------------------------------------------------------------------------------


def test_connect_handshake(ddp):
    client = ddp()
    assert client.greeting == {"server_id": "0"}
    assert client.connected["msg"] == "connected"
    assert list(client.connected) == ["msg", "session"]
    assert len(client.connected["session"]) == 17
    client.send({"msg": "ping", "id": "p1"})
    assert client.recv() == {"msg": "pong", "id": "p1"}
    client.send({"msg": "ping"})
    assert client.recv() == {"msg": "pong"}


def test_an_unsupported_version_fails(ddp):
    client = ddp(connect=False)
    client.send({"msg": "connect", "version": "2", "support": ["2"]})
    assert client.recv() == {"msg": "failed", "version": "1"}
    assert client.close_code() == 1000


def test_bad_frames_get_meteor_errors(ddp):
    client = ddp(connect=False)
    client.send({"msg": "method", "method": "login", "id": "1", "params": []})
    assert client.recv() == {
        "msg": "error",
        "reason": "Must connect first",
        "offendingMessage": {"msg": "method", "method": "login", "id": "1", "params": []},
    }
    client.ws.send("{not json")
    assert client.recv() == {"msg": "error", "reason": "Parse error"}
    client.send({"msg": "connect", "version": "1", "support": ["1"]})
    assert client.recv()["msg"] == "connected"
    client.send({"no": "msg"})
    assert client.recv() == {
        "msg": "error",
        "reason": "Bad request",
        "offendingMessage": {"no": "msg"},
    }
    client.send({"msg": "method", "method": 5, "id": "2"})
    assert client.recv()["reason"] == "Malformed method invocation"
    client.send({"msg": "sub", "id": "3", "name": "stream-room-messages", "params": "GENERAL"})
    assert client.recv()["reason"] == "Malformed subscription"


# -- login --------------------------------------------------------------------------------------


def test_login_with_a_digest_then_resume_with_the_token(rc_server, ddp):
    client = ddp()
    result = client.login("alice")
    assert list(result) == ["id", "token", "tokenExpires", "type"]
    assert result["id"] == user_id(rc_server, "alice")
    assert result["type"] == "password"
    assert set(result["tokenExpires"]) == {"$date"}
    # The DDP token works for REST, and the REST token resumes a DDP session.
    me = requests.get(
        f"{rc_server.url}/api/v1/me",
        headers={"X-User-Id": result["id"], "X-Auth-Token": result["token"]},
        timeout=TIMEOUT,
    )
    assert me.json()["username"] == "alice"
    rest = RocketChat("bob", "bob-password", server_url=rc_server.url)
    other = ddp()
    resumed, _ = other.call("login", {"resume": rest.headers["X-Auth-Token"]})
    assert resumed["result"]["id"] == user_id(rc_server, "bob")
    assert resumed["result"]["type"] == "resume"
    assert resumed["result"]["token"] == rest.headers["X-Auth-Token"]


def test_login_with_a_plain_password(rc_server, ddp):
    client = ddp()
    result, _ = client.call(
        "login", {"user": {"email": "bob@example.com"}, "password": "bob-password"}
    )
    assert result["result"]["id"] == user_id(rc_server, "bob")


def meteor_error(error, reason=None, details=None) -> dict:
    body = {"isClientSafe": True, "error": error}
    if reason is not None:
        body["reason"] = reason
    body["message"] = f"{reason} [{error}]" if reason else f"[{error}]"
    body["errorType"] = "Meteor.Error"
    if details is not None:
        body["details"] = details
    return body


def test_login_failures(ddp):
    client = ddp()
    wrong, _ = client.call("login", {"user": {"username": "alice"}, "password": digest("nope")})
    assert wrong == {
        "msg": "result",
        "id": wrong["id"],
        "error": meteor_error(403, "Incorrect password"),
    }
    unknown, _ = client.call("login", {"user": {"username": "nobody"}, "password": digest("x")})
    assert unknown["error"] == meteor_error(403, "User not found")
    stale, _ = client.call("login", {"resume": "no-such-token"})
    assert stale["error"] == meteor_error(
        403, "You've been logged out by the server. Please log in again."
    )
    malformed, _ = client.call("login", "alice")
    assert malformed["error"] == meteor_error(400, "Match failed")
    two_keys = {"user": {"username": "alice", "email": "alice@example.com"}, "password": "x"}
    malformed, _ = client.call("login", two_keys)
    assert malformed["error"] == meteor_error(400, "Match failed")


def test_methods_need_a_login_and_unknown_methods_are_404(ddp):
    client = ddp()
    result, _ = client.call("sendMessage", {"rid": "GENERAL", "msg": "hi"})
    assert result["error"] == meteor_error(
        "error-invalid-user", "Invalid user", {"method": "sendMessage"}
    )
    missing, _ = client.call("noSuchMethod")
    assert missing["error"] == meteor_error(404, "Method 'noSuchMethod' not found")


# -- streams ------------------------------------------------------------------------------------


def test_room_messages_posted_through_rest_arrive_as_changed(rc_server, ddp):
    client = ddp()
    client.login("alice")
    assert client.sub("stream-room-messages", "GENERAL", {"useCollection": False, "args": []}) == {
        "msg": "ready",
        "subs": ["2"],
    }
    rest = RocketChat("bob", "bob-password", server_url=rc_server.url)
    sent = rest.chat_post_message("over the wire", room_id="GENERAL")
    sent = sent if isinstance(sent, dict) else sent.json()
    assert sent["success"] is True
    changed = client.next_msg("changed")
    assert list(changed) == ["msg", "collection", "id", "fields"]
    assert changed["collection"] == "stream-room-messages"
    assert changed["id"] == "id"
    assert changed["fields"]["eventName"] == "GENERAL"
    (message,) = changed["fields"]["args"]
    assert message["_id"] == sent["message"]["_id"]
    assert message["msg"] == "over the wire"
    assert message["u"]["username"] == "bob"
    assert set(message["ts"]) == {"$date"} and isinstance(message["ts"]["$date"], int)
    assert set(message["_updatedAt"]) == {"$date"}


def test_a_non_member_cannot_subscribe_to_a_private_room(rc_server, ddp):
    client = ddp()
    client.login("bob")
    leadership = room_id(rc_server, "leadership")
    nosub = client.sub("stream-room-messages", leadership, False)
    assert nosub == {"msg": "nosub", "id": "2", "error": meteor_error("not-allowed")}
    # A member can, and non-members do not get its messages through __my_messages__ either.
    alice = ddp()
    alice.login("alice")
    assert alice.sub("stream-room-messages", leadership, False)["msg"] == "ready"
    assert client.sub("stream-room-messages", "__my_messages__", False)["msg"] == "ready"
    RocketChat("admin", "admin-password", server_url=rc_server.url).chat_post_message(
        "board only", room_id=leadership
    )
    assert alice.next_msg("changed")["fields"]["args"][0]["msg"] == "board only"
    assert client.silent() == []


def test_my_messages_carries_the_room_info(rc_server, ddp):
    client = ddp()
    client.login("alice")
    assert client.sub("stream-room-messages", "__my_messages__", False)["msg"] == "ready"
    RocketChat("bob", "bob-password", server_url=rc_server.url).chat_post_message(
        "for everyone", room_id="GENERAL"
    )
    changed = client.next_msg("changed")
    assert changed["fields"]["eventName"] == "__my_messages__"
    message, info = changed["fields"]["args"]
    assert message["msg"] == "for everyone"
    assert info == {"roomParticipant": True, "roomType": "c", "roomName": "general"}


def test_subscription_errors_and_unsub(ddp):
    client = ddp()
    assert client.sub("stream-room-messages", "GENERAL", False) == {
        "msg": "nosub",
        "id": "1",
        "error": meteor_error("not-allowed"),
    }
    client.login("alice")
    assert client.sub("no-such-stream", "x")["error"] == meteor_error(
        404, "Subscription 'no-such-stream' not found"
    )
    assert client.sub("stream-room-messages", "", False)["error"] == meteor_error(
        "invalid-event-name"
    )
    alice = client.user_id
    assert client.sub("stream-notify-user", "someone-else/message", False)["msg"] == "nosub"
    ready = client.sub("stream-notify-user", f"{alice}/rooms-changed", False)
    assert ready["msg"] == "ready"
    client.send({"msg": "unsub", "id": ready["subs"][0]})
    assert client.recv() == {"msg": "nosub", "id": ready["subs"][0]}


def test_typing_reaches_other_readers_but_not_the_writer(rc_server, ddp):
    alice, bob = ddp(), ddp()
    alice.login("alice")
    bob.login("bob")
    for client in (alice, bob):
        assert client.sub("stream-notify-room", "GENERAL/user-activity", False)["msg"] == "ready"
    result, _ = alice.call(
        "stream-notify-room", "GENERAL/user-activity", "alice", ["user-typing"], {}
    )
    assert result == {"msg": "result", "id": result["id"]}
    changed = bob.next_msg("changed")
    assert changed == {
        "msg": "changed",
        "collection": "stream-notify-room",
        "id": "id",
        "fields": {"eventName": "GENERAL/user-activity", "args": ["alice", ["user-typing"], {}]},
    }
    assert alice.silent() == []
    # Typing as someone else is refused silently.
    alice.call("stream-notify-room", "GENERAL/user-activity", "bob", ["user-typing"], {})
    assert bob.silent() == []


def test_status_changes_reach_stream_notify_logged(rc_server, ddp):
    watcher, alice = ddp(), ddp()
    watcher.login("bob")
    alice.login("alice")
    assert watcher.sub("stream-notify-logged", "user-status", False)["msg"] == "ready"
    result, _ = alice.call("UserPresence:setDefaultStatus", "busy")
    assert result["result"] is True
    changed = watcher.next_msg("changed")
    assert changed["collection"] == "stream-notify-logged"
    (entry,) = changed["fields"]["args"]
    assert entry[:2] == [user_id(rc_server, "alice"), "alice"]


# -- methods ------------------------------------------------------------------------------------


def test_send_message_and_load_history(rc_server, ddp):
    client = ddp()
    client.login("alice")
    sent, _ = client.call(
        "sendMessage", {"_id": "ClientChosenId01", "rid": "GENERAL", "msg": "via ddp"}
    )
    message = sent["result"]
    assert message["_id"] == "ClientChosenId01"
    assert message["msg"] == "via ddp" and message["rid"] == "GENERAL"
    assert set(message["ts"]) == {"$date"}
    for n in range(3):
        runtime_of(rc_server.app).clock.advance(1000)  # distinct timestamps
        client.call("sendMessage", {"rid": "GENERAL", "msg": f"more {n}"})
    history, _ = client.call("loadHistory", "GENERAL", None, 2, None)
    assert list(history["result"]) == ["messages", "unreadNotLoaded"]
    messages = history["result"]["messages"]
    assert [m["msg"] for m in messages] == ["more 2", "more 1"]
    assert all(set(m["ts"]) == {"$date"} for m in messages)
    older, _ = client.call("loadHistory", "GENERAL", messages[1]["ts"], 2)
    assert [m["msg"] for m in older["result"]["messages"]] == ["more 0", "via ddp"]
    bad, _ = client.call("sendMessage", {"rid": 5})
    assert bad["error"] == meteor_error(400, "Match failed")


def test_a_non_member_cannot_send_or_read_a_private_room(rc_server, ddp):
    client = ddp()
    client.login("bob")
    leadership = room_id(rc_server, "leadership")
    denied, _ = client.call("sendMessage", {"rid": leadership, "msg": "let me in"})
    assert denied["error"] == meteor_error(
        "error-not-allowed", "Not allowed", {"method": "sendMessage"}
    )
    history, _ = client.call("loadHistory", leadership)
    assert history["result"] is False
    roles, _ = client.call("getRoomRoles", leadership)
    assert roles["error"] == meteor_error(
        "error-invalid-user", "Invalid user", {"method": "getRoomRoles"}
    )


def test_subscriptions_and_rooms_get(rc_server, ddp):
    client = ddp()
    client.login("alice")
    subs, _ = client.call("subscriptions/get")
    rids = {s["rid"] for s in subs["result"]}
    assert {"GENERAL", room_id(rc_server, "leadership")} <= rids
    assert all(set(s["_updatedAt"]) == {"$date"} for s in subs["result"])
    rooms, _ = client.call("rooms/get")
    assert {r["_id"] for r in rooms["result"]} == rids
    since, _ = client.call("subscriptions/get", {"$date": 4_102_444_800_000})
    assert since["result"] == {"update": [], "remove": []}


def test_get_room_roles_lists_owners(rc_server, ddp):
    client = ddp()
    client.login("alice")
    result, _ = client.call("getRoomRoles", room_id(rc_server, "leadership"))
    for entry in result["result"]:
        assert set(entry) == {"_id", "rid", "u", "roles"}
        assert set(entry["roles"]) & {"owner", "moderator", "leader"}


# -- keep-alive ---------------------------------------------------------------------------------


def test_server_pings_an_idle_client_and_closes_with_4000(rc_server, ddp):
    hub = runtime_of(rc_server.app).realtime
    hub_clock = runtime_of(rc_server.app).clock
    others = {c.id for c in hub.connections()}
    client = ddp()
    (conn,) = [c for c in hub.connections() if c.id not in others]
    hub_clock.advance(30_000)
    pinged_at = hub_clock.now_ms()
    assert client.recv() == {"msg": "ping"}
    client.send({"msg": "pong"})
    deadline = time.monotonic() + TIMEOUT  # until the server has taken the pong in
    while conn.last_inbound_ms < pinged_at and time.monotonic() < deadline:
        time.sleep(0.01)
    assert conn.last_inbound_ms >= pinged_at
    hub_clock.advance(30_000)  # the pong counts as traffic: only a new ping
    assert client.recv() == {"msg": "ping"}
    hub_clock.advance(60_000)
    assert client.close_code() == 4000
    deadline = time.monotonic() + TIMEOUT
    while hub.connections() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert hub.connections() == []


def public_room_without(server: ThreadedServer, username: str) -> str:
    store = runtime_of(server.app).store
    uid = user_id(server, username)
    return next(
        r["_id"]
        for r in store.find("rooms", "t", "c")
        if store.find_one("subscriptions", "room_user", (r["_id"], uid)) is None
    )


def test_join_room_and_room_lookups(rc_server, ddp):
    client = ddp()
    client.login("bob")
    rid = public_room_without(rc_server, "bob")
    name = runtime_of(rc_server.app).store.get("rooms", rid)["name"]
    found, _ = client.call("getRoomIdByNameOrId", name)
    assert found["result"] == rid
    named, _ = client.call("getRoomNameById", rid)
    assert named["result"] == name
    joined, _ = client.call("joinRoom", rid)
    assert joined["result"] is True
    assert runtime_of(rc_server.app).store.find_one(
        "subscriptions", "room_user", (rid, user_id(rc_server, "bob"))
    )
    missing, _ = client.call("getRoomIdByNameOrId", "no-such-room")
    assert missing["result"] is None
    private, _ = client.call("joinRoom", room_id(rc_server, "leadership"))
    assert private["error"] == meteor_error(
        "error-not-allowed", "Not allowed", {"method": "joinRoom"}
    )
    invalid, _ = client.call("joinRoom", "nope")
    assert invalid["error"] == meteor_error(
        "error-invalid-room", "Invalid room", {"method": "joinRoom"}
    )


def test_create_direct_message_and_react(rc_server, ddp):
    client = ddp()
    client.login("alice")
    created, _ = client.call("createDirectMessage", "bob")
    room = created["result"]
    assert room["t"] == "d" and sorted(room["usernames"]) == ["alice", "bob"]
    again, _ = client.call("createDirectMessage", "bob")
    assert again["result"]["rid"] == room["rid"]
    sent, _ = client.call("sendMessage", {"rid": room["rid"], "msg": "hi bob"})
    mid = sent["result"]["_id"]
    client.call("setReaction", ":tada:", mid)
    store = runtime_of(rc_server.app).store
    assert store.get("messages", mid)["reactions"] == {":tada:": {"usernames": ["alice"]}}
    client.call("setReaction", ":tada:", mid, True)  # already there: unchanged
    assert store.get("messages", mid)["reactions"] == {":tada:": {"usernames": ["alice"]}}
    unknown, _ = client.call("createDirectMessage", "nobody-here")
    assert unknown["error"] == meteor_error(
        "error-invalid-user", "Invalid user", {"method": "createDirectMessage"}
    )


# -- the REST bridge ----------------------------------------------------------------------------


def test_method_call_runs_a_ddp_method_over_rest(rc_server):
    rest = RocketChat("alice", "alice-password", server_url=rc_server.url)
    call = {
        "msg": "method",
        "method": "sendMessage",
        "id": "7",
        "params": [{"rid": "GENERAL", "msg": "bridged"}],
    }
    response = requests.post(
        f"{rc_server.url}/api/v1/method.call/sendMessage",
        headers=rest.headers,
        json={"message": json.dumps(call)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["message", "success"] and body["success"] is True
    reply = json.loads(body["message"])
    assert reply["msg"] == "result" and reply["id"] == "7"
    assert reply["result"]["msg"] == "bridged"
    assert set(reply["result"]["ts"]) == {"$date"}
    unauthenticated = requests.post(
        f"{rc_server.url}/api/v1/method.call/sendMessage",
        json={"message": json.dumps(call)},
        timeout=TIMEOUT,
    )
    assert unauthenticated.status_code == 401
    missing = requests.post(
        f"{rc_server.url}/api/v1/method.call/sendMessage",
        headers=rest.headers,
        json={"msg": "no message"},
        timeout=TIMEOUT,
    )
    assert missing.status_code == 400
    assert missing.json() == {
        "success": False,
        "error": "must have required property 'message' [invalid-params]",
        "errorType": "invalid-params",
    }


def test_method_call_anon_logs_in(rc_server):
    call = {
        "msg": "method",
        "method": "login",
        "id": "1",
        "params": [{"user": {"username": "bob"}, "password": digest("bob-password")}],
    }
    response = requests.post(
        f"{rc_server.url}/api/v1/method.callAnon/login",
        json={"message": json.dumps(call)},
        timeout=TIMEOUT,
    )
    reply = json.loads(response.json()["message"])
    assert reply["result"]["id"] == user_id(rc_server, "bob")
    wrong = dict(call, params=[{"user": {"username": "bob"}, "password": digest("nope")}])
    response = requests.post(
        f"{rc_server.url}/api/v1/method.callAnon/login",
        json={"message": json.dumps(wrong)},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    assert json.loads(response.json()["message"]) == {
        "msg": "result",
        "id": "1",
        "error": meteor_error(403, "Incorrect password"),
    }


def test_stream_notify_user_delivers_only_the_owners_events(rc_server, ddp):
    bob, alice = ddp(), ddp()
    bob.login("bob")
    alice.login("alice")
    event = f"{bob.user_id}/subscriptions-changed"
    assert bob.sub("stream-notify-user", event, False)["msg"] == "ready"
    assert alice.sub("stream-notify-user", event, False)["msg"] == "nosub"
    rid = public_room_without(rc_server, "bob")
    bob.call("joinRoom", rid)
    changed = bob.next_msg("changed")
    assert changed["collection"] == "stream-notify-user"
    assert changed["fields"]["eventName"] == event
    action, sub = changed["fields"]["args"]
    assert action == "inserted" and sub["rid"] == rid
    assert set(sub["ts"]) == {"$date"}
    assert alice.silent() == []


def test_a_ddp_login_sets_presence_and_the_last_disconnect_clears_it(rc_server, ddp):
    watcher = ddp()
    watcher.login("bob")
    alice_id = user_id(rc_server, "alice")
    assert watcher.sub("stream-user-presence", alice_id, False)["msg"] == "ready"
    assert watcher.sub("stream-notify-logged", "user-status", False)["msg"] == "ready"
    alice = ddp()
    alice.login("alice")
    both = {m["collection"]: m for m in (watcher.next_msg("changed"), watcher.next_msg("changed"))}
    presence, status = both["stream-user-presence"], both["stream-notify-logged"]
    assert presence == {
        "msg": "changed",
        "collection": "stream-user-presence",
        "id": alice_id,
        "fields": {"eventName": alice_id, "args": [["alice", 1, ""]]},
    }
    assert status["fields"]["args"][0][:4] == [alice_id, "alice", 1, ""]
    store = runtime_of(rc_server.app).store
    assert store.get("users", alice_id)["status"] == "online"
    alice.close()
    offline = [watcher.next_msg("changed"), watcher.next_msg("changed")]
    assert [["alice", 0, ""]] in [m["fields"]["args"] for m in offline]
    assert store.get("users", alice_id)["status"] == "offline"


@pytest.fixture
def short_deadlines(rc_server):
    """Keep-alive deadlines of a few hundred ms, and the emulator clock frozen (control API)."""
    hub = runtime_of(rc_server.app).realtime
    hub.timeouts_ms = {"ping_interval_ms": 100, "timeout_ms": 400}
    frozen = requests.put(f"{rc_server.url}/_emulator/clock", json={"freeze": True}, timeout=5)
    assert frozen.status_code == 200
    yield hub
    hub.timeouts_ms = {}


def test_a_silent_socket_is_pinged_and_closed_on_real_time_under_a_frozen_clock(
    short_deadlines, ddp
):
    # Meteor asks nothing of a socket before `connect` or a login: the keep-alive ends it.
    client = ddp(connect=False)
    assert client.recv() == {"msg": "ping"}
    assert client.close_code() == 4000


def test_a_lone_surrogate_in_a_sent_message_reaches_every_subscriber(rc_server, ddp):
    sender, reader = ddp(), ddp()
    sender.login("alice")
    reader.login("bob")
    for client in (sender, reader):
        assert client.sub("stream-room-messages", "GENERAL", False)["msg"] == "ready"
    text = "half a pair: \ud800"
    sender.ws.send(  # json.dumps escapes it: {"msg": "half a pair: \\ud800"}
        json.dumps(
            {
                "msg": "method",
                "method": "sendMessage",
                "id": "s1",
                "params": [{"rid": "GENERAL", "msg": text}],
            }
        )
    )
    assert sender.next_msg("result")["result"]["msg"] == text
    assert reader.next_msg("changed")["fields"]["args"][0]["msg"] == text
    for client in (sender, reader):  # both still connected
        client.send({"msg": "ping", "id": "after"})
        assert client.next_msg("pong") == {"msg": "pong", "id": "after"}


# -- the method table ---------------------------------------------------------------------------


def test_each_method_is_registered_under_its_upstream_name_in_its_domain_module():
    modules = {name: method.__module__ for name, method in ddp_package.METHODS.items()}
    assert modules == {
        "login": "emulator.rocketchat.ddp.protocol",
        "logout": "emulator.rocketchat.ddp.protocol",
        "sendMessage": "emulator.rocketchat.ddp.messages",
        "loadHistory": "emulator.rocketchat.ddp.messages",
        "updateMessage": "emulator.rocketchat.ddp.messages",
        "setReaction": "emulator.rocketchat.ddp.messages",
        "readMessages": "emulator.rocketchat.ddp.messages",
        "getRoomRoles": "emulator.rocketchat.ddp.rooms",
        "subscriptions/get": "emulator.rocketchat.ddp.rooms",
        "rooms/get": "emulator.rocketchat.ddp.rooms",
        "stream-notify-room": "emulator.rocketchat.ddp.rooms",
        "getRoomIdByNameOrId": "emulator.rocketchat.ddp.rooms",
        "getRoomNameById": "emulator.rocketchat.ddp.rooms",
        "joinRoom": "emulator.rocketchat.ddp.rooms",
        "createDirectMessage": "emulator.rocketchat.ddp.rooms",
        "UserPresence:setDefaultStatus": "emulator.rocketchat.ddp.users",
        "UserPresence:online": "emulator.rocketchat.ddp.users",
        "UserPresence:away": "emulator.rocketchat.ddp.users",
        "permissions/get": "emulator.rocketchat.ddp.permissions",
        "slashCommand": "emulator.rocketchat.ddp.commands",
        **{
            f"2fa:{name}": "emulator.rocketchat.ddp.two_factor"
            for name in (
                "enable",
                "validateTempToken",
                "disable",
                "regenerateCodes",
                "checkCodesRemaining",
            )
        },
        "saveRoomSettings": "emulator.rocketchat.ddp.room_settings",
        "saveNotificationSettings": "emulator.rocketchat.ddp.room_settings",
        "reportMessage": "emulator.rocketchat.ddp.room_settings",
        "blockUser": "emulator.rocketchat.ddp.room_settings",
        "unblockUser": "emulator.rocketchat.ddp.room_settings",
        **{
            name: "emulator.rocketchat.ddp.livechat"
            for name in (
                "livechat:registerGuest",
                "sendMessageLivechat",
                "livechat:closeRoom",
                "livechat:takeInquiry",
            )
        },
    }
    with pytest.raises(ValueError, match="registered twice"):
        ddp_package.ddp_method("sendMessage")(lambda session, conn, params: None)


def test_read_messages_presence_and_permissions_methods(rc_server, ddp):
    store = runtime_of(rc_server.app).store
    RocketChat("bob", "bob-password", server_url=rc_server.url).chat_post_message(
        "hey @alice", room_id="GENERAL"
    )
    alice = ddp()
    alice.login("alice")
    sub = store.find_one("subscriptions", "room_user", ("GENERAL", alice.user_id))
    assert sub["unread"] == 1 and sub["alert"] is True
    read, _ = alice.call("readMessages", "GENERAL")
    assert read == {"msg": "result", "id": read["id"]}
    sub = store.get("subscriptions", sub["_id"])
    assert sub["unread"] == 0 and sub["alert"] is False
    missing, _ = alice.call("readMessages", "no-such-room")
    assert missing["error"] == meteor_error(
        "error-room-does-not-exist", "This room does not exist", {"method": "readMessages"}
    )
    # Whether this connection's status changed (it starts online).
    assert alice.call("UserPresence:online")[0]["result"] is False
    assert alice.call("UserPresence:away")[0]["result"] is True
    permissions, _ = alice.call("permissions/get")
    assert {p["_id"] for p in permissions["result"]} == {p["_id"] for p in store.all("permissions")}
    anonymous = ddp()
    for method in ("UserPresence:online", "UserPresence:away", "UserPresence:setDefaultStatus"):
        result = anonymous.call(method, "away")[0]
        assert "result" not in result and "error" not in result  # upstream just returns
    assert anonymous.call("permissions/get")[0]["error"]["error"] == "error-invalid-user"
