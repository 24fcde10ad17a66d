"""Tokens of a user (``resources/users_tokens.py``): login tokens (``users.logout``,
``users.logoutOtherClients``, ``users.removeOtherTokens``), personal access tokens and
``users.createToken``."""

from __future__ import annotations

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import RocketApiException
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.rocketchat.clients import call


def test_logout_other_clients_and_remove_other_tokens(rc_server, alice):
    other = RocketChat("alice", "alice-password", server_url=rc_server.url)
    done = alice.call_api_post("users.logoutOtherClients")
    assert done["token"] == alice.headers["X-Auth-Token"]
    assert done["tokenExpires"].endswith("Z")
    assert call(other, "GET", "me").status_code == 401
    assert call(alice, "GET", "me").status_code == 200
    third = RocketChat("alice", "alice-password", server_url=rc_server.url)
    assert alice.call_api_post("users.removeOtherTokens") == {"success": True}
    assert call(third, "GET", "me").status_code == 401


def test_users_logout(admin, alice):
    alice_id = alice.headers["X-User-Id"]
    raw = call(alice, "POST", "users.logout", json={"userId": admin.headers["X-User-Id"]})
    assert (raw.status_code, raw.json()) == (401, {"success": False, "error": "unauthorized"})
    done = admin.call_api_post("users.logout", userId=alice_id)
    assert done == {"message": f"User {alice_id} has been logged out!", "success": True}
    assert call(alice, "GET", "me").status_code == 401
    raw = call(admin, "POST", "users.logout", json={"userId": "nope"})
    assert raw.json()["errorType"] == "error-invalid-user-id"


# -- personal access tokens, users.createToken --------------------------------------------------

TWO_FACTOR_REQUIRED = {
    "success": False,
    "error": "TOTP Required [totp-required]",
    "errorType": "totp-required",
    "details": {"method": "password", "codeGenerated": False, "availableMethods": []},
}


def _two_factor(password):
    import hashlib

    return {"x-2fa-code": hashlib.sha256(password.encode()).hexdigest(), "x-2fa-method": "password"}


def _post(rc_server, path, headers, body):
    return requests.post(f"{rc_server.url}/api/v1/{path}", headers=headers, json=body, timeout=5)


def test_personal_access_token_lifecycle(rc_server):
    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    headers = dict(rocket.headers)
    raw = _post(rc_server, "users.generatePersonalAccessToken", headers, {"tokenName": "ci"})
    assert (raw.status_code, raw.json()) == (400, TWO_FACTOR_REQUIRED)
    headers.update(_two_factor("alice-password"))
    raw = _post(rc_server, "users.generatePersonalAccessToken", headers, {"tokenName": "ci"})
    assert raw.status_code == 200
    token = raw.json()["token"]
    assert set(raw.json()) == {"token", "success"}
    # The token authenticates like a login token, and outlives login expiry.
    runtime_of(rc_server.app).clock.advance(200 * 86_400_000)
    pat = RocketChat(
        auth_token=token, user_id=rocket.headers["X-User-Id"], server_url=rc_server.url
    )
    assert pat.me()["username"] == "alice"
    assert (
        requests.get(f"{rc_server.url}/api/v1/me", headers=rocket.headers, timeout=5).status_code
        == 401
    )
    listed = pat.call_api_get("users.getPersonalAccessTokens")
    assert listed["tokens"] == [
        {
            "name": "ci",
            "createdAt": listed["tokens"][0]["createdAt"],
            "lastTokenPart": token[-6:],
            "bypassTwoFactor": False,
        }
    ]
    pat_headers = {**pat.headers, **_two_factor("alice-password")}
    again = _post(rc_server, "users.generatePersonalAccessToken", pat_headers, {"tokenName": "ci"})
    assert again.json() == {
        "success": False,
        "error": "A token with this name already exists [error-token-already-exists]",
        "errorType": "error-token-already-exists",
        "details": {"method": "personalAccessTokens:generateToken"},
    }
    fresh = _post(
        rc_server, "users.regeneratePersonalAccessToken", pat_headers, {"tokenName": "ci"}
    )
    new_token = fresh.json()["token"]
    assert new_token != token
    assert (
        requests.get(f"{rc_server.url}/api/v1/me", headers=pat.headers, timeout=5).status_code
        == 401
    )
    new_headers = {"X-User-Id": pat.headers["X-User-Id"], "X-Auth-Token": new_token}
    removed = _post(
        rc_server,
        "users.removePersonalAccessToken",
        {**new_headers, **_two_factor("alice-password")},
        {"tokenName": "ci"},
    )
    assert removed.json() == {"success": True}
    assert (
        requests.get(f"{rc_server.url}/api/v1/me", headers=new_headers, timeout=5).status_code
        == 401
    )


