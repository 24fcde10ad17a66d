"""Mattermost as an OAuth 2.0 service provider: apps, authorization codes, access tokens.

As ``app/oauth.go`` and ``model/oauth.go``, ``authorize.go``, ``access.go``: confidential apps
(a client secret) and public ones (none, PKCE required), the authorization-code grant (PKCE S256
where the client started it) and the refresh-token grant for confidential apps, the implicit
grant; an access token is a session with ``is_oauth`` lasting ``SessionLengthSSOInHours``, the
user's consent a preference in category ``oauth_app``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import errors
from .common import Doc, setting
from .integrations import is_http_url
from .sessions import create_session, revoke_session

AUTHORIZED_CATEGORY = "oauth_app"
DEFAULT_SCOPE = "user"
CODE_LIFETIME_MS = 10 * 60 * 1000
_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]+$")


def oauth_enabled(rt: Runtime) -> bool:
    return bool(setting(rt, "ServiceSettings", "EnableOAuthServiceProvider", True))


def require_oauth(rt: Runtime, error_id: str = errors.OAUTH_TURNED_OFF) -> None:
    """Every operation's first check: the provider switched off is the real 501."""
    if not oauth_enabled(rt):
        raise errors.AppError(501, error_id)


# -- apps -------------------------------------------------------------------------------------


def is_public(app: Doc) -> bool:
    return not app["client_secret"]


def _validate_app(app: Doc) -> None:
    """``OAuthApp.IsValid``, after ``PreSave``/``PreUpdate``."""

    def invalid(error_id: str) -> errors.AppError:
        return errors.AppError(400, error_id, f"app_id={app['id']}")

    if not app["name"] or len(app["name"]) > 64:
        raise invalid(errors.OAUTH_APP_NAME_INVALID)
    urls = app["callback_urls"]
    if not urls or len(" ".join(urls)) + 2 > 1024 or not all(is_http_url(u) for u in urls):
        raise invalid(errors.OAUTH_APP_CALLBACK_INVALID)
    homepage = app["homepage"]
    if not homepage or len(homepage) > 256 or not is_http_url(homepage):
        raise invalid(errors.OAUTH_APP_HOMEPAGE_INVALID)
    if len(app["description"]) > 512:
        raise invalid(errors.OAUTH_APP_DESCRIPTION_INVALID)
    if app["icon_url"] and (len(app["icon_url"]) > 512 or not is_http_url(app["icon_url"])):
        raise invalid(errors.OAUTH_APP_ICON_URL_INVALID)
    if len(app["mattermost_app_id"]) > 32:
        raise invalid(errors.OAUTH_APP_MATTERMOST_APP_ID_INVALID)


APP_FIELDS = {
    "name": "",
    "description": "",
    "icon_url": "",
    "callback_urls": (),  # never stored empty: IsValid wants at least one
    "homepage": "",
    "is_trusted": False,
    "mattermost_app_id": "",
}


def create_app(rt: Runtime, creator_id: str, fields: Doc, public: bool = False) -> Doc:
    """``CreateOAuthAppInternal``: a confidential app gets a client secret, a public one none."""
    require_oauth(rt, errors.OAUTH_REGISTER_TURNED_OFF)
    now = rt.clock.now_ms()
    app = {
        "id": rt.ids.mattermost_id(),
        "creator_id": creator_id,
        "create_at": now,
        "update_at": now,
        "client_secret": "" if public else rt.ids.mattermost_id(),
        **{k: fields.get(k, default) for k, default in APP_FIELDS.items()},
    }
    _validate_app(app)
    rt.store.insert("oauth_apps", app)
    return app


def get_app(rt: Runtime, app_id: str) -> Doc:
    require_oauth(rt)
    app = rt.store.get("oauth_apps", app_id)
    if app is None:
        raise errors.AppError(404, errors.OAUTH_APP_NOT_FOUND)
    return app


def update_app(rt: Runtime, old: Doc, fields: Doc) -> Doc:
    """``UpdateOAuthApp``: id, creator, creation time and secret stay the old app's."""
    require_oauth(rt)
    changes = {k: fields.get(k, default) for k, default in APP_FIELDS.items()}
    changes["update_at"] = rt.clock.now_ms()
    _validate_app({**old, **changes})
    return rt.store.update("oauth_apps", old["id"], changes)


def delete_app(rt: Runtime, app_id: str) -> None:
    """``DeleteApp``: the app, its access tokens and their sessions."""
    require_oauth(rt)
    with rt.store.transaction():
        for access in rt.store.find("oauth_access_data", "client_id", app_id):
            _end_access(rt, access)
        for data in rt.store.find("oauth_auth_data", "client_id", app_id):
            rt.store.delete("oauth_auth_data", data["code"])
        # Consents stay behind, as upstream: the authorized-apps list skips deleted apps.
        rt.store.delete("oauth_apps", app_id)


