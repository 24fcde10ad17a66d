"""Slash commands: the registry (``app/utils/server/slashCommand.ts``) and the built-ins
(``app/slashcommand*-*/server``), run by ``commands.run`` and the ``slashCommand`` method alike.

A built-in answers its caller with ephemeral messages (``notify.ephemeralMessage``): a
``rocket.cat`` message on the caller's own ``stream-notify-user`` ``<uid>/message``, never
stored. Texts are the English ones of ``packages/i18n/src/locales/en.i18n.json``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import messages, notifications, rooms, users
from .common import BOT_ID, Doc, Refused, has_permission, setting

TEXTS = {
    "Cannot_invite_users_to_direct_rooms": "Cannot invite users to direct rooms",
    "Channel_Archived": "Channel with name `#%s` has been archived successfully",
    "Channel_Unarchived": "Channel with name `#%s` has been Unarchived successfully",
    "Channel_already_Unarchived": "Channel with name `#%s` is already in Unarchived state",
    "Channel_already_exist": "The channel `#%s` already exists.",
    "Channel_doesnt_exist": "The channel `#%s` does not exist.",
    "Duplicate_archived_channel_name": "An archived Channel with name `#%s` exists",
    "Edit_previous_message": "`%s` - Edit previous message",
    "Mark_all_as_read": "`%s` - Mark all messages (in all channels) as read",
    "Move_beginning_message": "`%s` - Move to the beginning of the message",
    "Move_end_message": "`%s` - Move to the end of the message",
    "New_line_message_compose_input": "`%s` - New line in message compose input",
    "Open_channel_user_search": "`%s` - Open Channel / User search",
    "StatusMessage_Change_Disabled": (
        "Your Rocket.Chat administrator has disabled the changing of status messages"
    ),
    "StatusMessage_Changed_Successfully": "Status message changed successfully.",
    "User_doesnt_exist": "No user exists by the name of `@%s`.",
    "Username_and_message_must_not_be_empty": "Username and message must not be empty.",
    "Username_doesnt_exist": "The username `%s` doesn't exist.",
    "Username_is_already_in_here": "`@%s` is already in here.",
    "You_have_been_muted": "You have been muted and cannot speak in this room",
    "error-cant-invite-for-direct-room": "Can't invite user to direct rooms",
    "error-invalid-room": "Invalid room",
    "error-invalid-user": "Invalid user",
    "error-logged-user-not-in-room": "You are not in the room `%s`",
    "error-not-allowed": "Not allowed",
    "error-not-authorized": "Not authorized",
    "error-user-not-in-room": "User is not in this room",
    "error-you-are-last-owner": (
        "You are the last owner. Please set new owner before leaving the room."
    ),
}


def translate(key: str, *args: str) -> str:
    """``i18n.t(key, {sprintf: args})``: a key without a text is its own text, as in i18next."""
    text = TEXTS.get(key, key)
    for arg in args:
        text = text.replace("%s", arg, 1)
    return text


def ephemeral(rt: Runtime, user_id: str, rid: str, msg: str) -> None:
    """A command's answer to its caller alone, from ``rocket.cat``."""
    now = rt.clock.now_ms()
    fields = {"u": {"_id": BOT_ID, "username": BOT_ID}, "private": True, "_updatedAt": now}
    notifications.ephemeral(rt, user_id, rid, {**fields, "msg": msg})


@dataclass(frozen=True)
class Call:
    """One run: ``message`` is the ``{_id, rid, tmid}`` the door built around the text."""

    rt: Runtime
    user: Doc
    rid: str
    params: str
    tmid: str | None = None
    message_id: str | None = None

    def room(self) -> Doc | None:
        return self.rt.store.get("rooms", self.rid)

    def tell(self, key: str, *args: str) -> None:
        ephemeral(self.rt, self.user["_id"], self.rid, translate(key, *args))


Runner = Callable[[Call], None]


