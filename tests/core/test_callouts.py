"""The call-out dispatcher: failures journaled, answers to calls from before a reset dropped."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from emulator.core.callouts import Callouts
from emulator.core.clock import Clock
from emulator.core.faults import FaultRules, Subject
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


# -- the product's policy: refused targets are journaled and never called -----------------------


def test_a_refused_target_is_journaled_with_the_reason_and_never_called(callouts, httpserver):
    dispatcher, journal = callouts
    answers: list = []
    dispatcher.on_answer("test", lambda *a: answers.append(a))
    dispatcher.set_policy(lambda url: "not on the list" if "/secret" in url else None)
    httpserver.expect_request("/secret").respond_with_json({"text": "leak"})
    dispatcher.post(httpserver.url_for("/secret"), b"{}", {}, TIMEOUT, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    (entry,) = journal.query()
    assert (entry["status"], entry["error"]) == (None, "refused: not on the list")
    assert httpserver.log == []
    assert answers == []


def test_a_redirect_to_a_refused_target_is_refused_too(callouts, httpserver):
    dispatcher, journal = callouts
    dispatcher.set_policy(lambda url: "internal" if "/secret" in url else None)
    httpserver.expect_request("/open").respond_with_data(
        "", status=307, headers={"Location": httpserver.url_for("/secret")}
    )
    httpserver.expect_request("/secret").respond_with_json({})
    dispatcher.post(httpserver.url_for("/open"), b"{}", {}, TIMEOUT, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    assert [request.path for request, _ in httpserver.log] == ["/open"]
    assert journal.query()[0]["error"] == "refused: internal"


# -- call-out fault rules ------------------------------------------------------------------------


@pytest.fixture
def faulty() -> Iterator[tuple[Callouts, Journal, FaultRules]]:
    journal, rules = Journal(100), FaultRules(seed=1)
    dispatcher = Callouts(journal, Clock(), workers=2, product="mattermost", faults=rules)
    yield dispatcher, journal, rules
    dispatcher.close()


def test_a_status_fault_answers_without_calling_the_app(faulty, httpserver):
    dispatcher, journal, rules = faulty
    answers: list = []
    dispatcher.on_answer("test", lambda *a: answers.append(a))
    rule = rules.add(
        {"target": "callout", "match": {"hook": "h1"}, "error": {"status": 503, "body": "busy"}}
    )
    httpserver.expect_request("/hook").respond_with_data("real")
    dispatcher.post(httpserver.url_for("/hook"), b"{}", {}, TIMEOUT, "test", "ctx", hook_id="h1")
    dispatcher.post(httpserver.url_for("/hook"), b"{}", {}, TIMEOUT, "test", "ctx2", hook_id="h2")
    assert dispatcher.wait_idle(TIMEOUT)
    assert len(httpserver.log) == 1  # only h2's call was made
    assert sorted(answers) == [("ctx", 503, b"busy"), ("ctx2", 200, b"real")]
    faulted = next(e for e in journal.query() if e["hook_id"] == "h1")
    assert (faulted["status"], faulted["fault"], faulted["response"]) == (503, rule.id, "busy")
    assert faulted["product"] == "mattermost"


def test_a_drop_fault_fails_the_call_as_a_connection_error(faulty, httpserver):
    dispatcher, journal, rules = faulty
    answers: list = []
    dispatcher.on_answer("test", lambda *a: answers.append(a))
    rules.add({"target": "callout", "match": {"url": "/hook"}, "drop": "reset", "times": 1})
    httpserver.expect_request("/hook").respond_with_json({})
    dispatcher.post(httpserver.url_for("/hook"), b"{}", {}, TIMEOUT, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    (entry,) = journal.query()
    assert entry["status"] is None and entry["error"].startswith("ConnectionError")
    assert entry["fault"] == "f1"
    assert httpserver.log == [] and answers == []


def test_a_delay_past_the_timeout_times_the_call_out(faulty, httpserver):
    dispatcher, journal, rules = faulty
    rules.add({"target": "callout", "match": {"product": "mattermost"}, "latency_ms": 5000})
    httpserver.expect_request("/hook").respond_with_json({})
    dispatcher.post(httpserver.url_for("/hook"), b"{}", {}, 0.05, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    (entry,) = journal.query()
    assert entry["error"].startswith("Timeout") and httpserver.log == []


def test_call_out_rules_leave_requests_alone_and_the_other_way_round(faulty, httpserver):
    dispatcher, journal, rules = faulty
    rules.add({"match": {"path": "/hook"}, "error": {"status": 500}})
    httpserver.expect_request("/hook").respond_with_json({})
    dispatcher.post(httpserver.url_for("/hook"), b"{}", {}, TIMEOUT, "test")
    assert dispatcher.wait_idle(TIMEOUT)
    assert journal.query()[0]["status"] == 200
    rules.clear()
    rules.add({"target": "callout", "error": {"status": 500}})
    assert rules.decide(Subject("POST", "/hook", lambda: None, lambda: None), 0) is None


# -- the timeout bounds the whole call -----------------------------------------------------------


def test_a_slow_app_is_cut_at_the_timeout_and_journaled(callouts):
    """The app trickles its answer, each byte well within the timeout: the whole call is still
    cut at the timeout, as upstream's ``http.Client.Timeout`` does."""
    dispatcher, journal = callouts
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            while not release.wait(0.01):
                self.wfile.write(b" ")
                self.wfile.flush()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dispatcher.post(f"http://127.0.0.1:{server.server_address[1]}/", b"", {}, 0.2, "test")
        assert dispatcher.wait_idle(TIMEOUT)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
    (entry,) = journal.query()
    assert entry["status"] is None and "Timeout" in entry["error"]


def test_a_get_call_sends_no_body_and_is_journaled_as_get(callouts, httpserver):
    dispatcher, journal = callouts
    answers: list = []
    dispatcher.on_answer("test", lambda *a: answers.append(a))
    httpserver.expect_request("/cmd", method="GET", query_string="text=hi").respond_with_data("ok")
    url = httpserver.url_for("/cmd?text=hi")
    dispatcher.post(url, b"", {}, TIMEOUT, "test", "ctx", method="GET")
    assert dispatcher.wait_idle(TIMEOUT)
    ((request, _),) = httpserver.log
    assert (request.method, request.get_data(), request.headers.get("Content-Length")) == (
        "GET",
        b"",
        None,
    )
    assert answers == [("ctx", 200, b"ok")]
    (entry,) = journal.query()
    assert (entry["method"], entry["status"]) == ("GET", 200)


def test_a_synchronous_call_returns_the_answer_or_none(callouts, httpserver):
    dispatcher, _ = callouts
    httpserver.expect_request("/ok").respond_with_data("fine", status=201)
    assert dispatcher.call(httpserver.url_for("/ok"), b"", {}, TIMEOUT) == (201, b"fine")
    assert dispatcher.call("http://127.0.0.1:9/closed", b"", {}, TIMEOUT) is None
