"""OAuth apps (``oauth-apps.*``) and Rocket.Chat as an OAuth 2.0 provider, driven by a real
OAuth client (requests-oauthlib): authorize, token, ``/api/v1/me`` with the bearer, refresh."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session
from rocketchat_API.rocketchat import RocketChat

from emulator.app import runtime_of
from tests.rocketchat.clients import NO_PERMISSION, call
from tests.test_journal import assert_never_journaled

CALLBACK = "http://127.0.0.1:9/callback"


@pytest.fixture(autouse=True)
def plain_http(monkeypatch):
    """oauthlib refuses http:// unless told the transport is a test's."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def new_app(admin: RocketChat, **fields: object) -> dict:
    body = {"name": "Dashboard", "active": True, "redirectUri": CALLBACK, **fields}
    answer = call(admin, "POST", "oauth-apps.create", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["application"]


def cookies(client: RocketChat) -> dict:
    """The web client's session cookies for a logged-in rocketchat_API client."""
    return {"rc_uid": client.headers["X-User-Id"], "rc_token": client.headers["X-Auth-Token"]}


def consent(server, user: RocketChat, url: str, allow: str = "yes") -> requests.Response:
    """The browser step: the consent page, then its form posted as the user allows."""
    page = requests.get(url, cookies=cookies(user), allow_redirects=False, timeout=5)
    assert page.status_code == 200 and "Dashboard" in page.text
    form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()} | {"allow": allow}
    return requests.post(
        f"{server.url}/oauth/authorize",
        data=form,
        cookies=cookies(user),
        allow_redirects=False,
        timeout=5,
    )


def test_create_get_list_update_delete(admin, alice, rc_server):
    app = new_app(admin, redirectUri=f"{CALLBACK}\n http://127.0.0.1:9/other ,")
    assert set(app) == {
        "_id",
        "name",
        "active",
        "redirectUri",
        "clientId",
        "clientSecret",
        "_createdAt",
        "_updatedAt",
        "_createdBy",
    }
    assert app["redirectUri"] == f"{CALLBACK},http://127.0.0.1:9/other"
    assert app["_createdBy"] == {"_id": admin.headers["X-User-Id"], "username": "admin"}
    assert len(app["clientSecret"]) == 43 and app["_createdAt"].endswith("Z")
    listed = call(admin, "GET", "oauth-apps.list").json()
    assert listed == {"oauthApps": [app], "success": True}
    by_client = call(admin, "GET", "oauth-apps.get", params={"clientId": app["clientId"]}).json()
    assert by_client == {"oauthApp": app, "success": True}
    # Anyone logged in may look an app up, without its secret.
    seen = call(alice, "GET", "oauth-apps.get", params={"_id": app["_id"]}).json()["oauthApp"]
    assert "clientSecret" not in seen and seen["clientId"] == app["clientId"]
    updated = call(
        admin,
        "POST",
        "oauth-apps.update",
        json={"appId": app["_id"], "name": "Board", "active": False, "redirectUri": CALLBACK},
    ).json()
    assert (updated["name"], updated["active"], updated["success"]) == ("Board", False, True)
    assert updated["_updatedBy"]["username"] == "admin"
    deleted = call(admin, "POST", "oauth-apps.delete", json={"appId": app["_id"]})
    assert (deleted.status_code, deleted.json()) == (200, True)
    assert call(admin, "GET", "oauth-apps.list").json()["oauthApps"] == []
    assert_never_journaled(rc_server, app["clientSecret"])


def test_managing_apps_needs_the_permission(alice):
    body = {"name": "X", "active": True, "redirectUri": CALLBACK}
    for method, path, kwargs in (
        ("GET", "oauth-apps.list", {}),
        ("POST", "oauth-apps.create", {"json": body}),
        ("POST", "oauth-apps.delete", {"json": {"appId": "x"}}),
    ):
        answer = call(alice, method, path, **kwargs)
        assert (answer.status_code, answer.json()) == (403, NO_PERMISSION), path


