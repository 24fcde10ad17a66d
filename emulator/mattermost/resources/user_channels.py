"""``api4/channel.go``, the per-user listings: a user's channels in a team, or everywhere."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, inputs, permissions, wire
from ..tables import member_id
from .users import Doc, load_user

blueprint = Blueprint("mm_user_channels", __name__, url_prefix="/api/v4")


def _user_channels(rt: Runtime, user_id: str, team_id: str | None, deleted: bool) -> list[Doc]:
    """The user's channels (through the channel_members index); in a team, DMs/GMs included."""
    channels = []
    for member in rt.store.find("channel_members", "user_id", user_id):
        channel = rt.store.get("channels", member["channel_id"])
        if channel is None or (channel["delete_at"] and not deleted):
            continue
        if team_id is not None and channel["team_id"] not in (team_id, ""):
            continue
        channels.append(channel)
    return sorted(channels, key=lambda c: (c["display_name"].lower(), c["id"]))


@blueprint.get("/users/<user_id>/teams/<team_id>/channels")
def get_channels_for_team_for_user(user_id: str, team_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    inputs.id_param(team_id, "team_id")
    permissions.require_self_or(viewer, user["id"])
    permissions.require_team(rt, viewer, team_id, "view_team")
    deleted = inputs.bool_arg("include_deleted")
    membership = rt.store.get("team_members", member_id(team_id, user["id"]))
    if membership is None or membership["delete_at"]:
        return jsonify([])
    return jsonify([wire.channel(c) for c in _user_channels(rt, user["id"], team_id, deleted)])


@blueprint.get("/users/<user_id>/channels")
def get_channels_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    user = load_user(rt, user_id)
    permissions.require_self_or(viewer, user["id"])
    deleted = inputs.bool_arg("include_deleted")
    return jsonify([wire.channel(c) for c in _user_channels(rt, user["id"], None, deleted)])
