"""``api4/file.go``: uploads, downloads, thumbnails, previews and public links."""

from __future__ import annotations

import base64
import hashlib
import mimetypes
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.disposition import content_disposition
from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire
from .channels import can_read_channel

blueprint = Blueprint("mm_files", __name__)

Doc = dict[str, Any]
API = "/api/v4"


def _config(rt: Runtime) -> Doc:
    return models.get_config(rt)["FileSettings"]


def _require_attachments(rt: Runtime) -> None:
    if not _config(rt)["EnableFileAttachments"]:
        raise errors.AppError(501, errors.FILES_DISABLED)


def _mime(name: str, declared: str | None) -> str:
    guessed = mimetypes.guess_type(name)[0]
    if guessed:
        return guessed
    if declared and declared != "application/octet-stream":
        return declared.split(";")[0].strip()
    return "application/octet-stream" if "." in name else ""


@blueprint.post(f"{API}/files")
def upload_files() -> tuple[Response, int]:
    rt, user = authentication.caller()
    _require_attachments(rt)
    limit = _config(rt)["MaxFileSize"]
    channel_id = request.args.get("channel_id") or request.form.get("channel_id", "")
    if not is_mattermost_id(channel_id):
        raise errors.invalid_body_param("channel_id")
    channel = rt.store.get("channels", channel_id)
    if channel is None or not permissions.has_channel_permission(rt, user, channel, "upload_file"):
        raise errors.permission_denied(user["id"], "upload_file")
    if request.files:
        uploads = [(f.filename or "", f.mimetype, f.read()) for f in request.files.getlist("files")]
        client_ids = request.form.getlist("client_ids")
    else:
        filename = request.args.get("filename", "")
        if not filename:
            raise errors.invalid_url_param("filename")
        uploads = [(filename, request.content_type or "", request.get_data())]
        client_ids = request.args.getlist("client_id")
    if not uploads:
        raise errors.bad_request(errors.FILE_COUNT)
    if client_ids and len(client_ids) != len(uploads):
        raise errors.bad_request(
            errors.FILE_CLIENT_IDS, NumClientIds=str(len(client_ids)), NumFiles=str(len(uploads))
        )
    for name, _, data in uploads:
        if len(data) > limit:
            raise errors.AppError(
                413,
                errors.FILE_TOO_LARGE,
                Filename=name,
                Length=str(len(data)),
                Limit=str(limit),
            )
    with rt.store.transaction():
        infos = [
            models.upload_file(
                rt,
                user_id=user["id"],
                channel_id=channel["id"],
                name=name.replace("\\", "/").rsplit("/", 1)[-1],
                data=data,
                mime_type=_mime(name, declared),
            )
            for name, declared, data in uploads
        ]
    return jsonify(
        {"file_infos": [wire.file_info(i) for i in infos], "client_ids": client_ids}
    ), 201


def readable_file(rt: Runtime, user: Doc, file_id: str) -> Doc:
    info = rt.store.get("files", inputs.id_param(file_id, "file_id"))
    if info is None or info["delete_at"]:
        raise errors.not_found(errors.FILE_NOT_FOUND, f"file_id={file_id}")
    if info["user_id"] != user["id"]:
        channel = rt.store.get("channels", info["channel_id"])
        if not info["post_id"] or channel is None or not can_read_channel(rt, user, channel):
            raise errors.permission_denied(user["id"], "read_channel_content")
    return info


def _file_response(rt: Runtime, info: Doc, data: bytes, mime: str | None = None) -> Response:
    mime = mime or info["mime_type"] or "application/octet-stream"
    download = request.args.get("download", "").lower() in ("1", "true")
    inline = not download and mime.startswith(("image/", "video/", "audio/"))
    response = Response(data, mimetype=mime)
    name = info["name"]
    response.headers["Content-Disposition"] = content_disposition(
        "inline" if inline else "attachment", name, separator=";"
    )
    response.headers["Cache-Control"] = "max-age=2592000, private"
    return response


@blueprint.get(f"{API}/files/<file_id>")
def get_file(file_id: str) -> Response:
    rt, user = authentication.caller()
    _require_attachments(rt)
    info = readable_file(rt, user, file_id)
    return _file_response(rt, info, models.file_bytes(rt, info))


@blueprint.get(f"{API}/files/<file_id>/info")
def get_file_info(file_id: str) -> Response:
    rt, user = authentication.caller()
    _require_attachments(rt)
    return jsonify(wire.file_info(readable_file(rt, user, file_id)))


@blueprint.get(f"{API}/files/<file_id>/thumbnail")
def get_thumbnail(file_id: str) -> Response:
    rt, user = authentication.caller()
    _require_attachments(rt)
    info = readable_file(rt, user, file_id)
    if not info["mime_type"].startswith("image/"):
        raise errors.bad_request(errors.FILE_NO_THUMBNAIL, f"file_id={file_id}")
    return _file_response(rt, info, models.file_bytes(rt, info))


@blueprint.get(f"{API}/files/<file_id>/preview")
def get_preview(file_id: str) -> Response:
    rt, user = authentication.caller()
    _require_attachments(rt)
    info = readable_file(rt, user, file_id)
    if not info["mime_type"].startswith("image/"):
        raise errors.bad_request(errors.FILE_NO_PREVIEW, f"file_id={file_id}")
    return _file_response(rt, info, models.file_bytes(rt, info))


def _public_hash(rt: Runtime, file_id: str) -> str:
    salt = _config(rt).get("PublicLinkSalt") or "chat-emulator-public-link-salt"
    digest = hashlib.sha256(salt.encode() + file_id.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


@blueprint.get(f"{API}/files/<file_id>/link")
def get_public_link(file_id: str) -> Response:
    rt, user = authentication.caller()
    if not _config(rt)["EnablePublicLink"]:
        raise errors.AppError(501, errors.FILE_PUBLIC_DISABLED)
    info = readable_file(rt, user, file_id)
    if not info["post_id"]:
        raise errors.bad_request(errors.FILE_PUBLIC_NO_POST)
    site = models.get_config(rt)["ServiceSettings"].get("SiteURL") or request.host_url
    link = f"{site.rstrip('/')}/files/{info['id']}/public?h={_public_hash(rt, info['id'])}"
    return jsonify({"link": link})


@blueprint.get("/files/<file_id>/public")
def get_public_file(file_id: str) -> Response:
    rt = runtime()
    if not _config(rt)["EnablePublicLink"]:
        raise errors.AppError(501, errors.FILE_PUBLIC_DISABLED)
    info = rt.store.get("files", inputs.id_param(file_id, "file_id"))
    if info is None or info["delete_at"]:
        raise errors.not_found(errors.FILE_NOT_FOUND, f"file_id={file_id}")
    if not info["post_id"] or request.args.get("h") != _public_hash(rt, info["id"]):
        raise errors.bad_request(errors.FILE_PUBLIC_INVALID)
    return _file_response(rt, info, models.file_bytes(rt, info))
