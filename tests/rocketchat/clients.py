"""Helpers for the Rocket.Chat tests: raw calls next to rocketchat_API, and common answers."""

from __future__ import annotations

from typing import Any

import requests
from rocketchat_API.rocketchat import RocketChat

NO_PERMISSION = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}


def call(rocket: RocketChat, method: str, path: str, **kwargs: Any) -> requests.Response:
    """``/api/v1/<path>`` with the client's credentials, for what rocketchat_API does not wrap."""
    url = f"{rocket.server_url}/api/v1/{path}"
    headers = {**rocket.headers, **kwargs.pop("headers", {})}
    return requests.request(method, url, headers=headers, timeout=5, **kwargs)


def refused(excinfo: Any) -> tuple[int, dict]:
    """Status and body of a ``RocketApiException`` caught by ``pytest.raises``."""
    return excinfo.value.status_code, excinfo.value.response_json
