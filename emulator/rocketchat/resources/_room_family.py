"""``channels.*`` and ``groups.*``: near twins upstream (``v1/channels.ts``, ``v1/groups.ts``).

``Family`` holds what differs (room type, response keys, error texts) and ``register_family`` mounts
the common routes on a family's blueprint.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ._rooms_common import (
    Doc,
    counters,
    files_page,
    history,
    members_page,
    messages_page,
    ok,
    page,
    params,
    target_user,
    target_users,
    text_param,
    truthy,
)

# -- channels and groups ----------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    prefix: str  # "channels" / "groups"
    room_type: str  # "c" / "p"
    one: str  # response key for a room: "channel" / "group"
    many: str  # response key for a list: "channels" / "groups"
    noun: str  # in error texts: "channel" / "private group"
    not_found: str
    param_error: str  # errorType when neither roomId nor roomName is given


def find_room(rt: Runtime, family: Family, user: Doc, args: Doc, checked_archived=True) -> Doc:
    """``findChannelByIdOrName`` / ``findPrivateGroupByIdOrName``."""
    room_id, room_name = text_param(args.get("roomId")), text_param(args.get("roomName"))
    if room_id is None and room_name is None:
        raise errors.meteor_error(family.param_error, errors.ROOM_PARAM_REQUIRED)
    room = models.room_by_id_or_name(rt, room_id, room_name)
    if room is None or room["t"] != family.room_type:
        raise errors.meteor_error(errors.ROOM_NOT_FOUND, family.not_found)
    if family.room_type == "p" and not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.ROOM_NOT_FOUND, family.not_found)
    if checked_archived and room.get("archived"):
        raise errors.room_archived(family.noun, room["name"])
    return room


def valid_room_name(rt: Runtime, name: str, room_id: str | None = None) -> None:
    """``getValidRoomName`` (``models.check_room_name``), its refusal as a Meteor error."""
    try:
        models.check_room_name(rt, name, room_id)
    except models.Refused as refused:
        raise errors.refused(refused) from None


def require_edit(rt: Runtime, user: Doc, room: Doc, permission: str = "edit-room") -> None:
    if not models.has_permission(rt, user, permission, room["_id"]):
        raise errors.action_not_allowed(
            "Editing room is not allowed", "saveRoomSettings", "Editing_room"
        )


def leave(rt: Runtime, room: Doc, user: Doc) -> None:
    """``leaveRoomMethod`` (``models.leave_room``), its refusals as Meteor errors."""
    try:
        models.leave_room(rt, room, user)
    except models.Refused as refused:
        raise errors.refused(refused) from None


def register_family(bp: Blueprint, family: Family) -> None:
    """Mount the routes ``channels.*`` and ``groups.*`` share on ``bp``.

    Where the two upstream files differ, ``public`` (channels) picks the channel behaviour.
    """
    p = family.prefix
    public = family.room_type == "c"

    def room_of(user: Doc, args: Doc, checked_archived: bool = True) -> Doc:
        return find_room(runtime(), family, user, args, checked_archived)

    def fresh(room: Doc) -> Doc:
        return wire.room(runtime().store.get("rooms", room["_id"]))

    def denied() -> errors.RocketError:
        """``API.v1.unauthorized()`` in channels.ts, ``API.v1.forbidden()`` in groups.ts."""
        return errors.unauthorized_result() if public else errors.forbidden("unauthorized")

    def route(rule: str, methods: list[str], **options: Any):
        endpoint = f"{p}_{rule.replace('.', '_')}"
        return bp.route(f"/{p}.{rule}", methods=methods, endpoint=endpoint, **options)

    def same_value(what: str) -> errors.RocketError:
        return errors.plain(f"The {family.noun} {what} is the same as what it would be changed to.")

    @route("create", ["POST"])
    def create() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        label = "Param" if public else "Body param"
        # channels.ts checks create-c itself before the body, and createChannel again
        if public and not models.has_permission(rt, user, "create-c"):
            raise denied()
        name = args.get("name")
        if not isinstance(name, str) or not name:
            raise errors.plain(f'{label} "name" is required')
        members = args.get("members", [])
        if members is None:
            members = []
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise errors.plain(f'{label} "members" must be an array if provided')
        users = [rt.store.find_one("users", "username", m.lower()) for m in members]
        try:
            room = models.create_named_room(
                rt,
                user,
                family.room_type,
                name,
                [u for u in users if u is not None],
                truthy(args.get("readOnly", False)),
            )
        except models.Refused as refused:  # the permission as the route's own answer
            if refused.code == errors.NOT_ALLOWED:
                raise denied() from None
            raise errors.refused(refused) from None
        return ok(**{family.one: wire.room(room)})

    @route("info", ["GET"])
    def info() -> Response:
        user = auth.current_user()
        return ok(**{family.one: wire.room(room_of(user, params(), checked_archived=False))})

    @route("history", ["GET"])
    def history_route() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params(), checked_archived=False)
        if not models.can_access_room(rt, room, user):
            raise denied()
        return history(rt, room, user, params(), legacy_paging=not public)

    @route("messages", ["GET"])
    def messages() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params(), checked_archived=not public)
        if public and not models.can_access_room(rt, room, user):
            raise denied()
        return messages_page(rt, room, params())

    @route("members", ["GET"])
    def members() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params(), checked_archived=not public)
        if not models.can_access_room(rt, room, user):
            raise denied()
        return members_page(rt, room, params())

    @route("counters", ["GET"])
    def counters_route() -> Response:
        rt, user = auth.runtime_and_user()
        args = params()
        if (
            public
            and text_param(args.get("userId"))
            and not models.has_permission(rt, user, "view-room-administration")
        ):
            raise denied()
        room_id, room_name = text_param(args.get("roomId")), text_param(args.get("roomName"))
        room = models.room_by_id_or_name(rt, room_id, room_name)
        if room_id is None and room_name is None:
            raise errors.meteor_error(family.param_error, errors.ROOM_PARAM_REQUIRED)
        if room is None or room["t"] != family.room_type:
            raise errors.meteor_error(errors.ROOM_NOT_FOUND, family.not_found)
        if room.get("archived"):
            raise errors.room_archived(family.noun, room["name"])
        return counters(rt, room, user, args, denied())

    @route("files", ["GET"])
    def files() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params(), checked_archived=False)
        if not models.can_access_room(rt, room, user):
            raise denied()
        return files_page(rt, room)

    @route("roles", ["GET"])
    def roles() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params())
        subs = [s for s in rt.store.find("subscriptions", "rid", room["_id"]) if s.get("roles")]
        return ok(roles=[wire.room_role(s) for s in subs])

    @route("moderators", ["GET"])
    def moderators() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, params())
        subs = rt.store.find("subscriptions", "rid", room["_id"])
        return ok(moderators=[s["u"] for s in subs if "moderator" in s.get("roles", [])])

    @route("online", ["GET"])
    def online() -> Response:
        rt, user = auth.runtime_and_user()
        args = params()
        room_id = text_param(args.get("_id"))
        query = args.get("query")
        if room_id is None and isinstance(query, str) and query:
            try:
                parsed = json.loads(query)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict) and isinstance(parsed.get("_id"), str):
                room_id = parsed["_id"]
        if room_id is None:
            raise errors.plain("Invalid query")
        room = rt.store.get("rooms", room_id)
        if room is None or room["t"] != family.room_type:
            raise errors.plain(f"{'Channel' if public else 'Group'} does not exists")
        if not models.can_access_room(rt, room, user):
            raise errors.meteor_error(errors.NOT_ALLOWED, "Not Allowed")
        online_users = []
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            member = rt.store.get("users", sub["u"]["_id"])
            if member is not None and member.get("status", "offline") != "offline":
                online_users.append(wire.user_ref(member))
        return ok(online=online_users)

    @route("leave", ["POST"])
    def leave_route() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, inputs.body())
        leave(rt, room, user)
        if public:
            return ok(channel=fresh(room))
        return ok()

    @route("invite", ["POST"])
    def invite() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        if public:
            room = room_of(user, args)
        else:
            id_or_name = text_param(args.get("roomId")) or text_param(args.get("roomName"))
            if id_or_name is None:
                raise errors.meteor_error(family.param_error, errors.ROOM_PARAM_REQUIRED)
            room = rt.store.get("rooms", id_or_name) or rt.store.find_one(
                "rooms", "name", id_or_name
            )
            if room is None or room["t"] != "p":
                raise errors.meteor_error(errors.ROOM_NOT_FOUND, family.not_found)
        targets = target_users(rt, args)
        if not targets:
            if public:
                raise errors.failure(
                    errors.INVALID_USER_INVITE_LIST, "Cannot invite if no users are provided"
                )
            raise errors.meteor_error(
                errors.EMPTY_INVITE_LIST, "Cannot invite if no valid users are provided"
            )
        try:
            models.add_users_to_room(rt, room, user, targets)
        except models.Refused as refused:
            raise errors.refused(refused) from None
        return ok(**{family.one: fresh(room)})

    @route("kick", ["POST"])
    def kick() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        if public:
            room = room_of(user, args)
        else:
            room_id, room_name = text_param(args.get("roomId")), text_param(args.get("roomName"))
            if room_id is None and room_name is None:
                raise errors.meteor_error(family.param_error, errors.ROOM_PARAM_REQUIRED)
            room = models.room_by_id_or_name(rt, room_id, room_name)
            if room is None or room["t"] != "p":
                raise errors.meteor_error(errors.ROOM_NOT_FOUND, family.not_found)
        target = target_user(rt, args)
        try:
            models.remove_user_from_room(rt, room, user, target)
        except models.Refused as refused:
            raise errors.refused(refused) from None
        if public:
            return ok(channel=fresh(room))
        return ok()

    def role_route(role: str, add: bool, method: str, permission: str) -> Callable[[], Response]:
        def handler() -> Response:
            rt, user = auth.runtime_and_user()
            args = inputs.body()
            room = room_of(user, args)
            target = target_user(rt, args)
            if not models.has_permission(rt, user, permission, room["_id"]):
                raise errors.not_allowed(method)
            sub = models.subscription(rt, room["_id"], target["_id"])
            if sub is None:
                raise errors.user_not_in_room(method)
            has = role in sub["roles"]
            details = {"method": method}
            if add and has:
                raise errors.meteor_error(
                    f"error-user-already-{role}", f"User is already {_article(role)}", details
                )
            if not add and not has:
                raise errors.meteor_error(
                    f"error-user-not-{role}", f"User is not {_article(role)}", details
                )
            if not add and role == "owner" and len(models.room_owners(rt, room["_id"])) == 1:
                raise errors.meteor_error(
                    errors.REMOVE_LAST_OWNER, errors.LAST_OWNER_REMOVED, details
                )
            models.set_room_role(rt, room, sub, role, add, user)
            return ok()

        return handler

    for rule, role, add, method, permission in (
        ("addOwner", "owner", True, "addRoomOwner", "set-owner"),
        ("removeOwner", "owner", False, "removeRoomOwner", "set-owner"),
        ("addModerator", "moderator", True, "addRoomModerator", "set-moderator"),
        ("removeModerator", "moderator", False, "removeRoomModerator", "set-moderator"),
        ("addLeader", "leader", True, "addRoomLeader", "set-leader"),
        ("removeLeader", "leader", False, "removeRoomLeader", "set-leader"),
    ):
        route(rule, ["POST"])(role_route(role, add, method, permission))

    def text_setting(rule: str, param: str, field: str, setting: str, same: str | None):
        def handler() -> Response:
            rt, user = auth.runtime_and_user()
            args = inputs.body()
            if param not in args:
                raise errors.plain(f'The bodyParam "{param}" is required')
            room = room_of(user, args)
            value = args[param] if isinstance(args[param], str) else ""
            if public and same is not None and room.get(field) == args[param]:
                raise same_value(same)
            save_settings(rt, user, room, {setting: value})
            return ok(**{param: value})

        route(rule, ["POST"])(handler)

    text_setting("setTopic", "topic", "topic", "roomTopic", "topic")
    text_setting("setDescription", "description", "description", "roomDescription", "description")
    text_setting("setPurpose", "purpose", "description", "roomDescription", "purpose (description)")
    text_setting("setAnnouncement", "announcement", "announcement", "roomAnnouncement", None)

    @route("rename", ["POST"])
    def rename() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        name = args.get("name")
        if not isinstance(name, str) or not name.strip():
            raise errors.plain('The bodyParam "name" is required')
        room = room_of(user, args)
        if public and room["name"] == name:
            raise errors.plain("The channel name is the same as what it would be renamed to.")
        save_settings(rt, user, room, {"roomName": name})
        return ok(**{family.one: fresh(room)})

    @route("archive", ["POST"])
    def archive() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, inputs.body())
        if not models.has_permission(rt, user, "archive-room", room["_id"]):
            raise errors.meteor_error(
                errors.NOT_AUTHORIZED, "Not authorized", {"method": "archiveRoom"}
            )
        models.archive_room(rt, room, user)
        return ok()

    @route("unarchive", ["POST"])
    def unarchive() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, inputs.body(), checked_archived=False)
        if public and not room.get("archived"):
            raise errors.plain(f"The channel, {room['name']}, is not archived")
        if not models.has_permission(rt, user, "unarchive-room", room["_id"]):
            raise errors.meteor_error(
                errors.NOT_AUTHORIZED, "Not authorized", {"method": "unarchiveRoom"}
            )
        if room.get("archived"):
            models.unarchive_room(rt, room, user)
        return ok()

    @route("delete", ["POST"])
    def delete() -> Response:
        rt, user = auth.runtime_and_user()
        room = room_of(user, inputs.body(), checked_archived=False)
        if not models.has_permission(rt, user, f"delete-{room['t']}", room["_id"]):
            raise errors.not_allowed("eraseRoom")
        models.delete_room(rt, room)
        return ok()

    @route("open", ["POST"], defaults={"opening": True})
    @route("close", ["POST"], defaults={"opening": False})
    def set_open(opening: bool) -> Response:
        """``channels.open``/``close`` (``groups.*``): show or hide the room for the caller."""
        rt, user = auth.runtime_and_user()
        room = room_of(user, inputs.body(), checked_archived=False)
        sub = models.subscription(rt, room["_id"], user["_id"])
        if sub is None:
            quote = '"' if opening else ""  # upstream's close text lacks the closing quote
            raise errors.plain(f'The user/callee is not in the channel "{room["name"]}{quote}.')
        if bool(sub.get("open")) == opening:
            if not opening:
                raise errors.plain(
                    f"The {family.noun}, {room['name']}, is already closed to the sender"
                )
            if public:
                raise errors.plain(f"The channel, {room['name']}, is already open to the sender")
            raise errors.plain(f"The private group, {room['name']}, is already open for the sender")
        models.update_subscription(rt, sub, {"open": opening})
        return ok()

    @route("setReadOnly", ["POST"])
    def set_read_only() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        if "readOnly" not in args:
            raise errors.plain('The bodyParam "readOnly" is required')
        room = room_of(user, args)
        value = truthy(args["readOnly"])
        if bool(room.get("ro")) == value:
            raise same_value("read only setting")
        require_edit(rt, user, room, "set-readonly")
        save_settings(rt, user, room, {"readOnly": value})
        return ok(**{family.one: fresh(room)})

    @route("setType", ["POST"])
    def set_type() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        new_type = args.get("type")
        if not isinstance(new_type, str) or not new_type.strip():
            raise errors.plain('The bodyParam "type" is required')
        room = room_of(user, args)
        if room["t"] == new_type:
            raise same_value("type")
        if new_type not in ("c", "p"):
            raise errors.meteor_error(
                errors.INVALID_ROOM_TYPE,
                f"{new_type} is not a valid room type",
                {"method": "saveRoomSettings"},
            )
        save_settings(rt, user, room, {"roomType": new_type})
        return ok(**{family.one: fresh(room)})

    @route("addAll", ["POST"])
    def add_all() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        room = room_of(user, args)
        active_only = args.get("activeUsersOnly") in ("true", 1, True)
        try:
            models.add_all_users(rt, user, room["_id"], active_only)
        except models.Refused as refused:
            raise errors.refused(refused) from None
        return ok(**{family.one: fresh(room)})

    @route("setCustomFields", ["POST"])
    def set_custom_fields() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        if not isinstance(args.get("customFields"), dict):
            raise errors.plain('The bodyParam "customFields" is required with a type like object.')
        room = room_of(user, args)
        save_settings(rt, user, room, {"roomCustomFields": args["customFields"]})
        return ok(**{family.one: fresh(room)})

    @route("getIntegrations", ["GET"])
    def get_integrations() -> Response:
        rt, user = auth.runtime_and_user()
        managing = (
            "manage-outgoing-integrations",
            "manage-own-outgoing-integrations",
            "manage-incoming-integrations",
            "manage-own-incoming-integrations",
        )
        if not any(models.has_permission(rt, user, p) for p in managing):
            raise errors.forbidden() if public else denied()
        args = params()
        room = room_of(user, args, checked_archived=False)
        flag = "includeAllPublicChannels" if public else "includeAllPrivateGroups"
        wanted = {f"#{room['name']}"}
        if args.get(flag) in (None, "") or args.get(flag) == "true":
            wanted.add("all_public_channels" if public else "all_private_groups")
        found = [
            d
            for d in rt.store.all("integrations")
            if models.can_manage_integration(rt, user, d) and wanted & set(d.get("channel") or [])
        ]
        return page(rt, "integrations", found, wire.integration, {"_createdAt": 1})

    @route("convertToTeam", ["POST"])
    def convert_to_team() -> Response:
        rt, user = auth.runtime_and_user()
        args = inputs.body()
        if public:
            # channels.ts names the room channelId/channelName and checks create-team first
            if not models.has_permission(rt, user, "create-team"):
                raise errors.forbidden()
            room_id, room_name = text_param(args.get("channelId")), args.get("channelName")
            if room_id is None and not text_param(room_name):
                raise errors.plain('The parameter "channelId" or "channelName" is required')
            if room_id and not models.has_permission(rt, user, "edit-room", room_id):
                raise denied()
            room = room_of(user, {"roomId": room_id} if room_id else {"roomName": room_name})
        else:
            for key in ("roomId", "roomName"):
                if key in args and not args[key]:
                    raise errors.plain(errors.ROOM_PARAM_REQUIRED)
            room = room_of(user, args)
            needed = ("create-team", "edit-room")
            if not all(models.has_permission(rt, user, p, room["_id"]) for p in needed):
                raise denied()
        try:
            team = models.convert_room_to_team(rt, user, room)
        except models.Refused as refused:
            raise errors.refused(refused) from None
        return ok(team=wire.team(team))

    if not public:

        @route("setEncrypted", ["POST"])
        def set_encrypted() -> Response:
            rt, user = auth.runtime_and_user()
            args = inputs.body()
            if not isinstance(args.get("encrypted"), bool):
                raise errors.plain('The bodyParam "encrypted" is required')
            room = room_of(user, args)
            save_settings(rt, user, room, {"encrypted": args["encrypted"]})
            return ok(group=fresh(room))


def save_settings(rt: Runtime, user: Doc, room: Doc | None, settings: Doc) -> None:
    """``saveRoomSettings`` (``models.save_room_settings``), its refusals as Meteor errors."""
    try:
        models.save_room_settings(rt, user, room, settings)
    except models.Refused as refused:
        raise errors.refused(refused) from None


def _article(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
