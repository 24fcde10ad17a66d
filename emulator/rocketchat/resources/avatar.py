"""Avatars: ``users.setAvatar``/``resetAvatar``/``getAvatar`` and ``GET /avatar/:username``.

Without an uploaded image the server draws the user's initial on a colour picked from the name
(``server/routes/avatar``), so the answer is deterministic. ``avatarUrl`` is recorded as the
avatar's origin; the emulator makes no outbound request to fetch it.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, jsonify, request

from ...core.pagination import int_param
from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire

blueprint = Blueprint("rc_avatar", __name__)


@blueprint.post("/api/v1/users.setAvatar")
def set_avatar() -> Response:
    rt, me = auth.runtime_and_user()
    can_edit_others = models.has_permission(rt, me, "edit-other-user-avatar")
    if not models.setting(rt, "Accounts_AllowUserAvatarChange") and not can_edit_others:
        raise errors.meteor_error(
            errors.NOT_ALLOWED, "Change avatar is not allowed", {"method": "users.setAvatar"}
        )
    params = request.form.to_dict() if request.files else inputs.body()
    for key in ("avatarUrl", "userId", "username"):
        if key in params and not isinstance(params[key], str):
            raise errors.invalid_params(f"/{key} must be string")
    if inputs.is_user_from_params(params, me):
        user = me
    elif can_edit_others:
        user = inputs.user_from_params(rt, params)
    else:
        raise errors.unauthorized_result()
    if params.get("avatarUrl"):
        models.set_avatar(rt, user, "url", None, "")
        return jsonify({"success": True})
    image = request.files.get("image")
    if image is None:
        raise errors.failure("The 'image' param is required")
    data = image.read()
    limit = models.setting(rt, "FileUpload_MaxFileSize")
    if limit is not None and limit >= 0 and len(data) > limit:
        raise errors.meteor_error(
            errors.FILE_TOO_LARGE, "File size exceeds the allowed limit", {"limit": limit}
        )
    content_type = image.mimetype or "application/octet-stream"
    if not content_type.startswith("image/"):
        raise errors.meteor_error(errors.INVALID_IMAGE, "Invalid image")
    models.set_avatar(rt, user, "rest", data, content_type)
    return jsonify({"success": True})


@blueprint.post("/api/v1/users.resetAvatar")
def reset_avatar() -> Response:
    rt, me = auth.runtime_and_user()
    user = inputs.user_from_params(rt, inputs.body())
    own = user["_id"] == me["_id"] and models.setting(rt, "Accounts_AllowUserAvatarChange")
    if not own and not (
        models.has_permission(rt, me, "edit-other-user-avatar")
        or models.has_permission(rt, me, "manage-moderation-actions")
    ):
        raise errors.meteor_error(
            errors.NOT_ALLOWED, "Reset avatar is not allowed", {"method": "users.resetAvatar"}
        )
    models.reset_avatar(rt, user)
    return jsonify({"success": True})


@blueprint.get("/api/v1/users.getAvatar")
def get_avatar_url() -> Response:
    rt = runtime()
    user = inputs.user_from_params(rt, request.args)
    url = f"{models.setting(rt, 'Site_Url').rstrip('/')}/avatar/{user['username']}"
    response = jsonify(url)
    response.status_code = 307
    response.headers["Location"] = url
    return response


def _svg(name: str) -> Response:
    size = int_param(request.args, "size", 200)
    if not 16 <= size <= 1024:
        size = 200
    response = Response(wire.avatar_svg(name, size), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=0"
    response.headers["Expires"] = "-1"
    response.headers["Last-Modified"] = "Thu, 01 Jan 2015 00:00:00 GMT"
    return response


def _stored(owner_id: str) -> Response | None:
    stored = runtime().store.get("avatars", owner_id)
    if stored is None:
        return None
    response = Response(base64.b64decode(stored["data"]), mimetype=stored["contentType"])
    response.headers["Cache-Control"] = "public, max-age=0"
    response.headers["ETag"] = f'"{stored["etag"]}"'
    return response


def _initials_of(user: dict) -> str:
    """``UI_Use_Name_Avatar`` draws the real name's initials, else the username's."""
    if models.setting(runtime(), "UI_Use_Name_Avatar") and user.get("name"):
        return user["name"]
    return user["username"]


@blueprint.get("/avatar/room/<path:room_id>")
def room_avatar(room_id: str) -> Response:
    """A room's uploaded avatar (a discussion without one shows its parent's), else its name's
    initials; 404 for no such room."""
    rt = runtime()
    room = rt.store.get("rooms", room_id)
    if room is None:
        return Response(status=404)
    owner = room
    while rt.store.get("avatars", owner["_id"]) is None and owner.get("prid"):
        parent = rt.store.get("rooms", owner["prid"])
        if parent is None:
            break
        owner = parent
    return _stored(owner["_id"]) or _svg(room.get("fname") or room.get("name") or room_id)


@blueprint.get("/avatar/uid/<path:user_id>")
def user_avatar_by_id(user_id: str) -> Response:
    stored = _stored(user_id)
    if stored is not None:
        return stored
    user = runtime().store.get("users", user_id)
    return _svg(_initials_of(user) if user else user_id)


@blueprint.get("/avatar/<path:name>")
def avatar(name: str) -> Response:
    """``/avatar/@name`` always draws the initials; ``/avatar/<username>`` serves the uploaded
    avatar when there is one."""
    if name.startswith("@"):
        return _svg(name[1:])
    user = models.find_user_by_username(runtime(), name)
    if user is None:
        return _svg(name)
    return _stored(user["_id"]) or _svg(_initials_of(user))
