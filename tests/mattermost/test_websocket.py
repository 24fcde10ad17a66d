"""``GET /api/v4/websocket``: authentication, hello, seq, routing, actions, resumption."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
import requests
import websocket
from mattermostdriver import Driver
from mattermostdriver.websocket import Websocket

from emulator.app import runtime_of
from emulator.core.realtime import RealtimeHub
from emulator.mattermost import settings
from emulator.server import ThreadedServer

TIMEOUT = 5


class Client:
    """A websocket-client connection speaking JSON frames."""

    def __init__(self, server: ThreadedServer, token: str | None = None, query: str = "", **kw):
        headers = [f"Authorization: Bearer {token}"] if token else []
        url = server.url.replace("http://", "ws://") + "/api/v4/websocket" + query
        self.ws = websocket.create_connection(url, header=headers, timeout=TIMEOUT, **kw)
        self.seq = 0

    def send(self, action: str, data: dict | None = None, seq: int | None = None) -> int:
        self.seq += 1
        frame = {"seq": self.seq if seq is None else seq, "action": action}
        if data is not None:
            frame["data"] = data
        self.ws.send(json.dumps(frame))
        return frame["seq"]

    def recv(self, timeout: float = TIMEOUT) -> dict:
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def next_event(self, event: str, timeout: float = TIMEOUT) -> dict:
        while True:
            frame = self.recv(timeout)
            if frame.get("event") == event:
                return frame

    def silent(self, timeout: float = 0.5) -> list[dict]:
        """Frames that arrive within ``timeout`` (expected: none)."""
        got = []
        try:
            while True:
                got.append(self.recv(timeout))
        except websocket.WebSocketTimeoutException:
            return got

    def closed(self, timeout: float = TIMEOUT) -> bool:
        self.ws.settimeout(timeout)
        try:
            while True:
                opcode, _ = self.ws.recv_data(control_frame=False)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    return True
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return True
        except websocket.WebSocketTimeoutException:
            return False

    def close(self) -> None:
        self.ws.close()
        self.ws.shutdown()  # close() skips the socket when the server closed first


def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def login(server: ThreadedServer, username: str) -> str:
    response = requests.post(
        f"{server.url}/api/v4/users/login",
        json={"login_id": username, "password": f"{username}-password"},
        timeout=TIMEOUT,
    )
    assert response.status_code == 200
    return response.headers["Token"]


def ids(server: ThreadedServer) -> dict[str, str]:
    store = runtime_of(server.app).store
    team = store.find_one("teams", "name", "acme")
    out = {u: store.find_one("users", "username", u)["id"] for u in ("alice", "bob", "admin")}
    out["team"] = team["id"]
    for name in ("town-square", "leadership", "engineering"):
        out[name] = store.find_one("channels", "team_name", (team["id"], name))["id"]
    return out


def post(server: ThreadedServer, token: str, channel_id: str, message: str) -> dict:
    response = requests.post(
        f"{server.url}/api/v4/posts",
        headers={"Authorization": f"Bearer {token}"},
        json={"channel_id": channel_id, "message": message},
        timeout=TIMEOUT,
    )
    assert response.status_code == 201, response.text
    return response.json()


def connect(server: ThreadedServer, username: str) -> tuple[Client, dict]:
    client = Client(server, login(server, username))
    hello = client.recv()
    assert hello["event"] == "hello"
    return client, hello


# -- handshake --------------------------------------------------------------------------------


def test_hello_on_a_bearer_upgrade_has_the_exact_envelope(mm_server):
    who = ids(mm_server)
    client, hello = connect(mm_server, "alice")
    try:
        assert list(hello) == ["event", "data", "broadcast", "seq"]
        assert hello["seq"] == 0
        assert hello["broadcast"] == {
            "omit_users": None,
            "user_id": who["alice"],
            "channel_id": "",
            "team_id": "",
            "connection_id": "",
            "omit_connection_id": "",
        }
        data = hello["data"]
        assert data["server_version"] == settings.VERSION_ID
        assert len(data["connection_id"]) == 26 and data["connection_id"].isalnum()
        assert set(data) <= {"connection_id", "server_version", "server_hostname"}
        # The user is set online: its own connections learn it, with the next seq.
        status = client.next_event("status_change")
        assert status["seq"] == 1
        assert status["data"] == {"status": "online", "user_id": who["alice"]}
    finally:
        client.close()


def test_cookie_authenticates_the_upgrade(mm_server):
    token = login(mm_server, "bob")
    url = mm_server.url.replace("http://", "ws://") + "/api/v4/websocket/"
    ws = websocket.create_connection(url, cookie=f"MMAUTHTOKEN={token}", timeout=TIMEOUT)
    try:
        hello = json.loads(ws.recv())
        assert hello["event"] == "hello"
        assert hello["broadcast"]["user_id"] == ids(mm_server)["bob"]
    finally:
        ws.close()


def test_authentication_challenge_answers_hello_then_ok(mm_server):
    token = login(mm_server, "alice")
    client = Client(mm_server)
    try:
        assert client.silent(0.3) == []  # nothing before authentication
        seq = client.send("authentication_challenge", {"token": token})
        hello = client.recv()
        assert hello["event"] == "hello" and hello["seq"] == 0
        frames = [client.recv(), client.recv()]
        assert {"status": "OK", "seq_reply": seq} in frames
        # A second challenge on an authenticated socket is ignored.
        client.send("authentication_challenge", {"token": "nonsense"})
        assert client.silent(0.3) == []
    finally:
        client.close()


@pytest.mark.parametrize("data", [{"token": "not-a-valid-token"}, {"token": 7}, {}])
def test_a_refused_challenge_closes_the_socket(mm_server, data):
    client = Client(mm_server)
    try:
        client.send("authentication_challenge", data)
        assert client.closed()
    finally:
        client.close()


def test_before_authentication_requests_get_no_answer_and_the_socket_times_out(mm_server):
    client = Client(mm_server, "invalid-token")  # an invalid upgrade token: not authenticated
    try:
        client.send("ping")
        client.send("get_statuses")
        assert client.silent(0.3) == []
        runtime_of(mm_server.app).clock.advance(5_000)  # authCheckInterval
        assert client.closed()
    finally:
        client.close()


def test_a_plain_get_is_refused_with_the_upgrade_app_error(mm_server):
    response = requests.get(f"{mm_server.url}/api/v4/websocket", timeout=TIMEOUT)
    assert response.status_code == 400
    body = response.json()
    assert body["id"] == "api.web_socket.connect.upgrade.app_error"
    assert body["status_code"] == 400


# -- routing ----------------------------------------------------------------------------------


def test_posted_reaches_channel_members_only(mm_server):
    who = ids(mm_server)
    alice, _ = connect(mm_server, "alice")
    bob, _ = connect(mm_server, "bob")
    try:
        token = login(mm_server, "admin")
        secret = post(mm_server, token, who["leadership"], "private plans")
        event = alice.next_event("posted")
        assert list(event) == ["event", "data", "broadcast", "seq"]
        assert event["broadcast"]["channel_id"] == who["leadership"]
        assert event["broadcast"]["omit_users"] is None
        data = event["data"]
        assert data["channel_type"] == "P"
        assert data["channel_name"] == "leadership"
        assert data["sender_name"] == "@admin"
        assert data["team_id"] == who["team"]
        assert isinstance(data["post"], str)
        assert json.loads(data["post"])["id"] == secret["id"]
        assert list(data) == sorted(data)  # a Go map: keys in order
        # Bob is not in leadership: he sees nothing of it, but does see town-square.
        public = post(mm_server, token, who["town-square"], "hello all")
        for client in (alice, bob):
            seen = client.next_event("posted")
            assert json.loads(seen["data"]["post"])["id"] == public["id"]
        assert all(f.get("event") != "posted" for f in bob.silent(0.3))
    finally:
        alice.close()
        bob.close()


def test_seq_counts_every_event_of_a_connection(mm_server):
    who = ids(mm_server)
    client, hello = connect(mm_server, "alice")
    try:
        token = login(mm_server, "bob")
        for n in range(3):
            post(mm_server, token, who["town-square"], f"message {n}")
        seqs = [hello["seq"]]
        while len(seqs) < 5:  # status_change + 3 posted
            seqs.append(client.recv()["seq"])
        assert seqs == [0, 1, 2, 3, 4]
    finally:
        client.close()


def test_a_mention_adds_the_recipients_own_id(mm_server):
    who = ids(mm_server)
    alice, _ = connect(mm_server, "alice")
    try:
        post(mm_server, login(mm_server, "bob"), who["town-square"], "ping @alice please")
        event = alice.next_event("posted")
        assert event["data"]["mentions"] == json.dumps([who["alice"]])
    finally:
        alice.close()


def test_events_published_by_domain_operations_are_routed_by_broadcast(mm_server):
    who = ids(mm_server)
    rt = runtime_of(mm_server.app)
    alice, _ = connect(mm_server, "alice")
    bob, _ = connect(mm_server, "bob")
    try:
        alice.silent(0.2), bob.silent(0.2)
        rt.events.publish("custom_team", {"data": {"n": 1}, "broadcast": {"team_id": who["team"]}})
        rt.events.publish(
            "custom_user", {"data": {}, "broadcast": {"user_id": who["bob"], "team_id": ""}}
        )
        rt.events.publish(
            "custom_omit", {"data": {}, "broadcast": {"omit_users": {who["alice"]: True}}}
        )
        rt.events.publish(
            "custom_admin", {"data": {}, "broadcast": {"contains_sensitive_data": True}}
        )
        assert [f["event"] for f in alice.silent(0.4)] == ["custom_team"]
        assert [f["event"] for f in bob.silent(0.4)] == [
            "custom_team",
            "custom_user",
            "custom_omit",
        ]
    finally:
        alice.close()
        bob.close()


# -- actions ----------------------------------------------------------------------------------


def test_user_typing_reaches_the_other_members(mm_server):
    who = ids(mm_server)
    alice, _ = connect(mm_server, "alice")
    bob, _ = connect(mm_server, "bob")
    try:
        alice.silent(0.2)
        seq = alice.send("user_typing", {"channel_id": who["town-square"], "parent_id": ""})
        assert alice.recv() == {"status": "OK", "seq_reply": seq}
        typing = bob.next_event("typing")
        assert typing["data"] == {"parent_id": "", "user_id": who["alice"]}
        assert typing["broadcast"]["omit_users"] == {who["alice"]: True}
        assert typing["broadcast"]["channel_id"] == who["town-square"]
        assert all(f.get("event") != "typing" for f in alice.silent(0.3))
    finally:
        alice.close()
        bob.close()


def invalid_param(seq: int, name: str) -> dict:
    return {
        "status": "FAIL",
        "seq_reply": seq,
        "error": {
            "id": "api.websocket_handler.invalid_param.app_error",
            "message": f"Invalid {name} parameter.",
            "detailed_error": "",
            "status_code": 400,
        },
    }


def test_user_typing_in_a_channel_without_create_post_is_an_invalid_param(mm_server):
    who = ids(mm_server)
    bob, _ = connect(mm_server, "bob")
    try:
        bob.silent(0.2)
        seq = bob.send("user_typing", {"channel_id": who["leadership"]})
        assert bob.recv() == invalid_param(seq, "channel_id")
        seq = bob.send("user_typing", {"channel_id": "short"})
        assert bob.recv() == invalid_param(seq, "channel_id")
    finally:
        bob.close()


def test_router_errors_have_the_real_bodies(mm_server):
    client, _ = connect(mm_server, "alice")
    try:
        client.silent(0.2)
        client.ws.send(json.dumps({"seq": 5, "data": {}}))
        assert client.recv()["error"] == {
            "id": "api.web_socket_router.no_action.app_error",
            "message": "No websocket action.",
            "detailed_error": "",
            "status_code": 400,
        }
        client.ws.send(json.dumps({"seq": 0, "action": "ping"}))
        reply = client.recv()
        assert reply["seq_reply"] == 0
        assert reply["error"]["id"] == "api.web_socket_router.bad_seq.app_error"
        assert reply["error"]["message"] == "Invalid sequence for WebSocket message."
        seq = client.send("no_such_action")
        assert client.recv() == {
            "status": "FAIL",
            "seq_reply": seq,
            "error": {
                "id": "api.web_socket_router.bad_action.app_error",
                "message": "Unknown WebSocket action.",
                "detailed_error": "",
                "status_code": 500,
            },
        }
    finally:
        client.close()


def test_ping_and_statuses(mm_server):
    who = ids(mm_server)
    rt = runtime_of(mm_server.app)
    rt.clock.freeze(1_800_000_000_000)
    client, _ = connect(mm_server, "alice")
    try:
        client.silent(0.2)
        seq = client.send("ping")
        assert client.recv() == {
            "status": "OK",
            "seq_reply": seq,
            "data": {
                "node_id": "",
                "server_time": 1_800_000_000_000,
                "text": "pong",
                "version": settings.VERSION,
            },
        }
        seq = client.send("get_statuses_by_ids", {"user_ids": [who["alice"], who["bob"]]})
        assert client.recv() == {
            "status": "OK",
            "seq_reply": seq,
            "data": {who["alice"]: "online", who["bob"]: "offline"},
        }
        seq = client.send("get_statuses_by_ids", {"user_ids": []})
        assert client.recv() == invalid_param(seq, "user_ids")
        seq = client.send("get_statuses")
        statuses = client.recv()["data"]
        assert statuses[who["alice"]] == "online"
        seq = client.send("user_update_active_status", {"user_is_active": "yes"})
        assert client.recv() == invalid_param(seq, "user_is_active")
    finally:
        client.close()


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        json.dumps([1, 2]),
        json.dumps({"seq": "1", "action": "ping"}),
        json.dumps({"seq": 1, "action": "ping", "data": [1]}),
    ],
)
def test_a_frame_that_does_not_decode_closes_the_connection(mm_server, raw):
    client, _ = connect(mm_server, "alice")
    try:
        client.ws.send(raw)
        assert client.closed()
    finally:
        client.close()


def test_an_oversize_frame_closes_the_connection(mm_server):
    client, _ = connect(mm_server, "alice")
    try:
        client.send("ping", {"padding": "x" * 10_000})
        assert client.closed()
    finally:
        client.close()


# -- keep-alive and resumption ------------------------------------------------------------------


def test_keepalive_pings_on_the_emulator_clock_and_drops_a_silent_peer(mm_server):
    rt = runtime_of(mm_server.app)
    client, _ = connect(mm_server, "alice")
    try:
        client.silent(0.2)
        (conn,) = rt.realtime.connections()
        pinged = conn.last_ping_ms
        rt.clock.advance(60_000)  # pingInterval: a ping control frame goes out
        wait_until(lambda: conn.last_ping_ms > pinged)
        rt.clock.advance(100_000)  # pongWaitTime without the client reading (so no pong)
        wait_until(lambda: not rt.realtime.connections())
        opcode, _ = client.ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_PING
        assert client.closed()
    finally:
        client.close()


def test_resume_replays_missed_events_without_hello(mm_server):
    who = ids(mm_server)
    token = login(mm_server, "alice")
    first = Client(mm_server, token)
    hello = first.recv()
    connection_id = hello["data"]["connection_id"]
    last = first.next_event("status_change")["seq"]
    first.close()
    bob = login(mm_server, "bob")
    posts = [post(mm_server, bob, who["town-square"], f"while away {n}")["id"] for n in range(2)]
    query = f"?connection_id={connection_id}&sequence_number={last + 1}"
    second = Client(mm_server, token, query)
    try:
        # What happened while away, with the original seq: alice going offline, two posts.
        frames = [second.recv() for _ in range(3)]
        assert [f["event"] for f in frames] == ["status_change", "posted", "posted"]
        assert frames[0]["data"]["status"] == "offline"
        assert [f["seq"] for f in frames] == [last + 1, last + 2, last + 3]
        assert [json.loads(f["data"]["post"])["id"] for f in frames[1:]] == posts
        post(mm_server, bob, who["town-square"], "live again")
        live = second.next_event("posted")
        assert live["seq"] > last + 3
        assert json.loads(live["data"]["post"])["message"] == "live again"
    finally:
        second.close()


def test_resume_that_cannot_be_satisfied_gets_a_fresh_hello(mm_server):
    token = login(mm_server, "alice")
    first = Client(mm_server, token)
    connection_id = first.recv()["data"]["connection_id"]
    first.close()
    for query in (
        f"?connection_id={connection_id}&sequence_number=999",  # beyond what was sent
        "?connection_id=" + "a" * 26 + "&sequence_number=3",  # unknown connection
    ):
        client = Client(mm_server, token, query)
        try:
            hello = client.recv()
            assert hello["event"] == "hello" and hello["seq"] == 0
            assert hello["data"]["connection_id"] != connection_id
        finally:
            client.close()


def test_resume_with_a_malformed_sequence_number_is_closed(mm_server):
    token = login(mm_server, "alice")
    client = Client(mm_server, token, "?connection_id=" + "a" * 26 + "&sequence_number=x")
    try:
        assert client.closed()
    finally:
        client.close()


def test_reset_closes_every_connection(mm_server):
    client, _ = connect(mm_server, "alice")
    try:
        runtime_of(mm_server.app).reset()
        assert client.closed()
        assert runtime_of(mm_server.app).realtime.parked() == 0
    finally:
        client.close()


# -- the real client library ------------------------------------------------------------------


class ClosingWebsocket(Websocket):
    """The driver's websocket, closing its socket when the loop ends (the driver leaves it)."""

    async def _start_loop(self, websocket, event_handler):
        try:
            await super()._start_loop(websocket, event_handler)
        finally:
            await websocket.close()


