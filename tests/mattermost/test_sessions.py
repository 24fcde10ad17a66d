"""Sessions: login, logout, listing and revoking sessions, device ids."""

from __future__ import annotations

import pytest
import requests
from mattermostdriver.exceptions import InvalidOrMissingParameters, NoAccessTokenProvided

from emulator.app import runtime_of
from tests.mattermost.clients import (
    ERROR_KEYS,
    assert_error,
    driver,
    logged_in,
    raw,
    set_config,
    user_id,
)


def _session_id(server, d):
    return runtime_of(server.app).store.find_one("sessions", "token", d.client.token)["id"]


def test_list_and_revoke_sessions(mm_server):
    first = logged_in(mm_server)
    second = logged_in(mm_server)
    sessions = first.users.get_user_sessions("me")
    assert len(sessions) == 2
    assert all(s["token"] == "" for s in sessions)
    assert {"id", "create_at", "expires_at", "device_id", "roles", "props"} <= set(sessions[0])
    target = next(s for s in sessions if s["id"] != _session_id(mm_server, first))
    assert first.users.revoke_user_session("me", {"session_id": target["id"]}) == {"status": "OK"}
    assert_error(
        raw(mm_server, second)("get", "/users/me"), 401, "api.context.session_expired.app_error"
    )
    call = raw(mm_server, first)
    assert_error(
        call("post", "/users/me/sessions/revoke", json={"session_id": "x" * 26}),
        400,
        "app.session.get.app_error",
    )
    bob = logged_in(mm_server, "bob")
    bob_session = bob.users.get_user_sessions("me")[0]
    assert_error(
        call("post", "/users/me/sessions/revoke", json={"session_id": bob_session["id"]}),
        400,
        "api.context.invalid_url_param.app_error",
    )
    assert_error(
        call("get", f"/users/{user_id(mm_server, 'bob')}/sessions"),
        403,
        "api.context.permissions.app_error",
    )


def test_revoke_all_sessions(mm_server):
    alice = logged_in(mm_server)
    assert alice.users.revoke_all_user_sessions("me") == {"status": "OK"}
    assert raw(mm_server, alice)("get", "/users/me").status_code == 401
    bob = logged_in(mm_server, "bob")
    assert_error(
        raw(mm_server, bob)("post", "/users/sessions/revoke/all"),
        403,
        "api.context.permissions.app_error",
    )
    admin = logged_in(mm_server, "admin")
    assert raw(mm_server, admin)("post", "/users/sessions/revoke/all").json() == {"status": "OK"}
    assert raw(mm_server, bob)("get", "/users/me").status_code == 401
    assert raw(mm_server, admin)("get", "/users/me").status_code == 401


def test_attach_device_id(mm_server):
    first = logged_in(mm_server)
    second = logged_in(mm_server)
    call = raw(mm_server, first)
    assert call("put", "/users/sessions/device", json={"device_id": "apple:abc"}).json() == {
        "status": "OK"
    }
    # The same device on another session replaces the first one.
    assert (
        raw(mm_server, second)(
            "put", "/users/sessions/device", json={"device_id": "apple:abc"}
        ).status_code
        == 200
    )
    assert_error(call("get", "/users/me"), 401, "api.context.session_expired.app_error")
    sessions = second.users.get_user_sessions("me")
    assert [s["device_id"] for s in sessions] == ["apple:abc"]
    assert_error(
        raw(mm_server, second)("put", "/users/sessions/device", json={}),
        400,
        "api.context.invalid_body_param.app_error",
    )


def test_wrong_password_is_the_real_401(mm_server):
    with pytest.raises(NoAccessTokenProvided) as caught:
        driver(mm_server, password="wrong").login()
    assert caught.value.args[0] == "Enter a valid email or username and/or password."
    raw = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "alice", "password": "wrong"},
        timeout=5,
    )
    assert raw.status_code == 401
    body = raw.json()
    assert list(body) == ERROR_KEYS
    assert body["id"] == "api.user.login.invalid_credentials_email_username"
    assert body["request_id"] == raw.headers["X-Request-Id"]


