"""``api4/team.go``, the membership half: joining, leaving, listing, roles, a user's teams."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import scheme_roles
from .teams import active_member, load_team, present_team, team_with_permission
from .users import Doc

blueprint = Blueprint("mm_team_members", __name__, url_prefix="/api/v4")

MAX_ADD_MEMBERS_BATCH = 256
TEAM_ROLES = {"team_user", "team_admin", "team_guest"}


@blueprint.post("/teams/<team_id>/members")
def add_team_member(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    body = inputs.json_body(required=False)
    if body is None and inputs.body_is_json_null():
        body = {}  # a zero-valued TeamMember: its empty team_id is the 400 below
    if not isinstance(body, dict) or not all(
        isinstance(body.get(k, ""), str) for k in ("team_id", "user_id")
    ):
        raise errors.AppError(
            400,
            errors.TEAM_MEMBER_BODY_INVALID,
            "Error in model.TeamMemberFromJSON()",
        )
    if body.get("team_id", "") != team_id:
        raise errors.invalid_body_param("team_id")
    user_id = body.get("user_id", "")
    if not is_mattermost_id(user_id):
        raise errors.invalid_body_param("user_id")
    member = models.add_user_to_team(rt, viewer, team_id, user_id)
    response = jsonify(wire.team_member(member))
    response.status_code = 201
    return response


@blueprint.post("/teams/<team_id>/members/batch")
def add_team_members(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    graceful = request.args.get("graceful", "") != ""
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(
        isinstance(m, dict) and all(isinstance(m.get(k, ""), str) for k in ("team_id", "user_id"))
        for m in body
    ):
        raise errors.invalid_body_param("members")
    if len(body) > MAX_ADD_MEMBERS_BATCH:
        raise errors.invalid_body_param("too many members in batch")
    if not body:
        raise errors.invalid_body_param("no members in batch")
    team = load_team(rt, team_id)
    user_ids = []
    for item in body:
        user_id = item.get("user_id", "")
        if item.get("team_id", "") != team_id:
            raise errors.invalid_body_param(f"team_id for member with user_id={user_id}")
        if not is_mattermost_id(user_id):
            raise errors.invalid_body_param("user_id")
        user_ids.append(user_id)
    results = [
        {
            "user_id": user_id,
            "member": wire.team_member(member) if member is not None else None,
            "error": refusal.to_dict() if refusal is not None else None,
        }
        for user_id, member, refusal in models.add_users_to_team(
            rt, viewer, team, user_ids, graceful=graceful
        )
    ]
    if not graceful:
        results = [r["member"] for r in results]
    response = jsonify(results)
    response.status_code = 201
    return response


@blueprint.delete("/teams/<team_id>/members/<user_id>")
def remove_team_member(team_id: str, user_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    target = inputs.user_id_param(user_id)
    models.remove_user_from_team(rt, viewer, team_id, target)
    return jsonify(wire.status_ok())


@blueprint.get("/teams/<team_id>/members")
def get_team_members(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, viewer, team_id, "view_team")
    page, per_page = inputs.paging()
    members = [m for m in rt.store.find("team_members", "team_id", team_id) if not m["delete_at"]]
    users = {m["user_id"]: rt.store.get("users", m["user_id"]) or {} for m in members}
    if inputs.bool_arg("exclude_deleted_users"):
        members = [m for m in members if users[m["user_id"]].get("delete_at", 1) == 0]
    if request.args.get("sort") == "Username":
        members.sort(key=lambda m: users[m["user_id"]].get("username", ""))
    shown = members[page * per_page : (page + 1) * per_page]
    return jsonify([wire.team_member(m) for m in shown])


@blueprint.get("/teams/<team_id>/members/<user_id>")
def get_team_member(team_id: str, user_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    target = inputs.user_id_param(user_id)
    permissions.require_team(rt, viewer, team_id, "view_team")
    member = active_member(rt, team_id, target)
    if member is None:
        raise errors.AppError(404, errors.TEAM_MEMBER_MISSING)
    return jsonify(wire.team_member(member))


@blueprint.post("/teams/<team_id>/members/ids")
def get_team_members_by_ids(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not body or not all(isinstance(x, str) for x in body):
        raise errors.invalid_body_param("user_ids")
    permissions.require_team(rt, viewer, team_id, "view_team")
    found = [active_member(rt, team_id, uid) for uid in dict.fromkeys(body)]
    return jsonify([wire.team_member(m) for m in found if m is not None])


@blueprint.put("/teams/<team_id>/members/<user_id>/roles")
def update_team_member_roles(team_id: str, user_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    target = inputs.user_id_param(user_id)
    body = inputs.json_body(required=False)
    roles = body.get("roles") if isinstance(body, dict) else None
    names = roles.split() if isinstance(roles, str) else []
    if not names or any(name not in TEAM_ROLES for name in names):
        raise errors.invalid_body_param("team_member_roles")
    permissions.require_team(rt, viewer, team_id, "manage_team_roles")
    if active_member(rt, team_id, target) is None:
        raise errors.AppError(404, errors.TEAM_MEMBER_MISSING)
    models.set_team_member_roles(rt, team_id, target, names)
    return jsonify(wire.status_ok())


# -- a user's teams ---------------------------------------------------------------------------


def _own_team_members(rt: Runtime, user_id: str) -> list[Doc]:
    return [m for m in rt.store.find("team_members", "user_id", user_id) if not m["delete_at"]]


@blueprint.get("/users/<user_id>/teams")
def get_teams_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    if target != viewer["id"]:
        permissions.require_system(viewer, "sysconsole_read_user_management_users")
    teams = [rt.store.get("teams", m["team_id"]) for m in _own_team_members(rt, target)]
    alive = sorted((t for t in teams if t and not t["delete_at"]), key=lambda t: t["name"])
    return jsonify([present_team(rt, viewer, t) for t in alive])


@blueprint.get("/users/<user_id>/teams/members")
def get_team_members_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    if target != viewer["id"] and not (
        permissions.has_system_permission(viewer, "edit_other_users")
        or permissions.has_system_permission(viewer, "read_other_users_teams")
    ):
        raise errors.permission_denied(viewer["id"], "read_other_users_teams")
    return jsonify([wire.team_member(m) for m in _own_team_members(rt, target)])


@blueprint.get("/users/<user_id>/teams/unread")
def get_teams_unread_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    if target != viewer["id"]:
        permissions.require_system(viewer, "manage_system")
    exclude = request.args.get("exclude_team", "")
    unread = []
    for member in _own_team_members(rt, target):
        team = rt.store.get("teams", member["team_id"])
        if team is None or team["delete_at"] or team["id"] == exclude:
            continue
        unread.append(wire.team_unread(models.team_unread(rt, team["id"], target)))
    return jsonify(unread)


@blueprint.get("/users/<user_id>/teams/<team_id>/unread")
def get_team_unread_for_user(user_id: str, team_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    team_id = inputs.id_param(team_id, "team_id")
    permissions.require_self_or(viewer, target)
    team_with_permission(rt, viewer, team_id, "view_team")
    return jsonify(wire.team_unread(models.team_unread(rt, team_id, target)))


@blueprint.post("/teams/members/invite")
def add_user_to_team_from_invite() -> Response:
    """Join a team with its ``invite_id`` (email invitation ``token``\\ s are not emulated)."""
    rt, viewer = authentication.caller()
    invite_id = request.args.get("invite_id", "")
    if request.args.get("token"):
        raise errors.AppError(400, errors.SIGNUP_LINK_INVALID)
    if not invite_id:
        raise errors.AppError(400, errors.ADD_TO_TEAM_MISSING_PARAMETER)
    team = rt.store.find_one("teams", "invite_id", invite_id)
    if team is None or team["delete_at"]:
        raise errors.AppError(404, errors.TEAM_INVITE_NOT_FOUND)
    member = models.add_team_member(rt, team, viewer["id"])
    response = jsonify(wire.team_member(member))
    response.status_code = 201
    return response


def scheme_roles_body() -> tuple[bool, bool, bool]:
    """A decoded ``SchemeRoles``: (admin, user, guest), absent flags false."""
    body = inputs.json_body(required=False)
    flags = ("scheme_admin", "scheme_user", "scheme_guest")
    if not isinstance(body, dict) or any(
        body.get(f) is not None and not isinstance(body[f], bool) for f in flags
    ):
        raise errors.invalid_body_param("scheme_roles")
    admin, user, guest = (body.get(f) is True for f in flags)
    return admin, user, guest


@blueprint.put("/teams/<team_id>/members/<user_id>/schemeRoles")
def update_team_member_scheme_roles(team_id: str, user_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    target = inputs.user_id_param(user_id)
    admin, user, guest = scheme_roles_body()
    permissions.require_team(rt, viewer, team_id, "manage_team_roles")
    scheme_roles.set_team_member_scheme_roles(rt, team_id, target, admin, user, guest)
    return jsonify(wire.status_ok())
