"""The call-out dispatcher: failures journaled, answers to calls from before a reset dropped."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from emulator.core.callouts import Callouts
from emulator.core.clock import Clock
from emulator.core.journal import Journal

TIMEOUT = 10


@pytest.fixture
def callouts() -> Iterator[tuple[Callouts, Journal]]:
    journal = Journal(100)
    dispatcher = Callouts(journal, Clock(), workers=2)
    yield dispatcher, journal
    dispatcher.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_is_journaled_and_answers_nothing(callouts):
    dispatcher, journal = callouts
    answers: list = []
    url = f"http://127.0.0.1:{closed_port()}/hook"
    dispatcher.on_answer("test", lambda *a: answers.append(a))
    dispatcher.post(url, b"a=1", {}, TIMEOUT, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    (entry,) = journal.query()
    assert (entry["kind"], entry["path"], entry["status"]) == ("callback", url, None)
    assert entry["error"].startswith("ConnectionError")
    assert answers == []


def test_an_answer_to_a_call_from_before_a_reset_is_dropped(callouts):
    dispatcher, journal = callouts
    arrived, release = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrived.set()
            release.wait(TIMEOUT)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    answers: list = []
    try:
        dispatcher.on_answer("test", lambda *a: answers.append(a))
        dispatcher.post(url, b"", {}, TIMEOUT, "test", "old")
        assert arrived.wait(TIMEOUT)
        dispatcher.reset()
        release.set()
        dispatcher.post(url, b"", {}, TIMEOUT, "test", "new")
        assert dispatcher.wait_idle(TIMEOUT)
    finally:
        server.shutdown()
        server.server_close()
    assert answers == [("new", 200, b"{}")]
    assert [e["status"] for e in journal.query()] == [200, 200]


def test_a_get_call_sends_no_body_and_is_journaled_as_get(callouts):
    dispatcher, journal = callouts
    seen: list = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append((self.command, self.path, self.headers.get("Content-Length")))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/cmd?text=hi"
    answers: list = []
    try:
        dispatcher.on_answer("test", lambda *a: answers.append(a))
        dispatcher.post(url, b"", {}, TIMEOUT, "test", "ctx", method="GET")
        assert dispatcher.wait_idle(TIMEOUT)
    finally:
        server.shutdown()
        server.server_close()
    assert seen == [("GET", "/cmd?text=hi", None)]
    assert answers == [("ctx", 200, b"ok")]
    (entry,) = journal.query()
    assert (entry["method"], entry["status"]) == ("GET", 200)
