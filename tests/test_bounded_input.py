"""Bounded input: what is too deep, too big or too long gets a 4xx in the product's shape and
nothing is stored."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from urllib.parse import quote, unquote

import pytest
import requests
import websocket

from emulator.core import jsonbounds
from tests.conftest import rt

MM_ERROR_KEYS = ["id", "message", "detailed_error", "request_id", "status_code"]


def nest(depth: int, leaf: object = 1) -> str:
    """JSON text of ``depth`` nested objects around ``leaf``."""
    return '{"a":' * depth + json.dumps(leaf) + "}" * depth


def mm_login(app, username: str = "alice") -> dict[str, str]:
    response = app.test_client().post(
        "/api/v4/users/login", json={"login_id": username, "password": f"{username}-password"}
    )
    assert response.status_code == 200
    return {"Authorization": f"Bearer {response.headers['Token']}"}


def rc_login(app, username: str = "alice") -> dict[str, str]:
    response = app.test_client().post(
        "/api/v1/login", json={"user": username, "password": f"{username}-password"}
    )
    data = response.get_json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def town_square(app) -> str:
    store = rt(app).store
    team = store.find_one("teams", "name", "acme")
    return store.find_one("channels", "team_name", (team["id"], "town-square"))["id"]


def assert_mm_error(response, status: int, error_id: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert list(body) == MM_ERROR_KEYS
    assert body["id"] == error_id and body["status_code"] == status
    return body


# -- 1. nesting depth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("[]", 1),
        ('{"a": [1, {"b": 2}]}', 3),
        ('["[[[[[[[[[["]', 1),  # brackets inside strings do not count
        ('["\\"[[[[", [[1]]]', 3),  # nor after an escaped quote
        ('["unterminated [[[[', 1),
    ],
)
def test_depth_is_measured_outside_strings(text, depth):
    assert not jsonbounds.too_deep(text, depth)
    if depth:
        assert jsonbounds.too_deep(text, depth - 1)


def test_bounded_loads_refuses_as_a_value_error():
    assert jsonbounds.loads(nest(jsonbounds.MAX_DEPTH)) is not None
    with pytest.raises(ValueError):
        jsonbounds.loads(nest(jsonbounds.MAX_DEPTH + 1))
    with pytest.raises(ValueError):
        jsonbounds.loads("[" * 100_000)  # would be a RecursionError in json.loads


@pytest.mark.parametrize("depth", [65, 971, 5000])
def test_mattermost_refuses_deep_props_and_stores_nothing(mm_app, depth):
    headers = mm_login(mm_app)
    body = f'{{"channel_id": "{town_square(mm_app)}", "message": "deep", "props": {nest(depth)}}}'
    before = rt(mm_app).store.count("posts")
    response = mm_app.test_client().post(
        "/api/v4/posts", data=body, headers=headers, content_type="application/json"
    )
    assert_mm_error(response, 400, "api.context.invalid_body_param.app_error")
    assert rt(mm_app).store.count("posts") == before


def test_mattermost_accepts_props_within_the_limit(mm_app):
    headers = mm_login(mm_app)
    props = nest(jsonbounds.MAX_DEPTH - 2)
    body = f'{{"channel_id": "{town_square(mm_app)}", "message": "ok", "props": {props}}}'
    response = mm_app.test_client().post(
        "/api/v4/posts", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 201, response.get_data(as_text=True)


@pytest.mark.parametrize("depth", [65, 488, 5000])
def test_rocketchat_refuses_deep_custom_fields_and_stores_nothing(rc_app, depth):
    headers = rc_login(rc_app)
    body = f'{{"message": {{"rid": "GENERAL", "msg": "deep", "customFields": {nest(depth)}}}}}'
    before = rt(rc_app).store.count("messages")
    client = rc_app.test_client()
    response = client.post(
        "/api/v1/chat.sendMessage", data=body, headers=headers, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "success": False,
        "error": "Invalid JSON body",
        "errorType": "error-invalid-body",
    }
    legacy = client.post(
        "/api/rooms/GENERAL/send",
        data=f'{{"msg": "deep", "x": {nest(depth)}}}',
        headers=headers,
        content_type="application/json",
    )
    assert legacy.status_code == 400
    assert legacy.get_json() == {"status": "error", "message": "Invalid JSON body"}
    assert rt(rc_app).store.count("messages") == before


def test_rocketchat_deep_query_parameters_are_a_400(rc_app):
    headers = rc_login(rc_app)
    response = rc_app.test_client().get(
        "/api/v1/channels.list", query_string={"sort": "[" * 2000}, headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["errorType"] == "error-invalid-sort"


def test_rocketchat_method_call_bridge_refuses_a_deep_message(rc_app):
    headers = rc_login(rc_app)
    message = json.dumps({"msg": "method", "method": "ping", "params": [json.loads(nest(100))]})
    response = rc_app.test_client().post(
        "/api/v1/method.call/ping", json={"message": message}, headers=headers
    )
    assert response.status_code == 400
    assert response.get_json()["errorType"] == "invalid-params"


def test_a_deep_mattermost_websocket_frame_closes_the_connection(mm_server):
    from tests.mattermost.test_websocket import connect

    client, _ = connect(mm_server, "alice")
    try:
        frame = f'{{"seq": 1, "action": "ping", "data": {nest(100)}}}'
        client.ws.send(frame)
        assert client.closed()  # as for any frame that does not decode (readPump)
    finally:
        client.close()


def test_a_deep_ddp_frame_is_a_parse_error(rc_server):
    from tests.rocketchat.test_ddp import Ddp

    client = Ddp(rc_server)
    try:
        client.ws.send(f'{{"msg": "ping", "id": {nest(100)}}}')
        assert client.recv() == {"msg": "error", "reason": "Parse error"}
        client.send({"msg": "ping", "id": "still-alive"})
        assert client.recv() == {"msg": "pong", "id": "still-alive"}
    finally:
        client.close()


def test_a_ddp_frame_deeper_than_python_can_parse_keeps_the_connection(rc_server):
    from tests.rocketchat.test_ddp import Ddp

    client = Ddp(rc_server)
    try:
        client.ws.send("[" * 5000)
        assert client.recv() == {"msg": "error", "reason": "Parse error"}
    except websocket.WebSocketConnectionClosedException:  # the RecursionError used to end it
        pytest.fail("connection closed")
    finally:
        client.close()


# -- 3. chunked bodies past the 50 MB limit -------------------------------------------------------

CHUNK = 1024 * 1024


class ChunkedUpload:
    """A chunked POST from a generator, sent from a thread while the response is read: the server
    may answer (and stop reading) before the body ends, as the real servers do."""

    def __init__(self, url: str, path: str, headers: dict[str, str], total_mb: int) -> None:
        host, port = url.removeprefix("http://").rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=30)
        self.total_mb = total_mb
        self.produced = 0
        self.exhausted = False
        head = [f"POST {path} HTTP/1.1", f"Host: {host}", "Transfer-Encoding: chunked"]
        head += ["Content-Type: application/json", *(f"{k}: {v}" for k, v in headers.items())]
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        self.answered = threading.Event()
        self.sender = threading.Thread(target=self._send, daemon=True)
        self.sender.start()

    def body(self):
        yield b'{"message": "'
        for _ in range(self.total_mb):
            self.produced += 1
            yield b"x" * CHUNK
        yield b'"}'
        self.exhausted = True

    def _send(self) -> None:
        try:
            for chunk in self.body():
                if self.answered.is_set():
                    return
                self.sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection: it had answered already

    def response(self) -> tuple[int, dict]:
        reply = http.client.HTTPResponse(self.sock)
        reply.begin()
        self.answered.set()
        payload = reply.read()
        self.sock.close()
        self.sender.join(timeout=30)
        return reply.status, json.loads(payload)


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_a_chunked_body_past_the_limit_is_a_413_without_reading_it_all(
    product, mm_server, rc_server
):
    server = mm_server if product == "mattermost" else rc_server
    if product == "mattermost":
        headers = mm_login(server.app)
        path = "/api/v4/posts"
    else:
        headers = rc_login(server.app)
        path = "/api/v1/chat.postMessage"
    upload = ChunkedUpload(server.url, path, headers, total_mb=200)
    status, body = upload.response()
    assert status == 413
    if product == "mattermost":
        assert body["id"] == "api.context.request_body_too_large.app_error"
        assert list(body) == MM_ERROR_KEYS
    else:
        assert body == {"success": False, "error": "request entity too large"}
    assert not upload.exhausted
    assert upload.produced < 200


def test_a_chunked_body_within_the_limit_is_read_whole(mm_server):
    headers = mm_login(mm_server.app)
    upload = ChunkedUpload(mm_server.url, "/api/v4/posts", headers, total_mb=1)
    status, body = upload.response()
    assert upload.exhausted
    # Read whole and parsed: the message is too long.
    assert (status, body["id"]) == (400, "model.post.is_valid.message_length.app_error")


@pytest.fixture(scope="module")
def served():
    """``chat-emulator serve`` (gunicorn) with both products, in memory."""
    from tests.test_cli import Served

    process = Served("--in-memory")
    yield process.urls
    process.stop()


def http_login(product: str, url: str) -> dict[str, str]:
    if product == "mattermost":
        response = requests.post(
            f"{url}/api/v4/users/login",
            json={"login_id": "alice", "password": "alice-password"},
            timeout=10,
        )
        return {"Authorization": f"Bearer {response.headers['Token']}"}
    data = requests.post(
        f"{url}/api/v1/login", json={"user": "alice", "password": "alice-password"}, timeout=10
    ).json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


POST_PATHS = {"mattermost": "/api/v4/posts", "rocketchat": "/api/v1/chat.postMessage"}


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_serve_refuses_a_chunked_body_past_the_limit_early(served, product):
    url = served[product]
    upload = ChunkedUpload(url, POST_PATHS[product], http_login(product, url), total_mb=200)
    status, body = upload.response()
    assert status == 413
    assert body.get("id", body.get("error")) in (
        "api.context.request_body_too_large.app_error",
        "request entity too large",
    )
    assert not upload.exhausted and upload.produced < 200


# -- 5. file names in Content-Disposition ----------------------------------------------------------

AWKWARD_NAMES = ['отчёт "final".txt', "名前.txt", 'a "b"; c=d.txt', "ümlaut €.txt"]


def _filename_star(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_mattermost_downloads_any_file_name(mm_server, name):
    headers = mm_login(mm_server.app)
    channel_id = town_square(mm_server.app)
    uploaded = requests.post(
        f"{mm_server.url}/api/v4/files",
        data={"channel_id": channel_id},
        files={"files": (name, b"hello")},
        headers=headers,
        timeout=10,
    )
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["file_infos"][0]["id"]
    response = requests.get(f"{mm_server.url}/api/v4/files/{file_id}", headers=headers, timeout=10)
    assert response.status_code == 200 and response.content == b"hello"
    header = response.headers["Content-Disposition"]
    assert header.startswith('attachment;filename="')
    assert _filename_star(header) == name
    fallback = header.split('filename="', 1)[1].rsplit('"; filename*=', 1)[0]
    assert fallback.isascii() and '"' not in fallback.replace('\\"', "")


@pytest.mark.parametrize("name", AWKWARD_NAMES)
def test_rocketchat_serves_any_file_name(rc_server, name):
    headers = rc_login(rc_server.app)
    uploaded = requests.post(
        f"{rc_server.url}/api/v1/rooms.upload/GENERAL",
        files={"file": (name, b"hello", "text/plain")},
        headers=headers,
        timeout=10,
    )
    assert uploaded.status_code == 200, uploaded.text
    file_id = uploaded.json()["message"]["file"]["_id"]
    response = requests.get(
        f"{rc_server.url}/file-upload/{file_id}/{quote(name)}", headers=headers, timeout=10
    )
    assert response.status_code == 200 and response.content == b"hello"
    header = response.headers["Content-Disposition"]
    assert header.startswith('inline; filename="')
    assert _filename_star(header) == name


# -- 2. Mattermost post limits -------------------------------------------------------------------


def mm_post(app, headers, **fields):
    body = {"channel_id": town_square(app), **fields}
    return app.test_client().post("/api/v4/posts", json=body, headers=headers)


def test_mattermost_message_limit_counts_runes(mm_app):
    headers = mm_login(mm_app)
    before = rt(mm_app).store.count("posts")
    too_long = mm_post(mm_app, headers, message="😀" * 16384)
    body = assert_mm_error(too_long, 400, "model.post.is_valid.message_length.app_error")
    assert body["message"] == "Post Message property is longer than the maximum permitted length."
    assert rt(mm_app).store.count("posts") == before
    longest = mm_post(mm_app, headers, message="😀" * 16383)  # 65,532 bytes: runes count
    assert longest.status_code == 201


@pytest.mark.parametrize(
    ("value", "accepted"),
    [
        ("x" * 799_980, True),
        ("x" * 800_000, False),
        ("<" * 140_000, False),  # Go's json.Marshal writes each < as \u003c: 840,000 runes
    ],
)
def test_mattermost_props_limit_is_on_the_serialized_props(mm_app, value, accepted):
    headers = mm_login(mm_app)
    before = rt(mm_app).store.count("posts")
    response = mm_post(mm_app, headers, message="p", props={"k": value})
    if accepted:
        assert response.status_code == 201
        return
    assert_mm_error(response, 400, "model.post.is_valid.props.app_error")
    assert rt(mm_app).store.count("posts") == before


def test_mattermost_patch_with_oversize_props_changes_nothing(mm_app):
    headers = mm_login(mm_app)
    post = mm_post(mm_app, headers, message="keep").get_json()
    response = mm_app.test_client().put(
        f"/api/v4/posts/{post['id']}/patch",
        json={"message": "x" * 16384, "props": {"k": "x" * 800_000}},
        headers=headers,
    )
    body = assert_mm_error(response, 400, "model.post.is_valid.message_length.app_error")
    assert body["detailed_error"] == f"id={post['id']}"
    stored = rt(mm_app).store.get("posts", post["id"])
    assert stored["message"] == "keep" and stored["props"] == {}


# -- 2. Rocket.Chat Message_MaxAllowedSize: one check behind REST, DDP and legacy ----------------


class Doors:
    """The three ways to send a Rocket.Chat message, each answering (stored?, answer)."""

    def __init__(self, server) -> None:
        self.server = server
        self.headers = rc_login(server.app)

    def stored(self, text: str) -> bool:
        return any(m["msg"] == text for m in rt(self.server.app).store.all("messages"))

    def rest(self, rid: str, text: str) -> dict:
        return requests.post(
            f"{self.server.url}/api/v1/chat.sendMessage",
            json={"message": {"rid": rid, "msg": text}},
            headers=self.headers,
            timeout=10,
        ).json()

    def legacy(self, rid: str, text: str) -> dict:
        return requests.post(
            f"{self.server.url}/api/rooms/{rid}/send",
            json={"msg": text},
            headers=self.headers,
            timeout=10,
        ).json()

    def ddp(self, rid: str, text: str) -> dict:
        from tests.rocketchat.test_ddp import Ddp

        client = Ddp(self.server)
        try:
            client.login("alice")
            result, _ = client.call("sendMessage", {"rid": rid, "msg": text})
        finally:
            client.close()
        return result


def set_rc_setting(server, name: str, value) -> None:
    rt(server.app).store.update("settings", name, {"value": value})


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (5000, "a" * 5001),
        (5000, "😀" * 2501),  # 5,002 UTF-16 code units, as JS counts msg.length
        (0, "a" * 6000),  # Message_MaxAllowedSize ?? 0: no fallback to 5,000
        (None, "short"),
    ],
)
def test_every_door_refuses_an_oversize_message_alike(rc_server, limit, text):
    set_rc_setting(rc_server, "Message_MaxAllowedSize", limit)
    doors = Doors(rc_server)
    assert doors.rest("GENERAL", text) == {
        "success": False,
        "error": "Message size exceeds Message_MaxAllowedSize [error-message-size-exceeded]",
        "errorType": "error-message-size-exceeded",
        "details": {"method": "sendMessage"},
    }
    assert "result" not in doors.ddp("GENERAL", text)  # the method swallows the refusal
    assert doors.legacy("GENERAL", text) == {
        "status": "error",
        "message": "Message size exceeds Message_MaxAllowedSize",
    }
    assert not doors.stored(text)


def test_every_door_accepts_a_message_at_the_limit(rc_server):
    set_rc_setting(rc_server, "Message_MaxAllowedSize", 5000)
    doors = Doors(rc_server)
    assert doors.rest("GENERAL", "😀" * 2500)["success"] is True
    assert doors.ddp("GENERAL", "b" * 5000)["result"]["msg"] == "b" * 5000
    assert doors.legacy("GENERAL", "c" * 5000) == {"status": "success"}


def test_every_door_refuses_an_archived_room_alike(rc_server):
    store = rt(rc_server.app).store
    room = store.find_one("rooms", "name", "random") or store.get("rooms", "GENERAL")
    store.update("rooms", room["_id"], {"archived": True})
    doors = Doors(rc_server)
    assert doors.rest(room["_id"], "to the archive") == {
        "success": False,
        "error": "error-room-archived",
    }
    assert "result" not in doors.ddp(room["_id"], "to the archive")
    assert doors.legacy(room["_id"], "to the archive") == {
        "status": "error",
        "message": "error-room-archived",
    }
    assert not doors.stored("to the archive")


# -- 4. paging parameters -----------------------------------------------------------------------

HUGE = str(10**30)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("page=1e23&per_page=10", (0, 10)),  # Atoi fails: the default page
        ("page=-5&per_page=-5", (0, 60)),
        (f"page=1&per_page={HUGE}", (1, 60)),  # past int64: Atoi fails, the default
        ("page=3&per_page=1000", (3, 200)),
        ("page=٣&per_page=1_0", (0, 60)),  # Go's Atoi takes ASCII digits only
        ("page=9223372036854775807&per_page=60", (153722867280912929, 60)),
    ],
)
def test_mattermost_paging_reads_like_web_params(mm_app, query, expected):
    from emulator.mattermost import inputs

    with mm_app.test_request_context(f"/api/v4/users?{query}"):
        assert inputs.paging() == expected


@pytest.mark.parametrize(
    "path", ["/channels/{channel}/posts", "/channels/{channel}/members", "/users", "/teams"]
)
@pytest.mark.parametrize("page", ["1e23", "-1", HUGE, "9223372036854775807", "9223372036854775808"])
def test_mattermost_paged_routes_never_fail_on_a_page(mm_app, path, page):
    headers = mm_login(mm_app)
    url = "/api/v4" + path.format(channel=town_square(mm_app))
    response = mm_app.test_client().get(
        url, query_string={"page": page, "per_page": HUGE}, headers=headers
    )
    assert response.status_code == 200, response.get_data(as_text=True)


def rc_get(app, path: str, **query) -> tuple[int, dict]:
    response = app.test_client().get(f"/api/v1/{path}", query_string=query, headers=rc_login(app))
    return response.status_code, response.get_json()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"offset": "1e23", "count": "1e23"}, (1, 1)),  # parseInt stops at the "e"
        ({"count": "-2"}, (0, 2)),  # Mongo: a negative limit is one batch of that many
        ({"count": HUGE}, (0, 100)),  # API_Upper_Count_Limit
        ({"count": "abc"}, (0, 50)),
        ({"count": "0"}, (0, None)),  # API_Allow_Infinite_Count
        ({"offset": HUGE}, (2**53 - 1, 50)),
    ],
)
def test_rocketchat_pagination_reads_like_get_pagination_items(rc_app, query, expected):
    from emulator.rocketchat import inputs

    with rc_app.test_request_context("/api/v1/channels.list", query_string=query):
        assert inputs.pagination(rt(rc_app))[:2] == expected


def test_rocketchat_negative_offset_is_the_databases_400(rc_app):
    status, body = rc_get(rc_app, "channels.list", offset="-5")
    assert status == 400
    assert body == {
        "success": False,
        "error": "BSON field 'skip' value must be >= 0, actual value '-5'",
    }


@pytest.mark.parametrize(
    "path", ["channels.list", "channels.history?roomId=GENERAL", "groups.history?roomName=x"]
)
@pytest.mark.parametrize("value", ["1e23", HUGE, "-" + HUGE, "abc", ""])
def test_rocketchat_paged_routes_never_fail(rc_app, path, value):
    route, _, extra = path.partition("?")
    query = dict(p.split("=") for p in extra.split("&") if p)
    status, _ = rc_get(rc_app, route, count=value, **query)
    assert status < 500
    status, _ = rc_get(rc_app, route, offset=value.lstrip("-"), **query)
    assert status < 500


# -- 6. request lines past the server's limit -----------------------------------------------------


def raw_get(url: str, path: str) -> tuple[int, dict[str, str], bytes]:
    """A GET written straight onto a socket (clients refuse some of these URLs themselves)."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        reply = http.client.HTTPResponse(sock)
        reply.begin()
        return reply.status, dict(reply.getheaders()), reply.read()


def assert_product_414(product: str, headers: dict[str, str], body: bytes) -> None:
    assert headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    if product == "mattermost":
        assert list(payload) == MM_ERROR_KEYS
        assert payload["id"] == "api.context.invalid_url_param.app_error"
        assert payload["status_code"] == 414 and payload["request_id"]
        assert headers["X-Request-Id"] == payload["request_id"]
    else:
        assert payload == {"success": False, "error": "URI Too Long"}


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_serve_answers_a_too_long_url_as_the_product(served, product):
    url = served[product]
    status, headers, body = raw_get(url, "/api/v4/users?q=" + "x" * 5000)
    assert status == 414
    assert_product_414(product, headers, body)
    # The worker is fine afterwards.
    assert (
        requests.get(
            f"{url}/api/v4/system/ping" if product == "mattermost" else f"{url}/api/info",
            timeout=10,
        ).status_code
        == 200
    )


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_threaded_server_answers_a_too_long_url_as_the_product(mm_server, rc_server, product):
    server = mm_server if product == "mattermost" else rc_server
    status, headers, body = raw_get(server.url, "/api/v4/users?q=" + "x" * 70_000)
    assert status == 414
    assert_product_414(product, headers, body)
