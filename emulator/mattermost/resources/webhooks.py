"""``api4/webhook.go``: incoming and outgoing webhook CRUD (their call-outs live elsewhere)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from .channels import can_read_channel

blueprint = Blueprint("mm_webhooks", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
MANAGE_IN = "manage_incoming_webhooks"
MANAGE_OTHERS_IN = "manage_others_incoming_webhooks"
MANAGE_OUT = "manage_outgoing_webhooks"
MANAGE_OTHERS_OUT = "manage_others_outgoing_webhooks"
DEFAULT_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _incoming_enabled(rt: Runtime) -> None:
    models.require_enabled(rt, "EnableIncomingWebhooks", errors.INCOMING_DISABLED)


def _outgoing_enabled(rt: Runtime) -> None:
    models.require_enabled(rt, "EnableOutgoingWebhooks", errors.OUTGOING_DISABLED)


def _bool(body: Doc, name: str, default: bool = False) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise errors.invalid_body_param(name)
    return value


def _string_list(body: Doc, name: str, default: list[str]) -> list[str]:
    value = body.get(name, default)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.invalid_body_param(name)
    return list(value)


def _hook_channel(rt: Runtime, channel_id: str) -> Doc:
    """``GetChannel`` on a body id: anything unknown is the 404 of a missing channel."""
    channel = rt.store.get("channels", channel_id) if is_mattermost_id(channel_id) else None
    if channel is None:
        raise errors.not_found(errors.CHANNEL_NOT_FOUND, f"channel_id={channel_id}")
    return channel


def _paged(items: list[Doc]) -> list[Doc]:
    page, per_page = inputs.paging()
    items = sorted(items, key=lambda h: h["create_at"])
    return items[page * per_page : (page + 1) * per_page]


def _listable(
    rt: Runtime, user: Doc, table: str, team_id: str, owner: str, manage: str, manage_others: str
) -> list[Doc]:
    """The hooks of a team (all teams without one) the caller may list: ``manage`` is needed, and
    without ``manage_others`` only the caller's own are listed."""
    if team_id:
        permissions.require_team(rt, user, team_id, manage)
        mine_only = not permissions.has_team_permission(rt, user, team_id, manage_others)
        hooks = rt.store.find(table, "team_id", team_id)
    else:
        permissions.require_system(user, manage)
        mine_only = not permissions.has_system_permission(user, manage_others)
        hooks = rt.store.all(table)
    return [h for h in hooks if h[owner] == user["id"]] if mine_only else hooks


# -- incoming ---------------------------------------------------------------------------------


INCOMING_FIELDS = {
    "id": str,
    "user_id": str,
    "channel_id": str,
    "team_id": str,
    "display_name": str,
    "description": str,
    "username": str,
    "icon_url": str,
    "channel_locked": bool,
}
OUTGOING_FIELDS = {
    "id": str,
    "creator_id": str,
    "channel_id": str,
    "team_id": str,
    "trigger_words": list,
    "trigger_when": int,
    "callback_urls": list,
    "display_name": str,
    "description": str,
    "content_type": str,
    "username": str,
    "icon_url": str,
}


def _incoming_fields(body: Doc, old: Doc | None = None) -> Doc:
    inputs.check_types(body, INCOMING_FIELDS, "incoming_webhook")
    old = old or {}
    return {
        "channel_id": inputs.body_string(body, "channel_id", old.get("channel_id", "")),
        "display_name": inputs.body_string(body, "display_name", old.get("display_name", "")),
        "description": inputs.body_string(body, "description", old.get("description", "")),
        "username": inputs.body_string(body, "username", old.get("username", "")),
        "icon_url": inputs.body_string(body, "icon_url", old.get("icon_url", "")),
        "channel_locked": _bool(body, "channel_locked", old.get("channel_locked", False)),
    }


def _load_incoming(rt: Runtime, hook_id: str) -> Doc:
    hook = rt.store.get("incoming_webhooks", inputs.id_param(hook_id, "hook_id"))
    if hook is None:
        raise errors.not_found(errors.INCOMING_NOT_FOUND, f"hook_id={hook_id}")
    return hook


def _require_incoming_access(rt: Runtime, user: Doc, hook: Doc) -> None:
    channel = rt.store.get("channels", hook["channel_id"])
    restricted = (
        channel is not None and channel["type"] != "O" and not can_read_channel(rt, user, channel)
    )
    if restricted or not permissions.has_team_permission(rt, user, hook["team_id"], MANAGE_IN):
        raise errors.permission_denied(user["id"], MANAGE_IN)
    if hook["user_id"] != user["id"]:
        permissions.require_team(rt, user, hook["team_id"], MANAGE_OTHERS_IN)


