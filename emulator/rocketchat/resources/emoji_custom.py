"""Custom emoji: ``emoji-custom.list/all/create/update/delete`` and their images.

Images are kept in the store and served at ``/emoji-custom/<name>.<extension>``.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, jsonquery, models, wire

blueprint = Blueprint("rc_emoji_custom", __name__)

Doc = dict[str, Any]
INVALID_NAME = re.compile(r"[\s,:><&\"'/\\\[\]()|]")
INVALID_ALIASES = re.compile(r"[:><&|\"'/\\\[\]()]")
DETAILS = {"method": "insertOrUpdateEmoji"}


def _clash(rt: Runtime, names: list[str], own_id: str | None) -> bool:
    return any(
        e["_id"] != own_id for name in names for e in rt.store.find("custom_emoji", "names", name)
    )


def _validated(rt: Runtime, name: Any, aliases: Any, own_id: str | None) -> tuple[str, list[str]]:
    """``insertOrUpdateEmoji``'s checks; returns (name, aliases)."""
    if not isinstance(name, str) or not name.strip():
        raise errors.meteor_error(
            errors.THE_FIELD_IS_REQUIRED,
            "The field Name is required",
            {**DETAILS, "field": "Name"},
        )
    name = name.strip()
    if INVALID_NAME.search(name):
        raise errors.meteor_error(
            errors.INPUT_IS_NOT_A_VALID_FIELD,
            f"{name} is not a valid name",
            {**DETAILS, "input": name, "field": "Name"},
        )
    raw_aliases = aliases if isinstance(aliases, str) else ""
    if INVALID_ALIASES.search(raw_aliases):
        raise errors.meteor_error(
            errors.INPUT_IS_NOT_A_VALID_FIELD,
            f"{raw_aliases} is not a valid alias",
            {**DETAILS, "input": raw_aliases, "field": "Alias_Set"},
        )
    alias_list = [a for a in re.split(r"[\s,]+", raw_aliases) if a and a != name]
    alias_list = list(dict.fromkeys(alias_list))
    if _clash(rt, [name, *alias_list], own_id):
        raise errors.meteor_error(
            errors.EMOJI_NAME_OR_ALIAS_IN_USE,
            "The custom emoji or one of its aliases is already in use",
            DETAILS,
        )
    return name, alias_list


def _image() -> tuple[bytes, str] | None:
    upload = request.files.get("emoji")
    if upload is None:
        return None
    data = upload.read()
    mime = upload.mimetype or ""
    if not mime.startswith("image/"):
        raise errors.meteor_error(errors.INVALID_FILE_TYPE, "Invalid file type")
    extension = mime.split("/", 1)[1]
    return data, "png" if extension == "svg+xml" else extension


def _check_size(rt: Runtime, data: bytes) -> None:
    limit = models.setting(rt, "FileUpload_MaxFileSize")
    if limit is not None and limit >= 0 and len(data) > limit:
        raise errors.meteor_error(
            errors.FILE_TOO_LARGE, "File size exceeds the allowed limit", {"limit": limit}
        )


@blueprint.get("/api/v1/emoji-custom.list")
def list_emoji() -> Response:
    rt, _ = auth.runtime_and_user()
    since = inputs.date_param(
        request.args.get("updatedSince"),
        errors.ROOM_ID_PARAM_INVALID,
        errors.UPDATED_SINCE_NOT_A_DATE,
    )
    update = rt.store.all("custom_emoji")
    remove: list[Doc] = []
    if since is not None:
        update = [e for e in update if e["_updatedAt"] > since]
        remove = [e for e in rt.store.all("custom_emoji_trash") if e["_deletedAt"] > since]
    return jsonify(
        {
            "emojis": {
                "update": [wire.emoji(e) for e in update],
                "remove": [wire.emoji(e) for e in remove],
            },
            "success": True,
        }
    )


