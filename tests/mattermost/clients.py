"""Helpers for the Mattermost tests: logged-in drivers, raw calls and config switches."""

from __future__ import annotations

from typing import Any

import requests
from mattermostdriver import Driver

from emulator.app import runtime_of
from emulator.mattermost import wire

ERROR_KEYS = ["id", "message", "detailed_error", "request_id", "status_code"]


def driver(server, login_id: str = "alice", password: str | None = None, token: str = "") -> Driver:
    host, port = server.url.removeprefix("http://").split(":")
    options = {
        "url": host,
        "port": int(port),
        "scheme": "http",
        "basepath": "/api/v4",
        "login_id": login_id,
        "password": f"{login_id}-password" if password is None else password,
    }
    if token:
        options["token"] = token
    return Driver(options)


def logged_in(server, login_id: str = "alice") -> Driver:
    d = driver(server, login_id)
    d.login()
    return d


class Raw:
    """``requests`` with a bearer token, for endpoints the driver does not wrap."""

    def __init__(self, server, token: str = "") -> None:
        self.base = f"{server.url}/api/v4"
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return requests.request(method, self.base + path, headers=headers, timeout=5, **kwargs)


def raw(server, d: Driver | None = None) -> Raw:
    return Raw(server, d.client.token if d is not None else "")


def set_config(server, section: str, name: str, value: Any) -> None:
    """Change one setting of a server (or a bare Flask app) without touching stored documents."""
    store = runtime_of(getattr(server, "app", server)).store
    settings = {k: dict(v) for k, v in store.get("config", "config")["settings"].items()}
    settings.setdefault(section, {})[name] = value
    store.update("config", "config", {"settings": settings})


def user_id(server, username: str) -> str:
    return runtime_of(server.app).store.find_one("users", "username", username)["id"]


def team_id(server, name: str = "acme") -> str:
    return runtime_of(server.app).store.find_one("teams", "name", name)["id"]


def assert_error(response: requests.Response, status: int, error_id: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert list(body) == ERROR_KEYS
    assert body["id"] == error_id
    assert body["status_code"] == status
    return body


def as_sent(payload: dict[str, Any]) -> dict[str, Any]:
    """A published event with its ``data`` as the WebSocket sends it: the domain publishes
    documents, ``wire.ws_event_data`` renders them (JSON-encoded ``post``, ``reaction``, ...)."""
    return {**payload, "data": wire.ws_event_data(payload.get("data") or {})}
