"""What a Mattermost handler reads from its request: ids in the URL, paging, flags and the body
(as ``web/params.go`` and the api4 handlers read them)."""

from __future__ import annotations

import re
from typing import Any

from flask import request

from ..core.ids import is_mattermost_id
from ..core.jsonbounds import too_deep
from . import authentication, errors

Doc = dict[str, Any]

MAX_BODY_BYTES = 50 * 1024 * 1024


def user_id_param(raw: str) -> str:
    """``me`` stands for the caller; anything else must look like an id."""
    if raw == "me":
        return authentication.current_user()["id"]
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


def json_object_for(raw_id: str, id_name: str, body_name: str, mismatch: str) -> Doc:
    """The body of a ``PUT`` on ``/<things>/<id>``: a JSON object whose ``id`` is the URL's (the
    URL id checked first, then the body, then that they agree)."""
    id_param(raw_id, id_name)
    body = json_object(body_name)
    if body.get("id") != raw_id:
        raise errors.invalid_body_param(mismatch)
    return body


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
            errors.INVALID_BODY_PARAM,
            "malformed or missing JSON",
            Name="body",
        )
    return body


def body_is_json_null() -> bool:
    """A literal ``null`` body, which Go decodes into a struct's zero value without an error."""
    return request.get_data().strip() == b"null"


def json_object(name: str = "body", types: dict[str, Any] | None = None) -> Doc:
    """A JSON object body; with ``types``, its fields checked as :func:`check_types` does."""
    body = json_body()
    if not isinstance(body, dict):
        raise errors.invalid_body_param(name)
    if types:
        check_types(body, types, name)
    return body


def body_string(body: Doc, name: str, default: str = "") -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise errors.invalid_body_param(name)
    return value


def check_types(body: Doc, spec: dict[str, Any], name: str) -> None:
    """What Go's JSON decoding into a struct refuses: a field of the wrong type fails the whole
    body, reported under the body's name (``SetInvalidParamWithErr``)."""
    for key, kind in spec.items():
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise errors.invalid_body_param(name)


SEARCH_FIELDS = {
    "terms": str,
    "is_or_search": bool,
    "include_deleted_channels": bool,
    "time_zone_offset": int,
    "page": int,
    "per_page": int,
}


def search_params(error_id: str) -> tuple[str, Doc]:
    """A ``SearchParameter`` body (posts and files): the terms and the search options; a body
    that does not decode into it is ``error_id``, blank terms an invalid ``terms``."""
    body = json_body(required=False)
    if not isinstance(body, dict) or any(
        body.get(k) is not None and not isinstance(body[k], t) for k, t in SEARCH_FIELDS.items()
    ):
        raise errors.bad_request(error_id)
    terms = body.get("terms")
    if not terms or not terms.strip():
        raise errors.invalid_body_param("terms")
    page = body.get("page") or 0
    per_page = body.get("per_page") if body.get("per_page") is not None else 60
    return terms, {
        "is_or_search": body.get("is_or_search") is True,
        "include_deleted_channels": body.get("include_deleted_channels") is True,
        "time_zone_offset": body.get("time_zone_offset") or 0,
        "page": max(page, 0),
        "per_page": min(max(per_page, 1), 200),
    }