def test_mattermostdriver_websocket_receives_posted(mm_server):
    who = ids(mm_server)
    host, port = mm_server.url.removeprefix("http://").split(":")
    driver = Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": "alice",
            "password": "alice-password",
            "timeout": 5,
        }
    )
    driver.login()
    seen: list[dict] = []
    bob = login(mm_server, "bob")

    async def handler(message: str) -> None:
        frame = json.loads(message)
        seen.append(frame)
        if frame.get("event") == "hello":
            threading.Thread(
                target=post, args=(mm_server, bob, who["town-square"], "to the driver")
            ).start()
        if frame.get("event") == "posted":
            driver.websocket.disconnect()

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        timer = threading.Timer(10, lambda: driver.websocket and driver.websocket.disconnect())
        timer.start()
        driver.init_websocket(handler, websocket_cls=ClosingWebsocket)
        timer.cancel()
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    events = [f.get("event") for f in seen]
    assert events[0] == "hello"
    assert {"status": "OK", "seq_reply": 1} in seen
    posted = next(f for f in seen if f.get("event") == "posted")
    assert json.loads(posted["data"]["post"])["message"] == "to the driver"


def test_hub_is_per_app(mm_server, mm_app):
    assert isinstance(runtime_of(mm_app).realtime, RealtimeHub)
    assert runtime_of(mm_app).realtime is not runtime_of(mm_server.app).realtime