def regenerate_secret(rt: Runtime, app: Doc) -> Doc:
    require_oauth(rt)
    if is_public(app):
        raise errors.AppError(400, errors.OAUTH_REGEN_PUBLIC)
    return rt.store.update("oauth_apps", app["id"], {"client_secret": rt.ids.mattermost_id()})


def list_apps(rt: Runtime, creator_id: str | None, page: int, per_page: int) -> list[Doc]:
    """All apps, or a creator's, oldest first, a page of them."""
    require_oauth(rt)
    apps = (
        rt.store.all("oauth_apps")
        if creator_id is None
        else rt.store.find("oauth_apps", "creator_id", creator_id)
    )
    apps.sort(key=lambda a: (a["create_at"], a["id"]))
    return apps[page * per_page : (page + 1) * per_page]


def authorized_apps(rt: Runtime, user_id: str, page: int, per_page: int) -> list[Doc]:
    """``GetAuthorizedApps``: the apps the user consented to, by name."""
    require_oauth(rt)
    consents = rt.store.find("preferences", "category", f"{user_id}:{AUTHORIZED_CATEGORY}")
    apps = [rt.store.get("oauth_apps", p["name"]) for p in consents]
    found = sorted((a for a in apps if a is not None), key=lambda a: a["name"])
    return found[page * per_page : (page + 1) * per_page]


def consented(rt: Runtime, user_id: str, app_id: str) -> bool:
    return rt.store.get("preferences", f"{user_id}:{AUTHORIZED_CATEGORY}:{app_id}") is not None


# -- authorization ------------------------------------------------------------------------------


def check_authorize_request(request: Doc) -> None:
    """``AuthorizeRequest.IsValid``."""
    client_id = request["client_id"]

    def invalid(error_id: str) -> errors.AppError:
        return errors.AppError(400, error_id, f"client_id={client_id}" if client_id else "")

    if not is_mattermost_id(client_id):
        raise errors.AppError(400, errors.AUTHORIZE_CLIENT_ID_INVALID)
    if not request["response_type"]:
        raise errors.AppError(400, errors.AUTHORIZE_RESPONSE_TYPE_INVALID)
    redirect = request["redirect_uri"]
    if not redirect or len(redirect) > 256 or not is_http_url(redirect):
        raise invalid(errors.AUTHORIZE_REDIRECT_URI_INVALID)
    if len(request["state"]) > 1024:
        raise invalid(errors.AUTHORIZE_STATE_INVALID)
    if len(request["scope"]) > 128:
        raise invalid(errors.AUTHORIZE_SCOPE_INVALID)
    challenge, method = request["code_challenge"], request["code_challenge_method"]
    if challenge or method:
        if not challenge:
            raise invalid(errors.PKCE_CHALLENGE_REQUIRED)
        if not method:
            raise invalid(errors.PKCE_METHOD_REQUIRED)
        if method != "S256":
            raise invalid(errors.PKCE_METHOD_UNSUPPORTED)
        if not 43 <= len(challenge) <= 128:
            raise invalid(errors.PKCE_CHALLENGE_LENGTH)
        if not _CHALLENGE_RE.match(challenge):
            raise invalid(errors.PKCE_CHALLENGE_FORMAT)


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update(params)
    return urlunsplit(parts._replace(query=urlencode(sorted(query.items()))))


def allow_access(rt: Runtime, user: Doc, request: Doc) -> str:
    """``AllowOAuthAppAccessToUser``: where to send the browser back to, with a code (or, for
    ``response_type=token``, the access token in the fragment); records the consent."""
    require_oauth(rt)
    scope = request["scope"] or DEFAULT_SCOPE
    app = rt.store.get("oauth_apps", request["client_id"])
    if app is None:
        raise errors.AppError(404, errors.OAUTH_APP_NOT_FOUND)
    redirect = request["redirect_uri"]
    if redirect not in app["callback_urls"]:
        raise errors.AppError(400, errors.OAUTH_REDIRECT_MISMATCH)
    if is_public(app) and request["response_type"] == "code" and not request["code_challenge"]:
        raise errors.AppError(400, errors.OAUTH_PKCE_REQUIRED_PUBLIC)
    state = request["state"]
    if request["response_type"] == "code":
        code = rt.ids.mattermost_id() + rt.ids.mattermost_id()
        rt.store.insert(
            "oauth_auth_data",
            {
                "code": code,
                "client_id": app["id"],
                "user_id": user["id"],
                "create_at": rt.clock.now_ms(),
                "expires_in": CODE_LIFETIME_MS // 1000,
                "redirect_uri": redirect,
                "state": state,
                "scope": scope,
                "code_challenge": request["code_challenge"],
                "code_challenge_method": request["code_challenge_method"],
            },
        )
        target = _with_query(redirect, {"code": code, "state": state})
    elif request["response_type"] == "token":
        session = _new_session(rt, app, user)
        _save_access(rt, app, user, session, "", redirect, scope)
        expires_in = (session["expires_at"] - rt.clock.now_ms()) // 1000
        fragment = {
            "access_token": session["token"],
            "token_type": "bearer",
            "expires_in": str(expires_in),
            "scope": scope,
            "state": state,
        }
        target = f"{redirect}#{urlencode(sorted(fragment.items()))}"
    else:
        return f"{redirect}?error=unsupported_response_type&state={state}"
    # The consent, which later visits of the authorize page skip to.
    rt.store.upsert(
        "preferences",
        {
            "id": f"{user['id']}:{AUTHORIZED_CATEGORY}:{app['id']}",
            "user_id": user["id"],
            "category": AUTHORIZED_CATEGORY,
            "name": app["id"],
            "value": scope,
        },
    )
    return target


