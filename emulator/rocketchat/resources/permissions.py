"""Permissions: ``permissions.listAll`` and ``permissions.update`` (``v1/permissions.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire

blueprint = Blueprint("rc_permissions", __name__, url_prefix="/api/v1")


@blueprint.get("/permissions.listAll")
def list_all() -> Response:
    rt, _ = auth.runtime_and_user()
    since = inputs.date_param(
        request.args.get("updatedSince"),
        errors.UPDATED_SINCE_PARAM_INVALID,
        errors.UPDATED_SINCE_NOT_A_DATE,
    )
    docs = rt.store.all("permissions")
    if since is not None:
        docs = [d for d in docs if d["_updatedAt"] > since]
    return jsonify({"update": [wire.permission(d) for d in docs], "remove": [], "success": True})


@blueprint.post("/permissions.update")
def update() -> Response:
    rt = runtime()
    auth.require_permission("access-permissions")
    params = inputs.body()
    entries = params.get("permissions")
    valid = (
        isinstance(entries, list)
        and entries
        and all(
            isinstance(e, dict)
            and set(e) == {"_id", "roles"}
            and isinstance(e["_id"], str)
            and isinstance(e["roles"], list)
            and all(isinstance(r, str) for r in e["roles"])
            for e in entries
        )
    )
    if not valid:
        raise errors.failure("Invalid body params", errors.INVALID_BODY_PARAMS)
    if any(rt.store.get("permissions", e["_id"]) is None for e in entries):
        raise errors.failure("Invalid permission", errors.INVALID_PERMISSION)
    if any(rt.store.get("roles", r) is None for e in entries for r in e["roles"]):
        raise errors.failure("Invalid role", errors.INVALID_ROLE)
    models.set_permission_roles(rt, [(e["_id"], e["roles"]) for e in entries])
    docs = rt.store.all("permissions")
    return jsonify({"permissions": [wire.permission(d) for d in docs], "success": True})
