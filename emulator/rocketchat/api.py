"""Request plumbing of the Rocket.Chat app: authentication, body parsing, pagination."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, after_this_request, g, request

from ..core import jsonbounds
from ..core.runtime import Runtime, runtime
from . import errors, identity, models

Doc = dict[str, Any]

MAX_BODY_BYTES = 50 * 1024 * 1024


def install(app: Flask) -> None:
    # Declared or chunked, a body past this is refused with 413 as soon as it is passed.
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.register_error_handler(errors.RocketError, errors.to_response)


def current_user(rt: Runtime | None = None) -> Doc:
    """The caller, authenticated by ``X-User-Id`` + ``X-Auth-Token``, or the real 401."""
    if "user" in g:
        return g.user
    rt = rt or runtime()
    # The same credentials and rule as the journal, fault targeting and limiter (identity).
    user_id, token = identity.credentials(request.environ)
    user = models.user_for_token(rt, user_id, token) if user_id and token else None
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
        # Nesting past the limit is refused as malformed: nothing that deep is ever stored.
        deep = jsonbounds.too_deep(request.get_data())
        parsed = None if deep else request.get_json(silent=True, force=True)
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
    offset, limit = offset_and_count(
        request.args, default, upper, bool(models.setting(rt, "API_Allow_Infinite_Count"))
    )
    sort = None
    raw_sort = request.args.get("sort")
    if raw_sort:
        try:
            sort = jsonbounds.loads(raw_sort)
        except ValueError:
            sort = None
        if not isinstance(sort, dict) or not all(v in (1, -1) for v in sort.values()):
            raise errors.meteor_error("error-invalid-sort", "Invalid sort parameter provided")
    return offset, limit, sort


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


# -- parameters -------------------------------------------------------------------------------


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
        raise errors.meteor_error("error-user-param-not-provided", errors.USER_PARAM_NOT_PROVIDED)
    if user is None:
        raise errors.meteor_error("error-invalid-user", errors.USER_PARAM_NO_MATCH)
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


# -- query / fields (``parseJsonQuery``) ------------------------------------------------------

QUERY_OPERATORS = frozenset({"$or", "$and", "$regex", "$options", "$in", "$date"})
# Never queryable nor selectable (``API.v1.defaultFieldsToExclude`` and the users.* limits).
HIDDEN_FIELDS = frozenset({"joinCode", "members", "importIds", "e2e", "services"})
LIMITED_USER_FIELDS = frozenset(
    {
        "avatarOrigin",
        "emails",
        "phone",
        "statusConnection",
        "createdAt",
        "lastLogin",
        "requirePasswordChange",
        "requirePasswordChangeReason",
        "roles",
        "statusDefault",
        "_updatedAt",
        "settings",
        "inactiveReason",
    }
)
PRIVILEGED_LIMITED_USER_FIELDS = frozenset({"services"})


def unsafe_query_params_allowed(rt: Runtime) -> bool:
    return rt.config.environ.get("ALLOW_UNSAFE_QUERY_AND_FIELDS_API_PARAMS", "").upper() == "TRUE"


def _deprecate_parameter(version: str, message: str) -> None:
    @after_this_request
    def add_headers(response: Response) -> Response:
        response.headers["x-deprecation-type"] = "parameter-deprecation"
        response.headers["x-deprecation-message"] = message
        response.headers["x-deprecation-version"] = version
        return response


def hidden_user_fields(rt: Runtime, user: Doc | None) -> frozenset[str]:
    """The user fields a caller never sees in ``users.*`` answers (``parseJsonQuery``)."""
    privileged = user is not None and models.has_permission(rt, user, "view-full-other-user-info")
    return HIDDEN_FIELDS | (PRIVILEGED_LIMITED_USER_FIELDS if privileged else LIMITED_USER_FIELDS)


def json_query(rt: Runtime, user: Doc | None = None) -> tuple[Doc, Doc]:
    """(query, fields) from ``query``/``fields``: honoured only when the environment allows it.

    Fields hidden from the caller are dropped from both, as the real helper does.
    """
    if not unsafe_query_params_allowed(rt):
        return {}, {}
    route = request.path
    hidden = hidden_user_fields(rt, user) if "/v1/users." in route else HIDDEN_FIELDS
    fields: Doc = {}
    raw_fields = request.args.get("fields")
    if raw_fields:
        _deprecate_parameter(
            "7.0.0",
            f'The parameter "fields" in the endpoint "{route}" is deprecated and will be '
            "removed on version 7.0.0",
        )
        try:
            fields = jsonbounds.loads(raw_fields)
            if not isinstance(fields, dict) or any(v not in (0, 1) for v in fields.values()):
                raise ValueError(raw_fields)
        except ValueError:
            raise errors.meteor_error(
                "error-invalid-fields",
                f'Invalid fields parameter provided: "{raw_fields}"',
                {"helperMethod": "parseJsonQuery"},
            ) from None
        fields = {k: v for k, v in fields.items() if k.split(".")[0] not in hidden}
    query: Doc = {}
    raw_query = request.args.get("query")
    if raw_query:
        _deprecate_parameter(
            "8.0.0",
            f'The usage of the "query" parameter in endpoint "{route}" breaks the security of the '
            "API and can lead to data exposure. It has been deprecated and will be removed in the "
            "version 8.0.0.",
        )
        try:
            query = jsonbounds.loads(raw_query)
            if not isinstance(query, dict):
                raise ValueError(raw_query)
            query = _clean_query(query)
        except ValueError:
            raise errors.meteor_error(
                "error-invalid-query",
                f'Invalid query parameter provided: "{raw_query}"',
                {"helperMethod": "parseJsonQuery"},
            ) from None
        query = {k: v for k, v in query.items() if k.split(".")[0] not in hidden}
    return query, fields


def _clean_query(value: Any) -> Any:
    """Drop operators outside the allowed subset, recursively (``cleanQuery``)."""
    if isinstance(value, dict):
        return {
            k: _clean_query(v)
            for k, v in value.items()
            if not k.startswith("$") or k in QUERY_OPERATORS
        }
    if isinstance(value, list):
        return [_clean_query(v) for v in value]
    return value


def _ejson(value: Any) -> Any:
    """EJSON dates (``{"$date": ms or ISO}``) as the epoch milliseconds documents store."""
    if isinstance(value, dict) and set(value) == {"$date"}:
        raw = value["$date"]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return int(raw)
        if isinstance(raw, str):
            try:
                parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(raw) from None
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return int(parsed.timestamp() * 1000)
        raise ValueError(raw)
    return value


def _values_at(doc: Any, path: list[str]) -> list[Any]:
    """Every value at a dotted path; arrays fan out as in Mongo."""
    if not path:
        return [doc]
    if isinstance(doc, list):
        return [v for item in doc for v in _values_at(item, path)]
    if not isinstance(doc, dict) or path[0] not in doc:
        return []
    return _values_at(doc[path[0]], path[1:])


def _flat(values: list[Any]) -> list[Any]:
    out = []
    for v in values:
        out.extend(v if isinstance(v, list) else [v])
    return out


def _condition(values: list[Any], condition: Any) -> bool:
    if isinstance(condition, dict) and any(k.startswith("$") for k in condition):
        for op, arg in condition.items():
            if op == "$regex":
                flags = re.IGNORECASE if "i" in str(condition.get("$options", "")) else 0
                try:
                    pattern = re.compile(str(arg), flags)
                except re.error:
                    raise ValueError(arg) from None
                if not any(isinstance(v, str) and pattern.search(v) for v in _flat(values)):
                    return False
            elif op == "$in":
                if not isinstance(arg, list):
                    raise ValueError(arg)
                wanted = [_ejson(a) for a in arg]
                if not any(v in wanted for v in _flat(values)):
                    return False
            elif op == "$date":
                return _condition(values, _ejson(condition))
        return True
    expected = _ejson(condition)
    return any(v == expected for v in values) or expected in _flat(values)


def matches(doc: Doc, selector: Doc) -> bool:
    """A Mongo-style selector subset: equality, ``$or``, ``$and``, ``$regex``, ``$in``, dates."""
    for key, condition in selector.items():
        if key in ("$or", "$and"):
            if not isinstance(condition, list) or not all(isinstance(c, dict) for c in condition):
                raise ValueError(key)
            results = (matches(doc, c) for c in condition)
            if not (any(results) if key == "$or" else all(results)):
                return False
        elif key.startswith("$"):
            continue
        elif not _condition(_values_at(doc, key.split(".")), condition):
            return False
    return True


def sort_docs(docs: list[Doc], sort: Doc | None, default: Doc) -> list[Doc]:
    """Sort by a ``{field: 1|-1}`` spec (strings case-sensitive, missing values first)."""
    spec = sort or default
    out = list(docs)
    for field, direction in reversed(list(spec.items())):
        out.sort(
            key=lambda d, f=field: (
                _values_at(d, f.split("."))[:1] != [],
                _sort_key(_values_at(d, f.split("."))[:1]),
            ),
            reverse=direction == -1,
        )
    return out


def _sort_key(values: list[Any]) -> tuple:
    if not values:
        return (0, "")
    v = values[0]
    if isinstance(v, bool):
        return (1, int(v))
    if isinstance(v, int | float):
        return (2, v)
    return (3, str(v))


# -- two-factor authentication (``app/2fa/server/code``) --------------------------------------


def require_two_factor(rt: Runtime, user: Doc, disable_remember_me: bool = False) -> None:
    """``twoFactorRequired`` routes: with 2FA on and no TOTP/email method, the password fallback.

    The code is the SHA-256 hex digest of the password, sent as ``x-2fa-code`` with
    ``x-2fa-method: password``. A success is remembered on the login token for
    ``Accounts_TwoFactorAuthentication_RememberFor`` seconds, for the same client.
    """
    if not models.setting(rt, "Accounts_TwoFactorAuthentication_Enabled"):
        return
    code = request.headers.get("x-2fa-code")
    method = request.headers.get("x-2fa-method")
    if not (code and method):
        code = method = None
    token = g.get("auth_token")
    record = rt.store.get("tokens", models.hash_token(token)) if token else None
    fingerprint = hashlib.md5(
        json.dumps(
            {"userAgent": request.headers.get("User-Agent"), "clientAddress": request.remote_addr}
        ).encode(),
        usedforsecurity=False,
    ).hexdigest()
    now = rt.clock.now_ms()
    remember_ms = (models.setting(rt, "Accounts_TwoFactorAuthentication_RememberFor") or 0) * 1000
    if record is not None:
        if record.get("bypassTwoFactor") is True:
            return
        if not disable_remember_me:
            if remember_ms > 0 and user.get("createdAt", 0) + remember_ms >= now:
                return
            if (
                record.get("twoFactorAuthorizedUntil", 0) >= now
                and record.get("twoFactorAuthorizedHash") == fingerprint
            ):
                return
    has_password = bool(user.get("services", {}).get("password", {}).get("bcrypt"))
    if not (
        models.setting(rt, "Accounts_TwoFactorAuthentication_Enforce_Password_Fallback")
        and has_password
    ):
        return
    details = {"method": "password", "codeGenerated": False, "availableMethods": []}
    if not code:
        raise errors.two_factor("totp-required", "TOTP Required", details)
    if not models.check_user_password(user, {"digest": code, "algorithm": "sha-256"}):
        raise errors.two_factor("totp-invalid", "TOTP Invalid", details)
    if not disable_remember_me and record is not None and remember_ms > 0:
        rt.store.update(
            "tokens",
            record["hashedToken"],
            {"twoFactorAuthorizedUntil": now + remember_ms, "twoFactorAuthorizedHash": fingerprint},
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
