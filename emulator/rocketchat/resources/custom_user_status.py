"""Custom user statuses: ``custom-user-status.list``, ``.create``, ``.update``, ``.delete``
(``v1/custom-user-status.ts``). Writes are ``check()``ed (Meteor ``Match`` errors) and need
``manage-user-status`` (a code-only ``[not_authorized]``)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, jsonquery, models, wire
from ..models import custom_user_status

blueprint = Blueprint("rc_custom_user_status", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _checked(params: Doc, required: tuple[str, ...], optional: tuple[str, ...]) -> Doc:
    """Meteor's ``check(body, {k: String, k2: Match.Maybe(String)})``: unknown keys and wrong
    types first, in the body's order, then missing keys."""
    for key, value in params.items():
        if key not in required and key not in optional:
            raise errors.plain(f"Match error: Unknown key in field {key}")
        if key in optional and value is None:
            continue
        if not isinstance(value, str):
            raise errors.plain(
                f"Match error: Expected string, got {models.js_type(value)} in field {key}"
            )
    for key in required:
        if key not in params:
            raise errors.plain(f"Match error: Missing key '{key}'")
    return params


def _refused(refusal: models.Refused) -> errors.RocketError:
    if refusal.reason is None:
        return errors.meteor_error(refusal.code)
    return errors.refused(refusal)


@blueprint.get("/custom-user-status.list")
def list_statuses() -> Response:
    rt, user = auth.runtime_and_user()
    offset, count, sort = inputs.pagination(rt)
    query, _fields = jsonquery.json_query(rt, user)
    found = [s for s in rt.store.all("custom_user_status") if jsonquery.matches(s, query)]
    name, status_id = request.args.get("name"), request.args.get("_id")
    if name:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        found = [s for s in found if pattern.search(s["name"])]
    if status_id:
        found = [s for s in found if s["_id"] == status_id]
    found = jsonquery.sort_docs(found, sort, {"name": 1})
    page = found[offset : None if count is None else offset + count]
    return jsonify(
        {
            "statuses": [wire.rest_dates(s) for s in page],
            "count": len(page),
            "offset": offset,
            "total": len(found),
            "success": True,
        }
    )


@blueprint.post("/custom-user-status.create")
def create() -> Response:
    rt, user = auth.runtime_and_user()
    params = _checked(inputs.body(), ("name",), ("statusType",))
    try:
        status = custom_user_status.create_status(
            rt, user, params["name"], params.get("statusType") or ""
        )
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"customUserStatus": wire.rest_dates(status), "success": True})


@blueprint.post("/custom-user-status.update")
def update() -> Response:
    rt, user = auth.runtime_and_user()
    params = _checked(inputs.body(), ("_id", "name"), ("statusType",))
    if rt.store.get("custom_user_status", params["_id"]) is None:
        raise errors.plain(f'No custom user status found with the id of "{params["_id"]}".')
    try:
        status = custom_user_status.update_status(
            rt, user, params["_id"], params["name"], params.get("statusType")
        )
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"customUserStatus": wire.rest_dates(status), "success": True})


@blueprint.post("/custom-user-status.delete")
def delete() -> Response:
    rt, user = auth.runtime_and_user()
    status_id = inputs.body().get("customUserStatusId")
    if not status_id:
        raise errors.plain('The "customUserStatusId" params is required!')
    try:
        custom_user_status.delete_status(rt, user, str(status_id))
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"success": True})
