"""``api4/team.go``: teams, their members, stats and unread counts."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime, runtime
from ...core.store import DuplicateKey
from .. import authentication, errors, inputs, models, permissions, wire
from ..tables import member_id
from .users import Doc

blueprint = Blueprint("mm_teams", __name__, url_prefix="/api/v4")

TEAM_ROLES = {"team_user", "team_admin", "team_guest"}
# model/team.go: IsValidTeamName and the reserved names of model/utils.go.
_TEAM_NAME = re.compile(r"^[a-z0-9]+([a-z\-0-9]+|(__)?)[a-z0-9]+$")
RESERVED_TEAM_NAMES = {
    "admin", "api", "channel", "claim", "error", "files", "help", "landing", "login", "mfa",
    "oauth", "plug", "plugins", "post", "signup", "boards", "playbooks",
}  # fmt: skip
_PATCHABLE = {
    "display_name": str,
    "description": str,
    "company_name": str,
    "allowed_domains": str,
    "invite_id": str,
    "allow_open_invite": bool,
    "group_constrained": bool,
}


# -- helpers ----------------------------------------------------------------------------------


def present_team(rt: Runtime, viewer: Doc, team: Doc) -> Doc:
    """``SanitizeTeam``: email and invite id only for those who may manage (or invite)."""
    out = wire.team(team)
    if permissions.has_team_permission(rt, viewer, team["id"], "manage_team"):
        return out
    out["email"] = ""
    if not permissions.has_team_permission(rt, viewer, team["id"], "invite_user"):
        out["invite_id"] = ""
    return out


def load_team(rt: Runtime, raw_id: str) -> Doc:
    team = rt.store.get("teams", inputs.id_param(raw_id, "team_id"))
    if team is None:
        raise errors.AppError(404, errors.TEAM_NOT_FOUND, f"id={raw_id}")
    return team


def team_with_permission(rt: Runtime, viewer: Doc, raw_id: str, permission: str) -> Doc:
    """The team of a URL the caller holds ``permission`` in: checked before the lookup, so an
    unknown team is a 403 to whoever could not see it anyway (``SessionHasPermissionToTeam``
    then ``GetTeam``)."""
    team_id = inputs.id_param(raw_id, "team_id")
    permissions.require_team(rt, viewer, team_id, permission)
    return load_team(rt, team_id)


def _readable(rt: Runtime, viewer: Doc, team: Doc) -> None:
    """Open teams are visible to anyone signed in; others need ``view_team``."""
    if not (team["allow_open_invite"] and team["type"] == "O"):
        permissions.require_team(rt, viewer, team["id"], "view_team")


def active_member(rt: Runtime, team_id: str, user_id: str) -> Doc | None:
    member = rt.store.get("team_members", member_id(team_id, user_id))
    return member if member is not None and not member["delete_at"] else None


def _check_team_fields(fields: Doc) -> None:
    """``Team.IsValid``, in its order: display name, name length, reserved, characters, type."""
    display = fields.get("display_name")
    if display is not None and not (0 < len(display) <= 64):
        raise errors.AppError(400, errors.TEAM_NAME_INVALID)
    name = fields.get("name")
    if name is not None:
        if len(name) > 64:
            raise errors.AppError(400, errors.TEAM_URL_INVALID, f"id={name}")
        if name in RESERVED_TEAM_NAMES:
            raise errors.AppError(400, errors.TEAM_RESERVED_INVALID, f"id={name}")
        if len(name) < 2 or not _TEAM_NAME.match(name):
            raise errors.AppError(400, errors.TEAM_CHARACTERS_INVALID, f"id={name}")
    if fields.get("type", "O") not in ("O", "I"):
        raise errors.AppError(400, errors.TEAM_TYPE_INVALID)


def _typed_fields(body: Doc, allowed: dict[str, type]) -> Doc:
    changes = {}
    for name, kind in allowed.items():
        if name in body:
            value = body[name]
            if not isinstance(value, kind):
                raise errors.invalid_body_param("team")
            changes[name] = value
    return changes


# -- teams ------------------------------------------------------------------------------------


@blueprint.post("/teams")
def create_team() -> Response:
    rt, viewer = authentication.caller()
    body = inputs.json_object("team")
    fields = _typed_fields(body, {"name": str, "display_name": str, "type": str, **_PATCHABLE})
    fields.setdefault("name", "")
    fields.setdefault("display_name", "")
    fields.setdefault("type", "O")
    if not permissions.has_system_permission(viewer, "create_team"):
        raise errors.AppError(403, errors.TEAM_CREATION_DISABLED)
    _check_team_fields(fields)
    if rt.store.find_one("teams", "name", fields["name"]) is not None:
        raise errors.AppError(400, errors.TEAM_NAME_EXISTS, f"id={fields['name']}")
    with rt.store.transaction():
        team = models.create_team(
            rt,
            name=fields["name"],
            display_name=fields["display_name"],
            description=fields.get("description", ""),
            team_type=fields["type"],
            creator_id=viewer["id"],
        )
        extra = {k: fields[k] for k in ("company_name", "allowed_domains") if k in fields}
        if "allow_open_invite" in fields:
            extra["allow_open_invite"] = fields["allow_open_invite"]
        if extra:
            team = rt.store.update("teams", team["id"], extra)
    # Not sanitised: the creator is its team admin.
    response = jsonify(wire.team(team))
    response.status_code = 201
    return response


@blueprint.get("/teams")
def get_teams() -> Response:
    rt, viewer = authentication.caller()
    page, per_page = inputs.paging()
    list_private = permissions.has_system_permission(viewer, "list_private_teams")
    list_public = permissions.has_system_permission(viewer, "list_public_teams")
    if not (list_private or list_public):
        raise errors.AppError(403, errors.TEAMS_LIST_FORBIDDEN)
    teams = [
        t
        for t in rt.store.all("teams")
        if not t["delete_at"] and (list_public if t["allow_open_invite"] else list_private)
    ]
    teams.sort(key=lambda t: (t["display_name"].lower(), t["id"]))
    shown = [present_team(rt, viewer, t) for t in teams[page * per_page : (page + 1) * per_page]]
    if inputs.bool_arg("include_total_count"):
        return jsonify({"teams": shown, "total_count": len(teams)})
    return jsonify(shown)


@blueprint.get("/teams/<team_id>")
def get_team(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team = load_team(rt, team_id)
    _readable(rt, viewer, team)
    return jsonify(present_team(rt, viewer, team))


@blueprint.get("/teams/name/<name>")
def get_team_by_name(name: str) -> Response:
    rt, viewer = authentication.caller()
    team = rt.store.find_one("teams", "name", name.lower())
    if team is None:
        raise errors.AppError(404, errors.TEAM_NAME_NOT_FOUND, f"name={name}")
    _readable(rt, viewer, team)
    return jsonify(present_team(rt, viewer, team))


@blueprint.get("/teams/name/<name>/exists")
def team_exists(name: str) -> Response:
    rt, viewer = authentication.caller()
    team = rt.store.find_one("teams", "name", name.lower())
    exists = team is not None and bool(
        active_member(rt, team["id"], viewer["id"])
        or (
            team["allow_open_invite"]
            and permissions.has_system_permission(viewer, "list_public_teams")
        )
        or (
            not team["allow_open_invite"]
            and permissions.has_system_permission(viewer, "list_private_teams")
        )
    )
    return jsonify({"exists": exists})


def _update(rt: Runtime, viewer: Doc, team_id: str, changes: Doc) -> Response:
    team = team_with_permission(rt, viewer, team_id, "manage_team")
    _check_team_fields(changes)
    try:
        fresh = models.update_team(rt, team["id"], changes)
    except DuplicateKey:
        raise errors.AppError(400, errors.TEAM_NAME_EXISTS) from None
    return jsonify(present_team(rt, viewer, fresh))


@blueprint.put("/teams/<team_id>/patch")
def patch_team(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    body = inputs.json_object("team")
    changes = _typed_fields(body, _PATCHABLE)
    changes.pop("invite_id", None)
    return _update(rt, viewer, team_id, changes)


@blueprint.put("/teams/<team_id>")
def update_team(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    body = inputs.json_object("team")
    changes = _typed_fields(body, _PATCHABLE)
    if body.get("id") != team_id:
        raise errors.invalid_body_param("id")
    changes.pop("invite_id", None)
    for name in ("display_name", "description", "company_name", "allowed_domains"):
        changes.setdefault(name, "")
    changes.setdefault("allow_open_invite", False)
    return _update(rt, viewer, team_id, changes)


@blueprint.delete("/teams/<team_id>")
def delete_team(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team = team_with_permission(rt, viewer, team_id, "manage_team")
    permanent = inputs.bool_arg("permanent")
    if permanent and not models.setting(rt, "ServiceSettings", "EnableAPITeamDeletion", False):
        raise errors.AppError(401, errors.TEAM_DELETION_DISABLED, f"teamId={team['id']}")
    models.delete_team(rt, team, permanent=permanent)
    return jsonify(wire.status_ok())


@blueprint.get("/teams/<team_id>/stats")
def get_team_stats(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team = team_with_permission(rt, viewer, team_id, "view_team")
    members = [
        m for m in rt.store.find("team_members", "team_id", team["id"]) if not m["delete_at"]
    ]
    users = [rt.store.get("users", m["user_id"]) for m in members]
    active = sum(1 for u in users if u is not None and not u["delete_at"])
    return jsonify(wire.team_stats(team["id"], len(members), active))


@blueprint.post("/teams/<team_id>/restore")
def restore_team(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_with_permission(rt, viewer, team_id, "manage_team")
    return jsonify(wire.team(models.update_team(rt, team_id, {"delete_at": 0})))


@blueprint.put("/teams/<team_id>/privacy")
def update_team_privacy(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    body = inputs.json_body(required=False)
    privacy = body.get("privacy") if isinstance(body, dict) else None
    if privacy not in ("O", "I"):
        raise errors.invalid_body_param("privacy")
    team_with_permission(rt, viewer, team_id, "manage_team")
    changes = {"type": privacy, "allow_open_invite": privacy == "O"}
    return jsonify(wire.team(models.update_team(rt, team_id, changes)))


@blueprint.post("/teams/<team_id>/regenerate_invite_id")
def regenerate_invite_id(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_with_permission(rt, viewer, team_id, "manage_team")
    team = models.update_team(rt, team_id, {"invite_id": rt.ids.mattermost_id()})
    return jsonify(present_team(rt, viewer, team))


@blueprint.get("/teams/invite/<invite_id>")
def get_invite_info(invite_id: str) -> Response:
    """Open to anyone: what a signup page shows for an invite link."""
    rt = runtime()
    team = rt.store.find_one("teams", "invite_id", inputs.id_param(invite_id, "invite_id"))
    if team is None or team["delete_at"]:
        raise errors.AppError(404, errors.TEAM_INVITE_NOT_FOUND)
    if team["type"] != "O":
        raise errors.AppError(403, errors.INVITE_NOT_OPEN_TEAM, f"id={invite_id}")
    return jsonify(
        {
            "display_name": team["display_name"],
            "description": team["description"],
            "name": team["name"],
            "id": team["id"],
        }
    )


@blueprint.post("/teams/search")
def search_teams() -> Response:
    rt, viewer = authentication.caller()
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) or not isinstance(body.get("term", ""), str):
        raise errors.invalid_body_param("team_search")
    page, per_page = body.get("page"), body.get("per_page")
    paged = page is not None or per_page is not None
    list_private = permissions.has_system_permission(viewer, "list_private_teams")
    list_public = permissions.has_system_permission(viewer, "list_public_teams")
    if list_private and list_public:
        allowed = None
    elif list_private or list_public:
        if paged:
            kind = "private" if list_private else "public"
            raise errors.AppError(
                501, f"api.team.search_teams.pagination_not_implemented.{kind}_team_search"
            )
        allowed = not list_private
    else:
        return jsonify([])
    term = body.get("term", "").lower()
    found = [
        t
        for t in rt.store.all("teams")
        if not t["delete_at"]
        and (allowed is None or t["allow_open_invite"] == allowed)
        and (t["name"].startswith(term) or t["display_name"].lower().startswith(term))
    ]
    found.sort(key=lambda t: (t["display_name"].lower(), t["id"]))
    if paged and isinstance(page, int) and isinstance(per_page, int) and per_page > 0:
        shown = found[max(page, 0) * per_page : (max(page, 0) + 1) * per_page]
        return jsonify(
            {"teams": [present_team(rt, viewer, t) for t in shown], "total_count": len(found)}
        )
    return jsonify([present_team(rt, viewer, t) for t in found])
