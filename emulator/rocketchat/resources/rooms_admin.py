"""``rooms.*`` settings, administration, exports, discussions and images (``v1/rooms.ts``), and
``uploads.delete``."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.pagination import page_slice
from .. import auth, errors, inputs, models, wire
from ._room_family import save_settings
from ._rooms_common import ok, page, params, parse_date, sorted_by, text_param
from .rooms import _find_room

blueprint = Blueprint("rc_rooms_admin", __name__, url_prefix="/api/v1")

Doc = dict

# ``adminFields``: what the administration lists show of a room.
ADMIN_FIELDS = (
    "_id",
    "prid",
    "fname",
    "name",
    "t",
    "cl",
    "u",
    "usernames",
    "ts",
    "usersCount",
    "muted",
    "unmuted",
    "ro",
    "default",
    "favorite",
    "featured",
    "reactWhenReadOnly",
    "topic",
    "msgs",
    "archived",
    "teamId",
    "teamMain",
    "announcement",
    "description",
    "broadcast",
    "uids",
    "avatarETag",
    "federated",
    "customFields",
)


def _admin_room(room: Doc) -> Doc:
    return wire.room({k: room[k] for k in ADMIN_FIELDS if k in room})


def _require_room_administration(rt, user: Doc) -> None:
    """``findAdminRooms``' plain ``Error('error-not-authorized')``."""
    if not models.has_permission(rt, user, "view-room-administration"):
        raise errors.plain(errors.NOT_AUTHORIZED)


@blueprint.post("/rooms.saveNotification")
def save_notification() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room_id, notifications = args.get("roomId"), args.get("notifications")
    if not room_id:
        raise errors.plain("The 'roomId' param is required")
    if not isinstance(notifications, dict) or not notifications:
        raise errors.plain("The 'notifications' param is required")
    try:
        for field, value in notifications.items():
            models.save_notification_setting(rt, user, room_id, field, value)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.get("/rooms.adminRooms")
def admin_rooms() -> Response:
    rt, user = auth.runtime_and_user()
    _require_room_administration(rt, user)
    args = request.args
    types = args.getlist("types") or args.getlist("types[]")
    term = (args.get("filter") or "").strip().lower()
    shown = [t for t in types if t not in ("discussions", "teams")]
    found = []
    for room in rt.store.all("rooms"):
        if room.get("prid") and "discussions" not in types:
            continue
        if types and not (
            room["t"] in shown
            or ("discussions" in types and room.get("prid"))
            or ("teams" in types and room.get("teamMain"))
        ):
            continue
        names = (room.get("name") or "", room.get("fname") or "")
        if term and not any(term in n.lower() for n in names):
            continue
        found.append(room)
    return page(rt, "rooms", found, _admin_room, {"ts": -1})


@blueprint.get("/rooms.adminRooms.getRoom")
def admin_rooms_get_room() -> Response:
    rt, user = auth.runtime_and_user()
    _require_room_administration(rt, user)
    room = rt.store.get("rooms", request.args.get("rid") or "")
    if room is None:
        raise errors.failure("not-allowed", "Not Allowed")
    return ok(**_admin_room(room))


@blueprint.post("/rooms.join")
def rooms_join() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room = _find_room(rt, args)
    try:
        models.join_room(rt, room, user, args.get("joinCode"))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(room=wire.room(rt.store.get("rooms", room["_id"])))


@blueprint.post("/rooms.saveRoomSettings")
def save_room_settings() -> Response:
    rt, user = auth.runtime_and_user()
    args = dict(inputs.body())
    rid = args.pop("rid", None)
    if not isinstance(rid, str):
        raise errors.meteor_error(
            errors.INVALID_ROOM, "Invalid room", {"method": "saveRoomSettings"}
        )
    # an unknown room is refused after the unknown keys, as the method does
    save_settings(rt, user, rt.store.get("rooms", rid), args)
    return ok(rid=rid)


