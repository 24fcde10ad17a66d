"""OAuth apps and Rocket.Chat as an OAuth 2.0 provider (``app/oauth2-server-config``,
``server/oauth2-server``: ``@node-oauth/oauth2-server`` with Rocket.Chat's model).

Apps: ``addOAuthApp`` / ``updateOAuthApp`` / ``deleteOAuthApp`` with their checks; the redirect
URIs are one comma-separated string. The provider grants ``authorization_code`` and
``refresh_token`` only; codes live 300 s, access tokens 3600 s, refresh tokens 14 days (the
library's defaults), by the emulator clock. A refresh revokes the old token pair. Upstream's
model throws plain ``Error``s for an unknown client, code or refresh token, which the library
turns into a 503 ``server_error``; bad input never gets a 5xx here, so these answer what the
library answers when a model finds nothing (``invalid_client`` 401, ``invalid_grant`` 400).
:class:`OAuthRefused` carries the library's error name, status and description.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, has_permission

CODE_LIFETIME_MS = 300 * 1000
ACCESS_LIFETIME_S = 3600
REFRESH_LIFETIME_MS = 1_209_600 * 1000
GRANTS = ("authorization_code", "refresh_token")
_SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"


class OAuthRefused(Exception):
    """An ``OAuthError`` of the library: ``{error: name, error_description: message}``."""

    def __init__(self, status: int, name: str, message: str) -> None:
        super().__init__(message)
        self.status, self.name, self.message = status, name, message


def _invalid_request(message: str) -> OAuthRefused:
    return OAuthRefused(400, "invalid_request", message)


def _invalid_client() -> OAuthRefused:
    return OAuthRefused(401, "invalid_client", "Invalid client: client is invalid")


def _invalid_grant(message: str) -> OAuthRefused:
    return OAuthRefused(400, "invalid_grant", message)


# -- apps ---------------------------------------------------------------------------------------


def parse_uri_list(uris: str) -> str:
    """``parseUriList``: newline- or comma-separated URIs as one comma-separated string."""
    if "\n" not in uris and "," not in uris:
        return uris
    return ",".join(u.strip() for u in uris.replace("\n", ",").split(",") if u.strip())


def _check_fields(params: Doc, method: str) -> None:
    details = {"method": method}
    name, uri = params.get("name"), params.get("redirectUri")
    if not isinstance(name, str) or not name.strip():
        raise Refused(errors.INVALID_NAME, "Invalid name", details)
    if not isinstance(uri, str) or not uri.strip():
        raise Refused(errors.INVALID_REDIRECT_URI, "Invalid redirectUri", details)
    if not isinstance(params.get("active"), bool):
        raise Refused(errors.INVALID_ARGUMENTS, "Invalid arguments", details)


def _redirect_uri(params: Doc, method: str) -> str:
    redirect_uri = parse_uri_list(params["redirectUri"])
    if not redirect_uri:
        raise Refused(errors.INVALID_REDIRECT_URI, "Invalid redirectUri", {"method": method})
    return redirect_uri


def add_oauth_app(rt: Runtime, user: Doc, params: Doc) -> Doc:
    """``addOAuthApp``: a new app with its client id and secret."""
    details = {"method": "addOAuthApp"}
    if not user.get("username"):
        raise Refused(errors.INVALID_USER, "Invalid user", details)
    if not has_permission(rt, user, "manage-oauth-apps"):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    _check_fields(params, "addOAuthApp")
    redirect_uri = _redirect_uri(params, "addOAuthApp")
    now = rt.clock.now_ms()
    app = {
        **params,
        "redirectUri": redirect_uri,
        "clientId": rt.ids.meteor_id(),
        "clientSecret": "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(43)),
        "_createdAt": now,
        "_updatedAt": now,
        "_createdBy": {"_id": user["_id"], "username": user["username"]},
        "_id": rt.ids.meteor_id(),
    }
    rt.store.insert("oauth_apps", app)
    return app


def find_oauth_app(rt: Runtime, query: Doc) -> Doc | None:
    """``findOneAuthAppByIdOrClientId``: by ``_id`` / ``appId`` or ``clientId``."""
    app_id = query.get("_id") or query.get("appId")
    if app_id:
        app = rt.store.get("oauth_apps", app_id)
        if app is None or ("clientId" in query and app["clientId"] != query["clientId"]):
            return None
        return app
    return rt.store.find_one("oauth_apps", "clientId", query.get("clientId"))


def update_oauth_app(rt: Runtime, user: Doc, app_id: str, params: Doc) -> Doc:
    """``updateOAuthApp``: name, active and redirect URIs."""
    details = {"method": "updateOAuthApp"}
    if not has_permission(rt, user, "manage-oauth-apps"):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    _check_fields(params, "updateOAuthApp")
    if rt.store.get("oauth_apps", app_id) is None:
        raise Refused(errors.APPLICATION_NOT_FOUND, "Application not found", details)
    redirect_uri = _redirect_uri(params, "updateOAuthApp")
    changes = {
        "name": params["name"],
        "active": params["active"],
        "redirectUri": redirect_uri,
        "_updatedAt": rt.clock.now_ms(),
        "_updatedBy": {"_id": user["_id"], "username": user["username"]},
    }
    return rt.store.update("oauth_apps", app_id, changes)


def delete_oauth_app(rt: Runtime, user: Doc, app_id: str) -> None:
    """``deleteOAuthApp``: the app, and its codes and tokens."""
    if not has_permission(rt, user, "manage-oauth-apps"):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", {"method": "deleteOAuthApp"})
    app = rt.store.get("oauth_apps", app_id)
    if app is None:
        details = {"method": "deleteOAuthApp"}
        raise Refused(errors.APPLICATION_NOT_FOUND, "Application not found", details)
    with rt.store.transaction():
        rt.store.delete("oauth_apps", app_id)
        for table in ("oauth_access_tokens", "oauth_auth_codes"):
            for doc in rt.store.find(table, "clientId", app["clientId"]):
                rt.store.delete(table, doc["_id"])


# -- the provider -------------------------------------------------------------------------------


def _active_client(rt: Runtime, client_id: Any, client_secret: Any = None) -> Doc:
    """The model's ``getClient``: an active app (with this secret when one is given)."""
    app = rt.store.find_one("oauth_apps", "clientId", client_id)
    if (
        app is None
        or app.get("active") is not True
        or (client_secret is not None and app.get("clientSecret") != client_secret)
    ):
        raise _invalid_client()
    return app


