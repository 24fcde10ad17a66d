"""Integrations (incoming and outgoing webhooks): the rules of creating them (upstream's
``addIncomingIntegration``/``addOutgoingIntegration`` methods), whichever door asks."""

from __future__ import annotations

import re
import secrets
from typing import Any

from ...core.ids import METEOR_ALPHABET
from ...core.runtime import Runtime
from .. import errors
from . import scripts
from .common import Doc, has_permission
from .rooms import subscription

INCOMING, OUTGOING = "webhook-incoming", "webhook-outgoing"
MANAGE = {
    INCOMING: ("manage-incoming-integrations", "manage-own-incoming-integrations"),
    OUTGOING: ("manage-outgoing-integrations", "manage-own-outgoing-integrations"),
}

ENGINE = "isolated-vm"  # the only script engine 8.x offers

OUTGOING_EVENTS = (
    "sendMessage",
    "fileUploaded",
    "roomArchived",
    "roomCreated",
    "roomJoined",
    "roomLeft",
    "userCreated",
)


# -- integrations -----------------------------------------------------------------------------


def create_integration(rt: Runtime, creator: Doc, poster: Doc, fields: Doc) -> Doc:
    """Store a webhook integration; its posting user gets the ``bot`` role, as upstream."""
    now = rt.clock.now_ms()
    doc = {
        **fields,
        "_id": rt.ids.meteor_id(),
        "userId": poster["_id"],
        "_createdAt": now,
        "_createdBy": {"_id": creator["_id"], "username": creator["username"]},
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("integrations", doc)
        if "bot" not in poster.get("roles", []):
            rt.store.update("users", poster["_id"], {"roles": [*poster.get("roles", []), "bot"]})
    return doc


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
    rt: Runtime, user: Doc, raw: Any, method: str, required: bool, kind: str = INCOMING
) -> list[str]:
    """The ``channel`` list: ``#room`` or ``@user`` entries the caller may target (rooms one is
    not in need both manage permissions of the kind), and for outgoing integrations the scoped
    names (all but public channels need the full permission)."""
    if not isinstance(raw, str) or not raw.strip():
        if required:
            raise errors.meteor_error(errors.INVALID_CHANNEL, "Invalid channel", {"method": method})
        return []
    channels = [c.strip() for c in raw.split(",") if c.strip()]
    full = all(has_permission(rt, user, p) for p in MANAGE[kind])
    for channel in channels:
        if kind == OUTGOING and channel.lower() in SCOPED_CHANNELS:
            if channel.lower() != "all_public_channels" and not has_permission(
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
        if channel[0] == "#" and not full and subscription(rt, record["_id"], user["_id"]) is None:
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


def add_incoming_integration(rt: Runtime, user: Doc, args: Doc) -> Doc:
    """``addIncomingIntegration``: validate, check the caller may, store."""
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
    if not any(has_permission(rt, user, p) for p in MANAGE[INCOMING]):
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
        )
    channels = _channels(rt, user, args["channel"], method, required=True)
    poster = _posting_user(rt, args, method)
    extra = {k: args[k] for k in ("alias", "emoji", "avatar", "script") if args.get(k) is not None}
    return create_integration(
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


def add_outgoing_integration(rt: Runtime, user: Doc, args: Doc) -> Doc:
    """``addOutgoingIntegration``: check the caller may, validate, store."""
    if not any(has_permission(rt, user, p) for p in MANAGE[OUTGOING]):
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": "addOutgoingIntegration"}
        )
    poster, fields = _validated_outgoing(rt, user, args)
    return create_integration(rt, user, poster, fields)


def _validated_outgoing(rt: Runtime, user: Doc, args: Doc) -> tuple[Doc, Doc]:
    """``validateOutgoingIntegration``: the posting user and the integration's fields (the
    compiled script included), shared by the create and update methods."""
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
        rt, user, args.get("channel"), "validateOutgoing", required=False, kind=OUTGOING
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
    return poster, {**fields, **_compiled(args)}


def _editable(rt: Runtime, user: Doc, integration_id: str, kind: str, method: str) -> Doc | None:
    """The integration an update method may change: any with the full permission of its kind,
    one's own with the ``own`` one; refused without either."""
    full, own = MANAGE[kind]
    doc = rt.store.get("integrations", integration_id)
    if has_permission(rt, user, full):
        return doc
    if has_permission(rt, user, own):
        return doc if doc is not None and doc["_createdBy"]["_id"] == user["_id"] else None
    raise errors.meteor_error(errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method})


def _store_update(rt: Runtime, user: Doc, doc: Doc, changes: Doc, dropped: tuple[str, ...]) -> Doc:
    """``findOneAndUpdate`` with ``$set`` (``None`` values are left out, as the driver's
    ``ignoreUndefined``) and ``$unset``; the updater is recorded."""
    updated = {k: v for k, v in doc.items() if k not in dropped}
    updated.update({k: v for k, v in changes.items() if v is not None})
    updated["_updatedAt"] = rt.clock.now_ms()
    updated["_updatedBy"] = {"_id": user["_id"], "username": user["username"]}
    return rt.store.upsert("integrations", updated)