@dataclass(frozen=True)
class SlashCommand:
    command: str
    run: Runner
    description: str = ""
    params: str | None = None
    permission: str | list[str] | None = None
    client_only: bool = False

    def listed(self) -> Doc:
        """As ``commands.list`` serialises the registry entry (undefined fields left out)."""
        out: Doc = {"command": self.command}
        if self.params is not None:
            out["params"] = self.params
        out["description"] = self.description
        if self.permission is not None:
            out["permission"] = self.permission
        out["clientOnly"] = self.client_only
        out["providesPreview"] = False
        return out

    def info(self) -> Doc:
        """As ``commands.get`` picks it."""
        out: Doc = {"command": self.command, "description": self.description}
        if self.params is not None:
            out["params"] = self.params
        out["clientOnly"] = self.client_only
        out["providesPreview"] = False
        return out


# -- sending ------------------------------------------------------------------------------------


def _send(call: Call, room_id: str, text: str, message_id: str | None, tmid: str | None) -> None:
    """``executeSendMessage``: a refusal of the room or the message is also told to the sender
    as an ephemeral message in that room, then raised."""
    rt = call.rt
    try:
        messages.execute_send_message(
            rt, call.user, rt.store.get("rooms", room_id), text, tmid=tmid, message_id=message_id
        )
    except messages.SendRefused as refused:
        if refused.code != errors.MESSAGE_SIZE_EXCEEDED:  # checked before the try upstream
            ephemeral(rt, call.user["_id"], room_id, translate(refused.code))
        raise


def _say(template: str) -> Runner:
    def run(call: Call) -> None:
        _send(call, call.rid, template.replace("{}", call.params), call.message_id, call.tmid)

    return run


def _me(call: Call) -> None:
    if call.params.strip():
        _send(call, call.rid, f"_{call.params}_", call.message_id, call.tmid)


def _msg(call: Call) -> None:
    trimmed = call.params.strip()
    if " " not in trimmed:
        call.tell("Username_and_message_must_not_be_empty")
        return
    target_orig, text = trimmed.split(" ", 1)
    target = target_orig.replace("@", "", 1)
    if users.find_user_by_username(call.rt, target) is None:
        call.tell("Username_doesnt_exist", target_orig)
        return
    dm = rooms.create_direct_message(call.rt, call.user, [target])
    _send(call, dm["_id"], text, call.rt.ids.meteor_id(), None)


# -- rooms --------------------------------------------------------------------------------------


def _topic(call: Call) -> None:
    room = call.room()
    if room is None or not has_permission(call.rt, call.user, "edit-room", room["_id"]):
        return
    rooms.save_room_topic(call.rt, room, call.user, call.params)


def _join(call: Call) -> None:
    channel = call.params.strip()
    if not channel:
        return
    channel = channel.replace("#", "", 1)
    room = call.rt.store.find_one("rooms", "name", channel)
    if room is None or room["t"] != "c":
        call.tell("Channel_doesnt_exist", channel)
        return
    if rooms.subscription(call.rt, room["_id"], call.user["_id"]) is not None:
        raise Refused(
            errors.USER_ALREADY_IN_ROOM,
            "You are already in the channel",
            {"method": "slashCommands"},
        )
    rooms.join_room(call.rt, room, call.user)


def _leave(call: Call) -> None:
    room = call.room()
    try:
        if room is None:
            raise Refused(errors.INVALID_ROOM, "Invalid room", {"method": "leaveRoom"})
        rooms.leave_room(call.rt, room, call.user)
    except Refused as refused:  # told, not raised
        call.tell(refused.code)


def _archiving(archive: bool) -> Runner:
    verb = "archive" if archive else "unarchive"

    def run(call: Call) -> None:
        channel = call.params.strip()
        if channel:
            channel = channel.replace("#", "", 1)
            room = call.rt.store.find_one("rooms", "name", channel)
        else:
            room = call.room()
            channel = (room or {}).get("name") or ""
        if room is None:
            call.tell("Channel_doesnt_exist", channel)
            return
        if room["t"] == "d":  # the room type forbids the ARCHIVE member action
            raise Refused(f"error-room-type-not-{verb}able", f"Room type: d can not be {verb}d")
        if not has_permission(call.rt, call.user, f"{verb}-room", room["_id"]):
            raise Refused(errors.NOT_AUTHORIZED, "Not authorized")
        if bool(room.get("archived")) == archive:
            already = "Duplicate_archived_channel_name" if archive else "Channel_already_Unarchived"
            call.tell(already, channel)
            return
        if archive:
            rooms.archive_room(call.rt, room, call.user)
            call.tell("Channel_Archived", channel)
        else:
            rooms.unarchive_room(call.rt, room, call.user)
            call.tell("Channel_Unarchived", channel)

    return run