@blueprint.post("/hooks/incoming")
def create_incoming() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("incoming_webhook")
    fields = _incoming_fields(body)
    owner_id = inputs.body_string(body, "user_id")
    channel = _hook_channel(rt, fields["channel_id"])
    permissions.require_team(rt, user, channel["team_id"], MANAGE_IN)
    if not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    if owner_id and owner_id != user["id"]:
        permissions.require_team(rt, user, channel["team_id"], MANAGE_OTHERS_IN)
        if not is_mattermost_id(owner_id) or rt.store.get("users", owner_id) is None:
            raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={owner_id}")
    _incoming_enabled(rt)
    hook = models.save_incoming_webhook(
        rt,
        {
            "user_id": owner_id or user["id"],
            "channel_id": channel["id"],
            "team_id": channel["team_id"],
            **fields,
        },
    )
    return jsonify(wire.incoming_webhook(hook)), 201


@blueprint.get("/hooks/incoming")
def list_incoming() -> Response:
    rt, user = authentication.caller()
    team_id = request.args.get("team_id", "")
    hooks = _listable(
        rt, user, "incoming_webhooks", team_id, "user_id", MANAGE_IN, MANAGE_OTHERS_IN
    )
    _incoming_enabled(rt)
    listed = [wire.incoming_webhook(h) for h in _paged(hooks)]
    if request.args.get("include_total_count") == "true":
        return jsonify({"incoming_webhooks": listed, "total_count": len(hooks)})
    return jsonify(listed)


@blueprint.get("/hooks/incoming/<hook_id>")
def get_incoming(hook_id: str) -> Response:
    rt, user = authentication.caller()
    _incoming_enabled(rt)
    hook = _load_incoming(rt, hook_id)
    _require_incoming_access(rt, user, hook)
    return jsonify(wire.incoming_webhook(hook))


@blueprint.put("/hooks/incoming/<hook_id>")
def update_incoming(hook_id: str) -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object_for(hook_id, "hook_id", "incoming_webhook", "hook_id")
    _incoming_enabled(rt)
    old = _load_incoming(rt, hook_id)
    team_id = inputs.body_string(body, "team_id") or old["team_id"]
    if team_id != old["team_id"]:
        raise errors.AppError(400, errors.WEBHOOK_TEAM_MISMATCH, f"user_id={user['id']}")
    fields = _incoming_fields(body, old)
    channel = _hook_channel(rt, fields["channel_id"])
    if channel["team_id"] != team_id:
        raise errors.invalid_body_param("channel_id")
    _require_incoming_access(rt, user, {**old, "channel_id": channel["id"]})
    hook = models.save_incoming_webhook(rt, {**old, **fields, "channel_id": channel["id"]})
    return jsonify(wire.incoming_webhook(hook)), 201


@blueprint.delete("/hooks/incoming/<hook_id>")
def delete_incoming(hook_id: str) -> Response:
    rt, user = authentication.caller()
    _incoming_enabled(rt)
    hook = _load_incoming(rt, hook_id)
    _require_incoming_access(rt, user, hook)
    rt.store.delete("incoming_webhooks", hook["id"])
    return jsonify(wire.status_ok())


# -- outgoing ---------------------------------------------------------------------------------


def _outgoing_fields(body: Doc, old: Doc | None = None) -> Doc:
    inputs.check_types(body, OUTGOING_FIELDS, "outgoing_webhook")
    for name in ("trigger_words", "callback_urls"):
        if not all(isinstance(v, str) for v in body.get(name) or []):
            raise errors.invalid_body_param("outgoing_webhook")
    old = old or {}
    trigger_when = body.get("trigger_when", old.get("trigger_when", 0))
    if not isinstance(trigger_when, int) or isinstance(trigger_when, bool):
        raise errors.invalid_body_param("trigger_when")
    return {
        "channel_id": inputs.body_string(body, "channel_id", old.get("channel_id", "")),
        "trigger_words": _string_list(body, "trigger_words", old.get("trigger_words", [])),
        "trigger_when": trigger_when,
        "callback_urls": _string_list(body, "callback_urls", old.get("callback_urls", [])),
        "display_name": inputs.body_string(body, "display_name", old.get("display_name", "")),
        "description": inputs.body_string(body, "description", old.get("description", "")),
        "content_type": inputs.body_string(body, "content_type", old.get("content_type", ""))
        or DEFAULT_CONTENT_TYPE,
        "username": inputs.body_string(body, "username", old.get("username", "")),
        "icon_url": inputs.body_string(body, "icon_url", old.get("icon_url", "")),
    }


