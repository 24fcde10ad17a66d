"""``api4/status.go``: reading and setting user statuses."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import custom_status
from ..models.common import Doc

blueprint = Blueprint("mm_status", __name__, url_prefix="/api/v4")


@blueprint.get("/users/<user_id>/status")
def get_status(user_id: str) -> Response:
    rt = runtime()
    authentication.current_user()
    status = rt.store.get("statuses", inputs.user_id_param(user_id))
    if status is None:
        raise errors.AppError(404, errors.STATUS_USER_NOT_FOUND, f"user_id={user_id}")
    return jsonify(wire.status(status))


@blueprint.post("/users/status/ids")
def get_statuses_by_ids() -> Response:
    rt = runtime()
    authentication.current_user()
    ids = inputs.json_body(required=False)
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise errors.invalid_body_param("user_ids")
    if any(len(user_id) != 26 for user_id in ids):
        raise errors.invalid_body_param("user_ids")
    found = [rt.store.get("statuses", user_id) for user_id in dict.fromkeys(ids)]
    return jsonify([wire.status(s) for s in found if s is not None])


@blueprint.put("/users/<user_id>/status")
def update_status(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    body = inputs.json_object("status")
    target = inputs.user_id_param(user_id)
    if body.get("user_id") != target:
        raise errors.invalid_body_param("user_id")
    permissions.require_self_or(viewer, target)
    status = body.get("status")
    if status not in models.STATUSES:
        raise errors.invalid_body_param("status")
    dnd_end_time = body.get("dnd_end_time", 0)
    if not isinstance(dnd_end_time, int) or isinstance(dnd_end_time, bool):
        raise errors.invalid_body_param("dnd_end_time")
    if rt.store.get("users", target) is None:
        raise errors.AppError(404, errors.USER_NOT_FOUND, f"user_id={target}")
    fresh = models.set_status(rt, target, status, manual=True, dnd_end_time=dnd_end_time)
    return jsonify(wire.status(fresh))


def _custom_status_call(user_id: str, body_name: str) -> tuple[Runtime, str, Doc | None]:
    """The custom-status handlers' order: the feature switch, the body, then the permission."""
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    custom_status.require_enabled(rt)
    status = None
    if body_name:
        body = inputs.json_body(required=False)
        if not isinstance(body, dict):
            raise errors.invalid_body_param(body_name)
        status = custom_status.decode_custom_status(body, body_name)
        if body_name == "custom_status":
            status = custom_status.check_custom_status(rt, status, body_name)
    permissions.require_self_or(viewer, target)
    return rt, target, status


@blueprint.put("/users/<user_id>/status/custom")
def update_custom_status(user_id: str) -> Response:
    rt, target, status = _custom_status_call(user_id, "custom_status")
    custom_status.set_custom_status(rt, target, status)
    return jsonify(wire.status_ok())


@blueprint.delete("/users/<user_id>/status/custom")
def remove_custom_status(user_id: str) -> Response:
    rt, target, _ = _custom_status_call(user_id, "")
    custom_status.clear_custom_status(rt, target)
    return jsonify(wire.status_ok())


@blueprint.delete("/users/<user_id>/status/custom/recent")
@blueprint.post("/users/<user_id>/status/custom/recent/delete")
def remove_recent_custom_status(user_id: str) -> Response:
    rt, target, status = _custom_status_call(user_id, "recent_custom_status")
    custom_status.remove_recent_custom_status(rt, target, status)
    return jsonify(wire.status_ok())
