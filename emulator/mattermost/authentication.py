"""Who a Mattermost request is: one credential parser and one session check for every door.

REST (API v4 and v1), the WebSocket upgrade and ``authentication_challenge``, the request
journal, fault targeting and the rate limiter all ask here, so a credential the API refuses
(revoked, expired, deactivated user, disabled or switched-off access token, the query string)
is refused, or names nobody, everywhere alike. Works on the WSGI environ: the journal and the
limiter run before Flask routing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from flask import g, request
from werkzeug.http import parse_cookie

from ..core.runtime import Runtime, runtime
from . import errors

Doc = dict[str, Any]

SESSION_COOKIE = "MMAUTHTOKEN"
COOKIE, HEADER, QUERY = "cookie", "header", "query"


@dataclass(frozen=True)
class Credential:
    token: str
    location: str  # COOKIE, HEADER or QUERY (``TokenLocation``)


def request_credential(environ: dict[str, Any]) -> Credential | None:
    """``ParseAuthTokenFromRequest``: the session cookie, then ``Authorization: Bearer`` or
    ``Token``, then ``?access_token=``."""
    cookies = environ.get("HTTP_COOKIE")
    if cookies and SESSION_COOKIE in cookies:
        token = parse_cookie(cookies).get(SESSION_COOKIE)
        if token:
            return Credential(token, COOKIE)
    scheme, _, value = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return Credential(value.strip(), HEADER)
    query = environ.get("QUERY_STRING", "")
    if "access_token" in query:
        # ``URL.Query().Get``: the first value counts, and an empty one is no token.
        values = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "access_token"]
        if values and values[0]:
            return Credential(values[0], QUERY)
    return None


def _access_token_session(rt: Runtime, token: str) -> Doc | None:
    access = rt.store.find_one("access_tokens", "token", token)
    config = rt.store.get("config", "config")["settings"]
    if access is None or not access["is_active"]:
        return None
    if not config["ServiceSettings"]["EnableUserAccessTokens"]:
        # Bot accounts keep their tokens when personal access tokens are off.
        user = rt.store.get("users", access["user_id"])
        if user is None or not user.get("is_bot"):
            return None
    return {
        "id": access["id"],
        "token": token,
        "user_id": access["user_id"],
        "expires_at": 0,
        "props": {},
        "is_access_token": True,
    }


def session_for_token(rt: Runtime, token: Any) -> tuple[Doc, Doc] | None:
    """(session, user) for a session or access token that is valid now, else None
    (``GetSession``): also what an ``authentication_challenge`` frame's token is checked by."""
    if not isinstance(token, str) or not token:
        return None
    session = rt.store.find_one("sessions", "token", token) or _access_token_session(rt, token)
    if session is None or (session["expires_at"] and session["expires_at"] <= rt.clock.now_ms()):
        return None
    user = rt.store.get("users", session["user_id"])
    if user is None or user["delete_at"]:
        return None
    return session, user


def authenticate(rt: Runtime, environ: dict[str, Any]) -> tuple[Doc, Doc]:
    """The request's (session, user) as ``ServeHTTP`` accepts them, or the 401 it sends."""
    credential = request_credential(environ)
    if credential is None:
        raise errors.session_expired("token not provided")
    found = session_for_token(rt, credential.token)
    if found is None:
        raise errors.session_expired("token invalid or expired, or user deactivated")
    session, user = found
    if credential.location == QUERY and not session.get("is_oauth"):
        # Only OAuth access tokens may come in the query string.
        raise errors.AppError(401, errors.TOKEN_IN_QUERY)
    if credential.location == COOKIE and environ.get("REQUEST_METHOD", "GET") != "GET":
        _check_csrf(rt, session, environ)
    return session, user


def refuse_query_token(rt: Runtime, environ: dict[str, Any]) -> None:
    """``ServeHTTP`` before any handler, whether it needs a session or not (the WebSocket upgrade
    too): a valid session token in the query string is a 401 unless it is an OAuth one."""
    credential = request_credential(environ)
    if credential is None or credential.location != QUERY:
        return
    found = session_for_token(rt, credential.token)
    if found is not None and not found[0].get("is_oauth"):
        raise errors.AppError(401, errors.TOKEN_IN_QUERY)


def identify(rt: Runtime, environ: dict[str, Any]) -> tuple[Doc, Doc] | None:
    """(session, user) when the request would authenticate, else None: never raises."""
    try:
        return authenticate(rt, environ)
    except errors.AppError:
        return None


def _check_csrf(rt: Runtime, session: Doc, environ: dict[str, Any]) -> None:
    """``checkCSRFToken``: cookie-authenticated writes carry the session's CSRF token."""
    if environ.get("HTTP_X_CSRF_TOKEN") == session["props"].get("csrf"):
        return
    config = rt.store.get("config", "config")["settings"]
    strict = config["ServiceSettings"]["ExperimentalStrictCSRFEnforcement"]
    if environ.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest" and not strict:
        return
    raise errors.session_expired("CSRF check failed")


# -- in a request (Flask) ----------------------------------------------------------------------


def current_session(rt: Runtime | None = None) -> Doc:
    """The caller's valid session, or the 401 the real server sends."""
    if "session" not in g:
        g.session, g.user = authenticate(rt or runtime(), request.environ)
    return g.session


def current_user() -> Doc:
    current_session()
    return g.user


def caller() -> tuple[Runtime, Doc]:
    """What almost every handler starts from (upstream's ``c.App`` and ``c.AppContext.Session()``):
    the runtime and the authenticated user, or the 401."""
    rt = runtime()
    return rt, current_user()