# -- tokens -------------------------------------------------------------------------------------


def _new_session(rt: Runtime, app: Doc, user: Doc) -> Doc:
    hours = setting(rt, "ServiceSettings", "SessionLengthSSOInHours", 720)
    props = {
        "platform": app["name"],
        "oauth_app_id": app["id"],
        "mattermost_app_id": app["mattermost_app_id"],
        "os": "OAuth2",
        "browser": "OAuth2",
    }
    return create_session(rt, user, is_oauth=True, length_hours=hours, props=props)


def _save_access(
    rt: Runtime, app: Doc, user: Doc, session: Doc, refresh: str, redirect: str, scope: str
) -> Doc:
    access = {
        "token": session["token"],
        "client_id": app["id"],
        "user_id": user["id"],
        "refresh_token": refresh,
        "redirect_uri": redirect,
        "expires_at": session["expires_at"],
        "scope": scope,
    }
    rt.store.insert("oauth_access_data", access)
    return access


def _end_access(rt: Runtime, access: Doc) -> None:
    session = rt.store.find_one("sessions", "token", access["token"])
    if session is not None:
        revoke_session(rt, session["id"])
    rt.store.delete("oauth_access_data", access["token"])


def _response(rt: Runtime, app: Doc, access: Doc, fresh: bool) -> Doc:
    """``AccessResponse``: ``scope`` and ``id_token`` always present and empty, as upstream."""
    hours = setting(rt, "ServiceSettings", "SessionLengthSSOInHours", 720)
    expires_in = hours * 3600 if fresh else (access["expires_at"] - rt.clock.now_ms()) // 1000
    return {
        "access_token": access["token"],
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": "",
        "refresh_token": "" if is_public(app) else access["refresh_token"],
        "id_token": "",
    }


def _renew(rt: Runtime, app: Doc, access: Doc, user: Doc) -> Doc:
    """``newSessionUpdateToken``: the old session goes, a new one (and refresh token) comes."""
    old = rt.store.find_one("sessions", "token", access["token"])
    if old is not None:
        revoke_session(rt, old["id"])
    rt.store.delete("oauth_access_data", access["token"])
    session = _new_session(rt, app, user)
    refresh = "" if is_public(app) else rt.ids.mattermost_id()
    renewed = _save_access(rt, app, user, session, refresh, access["redirect_uri"], access["scope"])
    return _response(rt, app, renewed, fresh=True)


def _check_client(app: Doc, grant_type: str, secret: str, verifier: str) -> None:
    """``OAuthApp.ValidateForGrantType``."""
    detail = f"app_id={app['id']}"
    if is_public(app):
        if secret:
            raise errors.AppError(400, errors.OAUTH_PUBLIC_CLIENT_SECRET, detail)
        if grant_type == "refresh_token":
            raise errors.AppError(400, errors.OAUTH_PUBLIC_CLIENT_REFRESH, detail)
        if grant_type == "authorization_code" and not verifier:
            raise errors.AppError(400, errors.OAUTH_PKCE_REQUIRED, detail)
    elif not hmac.compare_digest(app["client_secret"].encode(), secret.encode()):
        raise errors.AppError(401, errors.OAUTH_BAD_CREDENTIALS, detail)


def _verify_pkce(data: Doc, verifier: str) -> bool:
    if not 43 <= len(verifier) <= 128 or not _VERIFIER_RE.match(verifier):
        return False
    digest = hashlib.sha256(verifier.encode()).digest()
    expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return hmac.compare_digest(expected, data["code_challenge"])