def authorize_target(rt: Runtime, client_id: Any, redirect_uri: Any) -> str | None:
    """``GET /oauth/authorize``'s own checks: where it redirects the browser instead of showing
    the consent page (None: show it)."""
    if not isinstance(client_id, str):
        return "/oauth/error/404"
    app = rt.store.find_one("oauth_apps", "clientId", client_id)
    if app is None or app.get("active") is not True:
        return "/oauth/error/404"
    if isinstance(redirect_uri, str) and redirect_uri not in app["redirectUri"].split(","):
        return "/oauth/error/invalid_redirect_uri"
    return None


def _vschar(value: Any) -> bool:
    return isinstance(value, str) and all(" " <= c <= "~" for c in value)


def authorize(rt: Runtime, user: Doc, params: Doc) -> str:
    """``AuthorizeHandler.handle`` for a user who allowed the app: the redirect with a new
    code (``state`` is required: ``allowEmptyState`` is off)."""
    client_id = params.get("client_id")
    if not client_id:
        raise _invalid_request("Missing parameter: `client_id`")
    if not _vschar(client_id):
        raise _invalid_request("Invalid parameter: `client_id`")
    redirect_uri = params.get("redirect_uri")
    if redirect_uri and not _is_uri(redirect_uri):
        raise _invalid_request("Invalid request: `redirect_uri` is not a valid URI")
    app = _active_client(rt, client_id)
    uris = app["redirectUri"].split(",")
    if redirect_uri and redirect_uri not in uris:
        raise OAuthRefused(
            400, "invalid_client", "Invalid client: `redirect_uri` does not match client value"
        )
    uri = redirect_uri or uris[0]
    state = params.get("state")
    if not state:
        raise _invalid_request("Missing parameter: `state`")
    if not _vschar(state):
        raise _invalid_request("Invalid parameter: `state`")
    response_type = params.get("response_type")
    if not response_type:
        raise _invalid_request("Missing parameter: `response_type`")
    if response_type != "code":
        raise OAuthRefused(
            400,
            "unsupported_response_type",
            "Unsupported response type: `response_type` is not supported",
        )
    authorized = list(user.get("oauth", {}).get("authorizedClients") or [])
    if client_id not in authorized:
        rt.store.update(
            "users", user["_id"], {"oauth": {"authorizedClients": [*authorized, client_id]}}
        )
    code = secrets.token_hex(32)
    rt.store.insert(
        "oauth_auth_codes",
        {
            "_id": code,
            "authCode": code,
            "clientId": client_id,
            "userId": user["_id"],
            "expires": rt.clock.now_ms() + CODE_LIFETIME_MS,
            "redirectUri": uri,
        },
    )
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode({'code': code, 'state': state})}"


def _is_uri(value: Any) -> bool:
    """``is.uri``: a scheme, then anything."""
    if not isinstance(value, str) or ":" not in value:
        return False
    scheme = value.split(":", 1)[0]
    return bool(scheme) and scheme[0].isalpha() and all(c.isalnum() or c in "+-." for c in scheme)


