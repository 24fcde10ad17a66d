"""Rooms of any type: ``rooms.*`` (``v1/rooms.ts``) and the files served under ``/file-upload``."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.disposition import content_disposition
from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ._room_family import leave
from ._rooms_common import ok, params, parse_date, text_param, truthy, updated_since

blueprint = Blueprint("rc_rooms", __name__)

Doc = dict


def _find_room(rt: Runtime, args: Doc, checked_archived: bool = False) -> Doc:
    """``findRoomByIdOrName``."""
    room_id, room_name = text_param(args.get("roomId")), text_param(args.get("roomName"))
    if room_id is None and room_name is None:
        raise errors.meteor_error(errors.ROOMID_PARAM_NOT_PROVIDED, errors.ROOM_PARAM_REQUIRED)
    room = models.room_by_id_or_name(rt, room_id, room_name)
    if room is None:
        raise errors.meteor_error(errors.ROOM_NOT_FOUND, errors.CHANNEL_NOT_FOUND)
    if checked_archived and room.get("archived"):
        raise errors.room_archived("channel", room.get("name"))
    return room


@blueprint.get("/api/v1/rooms.get")
def rooms_get() -> Response:
    rt, user = auth.runtime_and_user()
    subs = rt.store.find("subscriptions", "user", user["_id"])
    rooms = [r for r in (rt.store.get("rooms", s["rid"]) for s in subs) if r is not None]
    since = updated_since(
        params().get("updatedSince"),
        errors.UPDATED_SINCE_PARAM_INVALID,
        errors.UPDATED_SINCE_NOT_A_DATE,
    )
    if since is None:
        return ok(update=[wire.room(r) for r in rooms], remove=[])
    removed = []
    for trashed_sub in rt.store.find("trash", "sub_user", user["_id"]):
        for gone in rt.store.find("trash", "room", trashed_sub["rid"]):
            if gone["_deletedAt"] > since:
                removed.append(wire.trashed(gone))
    return ok(
        update=[wire.room(r) for r in rooms if r["_updatedAt"] > since],
        remove=list({r["_id"]: r for r in removed}.values()),
    )


@blueprint.get("/api/v1/rooms.info")
def rooms_info() -> Response:
    rt, user = auth.runtime_and_user()
    room = _find_room(rt, params())
    if not models.can_access_room(rt, room, user):
        raise errors.failure("not-allowed", "Not Allowed")
    body = {"room": wire.room(room)}
    if room.get("teamId"):
        team = rt.store.get("teams", room["teamId"])
        if team is not None:
            body["team"] = wire.team(team)
    return ok(**body)


@blueprint.post("/api/v1/rooms.favorite")
def rooms_favorite() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room = _find_room(rt, args, checked_archived=True)
    sub = models.subscription(rt, room["_id"], user["_id"])
    if sub is None:
        raise errors.meteor_error(
            errors.INVALID_SUBSCRIPTION,
            "You must be joined to favorite this room",
            {"method": "toggleFavorite"},
        )
    models.update_subscription(rt, sub, {"f": truthy(args.get("favorite", True))})
    return ok()


@blueprint.post("/api/v1/rooms.leave")
def rooms_leave() -> Response:
    rt, user = auth.runtime_and_user()
    leave(rt, _find_room(rt, inputs.body(), checked_archived=True), user)
    return ok()


@blueprint.post("/api/v1/rooms.cleanHistory")
def rooms_clean_history() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    for key in ("latest", "oldest"):
        if not isinstance(args.get(key), str):
            raise errors.invalid_params(f"must have required property '{key}'")
    room = _find_room(rt, args, checked_archived=True)
    if not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.NOT_ALLOWED, "User does not have access to the room")
    latest, oldest = parse_date(args["latest"]), parse_date(args["oldest"])
    if latest is None or oldest is None:
        raise errors.invalid_params('must match format "date-time"')
    if not models.has_permission(rt, user, "clean-channel-history", room["_id"]):
        raise errors.not_allowed("cleanRoomHistory")
    users = args.get("users") or []
    if not isinstance(users, list):
        raise errors.invalid_params("must be array")
    count = models.clean_history(
        rt,
        room,
        latest,
        oldest,
        truthy(args.get("inclusive", False)),
        truthy(args.get("excludePinned", False)),
        truthy(args.get("filesOnly", False)),
        [u for u in users if isinstance(u, str)],
        truthy(args.get("ignoreThreads", False)),
    )
    return ok(_id=room["_id"], count=count)


# -- uploads ----------------------------------------------------------------------------------


def _upload_room(rt: Runtime, user: Doc, rid: str) -> Doc:
    room = rt.store.get("rooms", rid)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.forbidden("unauthorized")
    return room


def _received_file(rt: Runtime) -> tuple[str, str, bytes]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise errors.failure("[No file uploaded]", "No file uploaded")
    data = upload.read()
    limit = models.setting(rt, "FileUpload_MaxFileSize")
    if not models.setting(rt, "FileUpload_Enabled"):
        raise errors.meteor_error(errors.FILE_UPLOAD_DISABLED, "File upload is disabled")
    if limit is not None and limit >= 0 and len(data) > limit:
        raise errors.meteor_error(errors.FILE_TOO_LARGE)
    return upload.filename, upload.mimetype or "application/octet-stream", data


def _stored_upload(rid: str) -> tuple[Runtime, Doc, Doc, Doc]:
    """The caller's file, received and stored for room ``rid``: (runtime, user, room, upload)."""
    rt, user = auth.runtime_and_user()
    room = _upload_room(rt, user, rid)
    name, content_type, data = _received_file(rt)
    return rt, user, room, models.store_upload(rt, room, user, name, content_type, data)


