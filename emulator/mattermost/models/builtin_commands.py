"""The built-in slash commands (``server/channels/app/slashcommands/command_*.go``).

Each answers a ``CommandResponse`` with upstream's English texts (``server/i18n/en.json``) and
makes its change through the same domain operations as the REST API, so the events and the
permission rules are the ones every other door gets.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

from ...core.runtime import Runtime
from .. import errors, permissions
from ..tables import member_id
from .channels import (
    CHANNEL_HEADER_MAX,
    CHANNEL_NAME_MAX,
    CHANNEL_PURPOSE_MAX,
    DEFAULT_CHANNEL,
    add_channel_members,
    change_channel,
    create_direct_channel,
    remove_channel_member,
)
from .channels import join_channel as join_channel_member
from .command_responses import CommandArgs, command_response
from .common import Doc, dm_channel_name, setting
from .posts import create_post
from .users import set_status

ECHO_MAX_DELAY_S = 10000
ECHO_MAX_PENDING = 100  # echoSem's capacity
DEFAULT_HELP_LINK = "https://mattermost.com/pl/help/"  # model.SupportSettingsDefaultHelpLink
_GO_INT = re.compile(r"[+-]?\d+")
_CHANNEL_HANDLE_HELP = (
    "Please use the [channel handle](https://docs.mattermost.com/messaging/managing-channels.html"
    "#naming-a-channel) to identify channels."
)
TEXTS = {
    "echo.message": "A message must be provided with the /echo command.",
    "echo.delay": "Delays must be under 10000 seconds.",
    "echo.high_volume": "High volume of echo request, cannot process request.",
    "away": "You are now away",
    "online": "You are now online",
    "offline": "You are now offline",
    "dnd": (
        "Do Not Disturb is enabled. You will not receive desktop or mobile push notifications"
        " until Do Not Disturb is turned off."
    ),
    "join.list": "An error occurred while listing channels.",
    "join.missing": "Unable to find the channel.",
    "join.fail": "An error occurred while joining the channel.",
    "leave.fail": "An error occurred while leaving the channel.",
    "leave.default": "Unable to leave the default channel {Channel}.",
    "msg.missing": "Unable to find the user.",
    "msg.fail": "An error occurred while messaging the user.",
    "msg.permission": "You don't have the appropriate permissions to direct message this user.",
    "header.permission": "You don't have the appropriate permissions to edit the channel header.",
    "header.message": "Text must be provided with the /header command.",
    "header.update": "Error updating the channel header.",
    "header.max_length": (
        "The text entered exceeds the character limit. The channel header is limited to"
        " {MaxLength} characters."
    ),
    "purpose.direct_group": (
        "Unable to set purpose for direct message channels. Use /header to set the header instead."
    ),
    "purpose.permission": (
        "You don't have the appropriate permissions to edit the channel purpose."
    ),
    "purpose.message": "A message must be provided with the /purpose command.",
    "purpose.update": "Error updating the channel purpose.",
    "purpose.max_length": (
        "The text entered exceeds the character limit. The channel purpose is limited to"
        " {MaxLength} characters."
    ),
    "rename.direct_group": "Unable to rename direct message channels.",
    "rename.permission": "You don't have the appropriate permissions to rename the channel.",
    "rename.message": "A message must be provided with the /rename command.",
    "rename.too_long": "Channel name must be {Length} or fewer characters.",
    "rename.update": "Error to update the current channel.",
    "remove.direct_group": "You can't remove someone from a direct message channel.",
    "remove.permission": "You don't have the appropriate permissions to remove the member.",
    "remove.message": "A message must be provided with the /remove or /kick command.",
    "remove.missing": (
        "We couldn't find the user. They may have been deactivated by the System Administrator."
    ),
    "remove.not_in_channel": "{Username} is not a member of this channel.",
    "invite.missing_message": "Missing Username and/or Channel.",
    "invite.missing_user": (
        "We couldn't find the user {User}. They may have been deactivated by the System"
        " Administrator."
    ),
    "invite.channel": "Could not find the channel {Channel}. " + _CHANNEL_HANDLE_HELP,
    "invite.permission": "You don't have enough permissions to add {User} in {Channel}.",
    "invite.private_channel": "Could not find the channel {Channel}. " + _CHANNEL_HANDLE_HELP,
    "invite.directchannel": "You can't add someone to a direct message channel.",
    "invite.already_one": "{User} is already in the channel.",
    "invite.already_other": "{User} are already in the channel.",
    "invite.already_overflow": "{FirstUser} and {Others} others are already in the channel.",
    "invite.success_overflow": "{FirstUser} and {Others} added to {Channel} channel.",
    "invite.not_in_team": (
        "You can add {Users} to this channel once they are members of the **{Team}** team."
    ),
    "invite.not_in_team_overflow": (
        "You can add {FirstUser} and {Others} others to this channel once they are members of"
        " the **{Team}** team."
    ),
    "invite.fail": "An error occurred while joining the channel.",
    "mute.no_channel": "Could not find the specified channel. " + _CHANNEL_HANDLE_HELP,
    "mute.error": "Could not find the channel {Channel}. " + _CHANNEL_HANDLE_HELP,
    "mute.not_member": errors.COMMAND_MUTE_NOT_MEMBER,
    "mute.muted": (
        "You will not receive notifications for {Channel} until channel mute is turned off."
    ),
    "mute.unmuted": "{Channel} is no longer muted.",
    "mute.muted_direct": (
        "You will not receive notifications for this channel until channel mute is turned off."
    ),
    "mute.unmuted_direct": "This channel is no longer muted.",
    "help": (
        "Mattermost is an open source platform for secure communication, collaboration, and"
        " orchestration of work across tools and teams.\r\nMattermost contains two key tools:"
        "\r\n\r\n**Channels** - Stay connected with your team via 1:1 and group messaging.\r\n"
        "**[Playbooks](/playbooks)** - Build and configure repeatable processes to achieve"
        " specific and predictable outcomes.\r\n\r\n[View documentation and guides]({HelpLink})"
    ),
    "code.message": "A message must be provided with the /code command.",
    "search.unsupported": "The search command is not supported on your device.",
}


def _ephemeral(key: str, **params: object) -> Doc:
    return command_response(response_type="ephemeral", text=TEXTS[key].format(**params))


def _goto(args: CommandArgs, team: Doc, channel_name: str, **fields: str) -> Doc:
    return command_response(
        goto_location=f"{args.site_url}/{team['name']}/channels/{channel_name}", **fields
    )


@dataclass(frozen=True)
class BuiltIn:
    """A built-in command: what ``GetCommand`` lists and what ``DoCommand`` does."""

    trigger: str
    description: str
    hint: str
    display_name: str
    run: Callable[[Runtime, CommandArgs, str], Doc]

    def command(self) -> Doc:
        """The ``model.Command`` the command lists show, sanitized (no id, no token)."""
        return {
            "id": "",
            "token": "",
            "create_at": 0,
            "update_at": 0,
            "delete_at": 0,
            "creator_id": "",
            "team_id": "",
            "trigger": self.trigger,
            "method": "",
            "username": "",
            "icon_url": "",
            "auto_complete": True,
            "auto_complete_desc": self.description,
            "auto_complete_hint": self.hint,
            "display_name": self.display_name,
            "description": "",
            "url": "",
            "plugin_id": "",
        }


# -- messages --------------------------------------------------------------------------------


def _echo(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    if not message:
        return _ephemeral("echo.message")
    delay = 0
    end = message.rfind('"')
    if message[0] == '"' and end > 1:
        tail = message[end:].strip(' "')
        if _GO_INT.fullmatch(tail):
            delay = int(tail)
        message = message[1:end]
    elif " " in message:
        index = message.rfind(" ")
        tail = message[index:].strip(" ")
        if _GO_INT.fullmatch(tail):
            delay, message = int(tail), message[:index]
    if delay > ECHO_MAX_DELAY_S:
        return _ephemeral("echo.delay")
    if rt.store.count("echo_jobs") >= ECHO_MAX_PENDING:
        return _ephemeral("echo.high_volume")
    if delay <= 0:
        _post_echo(rt, args, message)
        return command_response()
    # The pending echo is a row so that a reset (which empties the tables) cancels it.
    job = rt.store.insert("echo_jobs", {"id": rt.ids.mattermost_id()})
    timer = threading.Timer(delay, _deliver_echo, (rt, job["id"], args, message))
    timer.daemon = True
    timer.start()
    return command_response()


def _deliver_echo(rt: Runtime, job_id: str, args: CommandArgs, message: str) -> None:
    with rt.store.transaction():
        if rt.store.get("echo_jobs", job_id) is None:
            return
        rt.store.delete("echo_jobs", job_id)
    _post_echo(rt, args, message)


def _post_echo(rt: Runtime, args: CommandArgs, message: str) -> None:
    # Upstream only logs a failure ("Unable to create /echo post.").
    with contextlib.suppress(errors.AppError):
        create_post(
            rt, args.user, channel_id=args.channel["id"], message=message, root_id=args.root_id
        )


def _me(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    return command_response(response_type="in_channel", type="me", text=f"*{message}*")


def _shrug(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    shrug = r"¯\\\_(ツ)\_/¯"
    return command_response(
        response_type="in_channel", text=f"{message} {shrug}" if message else shrug
    )


def _code(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    if not message:
        return _ephemeral("code.message")
    text = "    " + "\n    ".join(message.split("\n"))
    return command_response(response_type="in_channel", text=text, skip_slack_parsing=True)


def _msg(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    target_name, _, text = message.partition(" ")
    target = rt.store.find_one("users", "username", target_name.removeprefix("@").lower())
    if target is None or target["id"] == args.user["id"]:
        return _ephemeral("msg.missing")
    name = dm_channel_name(args.user["id"], target["id"])
    channel = rt.store.find_one("channels", "team_name", ("", name))
    if channel is None:
        if not permissions.has_system_permission(args.user, "create_direct_channel"):
            return _ephemeral("msg.permission")
        channel = create_direct_channel(rt, args.user["id"], target["id"])
    if text:
        try:
            create_post(rt, args.user, channel_id=channel["id"], message=text)
        except errors.AppError:
            return _ephemeral("msg.fail")
    team = rt.store.get("teams", args.team_id)
    if team is None:
        return _ephemeral("msg.fail")
    return _goto(args, team, name, response_type="ephemeral")


def _search(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    return _ephemeral("search.unsupported")


def _help(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    link = setting(rt, "SupportSettings", "HelpLink", "") or DEFAULT_HELP_LINK
    return _ephemeral("help", HelpLink=link)


# -- status ----------------------------------------------------------------------------------


def _status(status: str) -> Callable[[Runtime, CommandArgs, str], Doc]:
    def run(rt: Runtime, args: CommandArgs, message: str) -> Doc:
        set_status(rt, args.user["id"], status, manual=True)
        return _ephemeral(status)

    return run


# -- channels --------------------------------------------------------------------------------


def _join(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    name = message[1:] if message.startswith("~") else message.lower()
    channel = rt.store.find_one("channels", "team_name", (args.team_id, name))
    if channel is None:
        return _ephemeral("join.list")
    needed = {"O": "join_public_channels", "P": "read_channel"}.get(channel["type"])
    if needed is None or not permissions.has_channel_permission(rt, args.user, channel, needed):
        return _ephemeral("join.fail")
    if channel["delete_at"]:
        return _ephemeral("join.fail")
    join_channel_member(rt, channel, args.user["id"])
    team = rt.store.get("teams", channel["team_id"])
    return _goto(args, team, channel["name"])


def _leave(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    channel = args.channel
    team = rt.store.get("teams", args.team_id)
    if team is None:
        return _ephemeral("leave.fail")
    try:
        remove_channel_member(rt, args.user, channel, args.user["id"])
    except errors.AppError:
        if channel["name"] == DEFAULT_CHANNEL:
            return _ephemeral("leave.default", Channel=DEFAULT_CHANNEL)
        return _ephemeral("leave.fail")
    member = rt.store.get("team_members", member_id(team["id"], args.user["id"]))
    if member is None or member["delete_at"]:
        return command_response(goto_location=args.site_url + "/")
    return _goto(args, team, DEFAULT_CHANNEL)


def _may_change(rt: Runtime, args: CommandArgs, kind: str, dm_allowed: bool) -> Doc | None:
    """The refusal of a ``/header``, ``/purpose`` or ``/rename`` in this channel, if any."""
    channel = args.channel
    if channel["type"] in ("O", "P"):
        scope = "public" if channel["type"] == "O" else "private"
        permission = f"manage_{scope}_channel_properties"
        if not permissions.has_channel_permission(rt, args.user, channel, permission):
            return _ephemeral(f"{kind}.permission")
        return None
    if not dm_allowed:
        return _ephemeral(f"{kind}.direct_group")
    if rt.store.get("channel_members", member_id(channel["id"], args.user["id"])) is None:
        return _ephemeral(f"{kind}.permission")
    return None


def _patch(rt: Runtime, args: CommandArgs, kind: str, changes: Doc, too_long: str) -> Doc:
    try:
        change_channel(rt, args.user, args.channel, changes, partial=True)
    except errors.AppError as error:
        if error.id == too_long:
            limit = CHANNEL_HEADER_MAX if kind == "header" else CHANNEL_PURPOSE_MAX
            return _ephemeral(f"{kind}.max_length", MaxLength=limit)
        return _ephemeral(f"{kind}.update")
    return command_response()


def _header(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    refusal = _may_change(rt, args, "header", dm_allowed=True)
    if refusal is not None:
        return refusal
    if not message:
        return _ephemeral("header.message")
    return _patch(rt, args, "header", {"header": message}, errors.CHANNEL_HEADER_INVALID)


def _purpose(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    refusal = _may_change(rt, args, "purpose", dm_allowed=False)
    if refusal is not None:
        return refusal
    if not message:
        return _ephemeral("purpose.message")
    return _patch(rt, args, "purpose", {"purpose": message}, errors.CHANNEL_PURPOSE_INVALID)


def _rename(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    refusal = _may_change(rt, args, "rename", dm_allowed=False)
    if refusal is not None:
        return refusal
    if not message:
        return _ephemeral("rename.message")
    if len(message.encode()) > CHANNEL_NAME_MAX:
        return _ephemeral("rename.too_long", Length=CHANNEL_NAME_MAX)
    return _patch(rt, args, "rename", {"display_name": message}, "")


def _mute(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    channel = args.channel
    name = message.split(" ")[0]
    name = name[1:] if message.startswith("~") else name
    if name and message:
        channel = rt.store.find_one("channels", "team_name", (channel["team_id"], name))
        if channel is None:
            return _ephemeral("mute.error", Channel=name)
    member = rt.store.get("channel_members", member_id(channel["id"], args.user["id"]))
    if member is None:
        return _ephemeral("mute.not_member")
    # ToggleMuteChannel: "mention" (muted) and back to "all".
    muted = member["notify_props"].get("mark_unread") != "mention"
    props = {**member["notify_props"], "mark_unread": "mention" if muted else "all"}
    rt.store.update(
        "channel_members",
        member["id"],
        {"notify_props": props, "last_update_at": rt.clock.now_ms()},
    )
    state = "muted" if muted else "unmuted"
    if channel["type"] in ("D", "G"):
        return _ephemeral(f"mute.{state}_direct")
    return _ephemeral(f"mute.{state}", Channel=channel["display_name"])


def _kick(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    channel = args.channel
    if channel["type"] in ("O", "P"):
        scope = "public" if channel["type"] == "O" else "private"
        permission = f"manage_{scope}_channel_members"
        if not permissions.has_channel_permission(rt, args.user, channel, permission):
            return _ephemeral("remove.permission")
    else:
        return _ephemeral("remove.direct_group")
    if not message:
        return _ephemeral("remove.message")
    name = message.split(" ", 1)[0].removeprefix("@")
    target = rt.store.find_one("users", "username", name.lower())
    if target is None or target["delete_at"]:
        return _ephemeral("remove.missing")
    if rt.store.get("channel_members", member_id(channel["id"], target["id"])) is None:
        return _ephemeral("remove.not_in_channel", Username=target["username"])
    try:
        remove_channel_member(rt, args.user, channel, target["id"])
    except errors.AppError as error:
        return command_response(response_type="ephemeral", text=error.message)
    return command_response()


def _invite(rt: Runtime, args: CommandArgs, message: str) -> Doc:
    return command_response(response_type="ephemeral", text=_invite_text(rt, args, message))


def _invite_text(rt: Runtime, args: CommandArgs, message: str) -> str:
    if not message:
        return TEXTS["invite.missing_message"]
    notes: list[str] = []
    users: list[Doc] = []
    channels: list[Doc] = []
    for index, word in enumerate(message.split(" ")):
        if not word:
            continue
        if word[0] == "@" or (word[0] != "~" and index == 0):
            name = word.removeprefix("@")
            user = rt.store.find_one("users", "username", name.lower())
            if user is None or user["delete_at"]:
                notes.append(TEXTS["invite.missing_user"].format(User=name))
                continue
            users.append(user)
        else:
            name = word.removeprefix("~")
            channel = rt.store.find_one("channels", "team_name", (args.team_id, name))
            if channel is None or channel["delete_at"]:
                notes.append(TEXTS["invite.channel"].format(Channel=name))
                continue
            channels.append(channel)
    if not users:
        return "\n".join(notes) if notes else TEXTS["invite.missing_message"]
    if not channels:
        if notes:
            return "\n".join(notes)
        channels = [args.channel]
    allowed = []
    for channel in channels:
        refusal = _invite_refusal(rt, args, users[0], channel)
        if refusal:
            notes.append(refusal)
        else:
            allowed.append(channel)
    added, present, failed = [], [], []
    outside: dict[str, list[str]] = {}
    for channel in allowed:
        for user in users:
            key = member_id(channel["id"], user["id"])
            if rt.store.get("channel_members", key) is not None:
                present.append(user["username"])
                continue
            try:
                add_channel_members(rt, args.user, channel, [user["id"]])
            except errors.AppError as error:
                if error.id in (errors.CHANNEL_ADD_NOT_IN_TEAM, errors.CHANNEL_DELETED):
                    team = rt.store.get("teams", channel["team_id"])
                    outside.setdefault(team["display_name"] if team else "unknown", []).append(
                        user["username"]
                    )
                else:
                    failed.append(user["username"])
                continue
            if channel["id"] != args.channel["id"]:
                added.append(user["username"])
    if present:
        if len(present) > 10:
            notes.append(
                TEXTS["invite.already_overflow"].format(
                    FirstUser="@" + present[0], Others=len(present) - 1
                )
            )
        else:
            form = "invite.already_one" if len(present) == 1 else "invite.already_other"
            notes.append(TEXTS[form].format(User="@" + ", @".join(present)))
    if added:
        if len(added) > 10:
            notes.append(
                TEXTS["invite.success_overflow"].format(
                    FirstUser="@" + added[0], Others=len(added) - 1, Channel=""
                )
            )
        else:
            # Upstream fills "Users" and "Channel": "test" into a text that reads {{.User}}, so
            # its template renders these words.
            notes.append("<no value> added to test channel.")
    for team_name, names in outside.items():
        if len(names) > 10:
            notes.append(
                TEXTS["invite.not_in_team_overflow"].format(
                    FirstUser="@" + names[0], Others=len(names) - 1, Team=team_name
                )
            )
        else:
            notes.append(
                TEXTS["invite.not_in_team"].format(Users="@" + ", @".join(names), Team=team_name)
            )
    if failed:
        notes.append(TEXTS["invite.fail"])
    return "\n".join(notes)


def _invite_refusal(rt: Runtime, args: CommandArgs, user: Doc, channel: Doc) -> str:
    if channel["type"] == "O":
        if permissions.has_channel_permission(
            rt, args.user, channel, "manage_public_channel_members"
        ):
            return ""
        return TEXTS["invite.permission"].format(User=user["username"], Channel=channel["name"])
    if channel["type"] == "P":
        if permissions.has_channel_permission(
            rt, args.user, channel, "manage_private_channel_members"
        ):
            return ""
        if rt.store.get("channel_members", member_id(channel["id"], args.user["id"])) is not None:
            return TEXTS["invite.permission"].format(User=user["username"], Channel=channel["name"])
        return TEXTS["invite.private_channel"].format(Channel=channel["name"])
    return TEXTS["invite.directchannel"]


BUILT_INS: dict[str, BuiltIn] = {
    b.trigger: b
    for b in (
        BuiltIn("away", "Set your status away", "", "away", _status("away")),
        BuiltIn("code", "Display text as a code block", "[text]", "code", _code),
        BuiltIn(
            "dnd",
            "Do not disturb disables desktop and mobile push notifications.",
            "",
            "dnd",
            _status("dnd"),
        ),
        BuiltIn(
            "echo",
            "Echo back text from your account",
            "'message' [delay in seconds]",
            "echo",
            _echo,
        ),
        BuiltIn("header", "Edit the channel header", "[text]", "header", _header),
        BuiltIn("help", "Show Mattermost help message", "", "help", _help),
        BuiltIn(
            "invite",
            "Invite a user to a channel",
            "@[username]... ~[channel]...",
            "invite",
            _invite,
        ),
        BuiltIn("join", "Join the open channel", "~[channel]", "join", _join),
        BuiltIn("kick", "Remove a member from the channel", "@[username]", "kick", _kick),
        BuiltIn("leave", "Leave the current channel", "", "leave", _leave),
        BuiltIn("me", "Do an action", "[message]", "me", _me),
        BuiltIn("msg", "Send Direct Message to a user", "@[username] 'message'", "message", _msg),
        BuiltIn(
            "mute",
            "Turns off desktop, email and push notifications for the current channel or the"
            " [channel] specified.",
            "~[channel]",
            "mute",
            _mute,
        ),
        BuiltIn("offline", "Set your status offline", "", "offline", _status("offline")),
        BuiltIn("online", "Set your status online", "", "online", _status("online")),
        BuiltIn("purpose", "Edit the channel purpose", "[text]", "purpose", _purpose),
        BuiltIn("remove", "Remove a member from the channel", "@[username]", "remove", _kick),
        BuiltIn("rename", "Rename the channel", "[text]", "rename", _rename),
        BuiltIn("search", "Search text in messages", "[text]", "search", _search),
        BuiltIn("shrug", "Adds ¯\\_(ツ)_/¯ to your message", "[message]", "shrug", _shrug),
    )
}
