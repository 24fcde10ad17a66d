"""Webhook integrations CRUD: ``integrations.*`` (``v1/integrations.ts`` and
``app/integrations/server/methods``). Running them (``/hooks/...``, call-outs) lives elsewhere."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, Response

from ...core.ids import METEOR_ALPHABET
from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, outgoing, wire
from ..models import scripts
from ._rooms_common import ok, page_body, params, text_param

blueprint = Blueprint("rc_integrations", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

INCOMING, OUTGOING = "webhook-incoming", "webhook-outgoing"
MANAGE = {
    INCOMING: ("manage-incoming-integrations", "manage-own-incoming-integrations"),
    OUTGOING: ("manage-outgoing-integrations", "manage-own-outgoing-integrations"),
}
ANY_MANAGE = (*MANAGE[INCOMING], *MANAGE[OUTGOING])
OUTGOING_EVENTS = (
    "sendMessage",
    "fileUploaded",
    "roomArchived",
    "roomCreated",
    "roomJoined",
    "roomLeft",
    "userCreated",
)


def _require_any(rt: Runtime) -> Doc:
    """The route-level ``permissionsRequired`` (any of the four manage permissions)."""
    user = auth.current_user(rt)
    if not any(models.has_permission(rt, user, p) for p in ANY_MANAGE):
        raise errors.forbidden()
    return user


def _match(args: Doc, key: str, kind: type, required: bool = True) -> None:
    """Meteor ``check`` with ``Match.ObjectIncluding``."""
    names = {str: "string", bool: "boolean"}
    if key not in args or args[key] is None:
        if required:
            raise errors.plain(f"Match error: Missing key '{key}'")
        return
    if not isinstance(args[key], kind):
        got = {str: "string", bool: "boolean", int: "number", float: "number"}.get(
            type(args[key]), "object"
        )
        raise errors.plain(f"Match error: Expected {names[kind]}, got {got} in field {key}")


# Outgoing integrations may also name a whole kind of room (``validateOutgoingIntegration``).
SCOPED_CHANNELS = ("all_public_channels", "all_private_groups", "all_direct_messages")


def _channels(
    rt: Runtime, user: Doc, raw: Any, method: str, required: bool, scoped: bool = False
) -> list[str]:
    """The ``channel`` list: ``#room`` or ``@user`` entries the caller may target, and for
    outgoing integrations the scoped names (all but public channels need the full permission)."""
    if not isinstance(raw, str) or not raw.strip():
        if required:
            raise errors.meteor_error(errors.INVALID_CHANNEL, "Invalid channel", {"method": method})
        return []
    channels = [c.strip() for c in raw.split(",") if c.strip()]
    full = all(models.has_permission(rt, user, p) for p in MANAGE[INCOMING])
    for channel in channels:
        if scoped and channel.lower() in SCOPED_CHANNELS:
            if channel.lower() != "all_public_channels" and not models.has_permission(
                rt, user, "manage-outgoing-integrations"
            ):
                raise errors.meteor_error(
                    errors.INVALID_CHANNEL, "Invalid Channel", {"method": method}
                )
            continue
        if channel[0] not in "@#":
            raise errors.meteor_error(
                errors.INVALID_CHANNEL_START_WITH_CHARS,
                "Invalid channel. Start with @ or #",
                {"method": method},
            )
        name = channel[1:]
        if channel[0] == "#":
            record = rt.store.get("rooms", name) or rt.store.find_one("rooms", "name", name)
        else:
            record = rt.store.get("users", name) or rt.store.find_one(
                "users", "username", name.lower()
            )
        if record is None:
            raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room", {"method": method})
        if (
            channel[0] == "#"
            and not full
            and models.subscription(rt, record["_id"], user["_id"]) is None
        ):
            raise errors.meteor_error(errors.INVALID_CHANNEL, "Invalid Channel", {"method": method})
    return channels


def _posting_user(rt: Runtime, args: Doc, method: str) -> Doc:
    username = args.get("username")
    if not isinstance(username, str) or not username.strip():
        raise errors.meteor_error(errors.INVALID_USERNAME, "Invalid username", {"method": method})
    found = rt.store.find_one("users", "username", username.strip().lower())
    if found is None:
        raise errors.invalid_user(method)
    return found


def _create_incoming(rt: Runtime, user: Doc, args: Doc) -> Doc:
    method = "addIncomingIntegration"
    for key, kind in (
        ("name", str),
        ("enabled", bool),
        ("username", str),
        ("channel", str),
        ("scriptEnabled", bool),
    ):
        _match(args, key, kind)
    for key in ("alias", "emoji", "avatar", "script", "scriptEngine"):
        _match(args, key, str, required=False)
    if not any(models.has_permission(rt, user, p) for p in MANAGE[INCOMING]):
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
        )
    channels = _channels(rt, user, args["channel"], method, required=True)
    poster = _posting_user(rt, args, method)
    extra = {k: args[k] for k in ("alias", "emoji", "avatar", "script") if args.get(k) is not None}
    return models.create_integration(
        rt,
        user,
        poster,
        {
            "type": INCOMING,
            "name": args["name"],
            "enabled": args["enabled"],
            "username": poster["username"],
            "channel": channels,
            "scriptEnabled": args["scriptEnabled"],
            "overrideDestinationChannelEnabled": bool(
                args.get("overrideDestinationChannelEnabled", False)
            ),
            "token": "".join(secrets.choice(METEOR_ALPHABET) for _ in range(48)),
            **extra,
            **_compiled(args),
        },
    )


def _create_outgoing(rt: Runtime, user: Doc, args: Doc) -> Doc:
    method = "addOutgoingIntegration"
    if not any(models.has_permission(rt, user, p) for p in MANAGE[OUTGOING]):
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
        )
    if args.get("event") not in OUTGOING_EVENTS:
        raise errors.meteor_error(
            errors.INVALID_EVENT_TYPE, "Invalid event type", {"function": "validateOutgoing"}
        )
    poster = _posting_user(rt, args, "validateOutgoing")
    urls = args.get("urls")
    if isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise errors.meteor_error(
            errors.INVALID_URLS, "Invalid URLs", {"function": "validateOutgoing"}
        )
    urls = [u.strip() for u in urls if u.strip()]
    if not urls:
        raise errors.meteor_error(
            errors.INVALID_URLS, "Invalid URLs", {"function": "validateOutgoing"}
        )
    channels = _channels(
        rt, user, args.get("channel"), "validateOutgoing", required=False, scoped=True
    )
    words = args.get("triggerWords") or []
    if isinstance(words, str):
        words = words.split(",")
    fields: Doc = {
        "type": OUTGOING,
        "name": args.get("name") if isinstance(args.get("name"), str) else "",
        "enabled": bool(args.get("enabled", True)),
        "event": args["event"],
        "urls": urls,
        "username": poster["username"],
        "channel": channels,
        "triggerWords": [w.strip() for w in words if isinstance(w, str) and w.strip()],
        "scriptEnabled": bool(args.get("scriptEnabled", False)),
        "impersonateUser": bool(args.get("impersonateUser", False)),
        "retryFailedCalls": bool(args.get("retryFailedCalls", False)),
        "runOnEdits": bool(args.get("runOnEdits", False)),
        "triggerWordAnywhere": bool(args.get("triggerWordAnywhere", False)),
    }
    for key in ("token", "alias", "emoji", "avatar", "script", "targetRoom"):
        if args.get(key) is not None:
            fields[key] = args[key]
    if fields["retryFailedCalls"]:  # ``_verifyRetryInformation``
        count = _int(args.get("retryCount"))
        delay = args.get("retryDelay")
        fields["retryCount"] = count if count and count > 0 else 4
        fields["retryDelay"] = (
            delay.strip().lower() if isinstance(delay, str) and delay.strip() else "powers-of-ten"
        )
    return models.create_integration(rt, user, poster, {**fields, **_compiled(args)})


def _int(value: Any) -> int | None:
    """``parseInt(String(value))``: the leading integer of the value's text, if any."""
    found = re.match(r"\s*([+-]?\d+)", str(value))
    return int(found.group(1)) if found else None


