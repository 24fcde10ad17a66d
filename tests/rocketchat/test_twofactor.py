"""Two-factor authentication: the password fallback of ``twoFactorRequired`` routes, TOTP, backup
and e-mail codes over REST, ``method.call`` and DDP (``models/two_factor.py``)."""

from __future__ import annotations

import json

import pyotp
import pytest
import requests
from flask import Flask, g
from rocketchat_API.rocketchat import RocketChat

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.passwords import sha256_hex
from emulator.core.runtime import Runtime
from emulator.pytest_plugin import Handle
from emulator.rocketchat import errors, models, twofactor, wire
from emulator.server import ThreadedServer
from tests.rocketchat.clients import call
from tests.rocketchat.test_ddp import Ddp, digest
from tests.test_journal import assert_never_journaled

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


# -- TOTP, e-mail codes and backup codes over REST, method.call and DDP -------------------------

# Mid-step (30 s steps): a code fetched now is still the current one when it is sent.
FROZEN_MS = 1_800_000_000_000 + 15_000


def method_call(client: RocketChat, method: str, *params: object) -> dict:
    """A DDP method through ``method.call``: the ``result`` message, decoded."""
    message = json.dumps({"msg": "method", "id": "1", "method": method, "params": list(params)})
    response = call(client, "POST", f"method.call/{method}", json={"message": message})
    assert response.status_code == 200, response.text
    return json.loads(response.json()["message"])


def rest_login(server: ThreadedServer, username: str, **extra: object) -> requests.Response:
    body = {"user": username, "password": f"{username}-password", **extra}
    return requests.post(f"{server.url}/api/v1/login", json=body, timeout=5)


@pytest.fixture
def handle(rc_server) -> Handle:
    return Handle("rocketchat", rc_server.url)


@pytest.fixture
def frozen(rc_server) -> Runtime:
    rt = runtime_of(rc_server.app)
    rt.clock.freeze(FROZEN_MS)
    return rt


def other_than(code: str) -> str:
    """A well-formed code that is not ``code``."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


def enable_totp(client: RocketChat, handle: Handle, username: str) -> list[str]:
    """TOTP on for the client's user, as the web client does it; the backup codes."""
    assert "secret" in method_call(client, "2fa:enable")["result"]
    result = method_call(client, "2fa:validateTempToken", handle.totp_code(username))["result"]
    return result["codes"]