def _load_outgoing(rt: Runtime, user: Doc, hook_id: str) -> Doc:
    _outgoing_enabled(rt)
    hook = rt.store.get("outgoing_webhooks", inputs.id_param(hook_id, "hook_id"))
    if hook is None:
        raise errors.not_found(errors.OUTGOING_NOT_FOUND, f"hook_id={hook_id}")
    permissions.require_team(rt, user, hook["team_id"], MANAGE_OUT)
    if hook["creator_id"] != user["id"]:
        permissions.require_team(rt, user, hook["team_id"], MANAGE_OTHERS_OUT)
    return hook


@blueprint.post("/hooks/outgoing")
def create_outgoing() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("outgoing_webhook")
    fields = _outgoing_fields(body)
    team_id = inputs.body_string(body, "team_id")
    creator_id = permissions.integration_creator(
        rt, user, team_id, inputs.body_string(body, "creator_id"), MANAGE_OUT, MANAGE_OTHERS_OUT
    )
    _outgoing_enabled(rt)
    # The order of upstream's ``OutgoingWebhook`` fields, as the JSON lists them.
    owned = {"creator_id": creator_id, "channel_id": fields["channel_id"], "team_id": team_id}
    hook = models.save_outgoing_webhook(rt, {**owned, **fields})
    return jsonify(wire.outgoing_webhook(hook)), 201


@blueprint.get("/hooks/outgoing")
def list_outgoing() -> Response:
    rt, user = authentication.caller()
    channel_id = request.args.get("channel_id", "")
    team_id = request.args.get("team_id", "")
    if channel_id:
        channel = rt.store.get("channels", channel_id) if is_mattermost_id(channel_id) else None
        if channel is None or not permissions.has_channel_permission(rt, user, channel, MANAGE_OUT):
            raise errors.permission_denied(user["id"], MANAGE_OUT)
        hooks = [
            h
            for h in rt.store.find("outgoing_webhooks", "team_id", channel["team_id"])
            if h["channel_id"] == channel_id
        ]
        if not permissions.has_channel_permission(rt, user, channel, MANAGE_OTHERS_OUT):
            hooks = [h for h in hooks if h["creator_id"] == user["id"]]
    else:
        hooks = _listable(
            rt, user, "outgoing_webhooks", team_id, "creator_id", MANAGE_OUT, MANAGE_OTHERS_OUT
        )
    _outgoing_enabled(rt)
    return jsonify([wire.outgoing_webhook(h) for h in _paged(hooks)])


@blueprint.get("/hooks/outgoing/<hook_id>")
def get_outgoing(hook_id: str) -> Response:
    rt, user = authentication.caller()
    return jsonify(wire.outgoing_webhook(_load_outgoing(rt, user, hook_id)))


@blueprint.put("/hooks/outgoing/<hook_id>")
def update_outgoing(hook_id: str) -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object_for(hook_id, "hook_id", "outgoing_webhook", "hook_id")
    old = _load_outgoing(rt, user, hook_id)
    team_id = inputs.body_string(body, "team_id") or old["team_id"]
    if team_id != old["team_id"]:
        raise errors.AppError(400, errors.WEBHOOK_TEAM_MISMATCH, f"user_id={user['id']}")
    hook = {**old, **_outgoing_fields(body, old), "creator_id": user["id"]}
    return jsonify(wire.outgoing_webhook(models.save_outgoing_webhook(rt, hook)))


@blueprint.delete("/hooks/outgoing/<hook_id>")
def delete_outgoing(hook_id: str) -> Response:
    rt, user = authentication.caller()
    hook = _load_outgoing(rt, user, hook_id)
    rt.store.delete("outgoing_webhooks", hook["id"])
    return jsonify(wire.status_ok())


@blueprint.post("/hooks/outgoing/<hook_id>/regen_token")
def regen_outgoing_token(hook_id: str) -> Response:
    rt, user = authentication.caller()
    hook = _load_outgoing(rt, user, hook_id)
    return jsonify(wire.outgoing_webhook(models.regen_outgoing_token(rt, hook)))