@blueprint.post("/rooms.changeArchivationState")
def change_archivation_state() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    try:
        models.set_archived(rt, user, args.get("rid"), args.get("action") == "archive")
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/rooms.export")
def rooms_export() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    rid, kind = args.get("rid"), args.get("type")
    if not isinstance(rid, str):
        raise errors.invalid_params("must have required property 'rid'")
    if kind not in ("email", "file"):
        raise errors.invalid_params("must be equal to one of the allowed values")
    options = {
        "dateFrom": parse_date(args.get("dateFrom")),
        "dateTo": parse_date(args.get("dateTo")),
        "format": args.get("format"),
        "toUsers": args.get("toUsers") if isinstance(args.get("toUsers"), list) else [],
        "toEmails": args.get("toEmails") if isinstance(args.get("toEmails"), list) else [],
        "subject": args.get("subject") if isinstance(args.get("subject"), str) else "",
        "messages": args.get("messages") if isinstance(args.get("messages"), list) else [],
    }
    try:
        result = models.export_room(rt, user, rid, kind, options)
    except models.Refused as refused:
        if refused.reason is None:  # thrown as ``Meteor.Error(code)``: "[code]"
            raise errors.meteor_error(refused.code) from None
        raise errors.refused(refused) from None
    return ok(**result)


@blueprint.post("/rooms.createDiscussion")
def create_discussion() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    prid, name, users = args.get("prid"), args.get("t_name"), args.get("users")
    encrypted = args.get("encrypted")
    if not prid:
        raise errors.plain('Body parameter "prid" is required.')
    if not name:
        raise errors.plain('Body parameter "t_name" is required.')
    if users is not None and not isinstance(users, list):
        raise errors.plain('Body parameter "users" must be an array.')
    if encrypted is not None and not isinstance(encrypted, bool):
        raise errors.plain('Body parameter "encrypted" must be a boolean when included.')
    if not isinstance(prid, str) or not isinstance(name, str):
        raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room")
    try:
        discussion = models.create_discussion(
            rt,
            user,
            prid,
            name,
            pmid=text_param(args.get("pmid")),
            reply=text_param(args.get("reply")),
            users=[u for u in users or [] if isinstance(u, str) and u],
            encrypted=encrypted,
            topic=text_param(args.get("topic")),
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(discussion=wire.room(discussion))


@blueprint.get("/rooms.images")
def rooms_images() -> Response:
    rt, user = auth.runtime_and_user()
    args = request.args
    room_id = args.get("roomId")
    if not room_id:
        raise errors.invalid_params("must have required property 'roomId'")
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.forbidden("unauthorized")
    images = [
        u
        for u in rt.store.find("uploads", "rid", room_id)
        if str(u.get("type", "")).startswith("image/") and u.get("complete", True)
    ]
    first = rt.store.get("uploads", args.get("startingFromId") or "")
    if first is not None:
        images = [u for u in images if u["uploadedAt"] <= first["uploadedAt"]]
    ordered = sorted_by(images, None, {"uploadedAt": -1})
    offset, count, _ = inputs.pagination(rt)
    chunk = page_slice(ordered, offset, count)
    if first is not None and all(u["_id"] != first["_id"] for u in chunk):
        chunk.insert(0, first)
    # (sic: upstream answers the requested count, not the number of files)
    return ok(files=[wire.upload(u) for u in chunk], count=count, offset=offset, total=len(images))


@blueprint.get("/rooms.membersOrderedByRole")
def members_ordered_by_role() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    room = _find_room(rt, args)
    if not models.can_access_room(rt, room, user):
        raise errors.not_found(errors.ROOM_NOT_FOUND_ANY)
    if room["t"] not in ("c", "p"):
        raise errors.plain(errors.ROOM_TYPE_NOT_SUPPORTED)
    if room.get("broadcast") and not models.has_permission(
        rt, user, "view-broadcast-member-list", room["_id"]
    ):
        raise errors.unauthorized_result()
    members = models.members_by_role(rt, room)
    status = request.args.getlist("status") or request.args.getlist("status[]")
    if status:
        members = [m for m in members if m.get("status") in status]
    term = (args.get("filter") or "").lower()
    if term:
        members = [
            m
            for m in members
            if term in m["username"].lower() or term in (m.get("name") or "").lower()
        ]
    offset, count, _ = inputs.pagination(rt)
    chunk = page_slice(members, offset, count)

    def render(member: Doc) -> Doc:
        return {**wire.member(member), "roles": member["roles"]}

    rendered = [render(m) for m in chunk]
    return ok(members=rendered, count=len(chunk), offset=offset, total=len(members))


@blueprint.post("/uploads.delete")
def uploads_delete() -> Response:
    rt, user = auth.runtime_and_user()
    file_id = inputs.body().get("fileId")
    if not isinstance(file_id, str):
        raise errors.invalid_params("must have required property 'fileId'")
    upload = rt.store.get("uploads", file_id)
    room = rt.store.get("rooms", upload["rid"]) if upload else None
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.not_found()
    try:
        deleted = models.delete_upload(rt, user, upload)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(deletedFiles=deleted)