def _token_client(rt: Runtime, params: Doc, basic: tuple[str, str] | None) -> Doc:
    """``TokenHandler.getClient``: credentials from Basic auth or the body, both required."""
    if basic is not None:
        client_id, client_secret = basic
    elif params.get("client_id") and params.get("client_secret"):
        client_id, client_secret = params["client_id"], params["client_secret"]
    else:
        raise OAuthRefused(
            400, "invalid_client", "Invalid client: cannot retrieve client credentials"
        )
    if not client_id:
        raise _invalid_request("Missing parameter: `client_id`")
    if not client_secret:
        raise _invalid_request("Missing parameter: `client_secret`")
    if not _vschar(client_id):
        raise _invalid_request("Invalid parameter: `client_id`")
    if not _vschar(client_secret):
        raise _invalid_request("Invalid parameter: `client_secret`")
    return _active_client(rt, client_id, client_secret)


def _issue(rt: Runtime, client_id: str, user_id: str) -> Doc:
    now = rt.clock.now_ms()
    access, refresh = secrets.token_hex(32), secrets.token_hex(32)
    rt.store.insert(
        "oauth_access_tokens",
        {
            "_id": access,
            "accessToken": access,
            "refreshToken": refresh,
            "expires": now + ACCESS_LIFETIME_S * 1000,
            "refreshTokenExpiresAt": now + REFRESH_LIFETIME_MS,
            "clientId": client_id,
            "userId": user_id,
        },
    )
    return {
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_LIFETIME_S,
        "refresh_token": refresh,
    }


def token(rt: Runtime, params: Doc, basic: tuple[str, str] | None) -> Doc:
    """``TokenHandler.handle``: the token body for an ``authorization_code`` or
    ``refresh_token`` grant."""
    client = _token_client(rt, params, basic)
    grant_type = params.get("grant_type")
    if not grant_type:
        raise _invalid_request("Missing parameter: `grant_type`")
    if not isinstance(grant_type, str) or not all(" " <= c <= "~" for c in grant_type):
        raise _invalid_request("Invalid parameter: `grant_type`")
    if grant_type not in ("authorization_code", "client_credentials", "password", *GRANTS):
        raise OAuthRefused(
            400, "unsupported_grant_type", "Unsupported grant type: `grant_type` is invalid"
        )
    if grant_type not in GRANTS:
        raise OAuthRefused(
            400, "unauthorized_client", "Unauthorized client: `grant_type` is invalid"
        )
    if grant_type == "authorization_code":
        return _code_grant(rt, client, params)
    return _refresh_grant(rt, client, params)


def _code_grant(rt: Runtime, client: Doc, params: Doc) -> Doc:
    code = params.get("code")
    if not code:
        raise _invalid_request("Missing parameter: `code`")
    if not _vschar(code):
        raise _invalid_request("Invalid parameter: `code`")
    stored = rt.store.get("oauth_auth_codes", code)
    if stored is None:
        raise _invalid_grant("Invalid grant: authorization code is invalid")
    _active_client(rt, stored["clientId"])
    if stored["clientId"] != client["clientId"]:
        raise _invalid_grant("Invalid grant: authorization code is invalid")
    if stored["expires"] < rt.clock.now_ms():
        raise _invalid_grant("Invalid grant: authorization code has expired")
    if stored.get("redirectUri"):
        redirect_uri = params.get("redirect_uri")
        if not _is_uri(redirect_uri):
            raise _invalid_request("Invalid request: `redirect_uri` is not a valid URI")
        if redirect_uri != stored["redirectUri"]:
            raise _invalid_request("Invalid request: `redirect_uri` is invalid")
    rt.store.delete("oauth_auth_codes", code)
    return _issue(rt, client["clientId"], stored["userId"])


def _refresh_grant(rt: Runtime, client: Doc, params: Doc) -> Doc:
    refresh = params.get("refresh_token")
    if not refresh:
        raise _invalid_request("Missing parameter: `refresh_token`")
    if not _vschar(refresh):
        raise _invalid_request("Invalid parameter: `refresh_token`")
    stored = rt.store.find_one("oauth_access_tokens", "refreshToken", refresh)
    if stored is None:
        raise _invalid_grant("Invalid grant: refresh token is invalid")
    _active_client(rt, stored["clientId"])
    if stored["clientId"] != client["clientId"]:
        raise _invalid_grant("Invalid grant: refresh token was issued to another client")
    if stored["refreshTokenExpiresAt"] < rt.clock.now_ms():
        raise _invalid_grant("Invalid grant: refresh token has expired")
    rt.store.delete("oauth_access_tokens", stored["_id"])
    return _issue(rt, client["clientId"], stored["userId"])


def user_for_access_token(rt: Runtime, access_token: str) -> Doc | None:
    """``oAuth2ServerAuth``: the user of an unexpired access token."""
    stored = rt.store.get("oauth_access_tokens", access_token)
    if stored is None or stored["expires"] < rt.clock.now_ms():
        return None
    user = rt.store.get("users", stored["userId"])
    return user if user is not None and user.get("active") else None
