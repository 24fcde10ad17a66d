"""What the omnichannel administration routes share: ``permissionsRequired`` with ``hasAny``,
ajv validation in each route style, paging and the rendering of domain refusals."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from ...core.runtime import Runtime
from .. import auth, errors, inputs, jsonquery, models, schema, wire

Doc = dict[str, Any]


def caller(*permissions: str, any_of: bool = False) -> tuple[Runtime, Doc]:
    """The runtime and the caller holding ``permissions`` (all, or one with ``any_of``): 401
    without a login, else 403, as the route chain answers before the action."""
    rt, user = auth.runtime_and_user()
    held = [models.has_permission(rt, user, p) for p in permissions]
    if permissions and not (any(held) if any_of else all(held)):
        raise errors.forbidden()
    return rt, user


def legacy_params(spec: schema.Schema, params: Any) -> Any:
    """``addRoute``'s ``validateParams``: a ``Meteor.Error('invalid-params', ...)``."""
    found = schema.first_error(spec, params, coerce=request.method == "GET")
    if found:
        raise errors.invalid_params(found)
    return params


def query_params(spec: schema.Schema) -> Doc:
    """A new-style route's ``query`` validator (``error-invalid-params``, no code suffix)."""
    params = request.args.to_dict()
    found = schema.first_error(spec, params, coerce=True)
    if found:
        raise errors.failure(found, errors.ERROR_INVALID_PARAMS)
    return params


def body_params(spec: schema.Schema) -> Any:
    """A new-style route's ``body`` validator (``invalid-params``, no code suffix)."""
    params = inputs.body()
    found = schema.first_error(spec, params)
    if found:
        raise errors.failure(found, errors.INVALID_PARAMS)
    return params


def page(rt: Runtime, docs: list[Doc], default_sort: Doc, key: str) -> Response:
    """``findPaginated`` answered as ``{<key>, count, offset, total}``."""
    offset, count, sort = inputs.pagination(rt)
    found = jsonquery.sort_docs(docs, sort, default_sort)
    chunk = found[offset : None if count is None else offset + count]
    return ok(**{key: chunk, "count": len(chunk), "offset": offset, "total": len(found)})


def ok(**body: Any) -> Response:
    return jsonify({**wire.rest_dates(body), "success": True})


PAGING_QUERY = {
    "count": {"type": "number", "nullable": True},
    "offset": {"type": "number", "nullable": True},
    "sort": {"type": "string", "nullable": True},
    "query": {"type": "string", "nullable": True},
}
