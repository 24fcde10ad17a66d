"""Multi-factor authentication: real TOTP codes, by the emulator clock, through real clients."""

from __future__ import annotations

import base64

import pyotp
import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import NoAccessTokenProvided

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.control import ControlError
from emulator.pytest_plugin import Handle
from tests.mattermost.clients import assert_error, driver, logged_in, raw, set_config, user_id
from tests.test_journal import assert_never_journaled

# A fixed instant (2025-01-06T09:00:00Z, the start of a 30 s step) and a fixed secret: every code
# below is then known in advance.
T0_MS = 1_736_154_000_000
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_at(secret: str, ms: int) -> str:
    return pyotp.TOTP(secret).at(ms // 1000)


def not_a_valid_code(secret: str, ms: int) -> str:
    """Six digits that none of the steps in the window (now and one either side) shows."""
    valid = {code_at(secret, ms + d * 30_000) for d in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(10)) if c not in valid)


def login(server, login_id: str, token: str | None = None) -> requests.Response:
    body = {"login_id": login_id, "password": f"{login_id}-password"}
    if token is not None:
        body["token"] = token
    return requests.post(f"{server.url}/api/v4/users/login", json=body, timeout=5)


@pytest.fixture
def mfa_server(mm_server):
    """MFA switched on, the clock frozen on a step boundary."""
    set_config(mm_server, "ServiceSettings", "EnableMultifactorAuthentication", True)
    runtime_of(mm_server.app).clock.freeze(T0_MS)
    return mm_server


def activate(server, d: Driver) -> str:
    """Generate a secret and switch MFA on with its current code, as the web app does."""
    secret = d.users.generate_mfa("me")["secret"]
    now = runtime_of(server.app).clock.now_ms()
    assert d.users.update_user_mfa("me", {"activate": True, "code": code_at(secret, now)}) == {
        "status": "OK"
    }
    return secret


def test_generate_answers_a_secret_and_its_qr_code_png(mfa_server):
    alice = logged_in(mfa_server)
    response = raw(mfa_server, alice)("post", "/users/me/mfa/generate")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Pragma"] == "no-cache"
    body = response.json()
    assert list(body) == ["secret", "qr_code"]
    assert len(base64.b32decode(body["secret"])) == 20  # 160 bits, as upstream
    assert base64.b64decode(body["qr_code"]).startswith(b"\x89PNG\r\n\x1a\n")
    me = alice.users.get_user("me")
    # Generating is not activating, and the secret is never shown again.
    assert "mfa_active" not in me and "mfa_secret" not in me
    admin = logged_in(mfa_server, "admin")
    assert "mfa_secret" not in admin.users.get_user(me["id"])
    assert_never_journaled(mfa_server, body["secret"], body["qr_code"][40:80])


def test_login_with_mfa_end_to_end_through_mattermostdriver(mfa_server):
    rt = runtime_of(mfa_server.app)
    secret = activate(mfa_server, logged_in(mfa_server))
    me = logged_in(mfa_server, "admin").users.get_user(user_id(mfa_server, "alice"))
    assert me["mfa_active"] is True and "mfa_secret" not in me

    # Without the code: the error the web app answers with its MFA screen.
    assert_error(login(mfa_server, "alice"), 401, "mfa.validate_token.authenticate.app_error")
    with pytest.raises(NoAccessTokenProvided):
        driver(mfa_server).login()
    wrong = not_a_valid_code(secret, T0_MS)
    body = assert_error(
        login(mfa_server, "alice", wrong), 401, "api.user.check_user_mfa.bad_code.app_error"
    )
    assert body["message"] == "Invalid MFA token."

    rt.clock.advance(30_000)  # the activation used the code of T0's step
    now = rt.clock.now_ms()
    ahead = code_at(secret, now + 30_000)  # the next step's code is in the window too
    d = driver(mfa_server)
    d.options["mfa_token"] = ahead
    d.login()
    assert d.users.get_user("me")["username"] == "alice"
    # The real server never accepts a code twice...
    assert_error(
        login(mfa_server, "alice", ahead), 401, "api.user.check_user_mfa.bad_code.app_error"
    )
    # ...nor, once a step's code was used, the never used code of an earlier step.
    assert_error(
        login(mfa_server, "alice", code_at(secret, now)),
        401,
        "api.user.check_user_mfa.bad_code.app_error",
    )
    rt.clock.advance(60_000)
    assert login(mfa_server, "alice", code_at(secret, now + 60_000)).status_code == 200

    assert d.users.update_user_mfa("me", {"activate": False}) == {"status": "OK"}
    assert "mfa_active" not in d.users.get_user("me")
    assert login(mfa_server, "alice").status_code == 200
    assert rt.store.find_one("users", "username", "alice")["mfa_secret"] == ""


