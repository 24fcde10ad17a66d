"""Uploads and file messages."""

from __future__ import annotations

import base64
from urllib.parse import quote

from ...core.runtime import Runtime
from . import messages
from .common import Doc, IntegrationEvent, run_integrations

# -- uploads ----------------------------------------------------------------------------------


def store_upload(
    rt: Runtime, room: Doc, user: Doc, name: str, content_type: str, data: bytes
) -> Doc:
    """A pending upload (``rooms.media``): stored, not yet attached to a message."""
    now = rt.clock.now_ms()
    upload_id = rt.ids.meteor_id()
    path = f"/file-upload/{upload_id}/{quote(name)}"
    doc = {
        "_id": upload_id,
        "name": name,
        "size": len(data),
        "type": content_type,
        "rid": room["_id"],
        "userId": user["_id"],
        "store": "GridFS:Uploads",
        "complete": True,
        "uploading": False,
        "extension": name.rsplit(".", 1)[1] if "." in name else "",
        "progress": 1,
        "uploadedAt": now,
        "_updatedAt": now,
        "path": path,
        "url": path,
    }
    with rt.store.transaction():
        rt.store.insert("uploads", doc)
        rt.store.insert("upload_blobs", {"_id": upload_id, "data": base64.b64encode(data).decode()})
    return doc


def upload_content(rt: Runtime, upload_id: str) -> bytes | None:
    blob = rt.store.get("upload_blobs", upload_id)
    return None if blob is None else base64.b64decode(blob["data"])


def send_file_message(
    rt: Runtime,
    room: Doc,
    user: Doc,
    upload: Doc,
    msg: str = "",
    description: str = "",
    tmid: str | None = None,
) -> Doc:
    """``sendFileMessage``: a message carrying the upload as ``file``/``files``/attachment.
    Raises ``SendRefused`` for a ``tmid`` that is no message of the room."""
    attachment: Doc = {
        "title": upload["name"],
        "type": "file",
        "description": description,
        "title_link": upload["path"],
        "title_link_download": True,
    }
    kind = upload["type"].split("/", 1)[0]
    if kind in ("image", "audio", "video"):
        attachment[f"{kind}_url"] = upload["path"]
        attachment[f"{kind}_type"] = upload["type"]
        attachment[f"{kind}_size"] = upload["size"]
    file_ref = {"_id": upload["_id"], "name": upload["name"], "type": upload["type"]}
    extra = {
        "file": file_ref,
        "files": [{**file_ref, "size": upload["size"], "format": upload.get("extension", "")}],
        "attachments": [attachment],
        "groupable": False,
    }
    with rt.store.transaction():
        # Through ``executeSendMessage`` upstream: the thread must be a message of the room.
        root = messages.check_thread_and_id(rt, room, tmid, None)
        rt.store.update("uploads", upload["_id"], {"description": description})
        message = messages.post_message(rt, room, user, msg, extra=extra, tmid=root)
    # ``afterSaveMessage`` (the message goes through ``sendMessage``), then ``afterFileUpload``.
    run_integrations(rt, IntegrationEvent("sendMessage", message=message, room=room))
    run_integrations(rt, IntegrationEvent("fileUploaded", message=message, room=room, user=user))
    return message