def test_enable_returns_a_speakeasy_secret_and_its_otpauth_url(alice, handle, frozen):
    result = method_call(alice, "2fa:enable")["result"]
    secret, url = result["secret"], result["url"]
    assert len(secret) == 52 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    padded = secret + "=" * 4
    assert url == f"otpauth://totp/Rocket.Chat:alice?secret={padded.replace('=', '%3D')}"
    # The control API reads what an authenticator app given this secret shows.
    assert handle.totp_code("alice") == pyotp.TOTP(secret).at(FROZEN_MS // 1000)
    assert method_call(alice, "2fa:checkCodesRemaining")["error"]["error"] == "invalid-totp"


def test_a_wrong_temp_token_leaves_totp_off(alice, rc_server, handle, frozen):
    method_call(alice, "2fa:enable")
    error = method_call(alice, "2fa:validateTempToken", other_than(handle.totp_code("alice")))[
        "error"
    ]
    assert error == {
        "isClientSafe": True,
        "error": "invalid-totp",
        "message": "[invalid-totp]",
        "errorType": "Meteor.Error",
    }
    assert rest_login(rc_server, "alice").status_code == 200


def test_login_with_totp_on_asks_for_the_code_and_takes_it(alice, rc_server, handle, frozen):
    codes = enable_totp(alice, handle, "alice")
    assert len(codes) == 12 and all(len(c) == 8 for c in codes)
    asked = rest_login(rc_server, "alice")
    assert asked.status_code == 401
    assert asked.json() == {
        "success": False,
        "error": "totp-required",
        "status": "error",
        "details": {"method": "totp", "codeGenerated": False, "availableMethods": ["totp"]},
        "message": "TOTP Required",
    }
    wrong = rest_login(rc_server, "alice", code=other_than(handle.totp_code("alice")))
    assert (wrong.status_code, wrong.json()["error"]) == (401, "totp-invalid")
    ok = rest_login(rc_server, "alice", code=handle.totp_code("alice"))
    assert ok.status_code == 200
    assert ok.json()["data"]["me"]["services"]["totp"] == {"enabled": True}
    # The code may also come as the x-2fa-code header.
    headers = {"x-2fa-code": handle.totp_code("alice")}
    body = {"user": "alice", "password": "alice-password"}
    by_header = requests.post(
        f"{rc_server.url}/api/v1/login", json=body, headers=headers, timeout=5
    )
    assert by_header.status_code == 200
    # A real client goes on with the token it got.
    data = ok.json()["data"]
    logged_in = RocketChat(
        user_id=data["userId"], auth_token=data["authToken"], server_url=rc_server.url
    )
    assert logged_in.me()["username"] == "alice"


def test_the_emulator_clock_moves_the_totp_window(alice, rc_server, handle, frozen):
    enable_totp(alice, handle, "alice")
    code = handle.totp_code("alice")
    # Upstream keeps no record of used codes (speakeasy is stateless): a replay is accepted.
    assert rest_login(rc_server, "alice", code=code).status_code == 200
    assert rest_login(rc_server, "alice", code=code).status_code == 200
    frozen.clock.advance(30_000)  # next step: MaxDelta 1 still takes the previous code
    assert rest_login(rc_server, "alice", code=code).status_code == 200
    frozen.store.update("settings", "Accounts_TwoFactorAuthentication_MaxDelta", {"value": 0})
    assert rest_login(rc_server, "alice", code=code).json()["error"] == "totp-invalid"
    frozen.clock.advance(60_000)
    frozen.store.update("settings", "Accounts_TwoFactorAuthentication_MaxDelta", {"value": 1})
    assert rest_login(rc_server, "alice", code=code).json()["error"] == "totp-invalid"
    assert rest_login(rc_server, "alice", code=handle.totp_code("alice")).status_code == 200


def test_a_backup_code_works_once(alice, rc_server, handle, frozen):
    codes = enable_totp(alice, handle, "alice")
    assert rest_login(rc_server, "alice", code=codes[0]).status_code == 200
    assert rest_login(rc_server, "alice", code=codes[0]).json()["error"] == "totp-invalid"
    assert method_call(alice, "2fa:checkCodesRemaining")["result"] == {"remaining": 11}
    fresh = method_call(alice, "2fa:regenerateCodes", handle.totp_code("alice"))["result"]
    assert len(fresh["codes"]) == 12 and set(fresh["codes"]).isdisjoint(codes)
    assert method_call(alice, "2fa:checkCodesRemaining")["result"] == {"remaining": 12}
    # A wrong code: nothing happens, and the method has no result at all.
    assert "result" not in method_call(alice, "2fa:regenerateCodes", "12345678")


def test_validating_totp_logs_out_the_users_other_clients(alice, rc_server, handle, frozen):
    other = RocketChat("alice", "alice-password", server_url=rc_server.url)
    enable_totp(alice, handle, "alice")
    assert call(other, "GET", "me").status_code == 401
    assert call(alice, "GET", "me").status_code == 200


def test_disabling_totp_needs_a_code(alice, rc_server, handle, frozen):
    enable_totp(alice, handle, "alice")
    wrong = other_than(handle.totp_code("alice"))
    assert method_call(alice, "2fa:disable", wrong)["result"] is False
    assert method_call(alice, "2fa:disable", handle.totp_code("alice"))["result"] is True
    assert rest_login(rc_server, "alice").status_code == 200
    assert method_call(alice, "2fa:disable", "123456")["result"] is False


def test_enabling_twice_is_refused(alice, handle, frozen):
    enable_totp(alice, handle, "alice")
    error = method_call(alice, "2fa:enable")["error"]
    assert error["error"] == "error-2fa-already-enabled"


def test_ddp_login_takes_the_code_in_a_totp_wrapper(alice, rc_server, handle, frozen):
    enable_totp(alice, handle, "alice")
    password = {"user": {"username": "alice"}, "password": digest("alice-password")}
    client = Ddp(rc_server)
    try:
        result, _ = client.call("login", password)
        assert result["error"] == {
            "isClientSafe": True,
            "error": "totp-required",
            "reason": "TOTP Required",
            "message": "TOTP Required [totp-required]",
            "errorType": "Meteor.Error",
            "details": {"method": "totp", "codeGenerated": False, "availableMethods": ["totp"]},
        }
        result, _ = client.call("login", {"totp": {"login": password, "code": "99999999"}})
        assert result["error"]["error"] == "totp-invalid"
        wrapped = {"totp": {"login": password, "code": handle.totp_code("alice")}}
        result, _ = client.call("login", wrapped)
        assert result["result"]["type"] == "password"
    finally:
        client.close()


def test_two_factor_required_routes_take_a_totp_code(admin, rc_server, handle, frozen):
    enable_totp(admin, handle, "admin")
    setting = "settings/Accounts_TwoFactorAuthentication_By_Email_Enabled"
    # The password no longer stands in: the method named is unknown, TOTP is the user's first.
    password = {"x-2fa-code": sha256_hex("admin-password"), "x-2fa-method": "password"}
    refused = call(admin, "POST", setting, json={"value": False}, headers=password)
    assert refused.json()["errorType"] == "totp-invalid"
    assert refused.json()["details"]["method"] == "totp"
    code = {"x-2fa-code": handle.totp_code("admin"), "x-2fa-method": "totp"}
    assert call(admin, "POST", setting, json={"value": False}, headers=code).status_code == 200
    assert models.setting(frozen, "Accounts_TwoFactorAuthentication_By_Email_Enabled") is False


def test_the_per_method_settings_can_be_set(admin, rc_server):
    password = {"x-2fa-code": sha256_hex("admin-password"), "x-2fa-method": "password"}
    for setting_id, value in (
        ("Accounts_TwoFactorAuthentication_By_TOTP_Enabled", False),
        ("Accounts_TwoFactorAuthentication_By_Email_Enabled", False),
        ("Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In", False),
        ("Accounts_TwoFactorAuthentication_By_Email_Code_Expiration", 600),
        ("Accounts_TwoFactorAuthentication_MaxDelta", 2),
    ):
        answer = call(
            admin, "POST", f"settings/{setting_id}", json={"value": value}, headers=password
        )
        assert answer.json() == {"success": True}, setting_id
        assert models.setting(runtime_of(rc_server.app), setting_id) == value


def new_verified_user(admin: RocketChat, username: str = "zed") -> None:
    created = admin.users_create(
        f"{username}@example.com", "Zed", f"{username}-password", username, verified=True
    )
    assert created["success"] is True


def test_new_verified_accounts_get_email_codes(admin, rc_server, handle, frozen):
    new_verified_user(admin)
    asked = rest_login(rc_server, "zed")
    assert asked.status_code == 401
    assert asked.json()["details"] == {
        "method": "email",
        "codeGenerated": True,
        "emailOrUsername": "zed",
        "availableMethods": ["email"],
    }
    code = handle.email_code("zed")
    assert len(code) == 6 and code.isdigit()
    again = rest_login(rc_server, "zed").json()["details"]  # the code sent is still valid
    assert again["codeGenerated"] is False
    assert again["codeExpires"] == wire.iso(FROZEN_MS + 3600 * 1000)  # sent + 3600 s
    assert handle.email_code("zed") == code
    assert rest_login(rc_server, "zed", code=other_than(code)).json()["error"] == "totp-invalid"
    # Non-digits are dropped, as in the mail's "123-456".
    assert rest_login(rc_server, "zed", code=f"{code[:3]}-{code[3:]}").status_code == 200
    # A code is used once: the next login mails a new one.
    assert rest_login(rc_server, "zed").json()["details"]["codeGenerated"] is True


def test_too_many_wrong_email_codes(admin, rc_server, handle, frozen):
    new_verified_user(admin)
    rest_login(rc_server, "zed")
    wrong = other_than(handle.email_code("zed"))
    answers = [rest_login(rc_server, "zed", code=wrong).json() for _ in range(6)]
    assert [a["error"] for a in answers] == ["totp-invalid"] * 4 + ["totp-max-attempts"] * 1 + [
        "totp-invalid"
    ]
    # Past the limit the next attempt mails a new code first (then finds the wrong one wrong).
    assert [a["details"]["codeGenerated"] for a in answers] == [False] * 5 + [True]


def test_the_email_code_expires_by_the_emulator_clock(admin, rc_server, handle, frozen):
    new_verified_user(admin)
    rest_login(rc_server, "zed")
    code = handle.email_code("zed")
    frozen.clock.advance(3601 * 1000)
    assert rest_login(rc_server, "zed", code=code).json()["error"] == "totp-invalid"


def test_email_two_factor_on_and_off(alice, rc_server, handle, frozen):
    assert call(alice, "POST", "users.2fa.enableEmail").json() == {"success": True}
    assert rest_login(rc_server, "alice").json()["details"]["method"] == "email"
    # Disabling asks for a code every time (no remembering), here an e-mail code.
    refused = call(alice, "POST", "users.2fa.disableEmail").json()
    assert (refused["errorType"], refused["details"]["method"]) == ("totp-required", "email")
    sent = call(alice, "POST", "users.2fa.sendEmailCode", json={"emailOrUsername": "alice"})
    assert sent.json() == {"success": True}
    headers = {"x-2fa-code": handle.email_code("alice"), "x-2fa-method": "email"}
    assert call(alice, "POST", "users.2fa.disableEmail", headers=headers).json() == {
        "success": True
    }
    assert rest_login(rc_server, "alice").status_code == 200


def test_email_two_factor_needs_verified_addresses(admin, rc_server):
    created = admin.users_create("yan@example.com", "Yan", "yan-password", "yan")
    assert created["success"] is True
    yan = RocketChat("yan", "yan-password", server_url=rc_server.url)  # not verified: no code
    answer = call(yan, "POST", "users.2fa.enableEmail")
    assert answer.status_code == 400
    assert answer.json() == {
        "success": False,
        "error": "You need to verify your emails before setting up 2FA [error-invalid-user]",
        "errorType": "error-invalid-user",
    }


def test_send_email_code_needs_a_name_and_does_not_tell_users_apart(rc_server, handle):
    url = f"{rc_server.url}/api/v1/users.2fa.sendEmailCode"
    missing = requests.post(url, json={}, timeout=5)
    assert missing.json() == {
        "success": False,
        "error": "emailOrUsername is required [error-parameter-required]",
        "errorType": "error-parameter-required",
    }
    assert requests.post(url, json={"emailOrUsername": "nobody"}, timeout=5).json() == {
        "success": True
    }
    assert requests.post(url, json={"emailOrUsername": "bob@example.com"}, timeout=5).ok
    assert len(handle.email_code("bob")) == 6


def test_reset_totp_of_another_user(admin, alice, bob, rc_server, handle, frozen):
    enable_totp(alice, handle, "alice")
    password = {"x-2fa-code": sha256_hex("bob-password"), "x-2fa-method": "password"}
    refused = call(bob, "POST", "users.resetTOTP", json={"username": "alice"}, headers=password)
    assert refused.json()["errorType"] == "error-not-allowed"
    admin_code = {"x-2fa-code": sha256_hex("admin-password"), "x-2fa-method": "password"}
    done = call(admin, "POST", "users.resetTOTP", json={"username": "alice"}, headers=admin_code)
    assert done.json() == {"success": True}
    assert call(alice, "GET", "me").status_code == 401  # logged out everywhere
    assert rest_login(rc_server, "alice").status_code == 200
    unknown = call(
        admin, "POST", "users.resetTOTP", json={"username": "nobody"}, headers=admin_code
    )
    assert unknown.json()["errorType"] == "error-invalid-user"


def test_login_codes_and_oauth_challenges_are_never_known_here(rc_server):
    api = f"{rc_server.url}/api/v1"
    redeem = requests.post(f"{api}/loginCode.redeem", json={"code": "a" * 64}, timeout=5)
    assert redeem.json() == {
        "success": False,
        "error": "Invalid or expired login code [error-invalid-code]",
        "errorType": "error-invalid-code",
    }
    short = requests.post(f"{api}/loginCode.redeem", json={"code": "a"}, timeout=5).json()
    assert short["errorType"] == "invalid-params"
    send = requests.post(f"{api}/twoFactorChallenges.sendEmailCode", json={}, timeout=5)
    assert send.json() == {
        "success": False,
        "error": "challengeId is required",
        "errorType": "error-parameter-required",
    }
    verify = requests.post(
        f"{api}/twoFactorChallenges.verifyChallenge",
        json={"challengeId": "x", "code": "123456"},
        timeout=5,
    )
    assert verify.json() == {
        "success": False,
        "error": "challenge not found",
        "errorType": "error-challenge-not-found",
    }


def test_login_with_an_unconfigured_oauth_service(rc_server):
    """``login - with Facebook/Twitter/Google``: no service is configured. Upstream's
    ``ConfigError`` becomes its login route's 500; bad input never gets a 5xx here, so the
    login refusal."""
    for service in ("facebook", "twitter", "google"):
        body = {"serviceName": service, "accessToken": "hash", "secret": "s", "expiresIn": 200}
        answer = requests.post(f"{rc_server.url}/api/v1/login", json=body, timeout=5)
        assert (answer.status_code, answer.json()["error"]) == (401, "Unauthorized")


def test_the_pytest_plugin_logs_in_through_the_second_factor(admin, alice, rc_server, handle):
    enable_totp(alice, handle, "alice")
    assert handle.user("alice").token
    new_verified_user(admin)
    code_login = handle._log_in("zed", "zed-password")
    assert code_login["token"]


def test_codes_stay_out_of_the_journal(alice, rc_server, handle, frozen):
    codes = enable_totp(alice, handle, "alice")
    call(alice, "POST", "users.2fa.sendEmailCode", json={"emailOrUsername": "alice"})
    journal = json.dumps(handle.requests())
    assert not any(code in journal for code in codes)
    assert handle.email_code("alice") not in journal


def test_positional_codes_stay_out_of_the_journal(alice, rc_server, handle, frozen):
    """The ``2fa:`` methods take the TOTP or backup code as a bare parameter, over the
    websocket and over ``method.call`` alike."""
    client = Ddp(rc_server)
    try:
        client.login("alice")
        client.call("2fa:enable")
        first = handle.totp_code("alice")
        codes = client.call("2fa:validateTempToken", first)[0]["result"]["codes"]
        fresh = client.call("2fa:regenerateCodes", codes[0])[0]["result"]["codes"]
    finally:
        client.close()
    assert method_call(alice, "2fa:disable", fresh[0])["result"] is True
    assert_never_journaled(rc_server, first, codes[0], fresh[0])


def test_the_2fa_methods_over_the_websocket(alice, rc_server, handle, frozen):
    """Over DDP the connection carries no ``x-auth-token`` header: validating logs nobody out."""
    client = Ddp(rc_server)
    try:
        assert client.call("2fa:enable")[0]["error"]["error"] == "not-authorized"
        client.login("alice")
        secret = client.call("2fa:enable")[0]["result"]["secret"]
        assert handle.totp_code("alice") == pyotp.TOTP(secret).at(FROZEN_MS // 1000)
        codes = client.call("2fa:validateTempToken", handle.totp_code("alice"))[0]["result"]
        assert len(codes["codes"]) == 12
        assert client.call("2fa:checkCodesRemaining")[0]["result"] == {"remaining": 12}
        assert call(alice, "GET", "me").status_code == 200
    finally:
        client.close()