def test_blank_password_is_400(mm_server):
    with pytest.raises(InvalidOrMissingParameters):
        driver(mm_server, password="").login()


def test_bot_accounts_cannot_log_in_with_a_password(mm_server):
    raw = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "helper-bot", "password": "helper-bot-password"},
        timeout=5,
    )
    assert raw.status_code == 401


def test_logout_revokes_the_session(mm_server):
    d = driver(mm_server)
    d.login()
    token = d.client.token
    assert d.logout() == {"status": "OK"}
    raw = requests.get(
        f"{mm_server.url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert raw.status_code == 401


def test_browser_login_sets_cookies(mm_app):
    client = mm_app.test_client()
    plain = client.post("/api/v4/users/login", json={"login_id": "bob", "password": "bob-password"})
    assert "Set-Cookie" not in plain.headers
    browser = client.post(
        "/api/v4/users/login",
        json={"login_id": "bob", "password": "bob-password"},
        headers={"X-Requested-With": "XMLHttpRequest"},
    )
    cookies = browser.headers.getlist("Set-Cookie")
    assert {c.split("=")[0] for c in cookies} == {"MMAUTHTOKEN", "MMUSERID", "MMCSRF"}
    assert any("HttpOnly" in c for c in cookies if c.startswith("MMAUTHTOKEN"))
    assert client.get("/api/v4/users/me").json["username"] == "bob"  # cookie auth


@pytest.mark.parametrize(
    "payload", [b"{nope", b"[]", b'"text"', b'{"login_id": 5, "password": []}']
)
def test_malformed_login_bodies_are_400_not_500(mm_server, payload):
    response = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        data=payload,
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 400
    assert list(response.json()) == ERROR_KEYS


def test_login_ignores_mfa_token_and_stores_device_id(mm_server):
    response = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "bob", "password": "bob-password", "token": "123456", "device_id": "d1"},
        timeout=5,
    )
    assert response.status_code == 200
    sessions = runtime_of(mm_server.app).store.find("sessions", "user_id", response.json()["id"])
    assert [s["device_id"] for s in sessions] == ["d1"]


def test_deactivated_users_cannot_log_in(mm_server):
    admin = logged_in(mm_server, "admin")
    bob = user_id(mm_server, "bob")
    assert admin.users.update_user_active_status(bob, {"active": False}) == {"status": "OK"}
    response = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "bob", "password": "wrong-anyway"},
        timeout=5,
    )
    assert_error(response, 401, "api.user.login.inactive.app_error")


def test_login_error_wording_follows_the_sign_in_options(mm_server):
    def attempt(login_id):
        return requests.post(
            f"{mm_server.url}/api/v4/users/login",
            json={"login_id": login_id, "password": "wrong-password"},
            timeout=5,
        )

    set_config(mm_server, "EmailSettings", "EnableSignInWithEmail", False)
    body = assert_error(attempt("alice"), 401, "api.user.login.invalid_credentials_username")
    assert body["message"] == "Enter a valid username and/or password."
    good = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "alice@example.com", "password": "alice-password"},
        timeout=5,
    )
    assert_error(good, 401, "api.user.login.invalid_credentials_username")
    set_config(mm_server, "EmailSettings", "EnableSignInWithEmail", True)
    set_config(mm_server, "EmailSettings", "EnableSignInWithUsername", False)
    assert_error(attempt("alice"), 401, "api.user.login.invalid_credentials_email")


def test_login_by_email(mm_server):
    assert driver(mm_server, "ALICE@example.com", "alice-password").login()["username"] == "alice"


def test_token_expiry_follows_the_emulator_clock_for_sessions(mm_server):
    alice = logged_in(mm_server)
    runtime_of(mm_server.app).clock.advance(31 * 24 * 3600 * 1000)
    assert_error(
        raw(mm_server, alice)("get", "/users/me"), 401, "api.context.session_expired.app_error"
    )
