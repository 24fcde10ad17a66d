"""API responses checked against the product's OpenAPI document.

Each test drives its own tour of representative requests through an app of its own, so it checks
something whether it runs alone, first, or on any pytest-xdist worker. The last test (``RUN_LAST``)
also checks whatever the other tests of this worker made the session's apps send. See
``validation`` for what counts as a violation and ``allowlist`` for the accepted spec bugs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, Response, request
from flask.testing import FlaskClient

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config

from .recording import RecordedResponse, ResponseRecorder

RUN_LAST = True


def mattermost_tour(client: FlaskClient) -> None:
    """Reads and writes of the main Mattermost resources, and two kinds of error."""
    login = client.post(
        "/api/v4/users/login", json={"login_id": "admin", "password": "admin-password"}
    )
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {login.headers['Token']}"
    store = runtime_of(client.application).store
    team = store.find_one("teams", "name", "acme")["id"]
    town = next(c["id"] for c in store.find("channels", "name", "town-square"))
    me = login.get_json()["id"]
    client.get("/api/v4/users/me")
    client.get("/api/v4/users?page=0&per_page=5")
    client.get(f"/api/v4/users/{me}/teams")
    client.get(f"/api/v4/teams/{team}")
    client.get(f"/api/v4/teams/{team}/channels")
    client.get(f"/api/v4/channels/{town}")
    client.get(f"/api/v4/channels/{town}/members")
    post = client.post("/api/v4/posts", json={"channel_id": town, "message": "tour"}).get_json()
    client.get(f"/api/v4/posts/{post['id']}")
    client.get(f"/api/v4/channels/{town}/posts")
    client.put(f"/api/v4/posts/{post['id']}/patch", json={"message": "tour, edited"})
    client.get("/api/v4/users/me/preferences")
    client.get("/api/v4/system/ping")
    client.get("/api/v4/users/" + "x" * 26)  # 404 in the AppError shape
    client.post("/api/v4/posts", data=b"{not json", content_type="application/json")  # 400


def rocketchat_tour(client: FlaskClient) -> None:
    """Reads and writes of the main Rocket.Chat resources, and two kinds of error."""
    login = client.post("/api/v1/login", json={"user": "admin", "password": "admin-password"})
    data = login.get_json()["data"]
    client.environ_base["HTTP_X_AUTH_TOKEN"] = data["authToken"]
    client.environ_base["HTTP_X_USER_ID"] = data["userId"]
    client.get("/api/v1/me")
    client.get("/api/v1/channels.list")
    client.get("/api/v1/channels.info?roomName=general")
    sent = client.post("/api/v1/chat.postMessage", json={"channel": "#general", "text": "tour"})
    message = sent.get_json()["message"]
    client.get(f"/api/v1/chat.getMessage?msgId={message['_id']}")
    client.get("/api/v1/channels.history?roomName=general")
    client.get("/api/v1/users.info?username=alice")
    client.get("/api/v1/users.list")
    client.get("/api/v1/subscriptions.get")
    client.get("/api/v1/rooms.get")
    client.get("/api/v1/users.info?username=nobody-at-all")  # 400 in the failure shape
    client.get("/api/v1/no.such")  # 404, no route


TOURS: dict[str, Callable[[FlaskClient], None]] = {
    "mattermost": mattermost_tour,
    "rocketchat": rocketchat_tour,
}
# Documented operations the tour must reach: fewer means a request of it went astray.
MIN_OPERATIONS = {"mattermost": 14, "rocketchat": 11}


def tour_records(product: str, tamper: Callable[[Response], None] | None = None) -> list[Any]:
    """The responses of one tour through a fresh app; ``tamper`` may spoil them before they
    are recorded (the recorder sees each response as it is sent)."""
    recorder = ResponseRecorder()
    app: Flask = recorder.attach(create_app(product, ephemeral_config()), product)
    if tamper is not None:
        app.after_request(lambda response: tamper(response) or response)
    TOURS[product](app.test_client())
    return recorder.records(product)


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_the_tour_reaches_documented_operations_and_conforms(product, response_validators):
    report = response_validators[product].validate(tour_records(product))
    assert len(report.operations) >= MIN_OPERATIONS[product], report.describe()
    if report.failed:
        pytest.fail(report.describe(), pytrace=False)


def _rewrite_json(path: str, change: Callable[[Any], Any]) -> Callable[[Response], None]:
    def tamper(response: Response) -> None:
        if request.path == path:
            response.set_data(json.dumps(change(response.get_json())))

    return tamper


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda body: {**body, key: value}


@pytest.mark.parametrize(
    ("product", "tamper", "operation", "status", "kind", "where"),
    [
        # A user whose id is a number: the GetUser schema says string.
        ("mattermost", _rewrite_json("/api/v4/users/me", _set("id", 5)), "GetUser", 200,
         "schema", "$.id"),
        # An AppError whose status_code disagrees with the HTTP status.
        ("mattermost", _rewrite_json("/api/v4/users/" + "x" * 26, _set("status_code", 200)),
         "GetUser", 404, "envelope", "$.status_code"),
        # A failure that says it succeeded.
        ("rocketchat", _rewrite_json("/api/v1/users.info", _set("success", True)),
         "get-api-v1-users.info", 400, "envelope", "$.success"),
    ],
)  # fmt: skip
def test_a_wrong_response_fails_the_validation(
    product, tamper, operation, status, kind, where, response_validators
):
    report = response_validators[product].validate(tour_records(product, tamper))
    assert report.failed
    assert [(v.operation_id, v.status, v.kind, v.where) for v in report.violations] == [
        (operation, status, kind, where)
    ]


@pytest.mark.parametrize("product", ["mattermost", "rocketchat"])
def test_recorded_responses_conform_to_the_openapi_spec(
    product, response_recorder, response_validators, conformance_reports
):
    """The tour plus every response this worker's other tests made the session's apps send."""
    records: list[RecordedResponse] = tour_records(product) + response_recorder.records(product)
    report = response_validators[product].validate(records)
    conformance_reports.append(report)
    if report.failed:
        pytest.fail(report.describe(), pytrace=False)
