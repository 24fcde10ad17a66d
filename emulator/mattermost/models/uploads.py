"""Resumable uploads (``app/upload.go``): a session, its bytes sent in pieces, and the FileInfo
made when the last piece arrives."""

from __future__ import annotations

import base64

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import errors
from .common import Doc
from .files import upload_file


def _invalid(field: str) -> errors.AppError:
    return errors.AppError(
        400, errors.UPLOAD_SESSION_INVALID.format(field), message=f"Invalid value for {field}."
    )


def create_upload(rt: Runtime, user_id: str, session: Doc, max_size: int) -> Doc:
    """``CreateUploadSession`` after the handler's checks: the size limit, ``IsValid``."""
    if session["file_size"] > max_size:
        raise errors.AppError(413, errors.UPLOAD_TOO_LARGE)
    if not session["filename"]:
        raise _invalid("filename")
    if session["file_size"] <= 0:
        raise _invalid("file_size")
    if session["type"] == "attachment" and not is_mattermost_id(session["channel_id"]):
        raise _invalid("channel_id")
    upload = {
        "id": rt.ids.mattermost_id(),
        "type": session["type"],
        "create_at": rt.clock.now_ms(),
        "user_id": user_id,
        "channel_id": session["channel_id"],
        "filename": session["filename"].replace("\\", "/").rsplit("/", 1)[-1],
        "path": "",
        "file_size": session["file_size"],
        "file_offset": 0,
        "remote_id": "",
        "req_file_id": "",
    }
    upload["path"] = f"uploads/{upload['id']}/{upload['filename']}"
    rt.store.insert("uploads", {**upload, "data": ""})
    return upload


def get_upload(rt: Runtime, upload_id: str) -> Doc:
    upload = rt.store.get("uploads", upload_id)
    if upload is None:
        raise errors.not_found(errors.UPLOAD_NOT_FOUND, f"upload_id={upload_id}")
    return {k: v for k, v in upload.items() if k != "data"}


def upload_data(rt: Runtime, upload: Doc, piece: bytes, mime_type: str) -> Doc | None:
    """``UploadData``: the piece appended; the FileInfo once every byte is in (the session then
    ends), None before (and for imports, which make no FileInfo)."""
    if len(piece) > upload["file_size"] - upload["file_offset"]:
        raise errors.bad_request(errors.UPLOAD_BAD_LENGTH)
    stored = rt.store.get("uploads", upload["id"])
    data = base64.b64decode(stored["data"]) + piece
    if len(data) < upload["file_size"]:
        rt.store.update(
            "uploads",
            upload["id"],
            {"file_offset": len(data), "data": base64.b64encode(data).decode()},
        )
        return None
    with rt.store.transaction():
        rt.store.delete("uploads", upload["id"])
        if upload["type"] != "attachment":
            return None
        return upload_file(
            rt,
            user_id=upload["user_id"],
            channel_id=upload["channel_id"],
            name=upload["filename"],
            data=data,
            mime_type=mime_type,
        )
