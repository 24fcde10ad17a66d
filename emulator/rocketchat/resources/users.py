"""Users: creation, registration, lookup, listing, updates and deletion (``v1/users.ts``).

Presence and status are in ``users_status``, preferences in ``users_preferences``, tokens in
``users_tokens`` and avatars in ``avatar``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, jsonquery, models, twofactor, wire

blueprint = Blueprint("rc_users", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

# ``isUserCreateParamsPOST`` / ``isUsersUpdateParamsPOST``: optional fields and their types.
USER_FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "email": str,
    "name": str,
    "password": str,
    "username": str,
    "bio": str,
    "nickname": str,
    "statusText": str,
    "active": bool,
    "roles": list,
    "joinDefaultChannels": bool,
    "requirePasswordChange": bool,
    "sendWelcomeEmail": bool,
    "verified": bool,
    "customFields": dict,
    "setRandomPassword": bool,
}
CREATE_REQUIRED = ("email", "name", "password", "username")


def _ok(**body: Any) -> Response:
    return jsonify({**body, "success": True})


def _check_types(params: Doc, prefix: str = "") -> None:
    for name, value in params.items():
        expected = USER_FIELD_TYPES.get(name)
        if expected is None:
            raise errors.invalid_params(f"{prefix}must NOT have additional properties")
        if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            kind = {str: "string", bool: "boolean", list: "array", dict: "object"}[expected]
            raise errors.invalid_params(f"{prefix}/{name} must be {kind}")
    if "roles" in params and not all(isinstance(r, str) for r in params["roles"]):
        raise errors.invalid_params(f"{prefix}/roles must be array of strings")


def _validate_user_data(rt: Runtime, data: Doc, existing: Doc | None) -> None:
    """``validateUserData``: names, username and email format, and uniqueness."""
    details = {"method": "insertOrUpdateUser"}
    for name, field in (("name", "Name"), ("username", "Username"), ("email", "Email")):
        if name in data and not data[name].strip():
            raise errors.meteor_error(
                errors.THE_FIELD_IS_REQUIRED,
                f"The field {field} is required",
                {**details, "field": field},
            )
    username = data.get("username")
    if username is not None:
        if not re.fullmatch(models.USERNAME_PATTERN, username):
            raise errors.meteor_error(
                errors.INPUT_IS_NOT_A_VALID_FIELD,
                f"{username} is not a valid username",
                {**details, "input": username, "field": "Username"},
            )
        other = models.find_user_by_username(rt, username)
        if other is not None and (existing is None or other["_id"] != existing["_id"]):
            raise errors.meteor_error(
                errors.FIELD_UNAVAILABLE,
                f"{username} is already in use :(",
                {**details, "field": username},
            )
    email = data.get("email")
    if email is not None:
        if not re.match(models.EMAIL_PATTERN, email):
            raise errors.meteor_error(errors.INVALID_EMAIL, f"Invalid email {email}", details)
        other = rt.store.find_one("users", "email", email.lower())
        if other is not None and (existing is None or other["_id"] != existing["_id"]):
            raise errors.meteor_error(
                errors.FIELD_UNAVAILABLE,
                f"{email} is already in use :(",
                {**details, "field": email},
            )


def _profile_changes(data: Doc, existing: Doc) -> Doc:
    changes: Doc = {}
    for key in ("name", "username", "bio", "nickname", "statusText", "customFields"):
        if key in data:
            changes[key] = data[key]
    if "requirePasswordChange" in data:
        changes["requirePasswordChange"] = data["requirePasswordChange"]
    if "roles" in data:
        changes["roles"] = list(dict.fromkeys(data["roles"]))
    if "email" in data or "verified" in data:
        current = existing.get("emails") or [{"address": "", "verified": False}]
        address = data.get("email", current[0]["address"]).lower()
        verified = data.get("verified", current[0]["verified"] and address == current[0]["address"])
        changes["emails"] = [{"address": address, "verified": bool(verified)}]
    return changes


# -- creation and registration ----------------------------------------------------------------


@blueprint.post("/users.create")
def create() -> Response:
    rt = runtime()
    me = auth.require_permission("create-user")
    params = inputs.body()
    inputs.require_fields(params, CREATE_REQUIRED)
    _check_types(params)
    _validate_user_data(rt, params, None)
    roles = params.get("roles") or ["user"]
    with rt.store.transaction():
        user = models.create_user(
            rt,
            username=params["username"],
            email=params["email"],
            password=params["password"],
            name=params["name"],
            roles=list(dict.fromkeys(roles)),
            verified=bool(params.get("verified", False)),
        )
        extra = {k: params[k] for k in ("bio", "nickname", "customFields") if k in params}
        extra["requirePasswordChange"] = bool(params.get("requirePasswordChange", False))
        if params.get("active") is False:
            extra["active"] = False
        user = models.update_user(rt, user["_id"], extra)
        if params.get("joinDefaultChannels", True):
            models.join_default_rooms(rt, user)
    return _ok(user=wire.user_without(user, jsonquery.hidden_user_fields(rt, me)))


@blueprint.post("/users.register")
def register() -> Response:
    rt = runtime()
    if auth.authenticate(rt, request.environ) is not None:
        raise errors.failure("Logged in users can not register again.")
    params = inputs.body()
    inputs.require_fields(params, ("username", "email", "pass", "name"))
    for key in ("username", "email", "pass", "name", "secretURL"):
        if key in params and not isinstance(params[key], str):
            raise errors.invalid_params(f"/{key} must be string")
    if models.find_user_by_username(rt, params["username"]) is not None:
        raise errors.failure("Username is already in use")
    form = models.setting(rt, "Accounts_RegistrationForm")
    details = {"method": "registerUser"}
    if form == "Disabled":
        raise errors.meteor_error(
            errors.USER_REGISTRATION_DISABLED, "User registration is disabled", details
        )
    secret = models.setting(rt, "Accounts_RegistrationForm_SecretURL")
    if form == "Secret URL" and (not secret or params.get("secretURL") != secret):
        raise errors.meteor_error(
            errors.USER_REGISTRATION_SECRET,
            "User registration is only allowed via Secret URL",
            details,
        )
    if not re.match(models.EMAIL_PATTERN, params["email"]):
        raise errors.meteor_error(errors.INVALID_EMAIL, f"Invalid email {params['email']}")
    if rt.store.find_one("users", "email", params["email"].lower()) is not None:
        raise errors.RocketError(
            400,
            {"success": False, "error": "Email already exists. [403]", "errorType": 403},
        )
    _validate_user_data(rt, {"username": params["username"], "name": params["name"]}, None)
    has_admin = any(u.get("type") == "user" for u in models.users_with_role(rt, "admin"))
    with rt.store.transaction():
        user = models.create_user(
            rt,
            username=params["username"],
            email=params["email"],
            password=params["pass"],
            name=params["name"],
            roles=["user"] if has_admin else ["user", "admin"],
            verified=False,
        )
        models.join_default_rooms(rt, user)
    return _ok(user=wire.user_without(user, jsonquery.hidden_user_fields(rt, None)))


# -- lookup and listing -----------------------------------------------------------------------


@blueprint.get("/users.info")
def info() -> Response:
    rt, me = auth.runtime_and_user()
    args = request.args
    if args.get("userId"):
        user = rt.store.get("users", args["userId"])
    elif args.get("username"):
        user = models.find_user_by_username(rt, args["username"])
    elif args.get("importId"):
        user = None
    else:
        raise errors.failure("Invalid search query.")
    if user is None:
        raise errors.failure("User not found.")
    myself = user["_id"] == me["_id"]
    full = myself or models.has_permission(rt, me, "view-full-other-user-info")
    body = wire.user_info(user, full)
    _, fields = jsonquery.json_query(rt, me)
    wants_rooms = args.get("includeUserRooms") == "true" or fields.get("userRooms") == 1
    if wants_rooms and (myself or models.has_permission(rt, me, "view-other-user-channels")):
        subs = sorted(
            rt.store.find("subscriptions", "user", user["_id"]),
            key=lambda s: (s["t"], s.get("name") or ""),
        )
        body["rooms"] = [wire.subscription_brief(s) for s in subs]
    return _ok(user=body)


@blueprint.get("/users.list")
def list_users() -> Response:
    rt = runtime()
    me = auth.require_permission("view-d-room")
    if models.setting(
        rt, "API_Apply_permission_view-outside-room_on_users-list"
    ) and not models.has_permission(rt, me, "view-outside-room"):
        raise errors.forbidden()
    offset, limit, sort = inputs.pagination(rt)
    query, fields = jsonquery.json_query(rt, me)
    hidden = jsonquery.hidden_user_fields(rt, me)
    users = rt.store.all("users")
    if query:
        try:
            users = [u for u in users if jsonquery.matches(u, query)]
        except ValueError:
            raw = request.args["query"]
            raise errors.meteor_error(
                errors.INVALID_QUERY, f'Invalid query parameter provided: "{raw}"'
            ) from None
    spec = dict(sort or {"username": 1})
    if "name" in spec:
        spec = {("nameInsensitive" if k == "name" else k): v for k, v in spec.items()}
    entries = [wire.user_list_entry(u, hidden, fields) for u in users]
    entries = jsonquery.sort_docs(entries, spec, {"username": 1})
    total = len(entries)
    page = entries[offset:] if limit is None else entries[offset : offset + limit]
    return _ok(users=page, count=len(page), offset=offset, total=total)


@blueprint.get("/users.autocomplete")
def autocomplete() -> Response:
    rt, _ = auth.runtime_and_user()
    inputs.require_fields(request.args, ("selector",))
    raw = request.args["selector"]
    try:
        selector = json.loads(raw)
    except ValueError as exc:
        raise errors.failure(f"Unexpected token in JSON at position {exc.pos}") from None
    if not isinstance(selector, dict):
        raise errors.failure(errors.INVALID_QUERY)
    term = selector.get("term") if isinstance(selector.get("term"), str) else ""
    exceptions = selector.get("exceptions") if isinstance(selector.get("exceptions"), list) else []
    conditions = selector.get("conditions") if isinstance(selector.get("conditions"), dict) else {}
    pattern = re.compile(re.escape(term), re.IGNORECASE)
    items = []
    try:
        for user in rt.store.find("users", "active", True):
            if user["username"] in exceptions:
                continue
            if not (pattern.search(user["username"]) or pattern.search(user.get("name") or "")):
                continue
            if conditions and not jsonquery.matches(user, conditions):
                continue
            items.append(user)
    except ValueError:
        raise errors.failure(errors.INVALID_QUERY) from None
    items.sort(key=lambda u: u["username"])
    fields = ("_id", "name", "username", "nickname", "status", "avatarETag")
    return _ok(items=[{k: u[k] for k in fields if k in u} for u in items[:10]])


# -- updates ----------------------------------------------------------------------------------


@blueprint.post("/users.update")
def update() -> Response:
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    inputs.require_fields(params, ("userId", "data"))
    if not isinstance(params["userId"], str):
        raise errors.invalid_params("/userId must be string")
    data = params["data"]
    if not isinstance(data, dict):
        raise errors.invalid_params("/data must be object")
    _check_types(data, "/data")
    twofactor.require_two_factor(rt, me)
    user = rt.store.get("users", params["userId"])
    details = {"method": "insertOrUpdateUser"}
    if user is None or (
        user["_id"] != me["_id"] and not models.has_permission(rt, me, "edit-other-user-info")
    ):
        if user is not None:
            raise errors.meteor_error(
                errors.ACTION_NOT_ALLOWED, "Editing user is not allowed", details
            )
        raise errors.meteor_error(errors.INVALID_USER, "Invalid user", details)
    roles_change = "roles" in data and sorted(data["roles"]) != sorted(user.get("roles", []))
    if roles_change and not models.has_permission(rt, me, "assign-roles"):
        raise errors.meteor_error(errors.ACTION_NOT_ALLOWED, "Assign roles is not allowed", details)
    other_password = "password" in data and user["_id"] != me["_id"]
    if other_password and not models.has_permission(rt, me, "edit-other-user-password"):
        raise errors.meteor_error(errors.ACTION_NOT_ALLOWED, "Editing user is not allowed", details)
    _validate_user_data(rt, data, user)
    if "active" in data and data["active"] != user["active"]:
        check_active_change(rt, user, data["active"])
    with rt.store.transaction():
        updated = models.update_user(rt, user["_id"], _profile_changes(data, user))
        if data.get("password"):
            updated = models.set_user_password(rt, user["_id"], data["password"])
        if "active" in data and data["active"] != user["active"]:
            updated = models.set_user_active(rt, user["_id"], data["active"])
    return _ok(user=wire.user_without(updated, jsonquery.hidden_user_fields(rt, me)))


@blueprint.post("/users.updateOwnBasicInfo")
def update_own_basic_info() -> Response:
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    inputs.require_fields(params, ("data",))
    data = params["data"]
    if not isinstance(data, dict):
        raise errors.invalid_params("/data must be object")
    allowed = {
        "email",
        "name",
        "username",
        "nickname",
        "bio",
        "statusText",
        "statusType",
        "newPassword",
        "currentPassword",
    }
    for key, value in data.items():
        if key not in allowed:
            raise errors.invalid_params("/data must NOT have additional properties")
        if not isinstance(value, str):
            raise errors.invalid_params(f"/data/{key} must be string")
    sensitive = "email" in data or "newPassword" in data
    if data.get("currentPassword"):
        digest = data["currentPassword"]
        if not models.check_user_password(me, {"digest": digest, "algorithm": "sha-256"}):
            raise errors.two_factor(
                errors.TOTP_INVALID,
                "TOTP Invalid",
                {"method": "password", "codeGenerated": False, "availableMethods": []},
            )
    elif sensitive:
        twofactor.require_two_factor(rt, me)
    fields = {k: data[k] for k in ("email", "name", "username") if k in data}
    _validate_user_data(rt, fields, me)
    changes = _profile_changes(
        {
            k: data[k]
            for k in ("email", "name", "username", "nickname", "bio", "statusText")
            if k in data
        },
        me,
    )
    if "statusType" in data and data["statusType"] not in models.USER_STATUSES:
        raise errors.meteor_error(
            errors.INVALID_STATUS, "Valid status types include online, away, offline, and busy."
        )
    with rt.store.transaction():
        updated = models.update_user(rt, me["_id"], changes)
        if "statusType" in data:
            updated = models.set_user_status(rt, updated, data["statusType"], None)
        if data.get("newPassword"):
            updated = models.set_user_password(rt, me["_id"], data["newPassword"], g.auth_token)
    return _ok(user=wire.user_without(updated, frozenset()))


@blueprint.post("/users.delete")
def delete() -> Response:
    rt = runtime()
    auth.require_permission("delete-user")
    params = inputs.body()
    user = inputs.user_from_params(rt, params)
    if models.is_last_active_admin(rt, user):
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED,
            "Leaving the app without admins is not allowed",
            {"method": "deleteUser", "action": "Remove_last_admin"},
        )
    if not params.get("confirmRelinquish"):
        owned = []
        for sub in rt.store.find("subscriptions", "user", user["_id"]):
            if sub["t"] == "d" or "owner" not in sub.get("roles", []):
                continue
            room = rt.store.get("rooms", sub["rid"])
            if len(models.room_owners(rt, sub["rid"])) == 1 and room["usersCount"] > 1:
                owned.append(
                    {
                        "rid": room["_id"],
                        "t": room["t"],
                        "shouldChangeOwner": True,
                        "shouldBeRemoved": False,
                    }
                )
        if owned:
            raise errors.meteor_error(errors.USER_LAST_OWNER, None, owned)
    models.delete_user(rt, user)
    return _ok()


@blueprint.post("/users.deleteOwnAccount")
def delete_own_account() -> Response:
    """Needs ``Accounts_AllowDeleteOwnAccount``; ``password`` is the SHA-256 hex digest."""
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    password = params.get("password")
    if not password:
        raise errors.failure('Body parameter "password" is required.')
    if not models.setting(rt, "Accounts_AllowDeleteOwnAccount"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not allowed")
    digest = {"digest": password, "algorithm": "sha-256"}
    if not isinstance(password, str) or not models.check_user_password(me, digest):
        raise errors.meteor_error(
            errors.INVALID_PASSWORD, "Invalid password", {"method": "deleteUserOwnAccount"}
        )
    if models.is_last_active_admin(rt, me):
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED,
            "Leaving the app without admins is not allowed",
            {"method": "deleteUser", "action": "Remove_last_admin"},
        )
    models.delete_user(rt, me)
    return _ok()


@blueprint.get("/users.checkUsernameAvailability")
def check_username_availability() -> Response:
    rt, me = auth.runtime_and_user()
    username = request.args.get("username")
    if username is None:
        raise errors.invalid_params("must have required property 'username'")
    if not username:
        raise errors.meteor_error(
            errors.INVALID_USERNAME, "Invalid username", {"method": "setUsername"}
        )
    if not models.setting(rt, "Accounts_AllowUsernameChange"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not allowed", {"method": "setUsername"})
    if username == me["username"]:
        return _ok(result=True)
    valid = re.fullmatch(models.USERNAME_PATTERN, username) is not None
    return _ok(result=valid and models.find_user_by_username(rt, username) is None)


@blueprint.post("/users.forgotPassword")
def forgot_password() -> Response:
    """Always a success, whether or not the address is known (no mail leaves the emulator)."""
    email = inputs.body().get("email")
    if not email:
        raise errors.failure("The 'email' param is required")
    return _ok()


def check_active_change(rt: Runtime, user: Doc, active: bool) -> None:
    """``setUserActiveStatus`` refuses to deactivate the last active admin."""
    if not active and models.is_last_active_admin(rt, user):
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED,
            "Leaving the app without an active admin is not allowed",
            {"method": "setUserActiveStatus", "action": "Remove_last_admin"},
        )
