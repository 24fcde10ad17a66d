"""Who a request is, for the journal, fault targeting (``user=``) and rate-limit keys, follows
the REST API's own authentication: a credential the API refuses names nobody."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.core.passwords import sha256_hex
from emulator.mattermost import models as mm_models
from tests.mattermost.clients import set_config

MM_PAT_ON = {"MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS": "true"}


def journaled_user(client: FlaskClient, path: str) -> str | None:
    return client.get(f"/_emulator/requests?path={path}&limit=1").get_json()["requests"][0]["user"]


def fault_fires_for(client: FlaskClient, username: str, call) -> bool:
    """Whether a 503 rule aimed at ``username`` hits the request ``call`` makes."""
    rule = client.post(
        "/_emulator/faults", json={"match": {"user": username}, "error": {"status": 503}}
    ).get_json()
    status = call().status_code
    client.delete(f"/_emulator/faults/{rule['id']}")
    return status == 503


# -- Mattermost ---------------------------------------------------------------------------------


def mm_login(client: FlaskClient, username: str) -> tuple[str, str]:
    response = client.post(
        "/api/v4/users/login", json={"login_id": username, "password": f"{username}-password"}
    )
    return response.headers["Token"], response.get_json()["id"]


def mm_me(client: FlaskClient, token: str):
    return client.get("/api/v4/users/me", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def mm() -> FlaskClient:
    return create_app("mattermost", ephemeral_config(environ=MM_PAT_ON)).test_client()


def mm_personal_token(client: FlaskClient) -> tuple[str, str, str]:
    """(PAT, its id, the admin's session token) of the admin."""
    session, admin_id = mm_login(client, "admin")
    created = client.post(
        f"/api/v4/users/{admin_id}/tokens",
        json={"description": "ci"},
        headers={"Authorization": f"Bearer {session}"},
    ).get_json()
    return created["token"], created["id"], session


def test_mattermost_pat_names_its_owner_until_disabled(mm):
    pat, pat_id, session = mm_personal_token(mm)
    assert mm_me(mm, pat).status_code == 200
    assert journaled_user(mm, "/api/v4/users/me") == "admin"
    assert fault_fires_for(mm, "admin", lambda: mm_me(mm, pat))
    disabled = mm.post(
        "/api/v4/users/tokens/disable",
        json={"token_id": pat_id},
        headers={"Authorization": f"Bearer {session}"},
    )
    assert disabled.status_code == 200
    assert mm_me(mm, pat).status_code == 401
    assert journaled_user(mm, "/api/v4/users/me") is None
    assert not fault_fires_for(mm, "admin", lambda: mm_me(mm, pat))


def test_mattermost_pats_are_nobody_when_access_tokens_are_switched_off(mm):
    pat, _, _ = mm_personal_token(mm)
    set_config(mm.application, "ServiceSettings", "EnableUserAccessTokens", False)
    assert mm_me(mm, pat).status_code == 401
    assert journaled_user(mm, "/api/v4/users/me") is None
    assert not fault_fires_for(mm, "admin", lambda: mm_me(mm, pat))


def test_mattermost_deactivated_users_pat_is_nobody(mm):
    pat, _, _ = mm_personal_token(mm)
    rt = runtime_of(mm.application)
    # Deactivation revokes sessions but leaves the access token record active.
    mm_models.set_user_active(rt, rt.store.find_one("users", "username", "admin")["id"], False)
    assert mm_me(mm, pat).status_code == 401
    assert journaled_user(mm, "/api/v4/users/me") is None
    assert not fault_fires_for(mm, "admin", lambda: mm_me(mm, pat))


def test_mattermost_expired_session_is_nobody(mm):
    token, _ = mm_login(mm, "alice")
    mm_me(mm, token)
    assert journaled_user(mm, "/api/v4/users/me") == "alice"
    mm.put("/_emulator/clock", json={"advance_ms": 31 * 24 * 3600 * 1000})
    assert mm_me(mm, token).status_code == 401
    assert journaled_user(mm, "/api/v4/users/me") is None


# -- Rocket.Chat --------------------------------------------------------------------------------


@pytest.fixture
def rc() -> FlaskClient:
    return create_app("rocketchat", ephemeral_config()).test_client()


def rc_login(client: FlaskClient, username: str) -> dict[str, str]:
    data = client.post(
        "/api/v1/login", json={"user": username, "password": f"{username}-password"}
    ).get_json()["data"]
    return {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}


def test_rocketchat_removed_pat_is_nobody(rc):
    admin = rc_login(rc, "admin")
    created = rc.post(
        "/api/v1/users.generatePersonalAccessToken",
        json={"tokenName": "ci", "bypassTwoFactor": True},
        headers={**admin, "x-2fa-code": sha256_hex("admin-password"), "x-2fa-method": "password"},
    ).get_json()
    pat = {"X-User-Id": admin["X-User-Id"], "X-Auth-Token": created["token"]}
    assert rc.get("/api/v1/me", headers=pat).status_code == 200
    assert journaled_user(rc, "/api/v1/me") == "admin"
    removed = rc.post(
        "/api/v1/users.removePersonalAccessToken", json={"tokenName": "ci"}, headers=admin
    )
    assert removed.status_code == 200
    assert rc.get("/api/v1/me", headers=pat).status_code == 401
    assert journaled_user(rc, "/api/v1/me") is None
    assert not fault_fires_for(rc, "admin", lambda: rc.get("/api/v1/me", headers=pat))


def test_rocketchat_deactivated_users_token_is_nobody(rc):
    alice = rc_login(rc, "alice")
    rt = runtime_of(rc.application)
    rt.store.update("users", alice["X-User-Id"], {"active": False})
    assert rc.get("/api/v1/me", headers=alice).status_code == 401
    assert journaled_user(rc, "/api/v1/me") is None
    assert not fault_fires_for(rc, "alice", lambda: rc.get("/api/v1/me", headers=alice))


def test_rocketchat_cookie_credentials_name_the_user(rc):
    alice = rc_login(rc, "alice")
    rc.set_cookie("rc_uid", alice["X-User-Id"])
    rc.set_cookie("rc_token", alice["X-Auth-Token"])
    assert rc.get("/api/v1/me").status_code == 200
    assert journaled_user(rc, "/api/v1/me") == "alice"