def _check_pkce(app: Doc, data: Doc, verifier: str) -> None:
    """``AuthData.ValidatePKCEForClientType``."""
    detail = f"client_id={data['client_id']}"
    if is_public(app) and not data["code_challenge"]:
        raise errors.AppError(400, errors.PKCE_PUBLIC_CLIENT_REQUIRED, detail)
    if data["code_challenge"]:
        if not verifier:
            raise errors.AppError(400, errors.PKCE_VERIFIER_REQUIRED, detail)
        if not _verify_pkce(data, verifier):
            raise errors.AppError(400, errors.PKCE_VERIFICATION_FAILED, detail)
    elif verifier:
        raise errors.AppError(400, errors.PKCE_NOT_USED, detail)


def exchange(rt: Runtime, form: dict[str, str]) -> Doc:
    """``GetOAuthAccessTokenForCodeFlow``: an ``AccessResponse`` for an authorization code or a
    refresh token."""
    require_oauth(rt, errors.OAUTH_TOKEN_DISABLED)
    app = rt.store.get("oauth_apps", form["client_id"])
    if app is None:
        raise errors.AppError(404, errors.OAUTH_BAD_CLIENT)
    grant_type = form["grant_type"]
    _check_client(app, grant_type, form["client_secret"], form["code_verifier"])
    if grant_type == "authorization_code":
        return _exchange_code(rt, app, form)
    access = rt.store.find_one("oauth_access_data", "refresh_token", form["refresh_token"])
    if access is None or access["client_id"] != app["id"]:
        raise errors.AppError(404, errors.OAUTH_BAD_REFRESH_TOKEN)
    user = rt.store.get("users", access["user_id"])
    if user is None:
        raise errors.AppError(404, errors.OAUTH_INTERNAL_USER)
    return _renew(rt, app, access, user)


def _exchange_code(rt: Runtime, app: Doc, form: dict[str, str]) -> Doc:
    data = rt.store.get("oauth_auth_data", form["code"])
    if data is None or data["client_id"] != app["id"]:
        raise errors.AppError(400, errors.OAUTH_EXPIRED_CODE)
    if rt.clock.now_ms() > data["create_at"] + data["expires_in"] * 1000:
        rt.store.delete("oauth_auth_data", data["code"])
        raise errors.AppError(403, errors.OAUTH_EXPIRED_CODE)
    if data["redirect_uri"] != form["redirect_uri"]:
        raise errors.AppError(400, errors.OAUTH_REDIRECT_URI_MISMATCH)
    _check_pkce(app, data, form["code_verifier"])
    user = rt.store.get("users", data["user_id"])
    if user is None:
        raise errors.AppError(404, errors.OAUTH_INTERNAL_USER)
    if user["delete_at"]:
        raise errors.AppError(403, errors.OAUTH_EXPIRED_CODE)
    # From here the code is spent, whatever happens next.
    rt.store.delete("oauth_auth_data", data["code"])
    previous = [
        a
        for a in rt.store.find("oauth_access_data", "user_id", user["id"])
        if a["client_id"] == app["id"]
    ]
    if previous:
        access = previous[0]
        if access["expires_at"] and rt.clock.now_ms() > access["expires_at"]:
            return _renew(rt, app, access, user)
        # A live token for this user and app is handed out again.
        return _response(rt, app, access, fresh=False)
    session = _new_session(rt, app, user)
    refresh = "" if is_public(app) else rt.ids.mattermost_id()
    access = _save_access(rt, app, user, session, refresh, form["redirect_uri"], data["scope"])
    return _response(rt, app, access, fresh=True)


def deauthorize(rt: Runtime, user_id: str, app_id: str) -> None:
    """``DeauthorizeOAuthAppForUser``: the user's tokens for the app end, its unused codes go,
    and so does the consent."""
    require_oauth(rt)
    with rt.store.transaction():
        for access in rt.store.find("oauth_access_data", "user_id", user_id):
            if access["client_id"] == app_id:
                _end_access(rt, access)
        for data in rt.store.find("oauth_auth_data", "client_id", app_id):
            if data["user_id"] == user_id:
                rt.store.delete("oauth_auth_data", data["code"])
        rt.store.delete("preferences", f"{user_id}:{AUTHORIZED_CATEGORY}:{app_id}")


def app_fields(body: Doc) -> dict[str, Any]:
    """The settable fields of an ``OAuthApp`` body (the rest is the server's)."""
    return {k: body[k] for k in APP_FIELDS if k in body and body[k] is not None}


# -- authorization server metadata (RFC 8414) ---------------------------------------------------


def server_metadata(rt: Runtime, site_url: str) -> Doc:
    """``GetAuthorizationServerMetadata`` for the site at ``site_url`` (no registration endpoint:
    dynamic client registration is not served)."""
    require_oauth(rt, errors.OAUTH_METADATA_DISABLED)
    base = site_url.rstrip("/")
    return {
        "issuer": site_url,
        "authorization_endpoint": base + "/oauth/authorize",
        "token_endpoint": base + "/oauth/access_token",
        "response_types_supported": ["code"],
        "scopes_supported": [DEFAULT_SCOPE],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
    }
