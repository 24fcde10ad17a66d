"""Login slice, through rocketchat_API as integrations use it."""

import pytest
import requests
from rocketchat_API.APIExceptions.RocketExceptions import (
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


# -- login extras ------------------------------------------------------------------------------


def test_login_accepts_a_code_when_two_factor_is_off_for_the_user(rc_server):
    raw = requests.post(
        f"{rc_server.url}/api/v1/login",
        json={"user": "alice", "password": "alice-password", "code": "123456"},
        headers={"x-2fa-code": "123456"},
        timeout=5,
    )
    assert raw.status_code == 200 and raw.json()["status"] == "success"