def update_incoming_integration(rt: Runtime, user: Doc, integration_id: str, args: Doc) -> Doc:
    """``updateIncomingIntegration``: channels, permission, the script recompiled, the posting
    user (who gets the ``bot`` role), then the stored fields."""
    method = "updateIncomingIntegration"
    raw = args.get("channel")
    if not isinstance(raw, str) or not raw.strip():
        raise errors.meteor_error(errors.INVALID_CHANNEL, "Invalid channel", {"method": method})
    if any(not c.strip() or c.strip()[0] not in "@#" for c in raw.split(",")):
        raise errors.meteor_error(
            errors.INVALID_CHANNEL_START_WITH_CHARS,
            "Invalid channel. Start with @ or #",
            {"method": method},
        )
    current = _editable(rt, user, integration_id, INCOMING, method)
    if current is None:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION, "Invalid integration", {"method": method}
        )
    channels = _channels(rt, user, raw, method, required=True)
    username = args["username"] if "username" in args else current.get("username")
    poster = rt.store.find_one("users", "username", username) if isinstance(username, str) else None
    if poster is None:
        raise errors.meteor_error(
            errors.INVALID_POST_AS_USER, "Invalid Post As User", {"method": method}
        )
    changes: Doc = {
        "enabled": args.get("enabled"),
        "name": args.get("name"),
        "channel": channels,
        "scriptEnabled": args.get("scriptEnabled"),
        "scriptEngine": args.get("scriptEngine") or current.get("scriptEngine") or ENGINE,
        "skipTranspile": args.get("skipTranspile") is True,
    }
    for key in ("avatar", "emoji", "alias", "script", "overrideDestinationChannelEnabled"):
        if key in args:
            changes[key] = args[key]
    if "username" in args:
        changes.update(username=poster["username"], userId=poster["_id"])
    compiled = _compiled(args)
    changes.update(compiled)
    dropped: tuple[str, ...] = ()
    if compiled:
        dropped = ("scriptError",) if "scriptCompiled" in compiled else ("scriptCompiled",)
    with rt.store.transaction():
        if "bot" not in poster.get("roles", []):
            rt.store.update("users", poster["_id"], {"roles": [*poster.get("roles", []), "bot"]})
        return _store_update(rt, user, current, changes, dropped)


def update_outgoing_integration(rt: Runtime, user: Doc, integration_id: str, args: Doc) -> Doc:
    """``updateOutgoingIntegration``: the fields validated as on create, a token required,
    permission, then the stored fields with the script recompiled."""
    method = "updateOutgoingIntegration"
    poster, fields = _validated_outgoing(rt, user, args)
    token = args.get("token")
    if not isinstance(token, str) or not token.strip():
        raise errors.meteor_error(errors.INVALID_TOKEN, "Invalid token", {"method": method})
    current = _editable(rt, user, integration_id, OUTGOING, method)
    if current is None:
        raise errors.meteor_error(
            errors.INVALID_INTEGRATION_UPDATE,
            "[methods] updateOutgoingIntegration -> integration not found",
        )
    fields["userId"] = poster["_id"]
    engine = args.get("scriptEngine") or current.get("scriptEngine")
    fields["scriptEngine"] = engine or ENGINE
    for key in ("triggerWords", "impersonateUser", "retryFailedCalls", "runOnEdits"):
        if key not in args:  # undefined in the ``$set``: the stored value stays
            del fields[key]
    if "triggerWordAnywhere" not in args:
        del fields["triggerWordAnywhere"]
    dropped = ("scriptError",) if "scriptCompiled" in fields else ("scriptCompiled",)
    return _store_update(rt, user, current, fields, dropped)


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


def can_manage_integration(rt: Runtime, user: Doc, doc: Doc) -> bool:
    """Every integration of its kind with the full permission, one's own with the ``own`` one."""
    full, own = MANAGE[doc["type"]]
    if has_permission(rt, user, full):
        return True
    return has_permission(rt, user, own) and doc["_createdBy"]["_id"] == user["_id"]


def delete_integration(rt: Runtime, user: Doc, doc: Doc) -> None:
    """``deleteIncomingIntegration`` / ``deleteOutgoingIntegration`` (which drops the
    integration's history too)."""
    if not can_manage_integration(rt, user, doc):
        method = (
            "deleteIncomingIntegration"
            if doc["type"] == INCOMING
            else ("deleteOutgoingIntegration")
        )
        raise errors.meteor_error(
            errors.INTEGRATION_NOT_AUTHORIZED, "Unauthorized", {"method": method}
        )
    with rt.store.transaction():
        rt.store.delete("integrations", doc["_id"])
        if doc["type"] == OUTGOING:
            clear_history(rt, doc["_id"])


def clear_history(rt: Runtime, integration_id: str) -> None:
    """``IntegrationHistory.removeByIntegrationId``."""
    with rt.store.transaction():
        for history in rt.store.find("integration_history", "integration", integration_id):
            rt.store.delete("integration_history", history["_id"])
