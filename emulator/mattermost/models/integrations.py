"""Incoming and outgoing webhooks and slash commands (CRUD)."""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .. import errors
from .builtin_commands import BUILT_INS
from .common import Doc, setting

# -- integrations: incoming/outgoing webhooks and slash commands -----------------------------------

_HTTP_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_http_url(value: str) -> bool:
    return bool(_HTTP_URL_RE.match(value or ""))


def _check_hook_texts(hook: Doc) -> None:
    if len(hook["display_name"]) > 64:
        raise errors.AppError(400, errors.HOOK_DISPLAY_NAME_INVALID)
    if len(hook["description"]) > 500:
        raise errors.AppError(400, errors.HOOK_DESCRIPTION_INVALID)


def require_enabled(rt: Runtime, setting_name: str, error_id: str) -> None:
    """An integration kind switched off in ``ServiceSettings``: its handlers answer 501."""
    if not setting(rt, "ServiceSettings", setting_name, False):
        raise errors.AppError(501, error_id)


def _save(rt: Runtime, table: str, doc: Doc, *, token: bool = False) -> Doc:
    """A create (no ``id``) gets its id, times and (``token``) secret, and never replaces a stored
    document; an edit replaces the one it read."""
    now = rt.clock.now_ms()
    if doc.get("id"):
        return rt.store.update(table, doc["id"], {**doc, "update_at": now})
    fresh = {"id": rt.ids.mattermost_id()}
    if token:
        fresh["token"] = rt.ids.mattermost_token()
    fresh.update(create_at=now, update_at=now, delete_at=0)
    return rt.store.insert(table, {**fresh, **doc, **fresh})


def save_incoming_webhook(rt: Runtime, hook: Doc) -> Doc:
    """Create (no ``id``) or replace an incoming webhook; ``hook`` has every client field."""
    _check_hook_texts(hook)
    return _save(rt, "incoming_webhooks", hook)


def validate_outgoing_webhook(rt: Runtime, hook: Doc) -> None:
    """``CreateOutgoingWebhook`` / ``OutgoingWebhook.IsValid`` for what a client controls."""
    if hook["channel_id"]:
        channel = rt.store.get("channels", hook["channel_id"])
        if channel is None:
            raise errors.not_found(errors.CHANNEL_NOT_FOUND, f"channel_id={hook['channel_id']}")
        if channel["type"] != "O":
            raise errors.AppError(403, errors.OUTGOING_NOT_OPEN)
        if channel["team_id"] != hook["team_id"]:
            raise errors.AppError(403, errors.OUTGOING_WRONG_TEAM)
    elif not hook["trigger_words"]:
        raise errors.bad_request(errors.OUTGOING_NEEDS_CHANNEL_OR_WORDS)
    for other in rt.store.find("outgoing_webhooks", "team_id", hook["team_id"]):
        if other["id"] == hook.get("id") or other["channel_id"] != hook["channel_id"]:
            continue
        if not other["trigger_words"] or not hook["trigger_words"]:
            if set(other["callback_urls"]) & set(hook["callback_urls"]):
                raise errors.bad_request(errors.OUTGOING_INTERSECT)
        elif set(other["trigger_words"]) & set(hook["trigger_words"]):
            raise errors.bad_request(errors.OUTGOING_INTERSECT)
    urls = hook["callback_urls"]
    if not urls or len(" ".join(urls)) > 1024:
        raise errors.bad_request(errors.OUTGOING_CALLBACKS_INVALID)
    if not all(is_http_url(u) for u in urls):
        raise errors.bad_request(errors.OUTGOING_URL_INVALID)
    if hook["trigger_when"] not in (0, 1):
        raise errors.bad_request(errors.OUTGOING_TRIGGER_WHEN_INVALID)
    if len(hook["content_type"]) > 128:
        raise errors.bad_request(errors.OUTGOING_CONTENT_TYPE_INVALID)
    if any(not w or len(w) > 64 for w in hook["trigger_words"]):
        raise errors.bad_request(errors.OUTGOING_WORDS_INVALID)
    _check_hook_texts(hook)


def save_outgoing_webhook(rt: Runtime, hook: Doc) -> Doc:
    validate_outgoing_webhook(rt, hook)
    return _save(rt, "outgoing_webhooks", hook, token=True)


def regen_outgoing_token(rt: Runtime, hook: Doc) -> Doc:
    return rt.store.update(
        "outgoing_webhooks",
        hook["id"],
        {"token": rt.ids.mattermost_token(), "update_at": rt.clock.now_ms()},
    )


def validate_command(rt: Runtime, command: Doc) -> None:
    trigger = command["trigger"]
    if not trigger or len(trigger) > 128 or trigger.startswith("/") or " " in trigger:
        raise errors.bad_request(errors.COMMAND_TRIGGER_INVALID)
    if not command["url"] or len(command["url"]) > 1024:
        raise errors.bad_request(errors.COMMAND_URL_INVALID)
    if not is_http_url(command["url"]):
        raise errors.bad_request(errors.COMMAND_URL_HTTP_INVALID)
    if command["method"] not in ("P", "G"):
        raise errors.bad_request(errors.COMMAND_METHOD_INVALID)
    # validateCommandTriggerUniqueness: a built-in's trigger is taken too.
    if trigger in BUILT_INS:
        raise errors.bad_request(errors.COMMAND_DUPLICATE)
    for other in rt.store.find("commands", "team_id", command["team_id"]):
        if other["id"] != command.get("id") and other["trigger"] == trigger:
            raise errors.bad_request(errors.COMMAND_DUPLICATE)


def save_command(rt: Runtime, command: Doc) -> Doc:
    command = {**command, "trigger": command["trigger"].lower()}
    validate_command(rt, command)
    return _save(rt, "commands", command, token=True)


def move_command(rt: Runtime, command: Doc, team_id: str) -> Doc:
    """``MoveCommand``: only the team changes (the store update checks no trigger)."""
    changes = {"team_id": team_id, "update_at": rt.clock.now_ms()}
    return rt.store.update("commands", command["id"], changes)
