"""Mattermost as an OAuth 2.0 service provider, driven by a real client (requests-oauthlib)."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth2Session

from emulator.app import runtime_of
from tests.mattermost.clients import assert_error, logged_in, raw, set_config, user_id
from tests.test_journal import assert_never_journaled

CALLBACK = "http://127.0.0.1:9/callback"


@pytest.fixture(autouse=True)
def plain_http(monkeypatch):
    """oauthlib refuses http:// unless told the transport is a test's."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def new_app(server, token: str, **fields) -> dict:
    body = {"name": "Dashboard", "callback_urls": [CALLBACK], "homepage": "http://127.0.0.1:9"}
    response = requests.post(
        f"{server.url}/api/v4/oauth/apps",
        json={**body, **fields},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return response.json()


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def implicit_grant(server, app: dict, user_token: str, state: str) -> dict:
    """The implicit grant as the user: the redirect's fragment, parsed."""
    authorize = {
        "response_type": "token",
        "client_id": app["id"],
        "redirect_uri": CALLBACK,
        "state": state,
    }
    target = requests.post(
        f"{server.url}/oauth/authorize", json=authorize, headers=bearer(user_token), timeout=5
    ).json()["redirect"]
    return parse_qs(urlsplit(target).fragment)


def test_authorize_token_api_refresh_deauthorize_with_requests_oauthlib(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin, is_trusted=True)
    assert len(app["client_secret"]) == 26 and app["is_trusted"] is True
    alice = logged_in(mm_server, "alice").client.token

    client = OAuth2Session(app["id"], redirect_uri=CALLBACK)
    url, state = client.authorization_url(f"{mm_server.url}/oauth/authorize")
    # The browser step: alice is signed in, and a trusted app needs no consent.
    back = requests.get(url, headers=bearer(alice), allow_redirects=False, timeout=5)
    assert back.status_code == 302
    location = back.headers["Location"]
    assert location.startswith(CALLBACK + "?") and parse_qs(urlsplit(location).query)["state"] == [
        state
    ]
    token = client.fetch_token(
        f"{mm_server.url}/oauth/access_token",
        authorization_response=location,
        client_secret=app["client_secret"],
        include_client_id=True,
    )
    assert token["token_type"] == "bearer" and token["expires_in"] == 720 * 3600
    me = client.get(f"{mm_server.url}/api/v4/users/me", timeout=5)
    assert me.json()["username"] == "alice"
    sessions = requests.get(
        f"{mm_server.url}/api/v4/users/me/sessions", headers=bearer(alice), timeout=5
    ).json()
    oauth_session = next(s for s in sessions if s["is_oauth"])
    assert oauth_session["props"]["oauth_app_id"] == app["id"]
    assert oauth_session["props"]["os"] == "OAuth2"

    old = token["access_token"]
    renewed = client.refresh_token(
        f"{mm_server.url}/oauth/access_token",
        client_id=app["id"],
        client_secret=app["client_secret"],
    )
    assert renewed["access_token"] != old and renewed["refresh_token"] != token["refresh_token"]
    assert (
        requests.get(f"{mm_server.url}/api/v4/users/me", headers=bearer(old), timeout=5).status_code
        == 401
    )
    assert client.get(f"{mm_server.url}/api/v4/users/me", timeout=5).status_code == 200

    authorized = raw(mm_server, logged_in(mm_server))(
        "get", "/users/me/oauth/apps/authorized"
    ).json()
    assert [a["id"] for a in authorized] == [app["id"]] and authorized[0]["client_secret"] == ""

    gone = requests.post(
        f"{mm_server.url}/oauth/deauthorize",
        json={"client_id": app["id"]},
        headers=bearer(alice),
        timeout=5,
    )
    assert gone.json() == {"status": "OK"}
    assert client.get(f"{mm_server.url}/api/v4/users/me", timeout=5).status_code == 401
    assert (
        raw(mm_server, logged_in(mm_server))("get", "/users/me/oauth/apps/authorized").json() == []
    )
    assert_never_journaled(
        mm_server, app["client_secret"], renewed["access_token"], renewed["refresh_token"]
    )


def test_an_untrusted_app_asks_for_consent_and_the_answer_is_remembered(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin, description="Reads your profile")
    alice = logged_in(mm_server, "alice").client.token
    url = (
        f"{mm_server.url}/oauth/authorize?response_type=code&client_id={app['id']}"
        f"&redirect_uri={CALLBACK}&state=s1"
    )
    page = requests.get(url, headers=bearer(alice), allow_redirects=False, timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Dashboard" in page.text and "Reads your profile" in page.text
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    # What the page's Allow button posts.
    allowed = requests.post(
        f"{mm_server.url}/oauth/authorize",
        json={
            "response_type": "code",
            "client_id": app["id"],
            "redirect_uri": CALLBACK,
            "state": "s1",
        },
        headers=bearer(alice),
        timeout=5,
    ).json()
    assert allowed["redirect"].startswith(CALLBACK + "?code=")
    again = requests.get(url, headers=bearer(alice), allow_redirects=False, timeout=5)
    assert again.status_code == 302 and "code=" in again.headers["Location"]


def test_signed_out_browsers_go_to_the_login_page_first(mm_server):
    app = new_app(mm_server, logged_in(mm_server, "admin").client.token)
    query = f"response_type=code&client_id={app['id']}&redirect_uri={CALLBACK}"
    page = requests.get(
        f"{mm_server.url}/oauth/authorize?{query}", allow_redirects=False, timeout=5
    )
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/login?redirect_to=%2Foauth%2Fauthorize%3F")


def test_authorize_page_errors_are_the_web_apps(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin)
    base = f"{mm_server.url}/oauth/authorize?response_type=code&client_id={app['id']}"
    wrong = requests.get(
        f"{base}&redirect_uri=http://evil.example/cb",
        headers=bearer(admin),
        timeout=5,
        allow_redirects=False,
    )
    assert wrong.status_code == 400 and "oauth_invalid_redirect_url" in wrong.text
    bad = requests.get(
        f"{mm_server.url}/oauth/authorize?client_id=nope", headers=bearer(admin), timeout=5
    )
    assert bad.status_code == 400 and "oauth_invalid_param" in bad.text
    set_config(mm_server, "ServiceSettings", "EnableOAuthServiceProvider", False)
    off = requests.get(f"{base}&redirect_uri={CALLBACK}", headers=bearer(admin), timeout=5)
    assert off.status_code == 501 and "turned+off+OAuth2" in off.text


def test_token_endpoint_errors(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin, is_trusted=True)
    url = f"{mm_server.url}/oauth/access_token"

    def token(**form):
        body = {
            "client_id": app["id"],
            "client_secret": app["client_secret"],
            "redirect_uri": CALLBACK,
        }
        return requests.post(url, data={**body, **form}, timeout=5)

    assert_error(
        token(grant_type="password"), 400, "api.oauth.get_access_token.bad_grant.app_error"
    )
    assert_error(
        token(grant_type="authorization_code"),
        400,
        "api.oauth.get_access_token.missing_code.app_error",
    )
    assert_error(
        token(grant_type="refresh_token"),
        400,
        "api.oauth.get_access_token.missing_refresh_token.app_error",
    )
    assert_error(
        token(grant_type="authorization_code", code="x", client_id="nope"),
        400,
        "api.oauth.get_access_token.bad_client_id.app_error",
    )
    assert_error(
        token(grant_type="authorization_code", code="x", client_id="a" * 26),
        404,
        "api.oauth.get_access_token.credentials.app_error",
    )
    assert_error(
        token(grant_type="authorization_code", code="x", client_secret="wrong"),
        401,
        "model.oauth.validate_grant.credentials.app_error",
    )
    assert_error(
        token(grant_type="authorization_code", code="x"),
        400,
        "api.oauth.get_access_token.expired_code.app_error",
    )
    assert_error(
        token(grant_type="refresh_token", refresh_token="x"),
        404,
        "api.oauth.get_access_token.refresh_token.app_error",
    )

    alice = logged_in(mm_server, "alice").client.token
    authorize = {
        "response_type": "code",
        "client_id": app["id"],
        "redirect_uri": CALLBACK,
        "state": "",
    }
    code = parse_qs(
        urlsplit(
            requests.post(
                f"{mm_server.url}/oauth/authorize", json=authorize, headers=bearer(alice), timeout=5
            ).json()["redirect"]
        ).query
    )["code"][0]
    assert_error(
        token(grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1:9/other"),
        400,
        "api.oauth.get_access_token.redirect_uri.app_error",
    )
    assert token(grant_type="authorization_code", code=code).status_code == 200
    # A code is good once.
    assert_error(
        token(grant_type="authorization_code", code=code),
        400,
        "api.oauth.get_access_token.expired_code.app_error",
    )
    # And for ten minutes.
    code = parse_qs(
        urlsplit(
            requests.post(
                f"{mm_server.url}/oauth/authorize", json=authorize, headers=bearer(alice), timeout=5
            ).json()["redirect"]
        ).query
    )["code"][0]
    runtime_of(mm_server.app).clock.advance(10 * 60 * 1000 + 1)
    assert_error(
        token(grant_type="authorization_code", code=code),
        403,
        "api.oauth.get_access_token.expired_code.app_error",
    )


def test_a_public_client_must_use_pkce(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin, is_trusted=True, is_public=True)
    assert app["client_secret"] == ""
    alice = logged_in(mm_server, "alice").client.token
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    authorize = {
        "response_type": "code",
        "client_id": app["id"],
        "redirect_uri": CALLBACK,
        "state": "p",
    }
    refused = requests.post(
        f"{mm_server.url}/oauth/authorize", json=authorize, headers=bearer(alice), timeout=5
    )
    assert_error(refused, 400, "api.oauth.allow_oauth.pkce_required_public.app_error")
    authorize.update(code_challenge=challenge, code_challenge_method="S256")
    target = requests.post(
        f"{mm_server.url}/oauth/authorize", json=authorize, headers=bearer(alice), timeout=5
    ).json()["redirect"]
    code = parse_qs(urlsplit(target).query)["code"][0]
    url = f"{mm_server.url}/oauth/access_token"
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["id"],
        "redirect_uri": CALLBACK,
    }
    assert_error(
        requests.post(url, data=form, timeout=5),
        400,
        "model.oauth.validate_grant.pkce_required.app_error",
    )
    assert_error(
        requests.post(url, data={**form, "code_verifier": "w" * 50}, timeout=5),
        400,
        "model.authorize.validate_pkce.verification_failed.app_error",
    )
    token = requests.post(url, data={**form, "code_verifier": verifier}, timeout=5).json()
    assert token["refresh_token"] == ""
    me = requests.get(
        f"{mm_server.url}/api/v4/users/me", headers=bearer(token["access_token"]), timeout=5
    )
    assert me.json()["username"] == "alice"


def test_an_oauth_token_may_ride_in_the_query_string_but_may_not_touch_mfa(mm_server):
    admin = logged_in(mm_server, "admin").client.token
    app = new_app(mm_server, admin, is_trusted=True)
    alice = logged_in(mm_server, "alice").client.token
    fragment = implicit_grant(mm_server, app, alice, state="i")
    access = fragment["access_token"][0]
    assert fragment["token_type"] == ["bearer"] and fragment["state"] == ["i"]
    authorized = requests.get(
        f"{mm_server.url}/api/v4/users/me/oauth/apps/authorized", headers=bearer(alice), timeout=5
    )
    assert [a["id"] for a in authorized.json()] == [app["id"]]
    me = requests.get(
        f"{mm_server.url}/api/v4/users/me", params={"access_token": access}, timeout=5
    )
    assert me.json()["username"] == "alice"
    plain = requests.get(
        f"{mm_server.url}/api/v4/users/me", params={"access_token": alice}, timeout=5
    )
    assert_error(plain, 401, "api.context.token_provided.app_error")
    set_config(mm_server, "ServiceSettings", "EnableMultifactorAuthentication", True)
    refused = requests.post(
        f"{mm_server.url}/api/v4/users/me/mfa/generate", headers=bearer(access), timeout=5
    )
    body = assert_error(refused, 403, "api.context.permissions.app_error")
    assert body["detailed_error"].endswith(", attempted access by oauth app")
    set_config(mm_server, "ServiceSettings", "EnableUserAccessTokens", True)
    token = requests.post(
        f"{mm_server.url}/api/v4/users/me/tokens",
        json={"description": "ci"},
        headers=bearer(access),
        timeout=5,
    )
    body = assert_error(token, 403, "api.context.permissions.app_error")
    assert (
        "permission=create_user_access_token, attempted access by oauth app"
        in body["detailed_error"]
    )


def test_app_management_permissions_and_errors(mm_server):
    admin = logged_in(mm_server, "admin")
    app = new_app(mm_server, admin.client.token, is_trusted=True)
    call = raw(mm_server, admin)
    alice = raw(mm_server, logged_in(mm_server, "alice"))
    assert_error(alice("get", "/oauth/apps"), 403, "api.command.admin_only.app_error")
    assert_error(
        alice("post", "/oauth/apps", json={"name": "x"}), 403, "api.context.permissions.app_error"
    )
    assert_error(alice("get", f"/oauth/apps/{app['id']}"), 403, "api.context.permissions.app_error")
    info = alice("get", f"/oauth/apps/{app['id']}/info").json()
    assert info["name"] == "Dashboard" and info["client_secret"] == ""
    assert [a["id"] for a in call("get", "/oauth/apps").json()] == [app["id"]]
    assert call("get", f"/oauth/apps/{app['id']}").json()["client_secret"] == app["client_secret"]

    for body, error in (
        (
            {"callback_urls": [CALLBACK], "homepage": "http://h"},
            "model.oauth.is_valid.name.app_error",
        ),
        ({"name": "n", "homepage": "http://h"}, "model.oauth.is_valid.callback.app_error"),
        (
            {"name": "n", "callback_urls": ["ftp://x"], "homepage": "http://h"},
            "model.oauth.is_valid.callback.app_error",
        ),
        ({"name": "n", "callback_urls": [CALLBACK]}, "model.oauth.is_valid.homepage.app_error"),
        (
            {"name": "n", "callback_urls": [CALLBACK], "homepage": "http://h", "icon_url": "x"},
            "model.oauth.is_valid.icon_url.app_error",
        ),
        ({"name": 5}, "api.context.invalid_body_param.app_error"),
        ({"name": "n", "callback_urls": [5]}, "api.context.invalid_body_param.app_error"),
    ):
        assert_error(call("post", "/oauth/apps", json=body), 400, error)
    assert_error(call("get", "/oauth/apps/nope"), 400, "api.context.invalid_url_param.app_error")
    assert_error(call("get", f"/oauth/apps/{'a' * 26}"), 404, "app.oauth.get_app.find.app_error")

    changed = call(
        "put", f"/oauth/apps/{app['id']}", json={**app, "name": "Board", "client_secret": "mine"}
    ).json()
    assert changed["name"] == "Board" and changed["client_secret"] == app["client_secret"]
    assert changed["create_at"] == app["create_at"]
    assert_error(
        call("put", f"/oauth/apps/{app['id']}", json={**app, "id": "b" * 26}),
        400,
        "api.context.invalid_body_param.app_error",
    )
    fresh = call("post", f"/oauth/apps/{app['id']}/regen_secret").json()
    assert fresh["client_secret"] != app["client_secret"]

    alice_token = logged_in(mm_server, "alice").client.token
    access = implicit_grant(mm_server, app, alice_token, state="")["access_token"][0]
    assert call("delete", f"/oauth/apps/{app['id']}").json() == {"status": "OK"}
    # Deleting the app ends the sessions it opened.
    assert (
        requests.get(
            f"{mm_server.url}/api/v4/users/me", headers=bearer(access), timeout=5
        ).status_code
        == 401
    )
    assert_error(call("get", f"/oauth/apps/{app['id']}"), 404, "app.oauth.get_app.find.app_error")
    bob = user_id(mm_server, "bob")
    assert_error(
        alice("get", f"/users/{bob}/oauth/apps/authorized"),
        403,
        "api.context.permissions.app_error",
    )


def test_the_provider_switched_off_answers_501(mm_server):
    admin = logged_in(mm_server, "admin")
    config = raw(mm_server, admin)("get", "/config/client", params={"format": "old"}).json()
    assert config["EnableOAuthServiceProvider"] == "true"
    app = new_app(mm_server, admin.client.token)
    set_config(mm_server, "ServiceSettings", "EnableOAuthServiceProvider", False)
    call = raw(mm_server, admin)
    config = call("get", "/config/client", params={"format": "old"}).json()
    assert config["EnableOAuthServiceProvider"] == "false"
    off = "api.oauth.allow_oauth.turn_off.app_error"
    assert_error(
        call("post", "/oauth/apps", json={"name": "n"}),
        501,
        "api.oauth.register_oauth_app.turn_off.app_error",
    )
    assert_error(call("get", "/oauth/apps"), 501, off)
    assert_error(call("get", f"/oauth/apps/{app['id']}"), 501, off)
    assert_error(call("get", "/users/me/oauth/apps/authorized"), 501, off)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": "r",
        "client_id": app["id"],
        "client_secret": "s",
    }
    assert_error(
        requests.post(f"{mm_server.url}/oauth/access_token", data=form, timeout=5),
        501,
        "api.oauth.get_access_token.disabled.app_error",
    )
    assert_error(
        requests.post(
            f"{mm_server.url}/oauth/deauthorize",
            json={"client_id": app["id"]},
            headers=bearer(admin.client.token),
            timeout=5,
        ),
        501,
        off,
    )


def test_authorization_server_metadata(mm_server):
    url = f"{mm_server.url}/.well-known/oauth-authorization-server"
    set_config(mm_server, "ServiceSettings", "SiteURL", "https://chat.example.com")
    assert requests.get(url, timeout=5).json() == {
        "issuer": "https://chat.example.com",
        "authorization_endpoint": "https://chat.example.com/oauth/authorize",
        "token_endpoint": "https://chat.example.com/oauth/access_token",
        "response_types_supported": ["code"],
        "scopes_supported": ["user"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
    }
    # Without a SiteURL: the address the emulator was reached at.
    set_config(mm_server, "ServiceSettings", "SiteURL", "")
    assert requests.get(url, timeout=5).json()["issuer"] == mm_server.url
    set_config(mm_server, "ServiceSettings", "EnableOAuthServiceProvider", False)
    assert_error(
        requests.get(url, timeout=5),
        501,
        "api.oauth.authorization_server_metadata.disabled.app_error",
    )
