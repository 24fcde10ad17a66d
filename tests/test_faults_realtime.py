"""Realtime faults, observed by a websocket client on the Mattermost WebSocket and DDP socket."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import requests
import websocket

from emulator.app import runtime_of
from emulator.control import Control, ControlError

TIMEOUT = 5


class Socket:
    """A websocket-client connection speaking JSON text frames."""

    def __init__(self, url: str, opened: list, token: str | None = None) -> None:
        headers = [f"Authorization: Bearer {token}"] if token else []
        self.ws = websocket.create_connection(url, header=headers, timeout=TIMEOUT)
        opened.append(self.ws)

    def send(self, frame: dict) -> None:
        self.ws.send(json.dumps(frame))

    def recv(self, timeout: float = TIMEOUT) -> dict:
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def frames_for(self, seconds: float) -> list[dict]:
        got = []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                got.append(self.recv(left))
            except websocket.WebSocketTimeoutException:
                break
        return got

    def until(self, predicate, timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            frame = self.recv(max(deadline - time.monotonic(), 0.01))
            if predicate(frame):
                return frame

    def close_frame(self, timeout: float = TIMEOUT) -> tuple[int, bytes] | None:
        """(opcode, data) of the first control frame, or None when the TCP connection just ends."""
        self.ws.settimeout(timeout)
        try:
            while True:
                opcode, data = self.ws.recv_data(control_frame=True)
                if opcode == websocket.ABNF.OPCODE_CLOSE:
                    return opcode, data
        except (websocket.WebSocketConnectionClosedException, ConnectionError):
            return None


@pytest.fixture
def opened() -> Iterator[list]:
    """Client sockets, closed after the test."""
    sockets: list = []
    yield sockets
    for ws in sockets:
        with contextlib.suppress(Exception):
            ws.close(timeout=0.2)
        ws.shutdown()  # close() does nothing once the server has gone


# -- Mattermost -----------------------------------------------------------------------------------


class MM:
    def __init__(self, server, opened: list) -> None:
        self.server = server
        self.opened = opened
        self.ctl = Control(server.url)
        login = requests.post(
            f"{server.url}/api/v4/users/login",
            json={"login_id": "alice", "password": "alice-password"},
            timeout=10,
        )
        self.token = login.headers["Token"]
        store = runtime_of(server.app).store
        team = store.find_one("teams", "name", "acme")
        self.channels = {
            name: store.find_one("channels", "team_name", (team["id"], name))["id"]
            for name in ("town-square", "off-topic")
        }

    def connect(self) -> Socket:
        url = self.server.url.replace("http://", "ws://") + "/api/v4/websocket"
        sock = Socket(url, self.opened, self.token)
        assert sock.recv()["event"] == "hello"
        return sock

    def post(self, channel: str, message: str) -> None:
        response = requests.post(
            f"{self.server.url}/api/v4/posts",
            json={"channel_id": self.channels[channel], "message": message},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        )
        assert response.status_code == 201

    def add(self, **rule) -> dict:
        return self.ctl.call("POST", "/realtime/faults", rule)


def posted_messages(frames: list[dict]) -> list[str]:
    return [json.loads(f["data"]["post"])["message"] for f in frames if f.get("event") == "posted"]


@pytest.fixture
def mm(mm_server, opened) -> MM:
    return MM(mm_server, opened)


def test_drop_events_of_one_channel(mm):
    sock = mm.connect()
    rule = mm.add(match={"event": "posted", "channel": "town-square"}, action="drop")
    assert rule["match"] == {"event": "posted", "channel": "town-square", "direction": "out"}
    mm.post("town-square", "lost")
    mm.post("off-topic", "kept")
    assert posted_messages(sock.frames_for(1.0)) == ["kept"]
    view = mm.ctl.call("GET", f"/realtime/faults/{rule['id']}")
    assert view["hits"] == 1
    assert "channel off-topic is not town-square" in [m["reason"] for m in view["near_misses"]]


def test_duplicate_events_keep_their_seq(mm):
    sock = mm.connect()
    mm.add(match={"event": "posted"}, action="duplicate", times=1)
    mm.post("town-square", "twice")
    mm.post("town-square", "once")
    frames = [f for f in sock.frames_for(1.0) if f.get("event") == "posted"]
    assert posted_messages(frames) == ["twice", "twice", "once"]
    assert frames[0]["seq"] == frames[1]["seq"] < frames[2]["seq"]


def test_reorder_swaps_an_event_with_the_next(mm):
    sock = mm.connect()
    mm.add(match={"event": "posted"}, action="reorder", times=1)
    mm.post("town-square", "first")
    mm.post("town-square", "second")
    frames = [f for f in sock.frames_for(1.0) if f.get("event") == "posted"]
    assert posted_messages(frames) == ["second", "first"]
    assert frames[0]["seq"] > frames[1]["seq"]


def test_delay_holds_events_back(mm):
    sock = mm.connect()
    mm.add(match={"event": "posted"}, action="delay", delay_ms=400)
    started = time.monotonic()
    mm.post("town-square", "late")
    frame = sock.until(lambda f: f.get("event") == "posted")
    assert time.monotonic() - started >= 0.4
    assert posted_messages([frame]) == ["late"]


def test_clean_close_after_n_frames(mm):
    mm.ctl.add_realtime_fault(action="disconnect", mode="close", code=4001, reason="bye", after=1)
    sock = mm.connect()  # the hello is frame 1
    mm.post("town-square", "never seen")
    _, data = sock.close_frame()
    assert int.from_bytes(data[:2], "big") == 4001 and data[2:] == b"bye"


def test_abnormal_disconnect_now_is_a_1006(mm):
    sock = mm.connect()
    assert len(mm.ctl.connections()) == 1
    assert mm.ctl.disconnect("abnormal", user="bob") == []
    assert len(mm.ctl.disconnect("abnormal", user="alice")) == 1
    assert sock.close_frame() is None  # no close frame: the client reports 1006


def test_half_open_is_silent(mm):
    sock = mm.connect()
    sock.frames_for(0.3)  # the status_change that follows the hello
    assert mm.ctl.call("POST", "/realtime/disconnect", {"mode": "half_open"})["disconnected"]
    mm.post("town-square", "into the void")
    assert sock.frames_for(0.6) == []
    sock.ws.ping("anyone?")
    sock.ws.settimeout(0.5)
    with pytest.raises(websocket.WebSocketTimeoutException):  # nothing, not even a pong
        sock.ws.recv_data(control_frame=True)
    assert mm.ctl.connections() == []


def test_ignore_pings(mm):
    sock = mm.connect()
    sock.send({"seq": 1, "action": "ping"})
    assert sock.until(lambda f: f.get("seq_reply") == 1)["status"] == "OK"
    mm.add(action="ignore_pings")
    sock.send({"seq": 2, "action": "ping"})
    assert [f for f in sock.frames_for(0.6) if f.get("seq_reply") == 2] == []


def test_frames_are_journaled_with_http(mm):
    sock = mm.connect()
    sock.send({"seq": 1, "action": "ping"})
    sock.until(lambda f: f.get("seq_reply") == 1)
    entries = mm.ctl.requests(user="alice")
    frames = [(e["direction"], e["event"]) for e in entries if e["kind"] == "frame"]
    # Most recent first: the reply (no event name), the ping, ..., the hello.
    assert frames[:2] == [("out", None), ("in", "ping")]
    assert frames[-1] == ("out", "hello")


def test_bad_realtime_rules_and_reset(mm):
    for body in ({"action": "explode"}, {"action": "delay"}, {"action": "drop", "mode": "close"}):
        with pytest.raises(ControlError) as caught:
            mm.ctl.call("POST", "/realtime/faults", body)
        assert caught.value.status == 400
    with pytest.raises(ControlError):
        mm.ctl.call("POST", "/realtime/disconnect", {"mode": "gently"})
    mm.add(action="drop")
    assert len(mm.ctl.call("GET", "/realtime/faults")["faults"]) == 1
    mm.ctl.reset()
    assert mm.ctl.realtime_faults() == []


# -- Rocket.Chat DDP ------------------------------------------------------------------------------


class DDP:
    def __init__(self, server, opened: list) -> None:
        login = requests.post(
            f"{server.url}/api/v1/login",
            json={"user": "alice", "password": "alice-password"},
            timeout=10,
        ).json()["data"]
        self.headers = {"X-User-Id": login["userId"], "X-Auth-Token": login["authToken"]}
        self.token = login["authToken"]
        self.server = server
        self.sock = Socket(server.url.replace("http://", "ws://") + "/websocket", opened)
        self.sock.send({"msg": "connect", "version": "1", "support": ["1"]})
        self.sock.until(lambda f: f.get("msg") == "connected")

    def login(self) -> None:
        self.sock.send(
            {"msg": "method", "method": "login", "id": "1", "params": [{"resume": self.token}]}
        )
        self.sock.until(lambda f: f.get("msg") == "result" and f.get("id") == "1")

    def subscribe_general(self) -> None:
        self.sock.send(
            {"msg": "sub", "id": "s1", "name": "stream-room-messages", "params": ["GENERAL", False]}
        )
        self.sock.until(lambda f: f.get("msg") == "ready")

    def post(self, room: str, text: str) -> None:
        response = requests.post(
            f"{self.server.url}/api/v1/chat.postMessage",
            json={"roomId": room, "text": text},
            headers=self.headers,
            timeout=10,
        )
        assert response.status_code == 200, response.text


def room_messages(frames: list[dict]) -> list[str]:
    return [
        f["fields"]["args"][0]["msg"]
        for f in frames
        if f.get("collection") == "stream-room-messages"
    ]


def test_ddp_drop_and_duplicate_room_messages(rc_server, opened):
    ddp = DDP(rc_server, opened)
    ddp.login()
    ddp.subscribe_general()
    ctl = Control(rc_server.url)
    ctl.call(
        "POST",
        "/realtime/faults",
        {"match": {"event": "stream-room-messages", "channel": "general"}, "action": "drop"},
    )
    ddp.post("GENERAL", "lost")
    assert room_messages(ddp.sock.frames_for(0.8)) == []
    ctl.call("DELETE", "/realtime/faults")
    ctl.call("POST", "/realtime/faults", {"match": {"user": "alice"}, "action": "duplicate"})
    ddp.post("GENERAL", "twice")
    assert room_messages(ddp.sock.frames_for(0.8)) == ["twice", "twice"]


def test_ddp_ignore_pings_and_clean_close(rc_server, opened):
    ddp = DDP(rc_server, opened)
    ctl = Control(rc_server.url)
    ddp.sock.send({"msg": "ping", "id": "p1"})
    assert ddp.sock.until(lambda f: f.get("msg") == "pong") == {"msg": "pong", "id": "p1"}
    ctl.call("POST", "/realtime/faults", {"action": "ignore_pings"})
    ddp.sock.send({"msg": "ping", "id": "p2"})
    assert ddp.sock.frames_for(0.6) == []
    ctl.call("POST", "/realtime/disconnect", {"mode": "close", "code": 1001})
    _, data = ddp.sock.close_frame()
    assert int.from_bytes(data[:2], "big") == 1001


def test_ddp_login_frames_are_journaled_redacted(rc_server, opened):
    ddp = DDP(rc_server, opened)
    ddp.login()
    frames = [e for e in Control(rc_server.url).requests() if e["kind"] == "frame"]
    login = next(e for e in frames if e["direction"] == "in" and '"login"' in e["body"])
    assert '"resume":"[redacted]"' in login["body"].replace(" ", "")
    assert ddp.token not in json.dumps(frames)


# -- under gunicorn (``chat-emulator serve``), where the socket comes from gunicorn -------------


@pytest.fixture(scope="module")
def gunicorn_mm() -> Iterator[str]:
    from tests.test_faults_drops import Served

    served = Served("--only", "mattermost")
    yield served.urls["mattermost"]
    stderr = served.stop()
    assert "Traceback" not in stderr, stderr


@pytest.mark.parametrize("mode", ["close", "abnormal", "half_open"])
def test_disconnect_modes_under_gunicorn(gunicorn_mm, opened, mode):
    ctl = Control(gunicorn_mm)
    ctl.reset()
    login = requests.post(
        f"{gunicorn_mm}/api/v4/users/login",
        json={"login_id": "alice", "password": "alice-password"},
        timeout=10,
    )
    url = gunicorn_mm.replace("http://", "ws://") + "/api/v4/websocket"
    sock = Socket(url, opened, login.headers["Token"])
    assert sock.recv()["event"] == "hello"
    sock.frames_for(0.3)
    assert len(ctl.disconnect(mode, code=4002)) == 1
    if mode == "half_open":
        sock.ws.settimeout(0.6)
        with pytest.raises(websocket.WebSocketTimeoutException):
            sock.ws.recv_data(control_frame=True)
    elif mode == "close":
        _, data = sock.close_frame()
        assert int.from_bytes(data[:2], "big") == 4002
    else:
        assert sock.close_frame() is None
    assert ctl.connections() == []


def test_frames_of_connections_closed_by_a_reset_are_not_journaled(mm_app):
    rt = runtime_of(mm_app)
    conn = SimpleNamespace(
        id="c99", path="/api/v4/websocket", username="alice", user_id="u1", alive=True
    )
    conn.close = lambda code=1000, reason="": None
    rt.realtime._connections[conn.id] = conn  # a live connection, as the hub holds them
    rt.frame_faults.hook("out", conn, {"event": "posted"})
    assert [e["event"] for e in rt.journal.query()] == ["posted"]
    rt.reset()  # closes it; what it still flushes belongs to the state before the reset
    assert rt.frame_faults.hook("out", conn, {"event": "posted"}) == [{"event": "posted"}]
    assert rt.journal.query() == []