@blueprint.post("/api/v1/rooms.media/<rid>")
def rooms_media(rid: str) -> Response:
    _, _, _, doc = _stored_upload(rid)
    return ok(file={"_id": doc["_id"], "url": doc["url"]})


def _form_text(args: Doc, key: str) -> str:
    value = args.get(key)
    return value if isinstance(value, str) else ""


@blueprint.post("/api/v1/rooms.mediaConfirm/<rid>/<file_id>")
def rooms_media_confirm(rid: str, file_id: str) -> Response:
    rt, user = auth.runtime_and_user()
    room = _upload_room(rt, user, rid)
    upload = rt.store.get("uploads", file_id)
    if upload is None or upload["rid"] != room["_id"] or upload["userId"] != user["_id"]:
        raise errors.meteor_error(errors.INVALID_FILE)
    args = inputs.body()
    description = _form_text(args, "description")
    if models.exceeds_max_size(rt, description):
        raise errors.meteor_error(errors.MESSAGE_SIZE_EXCEEDED)
    try:
        message = models.send_file_message(
            rt,
            room,
            user,
            upload,
            _form_text(args, "msg"),
            _form_text(args, "description"),
            text_param(args.get("tmid")),
        )
    except models.SendRefused as refused:
        raise errors.refused(refused) from None
    return ok(message=wire.message(message))


@blueprint.post("/api/v1/rooms.upload/<rid>")
def rooms_upload(rid: str) -> Response:
    rt, user, room, upload = _stored_upload(rid)
    form = request.form
    try:
        message = models.send_file_message(
            rt,
            room,
            user,
            upload,
            form.get("msg", ""),
            form.get("description", ""),
            form.get("tmid") or None,
        )
    except models.SendRefused as refused:
        raise errors.refused(refused) from None
    return ok(message=wire.message(message))


@blueprint.get("/file-upload/<file_id>/<path:name>")
def file_upload(file_id: str, name: str) -> Response:
    """The file itself, for a logged-in user who can read its room (``FileUpload_ProtectFiles``)."""
    rt = runtime()
    caller = auth.authenticate(rt, request.environ)
    upload = rt.store.get("uploads", file_id)
    room = rt.store.get("rooms", upload["rid"]) if upload else None
    if caller is None or room is None or not models.can_access_room(rt, room, caller.user):
        return Response(status=403)
    content = models.upload_content(rt, file_id)
    if content is None:
        return Response(status=404)
    response = Response(content, mimetype=upload["type"])
    response.headers["Content-Disposition"] = content_disposition("inline", upload["name"])
    response.headers["Cache-Control"] = "max-age=31536000"
    return response


@blueprint.post("/api/v1/rooms.delete")
def rooms_delete() -> Response:
    rt, user = auth.runtime_and_user()
    room_id = text_param(inputs.body().get("roomId"))
    if room_id is None:
        raise errors.invalid_params("must have required property 'roomId'")
    room = rt.store.get("rooms", room_id)
    method = {"method": "eraseRoom"}
    if room is None:
        raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room", method)
    if room.get("teamMain"):
        raise errors.meteor_error(
            errors.CANNOT_DELETE_TEAM_CHANNEL, "Cannot delete a team channel", method
        )
    if not models.has_permission(rt, user, f"delete-{room['t']}", room["_id"]):
        raise errors.not_allowed("eraseRoom")
    models.delete_room(rt, room)
    return ok()
