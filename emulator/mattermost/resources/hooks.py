"""``web/webhook.go``: ``POST /hooks/{id}``, an incoming webhook, and ``POST /hooks/commands/{id}``,
a slash command's delayed answer (both outside ``/api/v4``).

Decoding as upstream: JSON whatever the content type, the JSON in a ``payload`` field of a
urlencoded form, or multipart fields named after ``IncomingWebhookRequest``'s Go fields (gorilla
``schema``: case-insensitive, an unknown field is an error). Every error is wrapped in the
route's own id, with the inner one quoted in ``detailed_error``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, request

from ...core.jsonbounds import too_deep
from ...core.runtime import runtime
from .. import errors
from ..models.incoming_hooks import HookError, handle_incoming_webhook
from ..models.slash_commands import (
    CommandWebhookError,
    handle_command_webhook,
    parse_command_response,
)

blueprint = Blueprint("mm_hooks", __name__)

# mime.ParseMediaType's first part: a token, optionally ``/`` and a second token.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE_RE = re.compile(rf"^{_TOKEN}(/{_TOKEN})?$")
# IncomingWebhookRequest's string fields, by JSON name.
_STRINGS = ("text", "username", "icon_url", "channel", "type", "icon_emoji")
# The same fields by their Go names, lower-cased, as gorilla schema matches multipart fields.
_SCHEMA_FIELDS = {
    "text": "text",
    "username": "username",
    "iconurl": "icon_url",
    "channelname": "channel",
    "type": "type",
    "iconemoji": "icon_emoji",
}


def _decode_json(raw: bytes) -> dict[str, Any]:
    """``IncomingWebhookRequestFromJSON``; a shape Go cannot decode raises ``ValueError``."""
    if too_deep(raw):
        raise ValueError("too deep")
    body = json.loads(raw)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValueError("not an object")
    for name in _STRINGS:
        if body.get(name) is not None and not isinstance(body[name], str):
            raise ValueError(name)
    for name, kind in (("props", dict), ("attachments", list), ("priority", dict)):
        if body.get(name) is not None and not isinstance(body[name], kind):
            raise ValueError(name)
    if any(not isinstance(a, dict | None) for a in body.get("attachments") or []):
        raise ValueError("attachments")
    return body


def _payload(hook_id: str, media_type: str) -> dict[str, Any]:
    params = {"hook_id": hook_id, "media_type": media_type}
    if media_type == "multipart/form-data":
        payload: dict[str, Any] = {}
        for key, value in request.form.items():
            name = _SCHEMA_FIELDS.get(key.lower())
            if name is None:
                raise errors.AppError(
                    400, errors.HOOK_DECODE, f'schema: invalid path "{key}"', **params
                )
            payload[name] = value
        return payload
    raw = (
        request.form.get("payload", "").encode()
        if media_type == ("application/x-www-form-urlencoded")
        else request.get_data()
    )
    try:
        return _decode_json(raw)
    except ValueError:
        quoted = f"IncomingWebhookRequestFromJSON: {errors.MESSAGES[errors.HOOK_PARSE_DATA]}"
        raise errors.AppError(400, errors.HOOK_DECODE, quoted, **params) from None


@blueprint.post("/hooks/<hook_id>")
def incoming_webhook(hook_id: str) -> Response:
    if not re.fullmatch(r"[A-Za-z0-9]+", hook_id):  # upstream's route pattern
        raise errors.for_status(404, f"url={request.path}")
    media_type = ""
    content_type = request.headers.get("Content-Type", "")
    if content_type:
        media_type = content_type.split(";", 1)[0].strip().lower()
        if not _MEDIA_TYPE_RE.match(media_type):
            raise errors.AppError(400, errors.HOOK_MEDIA_TYPE, hook_id=hook_id)
    payload = _payload(hook_id, media_type)
    try:
        handle_incoming_webhook(runtime(), hook_id, payload)
    except HookError as inner:
        raise errors.AppError(
            inner.status,
            errors.HOOK_GENERAL,
            inner.quoted(),
            hook_id=hook_id,
            media_type=media_type,
        ) from None
    return Response("ok", status=200, content_type="text/plain")


@blueprint.post("/hooks/commands/<hook_id>")
def command_webhook(hook_id: str) -> Response:
    """A slash command's ``response_url``: a ``CommandResponse`` (JSON, or any other body as its
    text) answering the command later; ``ok`` as upstream."""
    if not re.fullmatch(r"[A-Za-z0-9]+", hook_id):  # upstream's route pattern
        raise errors.for_status(404, f"url={request.path}")
    try:
        response = parse_command_response(
            request.get_data(), request.headers.get("Content-Type", "")
        )
    except ValueError:
        raise errors.AppError(400, errors.COMMAND_WEBHOOK_PARSE, hook_id=hook_id) from None
    try:
        handle_command_webhook(runtime(), hook_id, response)
    except CommandWebhookError as inner:
        raise errors.AppError(
            inner.status, errors.COMMAND_WEBHOOK_GENERAL, inner.quoted(), hook_id=hook_id
        ) from None
    return Response("ok", status=200, content_type="text/plain")