# -- deadlines on real time, lone surrogates ----------------------------------------------------


@pytest.fixture
def short_deadlines(mm_server):
    """Deadlines of a few hundred ms, and the emulator clock frozen (control API)."""
    hub = runtime_of(mm_server.app).realtime
    hub.timeouts_ms = {"auth_timeout_ms": 200, "ping_interval_ms": 100, "timeout_ms": 400}
    frozen = requests.put(f"{mm_server.url}/_emulator/clock", json={"freeze": True}, timeout=5)
    assert frozen.status_code == 200
    yield hub
    hub.timeouts_ms = {}


def test_an_unauthenticated_socket_is_dropped_on_real_time_under_a_frozen_clock(
    mm_server, short_deadlines
):
    client = Client(mm_server)
    try:
        assert client.closed()  # authCheckInterval: dropped, no close frame
        wait_until(lambda: not short_deadlines.connections())
    finally:
        client.close()


def test_a_silent_peer_times_out_on_real_time_under_a_frozen_clock(mm_server, short_deadlines):
    client = Client(mm_server, login(mm_server, "alice"))
    try:
        wait_until(lambda: not short_deadlines.connections())  # never read: no pong
    finally:
        client.close()


def test_lone_surrogates_from_rest_and_the_socket_are_broadcast_without_drops(mm_server):
    who = ids(mm_server)
    alice, _ = connect(mm_server, "alice")
    bob, _ = connect(mm_server, "bob")
    try:
        text = "half a pair: \ud800"
        post(mm_server, login(mm_server, "bob"), who["town-square"], text)
        for client in (alice, bob):
            assert json.loads(client.next_event("posted")["data"]["post"])["message"] == text
        alice.send("user_typing", {"channel_id": who["town-square"], "parent_id": "\udfff"})
        assert bob.next_event("typing")["data"]["parent_id"] == "\udfff"
        for client in (alice, bob):  # both still connected
            seq = client.send("ping")
            while client.recv().get("seq_reply") != seq:
                pass
    finally:
        alice.close()
        bob.close()
