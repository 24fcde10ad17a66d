"""The product-neutral realtime hub: frame hooks, isolation, bounds, reset, both servers."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
import websocket
from flask import Blueprint
from flask_sock import Sock

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core import realtime
from emulator.server import ThreadedServer
from tests.test_cli import Served

TIMEOUT = 5


class Echo(realtime.Handler):
    """A minimal protocol: greets, echoes, forwards ``test`` events, fails on demand."""

    max_queue = 4
    ping_interval_ms = 1_000
    timeout_ms = 3_000
    timeout_close = (4000, "TIMEOUT")

    def opened(self, conn):
        conn.send({"hello": conn.id})

    def received(self, conn, frame):
        conn.send({"echo": frame})

    def ping(self, conn):
        return {"ping": True}

    def route(self, conn, event, payload):
        if event != "test":
            return []
        if payload.get("explode") == conn.id:
            raise RuntimeError("routing bug")
        return [{"event": payload["n"]}]


def echo_app():
    app = create_app("mattermost", ephemeral_config())
    bp = Blueprint("echo_test", __name__)
    sock = Sock()

    @sock.route("/echo", bp=bp)
    def echo(ws):
        runtime_of(app).realtime.serve(Echo(), ws, "/echo")

    app.register_blueprint(bp)
    return app


@pytest.fixture
def server() -> Iterator[ThreadedServer]:
    running = ThreadedServer(echo_app()).start()
    yield running
    running.stop()


class Client:
    def __init__(self, server: ThreadedServer) -> None:
        url = server.url.replace("http://", "ws://") + "/echo"
        self.ws = websocket.create_connection(url, timeout=TIMEOUT)
        self.hello = self.recv()

    def recv(self, timeout: float = TIMEOUT):
        self.ws.settimeout(timeout)
        return json.loads(self.ws.recv())

    def send(self, frame) -> None:
        self.ws.send(json.dumps(frame))

    def silent(self, timeout: float = 0.3) -> list:
        got = []
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


def hub(server: ThreadedServer) -> realtime.RealtimeHub:
    return runtime_of(server.app).realtime


def wait_until(predicate, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_hooks_see_every_frame_and_can_drop_duplicate_or_replace(server):
    seen = []

    def journal(direction, conn, frame):
        seen.append((direction, conn.path, frame))
        return [frame]

    def faults(direction, conn, frame):
        if direction == realtime.OUT and frame == {"echo": "twice"}:
            return [frame, frame]
        if direction == realtime.OUT and frame == {"echo": "lost"}:
            return []
        if direction == realtime.IN and frame == "rewrite me":
            return ["rewritten"]
        return [frame]

    def broken(direction, conn, frame):
        raise ValueError("a hook bug must not break the connection")

    hub(server).frame_hooks.extend([faults, journal, broken])
    client = Client(server)
    try:
        assert client.hello == {"hello": client.hello["hello"]}
        for text in ("twice", "lost", "rewrite me"):
            client.send(text)
        assert [client.recv(), client.recv(), client.recv()] == [
            {"echo": "twice"},
            {"echo": "twice"},
            {"echo": "rewritten"},
        ]
        client.ws.send("not json")
        assert client.recv() == {"echo": "not json"}
        assert client.silent() == []
        assert ("out", "/echo", {"hello": client.hello["hello"]}) in seen
        assert ("in", "/echo", "twice") in seen
        assert ("in", "/echo", "rewritten") in seen
        assert ("out", "/echo", {"echo": "lost"}) not in seen  # dropped before the journal
    finally:
        client.close()


def test_events_reach_connections_and_a_failing_one_affects_no_other(server):
    rt = runtime_of(server.app)
    good, bad = Client(server), Client(server)
    try:
        rt.events.publish("test", {"n": 1})
        assert good.recv() == {"event": 1} and bad.recv() == {"event": 1}
        rt.events.publish("test", {"n": 2, "explode": bad.hello["hello"]})
        assert good.recv() == {"event": 2}
        assert bad.close_code() == realtime.INTERNAL_ERROR
        rt.events.publish("test", {"n": 3})
        assert good.recv() == {"event": 3}
    finally:
        good.close()
        bad.close()


def test_a_slow_consumer_is_dropped_when_its_queue_is_full(server):
    rt = runtime_of(server.app)

    slowpoke, other = Client(server), Client(server)

    def slow(direction, conn, frame):
        if conn.id == slowpoke.hello["hello"] and frame == {"event": 0}:
            time.sleep(0.5)  # the connection's thread is stuck: its queue fills up
        return [frame]

    hub(server).frame_hooks.append(slow)
    try:
        for n in range(10):
            rt.events.publish("test", {"n": n})
            time.sleep(0.02)  # the other connection keeps up; the stuck one cannot
        assert [other.recv()["event"] for _ in range(10)] == list(range(10))
        with pytest.raises((websocket.WebSocketException, ConnectionError)):
            for _ in range(10):
                slowpoke.recv()  # dropped without a close frame, mid-queue
        wait_until(lambda: len(hub(server).connections()) == 1)
    finally:
        slowpoke.close()
        other.close()


def test_keepalive_runs_on_the_emulator_clock(server):
    rt = runtime_of(server.app)
    client = Client(server)
    try:
        assert client.silent() == []  # wall time alone pings nobody
        rt.clock.advance(1_000)
        assert client.recv() == {"ping": True}
        rt.clock.advance(3_000)
        assert client.close_code() == 4000
    finally:
        client.close()


def test_deadlines_also_pass_on_real_time_while_the_clock_is_frozen(server):
    rt = runtime_of(server.app)
    rt.clock.freeze()
    rt.realtime.timeouts_ms = {"ping_interval_ms": 50, "timeout_ms": 300}
    client = Client(server)
    try:
        assert client.recv() == {"ping": True}
        assert client.close_code() == 4000
    finally:
        client.close()


def test_a_revocation_reaches_that_users_handlers_only_and_no_parked_session(server):
    rt = runtime_of(server.app)
    checked = []

    class Session:
        def absorb(self, event, payload):
            checked.append(("parked", event))

    def revoked(handler, conn, user_id):
        checked.append((conn.user_id, user_id))
        conn.close(4001, "revoked")

    Echo.revoked = revoked
    rt.realtime.park("k", Session(), 10_000)
    first, second = Client(server), Client(server)
    try:
        for conn, user in zip(rt.realtime.connections(), ("u1", "u2"), strict=True):
            conn.user_id = user
        realtime.publish_revocation(rt.events, "u1")
        assert checked == [("u1", "u1")]
        wait_until(lambda: [c.user_id for c in rt.realtime.connections()] == ["u2"])
        realtime.publish_revocation(rt.events, None)  # everyone
        assert checked == [("u1", "u1"), ("u2", None)]
    finally:
        del Echo.revoked
        first.close()
        second.close()


def test_a_lone_surrogate_is_escaped_on_the_wire():
    assert realtime.frame_text({"msg": "a\ud800b"}) == '{"msg":"a\\ud800b"}'
    assert realtime.frame_text({"msg": "caf\u00e9"}) == '{"msg":"caf\u00e9"}'


def test_reset_closes_connections_and_forgets_parked_sessions(server):
    rt = runtime_of(server.app)

    class Session:
        def __init__(self):
            self.events = []

        def absorb(self, event, payload):
            self.events.append(event)

    parked = Session()
    rt.realtime.park("k", parked, 10_000)
    client = Client(server)
    try:
        rt.events.publish("test", {"n": 1})
        assert client.recv() == {"event": 1}
        assert parked.events == ["test"]
        generation = rt.realtime.generation
        rt.reset()
        assert client.close_code() == realtime.SERVICE_RESTART
        assert rt.realtime.parked() == 0 and rt.realtime.unpark("k") is None
        assert rt.realtime.generation == generation + 1
    finally:
        client.close()


def test_parked_sessions_expire_on_the_emulator_clock(server):
    rt = runtime_of(server.app)

    class Session:
        def absorb(self, event, payload):
            pass

    rt.realtime.park("a", Session(), 1_000)
    rt.clock.advance(1_000)
    assert rt.realtime.unpark("a") is None


def test_serve_carries_websockets_for_both_products(tmp_path):
    served = Served("--in-memory")
    try:
        mm, rc = served.urls["mattermost"], served.urls["rocketchat"]
        token = requests.post(
            f"{mm}/api/v4/users/login",
            json={"login_id": "alice", "password": "alice-password"},
            timeout=TIMEOUT,
        ).headers["Token"]
        ws = websocket.create_connection(
            mm.replace("http://", "ws://") + "/api/v4/websocket",
            header=[f"Authorization: Bearer {token}"],
            timeout=TIMEOUT,
        )
        try:
            assert json.loads(ws.recv())["event"] == "hello"
        finally:
            ws.close()
        ddp = websocket.create_connection(rc.replace("http://", "ws://") + "/websocket", timeout=5)
        try:
            assert json.loads(ddp.recv()) == {"server_id": "0"}
            ddp.send(json.dumps({"msg": "connect", "version": "1", "support": ["1"]}))
            assert json.loads(ddp.recv())["msg"] == "connected"
        finally:
            ddp.close()
    finally:
        assert served.stop() == 0
