"""``api4/user.go``, finding people: search and autocomplete."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions
from .users import (
    SEARCH_DEFAULT_LIMIT,
    SEARCH_MAX_LIMIT,
    Doc,
    channel_scope,
    int_arg,
    members_of,
    present,
    team_scope,
    users_by_id,
)

blueprint = Blueprint("mm_user_search", __name__, url_prefix="/api/v4")


def _matches(user: Doc, term: str, emails: bool, full_names: bool) -> bool:
    """Prefix match on username, nickname and, as allowed, names and email."""
    if not term:
        return True
    fields = [user["username"], user["nickname"]]
    if full_names:
        fields += [
            user["first_name"],
            user["last_name"],
            f"{user['first_name']} {user['last_name']}",
        ]
    if emails:
        fields.append(user["email"])
    return any(f.lower().startswith(term) for f in fields if f)


def _visibility(rt: Runtime, viewer: Doc) -> tuple[bool, bool]:
    """(emails, full names) a search may match on."""
    if permissions.has_system_permission(viewer, "manage_system"):
        return True, True
    privacy = models.get_config(rt).get("PrivacySettings", {})
    return privacy.get("ShowEmailAddress", True), privacy.get("ShowFullName", True)


_SEARCH_STRINGS = ("term", "team_id", "not_in_team_id", "in_channel_id", "not_in_channel_id")


@blueprint.post("/users/search")
def search_users() -> Response:
    rt, viewer = authentication.caller()
    body = inputs.json_body()
    limit = body.get("limit", 0) if isinstance(body, dict) else None
    if (
        not isinstance(body, dict)
        or any(not isinstance(body.get(name, ""), str) for name in _SEARCH_STRINGS)
        or not isinstance(limit, int)
        or isinstance(limit, bool)
    ):
        raise errors.invalid_body_param("props")
    limit = limit or SEARCH_DEFAULT_LIMIT
    term = body.get("term", "").strip().lower().lstrip("@")
    if not term:
        raise errors.invalid_body_param("term")
    if body.get("not_in_channel_id") and not body.get("team_id"):
        raise errors.invalid_body_param("team_id")
    include: set[str] | None = None
    exclude: set[str] = set()
    if body.get("in_channel_id"):
        include = channel_scope(rt, viewer, body["in_channel_id"])
    if body.get("not_in_channel_id"):
        exclude |= channel_scope(rt, viewer, body["not_in_channel_id"])
    if body.get("team_id"):
        members = team_scope(rt, viewer, body["team_id"])
        include = members if include is None else include & members
    if body.get("not_in_team_id"):
        exclude |= team_scope(rt, viewer, body["not_in_team_id"])
    if limit <= 0 or limit > SEARCH_MAX_LIMIT:
        raise errors.invalid_body_param("limit")
    users = rt.store.all("users") if include is None else users_by_id(rt, include)
    emails, full_names = _visibility(rt, viewer)
    allow_inactive = body.get("allow_inactive") is True
    without_team = body.get("without_team") is True
    found = []
    for user in sorted(users, key=lambda u: u["username"]):
        if user["id"] in exclude or (user["delete_at"] and not allow_inactive):
            continue
        if without_team and members_of(rt, "team_members", "user_id", user["id"]):
            continue
        if _matches(user, term, emails, full_names):
            found.append(present(rt, viewer, user))
            if len(found) >= limit:
                break
    return jsonify(found)


@blueprint.get("/users/autocomplete")
def autocomplete_users() -> Response:
    rt, viewer = authentication.caller()
    args = request.args
    term = args.get("name", "").strip().lower().lstrip("@")
    raw_limit = args.get("limit", "")
    limit = SEARCH_DEFAULT_LIMIT if raw_limit == "" else min(int_arg("limit"), SEARCH_MAX_LIMIT)
    channel_id, team_id = args.get("in_channel", ""), args.get("in_team", "")
    in_channel = channel_scope(rt, viewer, channel_id) if channel_id else set()
    in_team = team_scope(rt, viewer, team_id) if team_id else set()
    _, full_names = _visibility(rt, viewer)

    def pick(ids: set[str]) -> list[Doc]:
        alive = sorted(
            (u for u in users_by_id(rt, ids) if not u["delete_at"]), key=lambda u: u["username"]
        )
        # Autocomplete never matches on emails.
        shown = [present(rt, viewer, u) for u in alive if _matches(u, term, False, full_names)]
        return shown[: max(limit, 0)]

    if channel_id:
        if not team_id:
            # The real server answers 500 here; bad input gets a 400 in the emulator.
            raise errors.AppError(
                400,
                errors.AUTOCOMPLETE_NEEDS_TEAM,
                f"channelId={channel_id}",
            )
        body: Doc = {"users": pick(in_channel)}
        outside = pick(in_team - in_channel)
        if outside:  # ``omitempty``
            body["out_of_channel"] = outside
        return jsonify(body)
    if team_id:
        return jsonify({"users": pick(in_team)})
    permissions.require_system(viewer, "view_members")
    return jsonify({"users": pick({u["id"] for u in rt.store.all("users")})})
