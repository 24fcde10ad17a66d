"""``HandleIncomingWebhook`` (``server/channels/app/webhook.go``): a payload becomes a post.

Shared by ``POST /hooks/{id}`` and, later, the other doors that post as an integration. Errors
are the inner ones upstream raises; the route wraps them as ``web/webhook.go`` does.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors, permissions
from .channels import create_direct_channel
from .common import Doc, setting
from .posts import POST_MESSAGE_MAX_RUNES, store_post

DEFAULT_WEBHOOK_USERNAME = "webhook"  # model.DefaultWebhookUsername
_WHERE = "HandleIncomingWebhook"
# CreateWebhookPost: Slack's ``<url|text>`` links become Markdown.
_LINK_WITH_TEXT = re.compile(r"<([^\n<|>]+)\|([^|\n>]+)>")
# replaceUserIds: Slack's ``<@userid>`` mentions.
_USER_ID_MENTION = re.compile(r"<@([a-zA-Z0-9]+)>")


def process_slack_text(rt: Runtime, text: str) -> str:
    """``ProcessSlackText``: ``<!channel|here|all>`` and ``<@userid>`` (known users) become
    Mattermost mentions."""
    for word in ("channel", "here", "all"):
        text = text.replace(f"<!{word}>", f"@{word}")
    for user_id in dict.fromkeys(_USER_ID_MENTION.findall(text)):
        user = rt.store.get("users", user_id)
        if user is not None:
            text = text.replace(f"<@{user_id}>", f"@{user['username']}")
    return text


def _go_format(value: Any) -> str:
    """``fmt.Sprintf("%v")`` of a decoded JSON value, for the cases webhooks send."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return str(value)


def process_slack_attachments(rt: Runtime, attachments: list[Any]) -> list[Doc]:
    """``ProcessSlackAttachments``: nil entries dropped; pretext, text, title and field values
    (made strings) go through :func:`process_slack_text`."""
    processed = []
    for attachment in attachments:
        if attachment is None:
            continue
        attachment = dict(attachment)
        for key in ("pretext", "text", "title"):
            if isinstance(attachment.get(key), str):
                attachment[key] = process_slack_text(rt, attachment[key])
        if isinstance(attachment.get("fields"), list):
            fields = []
            for field in attachment["fields"]:
                if isinstance(field, dict) and field.get("value") is not None:
                    field = {**field, "value": process_slack_text(rt, _go_format(field["value"]))}
                fields.append(field)
            attachment["fields"] = fields
        processed.append(attachment)
    return processed


class HookError(errors.AppError):
    """An inner error; the route quotes it (``where: message``) as upstream's wrap does."""

    def __init__(self, status: int, error_id: str, where: str = _WHERE, **params: str) -> None:
        super().__init__(status, error_id, **params)
        self.where = where

    def quoted(self) -> str:
        return f"{self.where}: {self.message}"


def _error(status: int, error_id: str, **params: str) -> HookError:
    return HookError(status, error_id, **params)


def _target_channel(rt: Runtime, hook: Doc, name: str) -> Doc:
    """The hook's channel, ``@user`` (a DM with the hook's creator) or ``[#]name`` in its team;
    archived channels included, as upstream's store look-ups are."""
    if not name:
        channel = rt.store.get("channels", hook["channel_id"])
        if channel is None:
            raise _error(404, errors.CHANNEL_NOT_FOUND)
        return channel
    if name.startswith("@"):
        user = rt.store.find_one("users", "username", name[1:])
        if user is None:
            raise _error(400, errors.HOOK_USER, user=name[1:])
        return create_direct_channel(rt, hook["user_id"], user["id"])
    channel = rt.store.find_one("channels", "team_name", (hook["team_id"], name.removeprefix("#")))
    if channel is None:
        raise _error(404, errors.HOOK_CHANNEL)
    return channel


def handle_incoming_webhook(rt: Runtime, hook_id: str, payload: Doc) -> Doc:
    """Post ``payload`` (a decoded ``IncomingWebhookRequest``) through hook ``hook_id``; the
    post is the hook creator's, with ``from_webhook`` and the override props upstream sets."""
    if not setting(rt, "ServiceSettings", "EnableIncomingWebhooks", False):
        raise _error(501, errors.HOOK_DISABLED)
    text: str = payload.get("text") or ""
    attachments: list[Any] | None = payload.get("attachments")
    if not text and attachments is None:
        raise _error(400, errors.HOOK_TEXT)
    hook = rt.store.get("incoming_webhooks", hook_id)
    if hook is None or hook["delete_at"]:
        raise _error(400, errors.HOOK_INVALID)
    channel = _target_channel(rt, hook, payload.get("channel") or "")
    if hook["channel_locked"] and hook["channel_id"] != channel["id"]:
        raise _error(403, errors.HOOK_CHANNEL_LOCKED, channel_id=channel["id"])
    creator = rt.store.get("users", hook["user_id"])
    if creator is None:
        raise _error(403, errors.HOOK_USER, user=hook["user_id"])
    if channel["type"] != "O" and not permissions.has_channel_permission(
        rt, creator, channel, "read_channel_content"
    ):
        raise _error(403, errors.HOOK_PERMISSIONS, user=creator["id"], channel=channel["id"])
    return create_webhook_post(rt, hook, creator, channel, payload)


