"""Request plumbing of the Rocket.Chat app: authentication, body parsing, pagination."""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, g, request

from ..core.pagination import int_param
from ..core.runtime import Runtime, runtime
from . import errors, models

Doc = dict[str, Any]


def install(app: Flask) -> None:
    app.register_error_handler(errors.RocketError, errors.to_response)


def current_user(rt: Runtime | None = None) -> Doc:
    """The caller, authenticated by ``X-User-Id`` + ``X-Auth-Token``, or the real 401."""
    if "user" in g:
        return g.user
    rt = rt or runtime()
    user_id = request.headers.get("X-User-Id") or request.cookies.get("rc_uid")
    token = request.headers.get("X-Auth-Token") or request.cookies.get("rc_token")
    if not user_id or not token:
        raise errors.unauthorized()
    user = models.user_for_token(rt, user_id, token)
    if user is None:
        raise errors.unauthorized()
    g.user, g.auth_token = user, token
    return user


def require_permission(permission: str, room_id: str | None = None) -> Doc:
    rt = runtime()
    user = current_user(rt)
    if not models.has_permission(rt, user, permission, room_id):
        raise errors.forbidden()
    return user


def body() -> Doc:
    """The request's parameters: a JSON object, or form fields."""
    if request.mimetype == "application/json" or (request.data and not request.form):
        parsed = request.get_json(silent=True, force=True)
        if parsed is None and request.data:
            raise errors.failure("Invalid JSON body", "error-invalid-body")
        if parsed is None:
            return {}
        if not isinstance(parsed, dict):
            raise errors.invalid_params("must be object")
        return parsed
    return request.form.to_dict()


def pagination(rt: Runtime) -> tuple[int, int | None, Doc | None]:
    """(offset, count, sort) per ``getPaginationItems`` and ``parseJsonQuery``."""
    default = models.setting(rt, "API_Default_Count")
    upper = models.setting(rt, "API_Upper_Count_Limit")
    offset = max(int_param(request.args, "offset", 0), 0)
    count = int_param(request.args, "count", default)
    if count == 0 and models.setting(rt, "API_Allow_Infinite_Count"):
        limit = None
    else:
        limit = min(count if count > 0 else default, upper)
    sort = None
    raw_sort = request.args.get("sort")
    if raw_sort:
        try:
            sort = json.loads(raw_sort)
        except ValueError:
            sort = None
        if not isinstance(sort, dict) or not all(v in (1, -1) for v in sort.values()):
            raise errors.meteor_error("error-invalid-sort", "Invalid sort parameter provided")
    return offset, limit, sort