@pytest.mark.parametrize(
    ("path", "body", "error", "error_type"),
    [
        (
            "oauth-apps.create",
            {"name": "X", "active": True},
            "must have required property 'redirectUri' [invalid-params]",
            "invalid-params",
        ),
        (
            "oauth-apps.create",
            {"name": "X", "active": "yes", "redirectUri": CALLBACK},
            "/active must be boolean [invalid-params]",
            "invalid-params",
        ),
        (
            "oauth-apps.create",
            {"name": " ", "active": True, "redirectUri": CALLBACK},
            "Invalid name [error-invalid-name]",
            "error-invalid-name",
        ),
        (
            "oauth-apps.create",
            {"name": "X", "active": True, "redirectUri": " ,\n"},
            "Invalid redirectUri [error-invalid-redirectUri]",
            "error-invalid-redirectUri",
        ),
        (
            "oauth-apps.update",
            {"appId": "nope", "name": "X", "active": True, "redirectUri": CALLBACK},
            "Application not found [error-application-not-found]",
            "error-application-not-found",
        ),
        (
            "oauth-apps.delete",
            {"appId": "nope"},
            "Application not found [error-application-not-found]",
            "error-application-not-found",
        ),
    ],
)
def test_app_validation(admin, path, body, error, error_type):
    answer = call(admin, "POST", path, json=body)
    assert answer.status_code == 400
    assert answer.json()["error"] == error and answer.json()["errorType"] == error_type


def test_get_takes_exactly_one_key(admin):
    answer = call(admin, "GET", "oauth-apps.get")
    assert answer.json()["errorType"] == "invalid-params"
    assert answer.json()["error"].endswith(
        "must match exactly one schema in oneOf [invalid-params]"
    )
    missing = call(admin, "GET", "oauth-apps.get", params={"clientId": "nope"}).json()
    assert missing == {"success": False, "error": "OAuth app not found."}


def test_the_authorization_code_flow_with_a_real_client(admin, alice, rc_server):
    app = new_app(admin)
    client = OAuth2Session(app["clientId"], redirect_uri=CALLBACK)
    url, state = client.authorization_url(f"{rc_server.url}/oauth/authorize")
    back = consent(rc_server, alice, url)
    assert back.status_code == 302
    location = back.headers["Location"]
    query = parse_qs(urlsplit(location).query)
    assert location.startswith(CALLBACK + "?") and query["state"] == [state]
    assert len(query["code"][0]) == 64
    token = client.fetch_token(
        f"{rc_server.url}/oauth/token",
        authorization_response=location,
        client_secret=app["clientSecret"],
    )
    assert token["token_type"] == "Bearer" and token["expires_in"] == 3600
    assert set(token) >= {"access_token", "refresh_token"}
    me = client.get(f"{rc_server.url}/api/v1/me", timeout=5)
    assert me.status_code == 200 and me.json()["username"] == "alice"
    info = client.get(f"{rc_server.url}/oauth/userinfo", timeout=5).json()
    assert (info["sub"], info["preffered_username"]) == (me.json()["_id"], "alice")
    # The bearer token is a REST login for every route, as upstream's auth method.
    assert client.get(f"{rc_server.url}/api/v1/channels.list", timeout=5).status_code == 200

    old = token["access_token"]
    renewed = client.refresh_token(
        f"{rc_server.url}/oauth/token",
        client_id=app["clientId"],
        client_secret=app["clientSecret"],
    )
    assert renewed["access_token"] != old
    assert client.get(f"{rc_server.url}/api/v1/me", timeout=5).json()["username"] == "alice"
    bearer = {"Authorization": f"Bearer {old}"}
    assert requests.get(f"{rc_server.url}/api/v1/me", headers=bearer, timeout=5).status_code == 401
    assert_never_journaled(
        rc_server, app["clientSecret"], old, token["refresh_token"], renewed["access_token"]
    )


def token_request(server, **form: str) -> requests.Response:
    return requests.post(f"{server.url}/oauth/token", data=form, timeout=5)


