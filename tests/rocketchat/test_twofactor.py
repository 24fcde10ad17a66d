"""The password fallback of ``twoFactorRequired`` routes (``emulator/rocketchat/twofactor.py``)."""

from __future__ import annotations

import pytest
from flask import Flask, g

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.passwords import sha256_hex
from emulator.rocketchat import errors, models, twofactor

Doc = dict


@pytest.fixture
def app() -> Flask:
    return create_app("rocketchat", ephemeral_config())


def login(app: Flask, username: str = "admin") -> tuple[Doc, str]:
    data = (
        app.test_client()
        .post("/api/v1/login", json={"user": username, "password": f"{username}-password"})
        .get_json()["data"]
    )
    return runtime_of(app).store.get("users", data["userId"]), data["authToken"]


def check(app: Flask, user: Doc, token: str, code: str | None = None, agent: str = "a") -> str:
    """``ok``, or the errorType the route would answer."""
    headers = {"User-Agent": agent}
    if code is not None:
        headers |= {"x-2fa-code": sha256_hex(code), "x-2fa-method": "password"}
    with app.test_request_context("/api/v1/users.update", method="POST", headers=headers):
        g.auth_token = token
        try:
            twofactor.require_two_factor(runtime_of(app), user)
        except errors.RocketError as refused:
            return refused.body["errorType"]
    return "ok"


def set_setting(app: Flask, setting_id: str, value: object) -> None:
    runtime_of(app).store.update("settings", setting_id, {"value": value})


def test_the_password_is_the_second_factor(app):
    admin, token = login(app)
    assert check(app, admin, token) == errors.TOTP_REQUIRED
    assert check(app, admin, token, "wrong") == errors.TOTP_INVALID
    assert check(app, admin, token, "admin-password") == "ok"


def test_a_success_is_remembered_for_the_same_client_only(app):
    admin, token = login(app)
    assert check(app, admin, token, "admin-password", agent="a") == "ok"
    assert check(app, admin, token, agent="a") == "ok"
    assert check(app, admin, token, agent="b") == errors.TOTP_REQUIRED


def test_remembering_ends_after_remember_for(app):
    admin, token = login(app)
    check(app, admin, token, "admin-password")
    runtime_of(app).clock.advance(1801 * 1000)  # Accounts_TwoFactorAuthentication_RememberFor
    assert check(app, admin, token) == errors.TOTP_REQUIRED


def test_nothing_is_asked_with_two_factor_off(app):
    admin, token = login(app)
    set_setting(app, "Accounts_TwoFactorAuthentication_Enabled", False)
    assert check(app, admin, token) == "ok"


def test_nothing_is_asked_without_the_password_fallback(app):
    admin, token = login(app)
    set_setting(app, "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback", False)
    assert check(app, admin, token) == "ok"


def test_a_token_made_to_bypass_two_factor_is_not_asked(app):
    admin, token = login(app)
    runtime_of(app).store.update("tokens", models.hash_token(token), {"bypassTwoFactor": True})
    assert check(app, admin, token) == "ok"
