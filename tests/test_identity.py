"""Who a request is, for the journal, fault targeting (``user=``) and rate-limit keys, follows
the REST API's own authentication: a credential the API refuses names nobody."""

from __future__ import annotations

import pytest
import requests
import websocket
from flask.testing import FlaskClient

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.control import Control
from emulator.core.passwords import sha256_hex
from emulator.mattermost import errors
from emulator.mattermost import models as mm_models
from tests.mattermost.clients import set_config
from tests.mattermost.test_websocket import Client as WsClient

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


# -- Mattermost: every door refuses the same credential ------------------------------------------


def _mm_refused_credential(server, kind: str) -> tuple[str, str]:
    """(token, where it is sent) for a credential the API must refuse, made through REST."""
    url = f"{server.url}/api/v4"

    def as_(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def login(username: str) -> str:
        body = {"login_id": username, "password": f"{username}-password"}
        return requests.post(f"{url}/users/login", json=body, timeout=10).headers["Token"]

    def personal_token(owner: str) -> tuple[str, str, str]:
        set_config(server, "ServiceSettings", "EnableUserAccessTokens", True)
        admin = login("admin")
        owner_id = runtime_of(server.app).store.find_one("users", "username", owner)["id"]
        created = requests.post(
            f"{url}/users/{owner_id}/tokens", json={"description": "ci"}, headers=as_(admin)
        ).json()
        return created["token"], created["id"], admin

    if kind == "logged out":
        token = login("alice")
        assert requests.post(f"{url}/users/logout", headers=as_(token)).status_code == 200
        return token, "header"
    if kind == "expired":
        token = login("alice")
        requests.put(f"{server.url}/_emulator/clock", json={"advance_ms": 31 * 24 * 3600 * 1000})
        return token, "header"
    if kind == "disabled access token":
        token, token_id, admin = personal_token("admin")
        disabled = requests.post(
            f"{url}/users/tokens/disable", json={"token_id": token_id}, headers=as_(admin)
        )
        assert disabled.status_code == 200
        return token, "header"
    if kind == "access tokens switched off":
        token, _, _ = personal_token("admin")
        set_config(server, "ServiceSettings", "EnableUserAccessTokens", False)
        return token, "header"
    if kind == "deactivated user":
        token, _, admin = personal_token("alice")
        alice = runtime_of(server.app).store.find_one("users", "username", "alice")["id"]
        deactivated = requests.put(
            f"{url}/users/{alice}/active", json={"active": False}, headers=as_(admin)
        )
        assert deactivated.status_code == 200
        return token, "header"
    assert kind == "session token in the query string"  # only OAuth sessions may come that way
    return login("alice"), "query"


def _mm_get(server, path: str, token: str, where: str) -> requests.Response:
    if where == "query":
        return requests.get(f"{server.url}{path}", params={"access_token": token}, timeout=10)
    return requests.get(
        f"{server.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


@pytest.mark.parametrize(
    "kind",
    [
        "logged out",
        "expired",
        "disabled access token",
        "access tokens switched off",
        "deactivated user",
        "session token in the query string",
    ],
)
def test_mattermost_every_door_refuses_the_same_credential(mm_server, kind):
    token, where = _mm_refused_credential(mm_server, kind)
    error_id = (
        "api.context.token_provided.app_error"
        if where == "query"
        else "api.context.session_expired.app_error"
    )
    # REST, API v4 and API v1.
    v4 = _mm_get(mm_server, "/api/v4/users/me", token, where)
    assert (v4.status_code, v4.json()["id"]) == (401, error_id)
    v1 = _mm_get(mm_server, "/api/v1/users/me", token, where)
    assert (v1.status_code, v1.json()["message"]) == (401, errors.MESSAGES[error_id])
    # The request journal and fault targeting name nobody.
    requests_seen = requests.get(
        f"{mm_server.url}/_emulator/requests", params={"path": "/api/v1/users/me", "limit": 1}
    ).json()["requests"]
    assert requests_seen[0]["user"] is None
    rule = requests.post(
        f"{mm_server.url}/_emulator/faults",
        json={"match": {"user": "alice"}, "error": {"status": 503}},
    ).json()
    targeted = {_mm_get(mm_server, "/api/v4/users/me", token, where).status_code}
    rule_admin = requests.post(
        f"{mm_server.url}/_emulator/faults",
        json={"match": {"user": "admin"}, "error": {"status": 503}},
    ).json()
    targeted.add(_mm_get(mm_server, "/api/v4/users/me", token, where).status_code)
    for fault in (rule, rule_admin):
        requests.delete(f"{mm_server.url}/_emulator/faults/{fault['id']}")
    assert targeted == {401}
    # The WebSocket: the upgrade does not sign in, nor does an authentication_challenge.
    if where == "query":
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            WsClient(mm_server, query=f"?access_token={token}")
        assert refused.value.status_code == 401
        return
    socket = WsClient(mm_server, token)
    try:
        socket.send("authentication_challenge", {"token": token})
        assert socket.closed()  # a refused challenge closes the socket without a frame
    finally:
        socket.close()


def test_mattermost_cookie_write_without_csrf_token_names_nobody(mm):
    token, _ = mm_login(mm, "alice")
    mm.set_cookie("MMAUTHTOKEN", token)
    refused = mm.put("/api/v4/users/me/patch", json={"nickname": "x"})
    assert refused.status_code == 401
    assert journaled_user(mm, "/api/v4/users/me/patch") is None
    read = mm.get("/api/v4/users/me")
    assert read.status_code == 200
    assert journaled_user(mm, "/api/v4/users/me") == "alice"


def test_mattermost_rate_limit_key_is_the_token_wherever_it_is_sent(mm_server):
    """``GenerateKey`` keys on the raw token ``ParseAuthTokenFromRequest`` finds: the query string
    counts as a credential location too (valid or not, the limiter never looks it up)."""
    ctl = Control(mm_server.url)
    ctl.rate_limit(PerSec=1, MaxBurst=0, VaryByUser=True, VaryByRemoteAddr=True)
    ctl.clock.freeze()  # the bucket must not refill between the calls
    ping = f"{mm_server.url}/api/v4/system/ping"
    assert requests.get(ping, timeout=10).status_code == 200  # by address: its bucket is empty
    assert requests.get(ping, params={"access_token": "one"}, timeout=10).status_code == 200
    assert requests.get(ping, params={"access_token": "two"}, timeout=10).status_code == 200
    cookie = {"Cookie": "MMAUTHTOKEN=one"}
    assert requests.get(ping, headers=cookie, timeout=10).status_code == 429


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
