"""Login slice, through rocketchat_API as integrations use it."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import (
    RocketApiException,
    RocketAuthenticationException,
)
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of


def test_login_and_me_through_rocketchat_api(rc_server):
    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    me = rocket.me()
    assert me["success"] is True
    assert me["username"] == "alice"
    assert me["email"] == "alice@example.com"
    assert me["avatarUrl"].endswith("/avatar/alice")
    assert "bcrypt" not in str(me)


def test_login_by_email(rc_server):
    rocket = RocketChat("alice@example.com", "alice-password", server_url=rc_server.url)
    assert rocket.me()["username"] == "alice"


def test_login_response_shape(rc_server):
    body = requests.post(
        f"{rc_server.url}/api/v1/login", timeout=5, json={"user": "bob", "password": "bob-password"}
    ).json()
    assert body["status"] == "success" and body["success"] is True
    assert set(body["data"]) == {"userId", "authToken", "me"}
    assert len(body["data"]["userId"]) == 17
    assert body["data"]["me"]["_id"] == body["data"]["userId"]


def test_login_with_a_sha256_digest_and_resume(rc_server):
    import hashlib

    digest = hashlib.sha256(b"bob-password").hexdigest()
    first = requests.post(
        f"{rc_server.url}/api/v1/login",
        timeout=5,
        json={"user": "bob", "password": {"digest": digest, "algorithm": "sha-256"}},
    ).json()
    assert first["status"] == "success"
    resumed = requests.post(
        f"{rc_server.url}/api/v1/login", timeout=5, json={"resume": first["data"]["authToken"]}
    ).json()
    assert resumed["data"]["userId"] == first["data"]["userId"]


def test_wrong_password_is_the_real_401(rc_server):
    with pytest.raises(RocketAuthenticationException):
        RocketChat("alice", "wrong", server_url=rc_server.url)
    raw = requests.post(
        f"{rc_server.url}/api/v1/login", timeout=5, json={"user": "nobody", "password": "x"}
    )
    assert raw.status_code == 401
    assert raw.json() == {
        "success": False,
        "error": "Unauthorized",
        "status": "error",
        "message": "Unauthorized",
    }


def test_me_without_login_is_the_real_401(rc_server):
    raw = requests.get(
        f"{rc_server.url}/api/v1/me", timeout=5, headers={"X-User-Id": "abc", "X-Auth-Token": "def"}
    )
    assert raw.status_code == 401
    assert raw.json() == {
        "success": False,
        "error": "You must be logged in to do this.",
        "status": "error",
        "message": "You must be logged in to do this.",
    }


def test_logout_revokes_the_token(rc_server):
    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    assert rocket.logout()["data"]["message"] == "You've been logged out!"
    again = requests.get(f"{rc_server.url}/api/v1/me", headers=rocket.headers, timeout=5)
    assert again.status_code == 401


def test_login_tokens_are_stored_hashed(rc_server):
    from emulator.app import runtime_of

    rocket = RocketChat("alice", "alice-password", server_url=rc_server.url)
    token = rocket.headers["X-Auth-Token"]
    assert token not in str(runtime_of(rc_server.app).store.dump())


def test_info_and_legacy_version(rc_server):
    info = RocketChat(server_url=rc_server.url).info()
    assert info == {
        "version": "8.3",
        "minimumClientVersions": info["minimumClientVersions"],
        "success": True,
    }
    admin = RocketChat("admin", "admin-password", server_url=rc_server.url)
    assert admin.info()["version"] == "8.3.0"
    legacy = requests.get(f"{rc_server.url}/api/version", timeout=5).json()
    assert legacy == {"status": "success", "versions": {"api": "0.1", "rocketchat": "8.3.0"}}


def test_unknown_route_is_the_real_404(rc_server):
    raw = requests.get(f"{rc_server.url}/api/v1/no.such", timeout=5)
    assert raw.status_code == 404
    assert raw.json() == {"success": False, "error": "Resource not found"}


@pytest.mark.parametrize("payload", [b"{nope", b"[]", b'{"user": 5, "password": []}'])
def test_malformed_login_bodies_are_a_failed_login(rc_server, payload):
    """Upstream's router never refuses a body (``parseBodyParams`` turns unparsable JSON into
    ``{}``) and ``login`` has no body schema: the ``login`` method fails each, and the route
    answers every failure 401. (Upstream's ``message`` then names the method's reason,
    "Unrecognized options for login request" or "Match failed"; the emulator says
    "Unauthorized" as for bad credentials: checked for the status and shape only.)"""
    raw = requests.post(
        f"{rc_server.url}/api/v1/login",
        data=payload,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert raw.status_code == 401
    body = raw.json()
    assert (body["success"], body["status"]) == (False, "error")


# -- login extras, personal access tokens, users.createToken ----------------------------------

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


def test_login_accepts_a_code_when_two_factor_is_off_for_the_user(rc_server):
    raw = requests.post(
        f"{rc_server.url}/api/v1/login",
        json={"user": "alice", "password": "alice-password", "code": "123456"},
        headers={"x-2fa-code": "123456"},
        timeout=5,
    )
    assert raw.status_code == 200 and raw.json()["status"] == "success"


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
