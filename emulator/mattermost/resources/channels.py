"""``api4/channel.go``: creating, reading, changing and archiving channels.

Memberships, read state and stats are in ``channel_members.py``. The helpers at the top (loading a
channel, the read check) are shared by the other part-B resources.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire

blueprint = Blueprint("mm_channels", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
DEFAULT_CHANNEL = models.DEFAULT_CHANNEL


# -- shared helpers ---------------------------------------------------------------------------


def load_channel(rt: Runtime, channel_id: str) -> Doc:
    channel = rt.store.get("channels", inputs.id_param(channel_id, "channel_id"))
    if channel is None:
        raise errors.not_found(errors.CHANNEL_NOT_FOUND, f"channel_id={channel_id}")
    return channel


def load_team(rt: Runtime, team_id: str) -> Doc:
    team = rt.store.get("teams", inputs.id_param(team_id, "team_id"))
    if team is None:
        raise errors.not_found(errors.TEAM_NOT_FOUND, f"team_id={team_id}")
    return team


can_read_channel = permissions.can_read_channel


def require_read_channel(rt: Runtime, user: Doc, channel: Doc) -> None:
    if not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel")


def readable_channel(rt: Runtime, user: Doc, channel_id: str) -> Doc:
    channel = load_channel(rt, channel_id)
    require_read_channel(rt, user, channel)
    return channel


CHANNEL_FIELDS = {
    "id": str,
    "team_id": str,
    "type": str,
    "name": str,
    "display_name": str,
    "header": str,
    "purpose": str,
}


def id_list_body() -> list[str]:
    """A JSON array of strings (``ArrayFromJSON``), or the real payload parse error."""
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(isinstance(v, str) for v in body):
        raise errors.bad_request(errors.PAYLOAD_PARSE)
    return body


# -- create -----------------------------------------------------------------------------------


@blueprint.post("/channels")
def create_channel() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("channel", CHANNEL_FIELDS)
    team_id = inputs.body_string(body, "team_id")
    channel_type = inputs.body_string(body, "type")
    if not team_id:
        raise errors.invalid_body_param("team_id")
    if not inputs.body_string(body, "display_name"):
        raise errors.invalid_body_param("display_name")
    channel = models.create_team_channel(
        rt,
        user,
        team_id=team_id,
        name=inputs.body_string(body, "name"),
        display_name=inputs.body_string(body, "display_name"),
        channel_type=channel_type,
        purpose=inputs.body_string(body, "purpose"),
        header=inputs.body_string(body, "header"),
    )
    return jsonify(wire.channel(channel)), 201


def _existing_users(rt: Runtime, user_ids: list[str], error_id: str) -> None:
    for user_id in user_ids:
        target = rt.store.get("users", user_id)
        if target is None or target["delete_at"]:
            raise errors.bad_request(error_id, f"user_id={user_id}")


@blueprint.post("/channels/direct")
def create_direct_channel() -> tuple[Response, int]:
    rt, user = authentication.caller()
    user_ids = list(dict.fromkeys(id_list_body()))
    if user_ids == [user["id"]]:
        user_ids = [user["id"], user["id"]]
    if len(user_ids) != 2:
        raise errors.invalid_body_param("user_ids")
    for user_id in user_ids:
        if not is_mattermost_id(user_id):
            raise errors.invalid_body_param("user_id")
    permissions.require_system(user, "create_direct_channel")
    if user["id"] not in user_ids:
        permissions.require_system(user, "manage_system")
    _existing_users(rt, user_ids, errors.DIRECT_INVALID_USER)
    channel = models.create_direct_channel(rt, user_ids[0], user_ids[1], actor_id=user["id"])
    return jsonify(wire.channel(channel)), 201


@blueprint.post("/channels/group")
def create_group_channel() -> tuple[Response, int]:
    rt, user = authentication.caller()
    user_ids = sorted(set(id_list_body()))
    if not user_ids:
        raise errors.invalid_body_param("user_ids")
    for user_id in user_ids:
        if not is_mattermost_id(user_id):
            raise errors.invalid_body_param("user_id")
    if user["id"] not in user_ids:
        user_ids = [*user_ids, user["id"]]
    user_ids = list(dict.fromkeys(user_ids))
    permissions.require_system(user, "create_group_channel")
    if not 3 <= len(user_ids) <= 8:
        raise errors.bad_request(errors.GROUP_BAD_SIZE)
    _existing_users(rt, user_ids, errors.GROUP_BAD_USER)
    channel = models.create_group_channel(rt, user_ids)
    return jsonify(wire.channel(channel)), 201


# -- read -------------------------------------------------------------------------------------


@blueprint.get("/channels/<channel_id>")
def get_channel(channel_id: str) -> Response:
    rt, user = authentication.caller()
    return jsonify(wire.channel(readable_channel(rt, user, channel_id)))


def _channel_by_name(rt: Runtime, user: Doc, team: Doc, name: str) -> Doc:
    channel = rt.store.find_one("channels", "team_name", (team["id"], name))
    include_deleted = request.args.get("include_deleted") == "true"
    if channel is None or (channel["delete_at"] and not include_deleted):
        raise errors.not_found(errors.CHANNEL_NAME_MISSING, f"name={name}")
    if channel["type"] == "O":
        if not permissions.has_channel_permission(rt, user, channel, "read_channel"):
            permissions.require_team(rt, user, team["id"], "read_public_channel")
    elif not permissions.has_team_permission(
        rt, user, team["id"], "manage_team"
    ) and not permissions.has_channel_permission(rt, user, channel, "read_channel"):
        # Private channels a caller may not read are "not found", not "forbidden" (team admins
        # see them all).
        raise errors.not_found(errors.CHANNEL_NAME_MISSING, f"teamId={team['id']}, name={name}")
    return channel


@blueprint.get("/teams/<team_id>/channels/name/<channel_name>")
def get_channel_by_name(team_id: str, channel_name: str) -> Response:
    rt, user = authentication.caller()
    team = load_team(rt, team_id)
    return jsonify(wire.channel(_channel_by_name(rt, user, team, channel_name)))


@blueprint.get("/teams/name/<team_name>/channels/name/<channel_name>")
def get_channel_by_team_and_name(team_name: str, channel_name: str) -> Response:
    rt, user = authentication.caller()
    team = rt.store.find_one("teams", "name", team_name)
    if team is None:
        raise errors.not_found(errors.TEAM_NAME_NOT_FOUND, f"team_name={team_name}")
    return jsonify(wire.channel(_channel_by_name(rt, user, team, channel_name)))


# -- change -----------------------------------------------------------------------------------


@blueprint.put("/channels/<channel_id>/patch")
def patch_channel(channel_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    body = inputs.json_object("channel", CHANNEL_FIELDS)
    channel = load_channel(rt, channel_id)
    changes = {
        name: body[name]
        for name in ("display_name", "name", "header", "purpose")
        if body.get(name) is not None
    }
    if not changes:
        raise errors.bad_request(errors.CHANNEL_PATCH_NO_CHANGES)
    updated = models.change_channel(rt, user, channel, changes, partial=True)
    return jsonify(wire.channel(updated))


@blueprint.put("/channels/<channel_id>")
def update_channel(channel_id: str) -> Response:
    """``updateChannel``: header and purpose are replaced as sent (absent means empty), name and
    display name only when non-empty; the type never changes."""
    rt, user = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    body = inputs.json_object("channel", CHANNEL_FIELDS)
    if body.get("id") != channel_id:
        raise errors.invalid_body_param("channel_id")
    channel = load_channel(rt, channel_id)
    changes = {"header": body.get("header") or "", "purpose": body.get("purpose") or ""}
    for name in ("display_name", "name"):
        if body.get(name):
            changes[name] = body[name]
    updated = models.change_channel(
        rt, user, channel, changes, partial=False, new_type=body.get("type") or ""
    )
    return jsonify(wire.channel(updated))


@blueprint.delete("/channels/<channel_id>")
def delete_channel(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = load_channel(rt, channel_id)
    models.delete_channel(rt, user, channel)
    return jsonify(wire.status_ok())


@blueprint.post("/channels/<channel_id>/restore")
def restore_channel(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = load_channel(rt, channel_id)
    restored = models.restore_channel(rt, user, channel)
    return jsonify(wire.channel(restored))


@blueprint.put("/channels/<channel_id>/privacy")
def update_privacy(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = load_channel(rt, channel_id)
    body = inputs.json_object("privacy")
    privacy = body.get("privacy")
    if privacy not in ("O", "P"):
        raise errors.invalid_body_param("privacy")
    if channel["type"] not in ("O", "P"):
        raise errors.bad_request(errors.CHANNEL_TYPE_CHANGE)
    permission = (
        "convert_public_channel_to_private"
        if privacy == "P"
        else "convert_private_channel_to_public"
    )
    permissions.require_channel(rt, user, channel, permission)
    if channel["name"] == DEFAULT_CHANNEL and privacy == "P":
        raise errors.bad_request(errors.CHANNEL_PRIVACY_DEFAULT)
    if channel["delete_at"]:
        raise errors.bad_request(errors.CHANNEL_DELETED)
    if privacy == channel["type"]:
        return jsonify(wire.channel(channel))
    return jsonify(wire.channel(models.convert_channel(rt, channel, privacy)))
