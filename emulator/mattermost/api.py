"""Request plumbing of the Mattermost app: headers, ids, authentication and body parsing."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, g, request

from ..core.ids import is_mattermost_id
from ..core.jsonbounds import too_deep
from ..core.runtime import Runtime, runtime
from . import errors, settings

Doc = dict[str, Any]

MAX_BODY_BYTES = 50 * 1024 * 1024


def install(app: Flask) -> None:
    # Also bounds bodies of unknown length (chunked): reading past it raises the 413.
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.before_request(_begin)
    app.after_request(_headers)
    app.register_error_handler(errors.AppError, errors.to_response)


def _begin() -> None:
    g.request_id = runtime().ids.mattermost_token()
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        raise errors.AppError(413, "api.context.request_body_too_large.app_error")


def _headers(response: Response) -> Response:
    response.headers["X-Request-Id"] = g.get("request_id", "")
    response.headers["X-Version-Id"] = settings.VERSION_ID
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = ""
    if request.method == "GET":
        response.headers["Expires"] = "0"
    return response


# -- authentication ---------------------------------------------------------------------------


def _token_from_request() -> tuple[str | None, bool]:
    """(token, came_from_cookie), in the order ``ParseAuthTokenFromRequest`` looks."""
    cookie = request.cookies.get("MMAUTHTOKEN")
    if cookie:
        return cookie, True
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() in ("bearer", "token") and value.strip():
        return value.strip(), False
    return None, False


def current_session(rt: Runtime | None = None) -> Doc:
    """The caller's valid session, or the 401 the real server sends."""
    if "session" in g:
        return g.session
    rt = rt or runtime()
    token, from_cookie = _token_from_request()
    if not token:
        raise errors.session_expired("token not provided")
    found = session_for_token(rt, token)
    if found is None:
        raise errors.session_expired("token invalid or expired, or user deactivated")
    session, user = found
    if from_cookie and request.method != "GET":
        _check_csrf(rt, session)
    g.session, g.user = session, user
    return session


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
    """(session, user) for a session or access token that is valid now, else None: the one rule
    for who a token is (REST, WebSocket, and the journal, faults and limiter via identity)."""
    if not isinstance(token, str) or not token:
        return None
    session = rt.store.find_one("sessions", "token", token) or _access_token_session(rt, token)
    if session is None or (session["expires_at"] and session["expires_at"] <= rt.clock.now_ms()):
        return None
    user = rt.store.get("users", session["user_id"])
    if user is None or user["delete_at"]:
        return None
    return session, user


def _check_csrf(rt: Runtime, session: Doc) -> None:
    if request.headers.get("X-CSRF-Token") == session["props"].get("csrf"):
        return
    config = rt.store.get("config", "config")["settings"]
    strict = config["ServiceSettings"]["ExperimentalStrictCSRFEnforcement"]
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" and not strict:
        return
    raise errors.session_expired("CSRF check failed")


def current_user() -> Doc:
    current_session()
    return g.user


def user_id_param(raw: str) -> str:
    """``me`` stands for the caller; anything else must look like an id."""
    if raw == "me":
        return current_user()["id"]
    if not is_mattermost_id(raw):
        raise errors.invalid_url_param("user_id")
    return raw


def id_param(raw: str, name: str) -> str:
    """A URL id segment; anything that does not look like an id is the real 400."""
    if not is_mattermost_id(raw):
        raise errors.invalid_url_param(name)
    return raw


INT64_MAX = 2**63 - 1
PER_PAGE_MAX = 200
_GO_INT = re.compile(r"[+-]?[0-9]+")


def go_atoi(raw: str | None) -> int | None:
    """``strconv.Atoi`` on a 64-bit server: a signed run of ASCII digits within int64, else None.

    ``1e23``, ``1_000``, ``٣`` and anything past int64 are errors there: the default applies."""
    if raw is None or not _GO_INT.fullmatch(raw):
        return None
    value = int(raw)
    return value if -INT64_MAX - 1 <= value <= INT64_MAX else None


def paging(default_per_page: int = 60) -> tuple[int, int]:
    """``page``/``per_page`` as ``web/params.go`` reads them: (page, per_page).

    Nothing is refused: a bad or negative page is 0, a bad or negative per_page the default, and
    a per_page over 200 is 200."""
    page = go_atoi(request.args.get("page"))
    per_page = go_atoi(request.args.get("per_page"))
    page = 0 if page is None or page < 0 else page
    per_page = default_per_page if per_page is None or per_page < 0 else per_page
    per_page = min(per_page, PER_PAGE_MAX)
    # The server's offset is an int64 product: no page past it holds anything.
    return min(page, INT64_MAX // max(per_page, 1) - 1), per_page


def limit_param(name: str, default: int = 60, maximum: int = PER_PAGE_MAX) -> int:
    """``limit_before``/``limit_after`` and the like, read as ``web/params.go`` reads them."""
    value = go_atoi(request.args.get(name))
    return default if value is None or value < 0 else min(value, maximum)


def bool_arg(name: str) -> bool:
    """A boolean query parameter as Go's ``strconv.ParseBool`` reads it (bad values: false)."""
    return request.args.get(name, "") in ("1", "t", "T", "TRUE", "true", "True")


# -- bodies -----------------------------------------------------------------------------------


def json_body(required: bool = True) -> Any:
    # Nesting past the limit is refused as malformed: nothing that deep is ever stored.
    body = None if too_deep(request.get_data()) else request.get_json(silent=True, force=True)
    if body is None and required:
        raise errors.AppError(
            400,
            "api.context.invalid_body_param.app_error",
            "malformed or missing JSON",
            Name="body",
        )
    return body


def json_object(name: str = "body") -> Doc:
    body = json_body()
    if not isinstance(body, dict):
        raise errors.invalid_body_param(name)
    return body
