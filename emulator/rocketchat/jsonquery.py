"""The ``query``, ``fields`` and ``sort`` JSON parameters (``parseJsonQuery``) and the Mongo
selector subset they are matched with."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Response, after_this_request, request

from ..core import jsonbounds
from ..core.runtime import Runtime
from . import errors, models

Doc = dict[str, Any]

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


def sort_param(raw: str | None) -> Doc | None:
    """The ``sort`` parameter: a ``{field: 1|-1}`` object, else the real 400; None when absent."""
    if not raw:
        return None
    try:
        sort = jsonbounds.loads(raw)
    except ValueError:
        sort = None
    if not isinstance(sort, dict) or not all(v in (1, -1) for v in sort.values()):
        raise errors.meteor_error(errors.INVALID_SORT, "Invalid sort parameter provided")
    return sort


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
    fields = _object_param(
        "fields",
        errors.INVALID_FIELDS,
        hidden,
        (
            "7.0.0",
            f'The parameter "fields" in the endpoint "{route}" is deprecated and will be '
            "removed on version 7.0.0",
        ),
        _projection,
    )
    query = _object_param(
        "query",
        errors.INVALID_QUERY,
        hidden,
        (
            "8.0.0",
            f'The usage of the "query" parameter in endpoint "{route}" breaks the security '
            "of the API and can lead to data exposure. It has been deprecated and will be removed "
            "in the version 8.0.0.",
        ),
        _clean_query,
    )
    return query, fields


def _object_param(
    name: str,
    code: str,
    hidden: frozenset[str],
    deprecation: tuple[str, str],
    parse: Callable[[Doc], Doc],
) -> Doc:
    """The JSON object query parameter ``name`` (deprecated; ``{}`` when absent) through
    ``parse``, without the fields hidden from the caller; else the real 400 with ``code``."""
    raw = request.args.get(name)
    if not raw:
        return {}
    _deprecate_parameter(*deprecation)
    try:
        value = jsonbounds.loads(raw)
        if not isinstance(value, dict):
            raise ValueError(raw)
        value = parse(value)
    except ValueError:
        raise errors.meteor_error(
            code, f'Invalid {name} parameter provided: "{raw}"', {"helperMethod": "parseJsonQuery"}
        ) from None
    return {k: v for k, v in value.items() if k.split(".")[0] not in hidden}


def _projection(fields: Doc) -> Doc:
    """A ``fields`` projection: every value 0 or 1."""
    if any(v not in (0, 1) for v in fields.values()):
        raise ValueError(fields)
    return fields


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
