"""Running slash commands: ``executeCommand`` (``api4/command.go``), ``ExecuteCommand`` and its
custom-command call and answer handling (``app/command.go``), and the delayed answers posted to
``response_url`` (``HandleCommandWebhook``, ``app/webhook.go``).

Every door that runs a command comes through :func:`execute_command`; built-in commands are
``builtin_commands``'; their side effects and the answers' posts go through the channel, member,
status and post operations, so events and permissions follow the one rule each.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from ...core.ids import is_mattermost_id
from ...core.jsonbounds import too_deep
from ...core.runtime import Runtime
from .. import errors, permissions
from ..tables import member_id
from .builtin_commands import BUILT_INS
from .command_responses import STRING_FIELDS, CommandArgs, command_response
from .common import Doc, setting
from .incoming_hooks import (
    parse_attachment_links,
    parse_slack_links,
    process_slack_attachments,
    process_slack_text,
)
from .post_actions import new_trigger_id
from .posts import check_message, send_ephemeral_post, store_post

CALL_KIND = "mattermost.slash_command"
USE = "use_slash_commands"
COMMAND_WEBHOOK_LIFETIME_MS = 30 * 60 * 1000  # model.CommandWebhookLifetime
COMMAND_WEBHOOK_USES = 5  # HandleCommandWebhook's TryUse limit
MAX_TRIGGER_LEN = 512  # app.maxTriggerLen
# possibleAtMentions / model.ChannelMentions
_AT_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][A-Za-z0-9.\-_:]*)")
_CHANNEL_MENTION = re.compile(r"(?<![\w~])~([A-Za-z0-9\-_]+)")


def execute_command(
    rt: Runtime,
    actor: Doc,
    *,
    channel_id: str,
    command: str,
    team_id: str = "",
    root_id: str = "",
    site_url: str = "",
) -> Doc:
    """``executeCommand`` then ``ExecuteCommand``: the answer the caller gets (a
    ``CommandResponse``), its posts made and its side effects done."""
    if len(command) <= 1 or not command.startswith("/") or not is_mattermost_id(channel_id):
        raise errors.bad_request(errors.COMMAND_START)
    channel = rt.store.get("channels", channel_id)
    # Server 10.x asks for use_slash_commands (later releases for create_post): a channel role's.
    if channel is None or not permissions.has_channel_permission(rt, actor, channel, USE):
        raise errors.permission_denied(actor["id"], USE)
    if channel["delete_at"]:
        raise errors.bad_request(errors.COMMAND_DELETED_CHANNEL)
    if channel["type"] not in ("D", "G"):
        # A command of another team must not run here: the channel's team wins.
        team_id = channel["team_id"]
    else:
        member = rt.store.get("team_members", member_id(team_id, actor["id"]))
        if (member is None or member["delete_at"]) and not permissions.has_system_permission(
            actor, USE
        ):
            raise errors.permission_denied(actor["id"], USE)
    args = CommandArgs(actor, channel, team_id, root_id, command, site_url)
    # The trigger ends at the first white space; the message starts one character later.
    split = re.search(r"\s", command)
    trigger, message = (
        (command[: split.start()], command[split.end() :]) if split else (command, "")
    )
    trigger = trigger.lower().removeprefix("/")
    client_trigger_id, app_trigger_id = new_trigger_id(rt, actor["id"])

    # Custom commands win over built-ins; switched off, no command runs at all (as upstream).
    custom = _custom_command(rt, args, trigger)
    if custom is not None:
        response = _call_custom_command(rt, custom, args, trigger, message, app_trigger_id)
        response["trigger_id"] = client_trigger_id
        return handle_command_response(rt, custom, args, response, built_in=False)
    built_in = BUILT_INS.get(trigger)
    if built_in is not None:
        response = built_in.run(rt, args, message)
        return handle_command_response(rt, {}, args, response, built_in=True)
    shown = trigger if len(trigger) <= MAX_TRIGGER_LEN else trigger[:MAX_TRIGGER_LEN] + "..."
    raise errors.AppError(404, errors.COMMAND_TRIGGER_NOT_FOUND, Trigger=shown)


def _custom_command(rt: Runtime, args: CommandArgs, trigger: str) -> Doc | None:
    if not setting(rt, "ServiceSettings", "EnableCommands", True):
        raise errors.AppError(501, errors.COMMANDS_DISABLED)
    if rt.store.get("teams", args.team_id) is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND)
    for command in rt.store.find("commands", "team_id", args.team_id):
        if command["trigger"] == trigger and not command["delete_at"]:
            return command
    return None


def _mentions(rt: Runtime, message: str, team_id: str) -> list[tuple[str, str]]:
    """``MentionsToTeamMembers`` and ``MentionsToPublicChannels`` as form values."""
    values: list[tuple[str, str]] = []
    users: dict[str, str] = {}
    for name in dict.fromkeys(m.lower() for m in _AT_MENTION.findall(message)):
        # A name not found is tried again without trailing ``.``, ``-`` or ``_``.
        while name:
            user = rt.store.find_one("users", "username", name)
            if user is not None:
                if rt.store.get("team_members", member_id(team_id, user["id"])) is not None:
                    users[name] = user["id"]
                break
            if name[-1] not in ".-_":
                break
            name = name[:-1]
    for name, user_id in sorted(users.items()):
        values += [("user_mentions", name), ("user_mentions_ids", user_id)]
    channels: dict[str, str] = {}
    for name in dict.fromkeys(_CHANNEL_MENTION.findall(message)):
        channel = rt.store.find_one("channels", "team_name", (team_id, name))
        if channel is not None and channel["type"] == "O":
            channels[name] = channel["id"]
    for name, channel_id in sorted(channels.items()):
        values += [("channel_mentions", name), ("channel_mentions_ids", channel_id)]
    return values


def _call_custom_command(
    rt: Runtime, command: Doc, args: CommandArgs, trigger: str, message: str, app_trigger_id: str
) -> Doc:
    """``tryExecuteCustomCommand`` + ``DoCommandRequest``: the app's answer, waited for (the
    HTTP answer to ``commands/execute`` carries it), or the command's failure."""
    team = rt.store.get("teams", args.team_id)
    site_url = setting(rt, "ServiceSettings", "SiteURL", "") or args.site_url
    hook = _create_command_webhook(rt, command, args)
    fields = [
        ("channel_id", args.channel["id"]),
        ("channel_name", args.channel["name"]),
        ("command", "/" + trigger),
        ("response_url", f"{site_url.rstrip('/')}/hooks/commands/{hook['id']}"),
        ("root_id", args.root_id),
        ("team_domain", team["name"]),
        ("team_id", command["team_id"]),
        ("text", message),
        ("token", command["token"]),
        ("trigger_id", app_trigger_id),
        ("user_id", args.user["id"]),
        ("user_name", args.user["username"]),
        *_mentions(rt, message, team["id"]),
    ]
    # url.Values.Encode: keys sorted, repeated keys in order.
    encoded = urlencode(sorted(fields, key=lambda f: f[0]))
    headers = {"Accept": "application/json"}
    if command["token"]:
        headers["Authorization"] = "Token " + command["token"]
    url, body, method = command["url"], encoded.encode(), "POST"
    if command["method"] == "G":
        url += ("&" if "?" in url else "?") + encoded
        body, method = b"", "GET"
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    timeout = float(setting(rt, "ServiceSettings", "OutgoingIntegrationRequestsTimeout", 30))
    answer = rt.callouts.call(
        url, body, headers, timeout, CALL_KIND, hook_id=command["id"], method=method
    )
    failed = errors.AppError(500, errors.COMMAND_FAILED, Trigger=command["trigger"])
    if answer is None:  # unreachable, timed out, refused
        raise failed
    status, data = answer
    if status != 200:
        raise errors.AppError(
            500,
            errors.COMMAND_FAILED_RESP,
            data.decode("utf-8", "replace"),
            Trigger=command["trigger"],
            Status=_go_status(status),
        )
    try:
        return parse_command_response(data)
    except ValueError:
        raise failed from None