def _invite(call: Call) -> None:
    names = [re.sub(r"(^@)|( @)", "", n, count=1) for n in re.split(r"[\s,]", call.params)]
    names = [n for n in names if n]
    if not names:
        return
    found = [
        u
        for n in dict.fromkeys(names)
        if (u := users.find_user_by_username(call.rt, n)) is not None
    ]
    if not found:
        call.tell("User_doesnt_exist", " @".join(names))
        return
    room = call.room()
    for target in found:
        if rooms.subscription(call.rt, call.rid, target["_id"]) is not None:
            call.tell("Username_is_already_in_here", target["username"])
            continue
        try:
            rooms.add_users_to_room(call.rt, room, call.user, [target])
        except Refused as refused:
            call.tell(refused.code)


def _target_username(call: Call) -> str:
    return call.params.strip().replace("@", "", 1)


def _kick(call: Call) -> None:
    username = _target_username(call)
    if not username:
        return
    target = users.find_user_by_username(call.rt, username)
    if target is None:
        call.tell("Username_doesnt_exist", username)
        return
    rooms.remove_user_from_room(call.rt, call.room(), call.user, target)


def _muting(mute: bool) -> Runner:
    def run(call: Call) -> None:
        username = _target_username(call)
        if not username:
            return
        if users.find_user_by_username(call.rt, username) is None:
            call.tell("Username_doesnt_exist", username)
            if not mute:
                return  # /mute goes on and fails in muteUserInRoom, as upstream does
        rooms.set_muted(call.rt, call.room(), call.user, username, mute)

    return run


# ``UTF8_Channel_Names_Validation`` unanchored: /create takes the first valid name it finds.
_ROOM_NAME_IN = re.compile(rooms.ROOM_NAME_RE.pattern.strip("^$"))


def _create(call: Call) -> None:
    found = _ROOM_NAME_IN.search(call.params.strip())
    if found is None:
        return
    name = found.group(0)
    if call.rt.store.find_one("rooms", "name", name) is not None:
        call.tell("Channel_already_exist", name)
        return
    private = "private" in re.findall(r"--(\w+)", call.params)
    rooms.create_named_room(call.rt, call.user, "p" if private else "c", name, [], False)


def _hide(call: Call) -> None:
    wanted = call.params.strip()
    rid = call.rid
    if wanted:
        stripped = re.sub(r"#|@", "", wanted, count=1).split(" ")[0]
        if wanted.startswith("#"):
            room = call.rt.store.find_one("rooms", "name", stripped)
        else:
            other = users.find_user_by_username(call.rt, stripped)
            key = ",".join(sorted({call.user["_id"], other["_id"]})) if other else None
            room = call.rt.store.find_one("rooms", "direct", key) if key else None
        if room is None:
            call.tell("Channel_doesnt_exist", wanted)
            return
        rid = room["_id"]
    sub = rooms.subscription(call.rt, rid, call.user["_id"])
    if sub is None:
        call.tell("error-logged-user-not-in-room", wanted)
        return
    rooms.update_subscription(call.rt, sub, {"open": False, "alert": False})


_HELP = (
    ("Open_channel_user_search", "Command (or Ctrl) + p OR Command (or Ctrl) + k"),
    ("Mark_all_as_read", "Shift (or Ctrl) + ESC"),
    ("Edit_previous_message", "Up Arrow"),
    ("Move_beginning_message", "Command (or Alt) + Left Arrow"),
    ("Move_beginning_message", "Command (or Alt) + Up Arrow"),
    ("Move_end_message", "Command (or Alt) + Right Arrow"),
    ("Move_end_message", "Command (or Alt) + Down Arrow"),
    ("New_line_message_compose_input", "Shift + Enter"),
)


def _help(call: Call) -> None:
    ephemeral(
        call.rt,
        call.user["_id"],
        call.rid,
        "".join(f"\n{translate(key, keys)}" for key, keys in _HELP),
    )