def test_bypass_two_factor_tokens_skip_the_second_factor(rc_server):
    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    headers = {**rocket.headers, **_two_factor("alice-password")}
    body = {"tokenName": "bot", "bypassTwoFactor": True}
    token = _post(rc_server, "users.generatePersonalAccessToken", headers, body).json()["token"]
    pat = {"X-User-Id": rocket.headers["X-User-Id"], "X-Auth-Token": token}
    raw = _post(rc_server, "users.generatePersonalAccessToken", pat, {"tokenName": "other"})
    assert raw.status_code == 200


def test_personal_access_token_errors(rc_server):
    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    headers = {**rocket.headers, **_two_factor("alice-password")}
    raw = _post(rc_server, "users.generatePersonalAccessToken", headers, {})
    assert raw.json() == {"success": False, "error": "The 'tokenName' param is required"}
    raw = _post(rc_server, "users.removePersonalAccessToken", headers, {"tokenName": "nope"})
    assert raw.json()["errorType"] == "error-token-does-not-exists"
    runtime_of(rc_server.app).store.update(
        "permissions", "create-personal-access-tokens", {"roles": ["admin"]}
    )
    raw = _post(rc_server, "users.generatePersonalAccessToken", headers, {"tokenName": "x"})
    assert raw.json() == {
        "success": False,
        "error": "Not Authorized [not-authorized]",
        "errorType": "not-authorized",
        "details": {"method": "personalAccessTokens:generateToken"},
    }
    listed = requests.get(
        f"{rc_server.url}/api/v1/users.getPersonalAccessTokens", headers=rocket.headers, timeout=5
    )
    assert listed.json() == {
        "success": False,
        "error": "Not Authorized [not-authorized]",
        "errorType": "not-authorized",
    }


def test_create_token_is_off_by_default(rc_server):
    admin = RocketChat("admin", "admin-password", server_url=rc_server.url)
    bob_id = admin.users_info(username="bob")["user"]["_id"]
    with pytest.raises(RocketApiException) as excinfo:
        admin.users_create_token(bob_id, "whatever")
    assert excinfo.value.response_json == {
        "success": False,
        "error": "Not authorized [error-not-authorized]",
        "errorType": "error-not-authorized",
    }


def _server_with(environ):
    from emulator.app import create_app
    from emulator.config import ephemeral_config
    from emulator.server import ThreadedServer

    return ThreadedServer(create_app("rocketchat", ephemeral_config(environ=environ))).start()


def test_create_token_with_the_server_secret():
    server = _server_with({"CREATE_TOKENS_FOR_USERS_SECRET": "s3cret"})
    try:
        admin = RocketChat("admin", "admin-password", server_url=server.url)
        bob_id = admin.users_info(username="bob")["user"]["_id"]
        done = admin.users_create_token(bob_id, "s3cret")
        assert done["data"]["userId"] == bob_id
        bob = RocketChat(
            auth_token=done["data"]["authToken"], user_id=bob_id, server_url=server.url
        )
        assert bob.me()["username"] == "bob"
        with pytest.raises(RocketApiException):
            admin.users_create_token(bob_id, "wrong")
        alice = RocketChat("alice", "alice-password", server_url=server.url)
        with pytest.raises(RocketApiException):
            alice.users_create_token(bob_id, "s3cret")
        own = alice.users_create_token(alice.headers["X-User-Id"], "s3cret")
        assert own["data"]["userId"] == alice.headers["X-User-Id"]
    finally:
        server.stop()


def test_create_token_with_the_older_switch():
    server = _server_with({"CREATE_TOKENS_FOR_USERS": "true"})
    try:
        admin = RocketChat("admin", "admin-password", server_url=server.url)
        bob_id = admin.users_info(username="bob")["user"]["_id"]
        assert admin.users_create_token(bob_id, "")["success"] is True
    finally:
        server.stop()
