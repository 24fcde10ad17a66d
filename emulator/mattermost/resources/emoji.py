"""``api4/emoji.go``: custom emoji."""

from __future__ import annotations

import base64
import json
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire

blueprint = Blueprint("mm_emoji", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
MAX_EMOJI_FILE_SIZE = 1 << 20
SEARCH_LIMIT = 200
AUTOCOMPLETE_LIMIT = 100
NAMES_LIMIT = 200


def _enabled(rt: Runtime, status: int = 501) -> None:
    """The feature gate: 501 where the handler checks it, 403 where only the app layer does
    (lookups by name, search, autocomplete, delete)."""
    if not models.get_config(rt)["ServiceSettings"]["EnableCustomEmoji"]:
        raise errors.AppError(status, errors.EMOJI_DISABLED)


def _any_team_permission(rt: Runtime, user: Doc, permission: str) -> bool:
    """System permission, or the permission in any team the user belongs to."""
    if permissions.has_system_permission(user, permission):
        return True
    return any(
        permissions.has_team_permission(rt, user, m["team_id"], permission)
        for m in rt.store.find("team_members", "user_id", user["id"])
        if not m["delete_at"]
    )


def _load(rt: Runtime, emoji_id: str) -> Doc:
    emoji = rt.store.get("emoji", inputs.id_param(emoji_id, "emoji_id"))
    if emoji is None or emoji["delete_at"]:
        raise errors.not_found(errors.EMOJI_NOT_FOUND, f"emoji_id={emoji_id}")
    return emoji


def _live(rt: Runtime) -> list[Doc]:
    return [e for e in rt.store.all("emoji") if not e["delete_at"]]


@blueprint.post("/emoji")
def create_emoji() -> Response:
    rt, user = authentication.caller()
    _enabled(rt)
    if (request.content_length or 0) > MAX_EMOJI_FILE_SIZE:
        raise errors.AppError(413, errors.EMOJI_TOO_LARGE)
    if not request.content_type or not request.content_type.startswith("multipart/form-data"):
        raise errors.bad_request(errors.EMOJI_PARSE)
    if not _any_team_permission(rt, user, "create_emojis"):
        raise errors.permission_denied(user["id"], "create_emojis")
    raw = request.form.get("emoji")
    if not raw:
        raise errors.invalid_body_param("emoji")
    try:
        spec = json.loads(raw)
    except ValueError:
        raise errors.invalid_body_param("emoji") from None
    if not isinstance(spec, dict):
        raise errors.invalid_body_param("emoji")
    name = spec.get("name")
    if not models.is_valid_emoji_name(name):
        raise errors.AppError(400, errors.EMOJI_NAME_INVALID, f"name={name}")
    if spec.get("creator_id") != user["id"]:
        raise errors.AppError(401, errors.EMOJI_OTHER_USER)
    if rt.store.find_one("emoji", "name", name) is not None:
        raise errors.bad_request(errors.EMOJI_DUPLICATE)
    image = request.files.get("image")
    if image is None:
        raise errors.invalid_body_param("createEmoji")
    data = image.read()
    kind = models.image_type(data)
    if kind is None:
        raise errors.bad_request(errors.EMOJI_IMAGE_INVALID)
    emoji = models.create_emoji(rt, creator_id=user["id"], name=name, image=data, kind=kind)
    return jsonify(wire.emoji(emoji))


@blueprint.get("/emoji")
def list_emoji() -> Response:
    rt = runtime()
    authentication.current_user()
    _enabled(rt)
    sort = request.args.get("sort", "")
    if sort not in ("", "name"):
        raise errors.invalid_url_param("sort")
    page, per_page = inputs.paging()
    emojis = sorted(
        _live(rt), key=(lambda e: e["name"]) if sort else (lambda e: (e["create_at"], e["id"]))
    )
    return jsonify([wire.emoji(e) for e in emojis[page * per_page : (page + 1) * per_page]])


@blueprint.get("/emoji/<emoji_id>")
def get_emoji(emoji_id: str) -> Response:
    rt = runtime()
    authentication.current_user()
    inputs.id_param(emoji_id, "emoji_id")
    _enabled(rt)
    return jsonify(wire.emoji(_load(rt, emoji_id)))


@blueprint.get("/emoji/name/<emoji_name>")
def get_emoji_by_name(emoji_name: str) -> Response:
    rt = runtime()
    authentication.current_user()
    if not emoji_name or len(emoji_name) > 64 or not models.EMOJI_NAME_RE.match(emoji_name):
        raise errors.invalid_url_param("emoji_name")
    _enabled(rt, 403)
    emoji = rt.store.find_one("emoji", "name", emoji_name)
    if emoji is None:
        raise errors.not_found(errors.EMOJI_NAME_NOT_FOUND, f"name={emoji_name}")
    return jsonify(wire.emoji(emoji))


@blueprint.delete("/emoji/<emoji_id>")
def delete_emoji(emoji_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(emoji_id, "emoji_id")
    _enabled(rt, 403)
    emoji = _load(rt, emoji_id)
    if not _any_team_permission(rt, user, "delete_emojis"):
        raise errors.permission_denied(user["id"], "delete_emojis")
    if emoji["creator_id"] != user["id"] and not _any_team_permission(
        rt, user, "delete_others_emojis"
    ):
        raise errors.permission_denied(user["id"], "delete_others_emojis")
    models.delete_emoji(rt, emoji)
    return jsonify(wire.status_ok())


@blueprint.get("/emoji/<emoji_id>/image")
def get_emoji_image(emoji_id: str) -> Response:
    rt = runtime()
    authentication.current_user()
    inputs.id_param(emoji_id, "emoji_id")
    _enabled(rt)
    emoji = _load(rt, emoji_id)
    image = rt.store.get("emoji_images", emoji["id"])
    if image is None:
        raise errors.not_found(errors.EMOJI_NOT_FOUND, f"emoji_id={emoji_id}")
    response = Response(base64.b64decode(image["data"]), mimetype=f"image/{image['type']}")
    response.headers["Cache-Control"] = "max-age=2592000, private"
    return response


def _search(rt: Runtime, term: str, prefix_only: bool, limit: int) -> list[Doc]:
    term = term.lower()
    found = [
        e for e in _live(rt) if (e["name"].startswith(term) if prefix_only else term in e["name"])
    ]
    return [wire.emoji(e) for e in sorted(found, key=lambda e: e["name"])[:limit]]


@blueprint.post("/emoji/search")
def search_emoji() -> Response:
    rt = runtime()
    authentication.current_user()
    body = inputs.json_object("term")
    term = body.get("term")
    if not isinstance(term, str) or not term:
        raise errors.invalid_body_param("term")
    _enabled(rt, 403)
    return jsonify(_search(rt, term, body.get("prefix_only") is True, SEARCH_LIMIT))


@blueprint.get("/emoji/autocomplete")
def autocomplete_emoji() -> Response:
    rt = runtime()
    authentication.current_user()
    name = request.args.get("name", "")
    if not name:
        raise errors.invalid_url_param("name")
    _enabled(rt, 403)
    return jsonify(_search(rt, name, True, AUTOCOMPLETE_LIMIT))


@blueprint.post("/emoji/names")
def get_emojis_by_names() -> Response:
    rt, _ = authentication.caller()
    names = inputs.json_body(required=False)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise errors.bad_request(errors.PAYLOAD_PARSE)
    if not names:
        raise errors.invalid_body_param("names")
    if len(names) > NAMES_LIMIT:
        raise errors.bad_request(errors.EMOJI_NAMES_TOO_MANY, MaxNames=str(NAMES_LIMIT))
    _enabled(rt)
    found = (rt.store.find_one("emoji", "name", n) for n in sorted(set(names)))
    return jsonify([wire.emoji(e) for e in found if e is not None])
