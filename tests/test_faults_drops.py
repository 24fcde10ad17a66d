"""``drop`` faults against both servers we run: the in-thread werkzeug server and gunicorn.

The two reach the client socket differently (``werkzeug.socket`` vs ``gunicorn.socket``).
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
from mattermostdriver import Driver
from rocketchat_API.rocketchat import RocketChat

from emulator.control import Control

CLI = [sys.executable, "-m", "emulator.cli", "serve"]


class Served:
    """``chat-emulator serve --in-memory`` on free ports."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("CHAT_EMULATOR_")}
        self.proc = subprocess.Popen(
            [*CLI, "--in-memory", "--mattermost-port", "0", "--rocketchat-port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**environ, **(env or {})},
        )
        self.urls: dict[str, str] = {}
        only = args[args.index("--only") + 1] if "--only" in args else None
        pending = {f"{p} logins" for p in ((only,) if only else ("mattermost", "rocketchat"))}
        while pending:  # the banner ends with one "<product> logins" line per product
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"exited early: {self.proc.stderr.read()}")
            found = re.match(r"\s+(mattermost|rocketchat)\s+(http://\S+)$", line)
            if found:
                self.urls[found.group(1)] = found.group(2)
            pending = {p for p in pending if not line.strip().startswith(p)}

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=15)
        stderr = self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return stderr


@pytest.fixture(scope="module")
def gunicorn() -> Iterator[Served]:
    served = Served()
    yield served
    stderr = served.stop()
    # Cut connections are not server errors: nothing may be logged about them.
    assert "Traceback" not in stderr and "Error" not in stderr, stderr


@pytest.fixture(params=["werkzeug", "gunicorn"])
def urls(request) -> dict[str, str]:
    if request.param == "werkzeug":
        found = {
            "mattermost": request.getfixturevalue("mm_server").url,
            "rocketchat": request.getfixturevalue("rc_server").url,
        }
    else:
        found = request.getfixturevalue("gunicorn").urls
    for url in found.values():
        Control(url).reset()
    return found


def mm_driver(url: str) -> Driver:
    host, port = url.removeprefix("http://").split(":")
    options = {"url": host, "port": int(port), "scheme": "http"}
    driver = Driver({**options, "login_id": "alice", "password": "alice-password"})
    driver.login()
    return driver


def test_reset_is_a_connection_reset(urls):
    mm = urls["mattermost"]
    driver = mm_driver(mm)
    Control(mm).add_fault(match={"path": "/api/v4/users/me"}, drop="reset")
    with pytest.raises(requests.ConnectionError) as caught:
        driver.users.get_user("me")
    assert isinstance(caught.value.args[0].args[1], ConnectionResetError)
    # The server is fine: the next request on a fresh connection works.
    assert requests.get(f"{mm}/api/v4/system/ping", timeout=10).status_code == 200
    entry = Control(mm).requests(path="/api/v4/users/me")[0]
    assert (entry["status"], entry["fault"], entry["response"]) == (None, "f1", "")


def test_close_is_a_disconnect_without_response(urls):
    rc = urls["rocketchat"]
    client = RocketChat("alice", "alice-password", server_url=rc)
    Control(rc).add_fault(match={"path": "/api/v1/me"}, drop="close")
    with pytest.raises(requests.ConnectionError) as caught:
        client.me()
    assert isinstance(caught.value.args[0].args[1], http.client.RemoteDisconnected)
    assert requests.get(f"{rc}/api/info", timeout=10).status_code == 200


def test_empty_sends_headers_but_not_the_body(urls):
    rc = urls["rocketchat"]
    Control(rc).add_fault(match={"path": "/api/info"}, drop="empty")
    response = requests.get(f"{rc}/api/info", timeout=10, stream=True)
    assert response.status_code == 200
    declared = int(response.headers["Content-Length"])
    assert declared > 0
    with pytest.raises(requests.exceptions.ChunkedEncodingError) as caught:
        _ = response.content
    assert f"0 bytes read, {declared} more expected" in str(caught.value)


def test_garbage_is_a_malformed_json_body(urls):
    mm = urls["mattermost"]
    driver = mm_driver(mm)
    Control(mm).add_fault(match={"path": "/api/v4/users/me"}, drop="garbage", times=1)
    # The driver cannot decode it, so it hands back the raw response instead of a dict.
    mangled = driver.users.get_user("me")
    assert isinstance(mangled, requests.Response) and mangled.status_code == 200
    with pytest.raises(requests.exceptions.JSONDecodeError):
        mangled.json()
    assert mangled.content.startswith(b'{"id":')
    assert driver.users.get_user("me")["username"] == "alice"


def test_garbage_keeps_an_error_status(urls):
    rc = urls["rocketchat"]
    Control(rc).add_fault(match={"path": "/api/info"}, error={"status": 502}, drop="garbage")
    response = requests.get(f"{rc}/api/info", timeout=10)
    assert response.status_code == 502
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(requests.exceptions.JSONDecodeError):
        response.json()


def test_keep_alive_session_survives_drops(urls):
    mm = urls["mattermost"]
    ctl = Control(mm)
    ctl.add_fault(match={"path": "/api/v4/system/ping"}, drop="reset", after=1, times=1)
    session = requests.Session()
    assert session.get(f"{mm}/api/v4/system/ping", timeout=10).status_code == 200
    with pytest.raises(requests.ConnectionError):
        session.get(f"{mm}/api/v4/system/ping", timeout=10)
    assert session.get(f"{mm}/api/v4/system/ping", timeout=10).status_code == 200


def test_without_a_socket_a_drop_raises_in_the_app():
    from emulator.app import create_app
    from emulator.config import ephemeral_config

    app = create_app("rocketchat", ephemeral_config(faults=("/api/info reset",)))
    with pytest.raises(ConnectionAbortedError):
        app.test_client().get("/api/info")