def test_the_window_is_one_step_either_side_of_the_emulator_clock(mfa_server):
    rt = runtime_of(mfa_server.app)
    activate(mfa_server, logged_in(mfa_server))
    rt.store.update("users", user_id(mfa_server, "alice"), {"mfa_secret": SECRET})
    rt.clock.set(T0_MS + 10 * 30_000)
    now = rt.clock.now_ms()
    # Two steps back is outside the window (and after the activation's step: no replay).
    assert_error(
        login(mfa_server, "alice", code_at(SECRET, now - 60_000)),
        401,
        "api.user.check_user_mfa.bad_code.app_error",
    )
    assert login(mfa_server, "alice", code_at(SECRET, now - 30_000)).status_code == 200
    assert login(mfa_server, "alice", code_at(SECRET, now + 30_000)).status_code == 200


@pytest.mark.parametrize("token", ["", "  ", "12ab56", "12345", "1234567", "012345678", "١٢٣٤٥٦"])
def test_a_token_that_is_no_code_is_the_validate_token_error(mfa_server, token):
    activate(mfa_server, logged_in(mfa_server))
    assert_error(
        login(mfa_server, "alice", token), 401, "mfa.validate_token.authenticate.app_error"
    )


def test_mfa_errors_come_after_the_password_and_only_while_mfa_is_on(mfa_server):
    activate(mfa_server, logged_in(mfa_server))
    wrong_password = requests.post(
        f"{mfa_server.url}/api/v4/users/login",
        json={"login_id": "alice", "password": "nope-nope"},
        timeout=5,
    )
    assert_error(wrong_password, 401, "api.user.login.invalid_credentials_email_username")
    # An 8-digit scratch code is a code, but Mattermost users have none.
    assert_error(
        login(mfa_server, "alice", "12345678"), 401, "api.user.check_user_mfa.bad_code.app_error"
    )
    # Users without MFA: whatever comes as a token is not looked at.
    assert login(mfa_server, "bob", "garbage").status_code == 200
    # The server switched off: MFA users sign in with their password alone.
    set_config(mfa_server, "ServiceSettings", "EnableMultifactorAuthentication", False)
    assert login(mfa_server, "alice").status_code == 200


def test_activation_errors(mfa_server):
    alice = logged_in(mfa_server)
    call = raw(mfa_server, alice)
    # No secret generated yet: no code can match.
    assert_error(
        call("put", "/users/me/mfa", json={"activate": True, "code": "123456"}),
        401,
        "mfa.activate.bad_token.app_error",
    )
    secret = alice.users.generate_mfa("me")["secret"]
    for code in (not_a_valid_code(secret, T0_MS), "not-a-code"):
        assert_error(
            call("put", "/users/me/mfa", json={"activate": True, "code": code}),
            401,
            "mfa.activate.bad_token.app_error",
        )
    for body in ({"activate": True}, {"activate": True, "code": ""}, {"activate": True, "code": 5}):
        assert_error(
            call("put", "/users/me/mfa", json=body), 400, "api.context.invalid_body_param.app_error"
        )
    bob = user_id(mfa_server, "bob")
    assert_error(
        call("post", f"/users/{bob}/mfa/generate"), 403, "api.context.permissions.app_error"
    )
    admin_call = raw(mfa_server, logged_in(mfa_server, "admin"))
    missing = "a" * 26
    assert_error(
        admin_call("post", f"/users/{missing}/mfa/generate"), 404, "app.user.missing_account.const"
    )
    assert_error(
        admin_call("put", f"/users/{missing}/mfa", json={"activate": False}),
        404,
        "app.user.missing_account.const",
    )
    assert "mfa_active" not in alice.users.get_user("me")


def test_an_admin_can_switch_off_someone_elses_mfa(mfa_server):
    activate(mfa_server, logged_in(mfa_server))
    assert_error(login(mfa_server, "alice"), 401, "mfa.validate_token.authenticate.app_error")
    alice = user_id(mfa_server, "alice")
    admin = raw(mfa_server, logged_in(mfa_server, "admin"))
    assert admin("put", f"/users/{alice}/mfa", json={"activate": False}).json() == {"status": "OK"}
    assert login(mfa_server, "alice").status_code == 200


def test_disabled_mfa_refuses_generate_and_activate_but_not_deactivate(mm_server):
    alice = logged_in(mm_server)
    call = raw(mm_server, alice)
    assert_error(call("post", "/users/me/mfa/generate"), 501, "mfa.mfa_disabled.app_error")
    assert_error(
        call("put", "/users/me/mfa", json={"activate": True, "code": "123456"}),
        501,
        "mfa.mfa_disabled.app_error",
    )
    assert call("put", "/users/me/mfa", json={"activate": False}).json() == {"status": "OK"}


def test_legacy_check_tells_whether_a_login_needs_a_code(mfa_server):
    activate(mfa_server, logged_in(mfa_server))
    call = raw(mfa_server)
    assert call("post", "/users/mfa", json={"login_id": "alice"}).status_code == 404
    set_config(mfa_server, "ServiceSettings", "DisableLegacyMFA", False)
    for login_id, required in (
        ("alice", True),
        ("ALICE@example.com", True),
        ("bob", False),
        ("nobody", False),
    ):
        answer = call("post", "/users/mfa", json={"login_id": login_id})
        assert answer.json() == {"mfa_required": required}, login_id
    set_config(mfa_server, "ServiceSettings", "EnableMultifactorAuthentication", False)
    assert call("post", "/users/mfa", json={"login_id": "alice"}).json() == {"mfa_required": False}


