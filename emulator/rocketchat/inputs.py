"""Reading a Rocket.Chat REST request's parameters: the body, paging, required fields, a user
named by the parameters, dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import request

from ..core import jsonbounds
from ..core.runtime import Runtime
from . import errors, jsonquery, models

Doc = dict[str, Any]

MAX_BODY_BYTES = 50 * 1024 * 1024


def body() -> Doc:
    """The request's parameters: a JSON object, or form fields."""
    if request.mimetype == "application/json" or (request.data and not request.form):
        # Nesting past the limit is refused as malformed: nothing that deep is ever stored.
        deep = jsonbounds.too_deep(request.get_data())
        parsed = None if deep else request.get_json(silent=True, force=True)
        if parsed is None and request.data:
            raise errors.failure("Invalid JSON body", errors.INVALID_BODY)
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
    offset, limit = offset_and_count(
        request.args, default, upper, bool(models.setting(rt, "API_Allow_Infinite_Count"))
    )
    return offset, limit, jsonquery.sort_param(request.args.get("sort"))


# JavaScript numbers hold integers exactly up to here; no collection is longer.
MAX_SAFE_INTEGER = 2**53 - 1
_JS_INT = re.compile(r"\s*([+-]?[0-9]+)")


def js_parse_int(raw: Any) -> int | None:
    """``parseInt(String(raw))``: the leading (signed) digits, ``1e23`` being 1; None for NaN."""
    found = _JS_INT.match(str(raw))
    return int(found.group(1)) if found else None


def offset_and_count(
    args: Any, default: int, upper: int | None = None, infinite: bool = False
) -> tuple[int, int | None]:
    """``offset``/``count`` as ``getPaginationItems`` reads them and Mongo then applies them.

    A negative offset is the database's refusal (``skip`` must be >= 0), a 400; a negative count
    is Mongo's single-batch limit of that many; 0 is every item when ``infinite``; None: all.
    """
    offset = (js_parse_int(args.get("offset")) or 0) if args.get("offset") else 0
    if offset < 0:
        raise errors.plain(f"BSON field 'skip' value must be >= 0, actual value '{offset}'")
    raw_count = args.get("count")
    count = default if raw_count is None else js_parse_int(raw_count or 0)
    count = default if count is None else abs(count)
    if upper is not None and count > upper:
        count = upper
    if count == 0:
        return min(offset, MAX_SAFE_INTEGER), None if infinite else default
    return min(offset, MAX_SAFE_INTEGER), count


# -- required fields ------------------------------------------------------------------------


def required_text(params: Doc, name: str, message: str, code: str | None = None) -> str:
    """``params[name]`` if a non-empty string, else the route's refusal of it as missing:
    ``"<message> [<code>]"`` (a Meteor error) with a ``code``, else a plain ``message``."""
    value = params.get(name)
    if isinstance(value, str) and value:
        return value
    raise errors.meteor_error(code, message) if code else errors.plain(message)


def require_fields(params: Doc, names: tuple[str, ...]) -> None:
    """The ajv ``required`` check of validated routes."""
    for name in names:
        if name not in params:
            raise errors.invalid_params(f"must have required property '{name}'")


# -- users from parameters --------------------------------------------------------------------


def user_from_params(rt: Runtime, params: Doc) -> Doc:
    """``getUserFromParams``: ``userId``, else ``username``, else ``user``; 400 otherwise."""

    def given(name: str) -> str:
        value = params.get(name)
        return value if isinstance(value, str) and value.strip() else ""

    if given("userId"):
        user = rt.store.get("users", params["userId"])
    elif given("username") or given("user"):
        user = models.find_user_by_username(rt, given("username") or given("user"))
    else:
        raise errors.meteor_error(errors.MISSING_USER_PARAM, errors.USER_PARAM_NOT_PROVIDED)
    if user is None:
        raise errors.meteor_error(errors.INVALID_USER, errors.USER_PARAM_NO_MATCH)
    return user


def is_user_from_params(params: Doc, me: Doc) -> bool:
    """``isUserFromParams``: no user named, or the caller named by id or username."""
    user_id, username, user = params.get("userId"), params.get("username"), params.get("user")
    return bool(
        (not user_id and not username and not user)
        or (user_id and user_id == me["_id"])
        or (username and username == me["username"])
        or (user and user == me["username"])
    )


# -- dates ------------------------------------------------------------------------------------


def date_param(raw: str | None, code: str, reason: str) -> int | None:
    """An ISO date query parameter as epoch ms, or the route's own 400."""
    if raw is None:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise errors.meteor_error(code, reason) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)