def code_for(server, user: RocketChat, app: dict) -> str:
    url = (
        f"{server.url}/oauth/authorize?client_id={app['clientId']}&redirect_uri={CALLBACK}"
        "&response_type=code&state=s1"
    )
    location = consent(server, user, url).headers["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def test_token_endpoint_errors_are_upstreams(admin, alice, rc_server):
    app = new_app(admin)
    grant = {"client_id": app["clientId"], "client_secret": app["clientSecret"]}
    code = code_for(rc_server, alice, app)
    wrong_secret = token_request(rc_server, **grant | {"client_secret": "nope"}, code=code)
    # Upstream's model throws (the library's 503); bad input never gets a 5xx here, so the
    # library's answer for a client the model does not find.
    assert (wrong_secret.status_code, wrong_secret.json()) == (
        401,
        {"error": "invalid_client", "error_description": "Invalid client: client is invalid"},
    )
    no_grant = token_request(rc_server, **grant, code=code)
    assert no_grant.json() == {
        "error": "invalid_request",
        "error_description": "Missing parameter: `grant_type`",
    }
    password = token_request(rc_server, **grant, grant_type="password")
    assert (password.status_code, password.json()["error"]) == (400, "unauthorized_client")
    bad_type = token_request(rc_server, **grant, grant_type="magic")
    assert bad_type.json()["error"] == "unsupported_grant_type"
    anonymous = token_request(rc_server, grant_type="authorization_code", code=code)
    assert anonymous.json() == {
        "error": "invalid_client",
        "error_description": "Invalid client: cannot retrieve client credentials",
    }
    wrong_uri = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri="http://x/y"
    )
    assert wrong_uri.json()["error_description"] == "Invalid request: `redirect_uri` is invalid"
    fine = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    )
    assert fine.status_code == 200 and fine.headers["Cache-Control"] == "no-store"
    reused = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    )
    assert (reused.status_code, reused.json()) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "Invalid grant: authorization code is invalid",
        },
    )
    get = requests.get(f"{rc_server.url}/oauth/token", timeout=5)
    assert get.json()["error_description"] == "Invalid request: method must be POST"


def test_codes_and_tokens_expire_by_the_emulator_clock(admin, alice, rc_server):
    rt = runtime_of(rc_server.app)
    app = new_app(admin)
    grant = {"client_id": app["clientId"], "client_secret": app["clientSecret"]}
    code = code_for(rc_server, alice, app)
    rt.clock.advance(301 * 1000)
    late = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    )
    assert late.json() == {
        "error": "invalid_grant",
        "error_description": "Invalid grant: authorization code has expired",
    }
    code = code_for(rc_server, alice, app)
    issued = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    ).json()
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    assert requests.get(f"{rc_server.url}/api/v1/me", headers=bearer, timeout=5).ok
    rt.clock.advance(3601 * 1000)
    assert requests.get(f"{rc_server.url}/api/v1/me", headers=bearer, timeout=5).status_code == 401
    # The refresh token outlives it.
    refreshed = token_request(
        rc_server, **grant, grant_type="refresh_token", refresh_token=issued["refresh_token"]
    )
    assert refreshed.status_code == 200
    again = token_request(
        rc_server, **grant, grant_type="refresh_token", refresh_token=issued["refresh_token"]
    )
    assert (again.status_code, again.json()) == (
        400,
        {"error": "invalid_grant", "error_description": "Invalid grant: refresh token is invalid"},
    )


def test_authorize_refusals(admin, alice, rc_server):
    app = new_app(admin)
    base = f"{rc_server.url}/oauth/authorize"
    unknown = requests.get(f"{base}?client_id=nope", allow_redirects=False, timeout=5)
    assert (unknown.status_code, unknown.headers["Location"]) == (302, "/oauth/error/404")
    elsewhere = requests.get(
        f"{base}?client_id={app['clientId']}&redirect_uri=http://evil/",
        allow_redirects=False,
        timeout=5,
    )
    assert elsewhere.headers["Location"] == "/oauth/error/invalid_redirect_uri"
    url = f"{base}?client_id={app['clientId']}&response_type=code&state=s"
    denied = consent(rc_server, alice, url, allow="no")
    assert (denied.status_code, denied.json()) == (
        401,
        {
            "error": "access_denied",
            "error_description": "The user denied access to your application",
        },
    )
    no_state = consent(rc_server, alice, f"{base}?client_id={app['clientId']}&response_type=code")
    assert (no_state.status_code, no_state.json()) == (
        400,
        {"error": "invalid_request", "error_description": "Missing parameter: `state`"},
    )
    anonymous = requests.post(
        base, data={"allow": "yes", "client_id": app["clientId"]}, allow_redirects=False, timeout=5
    )
    assert (anonymous.status_code, anonymous.text) == (401, "No token")
    # Without redirect_uri the app's first one is used.
    back = consent(rc_server, alice, url)
    assert back.headers["Location"].startswith(CALLBACK + "?code=")


def test_deleting_an_app_revokes_its_tokens(admin, alice, rc_server):
    app = new_app(admin)
    grant = {"client_id": app["clientId"], "client_secret": app["clientSecret"]}
    code = code_for(rc_server, alice, app)
    issued = token_request(
        rc_server, **grant, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    ).json()
    call(admin, "POST", "oauth-apps.delete", json={"appId": app["_id"]})
    bearer = {"Authorization": f"Bearer {issued['access_token']}"}
    assert requests.get(f"{rc_server.url}/api/v1/me", headers=bearer, timeout=5).status_code == 401