def test_api_v1_login_asks_for_the_code_too(mfa_server):
    rt = runtime_of(mfa_server.app)
    secret = activate(mfa_server, logged_in(mfa_server))
    rt.clock.advance(30_000)
    body = {"name": "acme", "email": "alice@example.com", "password": "alice-password"}
    url = f"{mfa_server.url}/api/v1/users/login"
    refused = requests.post(url, json=body, timeout=5)
    assert refused.status_code == 401
    assert refused.json()["message"] == "Invalid MFA token." and "id" not in refused.json()
    token = code_at(secret, rt.clock.now_ms())
    assert requests.post(url, json={**body, "token": token}, timeout=5).status_code == 200


def test_enforcement_needs_a_license_the_emulator_lacks(mfa_server):
    """``EnforceMultifactorAuthentication`` only bites on a server licensed for MFA: unlicensed,
    users without MFA keep using the API and the client config reports enforcement off."""
    set_config(mfa_server, "ServiceSettings", "EnforceMultifactorAuthentication", True)
    bob = logged_in(mfa_server, "bob")
    assert bob.teams.get_user_teams("me")
    config = raw(mfa_server)("get", "/config/client", params={"format": "old"}).json()
    assert config["EnableMultifactorAuthentication"] == "true"
    assert config["EnforceMultifactorAuthentication"] == "false"


def test_the_setting_comes_from_the_environment_and_reaches_the_client_config():
    env = {"MM_SERVICESETTINGS_ENABLEMULTIFACTORAUTHENTICATION": "true"}
    app = create_app("mattermost", ephemeral_config(environ=env))
    client = app.test_client()
    config = client.get("/api/v4/config/client?format=old").get_json()
    assert config["EnableMultifactorAuthentication"] == "true"
    default = create_app("mattermost", ephemeral_config()).test_client()
    assert (
        default.get("/api/v4/config/client?format=old").get_json()[
            "EnableMultifactorAuthentication"
        ]
        == "false"
    )


def test_the_control_api_and_the_pytest_handle_read_the_current_code(mfa_server):
    rt = runtime_of(mfa_server.app)
    handle = Handle("mattermost", mfa_server.url)
    with pytest.raises(ControlError) as no_secret:
        handle.mfa_code("alice")
    assert no_secret.value.status == 409
    with pytest.raises(ControlError) as unknown:
        handle.mfa_code("nobody")
    assert unknown.value.status == 404
    activate(mfa_server, logged_in(mfa_server))
    rt.store.update("users", user_id(mfa_server, "alice"), {"mfa_secret": SECRET})
    handle.clock.set(T0_MS + 3 * 30_000)
    assert handle.mfa_code("alice") == code_at(SECRET, T0_MS + 3 * 30_000)
    handle.clock.advance(30_000)
    assert handle.mfa_code("alice") == code_at(SECRET, T0_MS + 4 * 30_000)
    by_id = handle.control.call("GET", f"/mattermost/users/{user_id(mfa_server, 'alice')}/mfa_code")
    assert by_id["code"] == code_at(SECRET, T0_MS + 4 * 30_000) and by_id["mfa_active"] is True
    # The handle's accounts log in through MFA by themselves.
    token = handle.user("alice").token
    me = requests.get(
        f"{mfa_server.url}/api/v4/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert me.json()["username"] == "alice"


def test_the_secret_survives_a_restart(tmp_path):
    env = {"MM_SERVICESETTINGS_ENABLEMULTIFACTORAUTHENTICATION": "true"}
    first = create_app("mattermost", ephemeral_config(data_dir=tmp_path, environ=env))
    client = first.test_client()
    login_body = {"login_id": "alice", "password": "alice-password"}
    token = client.post("/api/v4/users/login", json=login_body).headers["Token"]
    auth = {"Authorization": f"Bearer {token}"}
    secret = client.post("/api/v4/users/me/mfa/generate", headers=auth).get_json()["secret"]
    now = runtime_of(first).clock.now_ms()
    activated = client.put(
        "/api/v4/users/me/mfa", json={"activate": True, "code": code_at(secret, now)}, headers=auth
    )
    assert activated.status_code == 200
    runtime_of(first).close()

    again = create_app("mattermost", ephemeral_config(data_dir=tmp_path, environ=env))
    client = again.test_client()
    assert client.post("/api/v4/users/login", json=login_body).status_code == 401
    code = client.get("/_emulator/mattermost/users/alice/mfa_code").get_json()["code"]
    later = runtime_of(again).clock.now_ms()
    assert code == code_at(secret, later)
    runtime_of(again).clock.freeze(later + 30_000)  # a step after the activation's code
    code = code_at(secret, later + 30_000)
    assert client.post("/api/v4/users/login", json={**login_body, "token": code}).status_code == 200
    runtime_of(again).close()
