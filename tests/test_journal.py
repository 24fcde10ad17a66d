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
from emulator.core.journal import Journal
from emulator.core.passwords import sha256_hex
from emulator.core.redaction import redact_text
from tests.mattermost.clients import set_config

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


# -- secrets never reach the journal -------------------------------------------------------------


def assert_never_journaled(app_or_server, *secrets: str) -> list[dict]:
    """Neither what readers get nor what the journal holds contains any of ``secrets``."""
    app = getattr(app_or_server, "app", app_or_server)
    journal = runtime_of(app).journal
    shown = journal.query()
    held = repr(list(journal._entries))
    for secret in secrets:
        assert secret, "an empty secret proves nothing"
        assert secret not in json.dumps(shown), secret
        assert secret not in held, secret
    return shown


def test_mattermost_session_secrets(mm_app):
    client = mm_app.test_client()
    login = client.post(
        "/api/v4/users/login",
        json={"login_id": "alice", "password": "alice-password"},
        headers={"X-Requested-With": "XMLHttpRequest"},  # the web app's login: cookies too
    )
    token = login.headers["Token"]
    csrf = next(c.value for c in client._cookies.values() if c.key == "MMCSRF")
    client.get("/api/v4/users/me")  # MMAUTHTOKEN cookie
    client.get(f"/api/v4/users/me?access_token={token}&page=0")
    entries = assert_never_journaled(mm_app, "alice-password", token, csrf)
    by_query = next(e for e in entries if e["query"].startswith("access_token"))
    assert by_query["query"] == "access_token=[redacted]&page=0"
    cookie_get = next(e for e in entries if "Cookie" in e["headers"])
    assert "MMAUTHTOKEN=[redacted]" in cookie_get["headers"]["Cookie"]
    assert entries[-1]["response_headers"]["Token"] == "[redacted]"


def test_mattermost_v1_login(mm_app):
    client = mm_app.test_client()
    team = runtime_of(mm_app).store.all("teams")[0]["name"]
    login = client.post(
        "/api/v1/users/login",
        json={"name": team, "email": "alice@example.com", "password": "alice-password"},
    )
    assert login.status_code == 200
    (entry,) = assert_never_journaled(mm_app, "alice-password", login.headers["Token"])
    assert json.loads(entry["body"])["password"] == "[redacted]"


def test_mattermost_personal_access_token_and_mfa(mm_app):
    set_config(mm_app, "ServiceSettings", "EnableUserAccessTokens", True)
    client = mm_app.test_client()
    login = client.post(
        "/api/v4/users/login", json={"login_id": "admin", "password": "admin-password"}
    )
    auth = {"Authorization": f"Bearer {login.headers['Token']}"}
    created = client.post(
        f"/api/v4/users/{login.get_json()['id']}/tokens", json={"description": "ci"}, headers=auth
    ).get_json()
    client.get("/api/v4/users/me", headers={"Authorization": f"Bearer {created['token']}"})
    # A login with an MFA code, and the 2FA header of Rocket.Chat's kind on any request.
    client.post(
        "/api/v4/users/login",
        json={"login_id": "bob", "password": "bob-password", "token": "135792"},
        headers={"X-2fa-Code": "246801"},
    )
    entries = assert_never_journaled(
        mm_app, created["token"], login.headers["Token"], "135792", "246801", "bob-password"
    )
    assert any(json.loads(e["response"] or "{}").get("token") == "[redacted]" for e in entries)


def test_oauth_secrets_and_codes(mm_app):
    client = mm_app.test_client()
    client.post(
        "/oauth/access_token",
        data={
            "grant_type": "authorization_code",
            "code": "authcode-1234",
            "client_id": "app1",
            "client_secret": "clientsecret-5678",
            "redirect_uri": "https://app.example/cb",
        },
    )
    client.get("/oauth/authorize?client_id=app1&code=authcode-1234&state=s")
    (get, post) = assert_never_journaled(mm_app, "authcode-1234", "clientsecret-5678")
    assert "client_id=app1" in post["body"] and "client_id=app1" in get["query"]


@pytest.mark.parametrize(
    ("product", "path", "shown"),
    [
        ("mattermost", "/hooks/hookidhookidhookidhookid12", "/hooks/[redacted]"),
        ("rocketchat", "/hooks/integration1/hooktoken-abcdef", "/hooks/integration1/[redacted]"),
    ],
)
def test_webhook_paths(product, path, shown):
    app = create_app(product, ephemeral_config())
    app.test_client().post(path, json={"text": "hi"})
    (entry,) = assert_never_journaled(app, path.rsplit("/", 1)[1])
    assert entry["path"] == shown
    assert runtime_of(app).journal.query(path="/hooks/*") == [entry]


