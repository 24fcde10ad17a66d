"""``api4/channel.go``, the listings: a team's public, private and archived channels, search."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from .. import authentication, errors, inputs, permissions, wire
from ..tables import member_id

blueprint = Blueprint("mm_channel_lists", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]


def _by_display_name(channels: list[Doc]) -> list[Doc]:
    return sorted(channels, key=lambda c: (c["display_name"].lower(), c["name"]))


def _page(items: list[Doc]) -> list[Doc]:
    page, per_page = inputs.paging()
    return items[page * per_page : (page + 1) * per_page]


@blueprint.get("/teams/<team_id>/channels")
def get_public_channels(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "list_team_channels")
    channels = [c for c in rt.store.find("channels", "team_id", team_id) if c["type"] == "O"]
    channels = [c for c in channels if not c["delete_at"]]
    return jsonify([wire.channel(c) for c in _page(_by_display_name(channels))])


@blueprint.get("/teams/<team_id>/channels/private")
def get_private_channels(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_system(user, "manage_system")
    channels = [
        c
        for c in rt.store.find("channels", "team_id", team_id)
        if c["type"] == "P" and not c["delete_at"]
    ]
    return jsonify([wire.channel(c) for c in _page(_by_display_name(channels))])


@blueprint.get("/teams/<team_id>/channels/deleted")
def get_deleted_channels(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "list_team_channels")
    channels = [
        c
        for c in rt.store.find("channels", "team_id", team_id)
        if c["delete_at"]
        and (
            c["type"] == "O"
            or (
                c["type"] == "P" and permissions.has_channel_permission(rt, user, c, "read_channel")
            )
        )
    ]
    return jsonify([wire.channel(c) for c in _page(_by_display_name(channels))])


def _matches(channel: Doc, term: str) -> bool:
    if not term:
        return True
    words = re.split(r"[\s\-_.]+", f"{channel['name']} {channel['display_name']}".lower())
    return channel["name"].startswith(term) or any(w.startswith(term) for w in words if w)


@blueprint.post("/teams/<team_id>/channels/search")
def search_team_channels(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    body = inputs.json_object("channel_search")
    term = inputs.body_string(body, "term").strip().lower()
    if permissions.has_team_permission(rt, user, team_id, "list_team_channels"):
        found = [
            c
            for c in rt.store.find("channels", "team_id", team_id)
            if c["type"] == "O" and not c["delete_at"] and _matches(c, term)
        ]
    else:
        # Not allowed to list the team's channels: only the caller's own, 404 for outsiders.
        team_member = rt.store.get("team_members", member_id(team_id, user["id"]))
        if team_member is None or team_member["delete_at"]:
            raise errors.not_found(errors.TEAM_MEMBER_MISSING, f"team_id={team_id}")
        found = [
            c
            for m in rt.store.find("channel_members", "user_id", user["id"])
            if (c := rt.store.get("channels", m["channel_id"])) is not None
            and c["team_id"] == team_id
            and not c["delete_at"]
            and _matches(c, term)
        ]
    return jsonify([wire.channel(c) for c in _by_display_name(found)[:50]])


@blueprint.post("/teams/<team_id>/channels/search_archived")
def search_archived_team_channels(team_id: str) -> Response:
    """Undocumented, served by the real server (``searchArchivedChannelsForTeam``) and wrapped
    by the clients: the team's archived public channels, then the archived private ones the
    caller belongs to, each by display name and at most 100."""
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    body = inputs.json_object("channel_search")
    term = inputs.body_string(body, "term").strip().lower()
    if not permissions.has_team_permission(rt, user, team_id, "list_team_channels"):
        team_member = rt.store.get("team_members", member_id(team_id, user["id"]))
        if team_member is None or team_member["delete_at"]:
            raise errors.not_found(errors.TEAM_MEMBER_MISSING, f"team_id={team_id}")
    archived = [
        c
        for c in rt.store.find("channels", "team_id", team_id)
        if c["delete_at"] and c["type"] in ("O", "P") and _matches(c, term)
    ]
    public = [c for c in archived if c["type"] == "O"]
    private = [
        c
        for c in archived
        if c["type"] == "P" and rt.store.get("channel_members", member_id(c["id"], user["id"]))
    ]
    found = _by_display_name(public)[:100] + _by_display_name(private)[:100]
    return jsonify([wire.channel(c) for c in found])


@blueprint.post("/channels/search")
def search_all_channels() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object("channel_search")
    term = inputs.body_string(body, "term").strip().lower()
    permissions.require_system(user, "manage_system")
    include_deleted = body.get("include_deleted") is True
    found = []
    for channel in rt.store.all("channels"):
        if channel["type"] not in ("O", "P") or not _matches(channel, term):
            continue
        if channel["delete_at"] and not include_deleted:
            continue
        if body.get("public") is True and channel["type"] != "O":
            continue
        if body.get("private") is True and channel["type"] != "P":
            continue
        found.append(channel)
    found = _by_display_name(found)
    rows = []
    for channel in found:
        team = rt.store.get("teams", channel["team_id"]) or {}
        rows.append(
            {
                **wire.channel(channel),
                "team_display_name": team.get("display_name", ""),
                "team_name": team.get("name", ""),
                "team_update_at": team.get("update_at", 0),
            }
        )
    if isinstance(body.get("page"), int) and isinstance(body.get("per_page"), int):
        page = body.get("page") if isinstance(body.get("page"), int) else 0
        per_page = body.get("per_page") if isinstance(body.get("per_page"), int) else 60
        page, per_page = max(page, 0), min(max(per_page, 0) or 60, 200)
        return jsonify(
            {
                "channels": rows[page * per_page : (page + 1) * per_page],
                "total_count": len(rows),
            }
        )
    return jsonify(rows[:50])
