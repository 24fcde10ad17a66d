"""``api4/channel.go``, more lookups: every channel (admins), channels by ids, autocomplete,
group-message search, a user's memberships, a group message's common teams."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models.common import Doc
from ..tables import member_id
from .channel_lists import _by_display_name, _matches
from .channels import load_channel

blueprint = Blueprint("mm_channel_lookups", __name__, url_prefix="/api/v4")

AUTOCOMPLETE_LIMIT = 50


def _with_team(rt: Runtime, channel: Doc) -> Doc:
    """``ChannelWithTeamData``."""
    team = rt.store.get("teams", channel["team_id"]) or {}
    return {
        **wire.channel(channel),
        "team_display_name": team.get("display_name", ""),
        "team_name": team.get("name", ""),
        "team_update_at": team.get("update_at", 0),
    }


def _my_channels(rt: Runtime, user_id: str) -> list[Doc]:
    found = []
    for membership in rt.store.find("channel_members", "user_id", user_id):
        channel = rt.store.get("channels", membership["channel_id"])
        if channel is not None:
            found.append(channel)
    return found


@blueprint.get("/channels")
def get_all_channels() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    include_deleted = inputs.bool_arg("include_deleted")
    exclude_defaults = inputs.bool_arg("exclude_default_channels")
    found = [
        c
        for c in rt.store.all("channels")
        if c["type"] in ("O", "P")
        and (include_deleted or not c["delete_at"])
        and not (exclude_defaults and c["name"] in (models.DEFAULT_CHANNEL, "off-topic"))
    ]
    rows = [_with_team(rt, c) for c in _by_display_name(found)]
    page, per_page = inputs.paging()
    shown = rows[page * per_page : (page + 1) * per_page]
    if inputs.bool_arg("include_total_count"):
        return jsonify({"channels": shown, "total_count": len(rows)})
    return jsonify(shown)


@blueprint.post("/channels/group/search")
def search_group_channels() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object("channel_search")
    term = inputs.body_string(body, "term").strip().lower()
    words = term.split()
    found = []
    for channel in _my_channels(rt, user["id"]):
        if channel["type"] != "G" or channel["delete_at"]:
            continue
        members = [
            rt.store.get("users", m["user_id"])
            for m in rt.store.find("channel_members", "channel_id", channel["id"])
        ]
        names = [
            n.lower()
            for u in members
            if u is not None
            for n in (u["username"], u["first_name"], u["last_name"], u["nickname"])
            if n
        ]
        if all(any(n.startswith(w) for n in names) for w in words):
            found.append(channel)
    return jsonify([wire.channel(c) for c in _by_display_name(found)])


@blueprint.post("/teams/<team_id>/channels/ids")
def get_public_channels_by_ids(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    ids = inputs.json_body(required=False)
    if not isinstance(ids, list) or not ids:
        raise errors.invalid_body_param("channel_ids")
    if not all(isinstance(i, str) and is_mattermost_id(i) for i in ids):
        raise errors.invalid_body_param("channel_id")
    permissions.require_team(rt, user, team_id, "view_team")
    found = [
        c
        for i in dict.fromkeys(ids)
        if (c := rt.store.get("channels", i)) is not None
        and c["team_id"] == team_id
        and c["type"] == "O"
        and not c["delete_at"]
    ]
    if not found:
        raise errors.not_found(errors.CHANNELS_BY_IDS_NOT_FOUND)
    return jsonify([wire.channel(c) for c in found])


@blueprint.get("/teams/<team_id>/channels/autocomplete")
def autocomplete_channels(team_id: str) -> Response:
    """``AutocompleteChannels``: the team's public channels and the caller's private ones."""
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "list_team_channels")
    term = request.args.get("name", "").strip().lower()
    mine = {c["id"] for c in _my_channels(rt, user["id"])}
    found = [
        c
        for c in rt.store.find("channels", "team_id", team_id)
        if not c["delete_at"]
        and (c["type"] == "O" or (c["type"] == "P" and c["id"] in mine))
        and _matches(c, term)
    ]
    return jsonify([wire.channel(c) for c in _by_display_name(found)[:AUTOCOMPLETE_LIMIT]])


@blueprint.get("/teams/<team_id>/channels/search_autocomplete")
def autocomplete_channels_for_search(team_id: str) -> Response:
    """``AutocompleteChannelsForSearch``: channels of the team, and DMs/GMs, the caller is in."""
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "view_team")
    term = request.args.get("name", "").strip().lower()
    found = [
        c
        for c in _my_channels(rt, user["id"])
        if c["team_id"] in (team_id, "") and not c["delete_at"] and _matches(c, term)
    ]
    return jsonify([wire.channel(c) for c in _by_display_name(found)[:AUTOCOMPLETE_LIMIT]])


@blueprint.get("/users/<user_id>/teams/<team_id>/channels/members")
def get_channel_members_for_user(user_id: str, team_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    inputs.id_param(team_id, "team_id")
    permissions.require_self_or(viewer, target)
    permissions.require_team(rt, viewer, team_id, "view_team")
    members = [
        wire.channel_member(m)
        for c in _my_channels(rt, target)
        if c["team_id"] in (team_id, "") and not c["delete_at"]
        if (m := rt.store.get("channel_members", member_id(c["id"], target))) is not None
    ]
    return jsonify(members)


@blueprint.get("/users/<user_id>/channel_members")
def get_channel_members_with_team_data(user_id: str) -> Response:
    """``GetChannelMembersWithTeamDataForUser``: every membership with its team's names."""
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(viewer, target)
    rows = []
    for channel in sorted(_my_channels(rt, target), key=lambda c: c["id"]):
        membership = rt.store.get("channel_members", member_id(channel["id"], target))
        if membership is None:
            continue
        team = rt.store.get("teams", channel["team_id"]) or {}
        rows.append(
            {
                **wire.channel_member(membership),
                "team_display_name": team.get("display_name", ""),
                "team_name": team.get("name", ""),
                "team_update_at": team.get("update_at", 0),
            }
        )
    page, per_page = inputs.paging()
    return jsonify(rows[page * per_page : (page + 1) * per_page])


@blueprint.get("/channels/<channel_id>/common_teams")
def get_common_teams(channel_id: str) -> Response:
    """``GetGroupMessageMembersCommonTeams``: teams every active member of a GM is in."""
    rt, user = authentication.caller()
    channel = load_channel(rt, channel_id)
    permissions.require_channel(rt, user, channel, "read_channel")
    if channel["type"] != "G":
        raise errors.bad_request(errors.COMMON_TEAMS_WRONG_TYPE)
    common: set[str] | None = None
    for membership in rt.store.find("channel_members", "channel_id", channel["id"]):
        member = rt.store.get("users", membership["user_id"])
        if member is None or member["delete_at"] or member.get("is_bot"):
            continue
        teams = {
            m["team_id"]
            for m in rt.store.find("team_members", "user_id", member["id"])
            if not m["delete_at"]
        }
        common = teams if common is None else common & teams
    found = [rt.store.get("teams", t) for t in sorted(common or ())]
    live = [t for t in found if t is not None and not t["delete_at"]]
    return jsonify([wire.team(t) for t in sorted(live, key=lambda t: t["display_name"].lower())])