def _go_status(status: int) -> str:
    """Go's ``Response.Status``: ``"404 Not Found"``."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _check_response(response: Any) -> Doc:
    """What decoding into ``model.CommandResponse`` refuses raises ``ValueError``."""
    if response is None:
        return command_response()
    if not isinstance(response, dict):
        raise ValueError("not an object")
    for name in STRING_FIELDS:
        if response.get(name) is not None and not isinstance(response[name], str):
            raise ValueError(name)
    skip = response.get("skip_slack_parsing")
    if skip is not None and not isinstance(skip, bool):
        raise ValueError("skip_slack_parsing")
    for name, kind in (("props", dict), ("attachments", list), ("extra_responses", list)):
        if response.get(name) is not None and not isinstance(response[name], kind):
            raise ValueError(name)
    if any(not isinstance(a, dict | None) for a in response.get("attachments") or []):
        raise ValueError("attachments")
    known = {k: v for k, v in response.items() if k in command_response()}
    checked = command_response(**{k: v for k, v in known.items() if v is not None})
    if response.get("extra_responses") is not None:
        checked["extra_responses"] = [_check_response(r) for r in response["extra_responses"]]
    return checked


def parse_command_response(body: bytes, content_type: str | None = None) -> Doc:
    """``CommandResponseFromHTTPBody``: a JSON ``CommandResponse``, else the body as its text.
    Without a content type (the call-out dispatcher hands over status and body only), a body
    that decodes as a JSON object or ``null`` is taken for JSON."""
    text = body.decode("utf-8", "replace")
    if content_type is not None:
        if content_type.split(";", 1)[0].strip() != "application/json":
            return command_response(text=text)
        return _check_response(_decode(text))
    try:
        decoded = _decode(text)
    except ValueError:
        return command_response(text=text)
    if decoded is not None and not isinstance(decoded, dict):
        return command_response(text=text)
    return _check_response(decoded)


def _decode(text: str) -> Any:
    if too_deep(text):
        raise ValueError("too deep")
    return json.loads(text)


# -- answers become posts --------------------------------------------------------------------


def handle_command_response(
    rt: Runtime, command: Doc, args: CommandArgs, response: Doc, *, built_in: bool
) -> Doc:
    """``HandleCommandResponse``: the answer and each of its ``extra_responses`` posted; any
    failure among them fails the whole with ``create_post_failed`` (what succeeded stays)."""
    failed = False
    for part in [response, *(response["extra_responses"] or [])]:
        try:
            _post_response(rt, command, args, part, built_in)
        except errors.AppError:
            failed = True
    if failed:
        trigger = args.command.split(" ")[0][1:].lower() if args.command else ""
        raise errors.AppError(500, errors.COMMAND_CREATE_POST_FAILED, Trigger=trigger)
    return response


def _post_response(
    rt: Runtime, command: Doc, args: CommandArgs, response: Doc, built_in: bool
) -> None:
    """``HandleCommandResponsePost`` + ``CreateCommandPost``: an ``in_channel`` answer is a
    stored post, an ephemeral one (the default) is shown to the caller only."""
    channel = args.channel
    if response["channel_id"]:
        if rt.store.get("channel_members", member_id(response["channel_id"], args.user["id"])):
            channel = rt.store.get("channels", response["channel_id"])
        else:
            raise errors.AppError(403, errors.COMMAND_POST_FORBIDDEN)
    props: Doc = dict(response["props"] or {})
    from_integration = not built_in
    if setting(rt, "ServiceSettings", "EnablePostUsernameOverride", False):
        username = command.get("username") or response["username"]
        if username:
            props["override_username"] = username
            from_integration = True
    if setting(rt, "ServiceSettings", "EnablePostIconOverride", False):
        icon = command.get("icon_url") or response["icon_url"]
        if icon:
            props["override_icon_url"] = icon
            from_integration = True
    if from_integration:
        props["from_webhook"] = "true"
    if not response["skip_slack_parsing"]:
        response["text"] = process_slack_text(rt, response["text"])
        if response["attachments"] is not None:
            response["attachments"] = process_slack_attachments(rt, response["attachments"])
        message = parse_slack_links(response["text"])
    else:
        message = response["text"]
    post_type = response["type"]
    if post_type.startswith("system_"):
        raise errors.AppError(400, errors.INVALID_PARAM, Name="post.type")
    if response["attachments"] is not None:
        attachments = [dict(a) for a in response["attachments"] if a is not None]
        props["attachments"] = parse_attachment_links(attachments)
        post_type = post_type or "slack_attachment"
    if response["response_type"] == "in_channel":
        _store_command_post(rt, args, channel, message, props, post_type)
    elif response["response_type"] in ("", "ephemeral") and (
        response["text"] or response["attachments"] is not None
    ):
        send_ephemeral_post(
            rt,
            sender_id=args.user["id"],
            target_id=args.user["id"],
            channel_id=channel["id"],
            message=message,
            root_id=args.root_id,
            props=props,
        )


def _store_command_post(
    rt: Runtime, args: CommandArgs, channel: Doc, message: str, props: Doc, post_type: str
) -> Doc:
    """``CreatePostMissingChannel`` for the caller: a live channel, a valid thread root."""
    if channel["delete_at"]:
        raise errors.bad_request(errors.POST_DELETED_CHANNEL)
    if args.root_id:
        root = rt.store.get("posts", args.root_id) if is_mattermost_id(args.root_id) else None
        if root is None or root["delete_at"] or root["root_id"]:
            raise errors.bad_request(errors.POST_ROOT_INVALID)
        if root["channel_id"] != channel["id"]:
            raise errors.bad_request(errors.POST_ROOT_CHANNEL)
    return store_post(
        rt,
        channel=channel,
        user_id=args.user["id"],
        message=check_message(message),
        root_id=args.root_id,
        props=props,
        post_type=post_type,
    )


# -- response_url: delayed answers -------------------------------------------------------------


def _create_command_webhook(rt: Runtime, command: Doc, args: CommandArgs) -> Doc:
    return rt.store.insert(
        "command_webhooks",
        {
            "id": rt.ids.mattermost_id(),
            "create_at": rt.clock.now_ms(),
            "command_id": command["id"],
            "user_id": args.user["id"],
            "channel_id": args.channel["id"],
            "root_id": args.root_id,
            "use_count": 0,
        },
    )


class CommandWebhookError(errors.AppError):
    """An inner ``HandleCommandWebhook`` error; the route wraps it in its own id."""

    def quoted(self) -> str:
        return f"HandleCommandWebhook: {self.message}"


def handle_command_webhook(rt: Runtime, hook_id: str, response: Doc) -> None:
    """``HandleCommandWebhook``: an answer posted to a command's ``response_url`` within 30
    minutes, at most five times, handled like the command's own answer."""
    with rt.store.transaction():
        hook = rt.store.get("command_webhooks", hook_id)
        expired = rt.clock.now_ms() - COMMAND_WEBHOOK_LIFETIME_MS
        if hook is None or hook["create_at"] <= expired:
            raise CommandWebhookError(404, errors.COMMAND_WEBHOOK_MISSING)
        command = rt.store.get("commands", hook["command_id"])
        if command is None:
            raise CommandWebhookError(
                400, errors.COMMAND_WEBHOOK_COMMAND, command_id=hook["command_id"]
            )
        if hook["use_count"] >= COMMAND_WEBHOOK_USES:
            raise CommandWebhookError(400, errors.COMMAND_WEBHOOK_USED_UP)
        rt.store.update("command_webhooks", hook_id, {"use_count": hook["use_count"] + 1})
    user = rt.store.get("users", hook["user_id"])
    channel = rt.store.get("channels", hook["channel_id"])
    if user is None or channel is None:
        raise CommandWebhookError(500, errors.COMMAND_CREATE_POST_FAILED, Trigger="")
    args = CommandArgs(user, channel, command["team_id"], hook["root_id"], "", "")
    try:
        handle_command_response(rt, command, args, response, built_in=False)
    except errors.AppError as error:
        raise CommandWebhookError(error.status, error.id, message=error.message) from None
