"""The request journal: what a real client sent is what the journal shows, secrets redacted."""

from __future__ import annotations

import json

import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.client import Client
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.control import Control, ControlError
from emulator.core.journal import Journal, redact_text

ENTRY_KEYS = {
    "id",
    "kind",
    "time",
    "method",
    "path",
    "query",
    "headers",
    "body",
    "user",
    "user_id",
    "status",
    "response",
    "response_headers",
    "duration_ms",
    "fault",
}


MARKER_HEADER = "X-Journal-Test"


class Marked(requests.auth.AuthBase):
    """Tags every request of one test, so stray traffic on the shared session servers (a late
    request of an earlier test, a reconnecting client) never counts as this test's."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __call__(self, request):
        request.headers[MARKER_HEADER] = self.marker
        return request


def marked_client(marker: str) -> type[Client]:
    """mattermostdriver sends through module-level requests: tag its calls via its headers."""

    class MarkedClient(Client):
        def auth_header(self):
            return {**(super().auth_header() or {}), MARKER_HEADER: marker}

    return MarkedClient


@pytest.fixture
def marker(request) -> str:
    return request.node.nodeid


@pytest.fixture
def http(marker) -> requests.Session:
    session = requests.Session()
    session.auth = Marked(marker)
    return session


@pytest.fixture
def mine(marker):
    def own(entries: list[dict]) -> list[dict]:
        return [
            e for e in entries if e["kind"] == "http" and e["headers"].get(MARKER_HEADER) == marker
        ]

    return own


def mm_driver(server, marker: str) -> Driver:
    host, port = server.url.removeprefix("http://").split(":")
    driver = Driver(
        {
            "url": host,
            "port": int(port),
            "scheme": "http",
            "login_id": "alice",
            "password": "alice-password",
        },
        client_cls=marked_client(marker),
    )
    driver.login()
    return driver


def test_mattermost_driver_traffic_as_journaled(mm_server, http, mine, marker):
    ctl = Control(mm_server.url)
    driver = mm_driver(mm_server, marker)
    me = driver.users.get_user("me")
    entries = mine(ctl.requests())
    assert [(e["method"], e["path"]) for e in entries] == [
        ("GET", "/api/v4/users/me"),
        ("POST", "/api/v4/users/login"),
    ]
    get, login = entries
    assert set(get) == ENTRY_KEYS
    assert get["id"] > login["id"] and get["time"] >= login["time"]
    # The driver sends json=options: json.dumps with the default separators.
    sent = {"login_id": "alice", "password": "[redacted]", "token": None}
    assert login["body"] == json.dumps(sent)
    assert login["status"] == 200 and login["user"] is None and login["fault"] is None
    assert login["response_headers"]["Token"] == "[redacted]"
    assert driver.client.token not in json.dumps(entries)
    assert get["headers"]["Authorization"] == "Bearer [redacted]"
    assert get["headers"]["User-Agent"].startswith("python-requests/")
    assert (get["user"], get["user_id"], get["status"]) == ("alice", me["id"], 200)
    assert json.loads(get["response"])["username"] == "alice"
    assert get["kind"] == "http" and get["duration_ms"] >= 0


def test_rocketchat_client_traffic_as_journaled(rc_server, http, mine, marker):
    ctl = Control(rc_server.url)
    rc = RocketChat("alice", "alice-password", server_url=rc_server.url, session=http)
    rc.me()
    get, login = mine(ctl.requests())
    assert login["body"] == json.dumps({"password": "[redacted]", "username": "alice"})
    assert '"authToken":"[redacted]"' in login["response"]
    assert rc.headers["X-Auth-Token"] not in json.dumps([get, login])
    assert get["headers"]["X-Auth-Token"] == "[redacted]"
    assert get["headers"]["X-User-Id"] == rc.headers["X-User-Id"]
    assert (get["path"], get["user"], get["user_id"]) == (
        "/api/v1/me",
        "alice",
        rc.headers["X-User-Id"],
    )


def test_errors_404s_and_faults_are_journaled_but_the_control_api_is_not(
    rc_server, http, mine, marker
):
    ctl = Control(rc_server.url)
    ctl.add_fault(match={"path": "/api/info"}, error={"status": 503})
    http.get(f"{rc_server.url}/api/info", timeout=10)
    http.get(f"{rc_server.url}/api/v1/no.such.thing?x=1&y=2", timeout=10)
    requests.get(f"{rc_server.url}/_emulator/health", timeout=10)
    missing, faulted = mine(ctl.requests())
    assert (missing["status"], missing["query"], missing["fault"]) == (404, "x=1&y=2", None)
    assert json.loads(missing["response"])["success"] is False
    assert (faulted["status"], faulted["fault"]) == (503, "f1")


def test_filters(mm_server, http, mine, marker):
    ctl = Control(mm_server.url)
    driver = mm_driver(mm_server, marker)
    driver.users.get_user("me")
    first_time = mine(ctl.requests())[0]["time"]
    ctl.clock.freeze(first_time + 60_000)
    http.get(f"{mm_server.url}/api/v4/system/ping", timeout=10)
    driver.users.get_user("me")

    def paths(**filters):
        return [(e["method"], e["path"]) for e in mine(ctl.requests(**filters))]

    assert paths(method="post") == [("POST", "/api/v4/users/login")]
    assert paths(path="/api/v4/users/me") == [("GET", "/api/v4/users/me")] * 2
    assert paths(path="/api/v4/users") == []  # exact unless it has a *
    assert paths(path="/api/v4/users/*", limit=1) == [("GET", "/api/v4/users/me")]
    assert paths(user="ALICE") == [("GET", "/api/v4/users/me")] * 2
    assert paths(user=driver.client.userid) == [("GET", "/api/v4/users/me")] * 2
    assert paths(since=first_time + 60_000) == [
        ("GET", "/api/v4/users/me"),
        ("GET", "/api/v4/system/ping"),
    ]
    assert paths(limit=0) == []


@pytest.mark.parametrize("query", ["since=yesterday", "limit=x", "limit=-1"])
def test_bad_filters_are_refused(mm_server, query):
    response = requests.get(f"{mm_server.url}/_emulator/requests?{query}", timeout=10)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_delete_and_reset_clear_the_journal(mm_server, http, mine, marker):
    ctl = Control(mm_server.url)
    http.get(f"{mm_server.url}/api/v4/system/ping", timeout=10)
    assert len(mine(ctl.requests())) == 1
    ctl.clear_requests()
    assert mine(ctl.requests()) == []
    http.get(f"{mm_server.url}/api/v4/system/ping", timeout=10)
    ctl.reset()
    assert mine(ctl.requests()) == []


def test_ring_buffer_keeps_the_most_recent():
    client = create_app("rocketchat", ephemeral_config(journal_size=3)).test_client()
    for n in range(5):
        client.get(f"/api/info?n={n}").close()
    entries = client.get("/_emulator/requests").get_json()["requests"]
    assert [e["query"] for e in entries] == ["n=4", "n=3", "n=2"]
    off = create_app("rocketchat", ephemeral_config(journal_size=0)).test_client()
    off.get("/api/info").close()
    assert off.get("/_emulator/requests").get_json() == {"requests": []}


def test_bodies_are_truncated_and_form_secrets_redacted(rc_server, http, mine, marker):
    ctl = Control(rc_server.url)
    http.post(
        f"{rc_server.url}/api/v1/login",
        data={"user": "bob", "password": "bob-password"},
        timeout=10,
    )
    http.post(f"{rc_server.url}/api/v1/nothing", data="x" * 5000, timeout=10)
    big, form = mine(ctl.requests())
    assert form["body"] == "user=bob&password=[redacted]"
    assert big["body"] == "x" * 4096 + "... [904 more bytes]"


def test_redaction_of_nested_and_escaped_json():
    text = '{"user": {"password": "a\\"b", "name": "x"}, "resume": "tok", "msg": "password"}'
    assert redact_text(text) == (
        '{"user": {"password": "[redacted]", "name": "x"}, "resume": "[redacted]", '
        '"msg": "password"}'
    )


def test_frames_and_callbacks_share_the_timeline(mm_app):
    journal: Journal = runtime_of(mm_app).journal
    journal.record_frame(
        time=5, direction="out", path="/api/v4/websocket", data='{"event": "posted"}', user="bob"
    )
    journal.record_callback(
        time=6,
        method="POST",
        url="http://hooks.example/out",
        body=b'{"token": "s3cret", "text": "hi"}',
        status=200,
        response=b"{}",
        duration_ms=1.5,
    )
    callback, frame = journal.query()
    assert (frame["kind"], frame["direction"], frame["user"]) == ("frame", "out", "bob")
    assert callback["kind"] == "callback"
    assert callback["body"] == '{"token": "[redacted]", "text": "hi"}'
    assert journal.query(user="bob") == [frame]
    assert frame["id"] < callback["id"]


def test_control_client_reports_errors(mm_server, http, mine, marker):
    with pytest.raises(ControlError) as caught:
        Control(mm_server.url).requests(limit=-5)
    assert caught.value.status == 400