def _status(call: Call) -> None:
    if not setting(call.rt, "Accounts_AllowUserStatusMessageChange"):
        call.tell("StatusMessage_Change_Disabled")
        raise Refused(errors.NOT_ALLOWED, "Not allowed", {"method": "setUserStatus"})
    users.set_user_status(call.rt, call.user, None, call.params.strip()[:120])
    call.tell("StatusMessage_Changed_Successfully")


# In registration order: ``commands.list`` keeps it (its default sort names no field).
_OPTIONAL = "your_message_optional"
BUILT_INS: dict[str, SlashCommand] = {
    c.command: c
    for c in (
        SlashCommand(
            "gimme", _say("༼ つ ◕_◕ ༽つ {}"), "Slash_Gimme_Description", _OPTIONAL, client_only=True
        ),
        SlashCommand(
            "lennyface",
            _say("{} ( ͡° ͜ʖ ͡°)"),
            "Slash_LennyFace_Description",
            _OPTIONAL,
            client_only=True,
        ),
        SlashCommand(
            "shrug",
            _say("{} ¯\\\\_(ツ)_/¯"),
            "Slash_Shrug_Description",
            _OPTIONAL,
            client_only=True,
        ),
        SlashCommand(
            "tableflip",
            _say("{} (╯°□°）╯︵ ┻━┻"),  # noqa: RUF001 - the real art
            "Slash_Tableflip_Description",
            _OPTIONAL,
            client_only=True,
        ),
        SlashCommand(
            "unflip",
            _say("{} ┬─┬ ノ( ゜-゜ノ)"),  # noqa: RUF001 - the real art
            "Slash_TableUnflip_Description",
            _OPTIONAL,
            client_only=True,
        ),
        SlashCommand(
            "create", _create, "Create_A_New_Channel", "#channel", ["create-c", "create-p"]
        ),
        SlashCommand("help", _help, "Show_the_keyboard_shortcut_list"),
        SlashCommand("hide", _hide, "Hide_room", "#room"),
        SlashCommand(
            "invite", _invite, "Invite_user_to_join_channel", "@username", "add-user-to-joined-room"
        ),
        SlashCommand("archive", _archiving(True), "Archive", "#channel", "archive-room"),
        SlashCommand("join", _join, "Join_the_given_channel", "#channel", "view-c-room"),
        SlashCommand("kick", _kick, "Remove_someone_from_room", "@username", "remove-user"),
        SlashCommand("leave", _leave, "Leave_the_current_channel", None, ["leave-c", "leave-p"]),
        SlashCommand("part", _leave, "Leave_the_current_channel", None, ["leave-c", "leave-p"]),
        SlashCommand("me", _me, "Displays_action_text", "your_message"),
        SlashCommand("msg", _msg, "Direct_message_someone", "@username <message>", "create-d"),
        SlashCommand("mute", _muting(True), "Mute_someone_in_room", "@username", "mute-user"),
        SlashCommand("unmute", _muting(False), "Unmute_someone_in_room", "@username", "mute-user"),
        SlashCommand("status", _status, "Slash_Status_Description", "Slash_Status_Params"),
        SlashCommand("topic", _topic, "Slash_Topic_Description", "Slash_Topic_Params", "edit-room"),
        SlashCommand("unarchive", _archiving(False), "Unarchive", "#channel", "unarchive-room"),
    )
}


def find_command(name: str) -> SlashCommand | None:
    return BUILT_INS.get(name)


def run_command(
    rt: Runtime,
    user: Doc,
    command: str,
    params: str,
    rid: Any,
    *,
    tmid: str | None = None,
    message_id: str | None = None,
) -> None:
    """``slashCommands.run``: ``command`` (registered, lower case) in room ``rid`` as ``user``.
    The doors check what they check (REST: room access, the thread) before; a ``triggerId``
    only serves app commands, which the emulator has none of. Raises
    ``Refused``: a command's Meteor errors, and ``invalid-command-usage`` without a room id."""
    cmd = BUILT_INS[command]
    if not isinstance(rid, str) or not rid:
        raise Refused(
            errors.INVALID_COMMAND_USAGE,
            "Executing a command requires at least a message with a room id.",
        )
    message_id = message_id or rt.ids.meteor_id()
    cmd.run(Call(rt, user, rid, params, tmid, message_id))
