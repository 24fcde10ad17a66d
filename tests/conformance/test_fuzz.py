"""Schemathesis fuzzing of the operations we implement, against the reference OpenAPI documents.

Bounded (``MAX_EXAMPLES`` generated cases per operation, derandomized) so that the whole fuzz takes
a couple of minutes at most. Each case is sent, authenticated as the admin, to the session's live
server; the check here is that nothing crashes (a 5xx other than a deliberate 501). The responses
are recorded like every other test's, so the OpenAPI validation that runs last checks their
status, content type and body too.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest
import requests

pytest.importorskip("schemathesis")
import schemathesis
from hypothesis import HealthCheck, Phase, settings

from emulator.app import runtime_of
from emulator.server import ThreadedServer
from emulator.tools.coverage import build_app, coverage

from . import spec

# Per operation; CHAT_EMULATOR_FUZZ_EXAMPLES raises it for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("CHAT_EMULATOR_FUZZ_EXAMPLES", "3"))

CONFIG = {
    "seed": 20260101,
    "generation": {"max-examples": MAX_EXAMPLES},
    "phases": {
        "examples": {"enabled": False},
        "coverage": {"enabled": False},
        "stateful": {"enabled": False},
    },
}

LOGINS = {
    "mattermost": ("/api/v4/users/login", {"login_id": "admin", "password": "admin-password"}),
    "rocketchat": ("/api/v1/login", {"user": "admin", "password": "admin-password"}),
}


class AdminAuth:
    """Admin credentials for the fuzzed requests, logging in again after a 401 (fuzzing logout
    ends the session)."""

    def __init__(self, product: str, server: ThreadedServer) -> None:
        self.product, self.server = product, server
        self._headers: dict[str, str] | None = None

    def headers(self) -> dict[str, str]:
        if self._headers is None:
            path, body = LOGINS[self.product]
            response = requests.post(f"{self.server.url}{path}", json=body, timeout=10)
            response.raise_for_status()
            if self.product == "mattermost":
                self._headers = {"Authorization": f"Bearer {response.headers['Token']}"}
            else:
                data = response.json()["data"]
                self._headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
        return dict(self._headers)

    def saw(self, status: int) -> None:
        if status == 401:
            self._headers = None


def _as_json(value: Any) -> Any:
    """The document as JSON would carry it: YAML reads unquoted ``example: 2019-04-01T...``
    values as datetimes, which schemathesis cannot generate from."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _fuzz_schema(product: str) -> Any:
    implemented = coverage(product, build_app(product), list(spec.operations(product))).implemented
    # Only operations whose documented path is a served URL (not Rocket.Chat's unprefixed ones).
    wanted = {(op.method, op.spec_path) for op in implemented if op.spec_path in op.urls}
    config = schemathesis.config.SchemathesisConfig.from_dict(CONFIG)
    schema = schemathesis.openapi.from_dict(_as_json(spec.load_spec(product)), config=config)
    return schema.include(lambda ctx: (ctx.operation.method.upper(), ctx.operation.path) in wanted)


@pytest.fixture(scope="session")
def mm_fuzz_auth(_mm_server: ThreadedServer) -> AdminAuth:
    runtime_of(_mm_server.app).reset()  # start from the seeded workspace; later tests reset too
    return AdminAuth("mattermost", _mm_server)


@pytest.fixture(scope="session")
def rc_fuzz_auth(_rc_server: ThreadedServer) -> AdminAuth:
    runtime_of(_rc_server.app).reset()
    return AdminAuth("rocketchat", _rc_server)


def _send(case: Any, auth: AdminAuth) -> None:
    headers = {**auth.headers(), **(case.headers or {})}
    response = case.call(base_url=auth.server.url, headers=headers, timeout=10)
    auth.saw(response.status_code)
    # 501 is a deliberate answer (a feature the real server refuses, or an operation the
    # emulator does not implement yet); any other 5xx is a crash.
    if response.status_code >= 500 and response.status_code != 501:
        pytest.fail(
            f"{case.method} {case.formatted_path} -> {response.status_code}: "
            f"{response.text[:500]}\nReproduce with: {case.as_curl_command()}",
            pytrace=False,
        )


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# schemathesis' lazy ``from_fixture`` schemas do not work with pytest 9: the schemas are built at
# import time instead (a second or two per product).
if not spec.have_specs():
    pytest.skip(f"reference specs not found at {spec.SPECS}", allow_module_level=True)
mattermost = _fuzz_schema("mattermost")
rocketchat = _fuzz_schema("rocketchat")


@mattermost.parametrize()
@FUZZ_SETTINGS
def test_fuzz_mattermost(case, mm_fuzz_auth):
    _send(case, mm_fuzz_auth)


@rocketchat.parametrize()
@FUZZ_SETTINGS
def test_fuzz_rocketchat(case, rc_fuzz_auth):
    _send(case, rc_fuzz_auth)
