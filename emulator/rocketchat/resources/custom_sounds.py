"""Custom sounds: ``custom-sounds.list``, ``.getOne``, ``.create``, ``.update``, ``.delete``
(``v1/custom-sounds.ts``), and the files at ``/custom-sounds/<id>.<extension>``.

``create``/``update`` take a multipart ``sound`` file and ``name`` (``_id`` too for ``update``);
their refusals are ``API.v1.failure(error.message)``: the Meteor error's text, no ``errorType``.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, jsonquery, models, wire
from ..models import custom_sounds

blueprint = Blueprint("rc_custom_sounds", __name__)

Doc = dict[str, Any]
# getMimeTypeFromFileName for the audio types the server accepts
AUDIO_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
NOT_FOUND = "Custom Sound not found."


def _message(refusal: models.Refused) -> errors.RocketError:
    return errors.plain(f"{refusal.reason} [{refusal.code}]" if refusal.reason else refusal.code)


def _upload() -> tuple[bytes, str, str] | None:
    """(data, MIME type, extension) of the ``sound`` part, by its file name as upstream."""
    upload = request.files.get("sound")
    if upload is None:
        return None
    filename = upload.filename or ""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    mime = AUDIO_TYPES.get(extension)
    if mime is None:
        raise errors.plain("MIME type not allowed")
    data = upload.read()
    limit = models.setting(runtime(), "FileUpload_MaxFileSize")
    if limit is not None and limit >= 0 and len(data) > limit:
        raise errors.plain("[error-file-too-large]")
    return data, mime, extension


@blueprint.get("/api/v1/custom-sounds.list")
def list_sounds() -> Response:
    rt, user = auth.runtime_and_user()
    offset, count, sort = inputs.pagination(rt)
    query, _fields = jsonquery.json_query(rt, user)
    name = request.args.get("name")
    found = [custom_sounds.public(s) for s in rt.store.all("custom_sounds")]
    found = [s for s in found if jsonquery.matches(s, query)]
    if name:
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        found = [s for s in found if pattern.search(s["name"])]
    found = jsonquery.sort_docs(found, sort, {"name": 1})
    page = found[offset : None if count is None else offset + count]
    return jsonify(
        {
            "sounds": [wire.rest_dates(s) for s in page],
            "count": len(page),
            "offset": offset,
            "total": len(found),
            "success": True,
        }
    )


@blueprint.get("/api/v1/custom-sounds.getOne")
def get_one() -> Response:
    rt, _user = auth.runtime_and_user()
    sound_id = request.args.get("_id")
    if sound_id is None:
        raise errors.failure("must have required property '_id'", errors.ERROR_INVALID_PARAMS)
    sound = rt.store.get("custom_sounds", sound_id)
    if sound is None:
        raise errors.not_found(NOT_FOUND)
    return jsonify({"sound": wire.rest_dates(custom_sounds.public(sound)), "success": True})


@blueprint.post("/api/v1/custom-sounds.create")
def create() -> Response:
    rt = runtime()
    auth.require_permission("manage-sounds")
    upload = _upload()
    if upload is None:
        raise errors.failure("[No file uploaded]", "No file uploaded")
    data, mime, extension = upload
    try:
        sound = custom_sounds.create_sound(rt, request.form.get("name"), extension, data, mime)
    except models.Refused as refusal:
        raise _message(refusal) from None
    return jsonify({"sound": {"_id": sound["_id"]}, "success": True})


@blueprint.post("/api/v1/custom-sounds.update")
def update() -> Response:
    rt = runtime()
    auth.require_permission("manage-sounds")
    upload = _upload()
    sound_id = request.form.get("_id")
    if not sound_id or rt.store.get("custom_sounds", sound_id) is None:
        raise errors.plain(NOT_FOUND)
    try:
        custom_sounds.update_sound(rt, sound_id, request.form.get("name"), upload)
    except models.Refused as refusal:
        raise _message(refusal) from None
    return jsonify({"success": True})


@blueprint.post("/api/v1/custom-sounds.delete")
def delete() -> Response:
    rt = runtime()
    auth.require_permission("manage-sounds")
    params = inputs.body()
    if "_id" not in params:
        raise errors.failure("must have required property '_id'", errors.INVALID_PARAMS)
    try:
        custom_sounds.delete_sound(rt, params["_id"])
    except models.Refused as refusal:
        raise errors.plain(refusal.code) from None
    return jsonify({"success": True})


@blueprint.get("/custom-sounds/<sound_id>.<extension>")
def sound_file(sound_id: str, extension: str) -> Response:
    sound = runtime().store.get("custom_sounds", sound_id)
    if sound is None or sound["extension"] != extension:
        return Response(status=404)
    return Response(base64.b64decode(sound["data"]), mimetype=sound["contentType"])