def _compiled(args: Doc) -> Doc:
    """``scriptCompiled`` (the script, when V8 parses it) or ``scriptError``, for an enabled,
    non-empty script; the compile step of both create methods."""
    script = args.get("script")
    if args.get("scriptEnabled") is not True or not isinstance(script, str) or not script.strip():
        return {}
    error = scripts.compile_error(script)
    return {"scriptError": error} if error else {"scriptCompiled": script}


@blueprint.post("/integrations.create")
def integrations_create() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    kind = args.get("type")
    if not isinstance(kind, str):
        raise errors.invalid_params(
            "must have required property 'type'\n must have required property 'type'\n"
            " must match exactly one schema in oneOf"
        )
    if kind == INCOMING:
        return ok(integration=wire.integration(_create_incoming(rt, user, args)))
    if kind == OUTGOING:
        return ok(integration=wire.integration(_create_outgoing(rt, user, args)))
    raise errors.plain("Invalid integration type.")


def _visible(rt: Runtime, user: Doc, doc: Doc) -> bool:
    full, own = MANAGE[doc["type"]]
    if models.has_permission(rt, user, full):
        return True
    return models.has_permission(rt, user, own) and doc["_createdBy"]["_id"] == user["_id"]


@blueprint.get("/integrations.list")
def integrations_list() -> Response:
    rt = runtime()
    user = _require_any(rt)
    args = params()
    found = [d for d in rt.store.all("integrations") if _visible(rt, user, d)]
    if args.get("type") in (INCOMING, OUTGOING):
        found = [d for d in found if d["type"] == args["type"]]
    term = (args.get("name") or "").lower()
    if term:
        found = [d for d in found if term in d.get("name", "").lower()]
    body = page_body(rt, "integrations", found, wire.integration, {"_createdAt": 1})
    return ok(**body, items=body["count"])


