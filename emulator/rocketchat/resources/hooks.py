"""Incoming webhooks: ``/hooks/:integrationId/:token`` (``app/integrations/server/api/api.ts``
``executeIntegrationRest`` and ``app/lib/server/functions/processWebhookMessage.ts``).

A ``scriptEnabled`` integration whose script compiled runs its ``process_incoming_request`` in
the sandbox (``models.scripts``) first; what it returns replaces the payload, as upstream.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core import jsonbounds
from ...core.ids import METEOR_ALPHABET
from ...core.runtime import Runtime, runtime
from .. import errors, inputs, models, wire
from ..models import scripts, webhook_messages
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


def _channels(payload: Doc, integration: Doc) -> list[str]:
    target = payload.get("channel") or payload.get("roomId") or integration.get("channel") or []
    found = target if isinstance(target, list) else [target]
    return list(dict.fromkeys(c for c in found if isinstance(c, str) and c))


def _script_request(payload: Doc, url_params: dict[str, str], user: Doc) -> Doc:
    """The ``request`` object ``process_incoming_request`` gets."""
    url = request.url
    return {
        "url": {
            "hash": "",
            "search": f"?{request.query_string.decode()}" if request.query_string else "",
            "query": request.args.to_dict(),
            "pathname": request.path,
            "path": url,
        },
        "url_raw": url,
        "url_params": url_params,
        "content": payload,
        "content_raw": request.get_data(as_text=True),
        "headers": {k.lower(): v for k, v in request.headers.items()},
        "body": payload,
        "user": {"_id": user["_id"], "name": user.get("name") or "", "username": user["username"]},
    }


def _run_script(
    rt: Runtime, integration: Doc, payload: Doc, url_params: dict[str, str], user: Doc
) -> tuple[Doc | None, Doc | None]:
    """``processIncomingRequest``: ``(payload, response)`` the script leaves, ``(None, None)``
    when it returns nothing (the hook then answers success without posting). A script that does
    not load answers its error's message, one that throws ``error-running-script``."""
    params = {"request": _script_request(payload, url_params, user)}
    try:
        _ran, result = scripts.run(rt, integration, "process_incoming_request", params)
    except scripts.ScriptError as error:
        raise errors.plain(str(error) if error.loading else errors.ERROR_RUNNING_SCRIPT) from None
    if not result:
        return None, None
    if isinstance(result, dict) and result.get("error"):
        raise errors.plain(str(result["error"]))
    content = result.get("content") if isinstance(result, dict) else None
    if not isinstance(content, dict):  # upstream's ``'separateResponse' in content`` throws
        raise errors.plain(errors.ERROR_RUNNING_SCRIPT)
    response = result.get("response")
    return content, response if isinstance(response, dict) else None


def _execute(integration_id: str, token: str, url_params: dict[str, str]) -> Response:
    rt = runtime()
    integration = _integration(rt, integration_id, token)
    user = rt.store.get("users", integration.get("userId", ""))
    if user is None:
        raise errors.unauthorized()
    if integration.get("enabled") is not True:
        raise errors.for_status(503, "Service Unavailable")
    payload = _payload()
    script_response = None
    if scripts.has_valid_script(integration) and request.method != "GET":
        found, script_response = _run_script(rt, integration, payload, url_params, user)
        if found is None:
            return jsonify(success=True)
        payload = found
    if not payload and not integration.get("scriptEnabled"):
        return jsonify(success=True)
    if (payload.get("channel") or payload.get("roomId")) and not integration.get(
        "overrideDestinationChannelEnabled"
    ):
        raise errors.plain("overriding destination channel is disabled for this integration")
    fields = webhook_messages.message_fields(payload, integration)
    sent = 0
    for channel in _channels(payload, integration):
        try:
            room = _resolve_channel(rt, user, channel)
        except errors.RocketError as error:
            # ``catch ({ error, message })``: the bare Meteor error code, no ``errorType``.
            raise errors.plain(error.body.get("errorType") or error.body["error"]) from None
        try:
            webhook_messages.send_webhook_message(rt, user, room, payload, fields)
        except models.SendRefused as refused:
            raise errors.plain(refused.code) from None
        sent += 1
    if not sent:
        raise errors.plain(errors.UNKNOWN_ERROR)
    return jsonify({**(script_response or {}), "success": True})


