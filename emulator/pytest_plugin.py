"""pytest fixtures ``mattermost`` and ``rocketchat``: a seeded emulator per test session.

Registered through the ``pytest11`` entry point, so installing chat-emulator is all it takes::

    def test_bot(mattermost):
        driver = Driver({"url": mattermost.host, "port": mattermost.port, "scheme": "http",
                         "token": mattermost.admin.token})
        ...

Each product's server starts once per session (per xdist worker) in a thread on a free port; the
function-scoped fixture puts it back to the seeded workspace before every test. Set
``CHAT_EMULATOR_MATTERMOST_URL`` / ``CHAT_EMULATOR_ROCKETCHAT_URL`` to use an already running
server or container instead (reset through ``/_emulator/reset``; ``CHAT_EMULATOR_CONTROL_TOKEN``
when it is not on loopback).
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask, got_request_exception

from .control import Control
from .server import ThreadedServer

PRODUCTS = ("mattermost", "rocketchat")
MARKER = "chat_emulator"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("chat_emulator_seed", "seed of the emulated workspaces", default="1")
    parser.addini("chat_emulator_workspace", "empty, small or demo", default="small")
    parser.addini("chat_emulator_fixtures", "scenario file (JSON or TOML)", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(seed=None, workspace=None, fixtures=None): run this test against an emulator "
        "seeded differently from the session default",
    )


# -- accounts and handles ---------------------------------------------------------------------

# What Mattermost answers a login without the code of a user with MFA on.
MFA_NEEDED = "mfa.validate_token.authenticate.app_error"


# What Rocket.Chat answers a login without the code of a user with a second factor on.
RC_CODE_NEEDED = "totp-required"


def _rc_error(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("error") if isinstance(body, dict) else None


def _error_id(response: requests.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body.get("id") if isinstance(body, dict) else None


@dataclass
class Account:
    """A seeded login; ``token`` logs in on first use and stays valid for the current test."""

    handle: Handle
    username: str
    password: str
    admin: bool = False
    _login: dict[str, str] | None = field(default=None, repr=False)

    @property
    def user_id(self) -> str:
        return self._credentials()["user_id"]

    @property
    def token(self) -> str:
        return self._credentials()["token"]

    def _credentials(self) -> dict[str, str]:
        if self._login is None:
            self._login = self.handle._log_in(self.username, self.password)
        return self._login


class Handle:
    """One product's emulator as a test sees it (see the module docstring)."""

    def __init__(self, product: str, url: str, control_token: str | None = None) -> None:
        self.product = product
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.control = Control(self.url, token=control_token)
        self.faults = Faults(self.control)
        self.clock = self.control.clock
        # Posts "of this test" are those made after the handle was built (right after the reset).
        self.started_ms = self.clock.now_ms()
        self._accounts: list[Account] | None = None
        # Call-outs wait_for_callout already returned: each call is handed out once.
        self._callouts_seen: set[int] = set()

    # -- accounts --

    @property
    def users(self) -> list[Account]:
        """Every seeded account with a known password (fixtures and env admins first)."""
        if self._accounts is None:
            listed = self.control.call("GET", "/accounts")["accounts"]
            self._accounts = [
                Account(self, a["username"], a["password"], a["admin"]) for a in listed
            ]
        return self._accounts

    @property
    def admin(self) -> Account:
        return next(a for a in self.users if a.admin)

    def user(self, username: str) -> Account:
        return next(a for a in self.users if a.username == username)

    def _log_in(self, username: str, password: str) -> dict[str, str]:
        if self.product == "mattermost":
            credentials = {"login_id": username, "password": password}
            url = f"{self.url}/api/v4/users/login"
            response = requests.post(url, json=credentials, timeout=10)
            if response.status_code == 401 and _error_id(response) == MFA_NEEDED:
                credentials["token"] = self.mfa_code(username)
                response = requests.post(url, json=credentials, timeout=10)
            response.raise_for_status()
            return {"user_id": response.json()["id"], "token": response.headers["Token"]}
        credentials = {"user": username, "password": password}
        url = f"{self.url}/api/v1/login"
        response = requests.post(url, json=credentials, timeout=10)
        if response.status_code == 401 and _rc_error(response) == RC_CODE_NEEDED:
            # The login just "mailed" a code when e-mail is the user's second factor.
            method = response.json()["details"]["method"]
            credentials["code"] = (
                self.totp_code(username) if method == "totp" else self.email_code(username)
            )
            response = requests.post(url, json=credentials, timeout=10)
        response.raise_for_status()
        data = response.json()["data"]
        return {"user_id": data["userId"], "token": data["authToken"]}

    def mfa_code(self, username: str) -> str:
        """Mattermost: the user's current MFA code, by the emulator clock (the user must have
        generated a secret, ``POST /api/v4/users/{id}/mfa/generate``)."""
        return self.control.call("GET", f"/mattermost/users/{username}/mfa_code")["code"]

    def totp_code(self, username: str) -> str:
        """Rocket.Chat: the code the user's authenticator app shows now, by the emulator clock
        (the user must have a TOTP secret: ``2fa:enable``, enabled or still being set up)."""
        return self.control.call("GET", f"/rocketchat/users/{username}/totp_code")["code"]

    def email_code(self, username: str) -> str:
        """Rocket.Chat: the last two-factor code "mailed" to the user (no mail is sent)."""
        return self.control.call("GET", f"/rocketchat/users/{username}/email_code")["code"]

    # -- integrations --

    def run_command(self, user: Account | str, channel: str, command: str) -> dict[str, Any]:
        """Run slash ``command`` (``"/echo hi"``) as ``user`` (an account or a username) in
        ``channel``. Mattermost: a channel name in one of the user's teams, or an id; the
        ``CommandResponse``, or ``requests.HTTPError`` with the error body. Rocket.Chat: a room
        id; the JSON answer of ``commands.run``, refusals included."""
        if not command.startswith("/"):
            raise ValueError(f"not a slash command: {command!r}")
        account = self.user(user) if isinstance(user, str) else user
        if self.product == "rocketchat":
            return self._run_rocketchat_command(account, channel, command)
        headers = {"Authorization": f"Bearer {account.token}"}
        api = f"{self.url}/api/v4"
        teams = requests.get(f"{api}/users/me/teams", headers=headers, timeout=10).json()
        channel_id, team_id = channel, teams[0]["id"] if teams else ""
        for team in teams:
            found = requests.get(
                f"{api}/teams/{team['id']}/channels/name/{channel}", headers=headers, timeout=10
            )
            if found.ok:
                channel_id, team_id = found.json()["id"], team["id"]
                break
        response = requests.post(
            f"{api}/commands/execute",
            json={"channel_id": channel_id, "team_id": team_id, "command": command},
            headers=headers,
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    # -- control plane --

    def reset(self) -> None:
        self.control.reset()
        self._accounts = None

    def rate_limit(self, **settings: Any) -> dict[str, Any]:
        """Switch the product's own limiter on, in its own setting names."""
        return self.control.rate_limit(**settings)

    def latency(self, ms: int, jitter_ms: int = 0) -> dict[str, Any]:
        return self.control.latency(ms, jitter_ms)

    def requests(self, method: str | None = None, path: str | None = None) -> list[dict]:
        """What clients sent (most recent first), secrets redacted."""
        return self.control.requests(method=method, path=path)

    def snapshot(self) -> dict[str, Any]:
        return self.control.call("GET", "/snapshot")

    def restore(self, snapshot: dict[str, Any]) -> None:
        self.control.call("PUT", "/snapshot", snapshot)

    def wait_for_post(
        self,
        channel: str,
        contains: str | None = None,
        timeout: float = 5.0,
        since_ms: int | None = None,
    ) -> dict[str, Any]:
        """The first post in ``channel`` (id or name) made during this test (or since
        ``since_ms``) whose text contains ``contains``; waits up to ``timeout`` seconds."""
        since = self.started_ms if since_ms is None else since_ms
        deadline = time.monotonic() + timeout
        while True:
            found = self.control.call("GET", "/posts", channel=channel, since=since)["posts"]
            for post in found:
                text = post.get("message", post.get("msg", ""))
                if contains is None or contains in text:
                    return post
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"no post in {channel!r}"
                    + (f" containing {contains!r}" if contains else "")
                    + f" within {timeout} s"
                )
            time.sleep(0.02)

    def _run_rocketchat_command(self, account: Account, room_id: str, text: str) -> dict[str, Any]:
        command, _, params = text[1:].partition(" ")
        response = requests.post(
            f"{self.url}/api/v1/commands.run",
            headers={"X-User-Id": account.user_id, "X-Auth-Token": account.token},
            json={"command": command, "roomId": room_id, "params": params},
            timeout=10,
        )
        return response.json()

    def wait_for_callout(
        self, timeout: float = 5.0, url: str | None = None, kind: str | None = None
    ) -> dict[str, Any]:
        """The next call the emulator made to the app under test during this test (one this
        handle has not returned yet), optionally only those whose URL contains ``url`` or of
        ``kind``: ``payload`` is the body decoded (JSON or form, secrets redacted), ``status``
        and ``answer`` (decoded JSON) the app's reply, ``error`` a failure (timeout, refusal,
        fault). Waits up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for call in self.control.callouts(url=url, kind=kind):
                if call["id"] not in self._callouts_seen:
                    self._callouts_seen.add(call["id"])
                    return call
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    "no call-out"
                    + (f" to a URL containing {url!r}" if url else "")
                    + (f" of kind {kind!r}" if kind else "")
                    + f" within {timeout} s"
                )
            time.sleep(0.02)

    def click_button(
        self, user: Account, post_id: str, action_id: str, selected_option: str = ""
    ) -> requests.Response:
        """Click an interactive message's button (or pick ``selected_option`` in its menu) as
        ``user``, Mattermost only: the emulator calls the action's app and answers as the server
        does (``{"status": "OK", "trigger_id": ...}`` or the error)."""
        if self.product != "mattermost":
            raise ValueError("buttons are Mattermost's interactive messages")
        body = {"selected_option": selected_option} if selected_option else {}
        return requests.post(
            f"{self.url}/api/v4/posts/{post_id}/actions/{action_id}",
            json=body,
            headers={"Authorization": f"Bearer {user.token}"},
            timeout=60,  # the server waits for the app, up to its own call-out timeout
        )


class Faults:
    def __init__(self, control: Control) -> None:
        self._control = control

    def add(self, **rule: Any) -> dict[str, Any]:
        """``match``, ``error``, ``latency_ms``, ``jitter_ms``, ``drop``, ``probability``,
        ``after``, ``times`` (and ``target="callout"`` for calls to the app under test); returns
        the stored rule with its ``id`` and ``hits``."""
        return self._control.add_fault(**{k: v for k, v in rule.items() if v is not None})

    def list(self) -> list[dict[str, Any]]:
        return self._control.faults()

    def get(self, rule_id: str) -> dict[str, Any]:
        return self._control.fault(rule_id)

    def clear(self) -> None:
        self._control.clear_faults()


# -- servers ----------------------------------------------------------------------------------


class _ServerPool:
    """Servers by (product, settings): started on first use, stopped at session end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.servers: dict[tuple, ThreadedServer] = {}
        self.errors: dict[int, list[str]] = {}

    def settings(self, node: pytest.Item) -> tuple[int, str, str]:
        marker = node.get_closest_marker(MARKER)
        options = dict(marker.kwargs) if marker else {}
        seed = int(options.get("seed") or self.config.getini("chat_emulator_seed"))
        workspace = options.get("workspace") or self.config.getini("chat_emulator_workspace")
        fixtures = options.get("fixtures") or self.config.getini("chat_emulator_fixtures")
        if fixtures and not Path(fixtures).is_absolute():
            fixtures = str(Path(self.config.rootpath) / fixtures)
        return seed, workspace, fixtures or ""

    def get(self, product: str, settings: tuple[int, str, str]) -> ThreadedServer:
        key = (product, *settings)
        if key not in self.servers:
            from .app import create_app
            from .config import ephemeral_config

            seed, workspace, fixtures = settings
            config = ephemeral_config(
                seed=seed, workspace=workspace, fixtures=Path(fixtures) if fixtures else None
            )
            app = create_app(product, config)
            got_request_exception.connect(self._record_error, app, weak=False)
            self.servers[key] = ThreadedServer(app).start()
        return self.servers[key]

    def _record_error(self, sender: Flask, exception: BaseException, **_: Any) -> None:
        formatted = "".join(traceback.format_exception(exception))
        self.errors.setdefault(id(sender), []).append(formatted)

    def take_errors(self, app: Flask) -> list[str]:
        return self.errors.pop(id(app), [])

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()


