"""Who a Rocket.Chat request is: the one rule from credentials to a user, for every door.

REST v1, the legacy API, ``/api/info``, file downloads, the journal, fault targeting and the
limiter all call :func:`authenticate`, so a removed or expired token, or a deactivated user's,
is nobody everywhere (``models.user_for_token`` holds the token rule).
"""

from __future__ import annotations

from typing import Any, NamedTuple
from urllib.parse import parse_qs

from flask import g, request
from werkzeug.http import parse_cookie

from ..core.runtime import Runtime, runtime
from . import errors, models
from .models import oauth_apps

Doc = dict[str, Any]


class Caller(NamedTuple):
    user: Doc
    token: str


def _reads_cookies(path: str) -> bool:
    # REST v1 and file downloads also take the ``rc_uid``/``rc_token`` cookies the web client
    # sets; Restivus (the legacy ``/api/<action>``) and ``/api/info`` read the headers only.
    return path.startswith(("/api/v1/", "/file-upload/"))


def _reads_query(path: str) -> bool:
    # ``FileUpload.requestCanAccessFiles`` also takes ``?rc_uid=&rc_token=`` (links in e-mails).
    return path.startswith("/file-upload/")


def credentials(environ: dict[str, Any]) -> tuple[str | None, str | None]:
    """(user id, token) as the door the request's path reaches reads them: ``X-User-Id`` /
    ``X-Auth-Token``, each else its ``rc_uid``/``rc_token`` cookie, else its query parameter."""
    path = environ.get("PATH_INFO", "")
    user_id = environ.get("HTTP_X_USER_ID") or None
    token = environ.get("HTTP_X_AUTH_TOKEN") or None
    if (
        (not user_id or not token)
        and _reads_cookies(path)
        and "rc_" in environ.get("HTTP_COOKIE", "")
    ):
        cookies = parse_cookie(environ["HTTP_COOKIE"])
        user_id, token = user_id or cookies.get("rc_uid"), token or cookies.get("rc_token")
    if (not user_id or not token) and _reads_query(path):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        user_id = user_id or next(iter(query.get("rc_uid", [])), None)
        token = token or next(iter(query.get("rc_token", [])), None)
    return user_id, token


def _oauth_caller(rt: Runtime, environ: dict[str, Any]) -> Caller | None:
    """REST v1's other auth method (``oauth2-server.ts``): an OAuth access token as
    ``Authorization: Bearer <token>`` or ``?access_token=``."""
    if not environ.get("PATH_INFO", "").startswith("/api/v1/"):
        return None
    token = environ.get("HTTP_AUTHORIZATION", "").replace("Bearer ", "", 1) or None
    if token is None:
        token = next(iter(parse_qs(environ.get("QUERY_STRING", "")).get("access_token", [])), None)
    user = oauth_apps.user_for_access_token(rt, token) if token else None
    return Caller(user, token) if user is not None and token else None


def authenticate(rt: Runtime, environ: dict[str, Any]) -> Caller | None:
    """The caller and the token it used, or None for no, a removed or an expired token, or a
    deactivated user's."""
    user_id, token = credentials(environ)
    if not user_id or not token:
        return _oauth_caller(rt, environ)
    user = models.user_for_token(rt, user_id, token)
    return Caller(user, token) if user is not None else None


def current_user(rt: Runtime | None = None) -> Doc:
    """The REST caller, or the real 401; remembered for the request (with its token)."""
    if "user" in g:
        return g.user
    caller = authenticate(rt or runtime(), request.environ)
    if caller is None:
        raise errors.unauthorized()
    g.user, g.auth_token = caller
    return caller.user


def runtime_and_user() -> tuple[Runtime, Doc]:
    """What nearly every REST handler starts with: the runtime and the caller (else 401)."""
    rt = runtime()
    return rt, current_user(rt)


def require_permission(permission: str, room_id: str | None = None) -> Doc:
    """The REST caller if it holds ``permission`` (in ``room_id`` when given), else 403."""
    rt, user = runtime_and_user()
    if not models.has_permission(rt, user, permission, room_id):
        raise errors.forbidden()
    return user