@blueprint.route("/hooks/<integration_id>/<token>", methods=["GET", "POST"])
def execute(integration_id: str, token: str) -> Response:
    return _execute(integration_id, token, {"integrationId": integration_id, "token": token})


@blueprint.route("/hooks/<integration_id>/<user_id>/<token>", methods=["GET", "POST"])
def execute_with_user(integration_id: str, user_id: str, token: str) -> Response:
    """The older URL form; upstream ignores ``userId`` (the integration names its user)."""
    url_params = {"integrationId": integration_id, "userId": user_id, "token": token}
    return _execute(integration_id, token, url_params)


# -- the Zapier-era routes beside them (``api.ts``: sample, info, add, remove) -----------------
# Each authenticates with the integration's id and token and acts as its user.

_SAMPLE_TEXTS = ("Sample text 1", "Sample text 2", "Sample text 3")


def _integration_user(integration_id: str, token: str) -> tuple[Runtime, Doc]:
    rt = runtime()
    integration = _integration(rt, integration_id, token)
    user = rt.store.get("users", integration.get("userId", ""))
    if user is None:
        raise errors.unauthorized()
    return rt, user


@blueprint.get("/hooks/sample/<integration_id>/<token>")
@blueprint.get("/hooks/sample/<integration_id>/<user_id>/<token>")
def sample(integration_id: str, token: str, user_id: str = "") -> Response:
    """``integrationSampleRest``: three made-up outgoing payloads (fresh random ids each time,
    as upstream's ``Random.id()``)."""
    rt, _user = _integration_user(integration_id, token)
    now = rt.clock.now_ms()
    return jsonify(
        [
            {
                "token": "".join(secrets.choice(METEOR_ALPHABET) for _ in range(24)),
                "channel_id": rt.ids.meteor_id(),
                "channel_name": "general",
                "timestamp": wire.iso(now),
                "user_id": rt.ids.meteor_id(),
                "user_name": "rocket.cat",
                "text": text,
                "trigger_word": "Sample",
            }
            for text in _SAMPLE_TEXTS
        ]
    )


@blueprint.get("/hooks/info/<integration_id>/<token>")
@blueprint.get("/hooks/info/<integration_id>/<user_id>/<token>")
def info(integration_id: str, token: str, user_id: str = "") -> Response:
    _integration_user(integration_id, token)
    return jsonify(success=True)


@blueprint.post("/hooks/add/<integration_id>/<token>")
@blueprint.post("/hooks/add/<integration_id>/<user_id>/<token>")
def add(integration_id: str, token: str, user_id: str = "") -> Response:
    """``createIntegration``: an outgoing integration posting as rocket.cat, for the events
    ``newMessageOnChannel`` and ``newMessageToUser``; any other event is a no-op success. The
    arguments are upstream's, without an ``event``, so its validation refuses them as it does."""
    rt, user = _integration_user(integration_id, token)
    args = inputs.body()
    data = args.get("data") if isinstance(args.get("data"), dict) else {}
    event = args.get("event")
    if event == "newMessageOnChannel":
        channel = data.get("channel_name")
        if isinstance(channel, str) and "#" not in channel:
            channel = f"#{channel}"
    elif event == "newMessageToUser":
        channel = data.get("username")
        if not isinstance(channel, str):
            raise errors.plain("Cannot read properties of undefined (reading 'indexOf')")
        if "@" not in channel:
            channel = f"@{channel}"
    else:
        return jsonify(success=True)
    created = models.add_outgoing_integration(
        rt,
        user,
        {
            "username": "rocket.cat",
            "urls": [args.get("target_url")],
            "name": args.get("name"),
            "channel": channel,
            "triggerWords": data.get("trigger_words"),
        },
    )
    return jsonify(wire.integration(created))


@blueprint.post("/hooks/remove/<integration_id>/<token>")
@blueprint.post("/hooks/remove/<integration_id>/<user_id>/<token>")
def remove(integration_id: str, token: str, user_id: str = "") -> Response:
    """``removeIntegration``: the outgoing integration calling ``target_url``."""
    rt, user = _integration_user(integration_id, token)
    target = inputs.body().get("target_url")
    found = rt.store.find("integrations", "urls", target) if isinstance(target, str) else []
    if not found:
        raise errors.plain(errors.INTEGRATION_NOT_FOUND)
    models.delete_integration(rt, user, found[0])
    return jsonify(success=True)
