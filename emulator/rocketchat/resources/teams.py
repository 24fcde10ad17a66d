"""Teams: ``teams.*`` basics (``v1/teams.ts`` and the Team service).

A team owns a main room (``teamMain: true``); other rooms join it by carrying its ``teamId``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ._room_family import valid_room_name
from ._rooms_common import ok, page, page_body, params, text_param

blueprint = Blueprint("rc_teams", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _team(rt: Runtime, args: Doc, not_found: str = errors.TEAM_DOES_NOT_EXIST) -> Doc:
    team_id, team_name = text_param(args.get("teamId")), text_param(args.get("teamName"))
    if team_id is None and team_name is None:
        raise errors.plain(errors.MISSING_TEAM_ID_OR_NAME)
    team = (
        rt.store.get("teams", team_id) if team_id else rt.store.find_one("teams", "name", team_name)
    )
    if team is None:
        raise errors.plain(not_found)
    return team


def _team_for(
    rt: Runtime,
    user: Doc,
    args: Doc,
    permissions: tuple[str, ...] | None = None,
    not_found: str = errors.TEAM_DOES_NOT_EXIST,
) -> Doc:
    """The team ``args`` names, if the caller holds one of ``permissions`` in its main room, or
    (without ``permissions``) may view it; else 403 ``unauthorized``."""
    team = _team(rt, args, not_found)
    allowed = (
        any(models.has_permission(rt, user, p, team["roomId"]) for p in permissions)
        if permissions is not None
        else _can_view(rt, user, team)
    )
    if not allowed:
        raise errors.forbidden("unauthorized")
    return team


def _main_room(rt: Runtime, team: Doc) -> Doc:
    room = rt.store.get("rooms", team["roomId"])
    if room is None:
        raise errors.plain("Room not found")
    return room


def _can_view(rt: Runtime, user: Doc, team: Doc) -> bool:
    room = _main_room(rt, team)
    return models.can_access_room(rt, room, user) or models.has_permission(
        rt, user, "view-all-teams"
    )


def _with_counts(rt: Runtime, team: Doc) -> Doc:
    out = wire.team(team)
    out["rooms"] = sum(
        1 for r in rt.store.find("rooms", "teamId", team["_id"]) if not r.get("teamMain")
    )
    out["numberOfUsers"] = rt.store.count_by("team_members", "teamId", team["_id"])
    return out


@blueprint.post("/teams.create")
def teams_create() -> Response:
    rt, user = auth.runtime_and_user()
    if not models.has_permission(rt, user, "create-team"):
        raise errors.forbidden("unauthorized")
    args = inputs.body()
    name, team_type = args.get("name"), args.get("type")
    if not isinstance(name, str) or not name:
        raise errors.invalid_params("must have required property 'name'")
    if team_type not in (0, 1) or isinstance(team_type, bool):
        raise errors.invalid_params("must have required property 'type'")
    members = args.get("members") or []
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise errors.invalid_params("must be array")
    users = [u for u in (rt.store.get("users", m) for m in members) if u is not None]
    room_options = args.get("room") if isinstance(args.get("room"), dict) else {}
    extra = room_options.get("extraData") if isinstance(room_options.get("extraData"), dict) else {}
    read_only = bool(extra.get("readOnly", False)) or bool(room_options.get("readOnly", False))
    with rt.store.transaction():  # the name checks and the inserts under one lock
        if rt.store.find_one("teams", "name", name) is not None:
            raise errors.plain(errors.TEAM_NAME_ALREADY_EXISTS)
        valid_room_name(rt, name)
        team = models.create_team(rt, user, name, team_type, users, read_only)
    return ok(team=wire.team(team))


@blueprint.get("/teams.list")
def teams_list() -> Response:
    rt, user = auth.runtime_and_user()
    memberships = rt.store.find("team_members", "userId", user["_id"])
    teams = [t for t in (rt.store.get("teams", m["teamId"]) for m in memberships) if t]
    return page(rt, "teams", teams, lambda t: _with_counts(rt, t), {"name": 1})


@blueprint.get("/teams.listAll")
def teams_list_all() -> Response:
    rt = runtime()
    auth.require_permission("view-all-teams")
    return page(rt, "teams", rt.store.all("teams"), lambda t: _with_counts(rt, t), {"name": 1})


@blueprint.get("/teams.info")
def teams_info() -> Response:
    rt, user = auth.runtime_and_user()
    team = _team_for(rt, user, params(), not_found="Team not found")
    return ok(teamInfo=wire.team(team))


@blueprint.get("/teams.members")
def teams_members() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    team = _team_for(rt, user, args)
    rows = []
    for membership in rt.store.find("team_members", "teamId", team["_id"]):
        member = rt.store.get("users", membership["userId"])
        if member is not None:
            rows.append({**membership, "username": member["username"], "_user": member})
    username = (args.get("username") or "").lower()
    name = (args.get("name") or "").lower()
    if username:
        rows = [r for r in rows if username in r["username"].lower()]
    if name:
        rows = [r for r in rows if name in (r["_user"].get("name") or "").lower()]
    return page(rt, "members", rows, lambda r: wire.team_member(r, r["_user"]), {"createdAt": 1})


@blueprint.post("/teams.addMembers")
def teams_add_members() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    team = _team_for(rt, user, args, ("add-team-member", "edit-team-member"))
    members = args.get("members")
    if not isinstance(members, list) or not all(
        isinstance(m, dict) and isinstance(m.get("userId"), str) for m in members
    ):
        raise errors.invalid_params("must have required property 'members'")
    with rt.store.transaction():
        for entry in members:
            member = rt.store.get("users", entry["userId"])
            if member is None:
                raise errors.plain(errors.BARE_INVALID_USER)
            roles = entry.get("roles") if isinstance(entry.get("roles"), list) else ["member"]
            models.add_team_member(rt, team, member, roles or ["member"], actor=user)
    return ok()


@blueprint.post("/teams.removeMember")
def teams_remove_member() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    team = _team_for(rt, user, args, ("edit-team-member",))
    target_id = text_param(args.get("userId"))
    if target_id is None:
        raise errors.invalid_params("must have required property 'userId'")
    target = rt.store.get("users", target_id)
    if target is None:
        raise errors.plain("User not found")
    membership = models.team_member(rt, team["_id"], target_id)
    if membership is None:
        raise errors.plain("the user is not a member of this team")
    owners = [
        m
        for m in rt.store.find("team_members", "teamId", team["_id"])
        if "owner" in m.get("roles", [])
    ]
    if "owner" in membership.get("roles", []) and len(owners) == 1:
        raise errors.plain(errors.YOU_ARE_LAST_OWNER)
    models.remove_team_member(rt, team, target, user)
    return ok()


@blueprint.post("/teams.addRooms")
def teams_add_rooms() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    team = _team_for(rt, user, args, ("add-team-channel",))
    room_ids = args.get("rooms")
    if not isinstance(room_ids, list) or not all(isinstance(r, str) for r in room_ids):
        raise errors.invalid_params("must have required property 'rooms'")
    added = []
    with rt.store.transaction():
        for room_id in room_ids:
            room = rt.store.get("rooms", room_id)
            if room is None or room["t"] not in ("c", "p"):
                raise errors.plain(errors.BARE_INVALID_ROOM)
            if room.get("teamId"):
                raise errors.plain(errors.ROOM_ALREADY_ON_TEAM)
            added.append(models.add_room_to_team(rt, team, room))
    return ok(rooms=[wire.room(r) for r in added])


@blueprint.get("/teams.listRooms")
def teams_list_rooms() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    team = _team_for(rt, user, args)
    rooms = [
        r
        for r in rt.store.find("rooms", "teamId", team["_id"])
        if not r.get("teamMain") and models.can_access_room(rt, r, user)
    ]
    wanted = args.get("type")
    if wanted in ("c", "p"):
        rooms = [r for r in rooms if r["t"] == wanted]
    term = (args.get("filter") or "").lower()
    if term:
        rooms = [r for r in rooms if term in r.get("name", "").lower()]
    return page(rt, "rooms", rooms, wire.room, {"name": 1})


@blueprint.post("/teams.delete")
def teams_delete() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    team = _team_for(rt, user, args, ("delete-team",), not_found="Team not found.")
    remove = args.get("roomsToRemove") or []
    if not isinstance(remove, list):
        raise errors.invalid_params("must be array")
    models.delete_team(rt, team, [r for r in remove if isinstance(r, str)])
    return ok()


@blueprint.post("/teams.update")
def teams_update() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    data = args.get("data")
    if not isinstance(data, dict):
        raise errors.invalid_params("must have required property 'data'")
    name, kind = data.get("name"), data.get("type")
    if (name is not None and not isinstance(name, str)) or (
        isinstance(kind, bool) or kind not in (None, 0, 1)
    ):
        raise errors.invalid_params("must match exactly one schema in oneOf")
    team = _team_for(rt, user, args, ("edit-team",))
    if name:
        valid_room_name(rt, name, team["roomId"])
        existing = rt.store.find_one("teams", "name", name)
        if existing is not None and existing["_id"] != team["_id"]:
            raise errors.plain(errors.TEAM_NAME_ALREADY_EXISTS)
    try:
        models.update_team(rt, user, team, name, kind)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.post("/teams.leave")
def teams_leave() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room_ids = args.get("rooms") or []
    if not isinstance(room_ids, list) or not all(isinstance(r, str) for r in room_ids):
        raise errors.invalid_params("must be array")
    team = _team(rt, args)
    try:
        models.leave_team(rt, team, user, room_ids)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.get("/teams.autocomplete")
def teams_autocomplete() -> Response:
    """``Team.autocomplete``: main rooms whose name starts with ``name``, public or joined; ten
    at most."""
    rt, user = auth.runtime_and_user()
    name = params().get("name")
    if not isinstance(name, str):
        raise errors.plain("Match error: Missing key 'name'")
    prefix = name.strip().lower()
    joined = {s["rid"] for s in rt.store.find("subscriptions", "user", user["_id"])}
    found = [
        r
        for r in rt.store.all("rooms")
        if r.get("teamMain")
        and (r["t"] == "c" or r["_id"] in joined)
        and any((r.get(k) or "").lower().startswith(prefix) for k in ("name", "fname"))
    ]
    found.sort(key=lambda r: (r.get("name") or "", r.get("fname") or ""))
    fields = ("_id", "fname", "teamId", "name", "t", "avatarETag")
    return ok(teams=[{k: r[k] for k in fields if k in r} for r in found[:10]])


@blueprint.post("/teams.convertToChannel")
def teams_convert_to_channel() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    remove = args.get("roomsToRemove") or []
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        raise errors.invalid_params("must be array")
    team = _team_for(rt, user, args, ("convert-team",))
    models.convert_team_to_channel(rt, team, remove)
    return ok()


@blueprint.get("/teams.listChildren")
def teams_list_children() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    room_id = text_param(args.get("roomId"))
    if room_id is not None and not args.get("teamId") and not args.get("teamName"):
        team = next(iter(rt.store.find("teams", "roomId", room_id)), None)
        if team is None:
            raise errors.not_found()
    else:
        if not args.get("teamId") and not args.get("teamName"):
            raise errors.invalid_params("must match exactly one schema in oneOf")
        team = rt.store.get("teams", args.get("teamId") or "") or rt.store.find_one(
            "teams", "name", args.get("teamName") or ""
        )
        if team is None:
            raise errors.not_found()
    if not _can_view(rt, user, team):
        raise errors.forbidden("unauthorized")
    kind = args.get("type")
    if kind not in (None, "", "channels", "discussions"):
        raise errors.invalid_params("must be equal to one of the allowed values")
    children = models.team_children(rt, user, team, kind or None)
    term = (args.get("filter") or "").lower()
    if term:
        children = [
            r
            for r in children
            if term in (r.get("name") or "").lower() or term in (r.get("fname") or "").lower()
        ]
    body = page_body(rt, "data", children, wire.room, {"name": 1})
    return ok(**body)