def test_rocketchat_logins_tokens_and_cookies(rc_app):
    client = rc_app.test_client()
    digest = sha256_hex("alice-password")
    by_digest = client.post(
        "/api/v1/login",
        json={"user": "alice", "password": {"digest": digest, "algorithm": "sha-256"}},
    ).get_json()["data"]
    ddp = {
        "msg": "method",
        "id": "7",
        "method": "login",
        "params": [
            {
                "user": {"username": "bob"},
                "password": {"digest": sha256_hex("bob-password"), "algorithm": "sha-256"},
            }
        ],
    }
    called = client.post(
        "/api/v1/method.call/login",
        json={"message": json.dumps(ddp)},
        headers={"X-User-Id": by_digest["userId"], "X-Auth-Token": by_digest["authToken"]},
    )
    result = json.loads(called.get_json()["message"])["result"]
    client.set_cookie("rc_uid", by_digest["userId"])
    client.set_cookie("rc_token", by_digest["authToken"])
    client.get("/api/v1/me")
    entries = assert_never_journaled(
        rc_app, digest, sha256_hex("bob-password"), by_digest["authToken"], result["token"]
    )
    assert entries[0]["headers"]["Cookie"].count("[redacted]") == 2
    call = entries[1]
    assert json.loads(json.loads(call["body"])["message"])["params"][0]["user"] == {
        "username": "bob"
    }


def test_a_password_cut_by_the_4_kib_limit_shows_no_prefix(rc_app):
    password = "P" * 300
    body = json.dumps({"username": "x" * 3990, "password": password})
    rc_app.test_client().post("/api/v1/login", data=body, content_type="application/json")
    (entry,) = assert_never_journaled(rc_app, "PPPP")
    assert entry["body"].endswith(f"... [{len(body) - 4096} more bytes]")


def test_multipart_fields_are_redacted(rc_app):
    rc_app.test_client().post(
        "/api/v1/login",
        data={"user": "alice", "password": "alice-password"},
        content_type="multipart/form-data",
    )
    (entry,) = assert_never_journaled(rc_app, "alice-password")
    assert 'name="user"' in entry["body"] and "alice" in entry["body"]


def test_mattermost_websocket_authentication_challenge_frames(mm_server):
    import websocket

    token = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "alice", "password": "alice-password"},
        timeout=10,
    ).headers["Token"]
    ws = websocket.create_connection(
        mm_server.url.replace("http", "ws") + "/api/v4/websocket", timeout=5
    )
    try:
        ws.send(
            json.dumps({"seq": 1, "action": "authentication_challenge", "data": {"token": token}})
        )
        while json.loads(ws.recv()).get("seq_reply") != 1:
            pass
    finally:
        ws.close()
    frames = [e for e in assert_never_journaled(mm_server, token) if e["kind"] == "frame"]
    challenge = next(f for f in frames if f["event"] == "authentication_challenge")
    assert json.loads(challenge["body"])["data"] == {"token": "[redacted]"}


def test_ddp_login_frames(rc_server):
    import websocket

    login = requests.post(
        f"{rc_server.url}/api/v1/login",
        json={"user": "bob", "password": "bob-password"},
        timeout=10,
    ).json()["data"]
    ws = websocket.create_connection(rc_server.url.replace("http", "ws") + "/websocket", timeout=5)
    digest = sha256_hex("bob-password")
    try:
        ws.send(json.dumps({"msg": "connect", "version": "1", "support": ["1"]}))
        ws.send(
            json.dumps(
                {
                    "msg": "method",
                    "method": "login",
                    "id": "1",
                    "params": [{"resume": login["authToken"]}],
                }
            )
        )
        ws.send(
            json.dumps(
                {
                    "msg": "method",
                    "method": "login",
                    "id": "2",
                    "params": [
                        {
                            "user": {"username": "bob"},
                            "password": {"digest": digest, "algorithm": "sha-256"},
                        }
                    ],
                }
            )
        )
        new_token = None
        while new_token is None:
            frame = json.loads(ws.recv())
            if frame.get("msg") == "result" and frame.get("id") == "2":
                new_token = frame["result"]["token"]
    finally:
        ws.close()
    assert_never_journaled(rc_server, login["authToken"], digest, new_token)


def test_callouts_view_decodes_payloads_and_answers(mm_app):
    journal = runtime_of(mm_app).journal
    journal.record_callback(
        time=1, method="POST", url="http://127.0.0.1:9/form", body=b"text=hi&token=s3cret&x=1&x=2",
        status=200, response=b'{"text": "ok"}', duration_ms=1.0,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        product="mattermost", callout_kind="k1", hook_id="h1",
    )  # fmt: skip
    journal.record_callback(
        time=2, method="POST", url="http://127.0.0.1:9/json", body=b'{"a": 1}', status=None,
        response=b"", duration_ms=1.0, error="refused: no", headers={"Content-Type": "x/y"},
        callout_kind="k2",
    )  # fmt: skip
    journal.add({"kind": "http", "time": 3, "method": "GET", "path": "/x"})
    client = mm_app.test_client()
    form, refused = client.get("/_emulator/callouts").get_json()["callouts"]
    assert form["payload"] == {"text": "hi", "token": "[redacted]", "x": ["1", "2"]}
    assert (form["answer"], form["kind"], form["hook_id"]) == ({"text": "ok"}, "k1", "h1")
    assert (refused["payload"], refused["answer"], refused["error"]) == (
        {"a": 1},
        None,
        "refused: no",
    )
    assert client.get("/_emulator/callouts?kind=k2").get_json()["callouts"] == [refused]
    assert client.get("/_emulator/callouts?url=/form").get_json()["callouts"] == [form]
    after = client.get(f"/_emulator/callouts?after={form['id']}").get_json()["callouts"]
    assert after == [refused]
    assert client.get("/_emulator/callouts?limit=1").get_json()["callouts"] == [refused]
    assert client.get("/_emulator/callouts?after=x").status_code == 400
