"""``api4/upload.go``: resumable uploads."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import uploads
from ..models.common import Doc
from .files import _mime

blueprint = Blueprint("mm_uploads", __name__, url_prefix="/api/v4")


def _require_attachments(rt: Runtime) -> None:
    if not models.setting(rt, "FileSettings", "EnableFileAttachments", True):
        raise errors.AppError(501, errors.FILES_DISABLED)


def _may_upload_to(rt: Runtime, user: Doc, channel_id: str) -> bool:
    channel = rt.store.get("channels", channel_id) if channel_id else None
    return channel is not None and permissions.has_channel_permission(
        rt, user, channel, "upload_file"
    )


@blueprint.post("/uploads")
def create_upload() -> tuple[Response, int]:
    rt, user = authentication.caller()
    _require_attachments(rt)
    body = inputs.json_body(required=False)
    spec = {"type": str, "channel_id": str, "filename": str, "file_size": int}
    if not isinstance(body, dict) or any(
        body.get(k) is not None and (not isinstance(body[k], t) or isinstance(body[k], bool))
        for k, t in spec.items()
    ):
        raise errors.invalid_body_param("upload")
    session = {
        "type": body.get("type") or "attachment",
        "channel_id": body.get("channel_id") or "",
        "filename": body.get("filename") or "",
        "file_size": body.get("file_size") or 0,
    }
    if session["type"] == "import":
        permissions.require_system(user, "manage_system")
    else:
        if not _may_upload_to(rt, user, session["channel_id"]):
            raise errors.permission_denied(user["id"], "upload_file")
        session["type"] = "attachment"
    limit = models.setting(rt, "FileSettings", "MaxFileSize", 104857600)
    return jsonify(uploads.create_upload(rt, user["id"], session, limit)), 201


@blueprint.get("/uploads/<upload_id>")
def get_upload(upload_id: str) -> Response:
    rt, user = authentication.caller()
    upload = uploads.get_upload(rt, inputs.id_param(upload_id, "upload_id"))
    if upload["user_id"] != user["id"] and not permissions.is_system_admin(user):
        raise errors.AppError(403, errors.UPLOAD_FORBIDDEN)
    return jsonify(upload)


@blueprint.post("/uploads/<upload_id>")
def upload_data(upload_id: str) -> Response:
    rt, user = authentication.caller()
    _require_attachments(rt)
    upload = uploads.get_upload(rt, inputs.id_param(upload_id, "upload_id"))
    if upload["type"] == "import":
        permissions.require_system(user, "manage_system")
    elif upload["user_id"] != user["id"] or not _may_upload_to(rt, user, upload["channel_id"]):
        raise errors.permission_denied(user["id"], "upload_file")
    piece = request.files[next(iter(request.files))].read() if request.files else request.get_data()
    info = uploads.upload_data(rt, upload, piece, _mime(upload["filename"], None))
    if info is None:
        return Response(status=204)
    return jsonify(wire.file_info(info))
