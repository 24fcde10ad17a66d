"""Webhook integrations CRUD: ``integrations.*`` (``v1/integrations.ts`` and
``app/integrations/server/methods``). Running them (``/hooks/...``, call-outs) lives elsewhere."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, Response

from ...core.ids import METEOR_ALPHABET
from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
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


def _channels(rt: Runtime, user: Doc, raw: Any, method: str, required: bool) -> list[str]:
    """The ``channel`` list: ``#room`` or ``@user`` entries the caller may target."""
    if not isinstance(raw, str) or not raw.strip():
        if required:
            raise errors.meteor_error(errors.INVALID_CHANNEL, "Invalid channel", {"method": method})
        return []
    channels = [c.strip() for c in raw.split(",") if c.strip()]
    full = all(models.has_permission(rt, user, p) for p in MANAGE[INCOMING])
    for channel in channels:
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
    channels = _channels(rt, user, args.get("channel"), "validateOutgoing", required=False)
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
    }
    for key in ("token", "alias", "emoji", "avatar", "script", "targetRoom", "retryCount"):
        if args.get(key) is not None:
            fields[key] = args[key]
    return models.create_integration(rt, user, poster, fields)


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
    return ok(integration=wire.integration(doc))