@pytest.fixture(scope="session")
def chat_emulator_pool(pytestconfig: pytest.Config) -> Iterator[_ServerPool]:
    pool = _ServerPool(pytestconfig)
    yield pool
    pool.close()


def _handle(product: str, pool: _ServerPool, request: pytest.FixtureRequest) -> Iterator[Handle]:
    remote = os.environ.get(f"CHAT_EMULATOR_{product.upper()}_URL")
    token = os.environ.get("CHAT_EMULATOR_CONTROL_TOKEN")
    if remote:
        handle = Handle(product, remote, token)
        handle.reset()
        yield handle
        return
    server = pool.get(product, pool.settings(request.node))
    from .app import runtime_of

    runtime_of(server.app).reset()
    pool.take_errors(server.app)
    handle = Handle(product, server.url)
    yield handle
    errors = pool.take_errors(server.app)
    if errors:
        pytest.fail(
            f"the {product} emulator raised while serving this test:\n\n" + "\n".join(errors),
            pytrace=False,
        )


@pytest.fixture
def mattermost(chat_emulator_pool: _ServerPool, request: pytest.FixtureRequest) -> Iterator[Handle]:
    """A seeded Mattermost emulator, back in its seeded state for this test."""
    yield from _handle("mattermost", chat_emulator_pool, request)


@pytest.fixture
def rocketchat(chat_emulator_pool: _ServerPool, request: pytest.FixtureRequest) -> Iterator[Handle]:
    """A seeded Rocket.Chat emulator, back in its seeded state for this test."""
    yield from _handle("rocketchat", chat_emulator_pool, request)
