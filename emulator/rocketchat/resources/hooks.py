"""Incoming webhooks: ``/hooks/:integrationId/:token`` (``app/integrations/server/api/api.ts``
``executeIntegrationRest`` and ``app/lib/server/functions/processWebhookMessage.ts``).

Scripts are never run: there is no JavaScript engine here, so a ``scriptEnabled`` integration
behaves as upstream does with a script that did not compile (``integrationHasValidScript`` is
false): the payload is posted as sent.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core import jsonbounds
from ...core.runtime import Runtime, runtime
from .. import errors, inputs, models
from .chat import _resolve_channel

blueprint = Blueprint("rc_hooks", __name__)

Doc = dict[str, Any]

INCOMING = "webhook-incoming"


def _payload() -> Doc:
    """The body; a form whose one field is ``payload`` holds the JSON (Slack style), and a
    one-field form without it is parsed whole as JSON, as upstream's middleware does."""
    if request.mimetype == "application/x-www-form-urlencoded" and len(request.form) == 1:
        raw = request.form.get("payload", request.get_data(as_text=True))
        try:
            parsed = jsonbounds.loads(raw)
        except (ValueError, jsonbounds.TooDeep) as exc:
            raise errors.plain(f"Unexpected token in JSON: {exc}") from None
        if not isinstance(parsed, dict):
            raise errors.plain("payload must be a JSON object")
        return parsed
    if request.method == "GET":
        return {}
    return inputs.body()


def _integration(rt: Runtime, integration_id: str, token: str) -> Doc:
    """``WebHookAPI.authenticatedRoute``: the integration by id and token, then its user."""
    doc = rt.store.get("integrations", integration_id)
    if doc is None or doc.get("type") != INCOMING or doc.get("token") != token:
        raise errors.plain("Invalid integration id or token provided.")
    return doc


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _message_fields(payload: Doc, integration: Doc) -> Doc:
    """``processWebhookMessage``'s message, with the integration's defaults; empty values are
    dropped (``removeEmpty``)."""
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


def _js_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    return "number" if isinstance(value, int | float) else "object"


def _validate(fields: Doc) -> None:
    """``sendMessage``'s ``validateMessage``: ill-typed fields are refused, never stored."""
    for key in ("alias", "emoji", "avatar"):
        if key in fields and not isinstance(fields[key], str):
            got = _js_type(fields[key])
            raise errors.plain(f"Match error: Expected string, got {got} in field {key}")
    if not all(isinstance(a, dict) for a in fields["attachments"]):
        raise errors.plain("Match error: Expected object in field attachments")
    if not isinstance(fields.get("customFields", {}), dict):
        raise errors.plain("Match error: Expected object in field customFields")


def _channels(payload: Doc, integration: Doc) -> list[str]:
    target = payload.get("channel") or payload.get("roomId") or integration.get("channel") or []
    found = target if isinstance(target, list) else [target]
    return list(dict.fromkeys(c for c in found if isinstance(c, str) and c))


def _execute(integration_id: str, token: str) -> Response:
    rt = runtime()
    integration = _integration(rt, integration_id, token)
    user = rt.store.get("users", integration.get("userId", ""))
    if user is None:
        raise errors.unauthorized()
    if integration.get("enabled") is not True:
        raise errors.for_status(503, "Service Unavailable")
    payload = _payload()
    if not payload and not integration.get("scriptEnabled"):
        return jsonify(success=True)
    if (payload.get("channel") or payload.get("roomId")) and not integration.get(
        "overrideDestinationChannelEnabled"
    ):
        raise errors.plain("overriding destination channel is disabled for this integration")
    text = payload.get("text") or payload.get("msg") or ""
    if not isinstance(text, str):
        raise errors.plain(f"Match error: Expected string, got {_js_type(text)} in field msg")
    fields = _message_fields(payload, integration)
    sent = 0
    for channel in _channels(payload, integration):
        try:
            room = _resolve_channel(rt, user, channel)
        except errors.RocketError as error:
            # ``catch ({ error, message })``: the bare Meteor error code, no ``errorType``.
            raise errors.plain(error.body.get("errorType") or error.body["error"]) from None
        try:
            models.execute_send_message(
                rt,
                user,
                room,
                text.strip(),
                tmid=payload.get("tmid"),
                extra=dict(fields),
                validate=lambda _room: _validate(fields),
            )
        except models.SendRefused as refused:
            raise errors.plain(refused.code) from None
        sent += 1
    if not sent:
        raise errors.plain(errors.UNKNOWN_ERROR)
    return jsonify(success=True)


@blueprint.route("/hooks/<integration_id>/<token>", methods=["GET", "POST"])
def execute(integration_id: str, token: str) -> Response:
    return _execute(integration_id, token)


@blueprint.route("/hooks/<integration_id>/<user_id>/<token>", methods=["GET", "POST"])
def execute_with_user(integration_id: str, user_id: str, token: str) -> Response:
    """The older URL form; upstream ignores ``userId`` (the integration names its user)."""
    return _execute(integration_id, token)
