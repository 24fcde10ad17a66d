"""``api4/user.go``: creating, reading and listing users, and the helpers the user modules share."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from ...core.store import DuplicateKey
from .. import authentication, errors, inputs, models, permissions, wire
from ..tables import member_id

blueprint = Blueprint("mm_users", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]

SEARCH_DEFAULT_LIMIT = 100
SEARCH_MAX_LIMIT = 1000
SYSTEM_ROLES = {
    "system_user",
    "system_admin",
    "system_guest",
    "system_user_access_token",
    "system_post_all",
    "system_post_all_public",
    "system_user_manager",
    "system_manager",
    "system_read_only_admin",
    "system_custom_group_admin",
}
PROFILE_STRINGS = ("nickname", "first_name", "last_name", "position", "locale")
PROFILE_MAPS = ("props", "notify_props", "timezone")


# -- helpers shared by the user modules -------------------------------------------------------


def present(rt: Runtime, viewer: Doc, user: Doc) -> Doc:
    """``user`` as ``viewer`` may see it (privacy settings; admins and oneself see everything)."""
    privacy = models.get_config(rt).get("PrivacySettings", {})
    return wire.user(
        user,
        viewer_is_admin=permissions.is_system_admin(viewer),
        is_self=viewer["id"] == user["id"],
        show_email=privacy.get("ShowEmailAddress", True),
        show_full_name=privacy.get("ShowFullName", True),
    )


def load_user(rt: Runtime, raw_id: str) -> Doc:
    """The user a ``{user_id}`` segment names (``me`` included), or the real 400/404."""
    user = rt.store.get("users", inputs.user_id_param(raw_id))
    if user is None:
        raise errors.AppError(404, errors.USER_NOT_FOUND, f"user_id={raw_id}")
    return user


def _optional_viewer() -> Doc | None:
    try:
        return authentication.current_user()
    except errors.AppError:
        return None


def duplicate(exc: DuplicateKey) -> errors.AppError:
    if exc.index == "email":
        return errors.AppError(400, errors.EMAIL_EXISTS)
    return errors.AppError(400, errors.USERNAME_EXISTS)


def _id_list(name: str) -> list[str]:
    body = inputs.json_body()
    if not isinstance(body, list) or not body or not all(isinstance(x, str) for x in body):
        raise errors.invalid_body_param(name)
    return body


# -- create -----------------------------------------------------------------------------------


def _signup_allowed(rt: Runtime) -> None:
    if not models.setting(rt, "EmailSettings", "EnableSignUpWithEmail", True) or not (
        models.setting(rt, "TeamSettings", "EnableUserCreation", True)
    ):
        raise errors.AppError(501, errors.SIGNUP_EMAIL_DISABLED)


def _validated_profile(rt: Runtime, body: Doc) -> Doc:
    """The fields of a new user, checked as ``User.IsValid`` and the password rules do."""
    for name in ("username", "email", "password", *PROFILE_STRINGS):
        if not isinstance(body.get(name, ""), str):
            raise errors.invalid_body_param("user")
    for name in PROFILE_MAPS:
        if not isinstance(body.get(name, {}), dict):
            raise errors.invalid_body_param("user")
    username = body.get("username", "").lower()
    email = body.get("email", "").lower()
    password = body.get("password", "")
    if not models.is_valid_username(username):
        raise errors.AppError(400, errors.USER_USERNAME_INVALID, f"user_id={username}")
    if not models.is_valid_email(email):
        raise errors.AppError(400, errors.USER_EMAIL_INVALID)
    problem = models.password_problem(rt, password)
    if problem is not None:
        raise errors.AppError(400, problem[0], Min=str(problem[1]))
    return {
        "username": username,
        "email": email,
        "password": password,
        **{
            name: body.get(name, "") for name in ("nickname", "first_name", "last_name", "position")
        },
    }


def _extra_profile(user: Doc, body: Doc) -> Doc:
    """What a signup may set beyond the basics: locale, props, notify props over the defaults,
    timezone."""
    extra: Doc = {}
    if body.get("locale"):
        extra["locale"] = body["locale"]
    if body.get("props"):
        extra["props"] = dict(body["props"])
    if body.get("notify_props"):
        extra["notify_props"] = {**user["notify_props"], **body["notify_props"]}
    if body.get("timezone"):
        extra["timezone"] = {**user["timezone"], **body["timezone"]}
    return extra


@blueprint.post("/users")
def create_user() -> Response:
    rt = runtime()
    body = inputs.json_object("user")
    viewer = _optional_viewer()
    invite_id = request.args.get("iid", "")
    token = request.args.get("t", "")
    first = rt.store.count("users") == 0
    team = None
    if token:
        raise errors.AppError(400, errors.SIGNUP_LINK_INVALID)
    if invite_id:
        _signup_allowed(rt)
        team = rt.store.find_one("teams", "invite_id", invite_id)
        if team is None or team["delete_at"]:
            raise errors.AppError(404, errors.TEAM_INVITE_NOT_FOUND)
    elif not (viewer and permissions.is_system_admin(viewer)):
        _signup_allowed(rt)
        if not first and not models.setting(rt, "TeamSettings", "EnableOpenServer", False):
            raise errors.AppError(403, errors.SIGNUP_CLOSED, f"email={body.get('email', '')}")
    fields = _validated_profile(rt, body)
    roles = "system_admin system_user" if first else "system_user"
    try:
        with rt.store.transaction():
            user = models.create_user(rt, roles=roles, **fields)
            extra = _extra_profile(user, body)
            if extra:
                user = rt.store.update("users", user["id"], extra)
            if team is not None:
                models.add_team_member(rt, team, user["id"])
    except DuplicateKey as exc:
        raise duplicate(exc) from None
    response = jsonify(wire.user(user, is_self=True))
    response.status_code = 201
    return response


# -- read -------------------------------------------------------------------------------------


@blueprint.get("/users/<user_id>")
def get_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    return jsonify(present(rt, viewer, load_user(rt, user_id)))


@blueprint.get("/users/username/<username>")
def get_user_by_username(username: str) -> Response:
    rt, viewer = authentication.caller()
    if not models.is_valid_username(username.lower()):
        raise errors.invalid_url_param("username")
    user = rt.store.find_one("users", "username", username.lower())
    if user is None:
        raise errors.AppError(404, errors.USERNAME_NOT_FOUND)
    return jsonify(present(rt, viewer, user))


@blueprint.get("/users/email/<email>")
def get_user_by_email(email: str) -> Response:
    rt, viewer = authentication.caller()
    if not models.is_valid_email(email):
        raise errors.invalid_url_param("email")
    privacy = models.get_config(rt).get("PrivacySettings", {})
    if not privacy.get("ShowEmailAddress", True) and not permissions.is_system_admin(viewer):
        raise errors.AppError(403, errors.USER_BY_EMAIL_FORBIDDEN, f"userId={viewer['id']}")
    user = rt.store.find_one("users", "email", email.lower())
    if user is None:
        raise errors.AppError(404, errors.USER_NOT_FOUND)
    return jsonify(present(rt, viewer, user))


def members_of(rt: Runtime, table: str, index: str, key: str) -> set[str]:
    return {m["user_id"] for m in rt.store.find(table, index, key) if not m.get("delete_at", 0)}


def team_scope(rt: Runtime, viewer: Doc, team_id: str) -> set[str]:
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, viewer, team_id, "view_team")
    return members_of(rt, "team_members", "team_id", team_id)


def channel_scope(rt: Runtime, viewer: Doc, channel_id: str) -> set[str]:
    inputs.id_param(channel_id, "channel_id")
    channel = rt.store.get("channels", channel_id)
    if channel is None:
        # Admins hold the permission everywhere: an unknown channel just has no members.
        permissions.require_system(viewer, "read_channel")
        return set()
    permissions.require_channel(rt, viewer, channel, "read_channel")
    return members_of(rt, "channel_members", "channel_id", channel_id)


_STATUS_ORDER = {"online": 0, "away": 1, "dnd": 2, "offline": 3}


def _sorted_users(rt: Runtime, users: list[Doc], sort: str) -> list[Doc]:
    if sort == "create_at":
        return sorted(users, key=lambda u: (-u["create_at"], u["username"]))
    if sort in ("last_activity_at", "status"):
        statuses = {u["id"]: rt.store.get("statuses", u["id"]) or {} for u in users}
        if sort == "status":
            return sorted(
                users,
                key=lambda u: (
                    _STATUS_ORDER.get(statuses[u["id"]].get("status"), 3),
                    u["username"],
                ),
            )
        return sorted(
            users, key=lambda u: (-statuses[u["id"]].get("last_activity_at", 0), u["username"])
        )
    return sorted(users, key=lambda u: u["username"])


_SORTS = ("", "last_activity_at", "create_at", "status", "admin")


def _check_user_list_args(args: Any) -> str:
    """The combinations ``getUsers`` refuses, as it refuses them."""
    sort = args.get("sort", "")
    if args.get("not_in_channel") and not args.get("in_team"):
        raise errors.invalid_url_param("team_id")
    if sort not in _SORTS:
        raise errors.invalid_url_param("sort")
    others = ("not_in_team", "in_channel", "not_in_channel", "without_team", "in_group")
    if sort in ("last_activity_at", "create_at") and (
        not args.get("in_team") or any(args.get(name) for name in others)
    ):
        raise errors.invalid_url_param("sort")
    if sort in ("status", "admin") and not args.get("in_channel"):
        raise errors.invalid_url_param("sort")
    if inputs.bool_arg("inactive") and inputs.bool_arg("active"):
        raise errors.invalid_url_param("inactive")
    return sort


@blueprint.get("/users")
def get_users() -> Response:
    rt, viewer = authentication.caller()
    args = request.args
    sort = _check_user_list_args(args)
    page, per_page = inputs.paging()
    # One listing per request, picked in the real server's order.
    if inputs.bool_arg("without_team"):
        permissions.require_system(viewer, "list_users_without_team")
        users = [
            u
            for u in rt.store.all("users")
            if not members_of(rt, "team_members", "user_id", u["id"])
        ]
    elif args.get("not_in_channel"):
        team = _team_members_unchecked(rt, args["in_team"])
        users = users_by_id(rt, team - channel_scope(rt, viewer, args["not_in_channel"]))
    elif args.get("not_in_team"):
        outside = team_scope(rt, viewer, args["not_in_team"])
        users = [u for u in rt.store.all("users") if u["id"] not in outside]
    elif args.get("in_team"):
        users = users_by_id(rt, team_scope(rt, viewer, args["in_team"]))
        if args.get("in_channel"):
            channel = channel_scope(rt, viewer, args["in_channel"])
            users = [u for u in users if u["id"] in channel]
    elif args.get("in_channel"):
        users = users_by_id(rt, channel_scope(rt, viewer, args["in_channel"]))
    else:
        permissions.require_system(viewer, "view_members")
        users = rt.store.all("users")
    if inputs.bool_arg("active"):
        users = [u for u in users if not u["delete_at"]]
    if inputs.bool_arg("inactive"):
        users = [u for u in users if u["delete_at"]]
    if args.get("role"):
        users = [u for u in users if args["role"] in u["roles"].split()]
    users = _sorted_users(rt, users, sort)
    if sort == "admin":
        users.sort(key=lambda u: not _is_channel_admin(rt, args["in_channel"], u["id"]))
    shown = users[page * per_page : (page + 1) * per_page]
    return jsonify([present(rt, viewer, u) for u in shown])


def _is_channel_admin(rt: Runtime, channel_id: str, user_id: str) -> bool:
    member = rt.store.get("channel_members", member_id(channel_id, user_id))
    return member is not None and "channel_admin" in member["roles"].split()


def users_by_id(rt: Runtime, ids: set[str]) -> list[Doc]:
    return [u for u in (rt.store.get("users", uid) for uid in ids) if u is not None]


def _team_members_unchecked(rt: Runtime, team_id: str) -> set[str]:
    return members_of(rt, "team_members", "team_id", inputs.id_param(team_id, "team_id"))


@blueprint.post("/users/ids")
def get_users_by_ids() -> Response:
    rt, viewer = authentication.caller()
    ids = _id_list("user_ids")
    try:
        since = int(request.args.get("since") or 0)
    except ValueError:
        raise errors.invalid_body_param("since") from None
    found = [rt.store.get("users", uid) for uid in dict.fromkeys(ids)]
    users = [u for u in found if u is not None and u["update_at"] > since]
    return jsonify([present(rt, viewer, u) for u in users])


def int_arg(name: str) -> int:
    try:
        return int(request.args.get(name, 0))
    except ValueError:
        return 0


@blueprint.post("/users/usernames")
def get_users_by_usernames() -> Response:
    rt, viewer = authentication.caller()
    names = _id_list("usernames")
    found = [rt.store.find_one("users", "username", n.lower()) for n in dict.fromkeys(names)]
    return jsonify([present(rt, viewer, u) for u in found if u is not None])


@blueprint.get("/users/stats")
def get_total_users_stats() -> Response:
    """Active accounts, bots included (``GetTotalUsersStats``)."""
    rt = runtime()
    authentication.current_user()
    total = sum(1 for u in rt.store.all("users") if not u["delete_at"])
    return jsonify({"total_users_count": total})


@blueprint.get("/users/known")
def get_known_users() -> Response:
    """Ids of the users who share a channel with the caller."""
    rt, viewer = authentication.caller()
    known: dict[str, None] = {}
    for membership in rt.store.find("channel_members", "user_id", viewer["id"]):
        for member in rt.store.find("channel_members", "channel_id", membership["channel_id"]):
            if member["user_id"] != viewer["id"]:
                known[member["user_id"]] = None
    return jsonify(sorted(known))


@blueprint.post("/users/<user_id>/typing")
def publish_user_typing(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    body = inputs.json_object("typing_request")
    channel_id, parent_id = body.get("channel_id", ""), body.get("parent_id", "")
    if not isinstance(channel_id, str) or not isinstance(parent_id, str):
        raise errors.invalid_body_param("typing_request")
    if target != viewer["id"]:
        permissions.require_system(viewer, "manage_system")
    if not models.user_typing(rt, target, channel_id, parent_id):
        raise errors.permission_denied(viewer["id"], "create_post")
    return jsonify(wire.status_ok())
