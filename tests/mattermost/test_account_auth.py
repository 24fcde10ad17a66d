"""How an account signs in (``models/account_auth.py``): an administrator moving it to another
service, and password-reset / e-mail-verification links, which the emulator never issues."""

from __future__ import annotations

import requests

from tests.mattermost.clients import assert_error, logged_in, raw, user_id

PERMISSIONS = "api.context.permissions.app_error"
INVALID_BODY = "api.context.invalid_body_param.app_error"


def test_an_admin_moves_an_account_to_another_service(mm_server):
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    alice_id = user_id(mm_server, "alice")
    body = {"auth_service": "gitlab", "auth_data": "alice-gitlab-1"}
    assert admin("PUT", f"/users/{alice_id}/auth", json=body).json() == body
    shown = admin("GET", f"/users/{alice_id}").json()
    assert shown["auth_service"] == "gitlab"
    # The password is gone with the move.
    login = requests.post(
        f"{mm_server.url}/api/v4/users/login",
        json={"login_id": "alice", "password": "alice-password"},
        timeout=5,
    )
    assert login.status_code != 200
    # Auth data is unique among accounts.
    bob_id = user_id(mm_server, "bob")
    response = admin("PUT", f"/users/{bob_id}/auth", json=body)
    assert_error(response, 400, "app.user.update_auth_data.email_exists.app_error")


def test_updating_auth_checks_the_caller_then_the_body(mm_server):
    alice_id = user_id(mm_server, "alice")
    bob = raw(mm_server, logged_in(mm_server, "bob"))
    response = bob("PUT", f"/users/{alice_id}/auth", json={"auth_service": "x", "auth_data": "y"})
    body = assert_error(response, 403, PERMISSIONS)
    assert body["detailed_error"].endswith("permission=edit_other_users")
    admin = raw(mm_server, logged_in(mm_server, "admin"))
    response = admin("PUT", f"/users/{alice_id}/auth", json={"auth_service": "gitlab"})
    assert_error(response, 400, "api.user.update_user_auth.invalid_request")
    assert_error(admin("PUT", f"/users/{alice_id}/auth", json=[1]), 400, INVALID_BODY)


def test_no_reset_or_verification_link_is_valid(mm_server):
    anonymous = raw(mm_server)
    token = "t" * 64
    response = anonymous(
        "POST", "/users/password/reset", json={"token": token, "new_password": "x"}
    )
    assert_error(response, 400, "api.user.reset_password.invalid_link.app_error")
    response = anonymous("POST", "/users/email/verify", json={"token": token})
    assert_error(response, 400, "api.user.verify_email.bad_link.app_error")
    for path in ("/users/password/reset", "/users/email/verify"):
        assert_error(anonymous("POST", path, json={"token": "short"}), 400, INVALID_BODY)


def test_the_sso_code_exchange_is_deprecated_and_intune_absent(mm_server):
    anonymous = raw(mm_server)
    response = anonymous("POST", "/users/login/sso/code-exchange", json={"login_code": "x"})
    assert_error(response, 410, "api.user.login_sso_code_exchange.deprecated.app_error")
    assert response.headers["Deprecation"] == "true"
    response = requests.post(f"{mm_server.url}/oauth/intune", json={}, timeout=5)
    assert_error(response, 501, "api.user.login_by_intune.not_available.app_error")