def create_webhook_post(
    rt: Runtime, hook: Doc, creator: Doc, channel: Doc, payload: Doc, root_id: str = ""
) -> Doc:
    """A webhook's payload (incoming request or outgoing hook's answer) as the post
    ``CreateWebhookPost`` makes: Slack text and attachments processed, the hook's display name
    in the props."""
    props: Doc = dict(payload.get("props") or {})
    # A ``props.attachments`` of the caller's is not the typed list CreateWebhookPost keeps.
    props.pop("attachments", None)
    props["webhook_display_name"] = hook["display_name"]
    post_type: str = payload.get("type") or ""
    attachments = process_slack_attachments(rt, payload.get("attachments") or [])
    if attachments:
        props["attachments"] = attachments
        post_type = "slack_attachment"
    text = process_slack_text(rt, payload.get("text") or "")
    return _create_webhook_post(
        rt, hook, creator, channel, text, props, post_type, payload, root_id
    )


def _links_to_markdown(attachments: list[Doc]) -> list[Doc]:
    """``ParseSlackAttachment``: Slack links in text, pretext and string field values."""
    for attachment in attachments:
        for key in ("text", "pretext"):
            if isinstance(attachment.get(key), str):
                attachment[key] = _LINK_WITH_TEXT.sub(r"[\2](\1)", attachment[key])
        for field in attachment.get("fields") or []:
            if isinstance(field, dict) and isinstance(field.get("value"), str):
                field["value"] = _LINK_WITH_TEXT.sub(r"[\2](\1)", field["value"])
    return attachments


def parse_slack_links(text: str) -> str:
    """``ParseSlackLinksToMarkdown``: ``<url|text>`` becomes ``[text](url)``."""
    return _LINK_WITH_TEXT.sub(r"[\2](\1)", text)


def parse_attachment_links(attachments: list[Doc]) -> list[Doc]:
    """``ParseSlackAttachment``'s link rewriting, for the other integration posts."""
    return _links_to_markdown(attachments)


def _create_webhook_post(
    rt: Runtime,
    hook: Doc,
    creator: Doc,
    channel: Doc,
    text: str,
    props: Doc,
    post_type: str,
    payload: Doc,
    root_id: str = "",
) -> Doc:
    """``CreateWebhookPost``: its own props first, then the caller's minus the reserved ones."""
    text = _LINK_WITH_TEXT.sub(r"[\2](\1)", text)
    priority = payload.get("priority")
    if priority is not None and not priority.get("priority"):
        raise HookError(
            400, errors.INVALID_PARAM, "CreateWebhookPost", Name="webhook.priority.priority"
        )
    if post_type.startswith("system_"):
        raise HookError(400, errors.INVALID_PARAM, "CreateWebhookPost", Name="post.type")
    post_props: Doc = {"from_webhook": "true"}
    if setting(rt, "ServiceSettings", "EnablePostUsernameOverride", False):
        username = payload.get("username") or hook.get("username") or DEFAULT_WEBHOOK_USERNAME
        post_props["override_username"] = username
    if setting(rt, "ServiceSettings", "EnablePostIconOverride", False):
        icon = payload.get("icon_url") or hook.get("icon_url") or ""
        if icon:
            post_props["override_icon_url"] = icon
        if payload.get("icon_emoji"):  # upstream stores the emoji under the same prop
            post_props["override_icon_url"] = payload["icon_emoji"]
    reserved = ("override_icon_url", "override_username", "from_webhook")
    post_props.update((k, v) for k, v in props.items() if k not in reserved)
    if "attachments" in post_props:
        post_props["attachments"] = _links_to_markdown(post_props["attachments"])
    # The app layer's CreatePost: the webhook's own checks above stand in for api4's permission
    # check, which a webhook post never passes through. A text longer than a post may hold is
    # split over several posts (``splitWebhookPost``), the attachments on the last; the answer
    # is the first.
    chunks = _split_text(text)
    base_props = {k: v for k, v in post_props.items() if k != "attachments"}
    posts = [
        store_post(
            rt,
            channel=channel,
            user_id=creator["id"],
            message=chunk,
            root_id=root_id,
            props=post_props if index == len(chunks) - 1 else base_props,
            post_type=post_type,
        )
        for index, chunk in enumerate(chunks)
    ]
    return posts[0]


def _split_text(text: str) -> list[str]:
    """Runs of at most ``POST_MESSAGE_MAX_RUNES`` characters (one, possibly empty, at least)."""
    size = POST_MESSAGE_MAX_RUNES
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]
