"""``push.token``, ``instances.get``, ``settings.oauth``, ``service.configurations``."""

from __future__ import annotations

import requests

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call


def test_push_token_register_refresh_and_remove(rc_server, alice):
    body = {"type": "gcm", "value": "device-token-1", "appName": "chat.rocket.android"}
    first = call(alice, "POST", "push.token", json=body).json()
    result = first["result"]
    assert first["success"] is True
    assert result["token"] == {"gcm": "device-token-1"} and result["enabled"] is True
    assert result["userId"] == alice.headers["X-User-Id"] and "authToken" not in result
    # the same token for the same app refreshes the one document
    again = call(alice, "POST", "push.token", json=body).json()["result"]
    assert again["_id"] == result["_id"]
    assert len(runtime_of(rc_server.app).store.all("push_tokens")) == 1

    gone = call(alice, "DELETE", "push.token", json={"token": "device-token-1"})
    assert gone.json() == {"success": True}
    missing = call(alice, "DELETE", "push.token", json={"token": "device-token-1"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"success": False, "error": "Resource not found"},
    )


def test_push_token_refusals(alice):
    answer = call(alice, "POST", "push.token", json={"type": "sms", "value": "x", "appName": "a"})
    assert answer.json() == {
        "success": False,
        "error": "must be equal to one of the allowed values",
        "errorType": "invalid-params",
    }
    body = {"type": "apn", "value": "x", "appName": "a", "voipToken": "v"}
    answer = call(alice, "POST", "push.token", json=body)
    assert answer.json() == {"success": False, "error": "voip-tokens-must-specify-device-id"}
    answer = call(alice, "DELETE", "push.token", json={})
    assert answer.json()["error"] == "must have required property 'token'"


def test_instances_get(admin, alice):
    answer = call(admin, "GET", "instances.get").json()
    (instance,) = answer["instances"]
    assert instance["currentStatus"] == {"connected": False}
    assert instance["broadcastAuth"] is True
    assert instance["instanceRecord"]["name"] == "rocket.chat"
    assert instance["instanceRecord"]["_createdAt"].endswith("Z")
    # the same record every time
    assert call(admin, "GET", "instances.get").json() == answer
    assert call(alice, "GET", "instances.get").json() == NO_PERMISSION


def test_login_services_are_public_and_empty_on_a_fresh_server(rc_server, alice):
    assert alice.service_configurations() == {"configurations": [], "success": True}
    url = f"{rc_server.url}/api/v1"
    oauth = requests.get(f"{url}/settings.oauth", timeout=5).json()
    assert oauth == {"services": [], "success": True}
    configurations = requests.get(f"{url}/service.configurations", timeout=5).json()
    assert configurations == {"configurations": [], "success": True}


def test_configured_services_without_secrets(rc_server):
    runtime_of(rc_server.app).store.insert(
        "login_service_configuration",
        {"_id": "g1", "service": "google", "clientId": "cid", "secret": "s3cret"},
    )
    url = f"{rc_server.url}/api/v1"
    oauth = requests.get(f"{url}/settings.oauth", timeout=5).json()["services"]
    assert oauth == [
        {
            "_id": "g1",
            "name": "google",
            "clientId": "cid",
            "buttonLabelText": "",
            "buttonColor": "",
            "buttonLabelColor": "",
            "custom": False,
        }
    ]
    configurations = requests.get(f"{url}/service.configurations", timeout=5).json()
    assert configurations["configurations"] == [
        {"_id": "g1", "service": "google", "clientId": "cid"}
    ]