@blueprint.get("/api/v1/emoji-custom.all")
def all_emoji() -> Response:
    rt, _ = auth.runtime_and_user()
    offset, limit, sort = inputs.pagination(rt)
    docs = rt.store.all("custom_emoji")
    name = request.args.get("name")
    if name:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        docs = [e for e in docs if pattern.search(e["name"])]
    docs = jsonquery.sort_docs(docs, sort, {"name": 1})
    page = docs[offset:] if limit is None else docs[offset : offset + limit]
    return jsonify(
        {
            "emojis": [wire.emoji(e) for e in page],
            "count": len(page),
            "offset": offset,
            "total": len(docs),
            "success": True,
        }
    )


@blueprint.post("/api/v1/emoji-custom.create")
def create() -> Response:
    rt = runtime()
    auth.require_permission("manage-emoji")
    image = _image()
    if image is None:
        raise errors.failure("[No file uploaded]", "No file uploaded")
    data, extension = image
    _check_size(rt, data)
    name, aliases = _validated(rt, request.form.get("name"), request.form.get("aliases"), None)
    now = rt.clock.now_ms()
    rt.store.insert(
        "custom_emoji",
        {
            "_id": rt.ids.meteor_id(),
            "name": name,
            "aliases": aliases,
            "extension": extension,
            "etag": rt.ids.meteor_id(),
            "data": base64.b64encode(data).decode(),
            "contentType": request.files["emoji"].mimetype,
            "_updatedAt": now,
        },
    )
    return jsonify({"success": True})


@blueprint.post("/api/v1/emoji-custom.update")
def update() -> Response:
    rt = runtime()
    auth.require_permission("manage-emoji")
    emoji_id = request.form.get("_id")
    if not emoji_id:
        missing = 'The required "_id" query param is missing.'
        raise errors.failure(f"[{missing}]", missing)
    doc = rt.store.get("custom_emoji", emoji_id)
    if doc is None:
        raise errors.failure("[Emoji not found.]", "Emoji not found.")
    name, aliases = _validated(
        rt, request.form.get("name"), request.form.get("aliases"), doc["_id"]
    )
    changes: Doc = {"name": name, "aliases": aliases, "_updatedAt": rt.clock.now_ms()}
    image = _image()
    if image is not None:
        data, extension = image
        _check_size(rt, data)
        changes.update(
            data=base64.b64encode(data).decode(),
            extension=extension,
            contentType=request.files["emoji"].mimetype,
            etag=rt.ids.meteor_id(),
        )
    rt.store.update("custom_emoji", emoji_id, changes)
    return jsonify({"success": True})


@blueprint.post("/api/v1/emoji-custom.delete")
def delete() -> Response:
    rt = runtime()
    auth.require_permission("manage-emoji")
    emoji_id = inputs.body().get("emojiId")
    if not emoji_id:
        raise errors.failure('The "emojiId" params is required!')
    doc = rt.store.get("custom_emoji", emoji_id) if isinstance(emoji_id, str) else None
    if doc is None:
        raise errors.meteor_error(
            errors.EMOJI_INVALID, "Invalid emoji", {"method": "deleteEmojiCustom"}
        )
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.delete("custom_emoji", emoji_id)
        trashed = {k: v for k, v in doc.items() if k not in ("data", "contentType")}
        rt.store.upsert("custom_emoji_trash", {**trashed, "_deletedAt": now, "_updatedAt": now})
    return jsonify({"success": True})


@blueprint.get("/emoji-custom/<path:file_name>")
def image(file_name: str) -> Response:
    rt = runtime()
    name = file_name.rsplit(".", 1)[0]
    found = [e for e in rt.store.find("custom_emoji", "names", name) if e["name"] == name]
    if not found:
        raise errors.not_found()
    doc = found[0]
    response = Response(base64.b64decode(doc["data"]), mimetype=doc["contentType"])
    response.headers["ETag"] = f'"{doc["etag"]}"'
    response.headers["Cache-Control"] = "public, max-age=31536000"
    return response
