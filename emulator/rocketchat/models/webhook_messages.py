"""``processWebhookMessage``'s message (``app/lib/server/functions/processWebhookMessage.ts``):
what incoming hooks and outgoing integrations' answers post, with the integration's defaults."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, js_type
from .messages import execute_send_message


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def message_fields(payload: Doc, integration: Doc) -> Doc:
    """The message's fields from ``payload``, the integration's alias/avatar/emoji standing in;
    empty values are dropped (``removeEmpty``)."""
    attachments = payload.get("attachments")
    if not isinstance(attachments, list):
        attachments = None
    for attachment in attachments or []:
        if isinstance(attachment, dict) and attachment.get("msg"):
            attachment["text"] = _text(attachment.pop("msg"))
    fields: Doc = {
        "alias": payload.get("username") or payload.get("alias") or integration.get("alias"),
        "attachments": attachments or [],
        "parseUrls": bool(payload.get("parseUrls", attachments is None)),
        "bot": {"i": integration["_id"]},
        "groupable": bool(payload.get("groupable", False)),
        "customFields": payload.get("customFields"),
    }
    avatar = payload.get("icon_url") or payload.get("avatar")
    emoji = payload.get("icon_emoji") or payload.get("emoji")
    if avatar:
        fields["avatar"] = avatar
    elif emoji:
        fields["emoji"] = emoji
    elif integration.get("avatar"):
        fields["avatar"] = integration["avatar"]
    elif integration.get("emoji"):
        fields["emoji"] = integration["emoji"]
    return {k: v for k, v in fields.items() if v is not None and v != ""}


def validate(fields: Doc) -> None:
    """``sendMessage``'s ``validateMessage``: ill-typed fields are refused, never stored."""
    for key in ("alias", "emoji", "avatar"):
        if key in fields and not isinstance(fields[key], str):
            got = js_type(fields[key])
            raise errors.plain(f"Match error: Expected string, got {got} in field {key}")
    if not all(isinstance(a, dict) for a in fields["attachments"]):
        raise errors.plain("Match error: Expected object in field attachments")
    if not isinstance(fields.get("customFields", {}), dict):
        raise errors.plain("Match error: Expected object in field customFields")


def text_of(payload: Doc) -> str:
    """``text`` or ``msg``; anything but a string is refused as ``check(msg, String)`` does."""
    text = payload.get("text") or payload.get("msg") or ""
    if not isinstance(text, str):
        raise errors.plain(f"Match error: Expected string, got {js_type(text)} in field msg")
    return text.strip()


def send_webhook_message(rt: Runtime, user: Doc, room: Doc, payload: Doc, fields: Doc) -> Doc:
    """``processWebhookMessage``'s send of one payload (incoming hook or an outgoing
    integration's answer) into ``room``: its text, thread and message fields, validated first."""
    return execute_send_message(
        rt,
        user,
        room,
        text_of(payload),
        tmid=payload.get("tmid"),
        extra=dict(fields),
        validate=lambda _room: validate(fields),
    )