@blueprint.get("/integrations.get")
def integrations_get() -> Response:
    rt = runtime()
    user = _require_any(rt)
    integration_id = text_param(params().get("integrationId"))
    if integration_id is None:
        raise errors.plain('The query parameter "integrationId" is required.')
    doc = rt.store.get("integrations", integration_id)
    if doc is None or not _visible(rt, user, doc):
        raise errors.plain("The integration does not exists.")
    return ok(integration=wire.integration(doc))


@blueprint.post("/integrations.remove")
def integrations_remove() -> Response:
    rt = runtime()
    user = _require_any(rt)
    args = inputs.body()
    kind = args.get("type")
    if kind not in (INCOMING, OUTGOING):
        raise errors.plain("Invalid integration type.")
    integration_id = text_param(args.get("integrationId"))
    doc = rt.store.get("integrations", integration_id) if integration_id else None
    if kind == OUTGOING and integration_id is None:
        target = text_param(args.get("target_url"))
        if target is None:
            raise errors.plain("An integrationId or target_url needs to be provided.")
        doc = next(iter(rt.store.find("integrations", "urls", target)), None)
    if doc is None or doc["type"] != kind:
        raise errors.plain("No integration found.")
    if not _visible(rt, user, doc):
        method = "deleteIncomingIntegration" if kind == INCOMING else "deleteOutgoingIntegration"
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
        )
    rt.store.delete("integrations", doc["_id"])
    if kind == OUTGOING:  # ``deleteOutgoingIntegration`` drops its history too
        outgoing.clear_history(rt, doc["_id"])
    return ok(integration=wire.integration(doc))


# -- outgoing integrations' history (``IntegrationHistory``) -----------------------------------


def _require_outgoing(rt: Runtime) -> Doc:
    """The route-level permission of the history endpoints."""
    user = auth.current_user(rt)
    if not any(models.has_permission(rt, user, p) for p in MANAGE[OUTGOING]):
        raise errors.forbidden()
    return user


def _required(args: Doc, *keys: str) -> None:
    for key in keys:
        if key not in args:
            raise errors.invalid_params(f"must have required property '{key}'")


def _outgoing_for(rt: Runtime, user: Doc, integration_id: Any, method: str) -> Doc:
    """The integration a history method may act on: any with ``manage-outgoing-integrations``,
    one's own with ``manage-own-outgoing-integrations``."""
    full, own = MANAGE[OUTGOING]
    doc = rt.store.get("integrations", integration_id) if isinstance(integration_id, str) else None
    if not models.has_permission(rt, user, full):
        if not models.has_permission(rt, user, own):
            raise errors.meteor_error(
                errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
            )
        if doc is not None and doc["_createdBy"]["_id"] != user["_id"]:
            doc = None
    if doc is None:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION, "Invalid integration", {"method": method}
        )
    return doc


@blueprint.get("/integrations.history")
def integrations_history() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = params()
    _required(args, "id")
    integration_id = args.get("id")
    if not isinstance(integration_id, str) or not integration_id.strip():
        raise errors.plain("Invalid integration id.")
    found = rt.store.find("integration_history", "integration", integration_id)
    full, _own = MANAGE[OUTGOING]
    if not models.has_permission(rt, user, full):
        found = [d for d in found if d["integration"]["_createdBy"]["_id"] == user["_id"]]
    body = page_body(rt, "history", found, wire.rest_dates, {"_updatedAt": -1})
    return ok(
        history=body["history"], offset=body["offset"], items=body["count"], total=body["total"]
    )


@blueprint.post("/integrations.clearHistory")
def integrations_clear_history() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = inputs.body()
    _required(args, "integrationId")
    doc = _outgoing_for(rt, user, args["integrationId"], "clearIntegrationHistory")
    outgoing.clear_history(rt, doc["_id"])
    return ok()


@blueprint.post("/integrations.replayOutgoing")
def integrations_replay_outgoing() -> Response:
    rt = runtime()
    user = _require_outgoing(rt)
    args = inputs.body()
    _required(args, "integrationId", "historyId")
    method = "replayOutgoingIntegration"
    doc = _outgoing_for(rt, user, args["integrationId"], method)
    history = (
        rt.store.get("integration_history", args["historyId"])
        if isinstance(args["historyId"], str)
        else None
    )
    if history is None or history["integration"]["_id"] != doc["_id"]:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION_HISTORY, "Invalid Integration History", {"method": method}
        )
    if doc["type"] != OUTGOING:
        raise errors.meteor_error(
            errors.INTEGRATION_TYPE_MUST_BE_OUTGOING,
            "The integration type to replay must be an outgoing webhook.",
        )
    if not history.get("data"):
        raise errors.meteor_error(
            errors.HISTORY_DATA_MUST_BE_DEFINED,
            "The history data must be defined to replay an integration.",
        )
    outgoing.replay(rt, doc, history)
    return ok()
